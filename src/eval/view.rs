//! A report table seen through a `table` declaration: which column each declared name takes,
//! which column is the key, which rows are totals, skipped or in which group.

use crate::check::RuleSet;
use crate::glob;
use crate::report::{Report, Table, normalise_name, number};
use crate::syntax::ast::{TableDecl, UnitName};
use crate::words::same_bytes;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowKind {
    Normal,
    /// Matches a `total` glob: left out of aggregates, reached as `total`.
    Total,
    /// Matches a `skip` glob: left out of aggregates, reachable by key.
    Skip,
}

/// Distinct row keys whose kind [`View::kinds`] remembers.
const KINDS_REMEMBERED: usize = 4096;

#[derive(Debug)]
pub struct View<'a> {
    /// Index of the table in its report.
    pub index: usize,
    pub table: &'a Table,
    pub decl: Option<&'a TableDecl>,
    /// Declared column names and the header each took.
    declared: Vec<(&'a str, usize, Option<UnitName>)>,
    pub key_col: usize,
    key_name: Option<&'a str>,
    /// The kind of every row, worked out when first asked for ([`View::kinds`]): name
    /// resolution builds views without ever needing it, and a table may have millions of rows.
    kinds: std::sync::OnceLock<Vec<RowKind>>,
    /// The total rows of the whole table ([`View::total_rows`]).
    totals: std::sync::OnceLock<Vec<usize>>,
    /// Key lookups so far, and the index of keys made at the second ([`View::rows_with_key`]).
    key_lookups: std::sync::atomic::AtomicUsize,
    keys: std::sync::OnceLock<KeyIndex<'a>>,
    /// The rows of each group (when the table has groups).
    pub groups: Option<Groups>,
    /// Declared columns that matched no header: (name, glob).
    pub unmatched: Vec<(String, String)>,
    /// The table is in the previous report.
    pub previous: bool,
}

