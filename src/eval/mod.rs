//! Evaluation: every enabled rule against every report, exactly (rust_decimal, checked), with
//! rounding intervals. Each failing instance becomes a [`Finding`]; each instance that cannot
//! be decided (a missing cell, a division by zero) is counted as not applicable, with its reason.

mod fast;
mod finding_list;
mod message;
pub(crate) mod replay;
pub mod value;
pub mod view;

use crate::check::{LoadedRule, RuleSet};
use crate::finding::{Finding, Shared};
use crate::glob;
use crate::problem::{Problem, ProblemKind, Severity};
use crate::report::number::{format_decimal, format_decimal_compact};
use crate::report::{CellValue, Missing, Report, Unit};
use crate::source::Sources;
use crate::syntax::ast::*;
use compact_str::CompactString;
use finding_list::FindingList;

use std::sync::Arc;
use value::{Failure, Num};
use view::{Groups, RowKind, View, views};

/// Passed, failed and not-applicable instances of one rule.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Stats {
    pub passed: usize,
    pub failed: usize,
    pub not_applicable: usize,
}

/// An instance that could not be decided, and why.
#[derive(Clone, Debug, serde::Serialize)]
pub struct NotApplicable {
    pub rule: String,
    pub report: String,
    pub table: Option<String>,
    pub row_key: Option<String>,
    pub reason: String,
}

#[derive(Debug, Default)]
pub struct Outcome {
    pub findings: Vec<Finding>,
    /// Per rule id, in rule order.
    pub stats: Vec<(String, Stats)>,
    /// Per rule id and report folder (as in [`Finding::report`]), in rule order, then report
    /// order: the same counts as `stats`, split by report.
    /// (Names shared: a tree of ten thousand reports has thirty thousand of these.)
    pub stats_by_report: Vec<(Shared, Shared, Stats)>,
    pub not_applicable: Vec<NotApplicable>,
    pub problems: Vec<Problem>,
    /// Ids of the rules that stopped with a rule error (their `problems`).
    pub broken: Vec<String>,
    /// Per rule id, in rule order: failing instances beyond `max_findings_per_rule` (or the
    /// run's cap), counted in `stats` but not listed in `findings`. Only rules that had any.
    pub unlisted: Vec<(String, usize)>,
    /// Per rule id, in rule order: not-applicable instances beyond [`NA_LISTED_PER_RULE`],
    /// counted in `stats` but not listed in `not_applicable`. Only rules that had any.
    pub not_applicable_unlisted: Vec<(String, usize)>,
    /// The run listed as many findings as it lists at most ([`MAX_FINDINGS_PER_RUN`]), and
    /// counted the rest.
    pub run_cap: Option<usize>,
}

/// A cell by position: table index in the report, row, column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CellAt {
    pub table: usize,
    pub row: usize,
    pub col: usize,
    /// The cell is in the previous report (reached through `previous.`).
    pub prev: bool,
}

#[derive(Clone, Debug)]
pub(crate) enum Val {
    Num(Num),
    Text(String),
}

/// What an aggregate ran over, to tell the reader which rows were summed.
#[derive(Clone, Debug)]
pub(crate) struct AggInfo {
    pub table: usize,
    /// Shared: an aggregate kept for the rows of an `each` is handed to each of them.
    pub rows: Arc<[usize]>,
    /// No row between the first and the last was left out (a `where`, a part row): the
    /// message then gives the range of lines. Worked out once, not for each message.
    pub contiguous: bool,
    /// What was done to the rows, for the message: "summed", "counted" …
    pub verb: &'static str,
}

/// The cells a value came from: inline up to two (a cell, or a difference of two cells), so
/// reading one cell allocates nothing.
pub(crate) type Cells = smallvec::SmallVec<[CellAt; 2]>;

/// A computed value and the cells it came from.
#[derive(Clone, Debug)]
pub(crate) struct Operand {
    pub val: Val,
    pub cells: Cells,
    pub agg: Option<AggInfo>,
    /// True when the operand is a plain reference to one cell.
    pub direct: bool,
    /// A text read from a column declared with a figure unit (`tkr`, `pct`, …): a cell that
    /// should be a figure and is not (data::not-a-figure). Comparing it, or joining it to
    /// another text, is not applicable.
    pub not_a_figure: bool,
}

/// Why evaluation of an instance stopped.
pub(crate) enum Stop {
    /// The instance cannot be decided: counted as not applicable.
    Na(String),
    /// The report (or its previous report) lacks a table the instance reads, or several rows
    /// have the key it looks up: not applicable, also under `is missing` / `is present`,
    /// which ask whether a cell is filled, not which row is meant.
    Absent(String),
    /// The rule itself is wrong in a way only evaluation shows: reported once, rule disabled.
    Rule(Problem),
}

type Ev<T> = Result<T, Stop>;

/// Not-applicable instances listed per rule; the rest are counted. A column left empty in a
/// table of a million rows makes every rule that reads it not applicable on every row, and
/// five such rules once listed five million reasons (3 GB, a 1,2 GB JSON report).
pub const NA_LISTED_PER_RULE: usize = 1_000;

/// A `let`'s name, with the report, the previous report and whether it was read in the
/// previous report (addresses: the same reports for the whole run).
type LetKey<'a> = (&'a str, usize, usize, bool);

/// Where evaluation is: which report, which table and rows, which row, which `for` bindings.
#[derive(Clone)]
struct Env<'a> {
    /// The report whose tables are being read: the checked one, or its previous report
    /// inside `in previous.T:` / `each previous.T:`.
    report: &'a Report,
    /// The checked report, which findings belong to.
    current: &'a Report,
    /// The previous report of the checked one, for `previous.` references.
    previous: Option<&'a Report>,
    /// True when `report` is the previous report.
    in_previous: bool,
    scope: Option<Arc<View<'a>>>,
    rows: Arc<Vec<usize>>,
    row: Option<usize>,
    /// Shared: an `Env` is cloned for every row of a scope, and the bindings of a `for`
    /// change far less often than that.
    bindings: Arc<Vec<(String, String)>>,
}

impl<'a> Env<'a> {
    /// In the scope of `v` over `rows` (a group, or the whole table), no row chosen.
    fn over(&self, v: &Arc<View<'a>>, rows: Vec<usize>) -> Env<'a> {
        Env {
            scope: Some(v.clone()),
            rows: Arc::new(rows),
            row: None,
            ..self.clone()
        }
    }

    /// In the scope of `v`, before any row or rows are chosen (to compile a body for it).
    fn in_view(&self, v: &Arc<View<'a>>) -> Env<'a> {
        Env {
            scope: Some(v.clone()),
            rows: Arc::default(),
            row: None,
            ..self.clone()
        }
    }
}

/// Evaluate every enabled rule against every report. `previous[i]` is the previous report of
/// `reports[i]` (what `previous.` reaches), when it has one.
pub fn evaluate(
    set: &RuleSet,
    reports: &[Report],
    previous: &[Option<&Report>],
    sources: &Sources,
) -> Outcome {
    evaluate_with(set, reports, previous, sources, &mut || {})
}

/// [`evaluate`], calling `rule_done` after each rule (for a progress bar).
pub fn evaluate_with(
    set: &RuleSet,
    reports: &[Report],
    previous: &[Option<&Report>],
    sources: &Sources,
    rule_done: &mut dyn FnMut(),
) -> Outcome {
    evaluate_configured(
        set,
        reports,
        previous,
        sources,
        &Options::default(),
        rule_done,
    )
}

/// How a run evaluates beyond what the rules say (`[check]` in `rimlig.toml`).
#[derive(Clone, Debug)]
pub struct Options {
    /// The tolerance of an `==` comparison that gives none (`[check] tolerance`); `None`: an
    /// `==` without `within` is exact.
    pub default_tolerance: Option<Tolerance>,
    /// Findings listed per rule in a run (`[check] max_findings_per_rule`); further failing
    /// instances are counted (`Stats::failed`, [`Outcome::unlisted`]) but not kept, so no
    /// input can fill the memory with findings.
    pub max_findings_per_rule: usize,
    /// Findings listed in the whole run ([`MAX_FINDINGS_PER_RUN`]); further failing instances
    /// are counted per rule, as beyond `max_findings_per_rule`.
    pub max_findings_per_run: usize,
    /// Let the quick pass ([`fast`]) count instances that plainly hold; off only to test that
    /// it changes nothing.
    pub quick: bool,
    /// Findings keep the cells their instance read, which error localisation starts from;
    /// off when nothing will be localised (`--no-fixes`), to hold less per finding.
    pub keep_reads: bool,
    /// Rows (or groups) per part of a loop split to be evaluated in parallel
    /// ([`Evaluator::parts`]); a test makes it small to split small tables.
    pub rows_per_part: usize,
}

/// Findings listed per rule unless `rimlig.toml` says otherwise: far more than anyone reads,
/// few enough that their messages stay within a few hundred MB.
pub const MAX_FINDINGS_PER_RULE: usize = 100_000;

/// Findings listed in a whole run, over every rule and report. Without it a rule file of
/// thousands of failing rules held millions of findings (tens of GB); beyond it failing
/// instances are counted.
pub const MAX_FINDINGS_PER_RUN: usize = 250_000;

/// Rows (or groups) of one part of a loop evaluated in parallel ([`Evaluator::parts`]): few
/// enough that the parts of a large table share the cores well, enough that setting up a
/// part costs little beside it.
const ROWS_PER_PART: usize = 32_768;

impl Default for Options {
    fn default() -> Self {
        Options {
            default_tolerance: None,
            max_findings_per_rule: MAX_FINDINGS_PER_RULE,
            max_findings_per_run: MAX_FINDINGS_PER_RUN,
            quick: true,
            keep_reads: true,
            rows_per_part: ROWS_PER_PART,
        }
    }
}

/// [`evaluate_with`] under `options`.
pub fn evaluate_configured(
    set: &RuleSet,
    reports: &[Report],
    previous: &[Option<&Report>],
    sources: &Sources,
    options: &Options,
    rule_done: &mut dyn FnMut(),
) -> Outcome {
    // Every (rule, report) pair is evaluated on its own, in parallel: reports are
    // independent, and so are rules. The results are then merged in the order a sequential
    // run gives: rule by rule, report by report, a rule stopping at the report where it met
    // a rule error, and the cap on listed findings applied across the reports in that order.
    let pairs: Vec<(usize, usize)> = set
        .rules
        .iter()
        .enumerate()
        .filter(|(_, lr)| lr.enabled)
        .flat_map(|(r, _)| (0..reports.len()).map(move |i| (r, i)))
        .collect();
    let one = |&(r, i): &(usize, usize), max_findings: usize| -> Evaluated {
        evaluate_one(
            set,
            &set.rules[r],
            (&reports[i], previous.get(i).copied().flatten()),
            sources,
            options,
            max_findings,
        )
    };
    // Findings held by the pairs evaluated so far. Once they reach the run's cap, the pairs
    // still to come only count theirs: the merge below evaluates again those it still has
    // room for, so which findings are listed does not depend on the order pairs finished.
    let held = std::sync::atomic::AtomicUsize::new(0);
    let first_pass = |p: &(usize, usize)| {
        use std::sync::atomic::Ordering::Relaxed;
        let counted_only = held.load(Relaxed) >= options.max_findings_per_run;
        let cap = if counted_only {
            0
        } else {
            options.max_findings_per_rule
        };
        let done = one(p, cap);
        held.fetch_add(done.findings.len(), Relaxed);
        Some((done, counted_only))
    };
    // In the pool even for one pair: a large table's loop is split into parts on it.
    let pool = parallel_pool();
    let mut results: Vec<Option<(Evaluated, bool)>> = match &pool {
        Some(pool) => pool.install(|| {
            use rayon::prelude::*;
            pairs.par_iter().map(first_pass).collect()
        }),
        _ => pairs.iter().map(first_pass).collect(),
    };
    // Every finding is moved once, into a vector made for them all: tens of thousands of
    // findings are held once, not once per rule and once in all.
    let all_findings: usize = results
        .iter()
        .flatten()
        .map(|(d, _)| d.findings.len())
        .sum();
    let mut next = results.iter_mut().zip(&pairs);
    let mut out = Outcome::default();
    // Each report's folder as findings name it, made once for all rules.
    let report_names: Vec<Shared> = {
        use rayon::prelude::*;
        reports
            .par_iter()
            .map(|r| Shared::from(r.path.to_string_lossy().replace('\\', "/")))
            .collect()
    };
    for lr in &set.rules {
        let rule_name = Shared::from(lr.rule.id.text.clone());
        let mut stats = Stats::default();
        let mut listed = 0;
        let mut unlisted = 0;
        let mut na_listed = 0;
        let mut broken = None;
        if lr.enabled {
            for report_name in &report_names {
                // Taken in the order `pairs` was built: this rule, this report.
                let Some(((mut done, counted_only), pair)) =
                    next.next().and_then(|(d, p)| Some((d.take()?, p)))
                else {
                    continue;
                };
                if broken.is_some() {
                    // A sequential run stopped this rule at the report that broke it.
                    continue;
                }
                stats.passed += done.stats.passed;
                stats.failed += done.stats.failed;
                stats.not_applicable += done.stats.not_applicable;
                out.stats_by_report
                    .push((rule_name.clone(), report_name.clone(), done.stats));
                let room = options.max_findings_per_rule.saturating_sub(listed).min(
                    options
                        .max_findings_per_run
                        .saturating_sub(out.findings.len()),
                );
                if counted_only && done.unlisted > 0 && room > 0 {
                    done = match &pool {
                        Some(pool) => pool.install(|| one(pair, room)),
                        None => one(pair, room),
                    };
                }
                unlisted += done.unlisted + done.findings.len().saturating_sub(room);
                listed += done.findings.len().min(room);
                done.findings
                    .move_into(&mut out.findings, room, all_findings);
                let na_room = NA_LISTED_PER_RULE.saturating_sub(na_listed);
                na_listed += done.na.len().min(na_room);
                out.not_applicable.extend(done.na.into_iter().take(na_room));
                broken = done.broken;
            }
        }
        if stats.not_applicable > na_listed {
            out.not_applicable_unlisted
                .push((lr.rule.id.text.clone(), stats.not_applicable - na_listed));
        }
        out.stats.push((lr.rule.id.text.clone(), stats));
        if broken.is_some() {
            out.broken.push(lr.rule.id.text.clone());
        }
        if unlisted > 0 {
            out.unlisted.push((lr.rule.id.text.clone(), unlisted));
        }

        out.problems.extend(broken);
        rule_done();
    }
    if out.findings.len() >= options.max_findings_per_run && !out.unlisted.is_empty() {
        out.run_cap = Some(options.max_findings_per_run);
    }
    out
}

/// What one rule gave on one report.
struct Evaluated {
    stats: Stats,
    findings: FindingList,
    na: Vec<NotApplicable>,
    broken: Option<Problem>,
    unlisted: usize,
    /// A part of a loop that left out findings it had room for (see [`Evaluator::in_parts`]).
    cut: bool,
}

/// Evaluate rule `lr` on `report` (whose previous report is `previous`), from scratch,
/// listing at most `max_findings`.
fn evaluate_one<'a>(
    set: &'a RuleSet,
    lr: &'a LoadedRule,
    (report, previous): (&'a Report, Option<&'a Report>),
    sources: &'a Sources,
    options: &'a Options,
    max_findings: usize,
) -> Evaluated {
    let mut ev = Evaluator::new(set, sources, options, lr);
    ev.max_findings = max_findings;
    ev.run(report, previous);
    ev.evaluated()
}

/// Expressions shown kept by one evaluator: a rule has a few, times its `for` bindings.
const SHOWN_KEPT: usize = 64;

/// An expression of a rule as findings show it ([`Evaluator::finding_expr`]).
struct Shown<'a> {
    expr: &'a Expr,
    bindings: Vec<(String, String)>,
    text: crate::finding::Shared,
}

