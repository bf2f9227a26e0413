//! Error localisation: which cell most likely holds the error, and what it should say.
//!
//! One typo breaks several checks at once — a row identity and a column sum. Following the
//! Fellegi–Holt principle, we look for the fewest cells whose change makes every failing
//! check of a report pass without making a passing one fail. Failing checks that share no
//! cell are independent problems (components) and are localised one by one: first every
//! single cell they all read (the common case, cheap and exact), then pairs of cells (a
//! bounded search), then — where several slips meet in one table — one cell at a time (a
//! greedy approximation), else "could not localise". Info findings are notes: they are not
//! localised and may go on failing. See docs/localisation.md.
//!
//! A candidate value comes from the checks themselves: every comparison is re-evaluated with
//! the cell changed ([`crate::eval::replay`]), which gives its difference as a function of
//! the cell; where that is linear (sums, identities, bounds) the value that makes it exact
//! follows, in exact decimals. Where the rules only bound a figure, the typos of the written
//! figure are tried ([`typo::variants`]). Every candidate is verified by checking again every
//! rule instance that reads the changed cells. Among several explanations the one that
//! leaves the other checks nearest to exact wins (a typo a rounding step or two from exact
//! counts as exact: published figures are rounded), then the likelier kind of slip.

pub mod typo;

use crate::check::RuleSet;
use crate::eval::CellAt;
use crate::eval::Options;
use crate::eval::replay::{CellPlace, FindingKey, Instance, Measure, Replayer, key_column, place};
use crate::finding::{Finding, SpanJson};
use crate::render::visible::shortened;
use crate::report::Report;
use crate::report::number::format_decimal;
use crate::source::{SourceId, Sources, Span};
use rust_decimal::Decimal;
use serde::Serialize;
// foldhash: several times faster than SipHash on the cell positions these maps are keyed by,
// and seeded per run like it.
use foldhash::{HashMap, HashSet};
pub use typo::FixKind;

/// First cells of a pair tried, at most (those that the most failing checks read), and
/// second cells for each.
const PAIR_CANDIDATES: usize = 40;
/// Re-checks one problem may cost before the search gives up on it.
const BUDGET: usize = 20_000;
/// Values tried for one cell in a pair.
const VALUES_PER_CELL: usize = 8;
/// Unsolved problems are joined through passing checks of at most this many cells (a row,
/// a group's sum), and at most this many problems at once.
const JOIN_READS: usize = 64;
const JOIN_MAX: usize = 8;
/// Cells changed one at a time, at most, for one problem.
const MAX_STEPS: usize = 12;
/// Cells tried at each such step (those that the most failing checks read).
const STEP_CANDIDATES: usize = 24;
/// Problems of a report localised one after another by one search, in parallel with other
/// such pieces: enough to keep a search's memory of cells worth having, small enough that a
/// report of thousands of findings keeps every core busy.
const PROBLEMS_PER_PIECE: usize = 64;
/// Cell reads all re-checks of a run may cost: a check that sums a long column is expensive
/// to re-check, and many findings over one would otherwise take a quadratic time. Counted,
/// not timed, so a run gives the same fixes on every machine; each report, and each piece of
/// a report's problems, may use the share of its findings. A run has [`WORK_BASE`] and [`WORK_PER_FINDING`] for each listed finding,
/// up to [`WORK_MAX`]: a million-row table with 22 000 findings uses about 300 reads per
/// finding, and a read costs 100–300 ns, so a table written to make every re-check read
/// thirty thousand cells stops after a few seconds rather than a minute.
const WORK_BASE: usize = 10_000_000;
const WORK_PER_FINDING: usize = 1_000;
const WORK_MAX: usize = 200_000_000;

/// The cells of an instance that reads at most this many are searched one by one.
const READS_SEARCHED: usize = 64;

/// Characters of a row key a fix's words show: a fix names its row several times for each
/// finding, and a key of megabytes (a hostile file) made hundreds of megabytes of output.
/// The JSON's `row_key` of a change is cut only as a finding's is
/// ([`crate::finding::ROW_KEY_CHARS`]).
pub(crate) const KEY_CHARS: usize = 80;

/// Entries each list of a [`Fix`] holds at most. Every finding a fix explains carries it, so
/// a fix listing all of ten thousand findings made a hundred million entries (gigabytes of
/// JSON from a table of a megabyte).
pub const LISTED_PER_FIX: usize = 50;

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// What rimlig suggests for the findings one cell change explains.
#[derive(Clone, Debug, Serialize)]
pub struct Fix {
    /// Findings explained by the same change share this number.
    pub group: usize,
    pub status: FixStatus,
    /// The most likely change (one cell, or two; every change needed when `together`); empty
    /// when not localised.
    pub changes: Vec<Change>,
    /// Fingerprints of the findings this change explains (this one among them), the first
    /// [`LISTED_PER_FIX`].
    pub explains: Vec<String>,
    /// How many more findings the change explains than `explains` lists.
    #[serde(skip_serializing_if = "is_zero")]
    pub unlisted: usize,
    /// The failing checks the change makes pass: `prognos-avvikelse (Kontakt Linköping)`;
    /// empty when not localised.
    pub fixes: Vec<String>,
    /// The passing checks that read the changed cells and still pass after the change (not
    /// one that was failing already).
    pub keeps: Vec<String>,
    /// Those of `keeps` that held only within their tolerance and are exact after it.
    pub exact: Vec<String>,
    /// Other changes of as many cells that make the same checks pass: first those as likely
    /// as `changes` ([`Fix::as_likely`] of them), then less likely ones, least likely last.
    pub alternatives: Vec<Vec<Change>>,
    /// How many of the first `alternatives` are as likely as `changes` by the ranking (as
    /// many slips, as near to exact, slips of the same tier); the rest are less likely.
    pub as_likely: usize,
    /// Why no change was found, when not localised.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The findings, the changes and the alternatives are not all in one table: each change
    /// is then named with its table (`prognos · B · Budget`), so that a controller reading a
    /// driftsammandrag finding knows the figure to look at is in the prognos. Not in the
    /// JSON, where every change has its `table`.
    #[serde(skip)]
    pub name_tables: bool,
    /// The changes were found one at a time, each for findings of its own, and `fixes` pass
    /// only with all of them made: the words say so, rather than credit the last one found.
    /// Not in the JSON, whose `changes` lists every change needed.
    #[serde(skip)]
    pub together: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FixStatus {
    /// One change is clearly the most likely.
    Localised,
    /// Other changes explain the findings equally well; the first is shown.
    Ambiguous,
    /// No change of one or two cells makes every check pass.
    NotLocalised,
}

/// One cell to change.
#[derive(Clone, Debug, Serialize)]
pub struct Change {
    pub table: String,
    pub row_key: String,
    pub column_name: String,
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub span: SpanJson,
    /// For a workbook cell, as the spreadsheet names it: `prognos!D6`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
    /// The cell as written: `995`.
    pub written: String,
    /// Its value and the suggested one, plain decimals: `995`, `1000`.
    pub current: String,
    pub suggested: String,
    /// The suggestion written as the cell is: the way the report writes figures, `1 000`;
    /// for a cell a JSON report writes as a number, as a JSON number, `1000`.
    pub suggested_text: String,
    pub kind: FixKind,
    /// The kind in words: "two digits swapped".
    pub kind_text: String,
    #[serde(skip)]
    pub source: SourceId,
    #[serde(skip)]
    pub primary: Span,
}

impl Change {
    /// `Kontakt Linköping · Avvikelse: 995`; a row key longer than [`KEY_CHARS`] cut short.
    pub fn describe(&self) -> String {
        format!(
            "{} · {}: {}",
            shortened(&self.row_key, KEY_CHARS),
            self.column_name,
            self.written
        )
    }