impl<'a> View<'a> {
    pub fn new(index: usize, table: &'a Table, decl: Option<&'a TableDecl>) -> View<'a> {
        let mut v = View::matched(index, table, decl);
        if let Some(g) = decl.and_then(|d| d.group.as_ref()) {
            v.groups = v.column(&g.text).map(|(col, _)| v.groups_by(col));
        }
        v
    }

    /// [`View::new`] without the groups: which headers the declaration's key and columns
    /// reach, and which of them reach none.
    /// A view that has matched its declared names to the table's headers, and no more.
    pub fn matched(index: usize, table: &'a Table, decl: Option<&'a TableDecl>) -> View<'a> {
        let mut key_col = 0;
        let mut key_name = None;
        let mut unmatched = Vec::new();
        let mut declared = Vec::new();
        if let Some(d) = decl {
            let taken = HeaderMatch::kept(d, &table.headers);
            if let Some((name, g)) = &d.key {
                match taken.key {
                    Some(i) => key_col = i,
                    None => unmatched.push((name.text.clone(), g.text.clone())),
                }
                key_name = Some(name.text.as_str());
            }
            for (c, hit) in d.columns.iter().zip(&taken.columns) {
                match hit {
                    Some(i) => declared.push((c.name.text.as_str(), *i, c.unit)),
                    None => unmatched.push((c.name.text.clone(), c.glob.text.clone())),
                }
            }
        }
        View {
            index,
            table,
            decl,
            declared,
            key_col,
            key_name,
            kinds: std::sync::OnceLock::new(),
            totals: std::sync::OnceLock::new(),
            key_lookups: Default::default(),
            keys: std::sync::OnceLock::new(),
            groups: None,
            unmatched,
            previous: false,
        }
    }

    /// The rows grouped by the text in `col`; an empty cell continues the group above it, as
    /// a merged cell in a spreadsheet does.
    pub fn groups_by(&self, col: usize) -> Groups {
        self.grouped(col, true)
    }

    /// [`View::groups_by`], with each row's group listed if `with_of_row`.
    fn grouped(&self, col: usize, with_of_row: bool) -> Groups {
        let table: &'a Table = self.table;
        let rows = table.rows.len();
        // The kinds of the rows, when not yet known, are worked out in the same pass: each
        // row's text is split once for its group name and its key.
        let kind_rules = match self.kinds.get() {
            None => KindRules::of(self.decl),
            Some(_) => None,
        };
        let both = kind_rules
            .as_ref()
            .and_then(|_| table.two_texts_of(col.min(self.key_col), col.max(self.key_col)));
        // The usual layout, the group's name first and the key second: a row is read
        // knowing the name of the row above, which the rows of a group repeat.
        let first_two = match (&both, col, self.key_col) {
            (Some(_), 0, 1) => table.first_two_texts(),
            _ => None,
        };
        let texts = table.texts_of(col);
        // A row's name and key, and whether the name is `above` as written.
        let read = |r: usize, above: &str| -> (Option<&'a str>, Option<&'a str>, bool) {
            match (&first_two, &both) {
                (Some(first_two), _) => first_two(r, above),
                (None, Some(both)) => {
                    let (x, y) = both(r);
                    if col < self.key_col {
                        (x, y, false)
                    } else {
                        (y, x, false)
                    }
                }
                (None, None) => (texts(r), None, false),
            }
        };
        // The runs of rows under one name, found in parallel pieces of a large table: reading
        // a million names from the row texts is most of the work.
        let with_kinds = kind_rules.is_some() && both.is_some();
        let mut pieces: Vec<(Vec<Run<'a>>, Vec<RowKind>)> = in_pieces(rows, |range| {
            // Room for each row's kind, and for a run every four rows (groups are longer):
            // grown by doubling instead, the lists were copied over again and again.
            let mut runs = Vec::with_capacity(range.len() / 4 + 1);
            let mut kinds = Vec::with_capacity(if with_kinds { range.len() } else { 0 });
            let mut seen = Default::default();
            let mut current = None;
            // The name of the rows above, if a row can be matched against it as written.
            let mut above = "";
            for r in range.clone() {
                let (name, key, as_above) = read(r, above);
                if let (Some(rules), true) = (&kind_rules, with_kinds) {
                    kinds.push(rules.kind(&mut seen, key.map(number::trim_text).unwrap_or("")));
                }
                if as_above {
                    // The name of the run above (`above` is only ever the current name).
                    continue;
                }
                let t = name.map(number::trim_text).unwrap_or("");
                if !t.is_empty()
                    && !current.is_some_and(|c: &str| same_bytes(c.as_bytes(), t.as_bytes()))
                {
                    current = Some(t);
                    above = if first_two.is_some() && table.can_lead(t) {
                        t
                    } else {
                        ""
                    };
                    runs.push(Run {
                        start: r,
                        name: current,
                    });
                } else if r == range.start && t.is_empty() {
                    // Continues the name of the piece above.
                    runs.push(Run {
                        start: r,
                        name: None,
                    });
                }
            }
            (runs, kinds)
        });
        let run_count: usize = pieces.iter().map(|(runs, _)| runs.len()).sum();
        if with_kinds && pieces.iter().map(|(_, k)| k.len()).sum::<usize>() == rows {
            let kinds = match pieces.as_mut_slice() {
                [(_, only)] => std::mem::take(only),
                _ => {
                    let mut all = Vec::with_capacity(rows);
                    pieces.iter().for_each(|(_, k)| all.extend_from_slice(k));
                    all
                }
            };
            // (Set unless another thread just did, with the same kinds.)
            let _ = self.kinds.set(kinds);
        }
        // foldhash: several times faster than SipHash on short keys, and seeded per run, so a
        // file cannot be written to make its group names collide.
        // Room for every run's name at once: a table of 100 000 groups is not hashed again
        // as the map grows.
        let mut index: foldhash::HashMap<&'a str, u32> =
            foldhash::HashMap::with_capacity_and_hasher(run_count, Default::default());
        let mut current = "";
        let mut sizes: Vec<u32> = Vec::new();
        // Each run's rows and group.
        let mut spans: Vec<RunSpan> = Vec::with_capacity(run_count);
        let mut all = pieces.iter().flat_map(|(runs, _)| runs.iter()).peekable();
        while let Some(run) = all.next() {
            if let Some(name) = run.name {
                current = name;
            }
            let end = all.peek().map_or(rows, |next| next.start);
            let g = *index.entry(current).or_insert_with(|| {
                sizes.push(0);
                small(sizes.len() - 1)
            });
            if let Some(n) = sizes.get_mut(g as usize) {
                *n = n.saturating_add(small(end - run.start));
            }
            spans.push(RunSpan {
                start: small(run.start),
                end: small(end),
                group: g,
            });
        }
        Groups::of_runs(&spans, &sizes, rows, with_of_row)
    }

    /// [`View::groups_by`] for `in … by`, which goes group by group and never asks for a
    /// row's group: that list (4 MB for a million rows) is not made.
    pub fn groups_of_rows_by(&self, col: usize) -> Groups {
        self.grouped(col, false)
    }

    /// The declared columns that matched a header: name, column, declared unit.
    pub fn declared_columns(&self) -> &[(&'a str, usize, Option<UnitName>)] {
        &self.declared
    }

    /// The column a name reaches: a declared column, the key's name, or a normalised header.
    pub fn column(&self, name: &str) -> Option<(usize, Option<UnitName>)> {
        if let Some((_, i, u)) = self.declared.iter().find(|(n, _, _)| *n == name) {
            return Some((*i, *u));
        }
        if self.key_name == Some(name) {
            return Some((self.key_col, Some(UnitName::Text)));
        }
        self.table.column_by_normalised(name).map(|i| (i, None))
    }

    /// Every name a column can be reached by, for "did you mean".
    pub fn column_names(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .declared
            .iter()
            .map(|(n, _, _)| n.to_string())
            .collect();
        v.extend(self.key_name.map(str::to_string));
        v.extend(self.table.headers.iter().map(|h| h.normalised.clone()));
        v
    }

    /// The kind of every row: total (a `total` glob matches its key), skipped (a `skip` glob
    /// does) or normal.
    pub fn kinds(&self) -> &[RowKind] {
        self.kinds.get_or_init(|| {
            let Some(rules) = KindRules::of(self.decl) else {
                return vec![RowKind::Normal; self.table.rows.len()];
            };
            let table: &'a Table = self.table;
            let keys = table.texts_of(self.key_col);
            in_pieces(self.table.rows.len(), |range| {
                let mut seen = Default::default();
                range
                    .map(|r| rules.kind(&mut seen, keys(r).map(number::trim_text).unwrap_or("")))
                    .collect::<Vec<_>>()
            })
            .concat()
        })
    }

    /// The rows of the whole table that are totals, in order.
    pub fn total_rows(&self) -> &[usize] {
        self.totals.get_or_init(|| {
            let kinds = self.kinds();
            (0..kinds.len())
                .filter(|&r| kinds[r] == RowKind::Total)
                .collect()
        })
    }

    /// The key cell's text of `row`, trimmed.
    pub(crate) fn key_cell(&self, row: usize) -> &'a str {
        let table: &'a Table = self.table;
        table
            .raw(row, self.key_col)
            .map(number::trim_text)
            .unwrap_or("")
    }

    pub fn key_text(&self, row: usize) -> String {
        self.key_cell(row).to_string()
    }

    /// The row as a message names it: its key, or where it is when its key is empty (a
    /// message that began `· Avvikelse is missing` left the reader to guess which row).
    pub fn row_named(&self, row: usize) -> String {
        let key = self.key_cell(row);
        if !key.is_empty() {
            return key.to_string();
        }
        match self.table.rows.get(row) {
            Some(r) => format!("the row without a key on line {}", r.line()),
            None => "a row without a key".to_string(),
        }
    }

    /// Rows whose key is `key`, among `within` (`None`: the whole table): exact after
    /// trimming, else ignoring case, spacing and punctuation.
    pub fn rows_with_key(&self, key: &str, within: Option<&[usize]>) -> Vec<usize> {
        let key = key.trim();
        // Every row of the table (the scope of an `each` without groups) is the whole table.
        let within = within.filter(|w| w.len() != self.table.rows.len());
        // A view asked more than once (the scope of an `each` whose rows look up
        // `T["Summa"]`) looks keys up in an index made once: searched row by row, every row
        // of 20 000 searched all 20 000 (two and a half minutes).
        let asked = self
            .key_lookups
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if asked >= 1
            && let Some(found) = self.indexed_rows_with_key(key, within)
        {
            return found;
        }
        let rows = || -> Box<dyn Iterator<Item = usize>> {
            match within {
                Some(w) => Box::new(w.iter().copied()),
                None => Box::new(0..self.table.rows.len()),
            }
        };
        let exact: Vec<usize> = rows().filter(|&r| self.key_cell(r) == key).collect();
        if !exact.is_empty() {
            return exact;
        }
        let k = normalised_key(key);
        rows()
            .filter(|&r| normalised_key(self.key_cell(r)) == k)
            .collect()
    }

    /// [`View::rows_with_key`] through the index of keys; `None` when `within` is not in
    /// order (then searched row by row).
    fn indexed_rows_with_key(&self, key: &str, within: Option<&[usize]>) -> Option<Vec<usize>> {
        if let Some(w) = within
            && !w.windows(2).all(|p| p[0] < p[1])
        {
            return None;
        }
        let index = self.keys.get_or_init(|| KeyIndex::of(self));
        let pick = |rows: Option<&Vec<u32>>| -> Vec<usize> {
            rows.into_iter()
                .flatten()
                .map(|&r| r as usize)
                .filter(|r| within.is_none_or(|w| w.binary_search(r).is_ok()))
                .collect()
        };
        let exact = pick(index.exact.get(key));
        if !exact.is_empty() {
            return Some(exact);
        }
        Some(pick(index.normalised.get(&normalised_key(key))))
    }
}

