//! A report table seen through a `table` declaration: which column each declared name takes,
//! which column is the key, which rows are totals, skipped or in which group.

use crate::check::RuleSet;
use crate::glob;
use crate::report::{Report, Table, normalise_name};
use crate::syntax::ast::{TableDecl, UnitName};

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
    declared: Vec<(String, usize, Option<UnitName>)>,
    pub key_col: usize,
    key_name: Option<String>,
    /// The kind of every row, worked out when first asked for ([`View::kinds`]): name
    /// resolution builds views without ever needing it, and a table may have millions of rows.
    kinds: std::cell::OnceCell<Vec<RowKind>>,
    /// The group of each row (when the table has groups).
    pub groups: Option<Vec<&'a str>>,
    /// Declared columns that matched no header: (name, glob).
    pub unmatched: Vec<(String, String)>,
    /// The table is in the previous report.
    pub previous: bool,
}

impl<'a> View<'a> {
    pub fn new(index: usize, table: &'a Table, decl: Option<&'a TableDecl>) -> View<'a> {
        let mut claimed = vec![false; table.headers.len()];
        let mut key_col = 0;
        let mut key_name = None;
        let mut unmatched = Vec::new();
        if let Some(d) = decl
            && let Some((name, g)) = &d.key
        {
            match table
                .headers
                .iter()
                .position(|h| glob::matches(&g.text, &h.text))
            {
                Some(i) => {
                    key_col = i;
                    claimed[i] = true;
                }
                None => unmatched.push((name.text.clone(), g.text.clone())),
            }
            key_name = Some(name.text.clone());
        }
        let mut declared = Vec::new();
        if let Some(d) = decl {
            // Each declaration takes the leftmost header that matches and no earlier one took.
            for c in &d.columns {
                let hit = (0..table.headers.len())
                    .find(|&i| !claimed[i] && glob::matches(&c.glob.text, &table.headers[i].text));
                match hit {
                    Some(i) => {
                        claimed[i] = true;
                        declared.push((c.name.text.clone(), i, c.unit));
                    }
                    None => unmatched.push((c.name.text.clone(), c.glob.text.clone())),
                }
            }
        }
        let mut v = View {
            index,
            table,
            decl,
            declared,
            key_col,
            key_name,
            kinds: std::cell::OnceCell::new(),
            groups: None,
            unmatched,
            previous: false,
        };

        if let Some(g) = decl.and_then(|d| d.group.as_ref()) {
            v.groups = v.column(&g.text).map(|(col, _)| v.group_values(col));
        }
        v
    }

    /// Group of every row by the text in `col`; an empty cell continues the group above it,
    /// as a merged cell in a spreadsheet does.
    pub fn group_values(&self, col: usize) -> Vec<&'a str> {
        // Borrowed from the table: a million rows would otherwise be a million strings.
        let table: &'a Table = self.table;
        let mut current = "";
        (0..table.rows.len())
            .map(|r| {
                let t = table.raw(r, col).map(str::trim).unwrap_or("");
                if !t.is_empty() {
                    current = t;
                }
                current
            })
            .collect()
    }

    /// The column a name reaches: a declared column, the key's name, or a normalised header.
    pub fn column(&self, name: &str) -> Option<(usize, Option<UnitName>)> {
        if let Some((_, i, u)) = self.declared.iter().find(|(n, _, _)| n == name) {
            return Some((*i, *u));
        }
        if self.key_name.as_deref() == Some(name) {
            return Some((self.key_col, Some(UnitName::Text)));
        }
        self.table.column_by_normalised(name).map(|i| (i, None))
    }

    /// Every name a column can be reached by, for "did you mean".
    pub fn column_names(&self) -> Vec<String> {
        let mut v: Vec<String> = self.declared.iter().map(|(n, _, _)| n.clone()).collect();
        v.extend(self.key_name.clone());
        v.extend(self.table.headers.iter().map(|h| h.normalised.clone()));
        v
    }

    /// The kind of every row: total (a `total` glob matches its key), skipped (a `skip` glob
    /// does) or normal.
    pub fn kinds(&self) -> &[RowKind] {
        self.kinds.get_or_init(|| {
            let Some(d) = self.decl else {
                return vec![RowKind::Normal; self.table.rows.len()];
            };
            let totals: Vec<glob::Pattern> = d
                .totals
                .iter()
                .map(|g| glob::Pattern::new(&g.text))
                .collect();
            let skips: Vec<glob::Pattern> = d
                .skips
                .iter()
                .map(|g| glob::Pattern::new(&g.text))
                .collect();
            if totals.is_empty() && skips.is_empty() {
                return vec![RowKind::Normal; self.table.rows.len()];
            }
            // Keys repeat ("Summa", "Verksamhet 1" in every group): each distinct key is
            // matched once, up to a bound on what is remembered.
            let mut seen: foldhash::HashMap<&str, RowKind> = Default::default();
            (0..self.table.rows.len())
                .map(|r| {
                    let cell = self.key_cell(r);
                    if let Some(kind) = seen.get(cell) {
                        return *kind;
                    }
                    let key = glob::Text::new(cell);
                    let kind = if totals.iter().any(|g| g.matches_text(&key)) {
                        RowKind::Total
                    } else if skips.iter().any(|g| g.matches_text(&key)) {
                        RowKind::Skip
                    } else {
                        RowKind::Normal
                    };
                    if seen.len() < KINDS_REMEMBERED {
                        seen.insert(cell, kind);
                    }
                    kind
                })
                .collect()
        })
    }

    /// The key cell's text of `row`, trimmed.
    fn key_cell(&self, row: usize) -> &'a str {
        let table: &'a Table = self.table;
        table.raw(row, self.key_col).map(str::trim).unwrap_or("")
    }

    pub fn key_text(&self, row: usize) -> String {
        self.key_cell(row).to_string()
    }

    /// Rows whose key is `key`: exact after trimming, else ignoring case, spacing and punctuation.
    pub fn rows_with_key(&self, key: &str, within: &[usize]) -> Vec<usize> {
        let key = key.trim();
        let exact: Vec<usize> = within
            .iter()
            .copied()
            .filter(|&r| self.key_text(r) == key)
            .collect();
        if !exact.is_empty() {
            return exact;
        }
        // Reports spell the same row differently ("E-lärandecenter", "eLärandeCenter",
        // "LKDATA - support"): compare letters and digits only, ignoring case.
        let norm = |s: &str| {
            s.chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect::<String>()
        };
        let k = norm(key);
        within
            .iter()
            .copied()
            .filter(|&r| norm(&self.key_text(r)) == k)
            .collect()
    }
}

/// The report tables a rule's table name reaches: a declaration's glob, or the normalised name.
pub fn views<'a>(set: &'a RuleSet, report: &'a Report, name: &str) -> Vec<View<'a>> {
    let decl = set.table(name).map(|t| &t.decl);
    report
        .tables
        .iter()
        .enumerate()
        .filter(|(_, t)| match decl {
            Some(d) => glob::matches(&d.glob.text, &t.name),
            None => normalise_name(&t.name) == name,
        })
        .map(|(i, t)| View::new(i, t, decl))
        .collect()
}