    /// [`Change::describe`], with the table first when `table`:
    /// `prognos · Kontakt Linköping · Avvikelse: 995`.
    pub fn describe_named(&self, table: bool) -> String {
        if table {
            format!("{} · {}", self.table, self.describe())
        } else {
            self.describe()
        }
    }
}

/// Localise the findings of every report and set their [`Finding::fix`].
pub fn localise(
    set: &RuleSet,
    reports: &[Report],
    previous: &[Option<&Report>],
    sources: &Sources,
    options: &Options,
    broken: &[String],
    findings: &mut [Finding],
) {
    let replayer = Replayer {
        set,
        sources,
        options,
    };
    let mut by_report: HashMap<String, Vec<usize>> = HashMap::default();
    for (i, f) in findings.iter().enumerate() {
        if !f.reads.is_empty() {
            by_report.entry(f.report.to_string()).or_default().push(i);
        }
    }
    // The cell reads of the run are shared out by findings, so each report's share is known
    // before any is localised: reports are localised in parallel, and the fixes are the same
    // on every machine and in every order.
    let listed: usize = by_report.values().map(Vec::len).sum();
    let work: Vec<(usize, &[usize])> = reports
        .iter()
        .enumerate()
        .filter_map(|(ri, report)| {
            let name = report.path.to_string_lossy().replace('\\', "/");
            let mine = by_report.get(&name)?;
            Some((ri, mine.as_slice()))
        })
        .collect();
    let found: &[Finding] = findings;
    let one = |&(ri, mine): &(usize, &[usize])| {
        let work = WORK_PER_FINDING
            .saturating_mul(listed)
            .saturating_add(WORK_BASE)
            .min(WORK_MAX);
        let share = work / listed.max(1) * mine.len();
        localise_report(
            &replayer,
            &reports[ri],
            previous.get(ri).copied().flatten(),
            broken,
            found,
            mine,
            share,
        )
    };
    let results: Vec<Vec<(Vec<usize>, Fix)>> = {
        use rayon::prelude::*;
        work.par_iter().map(one).collect()
    };
    // Numbered in report order, as the findings are listed. Finished and handed to their
    // findings in parallel: a large report has tens of thousands.
    use rayon::prelude::*;
    let mut fixes: Vec<(Vec<usize>, Fix)> = results.into_iter().flatten().collect();
    let listed: &[Finding] = findings;
    fixes
        .par_iter_mut()
        .enumerate()
        .for_each(|(group, (explained, fix))| {
            fix.group = group;
            fix.explains = explained
                .iter()
                .take(LISTED_PER_FIX)
                .map(|&i| listed[i].fingerprint())
                .collect();
            fix.unlisted = explained.len().saturating_sub(LISTED_PER_FIX);
            let mut tables: HashSet<&str> = explained.iter().map(|&i| &*listed[i].table).collect();
            tables.extend(
                fix.changes
                    .iter()
                    .chain(fix.alternatives.iter().flatten())
                    .map(|c| c.table.as_str()),
            );
            fix.name_tables = tables.len() > 1;
            for list in [&mut fix.fixes, &mut fix.keeps, &mut fix.exact] {
                list.truncate(LISTED_PER_FIX);
            }
            fix.alternatives.truncate(LISTED_PER_FIX);
        });
    // Each finding gets the last fix that explains it. The findings a fix explains share it:
    // a change that explains thousands of findings is held once, not once for each.
    let mut fix_of: Vec<Option<usize>> = vec![None; findings.len()];
    for (k, (explained, _)) in fixes.iter().enumerate() {
        for &i in explained {
            fix_of[i] = Some(k);
        }
    }
    let shared: Vec<std::sync::Arc<Fix>> = fixes
        .into_iter()
        .map(|(_, fix)| std::sync::Arc::new(fix))
        .collect();
    findings.par_iter_mut().zip(fix_of).for_each(|(f, k)| {
        if let Some(k) = k {
            f.fix = Some(shared[k].clone());
        }
    });
}

/// The fixes for the findings `mine` (indices into `findings`) of one report, each with the
/// findings it explains, within `work` cell reads.
fn localise_report<'a>(
    replayer: &Replayer<'a>,
    report: &'a Report,
    previous: Option<&'a Report>,
    broken: &[String],
    findings: &[Finding],
    mine: &[usize],
    work: usize,
) -> Vec<(Vec<usize>, Fix)> {
    let watch: HashSet<CellAt> = mine
        .iter()
        .flat_map(|&i| findings[i].reads.iter().copied())
        .collect();
    let instances = replayer.collect(report, previous, watch, broken);
    let checked = Checked::new(replayer, instances);
    let mut search = Search::new(replayer, report, &checked, work);
    let mut of_key: HashMap<FindingKey, Vec<usize>> = HashMap::default();
    for &i in mine.iter().rev() {
        of_key
            .entry(FindingKey::of(&findings[i]))
            .or_default()
            .push(i);
    }
    let components = search.components();
    // The finding each failing instance gave.
    let mut finding_of: HashMap<usize, usize> = HashMap::default();
    for &i in components.iter().flatten() {
        if let Some(f) = search.instances[i]
            .finding
            .as_ref()
            .and_then(|key| of_key.get_mut(key)?.pop())
        {
            finding_of.insert(i, f);
        }
    }
    // Problems without a listed finding (beyond the cap of findings per rule) are left.
    let per_finding = work / mine.len().max(1);
    let (mut results, left) = in_pieces(&search, &components, &finding_of, per_finding);
    search.work = left;
    // Problems that no change explains alone may be halves of one: a slip in a row and
    // a total worked out from it break both rows, while the sum between them holds.
    // Joined through a passing check of a few cells, they are localised together.
    let unsolved: Vec<usize> = (0..components.len())
        .filter(|&k| {
            !results[k].is_empty()
                && results[k]
                    .iter()
                    .all(|(_, f)| f.status == FixStatus::NotLocalised)
        })
        .collect();
    let joined = search.join(&components, &unsolved);
    let merged: Vec<Vec<usize>> = joined
        .iter()
        .map(|ks| {
            ks.iter()
                .flat_map(|&k| components[k].iter().copied())
                .collect()
        })
        .collect();
    // The cell reads the first pieces left, shared out again by findings.
    let listed = merged
        .iter()
        .flatten()
        .filter(|i| finding_of.contains_key(i))
        .count();
    let per_finding = search.work / listed.max(1);
    let (fixes, _) = in_pieces(&search, &merged, &finding_of, per_finding);
    for (joined, r) in joined.iter().zip(fixes) {
        if r.iter().any(|(_, f)| f.status != FixStatus::NotLocalised) {
            results[joined[0]] = r;
            for &k in &joined[1..] {
                results[k] = Vec::new();
            }
        }
    }
    results
        .into_iter()
        .flatten()
        .filter_map(|(part, fix)| {
            // Which findings these failing instances gave.
            let explained: Vec<usize> = part
                .iter()
                .filter_map(|i| finding_of.get(i).copied())
                .collect();
            (!explained.is_empty()).then_some((explained, fix))
        })
        .collect()
}

/// The fixes of one problem, each with the failing instances it explains.
type ProblemFixes = Vec<(Vec<usize>, Fix)>;

/// The fixes of each of `problems` (lists of failing instances), in order: localised in
/// pieces, in parallel, each piece by a search of its own with `per_finding` cell reads for
/// each listed finding it holds (`finding_of`), so that a piece's fixes are the same on every
/// machine and whatever the other pieces find. A problem without a listed finding (beyond
/// the cap of findings per rule) is left. With the cell reads the pieces left.
fn in_pieces(
    search: &Search<'_, '_>,
    problems: &[Vec<usize>],
    finding_of: &HashMap<usize, usize>,
    per_finding: usize,
) -> (Vec<ProblemFixes>, usize) {
    use rayon::prelude::*;
    let listed = |p: &Vec<usize>| p.iter().filter(|i| finding_of.contains_key(i)).count();
    let pieces: Vec<(Vec<ProblemFixes>, usize)> = problems
        .par_chunks(PROBLEMS_PER_PIECE)
        .map(|piece| {
            let findings: usize = piece.iter().map(listed).sum();
            let mut own = search.fork(per_finding.saturating_mul(findings));
            let fixes = piece
                .iter()
                .map(|p| {
                    if listed(p) > 0 {
                        own.localise(p)
                    } else {
                        Vec::new()
                    }
                })
                .collect();
            (fixes, own.work)
        })
        .collect();
    let left = pieces.iter().map(|(_, left)| *left).sum();
    (pieces.into_iter().flat_map(|(f, _)| f).collect(), left)
}

/// A candidate explanation: cells and their values, and how good it is.
#[derive(Clone, Debug)]
struct Solution {
    changes: Vec<(CellAt, Decimal)>,
    /// How much nearer to exact the checks reading the cells come (negative: nearer).
    residual_change: Decimal,
    /// The typo kinds, for ranking: a slip of the hand is likelier than a wrong figure.
    kinds: Vec<FixKind>,
    /// The cells are where the findings point.
    at_findings: bool,
    /// The failing checks only bound the value (`prognos <= ram`): they do not say what it
    /// should be, so the value is a guess.
    bound_only: bool,
}