/// Reports spell the same row differently ("E-lärandecenter", "eLärandeCenter", "LKDATA -
/// support"): keys compared by their letters and digits only, ignoring case.
fn normalised_key(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The rows of each key of a table, in order: as written (trimmed), and normalised.
#[derive(Debug, Default)]
struct KeyIndex<'a> {
    exact: foldhash::HashMap<&'a str, Vec<u32>>,
    normalised: foldhash::HashMap<String, Vec<u32>>,
}

impl<'a> KeyIndex<'a> {
    fn of(view: &View<'a>) -> KeyIndex<'a> {
        let mut index = KeyIndex::default();
        for r in 0..view.table.rows.len() {
            let key = view.key_cell(r);
            let row = u32::try_from(r).unwrap_or(u32::MAX);
            index.exact.entry(key).or_default().push(row);
            index
                .normalised
                .entry(normalised_key(key))
                .or_default()
                .push(row);
        }
        index
    }
}

/// A run of rows under one group name, from row `start` on; `None`: the name of the rows
/// above (the first rows of a piece whose cells are empty).
struct Run<'a> {
    start: usize,
    name: Option<&'a str>,
}

/// The rows `start..end` of a run, all in group `group`.
#[derive(Clone, Copy)]
struct RunSpan {
    start: u32,
    end: u32,
    group: u32,
}