/// Threads for evaluation, one per core, with stacks as large as the checking thread's:
/// evaluation recurses along the nesting of a rule (see `run::check_configured`). `None`
/// (evaluate on this thread) when there is one core or no pool can be had. Made once for the
/// process: `rimlig test` evaluates once per test, and making the threads each time was a
/// third of the time of 40 000 small tests.
fn parallel_pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        if cores < 2 {
            return None;
        }
        rayon::ThreadPoolBuilder::new()
            .num_threads(cores)
            .stack_size(256 * 1024 * 1024)
            .thread_name(|i| format!("rimlig-eval-{i}"))
            .start_handler(|_| widen_thread_heap())
            .build()
            .ok()
    })
    .as_ref()
}

/// Room the heap of an evaluation thread is made to span at its start.
const THREAD_HEAP: usize = 16 << 20;
/// Blocks to span it with: below the size from which glibc maps a block of its own (set in
/// `main`), so they come from the thread's heap.
const THREAD_HEAP_BLOCK: usize = 120 << 10;

/// Make this thread's heap span [`THREAD_HEAP`] at once, then give the room back.
///
/// glibc gives each thread a heap of its own and grows it only as far as each allocation
/// needs, with an `mprotect` call each time, which takes the process's lock on its memory
/// map: the lock the other threads' page faults wait for. A large run's findings are made
/// in small pieces (the finding itself, its message, the cells it names): on a million rows
/// that was nearly 5 000 calls and a few per cent of the run. A heap once grown keeps its
/// room after blocks are given back, so growing it first, in a few large steps, leaves it
/// little to ask for later. Little memory is touched (a block's header each); the pages are
/// still mapped as they are first written. Elsewhere (another allocator) this is a few
/// allocations freed.
fn widen_thread_heap() {
    let blocks: Vec<Vec<u8>> = (0..THREAD_HEAP / THREAD_HEAP_BLOCK)
        .map(|_| Vec::with_capacity(THREAD_HEAP_BLOCK))
        .collect();
    drop(std::hint::black_box(blocks));
}

impl<'a> Env<'a> {
    /// The report a cell is in.
    fn report_of(&self, c: &CellAt) -> &'a Report {
        match (c.prev, self.previous) {
            (true, Some(p)) => p,
            (true, None) if self.in_previous => self.report,
            _ => self.current,
        }
    }

    /// The same place in the previous report: no scope, the same `for` bindings.
    fn previous_env(&self) -> Option<Env<'a>> {
        let prev = if self.in_previous {
            self.report
        } else {
            self.previous?
        };
        Some(Env {
            report: prev,
            in_previous: true,
            scope: None,
            rows: Arc::new(Vec::new()),
            row: None,
            ..self.clone()
        })
    }
}

/// An [`Env`] before its scope, in a form other threads can take: where a loop split into
/// parts ([`Evaluator::in_parts`]) starts in each.
struct Place<'a> {
    report: &'a Report,
    current: &'a Report,
    previous: Option<&'a Report>,
    in_previous: bool,
    bindings: Vec<(String, String)>,
}

impl<'a> Place<'a> {
    fn of(env: &Env<'a>) -> Place<'a> {
        Place {
            report: env.report,
            current: env.current,
            previous: env.previous,
            in_previous: env.in_previous,
            bindings: env.bindings.to_vec(),
        }
    }

    fn env(&self) -> Env<'a> {
        Env {
            report: self.report,
            current: self.current,
            previous: self.previous,
            in_previous: self.in_previous,
            scope: None,
            rows: Arc::default(),
            row: None,
            bindings: Arc::new(self.bindings.clone()),
        }
    }
}

/// A row of an `either sign` comparison that holds only one way round.
struct SignVote<'a> {
    env: Env<'a>,
    expr: &'a Expr,
    /// Holds as written (else only with the opposite sign).
    written: bool,
    /// The way round it does not hold, for the finding if the row is out of line.
    other: message::Failed<'a>,
    /// The cells the row read, and its recorded instance (when localising).
    reads: Vec<CellAt>,
    instance: Option<usize>,
}

struct Evaluator<'a> {
    set: &'a RuleSet,
    sources: &'a Sources,
    options: &'a Options,
    rule: &'a LoadedRule,
    stats: Stats,
    findings: FindingList,
    na: Vec<NotApplicable>,
    broken: Option<Problem>,
    votes: Vec<SignVote<'a>>,
    /// The `let`s being evaluated, innermost last: a `let` that reaches itself is an error,
    /// not an endless recursion.
    lets: Vec<String>,
    /// Values of the `let`s that read no cell, by name and by the report (previous report)
    /// they were worked out in: a let is worked out once, not again for every row and every
    /// use (each time walking the lets it uses).
    let_values: std::collections::HashMap<LetKey<'a>, Operand>,
    /// The cells read by the instance being checked: a finding keeps them, so error
    /// localisation knows which cells could explain it.
    reads: std::cell::RefCell<Vec<CellAt>>,
    /// The texts findings hold alike, each kept once ([`Evaluator::shared`]).
    shared: std::cell::RefCell<foldhash::HashSet<crate::finding::Shared>>,
    /// The texts of `shared` asked for last, most recent first: a finding asks for half a
    /// dozen, the same ones as the finding before, found here without hashing them.
    shared_recent: std::cell::RefCell<Vec<crate::finding::Shared>>,
    /// Expressions as findings show them, with their `for` bindings put in
    /// ([`Evaluator::finding_expr`]).
    finding_exprs: std::cell::RefCell<Vec<Shown<'a>>>,
    /// The quick pass's columns already looked up (see [`fast`]).
    quick_columns: std::cell::RefCell<fast::Columns>,
    /// Values read instead of what a cell holds, to try a fix (empty in a normal check).
    overrides: Vec<(CellAt, rust_decimal::Decimal)>,
    /// When localising: the instances that read cells of interest, as they are checked.
    collect: Option<replay::Collector<'a>>,
    /// Cells read are not recorded in `reads`: a re-check of one instance with a fix tried
    /// asks only whether it holds, and is made thousands of times.
    no_reads: bool,
    /// Findings this rule lists at most; those beyond are counted in `unlisted`.
    max_findings: usize,
    unlisted: usize,
    /// For a part of a loop evaluated in parallel: the findings all its parts listed so
    /// far. Once they are `max_findings`, no part lists more (see [`Evaluator::in_parts`]).
    parts_listed: Option<Arc<std::sync::atomic::AtomicUsize>>,
    /// A failing instance was not listed though this part had room for it, because the
    /// parts together had listed enough.
    cut: bool,
    /// Aggregates worked out in full lately ([`Evaluator::aggregate`]).
    aggregates: Vec<Aggregated<'a>>,
    /// The quick pass was tried on the instances being evaluated in full, and some did not
    /// plainly hold: not tried again for each one (a sum over the whole table, again).
    quick_tried: bool,
    /// Views of tables looked up by key lately ([`Evaluator::kept_views`]): (report, in the
    /// previous report, table name, views).
    views: Vec<(*const Report, bool, String, Vec<Arc<View<'a>>>)>,
    /// What every finding of the rule says alike, worked out for its first finding.
    rule_parts: std::cell::OnceCell<message::RuleParts>,
    /// The folder of the report findings were last made for, as findings name it.
    report_name: std::cell::RefCell<Option<(*const Report, crate::finding::Shared)>>,
}

/// Tables an evaluator keeps the views of ([`Evaluator::kept_views`]).
const VIEWS_KEPT: usize = 8;

/// An aggregate worked out in full, kept for the next instance that asks for the same one:
/// every row of an `each` that fails reads the same `sum` of its scope, and working it out
/// again for each row took a time that grew with the square of the table (20 000 failing
/// rows: two minutes). The scope and its rows are held, so their addresses are not reused.
struct Aggregated<'a> {
    agg: Aggregate,
    arg: *const Expr,
    filter: Option<*const Expr>,
    scope: Option<Arc<View<'a>>>,
    rows: Arc<Vec<usize>>,
    report: *const Report,
    previous: Option<*const Report>,
    in_previous: bool,
    bindings: Arc<Vec<(String, String)>>,
    /// The value, or why it is not applicable.
    value: Result<Operand, String>,
    /// The cells it read, up to [`READS_KEPT`] and one more.
    reads: Vec<CellAt>,
}

impl<'a> Aggregated<'a> {
    fn is_for(&self, agg: Aggregate, arg: &Expr, filter: Option<&Expr>, env: &Env<'a>) -> bool {
        self.agg == agg
            && std::ptr::eq(self.arg, arg)
            && self.filter == filter.map(std::ptr::from_ref)
            && match (&self.scope, &env.scope) {
                (Some(a), Some(b)) => Arc::ptr_eq(a, b),
                (None, None) => true,
                _ => false,
            }
            && Arc::ptr_eq(&self.rows, &env.rows)
            && std::ptr::eq(self.report, env.report)
            && self.previous == env.previous.map(std::ptr::from_ref)
            && self.in_previous == env.in_previous
            && self.bindings == env.bindings
    }
}