impl Solution {
    /// Smaller is likelier: fewer slips, the other checks nearer to exact, likelier kinds
    /// of slip, the cells the findings point at.
    fn rank(&self) -> (usize, Decimal, usize, bool) {
        let weight = if self.is_swap() {
            FixKind::Swap.weight()
        } else {
            self.kinds.iter().map(|k| k.weight()).sum()
        };
        (
            self.slips(),
            self.residual_change,
            weight,
            !self.at_findings,
        )
    }

    /// Two figures written in each other's place: one slip, though two cells change.
    fn is_swap(&self) -> bool {
        self.kinds.first() == Some(&FixKind::Swap)
    }

    /// How many slips of the hand the explanation takes: a cell each, a swap one.
    fn slips(&self) -> usize {
        if self.is_swap() {
            1
        } else {
            self.changes.len()
        }
    }

    fn same_cells(&self, other: &Solution) -> bool {
        self.changes.len() == other.changes.len()
            && self
                .changes
                .iter()
                .all(|(c, _)| other.changes.iter().any(|(d, _)| d == c))
    }
}

/// Whether the failing checks bound a cell rather than fix its value.
#[derive(Clone, Copy, Debug, Default)]
struct Bounds {
    /// Some failing comparison is an inequality: typos of the figure are worth trying.
    any: bool,
    /// No failing `==` says what the value should be.
    only: bool,
}

/// What the searches of one report share, as a search holds it: see [`Checked`].
type CheckedRefs<'r, 'a> = (
    &'r [Instance<'a>],
    &'r [Option<Measure>],
    &'r HashMap<CellAt, Vec<usize>>,
);

struct Search<'r, 'a> {
    replayer: &'r Replayer<'a>,
    report: &'a Report,
    set: &'a RuleSet,
    sources: &'a Sources,
    instances: &'r [Instance<'a>],
    /// Each instance checked as written.
    base: &'r [Option<Measure>],
    /// The instances that read a cell.
    readers: &'r HashMap<CellAt, Vec<usize>>,
    places: HashMap<CellAt, Option<CellPlace>>,
    /// Each table's key column: finding it builds views of every declaration.
    key_cols: HashMap<usize, usize>,
    /// Re-checks left for the problem being localised.
    budget: usize,
    /// Cell reads left for the run.
    work: usize,
    /// The cells of instances that read many, as sets: made when first asked for.
    read_sets: HashMap<usize, HashSet<CellAt>>,
    /// Typos of a cell's figure within a rounding step of the exact value (cell, typo,
    /// exact value): found by [`Self::roots`], weighed by [`Self::single`].
    snaps: Vec<(CellAt, Decimal, Decimal)>,
    /// Instances that cannot be measured as the report stands, with the cells whose change
    /// was found to leave them so (sorted): see [`Self::recheck`].
    unmeasurable: HashSet<(usize, Vec<CellAt>)>,
    /// Re-checks made, by instance and the changes among the cells it reads (each value as
    /// its exact bytes, its scale included): a change is often checked again, when its
    /// roots are found and when it is verified. A re-check found here still counts as
    /// work, so what a search finds does not depend on it.
    remeasured: HashMap<Remeasure, Option<Measure>>,
}

/// A re-check: the instance, and the changes among its cells (see [`Search::remeasured`]).
type Remeasure = (usize, Vec<(CellAt, [u8; 16])>);

/// What every search of one report reads and none changes: the instances, each checked as
/// written, and the instances that read each cell. Made once, shared by the searches that
/// localise the report's problems in parallel.
struct Checked<'a> {
    instances: Vec<Instance<'a>>,
    base: Vec<Option<Measure>>,
    readers: HashMap<CellAt, Vec<usize>>,
}

impl<'a> Checked<'a> {
    fn new(replayer: &Replayer<'a>, instances: Vec<Instance<'a>>) -> Self {
        use rayon::prelude::*;
        let base = instances
            .par_iter()
            .map(|i| replayer.measure(i, &[]))
            .collect();
        let mut readers: HashMap<CellAt, Vec<usize>> = HashMap::default();
        for (i, inst) in instances.iter().enumerate() {
            for c in &inst.reads {
                readers.entry(*c).or_default().push(i);
            }
        }
        Checked {
            instances,
            base,
            readers,
        }
    }
}

impl<'r, 'a> Search<'r, 'a> {
    /// A search of `report` over the instances `checked` holds, with `work` cell reads.
    fn new(
        replayer: &'r Replayer<'a>,
        report: &'a Report,
        checked: &'r Checked<'a>,
        work: usize,
    ) -> Self {
        Search::over(
            replayer,
            report,
            (&checked.instances, &checked.base, &checked.readers),
            work,
        )
    }

    /// A search of the same report with `work` cell reads of its own and nothing worked out
    /// yet: what it finds does not depend on what other searches found before.
    fn fork(&self, work: usize) -> Self {
        Search::over(
            self.replayer,
            self.report,
            (self.instances, self.base, self.readers),
            work,
        )
    }

    fn over(
        replayer: &'r Replayer<'a>,
        report: &'a Report,
        (instances, base, readers): CheckedRefs<'r, 'a>,
        work: usize,
    ) -> Self {
        Search {
            replayer,
            report,
            set: replayer.set,
            sources: replayer.sources,
            instances,
            base,
            readers,
            places: HashMap::default(),
            key_cols: HashMap::default(),
            budget: BUDGET,
            work,
            read_sets: HashMap::default(),
            snaps: Vec::new(),
            unmeasurable: HashSet::default(),
            remeasured: HashMap::default(),
        }
    }

    /// Whether instance `i` reads cell `c`. A sum over a long column reads thousands of
    /// cells, and is asked about for every cell tried: looked up in a set, not searched.
    fn reads_cell(&mut self, i: usize, c: CellAt) -> bool {
        let Some(inst) = self.instances.get(i) else {
            return false;
        };
        if inst.reads.len() <= READS_SEARCHED {
            return inst.reads.contains(&c);
        }
        self.read_sets
            .entry(i)
            .or_insert_with(|| inst.reads.iter().copied().collect())
            .contains(&c)
    }

    /// Where a cell is and what it holds, worked out once per cell.
    fn place(&mut self, c: CellAt) -> Option<&CellPlace> {
        let (report, set) = (self.report, self.set);
        let key_col = *self
            .key_cols
            .entry(c.table)
            .or_insert_with(|| key_column(report, set, c.table));
        self.places
            .entry(c)
            .or_insert_with(|| place(report, &c, key_col))
            .as_ref()
    }

    /// The figure in a cell and its printed decimals; `None` for a text or missing cell.
    fn figure(&mut self, c: CellAt) -> Option<(Decimal, u32)> {
        let p = self.place(c)?;
        let (v, d) = p.figure?;
        Some((v, d.unwrap_or(v.scale())))
    }

    /// A failing instance that can be localised: a comparison of figures, of a rule whose
    /// findings are errors or warnings. An info finding is a note: it is neither localised
    /// nor does it stand in the way of a fix (it may go on failing).
    fn localisable(&self, i: usize) -> bool {
        let info = self.instances[i]
            .rule
            .rule
            .severity
            .is_some_and(|s| s.0 == crate::syntax::ast::Level::Info);
        !info
            && self.instances[i].failed()
            && self.base[i]
                .as_ref()
                .is_some_and(|m| !m.holds && !m.pairs.is_empty())
    }

    /// Failed before any change, outside `component`: such a check may go on failing.
    fn failing_elsewhere(&self, i: usize, component: &[usize]) -> bool {
        !component.contains(&i) && self.base[i].as_ref().is_some_and(|m| !m.holds)
    }

    /// The failing instances, in groups that share cells (and so may share a cause).
    fn components(&mut self) -> Vec<Vec<usize>> {
        let failing: Vec<usize> = (0..self.instances.len())
            .filter(|&i| self.localisable(i))
            .collect();
        let mut parent: Vec<usize> = (0..self.instances.len()).collect();
        fn root(p: &mut [usize], mut x: usize) -> usize {
            while p[x] != x {
                p[x] = p[p[x]];
                x = p[x];
            }
            x
        }
        let mut first_reader: HashMap<CellAt, usize> = HashMap::default();
        for &i in &failing {
            for c in self.instances[i].reads.clone() {
                if self.figure(c).is_none() {
                    continue;
                }
                match first_reader.get(&c) {
                    Some(&j) => {
                        let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                        parent[a] = b;
                    }
                    None => {
                        first_reader.insert(c, i);
                    }
                }
            }
        }
        // In the order of their first failing instance.
        let mut index: HashMap<usize, usize> = HashMap::default();
        let mut groups: Vec<Vec<usize>> = Vec::new();
        for &i in &failing {
            let r = root(&mut parent, i);
            let g = *index.entry(r).or_insert_with(|| {
                groups.push(Vec::new());
                groups.len() - 1
            });
            groups[g].push(i);
        }
        groups
    }