/// A row number or count as groups keep it (a table is never read past `u32::MAX` rows).
fn small(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The headers a declaration's key and columns take in a table, as [`View::matched`] uses
/// them. It depends only on the globs and the header texts, and reports of one kind repeat
/// their headers: a tree of ten thousand reports made views of each table for every rule
/// and static check, and matching the globs again each time was a tenth of its run.
#[derive(Clone, Debug, PartialEq, Eq)]
struct HeaderMatch {
    /// The key's header, if the declaration has a key and a header matches it.
    key: Option<usize>,
    /// The header each declared column took, in the declaration's order.
    columns: Vec<Option<usize>>,
}

/// Header matches kept on a thread, by [`HeaderMatch::signature`]; emptied when full.
const HEADER_MATCHES_KEPT: usize = 256;

thread_local! {
    static HEADER_MATCHES: std::cell::RefCell<std::collections::HashMap<Vec<u8>, HeaderMatch>> =
        Default::default();
}

impl HeaderMatch {
    /// The match of `d` in `headers`: the key takes the first header its glob matches; each
    /// column the leftmost one its glob matches that the key or an earlier column did not.
    fn of(d: &TableDecl, headers: &[crate::report::Header]) -> HeaderMatch {
        let mut claimed = vec![false; headers.len()];
        let key = d.key.as_ref().and_then(|(_, g)| {
            let i = headers
                .iter()
                .position(|h| glob::matches(&g.text, &h.text))?;
            claimed[i] = true;
            Some(i)
        });
        let columns = d
            .columns
            .iter()
            .map(|c| {
                let i = (0..headers.len())
                    .find(|&i| !claimed[i] && glob::matches(&c.glob.text, &headers[i].text))?;
                claimed[i] = true;
                Some(i)
            })
            .collect();
        HeaderMatch { key, columns }
    }

    /// [`HeaderMatch::of`], worked out once a thread for each distinct set of globs and headers.
    fn kept(d: &TableDecl, headers: &[crate::report::Header]) -> HeaderMatch {
        let signature = HeaderMatch::signature(d, headers);
        if let Some(m) = HEADER_MATCHES.with_borrow(|kept| kept.get(&signature).cloned()) {
            return m;
        }
        let m = HeaderMatch::of(d, headers);
        HEADER_MATCHES.with_borrow_mut(|kept| {
            if kept.len() >= HEADER_MATCHES_KEPT {
                kept.clear();
            }
            kept.insert(signature, m.clone());
        });
        m
    }

    /// Everything the match depends on: whether there is a key and its glob, the columns'
    /// globs, and the header texts, each with its length before it so that no two lists
    /// give the same bytes.
    fn signature(d: &TableDecl, headers: &[crate::report::Header]) -> Vec<u8> {
        let mut sig = Vec::with_capacity(128);
        let mut text = |t: &str| {
            sig.extend_from_slice(&t.len().to_le_bytes());
            sig.extend_from_slice(t.as_bytes());
        };
        match &d.key {
            Some((_, g)) => {
                text("key");
                text(&g.text);
            }
            None => text("no key"),
        }
        text(&d.columns.len().to_string());
        for c in &d.columns {
            text(&c.glob.text);
        }
        for h in headers {
            text(&h.text);
        }
        sig
    }
}

/// The `total` and `skip` globs of a declaration, which tell a row's kind by its key.
struct KindRules {
    totals: Vec<glob::Pattern>,
    skips: Vec<glob::Pattern>,
}

impl KindRules {
    /// `None` without a declaration or without globs: every row is normal.
    fn of(decl: Option<&TableDecl>) -> Option<KindRules> {
        let d = decl?;
        let patterns = |globs: &[crate::syntax::ast::Str]| {
            globs
                .iter()
                .map(|g| glob::Pattern::new(&g.text))
                .collect::<Vec<_>>()
        };
        let rules = KindRules {
            totals: patterns(&d.totals),
            skips: patterns(&d.skips),
        };
        (!rules.totals.is_empty() || !rules.skips.is_empty()).then_some(rules)
    }

    /// The kind of a row whose trimmed key is `key`. Keys repeat ("Summa", "Verksamhet 1" in
    /// every group): each distinct key is matched once, up to a bound on what `seen`
    /// remembers.
    fn kind<'t>(&self, seen: &mut KindsSeen<'t>, key: &'t str) -> RowKind {
        // A group's keys come round again group after group: most are found among the last
        // few, compared whole, without hashing.
        let last = usize::from(key.as_bytes().last().copied().unwrap_or(0));
        let slot = key.len().wrapping_mul(7).wrapping_add(last) % RECENT_KINDS;
        if let Some(Some((recent, kind))) = seen.recent.get(slot)
            && same_bytes(recent.as_bytes(), key.as_bytes())
        {
            return *kind;
        }
        let kind = match seen.all.get(key) {
            Some(kind) => *kind,
            None => {
                let kind = self.matched(key);
                if seen.all.len() < KINDS_REMEMBERED {
                    seen.all.insert(key, kind);
                }
                kind
            }
        };
        if let Some(recent) = seen.recent.get_mut(slot) {
            *recent = Some((key, kind));
        }
        kind
    }

    /// The kind of a row whose trimmed key is `key`, by the globs.
    fn matched(&self, key: &str) -> RowKind {
        let matches: &dyn Fn(&glob::Pattern) -> bool = if glob::is_plain(key) {
            &|g| g.matches_plain(key)
        } else {
            let text = glob::Text::new(key);
            &move |g| g.matches_text(&text)
        };
        if self.totals.iter().any(matches) {
            RowKind::Total
        } else if self.skips.iter().any(matches) {
            RowKind::Skip
        } else {
            RowKind::Normal
        }
    }
}