/// Whether trying the quick pass again on each instance of a body that `quick` did not find
/// plainly holding costs more than it saves: it sums a scope of `rows` rows again, once per
/// instance. Over a small group it is cheap, and spares the full evaluation of the instances
/// of a `for` that do hold. A body of one instance is not tried again at all: the quick pass
/// just said it does not plainly hold, and would say so again (on a million-row table with
/// 20 000 failing rows, a tenth of the time the findings took).
fn retry_costs(quick: Option<&[fast::Compiled<'_>]>, rows: usize) -> bool {
    quick.is_some_and(|q| {
        q.len() == 1 || (rows > QUICK_RETRIED_UP_TO && q.iter().any(fast::Compiled::reads_scope))
    })
}

/// Rows of a scope up to which the quick pass is tried again per instance.
const QUICK_RETRIED_UP_TO: usize = 64;

/// Whether `rows` follow each other with none left out.
fn contiguous(rows: &[usize]) -> bool {
    rows.windows(2).all(|w| w[1] == w[0] + 1)
}

/// Total rows a message names at most: a table without `group` may have one per group,
/// a hundred thousand, and the message is given for every row that asks.
const TOTALS_NAMED: usize = 10;

/// Aggregates an evaluator keeps at most ([`Aggregated`]).
const AGGREGATES_KEPT: usize = 8;

/// Cells a finding keeps at most for error localisation. An instance that reads more (a sum
/// over thousands of rows) is left to the checks that read fewer: kept for every finding of
/// an `each` that sums its table, they took gigabytes (5 000 rows: 3,4 GB).
pub const READS_KEPT: usize = 1_024;

impl<'a> Evaluator<'a> {
    fn new(
        set: &'a RuleSet,
        sources: &'a Sources,
        options: &'a Options,
        rule: &'a LoadedRule,
    ) -> Self {
        Evaluator {
            set,
            sources,
            options,
            rule,
            stats: Stats::default(),
            findings: FindingList::default(),
            na: Vec::new(),
            broken: None,
            votes: Vec::new(),
            lets: Vec::new(),
            let_values: Default::default(),
            reads: Default::default(),
            quick_columns: Default::default(),
            shared: Default::default(),
            shared_recent: Default::default(),
            finding_exprs: Default::default(),
            overrides: Vec::new(),
            collect: None,
            no_reads: false,
            max_findings: options.max_findings_per_rule,
            unlisted: 0,
            parts_listed: None,
            cut: false,
            aggregates: Vec::new(),
            quick_tried: false,
            views: Vec::new(),
            rule_parts: Default::default(),
            report_name: Default::default(),
        }
    }

    /// What this evaluator found.
    fn evaluated(self) -> Evaluated {
        Evaluated {
            stats: self.stats,
            findings: self.findings,
            na: self.na,
            broken: self.broken,
            unlisted: self.unlisted,
            cut: self.cut,
        }
    }

    /// Check every assertion of the rule on `report` (whose previous report is `previous`).
    fn run(&mut self, report: &'a Report, previous: Option<&'a Report>) {
        let env = Env {
            report,
            current: report,
            previous,
            in_previous: false,
            scope: None,
            rows: Arc::new(Vec::new()),
            row: None,
            bindings: Arc::default(),
        };
        for a in &self.rule.rule.body {
            self.assertion(a, &env);
        }
        self.settle_votes(0);
    }

    /// The views a table name reaches in the report being read.
    fn views_of(&self, env: &Env<'a>, name: &str) -> Vec<View<'a>> {
        let mut v = views(self.set, env.report, name);
        for x in &mut v {
            x.previous = env.in_previous;
        }
        v
    }

    /// [`Evaluator::views_of`], made once for this evaluator: a row that looks up a key of
    /// another table (`T["Summa"]`, `previous.c`) finds it through the view's index of keys,
    /// which a view made again for every row would make again too.
    fn kept_views(&mut self, env: &Env<'a>, name: &str) -> Vec<Arc<View<'a>>> {
        let report = std::ptr::from_ref(env.report);
        if let Some((.., views)) = self
            .views
            .iter()
            .find(|(r, p, n, _)| std::ptr::eq(*r, report) && *p == env.in_previous && n == name)
        {
            return views.clone();
        }
        let views: Vec<Arc<View<'a>>> =
            self.views_of(env, name).into_iter().map(Arc::new).collect();
        if self.views.len() >= VIEWS_KEPT {
            self.views.remove(0);
        }
        self.views
            .push((report, env.in_previous, name.to_string(), views.clone()));
        views
    }

    /// The place a scope over `table` starts from: this one, or for `previous.T` the previous
    /// report (`None`, counted as not applicable, when there is none).
    fn scope_report(&mut self, table: &TableRef, env: &Env<'a>) -> Option<Env<'a>> {
        if !table.previous {
            return Some(env.clone());
        }
        let prev = env.previous_env();
        if prev.is_none() {
            let stop = self.no_previous(env);
            self.stop(env, stop);
        }
        prev
    }

    /// Why a `previous.` reference cannot be read here.
    fn no_previous(&self, env: &Env<'a>) -> Stop {
        Stop::Absent(match &env.current.meta.previous {
            Some(p) => format!(
                "the previous report {} could not be read",
                p.to_string_lossy().replace('\\', "/")
            ),
            None if env.current.meta.previous_itself => {
                "`previous` names this report itself, so there is no previous report".into()
            }
            None => "there is no previous report (report.toml names no `previous`)".into(),
        })
    }
    fn rule_error(&self, span: crate::source::Span, msg: impl Into<String>, help: &str) -> Stop {
        Stop::Rule(
            Problem::new(
                ProblemKind::Rules,
                Severity::Error,
                "rules::evaluation",
                msg,
            )
            .with_label(self.rule.source, span, "here")
            .with_help(help.to_string()),
        )
    }

    fn not_applicable(&mut self, env: &Env<'a>, reason: String) {
        self.stats.not_applicable += 1;
        if self.na.len() >= NA_LISTED_PER_RULE {
            return;
        }
        self.na.push(NotApplicable {
            rule: crate::finding::instance_name(&self.rule.rule.id.text, &env.bindings),
            report: env.current.path.to_string_lossy().replace('\\', "/"),
            table: env.scope.as_ref().map(|v| v.table.name.clone()),
            row_key: env
                .row
                .and_then(|r| env.scope.as_ref().map(|v| v.key_text(r))),
            reason,
        });
    }

    fn stop(&mut self, env: &Env<'a>, s: Stop) {
        match s {
            Stop::Na(reason) | Stop::Absent(reason) => self.not_applicable(env, reason),
            Stop::Rule(p) => {
                if self.broken.is_none() {
                    self.broken = Some(p);
                }
            }
        }
    }

    fn assertion(&mut self, a: &'a Assertion, env: &Env<'a>) {
        if self.broken.is_some() {
            return;
        }
        match a {
            Assertion::In {
                table, by, body, ..
            } => {
                let Some(env) = self.scope_report(table, env) else {
                    return;
                };
                let env = &env;
                for v in self.views_of(env, &table.name.text) {
                    let v = Arc::new(v);
                    let by_column;
                    let groups = match by {
                        Some(b) => match v.column(self.bound(&b.text, env)) {
                            Some((col, _)) => {
                                by_column = v.groups_of_rows_by(col);
                                Some(&by_column)
                            }
                            None => {
                                self.not_applicable(
                                    env,
                                    format!(
                                        "table {} has no column `{}` to group by",
                                        v.table.name, b.text
                                    ),
                                );
                                continue;
                            }
                        },
                        None => v.groups.as_ref(),
                    };
                    match groups {
                        Some(g) => {
                            let quick = self.compiled(body, &env.in_view(&v));
                            let n = g.count();
                            match self.parts(n, v.table.rows.len(), quick.is_some()) {
                                Some(parts) => self.in_parts(env, n, parts, |sub, env, groups| {
                                    let quick = sub.compiled(body, &env.in_view(&v));
                                    sub.group_rows(body, env, &v, g, groups, quick.as_deref());
                                }),
                                None => self.group_rows(body, env, &v, g, 0..n, quick.as_deref()),
                            }
                        }
                        None => {
                            let rows = (0..v.table.rows.len()).collect();
                            self.assertion(body, &env.over(&v, rows));
                        }
                    }
                }
            }
            Assertion::Each {
                table,
                filter,
                body,
                ..
            } => {
                let Some(env) = self.scope_report(table, env) else {
                    return;
                };
                let env = &env;
                for v in self.views_of(env, &table.name.text) {
                    let v = Arc::new(v);
                    let votes_before = self.votes.len();
                    let quick = match filter {
                        None => self.compiled(body, &env.in_view(&v)),
                        Some(_) => None,
                    };
                    let n = v.table.rows.len();
                    // A body with sums over the whole table would need every row listed in
                    // every part (8 MB per million rows, each): such a loop is not split.
                    let whole_table = v.groups.is_none()
                        && quick.iter().flatten().any(fast::Compiled::reads_scope);
                    match self.parts(n, n, quick.is_some() && !whole_table) {
                        Some(parts) => self.in_parts(env, n, parts, |sub, env, rows| {
                            let quick = sub.compiled(body, &env.in_view(&v));
                            sub.each_rows(body, None, env, &v, rows, quick.as_deref());
                        }),
                        None => {
                            self.each_rows(body, filter.as_ref(), env, &v, 0..n, quick.as_deref());
                        }
                    }
                    self.settle_votes(votes_before);
                }
            }
            Assertion::For {
                var, columns, body, ..
            } => {
                for c in columns {
                    let mut e = env.clone();
                    let col = self.bound(&c.text, env).to_string();
                    Arc::make_mut(&mut e.bindings).push((var.text.clone(), col));
                    self.assertion(body, &e);
                }
            }
            Assertion::If { cond, body, .. } => match self.truth(cond, env) {
                Ok((true, _)) => self.assertion(body, env),
                Ok((false, _)) => {}
                Err(s) => self.stop(env, s),
            },
            Assertion::Block(items, _) => {
                for i in items {
                    self.assertion(i, env);
                }
            }
            Assertion::Check(expr) => self.check(expr, env),
        }
    }

    /// The groups `groups_of` of `g`, an `in` over `v`, in the order they first appear: the
    /// quick pass (`quick`, when the body compiled), else each group's instances in full.
    fn group_rows(
        &mut self,
        body: &'a Assertion,
        env: &Env<'a>,
        v: &Arc<View<'a>>,
        g: &Groups,
        groups_of: std::ops::Range<usize>,
        quick: Option<&[fast::Compiled<'_>]>,
    ) {
        // Bodies that read only sums and totals of whole numbers: checked for every group
        // at once first.
        let plain = quick.and_then(|q| fast::holds_on_groups(q, v, g, groups_of.clone()));
        for group in groups_of.clone() {
            if self.plainly_holds(plain.as_deref(), quick, group - groups_of.start) {
                continue;
            }
            if self.quick_counted(quick, v, None, g.row_slice(group)) {
                continue;
            }
            let rows = g.rows(group);
            if self.skip_rows(body, true, v, &rows) {
                continue;
            }
            self.quick_tried = retry_costs(quick, rows.len());
            self.assertion(body, &env.over(v, rows));
            self.quick_tried = false;
        }
    }

    /// The rows `rows` of an `each` over `v`: the quick pass (`quick`, when the body
    /// compiled), else each row's instances in full.
    fn each_rows(
        &mut self,
        body: &'a Assertion,
        filter: Option<&'a Expr>,
        env: &Env<'a>,
        v: &Arc<View<'a>>,
        rows_of: std::ops::Range<usize>,
        quick: Option<&[fast::Compiled<'_>]>,
    ) {
        // Every row, as the scope of a row without groups: made when first needed
        // (a million rows take 8 MB, and the quick pass reads none of them).
        let mut all: Option<Arc<Vec<usize>>> = None;
        // The rows of the group of the row before, while rows stay in it.
        let mut group_of_row: Option<(usize, Arc<Vec<usize>>)> = None;
        // Sums and totals of a row's scope without groups: over every row.
        let every_row: Vec<u32> = match quick {
            Some(q) if v.groups.is_none() && q.iter().any(fast::Compiled::reads_scope) => {
                (0..v.table.rows.len())
                    .map(|r| u32::try_from(r).unwrap_or(u32::MAX))
                    .collect()
            }
            _ => Vec::new(),
        };
        // Bodies that read only whole numbers of the row: checked column by column first.
        let plain: Option<Vec<bool>> = quick.and_then(|q| {
            q.iter().try_fold(vec![true; rows_of.len()], |mut all, c| {
                let holds = c.holds_on_rows(rows_of.clone())?;
                all.iter_mut().zip(holds).for_each(|(a, h)| *a &= h);
                Some(all)
            })
        });
        for r in rows_of.clone() {
            if self.plainly_holds(plain.as_deref(), quick, r - rows_of.start) {
                continue;
            }
            let scope = match &v.groups {
                Some(g) => g.row_slice(g.of_row(r)),
                None => &every_row,
            };
            if self.quick_counted(quick, v, Some(r), scope) {
                continue;
            }
            if self.skip_rows(body, false, v, &[r])
                && filter.is_none_or(|f| replay::local_expr(f, self.set, false))
            {
                continue;
            }
            let rows = match &v.groups {
                Some(groups) => {
                    let g = groups.of_row(r);
                    match &group_of_row {
                        Some((last, rows)) if *last == g => rows.clone(),
                        _ => {
                            let rows = Arc::new(groups.rows(g));
                            group_of_row = Some((g, rows.clone()));
                            rows
                        }
                    }
                }
                // A body the quick pass compiled without sums or totals reads
                // its row's cells only, in full evaluation too.
                None if quick.is_some() && every_row.is_empty() => Arc::default(),
                None => all
                    .get_or_insert_with(|| Arc::new((0..v.table.rows.len()).collect()))
                    .clone(),
            };
            let e = Env {
                scope: Some(v.clone()),
                rows,
                row: Some(r),
                ..env.clone()
            };
            if let Some(f) = filter {
                match self.truth(f, &e) {
                    Ok((true, _)) => {}
                    Ok((false, _)) => continue,
                    Err(s) => {
                        self.stop(&e, s);
                        continue;
                    }
                }
            }
            self.quick_tried = retry_costs(quick, e.rows.len());
            self.assertion(body, &e);
            self.quick_tried = false;
        }
    }

    /// Into how many parts, evaluated in parallel, a loop over `n` rows or groups (of `rows`
    /// rows in all) is split: only a loop whose body the quick pass compiled (so a
    /// comparison, without a filter or `either sign`, whose instances are independent),
    /// only in a check (not when localising or trying a fix), and only when there are
    /// enough rows to share. The parts are counted in rows: a hundred thousand groups of
    /// nine rows are as much work as nine hundred thousand rows, and in three parts on two
    /// cores the third ran alone.
    fn parts(&self, n: usize, rows: usize, compiled: bool) -> Option<usize> {
        let threads = rayon::current_num_threads();
        let per_part = self.options.rows_per_part.max(1);
        if !compiled
            || self.collect.is_some()
            || !self.overrides.is_empty()
            || threads < 2
            || n < 2
            || rows / 2 < per_part
        {
            return None;
        }
        Some((rows / per_part).min(16 * threads).min(n))
    }

    /// `each(sub, env, rows)` for `parts` ranges of `0..n`, on evaluators of their own in
    /// parallel, then taken into this one in order: the same findings, not-applicable
    /// instances and counts as one loop over `0..n` gives, up to the first rule error.
    fn in_parts(
        &mut self,
        env: &Env<'a>,
        n: usize,
        parts: usize,
        each: impl Fn(&mut Evaluator<'a>, &Env<'a>, std::ops::Range<usize>) + Sync,
    ) {
        use rayon::prelude::*;
        use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
        let (set, sources, options, rule) = (self.set, self.sources, self.options, self.rule);
        let place = Place::of(env);
        let evaluate = |k: usize, max_findings: usize, listed: Option<Arc<AtomicUsize>>| {
            let mut sub = Evaluator::new(set, sources, options, rule);
            sub.max_findings = max_findings;
            sub.parts_listed = listed;
            each(&mut sub, &place.env(), n * k / parts..n * (k + 1) / parts);
            sub.evaluated()
        };
        // Each thread takes the next part in order, so the parts evaluated at one time are
        // neighbours. Once the parts have listed as many findings as the rule may, the rest
        // only count theirs: every part listing up to the rule's cap made five times the
        // findings listed, on half a million failing rows (600 MB).
        let listed = Arc::new(AtomicUsize::new(0));
        let next = AtomicUsize::new(0);
        let max_findings = self.max_findings;
        let mut done: Vec<(usize, Evaluated)> = (0..rayon::current_num_threads().min(parts))
            .into_par_iter()
            .flat_map_iter(|_| {
                std::iter::from_fn(|| {
                    let k = next.fetch_add(1, Relaxed);
                    (k < parts).then(|| (k, evaluate(k, max_findings, Some(listed.clone()))))
                })
            })
            .collect();
        done.sort_unstable_by_key(|(k, _)| *k);
        self.take_parts(done, |k, room| evaluate(k, room, None));
    }

    /// The outcomes of a loop's parts taken in order, as one loop over all its rows gives
    /// them. A part cut short by the findings of parts after it, where the parts before it
    /// left room, is evaluated again by `again(part, room)`, listing at most `room`.
    fn take_parts(
        &mut self,
        done: Vec<(usize, Evaluated)>,
        again: impl Fn(usize, usize) -> Evaluated,
    ) {
        for (k, sub) in done {
            let room = self.max_findings.saturating_sub(self.findings.len());
            let sub = if sub.cut && sub.findings.len() < room {
                again(k, room)
            } else {
                sub
            };
            self.stats.passed += sub.stats.passed;
            self.stats.failed += sub.stats.failed;
            self.stats.not_applicable += sub.stats.not_applicable;
            self.unlisted += sub.unlisted;
            self.take_findings(sub.findings);
            let room = NA_LISTED_PER_RULE.saturating_sub(self.na.len());
            self.na.extend(sub.na.into_iter().take(room));
            if sub.broken.is_some() {
                self.broken = sub.broken;
                return;
            }
        }
    }

    /// `text` as a finding keeps it: the same text is kept once for all findings.
    pub(super) fn shared(&self, text: &str) -> crate::finding::Shared {
        let mut recent = self.shared_recent.borrow_mut();
        if let Some(s) = recent.iter().find(|s| s.as_str() == text) {
            return s.clone();
        }
        let mut known = self.shared.borrow_mut();
        let s = match known.get(text) {
            Some(s) => s.clone(),
            None => {
                let s = crate::finding::Shared::from(text);
                known.insert(s.clone());
                s
            }
        };
        if recent.len() == SHARED_RECENT {
            recent.pop();
        }
        recent.insert(0, s.clone());
        s
    }

    /// `e` as a finding shows it, with `bindings` put in for the `for` variables. The same
    /// few expressions fail again and again (every failing row of an `each`): each is
    /// written out once per binding.
    pub(super) fn finding_expr(
        &self,
        e: &'a Expr,
        bindings: &[(String, String)],
    ) -> crate::finding::Shared {
        let mut known = self.finding_exprs.borrow_mut();
        if let Some(s) = known
            .iter()
            .find(|s| std::ptr::eq(s.expr, e) && s.bindings == bindings)
        {
            return s.text.clone();
        }
        let text = self.shared(&message::substitute(&self.expr_text(e), bindings));
        if known.len() < SHOWN_KEPT {
            known.push(Shown {
                expr: e,
                bindings: bindings.to_vec(),
                text: text.clone(),
            });
        }
        text
    }

    /// `body` compiled for the quick pass in the scope of `env`, one comparison per `for`
    /// binding: `None` unless every instance of `body` is a comparison the quick pass covers,
    /// and it may run (not when localising or trying a fix).
    fn compiled(&self, body: &'a Assertion, env: &Env<'a>) -> Option<Vec<fast::Compiled<'a>>> {
        if !self.options.quick || self.collect.is_some() || !self.overrides.is_empty() {
            return None;
        }
        match body {
            Assertion::Check(expr) => Some(vec![fast::compile(self, expr, env)?]),
            Assertion::For {
                var, columns, body, ..
            } => {
                let Assertion::Check(expr) = &**body else {
                    return None;
                };
                columns
                    .iter()
                    .map(|c| {
                        let mut e = env.clone();
                        let col = self.bound(&c.text, env).to_string();
                        Arc::make_mut(&mut e.bindings).push((var.text.clone(), col));
                        fast::compile(self, expr, &e)
                    })
                    .collect()
            }
            _ => None,
        }
    }

    /// Count the instances of a compiled body as passed if `plain`, its answers worked out
    /// for a run of rows or groups at once, says the `at`-th of them plainly holds.
    fn plainly_holds(
        &mut self,
        plain: Option<&[bool]>,
        quick: Option<&[fast::Compiled<'_>]>,
        at: usize,
    ) -> bool {
        if let (Some(plain), Some(q)) = (plain, quick)
            && self.broken.is_none()
            && plain.get(at) == Some(&true)
        {
            self.stats.passed += q.len();
            return true;
        }
        false
    }

    /// Count the instances of a compiled body for `row` (if any) of `v`, with the scope's
    /// rows `scope`, where the quick pass can: as passed when every one plainly holds; and
    /// once the rule lists no more findings, each way where it tells each instance's
    /// outcome, so that findings nobody would see are not evaluated in full (on half a
    /// million failing rows, a sixth of the run). `false`: evaluate them in full.
    fn quick_counted(
        &mut self,
        quick: Option<&[fast::Compiled<'_>]>,
        v: &View<'a>,
        row: Option<usize>,
        scope: &[u32],
    ) -> bool {
        let Some(quick) = quick else {
            return false;
        };
        if self.broken.is_some() {
            return false;
        }
        let Some(holds) = quick
            .iter()
            .map(|c| c.decides(Some(v), row, scope))
            .collect::<Option<smallvec::SmallVec<[bool; 8]>>>()
        else {
            return false;
        };
        if holds.iter().all(|&h| h) {
            self.stats.passed += quick.len();
            return true;
        }
        if self.listing() || self.collect.is_some() || !self.overrides.is_empty() {
            return false;
        }
        for h in holds {
            if h {
                self.stats.passed += 1;
            } else {
                self.failed_unlisted();
            }
        }
        true
    }

    /// When collecting instances for localisation: whether the instances of `body` over
    /// `rows` of `v` can be left out because they read only cells of those rows and none of
    /// them is watched. A normal check never skips.
    fn skip_rows(&self, body: &Assertion, group: bool, v: &View<'a>, rows: &[usize]) -> bool {
        let Some(c) = &self.collect else {
            return false;
        };
        c.skips(self.rule, body, group) && !rows.iter().any(|&r| c.row_watched(v, r))
    }

    /// [`Self::keep`] each of `found`, in order, its vectors taken as they are rather than
    /// copied (see [`FindingList`]).
    fn take_findings(&mut self, found: FindingList) {
        let room = self.max_findings.saturating_sub(self.findings.len());
        self.unlisted += found.len().saturating_sub(room);
        self.findings.take(found, room);
    }

    /// List a finding, or only count it once the rule has listed `max_findings`.
    fn keep(&mut self, f: Finding) {
        use std::sync::atomic::Ordering::Relaxed;
        if self.findings.len() >= self.max_findings {
            self.unlisted += 1;
        } else if let Some(all) = &self.parts_listed
            && all.fetch_add(1, Relaxed) >= self.max_findings
        {
            self.cut = true;
            self.unlisted += 1;
        } else {
            self.findings.push(f);
        }
    }

    /// Whether a failing instance would be listed now, so its finding is worth making.
    fn listing(&self) -> bool {
        self.findings.len() < self.max_findings
            && self.parts_listed.as_ref().is_none_or(|all| {
                all.load(std::sync::atomic::Ordering::Relaxed) < self.max_findings
            })
    }

    /// A failing instance listed as `make` describes it, or only counted if the rule lists
    /// no more: with half a million failing rows, describing every one took most of a
    /// run and gigabytes, for findings nobody would see.
    fn failed(&mut self, make: impl FnOnce(&Self) -> Finding) {
        if self.listing() {
            self.stats.failed += 1;
            let f = make(self);
            self.keep(f);
        } else {
            self.failed_unlisted();
        }
    }

    /// A failing instance the rule does not list, only counted.
    fn failed_unlisted(&mut self) {
        self.stats.failed += 1;
        self.unlisted += 1;
        // Room of its own, but the parts together had listed enough.
        self.cut |= self.findings.len() < self.max_findings;
    }

    /// One instance: the expression must hold.
    fn check(&mut self, expr: &'a Expr, env: &Env<'a>) {
        // Most instances hold: the quick pass counts those without building their operands.
        // Localisation needs every instance's cells, and a tried fix reads other values.
        if self.options.quick
            && !self.quick_tried
            && self.collect.is_none()
            && self.overrides.is_empty()
            && fast::holds(self, expr, env)
        {
            self.stats.passed += 1;
            return;
        }
        self.reads.borrow_mut().clear();
        let findings_before = self.findings.len();
        let votes_before = self.votes.len();
        self.check_instance(expr, env);
        // Most instances pass and nobody needs their cells: copied only when kept.
        let reads = self.reads.borrow();
        if let Some(f) = self.findings.get_mut(findings_before)
            && self.options.keep_reads
            && reads.len() <= READS_KEPT
        {
            f.reads = reads.iter().copied().filter(|c| !c.prev).collect();
        }
        let voted = self.votes.len() > votes_before;
        if voted && let Some(v) = self.votes.last_mut() {
            v.reads = reads.clone();
        }
        if let Some(c) = self.collect.as_mut() {
            let finding = self.findings.get(findings_before);
            let idx = c.instance(self.rule, expr, env, &reads, finding);
            if voted && let Some(v) = self.votes.last_mut() {
                v.instance = idx;
            }
        }
    }

    fn check_instance(&mut self, expr: &'a Expr, env: &Env<'a>) {
        let e = expr.unparen();
        if let ExprKind::Compare {
            first,
            rest,
            tolerance,
            either_sign: Some(sign),
        } = &e.kind
        {
            return self.check_either_sign(
                e,
                first,
                rest,
                tolerance.as_ref().map(|t| &t.0),
                *sign,
                env,
            );
        }
        if let ExprKind::Compare {
            first,
            rest,
            tolerance,
            ..
        } = &e.kind
        {
            match self.compare(first, rest, tolerance.as_ref().map(|t| &t.0), env) {
                Ok(None) => self.stats.passed += 1,
                Ok(Some(fail)) => self.failed(|ev| message::finding(ev, env, e, fail)),
                Err(s) => self.stop(env, s),
            }
            return;
        }
        match self.truth(e, env) {
            Ok((true, _)) => self.stats.passed += 1,
            Ok((false, cells)) => {
                self.failed(|ev| message::condition_finding(ev, env, e, &cells));
            }
            Err(s) => self.stop(env, s),
        }
    }

    fn either_sign_misuse(&self, sign: crate::source::Span) -> Stop {
        self.rule_error(
            sign,
            "`either sign` needs exactly one `==` comparison",
            "write it as one equality, `a == b either sign`: e.g. `avvikelse == utfall - budget either sign`",
        )
    }

    /// `a == b` and `a == −b`: the outcome both ways round. A pair whose `detail` is `None`
    /// holds.
    fn either_way(
        &mut self,
        first: &'a Expr,
        right_expr: &'a Expr,
        tol: Option<&Tolerance>,
        env: &Env<'a>,
    ) -> Ev<(message::Failed<'a>, message::Failed<'a>)> {
        let left = self.eval(first, env)?;
        let right = self.eval(right_expr, env)?;
        let n = self.num(&right, right_expr, env)?;
        let negated = Operand {
            val: Val::Num(n.neg()),
            direct: false,
            ..right.clone()
        };
        let d1 = self.compare_pair(&left, CmpOp::Eq, &right, tol, right_expr)?;
        let d2 = self.compare_pair(&left, CmpOp::Eq, &negated, tol, right_expr)?;
        let failed = |right: Operand, detail: Option<message::Detail>| message::Failed {
            left_expr: first,
            left: left.clone(),
            op: CmpOp::Eq,
            right_expr,
            right,
            holds: detail.is_none(),
            detail: detail.unwrap_or_default(),
        };
        Ok((failed(right.clone(), d1), failed(negated, d2)))
    }

    /// One instance of `a == b either sign`. A row that holds only one way round casts a vote
    /// for that sign convention; [`Self::settle_votes`] later flags rows that differ from the
    /// others of their table.
    fn check_either_sign(
        &mut self,
        e: &'a Expr,
        first: &'a Expr,
        rest: &'a [(CmpOp, Expr)],
        tol: Option<&Tolerance>,
        sign: crate::source::Span,
        env: &Env<'a>,
    ) {
        let [(CmpOp::Eq, right)] = rest else {
            let stop = self.either_sign_misuse(sign);
            return self.stop(env, stop);
        };
        let (as_written, opposite) = match self.either_way(first, right, tol, env) {
            Ok(x) => x,
            Err(s) => return self.stop(env, s),
        };
        match (as_written.holds, opposite.holds) {
            (true, true) => self.stats.passed += 1,
            (true, false) | (false, true) => {
                self.stats.passed += 1;
                let written = as_written.holds;
                self.votes.push(SignVote {
                    env: env.clone(),
                    expr: e,
                    written,
                    other: if written { opposite } else { as_written },
                    reads: Vec::new(),
                    instance: None,
                });
            }
            (false, false) => {
                self.stats.failed += 1;
                let opposite_value = match &opposite.right.val {
                    Val::Num(n) => format_decimal(&n.v.normalize()),
                    Val::Text(t) => t.clone(),
                };
                let mut f = message::finding(self, env, e, as_written);
                f.message.push_str(&format!(
                    "; the opposite sign, {opposite_value}, does not match either"
                ));
                self.keep(f);
            }
        }
    }

    /// Rows of one table (per `for` binding) should follow one sign convention: where some
    /// rows hold only as written and others only with the opposite sign, the fewer are
    /// findings (on a tie, the rows that differ from the rule as written).
    fn settle_votes(&mut self, from: usize) {
        if from >= self.votes.len() {
            return;
        }
        let votes: Vec<SignVote<'a>> = self.votes.drain(from..).collect();
        let same_group = |a: &SignVote<'a>, b: &SignVote<'a>| {
            std::ptr::eq(a.expr, b.expr) && a.env.bindings == b.env.bindings
        };
        let mut done = vec![false; votes.len()];
        for i in 0..votes.len() {
            if done[i] {
                continue;
            }
            let group: Vec<usize> = (i..votes.len())
                .filter(|&j| !done[j] && same_group(&votes[i], &votes[j]))
                .collect();
            for &j in &group {
                done[j] = true;
            }
            let written = group.iter().filter(|&&j| votes[j].written).count();
            let opposite = group.len() - written;
            if written == 0 || opposite == 0 {
                continue;
            }
            let minority_written = written < opposite;
            let majority = written.max(opposite);
            for &j in &group {
                let v = &votes[j];
                if v.written != minority_written {
                    continue;
                }
                self.stats.passed -= 1;
                self.stats.failed += 1;
                let table = v
                    .env
                    .scope
                    .as_ref()
                    .map(|s| s.table.name.clone())
                    .unwrap_or_default();
                let (others, verb_follow, verb_have) = if majority == 1 {
                    ("the other row".to_string(), "follows", "has")
                } else {
                    (format!("the other {majority} rows"), "follow", "have")
                };
                let mut f = message::finding(self, &v.env, v.expr, v.other.clone());
                let note = if minority_written {
                    format!(
                        "{} follows `{}`, but {others} of {table} {verb_have} the opposite sign",
                        f.values
                            .as_ref()
                            .map(|x| x.left_expr.clone())
                            .unwrap_or_default(),
                        self.expr_text(v.expr)
                            .trim_end_matches("either sign")
                            .trim()
                    )
                } else {
                    format!(
                        "{}; {others} of {table} {verb_follow} the rule as written, this row has the opposite sign",
                        f.message
                    )
                };
                // The row holds as written; what it is measured against is the other rows'
                // way round, the written right side with the opposite sign.
                if minority_written && let Some(values) = f.values.as_mut() {
                    values.right_expr = format!("-({})", values.right_expr).into();
                }
                f.label_len = note.len();
                f.message = note;
                if self.options.keep_reads {
                    f.reads = v.reads.iter().copied().filter(|c| !c.prev).collect();
                }
                if let (Some(c), Some(i)) = (self.collect.as_mut(), v.instance) {
                    // The row must follow the others' way round.
                    c.failed_vote(i, !minority_written, &f);
                }
                self.keep(f);
            }
        }
    }

    /// A comparison chain; `Some` describes the first pair that fails.
    fn compare(
        &mut self,
        first: &'a Expr,
        rest: &'a [(CmpOp, Expr)],
        tol: Option<&Tolerance>,
        env: &Env<'a>,
    ) -> Ev<Option<message::Failed<'a>>> {
        let mut left = self.eval(first, env)?;
        let mut left_expr = first;
        for (op, right_expr) in rest {
            let right = self.eval(right_expr, env)?;
            if let Some(detail) = self.compare_pair(&left, *op, &right, tol, right_expr)? {
                return Ok(Some(message::Failed {
                    left_expr,
                    left,
                    op: *op,
                    right_expr,
                    right,
                    detail,
                    holds: false,
                }));
            }
            left = right;
            left_expr = right_expr;
        }
        Ok(None)
    }

    /// `None` when the pair holds; otherwise what a reader needs: difference and tolerance.
    fn compare_pair(
        &self,
        l: &Operand,
        op: CmpOp,
        r: &Operand,
        tol: Option<&Tolerance>,
        at: &Expr,
    ) -> Ev<Option<message::Detail>> {
        // `[check] tolerance` in rimlig.toml: the tolerance of an `==` that gives none.
        let from_config = tol.is_none() && op == CmpOp::Eq;
        let tol = match tol {
            None if op == CmpOp::Eq => self.options.default_tolerance.as_ref(),
            given => given,
        };
        for o in [l, r] {
            if o.not_a_figure
                && let Val::Text(t) = &o.val
            {
                return Err(Stop::Na(format!(
                    "\"{t}\" is in a column of figures but is not a figure"
                )));
            }
        }
        match (&l.val, &r.val) {
            (Val::Text(a), Val::Text(b)) => {
                let holds = match op {
                    CmpOp::Eq => a == b,
                    CmpOp::Ne => a != b,
                    _ => {
                        return Err(self.rule_error(
                            at.span,
                            "text can only be compared with == or !=",
                            "compare figures with < <= > >=",
                        ));
                    }
                };
                Ok((!holds).then(message::Detail::default))
            }
            (Val::Num(a), Val::Num(b)) => {
                let (a, b) = Num::align(a, b).map_err(|f| Stop::Na(f.describe()))?;
                let diff = a.difference(&b).map_err(|f| Stop::Na(f.describe()))?;
                let holds;
                let mut tolerance_text = None;
                match tol {
                    Some(Tolerance::Rounding) => {
                        let meet_lo = match (a.lo, b.hi) {
                            (Some(x), Some(y)) => x <= y,
                            _ => true,
                        };
                        let meet_hi = match (a.hi, b.lo) {
                            (Some(x), Some(y)) => x >= y,
                            _ => true,
                        };
                        let lt = match (a.lo, b.hi) {
                            (Some(x), Some(y)) => x < y,
                            _ => true,
                        };
                        let gt = match (a.hi, b.lo) {
                            (Some(x), Some(y)) => x > y,
                            _ => true,
                        };
                        holds = match op {
                            CmpOp::Eq => meet_lo && meet_hi,
                            CmpOp::Ne => !(meet_lo && meet_hi),
                            CmpOp::Le => meet_lo,
                            CmpOp::Lt => lt,
                            CmpOp::Ge => meet_hi,
                            CmpOp::Gt => gt,
                        };
                        // The words are for a finding only: most comparisons hold.
                        if !holds {
                            let allow = match (a.half_width(), b.half_width()) {
                                (Some(x), Some(y)) => x.checked_add(y),
                                _ => None,
                            };
                            tolerance_text = Some(match allow {
                                Some(s) => {
                                    let mut t = CompactString::const_new("rounding allows ±");
                                    t.push_str(&format_decimal_compact(&s.normalize()));
                                    t
                                }
                                None => CompactString::const_new("rounding"),
                            });
                        }
                    }
                    Some(Tolerance::Absolute(n, unit)) => {
                        let mut t = Num::exact(*n, unit.and_then(to_unit));
                        let mut exact = false;
                        if t.unit.is_some() && a.unit.is_some() {
                            t = match t.convert(a.unit.unwrap_or(Unit::Count)) {
                                Ok(t) => t,
                                // `tolerance = "1 tkr"` is for money: percentages and counts
                                // are compared exactly.
                                Err(_) if from_config => {
                                    exact = true;
                                    Num::exact(rust_decimal::Decimal::ZERO, a.unit)
                                }
                                Err(f) => return Err(Stop::Na(f.describe())),
                            };
                        }
                        holds = within(op, a.v, b.v, diff, t.v);
                        if !holds && !exact {
                            tolerance_text = Some(compact_str::format_compact!(
                                "tolerance ±{}",
                                format_decimal_compact(&t.v.normalize())
                            ));
                        }
                    }
                    Some(Tolerance::Relative(pct)) => {
                        let t = pct
                            .checked_mul(b.v.abs())
                            .and_then(|x| x.checked_div(rust_decimal::Decimal::ONE_HUNDRED))
                            .ok_or(Stop::Na(Failure::Overflow.describe()))?;
                        holds = within(op, a.v, b.v, diff, t);
                        tolerance_text = (!holds).then(|| {
                            compact_str::format_compact!(
                                "tolerance {} % = ±{}",
                                format_decimal_compact(&pct.normalize()),
                                format_decimal_compact(&t.normalize())
                            )
                        });
                    }
                    None => holds = within(op, a.v, b.v, diff, rust_decimal::Decimal::ZERO),
                }
                Ok((!holds).then_some(message::Detail {
                    difference: Some(diff),
                    tolerance: tolerance_text,
                    unit: a.unit,
                }))
            }
            (Val::Num(_), Val::Text(t)) | (Val::Text(t), Val::Num(_)) => {
                Err(Stop::Na(format!("compares a figure with the text \"{t}\"")))
            }
        }
    }

    /// The column a name stands for: a `for` variable's column, or the name itself.
    /// Borrowed, not copied: every column reference of every row asks.
    fn bound<'e>(&self, name: &'e str, env: &'e Env<'a>) -> &'e str {
        env.bindings
            .iter()
            .rev()
            .find(|(v, _)| v == name)
            .map_or(name, |(_, c)| c.as_str())
    }

    fn cell(&self, view: &View<'a>, row: usize, col: usize, unit: Option<UnitName>) -> Ev<Operand> {
        let at = CellAt {
            table: view.index,
            row,
            col,
            prev: view.previous,
        };
        if !self.no_reads {
            self.reads.borrow_mut().push(at);
        }
        let direct = |val| Operand {
            val,
            cells: smallvec::smallvec![at],
            agg: None,
            direct: true,
            not_a_figure: false,
        };
        // A figure kept in compact form is read without its span, which would split the
        // row's text again: each failing row of a large table reads a few.
        if unit != Some(UnitName::Text)
            && let Some((m, decimals, u)) = view.table.inline_number(row, col)
        {
            let f = crate::report::Figure::inline(m, decimals, u);
            return Ok(direct(self.figure_val(at, f, unit)?));
        }
        let Some(cell) = view.table.cell(row, col) else {
            let key = view.key_text(row);
            let row = if key.is_empty() {
                view.row_named(row)
            } else {
                format!("row {key}")
            };
            return Err(Stop::Na(format!(
                "{row} of {} has no cell in that column",
                view.table.name
            )));
        };
        let header = view
            .table
            .headers
            .get(col)
            .map(|h| h.text.as_str())
            .unwrap_or("?");
        let raw = cell.raw(view.table);
        let val = match (cell.value(view.table), unit) {
            // In a text column only an empty cell is missing: "..", "-" are texts there.
            (_, Some(UnitName::Text)) if raw.trim().is_empty() => {
                return Err(Stop::Na(format!(
                    "{} · {} is empty",
                    view.row_named(row),
                    header
                )));
            }
            (_, Some(UnitName::Text)) => Val::Text(raw.trim().to_string()),
            (CellValue::Number(f), u) => self.figure_val(at, f, u)?,
            // A text where the column's unit says a figure: not applicable when compared.
            (CellValue::Text(t), Some(u)) if u != UnitName::Text => {
                return Ok(Operand {
                    not_a_figure: true,
                    ..direct(Val::Text(t))
                });
            }
            (CellValue::Text(t), _) => Val::Text(t),
            (CellValue::Missing(m), _) => {
                let what = match m {
                    Missing::Marker => format!("'{}', {}", raw.trim(), m.describe()),
                    _ => m.describe().to_string(),
                };
                return Err(Stop::Na(format!(
                    "{} · {} is missing ({what})",
                    view.row_named(row),
                    header,
                )));
            }
        };
        Ok(direct(val))
    }

    /// The value of the figure `f` of the cell `at`, in the declared `unit`.
    fn figure_val(&self, at: CellAt, f: crate::report::Figure, unit: Option<UnitName>) -> Ev<Val> {
        let n = match self.overrides.iter().find(|(c, _)| *c == at) {
            // Trying a fix: the value as if it were written, with the same decimals.
            Some((_, v)) => Num::from_figure(&crate::report::Figure { value: *v, ..f }),
            None => Num::from_figure(&f),
        };
        match unit.and_then(to_unit) {
            Some(target) => Ok(Val::Num(
                n.convert(target).map_err(|e| Stop::Na(e.describe()))?,
            )),
            None => Ok(Val::Num(n)),
        }
    }

    /// Not applicable when `o` is a text read where a figure was expected.
    fn figure_expected(&self, o: &Operand, e: &Expr, env: &Env<'a>) -> Ev<()> {
        match &o.val {
            Val::Text(t) if o.not_a_figure => Err(Stop::Na(format!(
                "`{}` is the text \"{}\", not a figure",
                self.shown(e, env),
                t
            ))),
            _ => Ok(()),
        }
    }

    /// `e`'s value as a figure; not applicable when it is a text (named as the rule writes
    /// it, `for` variables replaced by their columns).
    fn num(&self, o: &Operand, e: &Expr, env: &Env<'a>) -> Ev<Num> {
        match &o.val {
            Val::Num(n) => Ok(n.clone()),
            Val::Text(t) => Err(Stop::Na(format!(
                "`{}` is the text \"{}\", not a figure",
                self.shown(e, env),
                t
            ))),
        }
    }

    /// An expression as written, `for` variables replaced by their columns: `sum(budget)`.
    fn shown(&self, e: &Expr, env: &Env<'a>) -> String {
        message::substitute(&self.expr_text(e), &env.bindings)
    }

    pub(crate) fn expr_text(&self, e: &Expr) -> String {
        self.sources.get(self.rule.source).slice(e.span).to_string()
    }

    /// The views a table name reaches in the current report; the scope's own view first.
    fn view_named(&self, name: &str, env: &Env<'a>) -> Ev<Arc<View<'a>>> {
        if let Some(s) = &env.scope {
            let same = match self.set.table(name) {
                Some(t) => s.decl.is_some_and(|d| std::ptr::eq(d, &t.decl)),
                None => s.decl.is_none() && crate::report::normalise_name(&s.table.name) == name,
            };
            if same {
                return Ok(s.clone());
            }
        }
        self.views_of(env, name)
            .into_iter()
            .next()
            .map(Arc::new)
            .ok_or_else(|| Stop::Absent(format!("the report has no table `{name}`")))
    }

    fn column_of(&self, view: &View<'a>, name: &str) -> Ev<(usize, Option<UnitName>)> {
        view.column(name)
            .ok_or_else(|| Stop::Na(format!("table {} has no column `{name}`", view.table.name)))
    }

    fn eval(&mut self, e: &'a Expr, env: &Env<'a>) -> Ev<Operand> {
        match &e.kind {
            // A figure with a unit (`6.3 mkr`, `4,3 %`) is quoted as printed: under `within
            // rounding` it stands for its rounding interval, like a cell. A bare number is exact.
            ExprKind::Number(n, Some(unit)) => Ok(plain(Val::Num(Num::from_figure(&crate::report::Figure {
                value: *n,
                decimals: Some(n.scale()),
                unit: to_unit(*unit),
            })))),
            ExprKind::Number(n, None) => Ok(plain(Val::Num(Num::exact(*n, None)))),
            ExprKind::Text(t) => Ok(plain(Val::Text(t.clone()))),
            ExprKind::Paren(inner) => self.eval(inner, env),
            ExprKind::Neg(inner) => {
                let o = self.eval(inner, env)?;
                let n = self.num(&o, inner, env)?;
                Ok(Operand { val: Val::Num(n.neg()), direct: false, ..o })
            }
            ExprKind::Arith(op, a, b) => {
                let x = self.eval(a, env)?;
                let y = self.eval(b, env)?;
                // `"Ärenden " + indikator`: texts joined, e.g. to build a row key.
                if let (ArithOp::Add, Val::Text(s), Val::Text(t)) = (op, &x.val, &y.val) {
                    self.figure_expected(&x, a, env)?;
                    self.figure_expected(&y, b, env)?;
                    let mut cells = x.cells;
                    cells.extend(y.cells);
                    return Ok(Operand { val: Val::Text(format!("{s}{t}")), cells, agg: None, direct: false, not_a_figure: false });
                }
                let (n, m) = (self.num(&x, a, env)?, self.num(&y, b, env)?);
                let r = match op {
                    ArithOp::Add => n.add(&m),
                    ArithOp::Sub => n.sub(&m),
                    ArithOp::Mul => n.mul(&m),
                    ArithOp::Div => n.div(&m),
                }
                .map_err(|f| Stop::Na(format!("{} in `{}`", f.describe(), self.shown(e, env))))?;
                let mut cells = x.cells;
                cells.extend(y.cells);
                Ok(Operand { val: Val::Num(r), cells, agg: x.agg.or(y.agg), direct: false, not_a_figure: false })
            }
            ExprKind::Ref { previous: true, reference } => self.previous_reference(reference, e, env),
            ExprKind::Ref { reference, .. } => self.reference(reference, e, env),
            ExprKind::Call { func, name, args, filter } => self.call(*func, name, args, filter.as_deref(), e, env),
            ExprKind::Compare { .. }
            | ExprKind::IsMissing { .. }
            | ExprKind::IsPresent { .. }
            | ExprKind::Matches { .. }
            | ExprKind::And(..)
            | ExprKind::Or(..)
            | ExprKind::Not(..) => Err(self.rule_error(
                e.span,
                "a condition is used where a value is expected",
                "conditions (comparisons, `is missing`, `matches`, and/or/not) can only be asserted or used after `where` / `if`",
            )),
        }
    }

    fn reference(&mut self, r: &'a Reference, e: &'a Expr, env: &Env<'a>) -> Ev<Operand> {
        match r {
            Reference::Parent { column } => {
                let (Some(view), Some(row)) = (env.scope.clone(), env.row) else {
                    return Err(self.rule_error(
                        e.span,
                        "`parent` needs a row",
                        "use it inside `each TABLE:`: parent.c is the row a 'varav' row is part of",
                    ));
                };
                if view.kinds()[row] != RowKind::Skip {
                    return Err(Stop::Na(format!(
                        "{} is not a part row: only rows the table declaration skips (`skip \"varav*\"`) have a parent",
                        view.row_named(row)
                    )));
                }
                let parent = env
                    .rows
                    .iter()
                    .copied()
                    .filter(|&r| r < row && view.kinds()[r] != RowKind::Skip)
                    .max()
                    .ok_or_else(|| {
                        Stop::Na(format!(
                            "no row above {} to be part of",
                            view.row_named(row)
                        ))
                    })?;
                let (col, unit) = self.column_of(&view, self.bound(&column.text, env))?;
                self.cell(&view, parent, col, unit)
            }
            Reference::Name(n) => {
                let name = self.bound(&n.text, env);
                let is_var = name != n.text;
                if !is_var && let Some(l) = self.set.constant(&n.text) {
                    let key: LetKey<'a> = (
                        n.text.as_str(),
                        std::ptr::from_ref(env.report) as usize,
                        env.previous.map_or(0, |p| std::ptr::from_ref(p) as usize),
                        env.in_previous,
                    );
                    if let Some(v) = self.let_values.get(&key) {
                        return Ok(v.clone());
                    }
                    let root = Env {
                        scope: None,
                        row: None,
                        rows: Arc::new(Vec::new()),
                        bindings: Arc::default(),
                        ..env.clone()
                    };
                    if self.lets.contains(&n.text) {
                        // Labelled at the `let`, which may be in another file than the rule.
                        let (source, span) = self
                            .set
                            .lets
                            .iter()
                            .find(|(x, _)| x.name.text == n.text)
                            .map_or((self.rule.source, n.span), |(x, src)| (*src, x.name.span));
                        return Err(Stop::Rule(
                            Problem::new(
                                ProblemKind::Rules,
                                Severity::Error,
                                "rules::evaluation",
                                format!("`let {}` is defined in terms of itself", n.text),
                            )
                            .with_label(source, span, "this `let` reaches itself")
                            .with_help("a `let` may use other `let`s, but not in a circle"),
                        ));
                    }
                    self.lets.push(n.text.clone());
                    let v = self.eval(&l.value, &root);
                    self.lets.pop();
                    // Only a value that reads no cell: a cell's value may be overridden
                    // while a fix is tried, and the cells an instance reads are recorded.
                    if let Ok(op) = &v
                        && op.cells.is_empty()
                        && op.agg.is_none()
                        && self.overrides.is_empty()
                    {
                        self.let_values.insert(key, op.clone());
                    }
                    return v;
                }
                let Some(view) = env.scope.clone() else {
                    return Err(self.rule_error(n.span, format!("`{}` is not defined here", n.text), "columns are reached inside `in TABLE:` or `each TABLE:`, or as TABLE.column"));
                };
                // `key` is the row's key cell, unless a column is called that.
                let (col, unit) = match view.column(name) {
                    None if name == "key" => (view.key_col, Some(UnitName::Text)),
                    _ => self.column_of(&view, name)?,
                };
                match env.row {
                    Some(row) => self.cell(&view, row, col, unit),
                    None => Err(self.rule_error(
                        n.span,
                        format!("`{}` is a whole column here", n.text),
                        "in `in TABLE:` a column is a list of values: use sum(c), count(c), min(c), max(c), mean(c), or total.c; use `each TABLE:` to check row by row",
                    )),
                }
            }
            Reference::Column { table, column } => {
                let view = self.view_named(&table.text, env)?;
                let (col, unit) = self.column_of(&view, self.bound(&column.text, env))?;
                match env.row {
                    Some(row) if env.scope.as_ref().is_some_and(|s| Arc::ptr_eq(s, &view)) => {
                        self.cell(&view, row, col, unit)
                    }
                    _ if view.table.rows.len() == 1 => self.cell(&view, 0, col, unit),
                    _ => Err(self.rule_error(
                        e.span,
                        format!(
                            "`{}` is a whole column of {} rows",
                            self.expr_text(e),
                            view.table.rows.len()
                        ),
                        "aggregate it (sum(T.c)) or pick a row: T[\"KEY\"].c or T.total.c",
                    )),
                }
            }
            Reference::Total { table, column } => {
                let view = match table {
                    Some(t) => self.view_named(&t.text, env)?,
                    None => env.scope.clone().ok_or_else(|| {
                        self.rule_error(
                            e.span,
                            "`total` needs a table",
                            "use it inside `in TABLE:` / `each TABLE:` or write TABLE.total.column",
                        )
                    })?,
                };
                self.total_of(&view, column, e, env)
            }
            Reference::Keyed { table, key, column } => {
                let key_text = self.key_text(key, env)?;
                let scope_view = self.view_named(&table.text, env)?;
                let in_scope = env
                    .scope
                    .as_ref()
                    .is_some_and(|s| Arc::ptr_eq(s, &scope_view));
                // In the table's own scope, the current group first; otherwise every table the
                // name reaches (a declaration's glob may match several).
                let mut hits: Vec<(Arc<View<'a>>, usize)> = Vec::new();
                if in_scope {
                    hits = scope_view
                        .rows_with_key(&key_text, Some(&env.rows))
                        .into_iter()
                        .map(|r| (scope_view.clone(), r))
                        .collect();
                    if hits.is_empty() {
                        hits = scope_view
                            .rows_with_key(&key_text, None)
                            .into_iter()
                            .map(|r| (scope_view.clone(), r))
                            .collect();
                    }
                } else {
                    for v in self.kept_views(env, &table.text) {
                        hits.extend(
                            v.rows_with_key(&key_text, None)
                                .into_iter()
                                .map(|r| (v.clone(), r)),
                        );
                    }
                }
                match hits.as_slice() {
                    [(v, r)] => {
                        let (col, unit) = self.column_of(v, self.bound(&column.text, env))?;
                        self.cell(v, *r, col, unit)
                    }
                    [] => {
                        let views = if in_scope {
                            vec![scope_view.clone()]
                        } else {
                            self.kept_views(env, &table.text)
                        };
                        Err(Stop::Na(no_row(&key_text, &table.text, &views)))
                    }
                    many => Err(Stop::Absent(format!(
                        "{} rows of {} have the key \"{}\"",
                        many.len(),
                        table.text,
                        key_text
                    ))),
                }
            }
        }
    }

    /// The total row's cell in `column` (the group's total row inside a grouped scope).
    fn total_of(
        &mut self,
        view: &Arc<View<'a>>,
        column: &Name,
        _e: &Expr,
        env: &Env<'a>,
    ) -> Ev<Operand> {
        let view = view.clone();
        let in_scope = env.scope.as_ref().is_some_and(|s| Arc::ptr_eq(s, &view));
        // The whole table's total rows are found once per view: every failing row of an
        // `each` asks for them.
        let totals: Vec<usize> = if in_scope && env.rows.len() != view.table.rows.len() {
            let kinds = view.kinds();
            env.rows
                .iter()
                .copied()
                .filter(|&r| kinds.get(r) == Some(&RowKind::Total))
                .collect()
        } else {
            view.total_rows().to_vec()
        };
        let (col, unit) = self.column_of(&view, self.bound(&column.text, env))?;
        match totals.as_slice() {
            [r] => self.cell(&view, *r, col, unit),
            [] => Err(Stop::Na(match view.decl {
                Some(d) if !d.totals.is_empty() => format!(
                    "table {} has no total row (no key matches {})",
                    view.table.name,
                    d.totals
                        .iter()
                        .map(|g| format!("\"{}\"", g.text))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                _ => format!(
                    "table {} has no total row: declare `total \"GLOB\"` in its table declaration",
                    view.table.name
                ),
            })),
            many => Err(Stop::Na(format!(
                "table {} has {} total rows ({}{}): declare `group` or narrow the total glob",
                view.table.name,
                many.len(),
                many.iter()
                    .take(TOTALS_NAMED)
                    .map(|&r| view.key_text(r))
                    .collect::<Vec<_>>()
                    .join(", "),
                if many.len() > TOTALS_NAMED {
                    ", …"
                } else {
                    ""
                }
            ))),
        }
    }

    /// `previous.…`: the same table in the previous report. A row is found by its key: the
    /// key written in the reference, or (for `previous.c` and `previous.T.c` in a row of T)
    /// the current row's key.
    fn previous_reference(&mut self, r: &'a Reference, e: &'a Expr, env: &Env<'a>) -> Ev<Operand> {
        let Some(prev) = env.previous_env() else {
            return Err(self.no_previous(env));
        };
        // The table and key of the current row, when the reference means "this row, then".
        let this_row = |table: Option<&str>| -> Option<(String, String)> {
            let v = env.scope.as_ref()?;
            let row = env.row?;
            let name = match v.decl {
                Some(d) => d.name.text.clone(),
                None => crate::report::normalise_name(&v.table.name),
            };
            if table.is_some_and(|t| t != name) {
                return None;
            }
            Some((name, v.key_text(row)))
        };
        match r {
            Reference::Parent { .. } => Err(self.rule_error(
                e.span,
                "`previous.parent` is not supported",
                "name the row: previous.TABLE[\"KEY\"].column",
            )),
            Reference::Name(n) => {
                let Some((table, key)) = this_row(None) else {
                    return Err(self.rule_error(
                        n.span,
                        format!("`previous.{}` needs a row", n.text),
                        "use it inside `each TABLE:` (the row with the same key in the previous report), or write previous.TABLE[\"KEY\"].column",
                    ));
                };
                self.keyed_in(&prev, &table, key, n, e)
            }
            Reference::Column { table, column } => match this_row(Some(&table.text)) {
                Some((t, key)) => self.keyed_in(&prev, &t, key, column, e),
                None => self.reference(r, e, &prev),
            },
            Reference::Total {
                table: None,
                column,
            } => {
                let Some((t, _)) = this_row(None).or_else(|| {
                    let v = env.scope.as_ref()?;
                    Some((v.decl.map(|d| d.name.text.clone())?, String::new()))
                }) else {
                    return Err(self.rule_error(
                        e.span,
                        "`previous.total` needs a table",
                        "write previous.TABLE.total.column",
                    ));
                };
                let view = self.view_named(&t, &prev)?;
                self.total_of(&view, column, e, &prev)
            }
            Reference::Total { .. } => self.reference(r, e, &prev),
            Reference::Keyed { table, key, column } => {
                let key = self.key_text(key, env)?;
                self.keyed_in(&prev, &table.text, key, column, e)
            }
        }
    }

    /// The text a key expression gives; a key read from a cell is looked up as written there.
    fn key_text(&mut self, key: &'a Expr, env: &Env<'a>) -> Ev<String> {
        let k = self.eval(key, env)?;
        Ok(match (&k.val, k.cells.first()) {
            (_, Some(c)) if k.direct => {
                let t = &env.report_of(c).tables[c.table];
                t.row_cells(c.row)[c.col].raw(t).trim().to_string()
            }
            (Val::Text(t), _) => t.clone(),
            (Val::Num(n), _) => n.v.normalize().to_string(),
        })
    }

    /// `T[key].column` in the report `env` reads (outside any scope of T).
    fn keyed_in(
        &mut self,
        env: &Env<'a>,
        table: &str,
        key: String,
        column: &Name,
        _e: &Expr,
    ) -> Ev<Operand> {
        let mut hits: Vec<(Arc<View<'a>>, usize)> = Vec::new();
        let views = self.kept_views(env, table);
        if views.is_empty() {
            let whose = if env.in_previous {
                "previous report"
            } else {
                "report"
            };
            return Err(Stop::Absent(format!("the {whose} has no table `{table}`")));
        }
        for v in views {
            hits.extend(
                v.rows_with_key(&key, None)
                    .into_iter()
                    .map(|r| (v.clone(), r)),
            );
        }
        let which = if env.in_previous {
            "the previous report's "
        } else {
            ""
        };
        match hits.as_slice() {
            [(v, r)] => {
                let (col, unit) = self.column_of(v, self.bound(&column.text, env))?;
                self.cell(v, *r, col, unit)
            }
            [] => {
                let views = self.kept_views(env, table);
                Err(Stop::Na(no_row(&key, &format!("{which}{table}"), &views)))
            }
            many => Err(Stop::Absent(format!(
                "{} rows of {which}{table} have the key \"{key}\"",
                many.len()
            ))),
        }
    }

    fn call(
        &mut self,
        func: Func,
        name: &'a Name,
        args: &'a [Expr],
        filter: Option<&'a Expr>,
        e: &'a Expr,
        env: &Env<'a>,
    ) -> Ev<Operand> {
        let arity = |ok: bool, want: &str| -> Ev<()> {
            if ok {
                Ok(())
            } else {
                Err(self.rule_error(
                    name.span,
                    format!("`{}` takes {want}", name.text),
                    "see the function list in docs/language.md",
                ))
            }
        };
        match func {
            Func::Abs => {
                arity(args.len() == 1, "one value")?;
                let o = self.eval(&args[0], env)?;
                let n = self.num(&o, &args[0], env)?;
                Ok(Operand {
                    val: Val::Num(n.abs()),
                    direct: false,
                    ..o
                })
            }
            Func::Round => {
                arity(
                    args.len() == 1 || args.len() == 2,
                    "a value and a number of decimals: round(x, 0)",
                )?;
                let o = self.eval(&args[0], env)?;
                let n = self.num(&o, &args[0], env)?;
                let dp = match args.get(1) {
                    Some(a) => {
                        let d = self.eval(a, env)?;
                        let d = self.num(&d, a, env)?;
                        u32::try_from(d.v.trunc().mantissa())
                            .ok()
                            .filter(|x| *x <= 28)
                            .ok_or_else(|| {
                                self.rule_error(
                                    a.span,
                                    "decimals must be a whole number from 0 to 28",
                                    "e.g. round(x, 1)",
                                )
                            })?
                    }
                    None => 0,
                };
                Ok(Operand {
                    val: Val::Num(n.round(dp)),
                    direct: false,
                    ..o
                })
            }
            Func::Agg(agg @ (Aggregate::Min | Aggregate::Max)) if args.len() > 1 => {
                let mut nums = Vec::with_capacity(args.len());
                let mut cells = Cells::new();
                for a in args {
                    let o = self.eval(a, env)?;
                    nums.push(self.num(&o, a, env)?);
                    cells.extend(o.cells.iter().copied());
                }
                let n = value::extreme(&nums, agg == Aggregate::Min).map_err(|f| {
                    Stop::Na(format!("{} in `{}`", f.describe(), self.shown(e, env)))
                })?;
                Ok(Operand {
                    val: Val::Num(n),
                    cells,
                    agg: None,
                    direct: false,
                    not_a_figure: false,
                })
            }
            // `count()`: the rows of the scope (its group), totals and skipped rows left out.
            Func::Agg(Aggregate::Count) if args.is_empty() => {
                let view = env.scope.clone().ok_or_else(|| {
                    self.rule_error(
                        e.span,
                        "`count()` needs a table",
                        "use it inside `in TABLE:`, or count a column: count(T.c)",
                    )
                })?;
                let rows: Vec<usize> = env
                    .rows
                    .iter()
                    .copied()
                    .filter(|&r| view.kinds()[r] == RowKind::Normal)
                    .collect();
                Ok(Operand {
                    val: Val::Num(Num::exact((rows.len() as u64).into(), Some(Unit::Count))),
                    cells: Cells::new(),
                    not_a_figure: false,
                    agg: Some(AggInfo {
                        table: view.index,
                        contiguous: contiguous(&rows),
                        rows: rows.into(),
                        verb: "counted",
                    }),
                    direct: false,
                })
            }
            Func::Agg(agg) => {
                arity(
                    args.len() == 1,
                    "one column: sum(c), sum(T.c), sum(c where COND)",
                )?;
                self.aggregate(agg, &args[0], filter, e, env)
            }
        }
    }

    /// `sum count min max mean` over the rows of a table (its group, when grouped): the
    /// argument is evaluated once per row that is neither a total nor skipped.
    fn aggregate(
        &mut self,
        agg: Aggregate,
        arg: &'a Expr,
        filter: Option<&'a Expr>,
        e: &'a Expr,
        env: &Env<'a>,
    ) -> Ev<Operand> {
        // Localisation evaluates with figures changed, and collects what each instance read.
        if self.collect.is_some() || !self.overrides.is_empty() {
            return self.aggregate_rows(agg, arg, filter, e, env);
        }
        if let Some(a) = self
            .aggregates
            .iter()
            .find(|a| a.is_for(agg, arg, filter, env))
        {
            let mut reads = self.reads.borrow_mut();
            let room = (READS_KEPT + 1).saturating_sub(reads.len());
            reads.extend(a.reads.iter().take(room).copied());
            return a.value.clone().map_err(Stop::Na);
        }
        let before = self.reads.borrow().len();
        let result = self.aggregate_rows(agg, arg, filter, e, env);
        let value = match &result {
            Ok(o) => Ok(o.clone()),
            Err(Stop::Na(reason)) => Err(reason.clone()),
            Err(_) => return result,
        };
        let reads = self
            .reads
            .borrow()
            .iter()
            .skip(before)
            .take(READS_KEPT + 1)
            .copied()
            .collect();
        if self.aggregates.len() >= AGGREGATES_KEPT {
            self.aggregates.remove(0);
        }
        self.aggregates.push(Aggregated {
            agg,
            arg,
            filter: filter.map(std::ptr::from_ref),
            scope: env.scope.clone(),
            rows: env.rows.clone(),
            report: env.report,
            previous: env.previous.map(std::ptr::from_ref),
            in_previous: env.in_previous,
            bindings: env.bindings.clone(),
            value,
            reads,
        });
        result
    }

    /// [`Evaluator::aggregate`] worked out.
    fn aggregate_rows(
        &mut self,
        agg: Aggregate,
        arg: &'a Expr,
        filter: Option<&'a Expr>,
        e: &'a Expr,
        env: &Env<'a>,
    ) -> Ev<Operand> {
        let view = match other_table(arg) {
            Some(t) => self.view_named(t, env)?,
            None => env.scope.clone().ok_or_else(|| {
                self.rule_error(
                    e.span,
                    "an aggregate needs a table",
                    "write sum(T.c), or use it inside `in T:`",
                )
            })?,
        };
        let in_scope = env.scope.as_ref().is_some_and(|s| Arc::ptr_eq(s, &view));
        // In the table's own scope (table or row) an aggregate runs over the scope's rows: the
        // group, or the whole table. (The scope's rows are not copied: a re-check while
        // localising a finding sums a group again for every change it tries.)
        let scope_rows = in_scope.then(|| env.rows.clone());
        let all_rows: Vec<usize>;
        let rows: &[usize] = match &scope_rows {
            Some(rows) => rows,
            None => {
                all_rows = (0..view.table.rows.len()).collect();
                &all_rows
            }
        };
        let mut used = Vec::with_capacity(rows.len());
        let mut acc: Option<Num> = None;
        let mut count = 0u64;
        let mut cells = Cells::new();
        cells.reserve(rows.len().min(READS_KEPT));
        // One environment for the rows, moved from row to row.
        let mut re = Env {
            scope: Some(view.clone()),
            row: None,
            ..env.clone()
        };
        for &r in rows.iter().filter(|&&r| view.kinds()[r] == RowKind::Normal) {
            re.row = Some(r);
            if let Some(f) = filter {
                match self.truth(f, &re) {
                    Ok((true, _)) => {}
                    Ok((false, _)) => continue,
                    // `count` counts what is there: a row whose condition cannot be decided
                    // (a missing cell) is not counted.
                    Err(Stop::Na(_)) if agg == Aggregate::Count => continue,
                    Err(s) => return Err(s),
                }
            }
            if agg == Aggregate::Count {
                match self.eval(arg, &re) {
                    Ok(_) => count += 1,
                    Err(Stop::Na(_)) => {}
                    Err(s) => return Err(s),
                }
                used.push(r);
                continue;
            }
            let o = self.eval(arg, &re).map_err(|s| match s {
                Stop::Na(reason) => Stop::Na(format!(
                    "{}({}) cannot be computed: {reason}",
                    name_of(agg),
                    self.shown(arg, env)
                )),
                other => other,
            })?;
            let n = self.num(&o, arg, env)?;
            cells.extend(o.cells);
            used.push(r);
            acc = Some(match acc {
                None => n,
                Some(a) => match agg {
                    Aggregate::Min | Aggregate::Max => {
                        let (x, y) = Num::align(&a, &n).map_err(|f| Stop::Na(f.describe()))?;
                        if (agg == Aggregate::Min) == (y.v < x.v) {
                            y
                        } else {
                            x
                        }
                    }
                    _ => a.add(&n).map_err(|f| Stop::Na(f.describe()))?,
                },
            });
        }
        // An aggregate's cells are never labelled one by one (its rows are named in the
        // message), but a condition lists them: at most as many as a finding keeps. Kept in
        // full, each failing row of an `each` over a sum copied all of them.
        cells.truncate(READS_KEPT);
        let info = Some(AggInfo {
            table: view.index,
            contiguous: contiguous(&used),
            rows: used.as_slice().into(),
            verb: match agg {
                Aggregate::Sum => "summed",
                Aggregate::Count => "counted",
                Aggregate::Mean => "averaged",
                Aggregate::Min | Aggregate::Max => "compared",
            },
        });
        let val = match agg {
            Aggregate::Count => Num::exact(count.into(), Some(Unit::Count)),
            Aggregate::Sum => acc.unwrap_or_else(|| Num::exact(rust_decimal::Decimal::ZERO, None)),
            Aggregate::Mean => {
                let s = acc.ok_or_else(|| {
                    Stop::Na(format!("mean({}) over no rows", self.shown(arg, env)))
                })?;
                s.div(&Num::exact((used.len() as u64).into(), None))
                    .map_err(|f| Stop::Na(f.describe()))?
            }
            Aggregate::Min | Aggregate::Max => acc.ok_or_else(|| {
                Stop::Na(format!(
                    "{}({}) over no rows",
                    name_of(agg),
                    self.shown(arg, env)
                ))
            })?,
        };
        Ok(Operand {
            val: Val::Num(val),
            cells,
            agg: info,
            direct: false,
            not_a_figure: false,
        })
    }

    /// A condition; also returns the cells it looked at, for the finding when it fails.
    fn truth(&mut self, e: &'a Expr, env: &Env<'a>) -> Ev<(bool, Vec<CellAt>)> {
        match &e.kind {
            ExprKind::Paren(inner) => self.truth(inner, env),
            ExprKind::Compare { first, rest, tolerance, either_sign: Some(sign) } => {
                let [(CmpOp::Eq, right)] = rest.as_slice() else {
                    return Err(self.either_sign_misuse(*sign));
                };
                let (as_written, opposite) = self.either_way(first, right, tolerance.as_ref().map(|t| &t.0), env)?;
                let holds = as_written.holds || opposite.holds;
                let cells = as_written.left.cells.iter().chain(&as_written.right.cells).copied().collect();
                Ok((holds, cells))
            }
            ExprKind::Compare { first, rest, tolerance, .. } => {
                let failed = self.compare(first, rest, tolerance.as_ref().map(|t| &t.0), env)?;
                let cells = match &failed {
                    Some(f) => f.left.cells.iter().chain(&f.right.cells).copied().collect(),
                    None => Vec::new(),
                };
                Ok((failed.is_none(), cells))
            }
            ExprKind::IsMissing { value, negated } | ExprKind::IsPresent { value, negated } => {
                // Without a previous report, whether its row is there cannot be decided.
                if reads_previous(value) && env.previous_env().is_none() {
                    return Err(self.no_previous(env));
                }
                let missing = match self.eval(value, env) {
                    Ok(_) => false,
                    Err(Stop::Na(_)) => true,
                    Err(s) => return Err(s),
                };
                let want_missing = matches!(e.kind, ExprKind::IsMissing { .. });
                let cells = self.cells_of(value, env);
                Ok(((missing == want_missing) != *negated, cells))
            }
            ExprKind::Matches { value, glob: g } => {
                let o = self.eval(value, env)?;
                let text = match (&o.val, o.cells.first()) {
                    (_, Some(c)) if o.direct => {
                        let t = &env.report_of(c).tables[c.table];
                        t.row_cells(c.row)[c.col].raw(t).to_string()
                    }
                    (Val::Text(t), _) => t.clone(),
                    (Val::Num(n), _) => format_decimal(&n.v),
                };
                Ok((glob::matches(&g.text, &text), o.cells.into_vec()))
            }
            // One side that decides decides, whichever side it is: `a and b` is false when
            // b is false and a cannot be decided (a cell missing), as when a is false.
            ExprKind::And(a, b) => self.connective(a, b, false, env),
            ExprKind::Or(a, b) => self.connective(a, b, true, env),
            ExprKind::Not(inner) => {
                let (v, c) = self.truth(inner, env)?;
                Ok((!v, c))
            }
            _ => Err(self.rule_error(
                e.span,
                "this is a value, not a condition",
                "an assertion compares values (==, <=, …) or tests them (is missing, is present, matches)",
            )),
        }
    }

    /// `a and b` (`decides` false) or `a or b` (`decides` true): a side with the value
    /// `decides` is the answer, even when the other cannot be decided (is not applicable).
    fn connective(
        &mut self,
        a: &'a Expr,
        b: &'a Expr,
        decides: bool,
        env: &Env<'a>,
    ) -> Ev<(bool, Vec<CellAt>)> {
        let x = self.truth(a, env);
        match x {
            Ok((v, c)) if v == decides => return Ok((v, c)),
            Err(Stop::Na(_)) | Ok(_) => {}
            Err(s) => return Err(s),
        }
        match (x, self.truth(b, env)) {
            (Err(Stop::Na(_)), Ok((v, c))) if v == decides => Ok((v, c)),
            (Ok((_, mut xc)), Ok((v, yc))) => {
                xc.extend(yc);
                Ok((v, xc))
            }
            (Err(s), _) | (_, Err(s)) => Err(s),
        }
    }

    /// The cell a reference points at even when it is missing, for labelling.
    fn cells_of(&mut self, e: &'a Expr, env: &Env<'a>) -> Vec<CellAt> {
        if let ExprKind::Ref {
            previous: false,
            reference: Reference::Name(n),
        } = &e.kind
            && let (Some(v), Some(row)) = (&env.scope, env.row)
            && let Some((col, _)) = v.column(self.bound(&n.text, env))
        {
            return vec![CellAt {
                table: v.index,
                row,
                col,
                prev: v.previous,
            }];
        }
        self.eval(e, env)
            .map(|o| o.cells.into_vec())
            .unwrap_or_default()
    }
}

/// Why `table["key"]` is not applicable when no row has the key: `no row "key" in table`;
/// and when the key holds a Cyrillic or Greek letter and one of `views` has the row in Latin
/// letters, which letter (the two look the same in every message).
fn no_row(key: &str, table: &str, views: &[Arc<View<'_>>]) -> String {
    let mut text = format!("no row \"{key}\" in {table}");
    if let Some((latin, c)) = crate::suggest::without_look_alikes(key)
        && views
            .iter()
            .any(|v| !v.rows_with_key(&latin, None).is_empty())
    {
        text.push_str(&format!(
            ": the key is written with {}, and the row \"{latin}\" only with Latin letters",
            crate::suggest::describe_look_alike(c)
        ));
    }
    text
}

fn plain(val: Val) -> Operand {
    Operand {
        val,
        cells: Cells::new(),
        agg: None,
        direct: false,
        not_a_figure: false,
    }
}

fn name_of(a: Aggregate) -> &'static str {
    match a {
        Aggregate::Sum => "sum",
        Aggregate::Count => "count",
        Aggregate::Min => "min",
        Aggregate::Max => "max",
        Aggregate::Mean => "mean",
    }
}

/// Whether an expression reads the previous report (`previous.…`).
fn reads_previous(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Ref {
            previous,
            reference,
        } => *previous || matches!(reference, Reference::Keyed { key, .. } if reads_previous(key)),
        ExprKind::Number(..) | ExprKind::Text(_) => false,
        ExprKind::Neg(x)
        | ExprKind::Paren(x)
        | ExprKind::Not(x)
        | ExprKind::IsMissing { value: x, .. }
        | ExprKind::IsPresent { value: x, .. }
        | ExprKind::Matches { value: x, .. } => reads_previous(x),
        ExprKind::Arith(_, a, b) | ExprKind::And(a, b) | ExprKind::Or(a, b) => {
            reads_previous(a) || reads_previous(b)
        }
        ExprKind::Call { args, filter, .. } => {
            args.iter().any(reads_previous) || filter.as_deref().is_some_and(reads_previous)
        }
        ExprKind::Compare { first, rest, .. } => {
            reads_previous(first) || rest.iter().any(|(_, x)| reads_previous(x))
        }
    }
}

/// `T` when an aggregate's argument reads `T.c` (so it runs over T's rows).
fn other_table(e: &Expr) -> Option<&str> {
    match &e.kind {
        ExprKind::Ref {
            reference: Reference::Column { table, .. },
            ..
        } => Some(&table.text),
        ExprKind::Neg(x) | ExprKind::Paren(x) => other_table(x),
        ExprKind::Arith(_, a, b) => other_table(a).or_else(|| other_table(b)),
        ExprKind::Call { args, .. } => args.iter().find_map(other_table),
        _ => None,
    }
}

/// `a OP b` with an absolute tolerance `t` (zero for an exact comparison), `diff` being
/// `a − b`: in `Decimal` for the evaluation, in integers for the quick pass, and for the
/// rule checks that compare two constants.
pub(crate) fn within<T>(op: CmpOp, a: T, b: T, diff: T, t: T) -> bool
where
    T: Copy + Ord + std::ops::Neg<Output = T>,
{
    let abs = |x: T| x.max(-x);
    let t = abs(t);
    match op {
        CmpOp::Eq => abs(diff) <= t,
        CmpOp::Ne => abs(diff) > t,
        CmpOp::Le => a <= b || diff <= t,
        CmpOp::Lt => a < b || diff < t,
        CmpOp::Ge => a >= b || -diff <= t,
        CmpOp::Gt => a > b || -diff < t,
    }
}

pub(crate) fn to_unit(u: UnitName) -> Option<Unit> {
    match u {
        UnitName::Kr => Some(Unit::Kr),
        UnitName::Tkr => Some(Unit::Tkr),
        UnitName::Mkr => Some(Unit::Mkr),
        UnitName::Pct => Some(Unit::Pct),
        UnitName::Count => Some(Unit::Count),
        UnitName::Text => None,
    }
}

/// How many texts [`Evaluator::shared`] looks through before hashing: more than a finding
/// asks for (rule file, report, table, file, column, operator, tolerance).
const SHARED_RECENT: usize = 8;

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    /// `test` given an evaluator of a one-rule set, listing at most `max` findings.
    fn with_evaluator(max: usize, test: impl FnOnce(&mut Evaluator<'_>)) {
        let mut sources = Sources::default();
        let id = sources.add(crate::source::SourceFile::new(
            "t.rules",
            "rule r \"t\" {\n  each t: a == b\n}\n",
        ));
        let (file, _) = crate::syntax::parse_file(id, sources.get(id));
        let set = RuleSet::of_file(file, id);
        let options = Options::default();
        let mut ev = Evaluator::new(&set, &sources, &options, &set.rules[0]);
        ev.max_findings = max;
        test(&mut ev);
    }

    fn finding(line: usize) -> Finding {
        let mut f = Finding::for_tests();
        f.line = line;
        f
    }

    /// What a part gave: findings on `lines`, `unlisted` more failing, cut short or not.
    fn part(lines: &[usize], unlisted: usize, cut: bool) -> Evaluated {
        let mut findings = FindingList::default();
        lines.iter().for_each(|&l| findings.push(finding(l)));
        Evaluated {
            stats: Stats {
                failed: lines.len() + unlisted,
                ..Stats::default()
            },
            findings,
            na: Vec::new(),
            broken: None,
            unlisted,
            cut,
        }
    }

    fn lines(ev: &Evaluator<'_>) -> Vec<usize> {
        (0..ev.findings.len())
            .filter_map(|i| ev.findings.get(i).map(|f| f.line))
            .collect()
    }

    #[test]
    fn failures_past_the_cap_are_counted_without_being_described() {
        with_evaluator(1, |ev| {
            ev.failed(|_| finding(1));
            ev.failed(|_| panic!("a finding nobody lists was described"));
            assert_eq!((ev.stats.failed, ev.unlisted, lines(ev)), (2, 1, vec![1]));
            assert!(!ev.cut, "the rule's own cap is no cut");
        });
    }

    #[test]
    fn a_part_lists_no_more_once_the_parts_together_listed_enough() {
        with_evaluator(3, |ev| {
            let all = Arc::new(AtomicUsize::new(2));
            ev.parts_listed = Some(all.clone());
            ev.failed(|_| finding(1));
            ev.failed(|_| panic!("the parts had listed three"));
            assert_eq!((ev.stats.failed, ev.unlisted, lines(ev)), (2, 1, vec![1]));
            assert!(ev.cut, "it had room of its own");
            assert_eq!(all.load(std::sync::atomic::Ordering::Relaxed), 3);
        });
    }

    #[test]
    fn a_part_cut_short_where_the_parts_before_left_room_is_evaluated_again() {
        with_evaluator(3, |ev| {
            // Part 0 listed nothing, as part 1 had listed three first; evaluated again with
            // room for three, it lists its two, and part 1 its first.
            let done = vec![(0, part(&[], 2, true)), (1, part(&[10, 11, 12], 0, false))];
            ev.take_parts(done, |k, room| {
                assert_eq!((k, room), (0, 3));
                part(&[1, 2], 0, false)
            });
            assert_eq!(lines(ev), vec![1, 2, 10]);
            assert_eq!((ev.stats.failed, ev.unlisted), (5, 2));
        });
        with_evaluator(3, |ev| {
            // The parts before a cut one listed enough: it is taken as it is.
            let done = vec![(0, part(&[1, 2, 3], 1, false)), (1, part(&[], 4, true))];
            ev.take_parts(done, |_, _| panic!("no room was left"));
            assert_eq!(lines(ev), vec![1, 2, 3]);
            assert_eq!((ev.stats.failed, ev.unlisted), (8, 5));
        });
    }
}