    /// Unsolved problems (indices into `components`) that a passing check of at most
    /// [`JOIN_READS`] cells reads cells of: each list is to be localised as one.
    fn join(&self, components: &[Vec<usize>], unsolved: &[usize]) -> Vec<Vec<usize>> {
        let mut of_cell: HashMap<CellAt, usize> = HashMap::default();
        for &k in unsolved {
            for &i in &components[k] {
                for &c in &self.instances[i].reads {
                    of_cell.insert(c, k);
                }
            }
        }
        let mut parent: HashMap<usize, usize> = unsolved.iter().map(|&k| (k, k)).collect();
        fn root(p: &mut HashMap<usize, usize>, mut x: usize) -> usize {
            while p[&x] != x {
                x = p[&x];
            }
            x
        }
        for (i, inst) in self.instances.iter().enumerate() {
            let passes = self.base[i].as_ref().is_some_and(|m| m.holds);
            if !passes || inst.reads.len() > JOIN_READS {
                continue;
            }
            let mut ks: Vec<usize> = inst
                .reads
                .iter()
                .filter_map(|c| of_cell.get(c))
                .copied()
                .collect();
            ks.sort_unstable();
            ks.dedup();
            for w in ks.windows(2) {
                let (a, b) = (root(&mut parent, w[0]), root(&mut parent, w[1]));
                if a != b {
                    parent.insert(a.max(b), a.min(b));
                }
            }
        }
        let mut groups: HashMap<usize, Vec<usize>> = HashMap::default();
        for &k in unsolved {
            let r = root(&mut parent, k);
            groups.entry(r).or_default().push(k);
        }
        let mut out: Vec<Vec<usize>> = groups
            .into_values()
            .filter(|g| g.len() >= 2 && g.len() <= JOIN_MAX)
            .collect();
        out.sort();
        out
    }

    /// Instance `i` checked again with `overrides`; `None` for one that cannot be measured as
    /// the report stands (see [`Self::recheck`]), or when the work is spent.
    fn measure(&mut self, i: usize, overrides: &[(CellAt, Decimal)]) -> Option<Measure> {
        self.base[i].as_ref()?;
        self.remeasure(i, overrides)
    }

    /// [`Self::measure`] without asking whether it could be measured before: counts the work.
    fn remeasure(&mut self, i: usize, overrides: &[(CellAt, Decimal)]) -> Option<Measure> {
        let cost = self.instances[i].reads.len().max(1);
        if self.work < cost {
            self.budget = 0;
            return None;
        }
        self.work -= cost;
        self.budget = self.budget.saturating_sub(1);
        // Only an instance whose every read is known can be told apart by the cells it reads.
        if self.instances[i].reads.len() > crate::eval::READS_KEPT {
            return self.replayer.measure(&self.instances[i], overrides);
        }
        let mut changes: Vec<(CellAt, [u8; 16])> = Vec::with_capacity(overrides.len());
        for &(c, v) in overrides {
            if self.reads_cell(i, c) {
                changes.push((c, v.serialize()));
            }
        }
        changes.sort_unstable_by_key(|&(c, _)| (c.prev, c.table, c.row, c.col));
        let key = (i, changes);
        if let Some(known) = self.remeasured.get(&key) {
            return known.clone();
        }
        let measured = self.replayer.measure(&self.instances[i], overrides);
        self.remeasured.insert(key, measured.clone());
        measured
    }

    /// Instance `i` checked again with `overrides` made, to verify a change that reads it.
    /// `None` when it stands in the way of the change: it could be measured and cannot with
    /// the change made, or the work is spent. `Some(None)` when it can be measured neither as
    /// the report stands nor with the change: a sum with no total row to compare with, a
    /// comparison with a previous report there is none of. Such a check neither passes nor
    /// fails whatever the cell holds, so it cannot be broken, and it must not keep a slip in
    /// another check from being localised (a driftsammandrag without a Summa row). A change
    /// that lets it be measured (a divisor that was 0) is held to it like any other check.
    fn recheck(&mut self, i: usize, overrides: &[(CellAt, Decimal)]) -> Option<Option<Measure>> {
        if self.base[i].is_some() {
            return self.measure(i, overrides).map(Some);
        }
        // Whether it stays unmeasurable depends on which cells change, not on their values
        // (save a value that happens to divide by zero): it is measured once for each set of
        // its cells changed. Measuring it for every value tried would read a sum over thirty
        // thousand rows again for each value of each of them.
        let mut cells: Vec<CellAt> = overrides
            .iter()
            .map(|(c, _)| *c)
            .filter(|&c| self.reads_cell(i, c))
            .collect();
        cells.sort_by_key(|c| (c.prev, c.table, c.row, c.col));
        cells.dedup();
        let key = (i, cells);
        if self.unmeasurable.contains(&key) {
            return Some(None);
        }
        if self.work < self.instances[i].reads.len().max(1) {
            self.budget = 0;
            return None;
        }
        match self.remeasure(i, overrides) {
            Some(m) => Some(Some(m)),
            None => {
                self.unmeasurable.insert(key);
                Some(None)
            }
        }
    }

    /// Do all checks that read the changed cells pass? Then by how much the checks' `==`
    /// differences change in all.
    fn verify(&mut self, overrides: &[(CellAt, Decimal)], component: &[usize]) -> Option<Decimal> {
        let mut touched: Vec<usize> = overrides
            .iter()
            .flat_map(|(c, _)| self.readers.get(c).cloned().unwrap_or_default())
            .collect();
        touched.sort_unstable();
        touched.dedup();
        let mut change = Decimal::ZERO;
        for i in touched {
            let Some(m) = self.recheck(i, overrides)? else {
                continue;
            };
            if !m.holds && !self.failing_elsewhere(i, component) {
                return None;
            }
            let before = self.base[i]
                .as_ref()
                .map_or(Decimal::ZERO, Measure::residual);
            change = change.checked_add(m.residual())?.checked_sub(before)?;
        }
        Some(change)
    }

    /// Values of cell `c` that make each failing instance of `of` exact, with `fixed` set:
    /// where a comparison's difference is linear in the cell, the value follows from two
    /// evaluations. Also says whether some failing comparison only bounds the cell.
    fn roots(
        &mut self,
        c: CellAt,
        fixed: &[(CellAt, Decimal)],
        of: &[usize],
    ) -> (Vec<Decimal>, Bounds) {
        let Some((x0, scale)) = self.figure(c) else {
            return (Vec::new(), Bounds::default());
        };
        let mut out = Vec::new();
        let mut exact = 0;
        let mut bounds = false;
        let mut determined = false;
        let x1 = x0.checked_add(Decimal::ONE);
        for &i in of {
            if !self.reads_cell(i, c) {
                continue;
            }
            let Some(m0) = (if fixed.is_empty() {
                self.base[i].clone()
            } else {
                self.measure(i, fixed)
            }) else {
                continue;
            };
            if m0.holds {
                continue;
            }
            let Some(x1) = x1 else { continue };
            let mut with = fixed.to_vec();
            with.push((c, x1));
            let Some(m1) = self.measure(i, &with) else {
                continue;
            };
            for (k, (op, d0, holds)) in m0.pairs.iter().enumerate() {
                if *holds {
                    continue;
                }
                let is_eq = *op == crate::syntax::ast::CmpOp::Eq;
                bounds |= !is_eq;
                let Some((_, d1, _)) = m1.pairs.get(k) else {
                    continue;
                };
                let slope = d1.checked_sub(*d0).unwrap_or_default();
                if slope.is_zero() {
                    continue;
                }
                let Some(root) = d0.checked_div(slope).and_then(|step| x0.checked_sub(step)) else {
                    continue;
                };
                determined |= is_eq;
                let unit = Decimal::new(1, scale.min(28));
                let r = root.round_dp(scale);
                // The exact values first (pairs take the first that works), their
                // neighbours after.
                if !out.contains(&r) {
                    out.insert(exact, r);
                    exact += 1;
                }
                for v in [r.checked_add(unit), r.checked_sub(unit)]
                    .into_iter()
                    .flatten()
                {
                    if !out.contains(&v) {
                        out.push(v);
                    }
                }
                // A published figure may be a rounding step off the exact value: a typo of
                // the written figure that lands that near is a candidate too (`-192` for
                // `192` where the row alone says 191).
                // The five figures within two steps of the exact value are asked whether
                // they are a slip of the written one (cheaper than listing every slip).
                let steps = [-2i64, -1, 1, 2];
                for k in steps {
                    let Some(v) = unit
                        .checked_mul(Decimal::from(k))
                        .and_then(|d| r.checked_add(d))
                    else {
                        continue;
                    };
                    let kind = typo::classify(x0, v, scale);
                    if !kind.is_typo() || kind == FixKind::Rounding {
                        continue;
                    }
                    let off = Decimal::from(k.abs()).checked_mul(unit).unwrap_or(unit);
                    if !out.contains(&v) {
                        out.push(v);
                    }
                    let v = &v;
                    // The slip explains a change many times larger than the rounding step it
                    // misses the exact value by: as good as exact (the report's own figures
                    // are rounded).
                    let change = v.checked_sub(x0).map(|d| d.abs()).unwrap_or_default();
                    if !off.is_zero() && off.checked_mul(Decimal::TEN).is_some_and(|x| change >= x)
                    {
                        self.snaps.push((c, *v, r));
                    }
                }
            }
        }
        (
            out,
            Bounds {
                any: bounds,
                only: bounds && !determined,
            },
        )
    }