/// Keys whose kind is known, for [`KindRules::kind`]: the last few met, by a slot of their
/// own, and every one met (up to [`KINDS_REMEMBERED`]).
struct KindsSeen<'t> {
    recent: [Option<(&'t str, RowKind)>; RECENT_KINDS],
    all: foldhash::HashMap<&'t str, RowKind>,
}

/// Slots of [`KindsSeen::recent`]: the keys of a group of up to this many rows, with distinct
/// lengths or last bytes, are all found there.
const RECENT_KINDS: usize = 16;

impl Default for KindsSeen<'_> {
    fn default() -> Self {
        KindsSeen {
            recent: [None; RECENT_KINDS],
            all: Default::default(),
        }
    }
}

/// A large table's rows are read in pieces of this many, in parallel.
const ROWS_PER_PIECE: usize = 1 << 16;

/// `work` on the rows `0..rows`, in pieces on the rayon pool when there are many, in order.
fn in_pieces<T: Send>(rows: usize, work: impl Fn(std::ops::Range<usize>) -> T + Sync) -> Vec<T> {
    use rayon::prelude::*;
    if rows < 2 * ROWS_PER_PIECE {
        return vec![work(0..rows)];
    }
    let pieces = rows.div_ceil(ROWS_PER_PIECE);
    (0..pieces)
        .into_par_iter()
        .map(|i| work(i * ROWS_PER_PIECE..((i + 1) * ROWS_PER_PIECE).min(rows)))
        .collect()
}

/// The rows of a table by group: the groups in the order they first appear, each with its
/// rows in order. Kept as one list of rows rather than a list per group: a million rows in a
/// hundred thousand groups.
#[derive(Debug)]
pub struct Groups {
    /// Every row, group after group.
    order: Vec<u32>,
    /// Where each group's rows start in `order`, and where the last one ends.
    starts: Vec<u32>,
    /// The group of each row.
    of_row: Vec<u32>,
}