    /// The single-cell explanations of the failing instances `of` by `c`.
    fn single(&mut self, c: CellAt, of: &[usize], at_findings: bool) -> Vec<Solution> {
        let Some((x0, scale)) = self.figure(c) else {
            return Vec::new();
        };
        let (mut values, bounds) = self.roots(c, &[], of);
        if bounds.any {
            values.extend(typo::variants(x0, scale).into_iter().map(|(v, _)| v));
        }
        let bounds_only = bounds.only;
        let mut out = Vec::new();
        for v in values {
            if v == x0 || self.budget == 0 {
                continue;
            }
            if let Some(residual_change) = self.verify(&[(c, v)], of) {
                out.push(Solution {
                    changes: vec![(c, v)],
                    residual_change,
                    kinds: vec![typo::classify(x0, v, scale)],
                    at_findings,
                    bound_only: bounds_only,
                });
            }
        }
        // How near to exact each value is before slips count as exact: among several slips
        // that do, the nearest.
        let raw: Vec<(Decimal, Decimal)> = out
            .iter()
            .map(|s| (s.changes[0].1, s.residual_change))
            .collect();
        let raw_of = |s: &Solution| {
            raw.iter()
                .find(|(v, _)| *v == s.changes[0].1)
                .map_or(Decimal::ZERO, |(_, r)| *r)
        };
        // A slip a rounding step from the exact value counts as exact.
        let snaps: Vec<(Decimal, Decimal)> = self
            .snaps
            .iter()
            .filter(|(d, _, _)| *d == c)
            .map(|(_, v, r)| (*v, *r))
            .collect();
        for (v, r) in snaps {
            let exact = out
                .iter()
                .find(|s| s.changes[0].1 == r)
                .map(|s| s.residual_change);
            if let (Some(exact), Some(s)) = (exact, out.iter_mut().find(|s| s.changes[0].1 == v)) {
                s.residual_change = s.residual_change.min(exact);
            }
        }
        // Of several values for one cell, the likeliest only: nearest to exact, then a typo,
        // then the smallest change. Where the checks only bound the cell, any value within
        // the bound does: the smallest change that gets there comes before the kind of slip
        // (a sign flip satisfies every upper bound, and means nothing).
        let distance = |s: &Solution| s.changes[0].1.checked_sub(x0).unwrap_or_default().abs();
        if bounds_only {
            out.sort_by_key(|s| {
                let r = s.rank();
                (r.0, r.1, distance(s), r.2)
            });
        } else {
            out.sort_by_key(|s| (s.rank(), raw_of(s), distance(s)));
        }
        out.truncate(1);
        out
    }

    /// Two figures of one row written in each other's column, whose exchange makes every
    /// failing check of `of` pass and breaks none: each failing check reads one of the two
    /// (`cover`: the figures the failing checks read, with the checks that read each).
    fn swaps(&mut self, cover: &[(CellAt, Vec<usize>)], of: &[usize]) -> Vec<Solution> {
        // Only an `==` that the swap makes exact tells it from any other values: where the
        // failing checks only bound the figures (`prognos <= ram`), a swap is one guess of
        // many, and no likelier than the rest.
        let pinned = of.iter().any(|&i| {
            self.base[i].as_ref().is_some_and(|m| {
                m.pairs
                    .iter()
                    .any(|(op, _, holds)| *op == crate::syntax::ast::CmpOp::Eq && !holds)
            })
        });
        if !pinned {
            return Vec::new();
        }
        // The figures of each row, in the order of `cover`: a sum's problem reads thousands
        // of cells, of a few rows each.
        let mut rows: HashMap<(bool, usize, usize), Vec<usize>> = HashMap::default();
        for (k, (c, _)) in cover.iter().enumerate() {
            rows.entry((c.prev, c.table, c.row)).or_default().push(k);
        }
        let mut rows: Vec<Vec<usize>> = rows.into_values().filter(|r| r.len() >= 2).collect();
        rows.sort();
        let mut out = Vec::new();
        for row in rows {
            for (n, &ka) in row.iter().enumerate() {
                for &kb in &row[n + 1..] {
                    let ((a, by_a), (b, by_b)) = (&cover[ka], &cover[kb]);
                    if self.budget == 0 {
                        return out;
                    }
                    if !of.iter().all(|i| by_a.contains(i) || by_b.contains(i)) {
                        continue;
                    }
                    let (Some((xa, _)), Some((xb, _))) = (self.figure(*a), self.figure(*b)) else {
                        continue;
                    };
                    if xa == xb {
                        continue;
                    }
                    let changes = vec![(*a, xb), (*b, xa)];
                    if let Some(residual_change) = self.verify(&changes, of) {
                        let at_findings = self.is_pointed_at(*a, of) || self.is_pointed_at(*b, of);
                        out.push(Solution {
                            changes,
                            residual_change,
                            kinds: vec![FixKind::Swap; 2],
                            at_findings,
                            bound_only: false,
                        });
                    }
                }
            }
        }
        out
    }

    /// The explanations of `of` by the cells `a` and `b` together.
    fn pair(&mut self, a: CellAt, b: CellAt, of: &[usize], at_findings: bool) -> Vec<Solution> {
        let (Some((xa, sa)), Some((xb, sb))) = (self.figure(a), self.figure(b)) else {
            return Vec::new();
        };
        let (mut first, bounds_a) = self.roots(a, &[], of);
        if bounds_a.any {
            first.extend(typo::variants(xa, sa).into_iter().map(|(v, _)| v));
        }
        first.truncate(VALUES_PER_CELL);
        let mut out = Vec::new();
        for va in first {
            if va == xa || self.budget == 0 {
                continue;
            }
            let fixed = [(a, va)];
            // What reads `a` but not `b` cannot be mended by `b`: it must hold already.
            if !self.holds_without(a, b, &fixed, of) {
                continue;
            }
            let (mut second, bounds_b) = self.roots(b, &fixed, of);
            if bounds_b.any {
                second.extend(typo::variants(xb, sb).into_iter().map(|(v, _)| v));
            }
            second.truncate(VALUES_PER_CELL);
            for vb in second {
                if vb == xb || self.budget == 0 {
                    continue;
                }
                let changes = [(a, va), (b, vb)];
                if let Some(residual_change) = self.verify(&changes, of) {
                    out.push(Solution {
                        changes: changes.to_vec(),
                        residual_change,
                        kinds: vec![typo::classify(xa, va, sa), typo::classify(xb, vb, sb)],
                        at_findings,
                        bound_only: bounds_a.only || bounds_b.only,
                    });
                    // The exact values come first: the first pair of values that works
                    // is the one these two cells offer (searching on costs much, gains little).
                    return out;
                }
            }
        }
        out
    }

    /// With `fixed` changed, do the checks that read `a` but not `b` hold (or fail as they
    /// did, outside the problem `of`)?
    fn holds_without(
        &mut self,
        a: CellAt,
        b: CellAt,
        fixed: &[(CellAt, Decimal)],
        of: &[usize],
    ) -> bool {
        let readers = self.readers.get(&a).cloned().unwrap_or_default();
        for i in readers {
            if self.reads_cell(i, b) {
                continue;
            }
            match self.recheck(i, fixed) {
                Some(Some(m)) if m.holds => {}
                Some(Some(_)) if self.failing_elsewhere(i, of) => {}
                // Cannot be measured before or after: not in the way.
                Some(None) => {}
                _ => return false,
            }
        }
        true
    }

    /// The fixes for one component of failing instances, each with the instances it
    /// explains: one change of one or two cells for them all, or else, where several slips
    /// meet in one table, one cell at a time.
    fn localise(&mut self, component: &[usize]) -> Vec<(Vec<usize>, Fix)> {
        let whole = self.localise_whole(component);
        let localised = whole
            .iter()
            .all(|(_, f)| f.status != FixStatus::NotLocalised);
        if localised || component.len() < 2 || self.work == 0 {
            return whole;
        }
        self.one_at_a_time(component).unwrap_or(whole)
    }

    /// Several slips tied together by the checks they share (three wrong figures in one
    /// column break its sum and three rows): change one cell at a time, each time the one
    /// that makes the most failing checks pass without breaking any that passes, until all
    /// pass. A greedy approximation of the fewest cells; `None` when it gets stuck.
    fn one_at_a_time(&mut self, component: &[usize]) -> Option<Vec<(Vec<usize>, Fix)>> {
        self.budget = BUDGET;
        let mut fixed: Vec<(CellAt, Decimal)> = Vec::new();
        let mut remaining: Vec<usize> = component.to_vec();
        let mut steps: Vec<(Vec<usize>, Solution, bool)> = Vec::new();
        while !remaining.is_empty() {
            if steps.len() >= MAX_STEPS || self.budget == 0 {
                break;
            }
            // Cells the remaining failing checks read, the most read first.
            let mut count: HashMap<CellAt, usize> = HashMap::default();
            let mut order: Vec<CellAt> = Vec::new();
            for &i in &remaining {
                for &c in &self.instances[i].reads {
                    let n = count.entry(c).or_insert(0);
                    if *n == 0 {
                        order.push(c);
                    }
                    *n += 1;
                }
            }
            order.retain(|c| !fixed.iter().any(|(d, _)| d == c));
            order.sort_by_key(|c| std::cmp::Reverse(count[c]));
            let mut best: Option<(Vec<usize>, Solution)> = None;
            let mut tied = false;
            for c in order.into_iter().take(STEP_CANDIDATES) {
                let Some((x0, scale)) = self.figure(c) else {
                    continue;
                };
                let (mut values, bounds) = self.roots(c, &fixed, &remaining);
                let bounds_only = bounds.only;
                if bounds.any {
                    values.extend(typo::variants(x0, scale).into_iter().map(|(v, _)| v));
                }
                for v in values {
                    if v == x0 || self.budget == 0 {
                        continue;
                    }
                    let mut with = fixed.clone();
                    with.push((c, v));
                    let Some((passing, residual_change)) =
                        self.step(c, &with, &remaining, component)
                    else {
                        continue;
                    };
                    if passing.is_empty() {
                        continue;
                    }
                    let at_findings = self.is_pointed_at(c, &passing);
                    let sol = Solution {
                        changes: vec![(c, v)],
                        residual_change,
                        kinds: vec![typo::classify(x0, v, scale)],
                        at_findings,
                        bound_only: bounds_only,
                    };
                    let key = |p: &Vec<usize>, s: &Solution| {
                        let r = s.rank();
                        (std::cmp::Reverse(p.len()), r.1, r.2)
                    };
                    match &best {
                        Some((bp, bs)) if key(bp, bs) < key(&passing, &sol) => {}
                        Some((bp, bs)) if key(bp, bs) == key(&passing, &sol) => {
                            // The same cell with another value is not a rival explanation.
                            if bs.changes[0].0 != c {
                                tied = true;
                            }
                        }
                        _ => {
                            tied = false;
                            best = Some((passing, sol));
                        }
                    }
                }
            }
            let Some((passing, sol)) = best else {
                break;
            };
            fixed.push(sol.changes[0]);
            remaining.retain(|i| !passing.contains(i));
            steps.push((passing, sol, tied));
        }
        // A change to a cell that a check left unsolved reads is no fix of its own: it only
        // moved the problem. Such steps are dropped, and their checks are unsolved too.
        // A step is taken with every earlier change made, so a check that passed at it may
        // pass only with earlier changes as well (a column sum, once every slip in it is
        // undone): each check is credited to the changes kept that it reads, and one that
        // does not pass with those (it relied on a dropped change) is unsolved as well.
        // Which steps (indices into `steps`) each check that passes needs.
        let mut needs: HashMap<usize, Vec<usize>> = HashMap::default();
        loop {
            let unsolved: Vec<usize> = remaining.clone();
            let before = steps.len();
            steps.retain(|(passing, sol, _)| {
                let cell = sol.changes[0].0;
                let moved = unsolved
                    .iter()
                    .any(|&i| self.instances[i].reads.contains(&cell));
                if moved {
                    remaining.extend(passing.iter().copied());
                }
                !moved
            });
            let cells: Vec<CellAt> = steps.iter().map(|(_, s, _)| s.changes[0].0).collect();
            needs.clear();
            let mut lost = false;
            for k in 0..steps.len() {
                let mut still = Vec::new();
                for i in steps[k].0.clone() {
                    let need: Vec<usize> = (0..cells.len())
                        .filter(|&j| self.reads_cell(i, cells[j]))
                        .collect();
                    let with: Vec<(CellAt, Decimal)> =
                        need.iter().map(|&j| steps[j].1.changes[0]).collect();
                    if self.measure(i, &with).is_some_and(|m| m.holds) {
                        needs.insert(i, need);
                        still.push(i);
                    } else {
                        remaining.push(i);
                        lost = true;
                    }
                }
                steps[k].0 = still;
            }
            if steps.len() == before && !lost {
                break;
            }
        }
        let mut out = Vec::new();
        // Checks that only several changes together make pass, by the changes they need.
        let mut together: Vec<(Vec<usize>, Vec<usize>)> = Vec::new();
        for (k, (passing, _, _)) in steps.iter().enumerate() {
            for &i in passing {
                let need = &needs[&i];
                if need.len() < 2 {
                    continue;
                }
                match together.iter_mut().find(|(n, _)| n == need) {
                    Some((_, checks)) => checks.push(i),
                    None => together.push((need.clone(), vec![i])),
                }
            }
            // Only what this change makes pass on its own is said of it.
            let alone: Vec<usize> = passing
                .iter()
                .copied()
                .filter(|i| needs[i] == [k])
                .collect();
            if alone.is_empty() {
                continue;
            }
            let (_, sol, tied) = &steps[k];
            let status = if *tied || sol.bound_only {
                FixStatus::Ambiguous
            } else {
                FixStatus::Localised
            };
            let fix = self.fix_of(status, &sol.changes, &sol.kinds, &alone, component);
            out.push((alone, fix));
        }
        // A check that passes only once several of the changes above are made is explained
        // by them together, not by the last of them: a fix of its own, naming them all.
        for (mut need, checks) in together {
            need.sort_by_key(|&j| {
                let c = steps[j].1.changes[0].0;
                (c.table, c.row, c.col)
            });
            let changes: Vec<(CellAt, Decimal)> =
                need.iter().map(|&j| steps[j].1.changes[0]).collect();
            let kinds: Vec<FixKind> = need.iter().map(|&j| steps[j].1.kinds[0]).collect();
            let ambiguous = need.iter().any(|&j| steps[j].2 || steps[j].1.bound_only);
            let status = if ambiguous {
                FixStatus::Ambiguous
            } else {
                FixStatus::Localised
            };
            let fix = Fix {
                together: true,
                ..self.fix_of(status, &changes, &kinds, &checks, component)
            };
            out.push((checks, fix));
        }
        if out.is_empty() {
            return None;
        }
        // What no change could be found for: said so, on its own.
        if !remaining.is_empty() {
            let reason = if self.budget == 0 {
                "the search for the cells to change took too long; check the findings one by one"
            } else {
                "after the changes suggested for the other findings of this table, no change of one figure was found that makes these checks pass without breaking another"
            };
            out.push((remaining.clone(), Fix::not_localised(0, reason)));
        }
        Some(out)
    }