impl Groups {
    /// Groups of rows given the runs of rows `(start, end, group)` of a table of `rows` rows,
    /// in order (groups numbered in the order they first appear), and the size of each
    /// group; each row's group listed if `with_of_row`.
    fn of_runs(runs: &[RunSpan], sizes: &[u32], rows: usize, with_of_row: bool) -> Groups {
        let mut starts = Vec::with_capacity(sizes.len() + 1);
        let mut at = 0u32;
        starts.push(0);
        for n in sizes {
            at = at.saturating_add(*n);
            starts.push(at);
        }
        let mut next: Vec<u32> = starts.clone();
        let mut order = vec![0u32; rows];
        for &RunSpan { start, end, group } in runs {
            let Some(slot) = next.get_mut(group as usize) else {
                continue;
            };
            let from = *slot as usize;
            let len = end.saturating_sub(start);
            if let Some(out) = order.get_mut(from..from + len as usize) {
                for (o, r) in out.iter_mut().zip(start..end) {
                    *o = r;
                }
            }
            *slot = slot.saturating_add(len);
        }
        let mut of_row = Vec::new();
        if with_of_row {
            of_row.reserve_exact(rows);
            for &RunSpan { start, end, group } in runs {
                of_row.resize(of_row.len() + end.saturating_sub(start) as usize, group);
            }
        }
        Groups {
            order,
            starts,
            of_row,
        }
    }