    /// One step of [`Self::one_at_a_time`]: with the cells `with` changed (the last of them
    /// `c`), the failing checks of `remaining` that read `c` and now pass — `None` if a check
    /// that passed fails now — and how much nearer to exact the checks reading `c` come.
    fn step(
        &mut self,
        c: CellAt,
        with: &[(CellAt, Decimal)],
        remaining: &[usize],
        component: &[usize],
    ) -> Option<(Vec<usize>, Decimal)> {
        let readers = self.readers.get(&c).cloned().unwrap_or_default();
        let mut passing = Vec::new();
        let mut change = Decimal::ZERO;
        for i in readers {
            let Some(m) = self.recheck(i, with)? else {
                continue;
            };
            let failing_before = remaining.contains(&i);
            if m.holds && failing_before {
                passing.push(i);
            } else if !m.holds && !failing_before && !self.failing_elsewhere(i, component) {
                return None;
            }
            let before = self.base[i]
                .as_ref()
                .map_or(Decimal::ZERO, Measure::residual);
            change = change.checked_add(m.residual())?.checked_sub(before)?;
        }
        Some((passing, change))
    }

    /// The fix for one component of failing instances: one change for them all.
    fn localise_whole(&mut self, component: &[usize]) -> Vec<(Vec<usize>, Fix)> {
        let group = 0;
        self.budget = if self.work == 0 { 0 } else { BUDGET };
        // Candidate cells: figures the failing instances read, with the failing instances
        // each one is read by.
        let mut cover: Vec<(CellAt, Vec<usize>)> = Vec::new();
        // Where each cell is in `cover`: a large problem reads tens of thousands of cells.
        let mut at: HashMap<CellAt, usize> = HashMap::default();
        for &i in component {
            for c in self.instances[i].reads.clone() {
                if self.figure(c).is_none() {
                    continue;
                }
                match at.get(&c) {
                    Some(&k) => cover[k].1.push(i),
                    None => {
                        at.insert(c, cover.len());
                        cover.push((c, vec![i]));
                    }
                }
            }
        }
        cover.sort_by_key(|(_, v)| std::cmp::Reverse(v.len()));
        let mut solutions: Vec<Solution> = Vec::new();
        for (c, v) in cover.clone() {
            if v.len() == component.len() {
                let at = self.is_pointed_at(c, component);
                solutions.extend(self.single(c, component, at));
            }
        }
        solutions.extend(self.swaps(&cover, component));
        if solutions.iter().all(Solution::is_swap) {
            // Pairs: for each first cell, the second must be read by every failing check the
            // first is not read by — few cells, found by intersecting what those checks read.
            let mut tried: HashSet<(CellAt, CellAt)> = HashSet::default();
            'pairs: for (a, covered) in cover.iter().take(PAIR_CANDIDATES) {
                let rest: Vec<usize> = component
                    .iter()
                    .copied()
                    .filter(|i| !covered.contains(i))
                    .collect();
                let seconds: Vec<CellAt> = cover
                    .iter()
                    .filter(|(b, by)| b != a && rest.iter().all(|i| by.contains(i)))
                    .map(|(b, _)| *b)
                    .take(PAIR_CANDIDATES)
                    .collect();
                for b in seconds {
                    if self.budget == 0 {
                        break 'pairs;
                    }
                    let key = if (a.table, a.row, a.col) < (b.table, b.row, b.col) {
                        (*a, b)
                    } else {
                        (b, *a)
                    };
                    if !tried.insert(key) {
                        continue;
                    }
                    let at = self.is_pointed_at(*a, component) || self.is_pointed_at(b, component);
                    solutions.extend(self.pair(*a, b, component, at));
                }
            }
        }
        solutions.sort_by_key(Solution::rank);
        // One solution per set of cells: the likeliest values.
        let mut distinct: Vec<Solution> = Vec::new();
        for s in solutions {
            if !distinct.iter().any(|d| d.same_cells(&s)) {
                distinct.push(s);
            }
        }
        let solutions = distinct;
        let Some(best) = solutions.first().cloned() else {
            let reason = if self.budget == 0 {
                "the search for the cells to change took too long; check the findings one by one"
            } else {
                "no change of one or two figures was found that makes every check pass without breaking another"
            };
            return vec![(component.to_vec(), Fix::not_localised(group, reason))];
        };
        // As likely: as many slips, as near to exact, and slips of the same tier (a sign
        // flip and a transposition are as likely as each other; a changed digit less so).
        // Ranked by the sum of the kinds, two slips of the same tier need not be next to
        // each other: each alternative is asked, not only the next. A swap of two figures
        // is never as likely as a change of one: where both explain the findings (the sign
        // of `d` in `d == a - b`, or `a` and `b` exchanged), the one cell is shown.
        let tier = |s: &Solution| s.kinds.iter().map(|k| k.tier()).sum::<usize>();
        let likeness = |s: &Solution| {
            let r = s.rank();
            (r.0, r.1, tier(s), s.is_swap())
        };
        let (as_likely, less_likely): (Vec<&Solution>, Vec<&Solution>) = solutions
            .iter()
            .skip(1)
            .filter(|s| s.slips() == best.slips())
            .partition(|s| likeness(s) == likeness(&best));
        let tie = !as_likely.is_empty();
        let status = if tie || best.bound_only {
            FixStatus::Ambiguous
        } else {
            FixStatus::Localised
        };
        if let Some(parts) = self.split(&best, component, status) {
            return parts;
        }
        let (keeps, exact) = self.kept(&best.changes, component);
        // At most three, the as likely first: the words say which are which.
        let shown: Vec<&Solution> = as_likely
            .iter()
            .chain(less_likely.iter())
            .take(3)
            .copied()
            .collect();
        let as_likely = as_likely.len().min(shown.len());
        let alternatives = shown
            .iter()
            .map(|s| self.changes(&s.changes, &s.kinds))
            .collect();
        vec![(
            component.to_vec(),
            Fix {
                group,
                status: if tie || best.bound_only {
                    FixStatus::Ambiguous
                } else {
                    FixStatus::Localised
                },
                changes: self.changes(&best.changes, &best.kinds),
                explains: Vec::new(),
                unlisted: 0,
                fixes: component
                    .iter()
                    .map(|&i| self.instances[i].describe())
                    .collect(),
                keeps,
                exact,
                alternatives,
                as_likely,
                reason: None,
                together: false,
                name_tables: false,
            },
        )]
    }

    /// Two changes that explain different findings (each failing check reads just one of
    /// the two cells, and each change alone breaks nothing) are two problems that happened
    /// to share a column: one fix each.
    fn split(
        &mut self,
        best: &Solution,
        component: &[usize],
        status: FixStatus,
    ) -> Option<Vec<(Vec<usize>, Fix)>> {
        // A swap is one slip: its two changes stand or fall together.
        if best.changes.len() < 2 || best.is_swap() {
            return None;
        }
        let mut parts: Vec<Vec<usize>> = vec![Vec::new(); best.changes.len()];
        for &i in component {
            let read: Vec<usize> = (0..best.changes.len())
                .filter(|&k| self.reads_cell(i, best.changes[k].0))
                .collect();
            let [k] = read.as_slice() else {
                return None;
            };
            parts[*k].push(i);
        }
        // Each change must stand on its own: a passing check that reads both cells (the sum
        // of a column and its total) ties them together.
        for k in 0..best.changes.len() {
            self.verify(&[best.changes[k]], component)?;
        }
        let mut out = Vec::new();
        for (k, part) in parts.into_iter().enumerate() {
            let change = [best.changes[k]];
            let fix = self.fix_of(status, &change, &best.kinds[k..=k], &part, component);
            out.push((part, fix));
        }
        Some(out)
    }

    /// Is `c` the cell a finding of the component points at?
    fn is_pointed_at(&mut self, c: CellAt, component: &[usize]) -> bool {
        self.figure(c);
        let Some(Some(p)) = self.places.get(&c).map(|p| p.as_ref().map(|p| p.span)) else {
            return false;
        };
        component.iter().any(|&i| {
            self.instances[i]
                .finding
                .as_ref()
                .is_some_and(|k| k.primary_span() == (p.start, p.end))
        })
    }

    /// The checks outside the problem that read the changed cells, passed, and pass with
    /// these changes made; and those of them that the changes make exact.
    fn kept(
        &mut self,
        changes: &[(CellAt, Decimal)],
        component: &[usize],
    ) -> (Vec<String>, Vec<String>) {
        let (mut keeps, mut exact): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
        let mut readers: Vec<usize> = changes
            .iter()
            .flat_map(|(c, _)| self.readers.get(c).cloned().unwrap_or_default())
            .filter(|i| !component.contains(i))
            .collect();
        readers.sort_unstable();
        readers.dedup();
        for i in readers {
            let d = self.instances[i].describe();
            if keeps.contains(&d) {
                continue;
            }
            let before = self.base[i]
                .as_ref()
                .map_or(Decimal::ZERO, Measure::residual);
            // Only a check that passed and passes with these changes made still holds. Not one
            // that was failing already (an info check, or one failing in another problem),
            // nor one that passes only with the earlier steps' changes of `one_at_a_time` made
            // as well, nor one that could not be measured.
            if !self.base[i].as_ref().is_some_and(|m| m.holds) {
                continue;
            }
            let Some(after) = self.measure(i, changes).filter(|m| m.holds) else {
                continue;
            };
            if !before.is_zero() && after.residual().is_zero() {
                exact.push(d.clone());
            }
            keeps.push(d);
        }
        (keeps, exact)
    }

    /// The fix that makes `changes` (slips of `kinds`) for the failing checks `fixes`, with
    /// the checks that still hold with them made: no alternatives, in group 0 until the
    /// groups are numbered.
    fn fix_of(
        &mut self,
        status: FixStatus,
        changes: &[(CellAt, Decimal)],
        kinds: &[FixKind],
        fixes: &[usize],
        component: &[usize],
    ) -> Fix {
        let (keeps, exact) = self.kept(changes, component);
        Fix {
            group: 0,
            status,
            changes: self.changes(changes, kinds),
            explains: Vec::new(),
            unlisted: 0,
            fixes: fixes
                .iter()
                .map(|&i| self.instances[i].describe())
                .collect(),
            keeps,
            exact,
            alternatives: Vec::new(),
            as_likely: 0,
            reason: None,
            together: false,
            name_tables: false,
        }
    }

    fn changes(&mut self, changes: &[(CellAt, Decimal)], kinds: &[FixKind]) -> Vec<Change> {
        let mut out = self.changes_each(changes, kinds);
        // Each figure of a swap says which column it belongs in.
        if let [a, b] = out.as_mut_slice()
            && a.kind == FixKind::Swap
        {
            a.kind_text = format!("swapped with {}", b.column_name);
            b.kind_text = format!("swapped with {}", a.column_name);
        }
        out
    }

    /// [`Self::changes`], each change on its own.
    fn changes_each(&mut self, changes: &[(CellAt, Decimal)], kinds: &[FixKind]) -> Vec<Change> {
        changes
            .iter()
            .zip(kinds)
            .filter_map(|((c, v), kind)| {
                let sources = self.sources;
                let p = self.place(*c)?;
                let (x0, decimals) = p.figure?;
                let scale = decimals.unwrap_or(x0.scale());
                let mut shown = *v;
                shown.rescale(scale);
                let file = sources.get(p.source);
                let (line, column) = file.line_col(p.span.start);
                let (offset, length) = file.file_span(p.span);
                Some(Change {
                    table: p.table.clone(),
                    row_key: shortened(&p.row_key, crate::finding::ROW_KEY_CHARS).into_owned(),
                    column_name: p.column.clone(),
                    file: file.name.clone(),
                    line,
                    column,
                    span: SpanJson { offset, length },
                    cell: file.cell_ref(p.span),
                    written: p.written.clone(),
                    current: x0.normalize().to_string(),
                    suggested: v.normalize().to_string(),
                    // Written as a JSON number: suggested as one (`5500.0`, not `5 500,0`,
                    // which is a Swedish figure in a JSON string). Written with a per cent
                    // sign: suggested with one.
                    suggested_text: if is_json_number(file, p.span) {
                        shown.to_string()
                    } else if p.written.ends_with('%') {
                        format!("{} %", format_decimal(&shown))
                    } else {
                        format_decimal(&shown)
                    },
                    kind: *kind,
                    kind_text: kind.describe().to_string(),
                    source: p.source,
                    primary: p.span,
                })
            })
            .collect()
    }
}

impl Change {
    /// `1 000` or `-15 000 (the sign flipped)`.
    fn suggestion_text(&self) -> String {
        if self.kind.is_typo() {
            format!("{} ({})", self.suggested_text, self.kind_text)
        } else {
            self.suggested_text.clone()
        }
    }

    /// `Kontakt Linköping · Avvikelse`, with its table first when `table`, and where it is
    /// (`prognos.csv:6:27` or the workbook cell) unless it is in the file `here`.
    fn place_text(&self, here: Option<&str>, table: bool) -> String {
        let at = match &self.cell {
            Some(c) => format!(" ({c})"),
            None if here == Some(self.file.as_str()) => String::new(),
            None => format!(" ({}:{}:{})", self.file, self.line, self.column),
        };
        let table = if table {
            format!("{} · ", self.table)
        } else {
            String::new()
        };
        format!(
            "{table}{} · {}{at}",
            shortened(&self.row_key, KEY_CHARS),
            self.column_name
        )
    }
}

/// Is the cell at `span` of `file` a bare number of a JSON report (`5500.0`), rather than a
/// string (`"5 500,0"`)? A JSON report is read by its extension; in one, a cell that starts
/// with a digit or a minus sign is a JSON number (a string starts with its quote).
fn is_json_number(file: &crate::source::SourceFile, span: Span) -> bool {
    std::path::Path::new(&file.name)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        && file
            .text
            .get(span.start..span.end)
            .and_then(|t| t.bytes().next())
            .is_some_and(|b| b == b'-' || b.is_ascii_digit())
}

/// "a, b and c"
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

impl Fix {
    /// No change found for the findings of `group`, and `reason` why.
    fn not_localised(group: usize, reason: &str) -> Fix {
        Fix {
            group,
            status: FixStatus::NotLocalised,
            changes: Vec::new(),
            explains: Vec::new(),
            unlisted: 0,
            // No change is suggested, so none makes a check pass.
            fixes: Vec::new(),
            keeps: Vec::new(),
            exact: Vec::new(),
            alternatives: Vec::new(),
            as_likely: 0,
            reason: Some(reason.to_string()),
            together: false,
            name_tables: false,
        }
    }

    /// The fix in one or two sentences, for a diagnostic's help or a one-line format:
    /// "fix: Kontakt Linköping · Avvikelse (…): 995 is most likely 1 000 — that one change
    /// makes prognos-avvikelse (Kontakt Linköping) pass; prognos-summa[avvikelse] still holds".
    pub fn summary(&self) -> String {
        self.summary_in(None)
    }

    /// [`Fix::summary`] for a reader who is looking at the file `here`: places in it are
    /// not spelled out.
    pub fn summary_in(&self, here: Option<&str>) -> String {
        if self.status == FixStatus::NotLocalised {
            return format!(
                "could not localise: {}",
                self.reason.as_deref().unwrap_or("no change found")
            );
        }
        let what = match self.changes.as_slice() {
            [c] => format!(
                "{}: {} is {} {}",
                c.place_text(here, self.name_tables),
                c.written,
                if self.status == FixStatus::Localised {
                    "most likely"
                } else {
                    "perhaps"
                },
                c.suggestion_text()
            ),
            many => format!(
                "{} {}",
                if self.status == FixStatus::Localised {
                    "most likely"
                } else {
                    "perhaps"
                },
                and_list(
                    &many
                        .iter()
                        .map(|c| format!(
                            "{}: {} → {}",
                            c.place_text(here, self.name_tables),
                            c.written,
                            c.suggestion_text()
                        ))
                        .collect::<Vec<_>>()
                )
            ),
        };
        let change = if self.changes.len() == 1 {
            "that one change makes"
        } else if self.together {
            "these changes together make"
        } else {
            "these changes make"
        };
        let mut out = format!("fix: {what} — {change} {} pass", and_list(&self.fixes));
        let inexact: Vec<String> = self
            .keeps
            .iter()
            .filter(|k| !self.exact.contains(k))
            .cloned()
            .collect();
        if !self.exact.is_empty() {
            out.push_str(&format!(" and makes {} exact", and_list(&self.exact)));
        }
        if !inexact.is_empty() {
            let verb = if inexact.len() == 1 { "holds" } else { "hold" };
            out.push_str(&format!("; {} still {verb}", and_list(&inexact)));
        }
        // The alternatives as likely as the change shown, then the less likely ones: a
        // controller weighs "as likely" as a reason to look at both cells.
        let others: Vec<String> = self
            .alternatives
            .iter()
            .map(|alt| {
                and_list(
                    &alt.iter()
                        .map(|c| {
                            format!(
                                "{} → {}",
                                c.describe_named(self.name_tables),
                                c.suggestion_text()
                            )
                        })
                        .collect::<Vec<_>>(),
                )
            })
            .collect();
        let (same, less) = others.split_at(self.as_likely.min(others.len()));
        for (lead, list) in [("as likely", same), ("less likely", less)] {
            if !list.is_empty() {
                out.push_str(&format!("; {lead}: {}", list.join("; or ")));
            }
        }
        out
    }
}