    /// How many groups there are.
    pub fn count(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    /// The group of row `row`.
    pub fn of_row(&self, row: usize) -> usize {
        self.of_row.get(row).map_or(0, |&g| g as usize)
    }

    /// The rows of group `g`, in order, as kept.
    pub fn row_slice(&self, g: usize) -> &[u32] {
        match (self.starts.get(g), self.starts.get(g + 1)) {
            (Some(&a), Some(&b)) => self.order.get(a as usize..b as usize).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// The rows of group `g`, in order.
    pub fn rows(&self, g: usize) -> Vec<usize> {
        let (a, b) = match (self.starts.get(g), self.starts.get(g + 1)) {
            (Some(&a), Some(&b)) => (a as usize, b as usize),
            _ => return Vec::new(),
        };
        self.order
            .get(a..b)
            .unwrap_or(&[])
            .iter()
            .map(|&r| r as usize)
            .collect()
    }
}

/// The report tables a rule's table name reaches: a declaration's glob, or the normalised name.
pub fn views<'a>(set: &'a RuleSet, report: &'a Report, name: &str) -> Vec<View<'a>> {
    views_made(set, report, name, View::new)
}

/// [`views`] without their groups, for what their headers reach: a `by` column's groups are
/// a pass over every row.
pub fn views_of_headers<'a>(set: &'a RuleSet, report: &'a Report, name: &str) -> Vec<View<'a>> {
    views_made(set, report, name, View::matched)
}

/// Whether declaration `decl` reaches `table` (its glob matches the table's name).
pub fn reaches(decl: &TableDecl, table: &Table) -> bool {
    glob::matches(&decl.glob.text, &table.name)
}

fn views_made<'a>(
    set: &'a RuleSet,
    report: &'a Report,
    name: &str,
    make: impl Fn(usize, &'a Table, Option<&'a TableDecl>) -> View<'a>,
) -> Vec<View<'a>> {
    let decl = set.table(name).map(|t| &t.decl);
    report
        .tables
        .iter()
        .enumerate()
        .filter(|(_, t)| is_named(decl, t, name))
        .map(|(i, t)| make(i, t, decl))
        .collect()
}

/// Whether `report` has a table that the name `name` (declared as `decl`, if it is) reaches.
pub fn has_table(set: &RuleSet, report: &Report, name: &str) -> bool {
    let decl = set.table(name).map(|t| &t.decl);
    report.tables.iter().any(|t| is_named(decl, t, name))
}

/// Whether `table` is one the name `name`, declared as `decl` or not declared, reaches.
fn is_named(decl: Option<&TableDecl>, table: &Table, name: &str) -> bool {
    match decl {
        Some(d) => reaches(d, table),
        None => normalise_name(&table.name) == name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::csv::load_csv;
    use crate::source::{Sources, Span};
    use crate::syntax::ast::{Name, Str};

    fn name(text: &str) -> Name {
        Name {
            text: text.into(),
            span: Span::default(),
        }
    }

    fn glob(text: &str) -> Str {
        Str {
            text: text.into(),
            span: Span::default(),
        }
    }

    /// The CSV text `csv` as table `t`.
    fn table_t(csv: &str) -> Table {
        let (mut sources, mut problems) = (Sources::default(), Vec::new());
        load_csv("t.csv", "t", csv.as_bytes(), &mut sources, &mut problems).unwrap()
    }

    /// `table t "t" { key rad "rad" … }` with these total and skip globs.
    fn decl_t(totals: Vec<Str>, skips: Vec<Str>) -> TableDecl {
        TableDecl {
            name: name("t"),
            glob: glob("t"),
            key: Some((name("rad"), glob("rad"))),
            columns: Vec::new(),
            totals,
            skips,
            group: None,
            span: Span::default(),
        }
    }

    /// `decl_t` with columns `(name, glob)`, and a key glob or none.
    fn decl_with(key: Option<&str>, columns: &[(&str, &str)]) -> TableDecl {
        TableDecl {
            key: key.map(|k| (name("rad"), glob(k))),
            columns: columns
                .iter()
                .map(|(n, g)| crate::syntax::ast::ColumnDecl {
                    name: name(n),
                    glob: glob(g),
                    unit: None,
                    span: Span::default(),
                })
                .collect(),
            ..decl_t(Vec::new(), Vec::new())
        }
    }

    /// A header match kept from an earlier table is only used for the same globs and the
    /// same headers: declarations and header lists that differ only a little, met one after
    /// another on one thread, each get the match worked out for them.
    #[test]
    fn a_kept_header_match_is_used_only_for_the_same_globs_and_headers() {
        let decls = [
            decl_with(Some("rad"), &[("a", "budget*"), ("b", "utfall")]),
            decl_with(None, &[("a", "budget*"), ("b", "utfall")]),
            decl_with(Some("rad"), &[("a", "utfall"), ("b", "budget*")]),
            decl_with(Some("budget*"), &[("a", "budget*"), ("b", "utfall")]),
            decl_with(Some("rad"), &[("a", "budget*"), ("b", "budget*")]),
            decl_with(Some("rad"), &[("a", "budget*")]),
        ];
        let tables = [
            table_t("rad;budget 2020;utfall\nx;1;2\n"),
            table_t("rad;utfall;budget 2020\nx;1;2\n"),
            table_t("rad;budget 2020;budget 2021;utfall\nx;1;2;3\n"),
            table_t("utfall;rad;budget\nx;1;2\n"),
            table_t("rad;budget 2020utfall\nx;1\n"),
            table_t("rad budget 2020;utfall\nx;1\n"),
        ];
        // Twice round, so that the second time every match comes from what was kept.
        for _ in 0..2 {
            for d in &decls {
                for t in &tables {
                    assert_eq!(
                        HeaderMatch::kept(d, &t.headers),
                        HeaderMatch::of(d, &t.headers),
                        "{:?} in {:?}",
                        d.columns.iter().map(|c| &c.glob.text).collect::<Vec<_>>(),
                        t.headers.iter().map(|h| &h.text).collect::<Vec<_>>(),
                    );
                }
            }
        }
        // What the views say of them, as before the matches were kept.
        let view = View::matched(0, &tables[2], Some(&decls[4]));
        assert_eq!(view.declared_columns(), &[("a", 1, None), ("b", 2, None)]);
        assert!(view.unmatched.is_empty());
        let view = View::matched(0, &tables[3], Some(&decls[3]));
        assert_eq!(view.key_col, 2);
        assert_eq!(view.declared_columns(), &[("b", 0, None)]);
        assert_eq!(
            view.unmatched,
            vec![("a".to_string(), "budget*".to_string())]
        );
    }

    /// A table of more rows than two pieces, whose group names run across the pieces' edges,
    /// come back after other groups, and are left empty (the group above goes on), also on
    /// the first row of a piece.
    #[test]
    fn groups_and_kinds_found_in_pieces_are_those_of_one_pass() {
        let rows = 3 * ROWS_PER_PIECE + 17;
        let mut csv = String::from("grupp;rad;belopp\n");
        for r in 0..rows {
            let group = match r {
                0..3 => String::new(),
                _ if r % ROWS_PER_PIECE < 2 || r % 7 == 3 => String::new(),
                _ => format!("G{}", (r / 5) % 23),
            };
            let key = if r % 9 == 8 { "Summa" } else { "Rad" };
            // A row is read knowing the name above it: a name that begins another (G1, G10)
            // or is written with a space must not lead it astray.
            match r {
                100 | 101 => csv.push_str(&format!("a;Rad 0;{r}\n")),
                102 => csv.push_str("G1;Rad 0;102\n"),
                103 => csv.push_str("G10;Rad 0;103\n"),
                104 => csv.push_str("G1 ;Rad 0;104\n"),
                105 => csv.push_str("G1;Rad 0;105\n"),
                _ => csv.push_str(&format!("{group};{key} {};{r}\n", r % 4)),
            }
        }
        let table = table_t(&csv);
        let decl = decl_t(vec![glob("Summa*")], vec![glob("Rad 3")]);
        let view = View::new(0, &table, Some(&decl));

        // One pass, row after row.
        let mut names: Vec<&str> = Vec::new();
        let mut of_row = Vec::new();
        let mut current = "";
        for r in 0..rows {
            let t = table.raw(r, 0).unwrap().trim();
            if !t.is_empty() {
                current = t;
            }
            let g = names.iter().position(|n| *n == current).unwrap_or_else(|| {
                names.push(current);
                names.len() - 1
            });
            of_row.push(g);
        }
        let groups = view.groups_by(0);
        assert_eq!(groups.count(), names.len());
        assert_eq!(
            groups.count(),
            25,
            "23 names, the rows above the first, and a"
        );
        assert_ne!(groups.of_row(103), groups.of_row(102), "G10 is not G1");
        assert_eq!(
            groups.of_row(104),
            groups.of_row(102),
            "G1 with a space is G1"
        );
        assert_eq!(groups.of_row(105), groups.of_row(102));
        for (r, &g) in of_row.iter().enumerate() {
            assert_eq!(groups.of_row(r), g, "row {r}");
        }
        for g in 0..names.len() {
            let want: Vec<usize> = (0..rows).filter(|&r| of_row[r] == g).collect();
            assert_eq!(groups.rows(g), want, "group {g}");
        }

        // The kinds were worked out with the groups, each row split once for both; a fresh
        // view asked for its kinds first reads the key column alone, and then the groups.
        assert!(table.two_texts_of(0, 1).is_some());
        assert!(
            view.kinds.get().is_some(),
            "kinds worked out with the groups"
        );
        let alone = View::new(0, &table, Some(&decl));
        assert_eq!(alone.kinds(), view.kinds());
        let again = alone.groups_by(0);
        for r in 0..rows {
            assert_eq!(again.of_row(r), groups.of_row(r), "row {r}");
        }

        let kinds = view.kinds();
        assert_eq!(kinds.len(), rows);
        for (r, kind) in kinds.iter().enumerate() {
            let want = match (r, r % 9, r % 4) {
                (100..=105, ..) => RowKind::Normal,
                (_, 8, _) => RowKind::Total,
                (_, _, 3) => RowKind::Skip,
                _ => RowKind::Normal,
            };
            assert_eq!(*kind, want, "row {r}");
        }
    }

    /// Keys of the same length and last letter share a slot among the recent keys: each
    /// still gets its own kind, whichever came first, as does the empty key.
    #[test]
    fn keys_that_share_a_recent_slot_keep_their_own_kinds() {
        let keys = ["Sa", "Xa", "Sa", "Sa", "Xa", "", "Xa", "Sa", "", "Xa"];
        let mut csv = String::from("rad;belopp\n");
        for k in keys {
            csv.push_str(&format!("{k};1\n"));
        }
        let table = table_t(&csv);
        let decl = decl_t(vec![glob("S*")], vec![glob("")]);
        let view = View::new(0, &table, Some(&decl));
        let want: Vec<RowKind> = keys
            .iter()
            .map(|k| match *k {
                "Sa" => RowKind::Total,
                "" => RowKind::Skip,
                _ => RowKind::Normal,
            })
            .collect();
        assert_eq!(view.kinds(), want);
    }

    /// Keys looked up through the index (every lookup after a view's first) give the rows a
    /// search row by row gives: in the whole table, in rows in order, in rows out of order,
    /// spelled differently, or not there.
    #[test]
    fn keys_found_in_the_index_are_those_found_row_by_row() {
        let csv = "rad;belopp\nSumma;1\nE-lärande;2\n Summa ;3\nAnnat;4\neLärande;5\nSumma;6\n";
        let table = table_t(csv);
        let decl = decl_t(Vec::new(), Vec::new());
        let subsets: [Option<&[usize]>; 5] = [
            None,
            Some(&[0, 1, 2, 3, 4, 5]),
            Some(&[1, 2, 5]),
            Some(&[5, 2, 1]),
            Some(&[3]),
        ];
        for key in [
            "Summa",
            " Summa",
            "e-LÄRANDE",
            "E-lärande",
            "Annat",
            "Saknas",
            "",
        ] {
            for within in subsets {
                // A fresh view searches row by row at its first lookup, and then uses its index.
                let view = View::new(0, &table, Some(&decl));
                let searched = view.rows_with_key(key, within);
                let indexed = view.rows_with_key(key, within);
                assert_eq!(indexed, searched, "{key:?} in {within:?}");
            }
        }
        let view = View::new(0, &table, Some(&decl));
        assert_eq!(view.rows_with_key("Summa", None), vec![0, 2, 5]);
        assert_eq!(view.rows_with_key("elarande", None), Vec::<usize>::new());
        assert_eq!(view.rows_with_key("E-LÄRANDE", None), vec![1, 4]);
        assert_eq!(view.rows_with_key("Summa", Some(&[5, 2])), vec![5, 2]);
    }
}
