//! Every name a rule uses must be something a declaration or a checked report supplies;
//! otherwise the rule is an error in its file (with "did you mean"), and is not evaluated.

use super::RuleSet;
use crate::eval::view::views_of_headers;
use crate::problem::{Problem, ProblemKind, Severity};
use crate::report::{Report, normalise_name};
use crate::source::{SourceId, Span};
use crate::suggest::did_you_mean;
use crate::syntax::ast::*;
use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};

/// What is known about one table name across all checked reports.
#[derive(Clone)]
struct TableInfo {
    /// Column names, or `None` when no report has the table (its columns cannot be checked).
    columns: Option<BTreeSet<String>>,
}

struct Checker<'a> {
    set: &'a RuleSet,
    reports: &'a [Report],
    source: SourceId,
    problems: Vec<Problem>,
    tables: Vec<String>,
    vars: Vec<String>,
    /// [`Checker::info`] of each name asked about: every reference asks, and the answer
    /// reads every report.
    known: &'a RefCell<HashMap<String, Option<TableInfo>>>,
}

pub fn check_names(set: &mut RuleSet, reports: &[Report], problems: &mut Vec<Problem>) {
    let mut disabled = Vec::new();
    let known = RefCell::new(HashMap::new());
    for (i, r) in set.rules.iter().enumerate() {
        let mut c = Checker {
            set,
            reports,
            source: r.source,
            problems: Vec::new(),
            tables: Vec::new(),
            vars: Vec::new(),
            known: &known,
        };
        for a in &r.rule.body {
            c.assertion(a);
        }
        if !c.problems.is_empty() {
            disabled.push(i);
            problems.extend(c.problems);
        }
    }
    for i in disabled {
        set.rules[i].enabled = false;
    }
}

impl Checker<'_> {
    fn info(&self, name: &str) -> Option<TableInfo> {
        if let Some(info) = self.known.borrow().get(name) {
            return info.clone();
        }
        let info = self.info_uncached(name);
        self.known
            .borrow_mut()
            .insert(name.to_string(), info.clone());
        info
    }

    fn info_uncached(&self, name: &str) -> Option<TableInfo> {
        use rayon::prelude::*;
        let (set, reports) = (self.set, self.reports);
        let declared = set.table(name);
        // The reports are looked through on every core (ten thousand of them took a tenth of
        // a run on one). Reports of one kind have the same headers, and then the same names:
        // those of a view are added only when its headers differ from the last view's.
        type Seen<'r> = (bool, BTreeSet<String>, Option<&'r [crate::report::Header]>);
        let (found, mut columns, _) = reports
            .par_iter()
            .fold(
                || -> Seen<'_> { (false, BTreeSet::new(), None) },
                |(mut found, mut columns, mut last), r| {
                    for v in views_of_headers(set, r, name) {
                        found = true;
                        let same = last.is_some_and(|h| {
                            h.len() == v.table.headers.len()
                                && h.iter()
                                    .zip(&v.table.headers)
                                    .all(|(a, b)| a.normalised == b.normalised)
                        });
                        if !same {
                            columns.extend(v.column_names());
                            last = Some(&v.table.headers);
                        }
                    }
                    (found, columns, last)
                },
            )
            .reduce(
                || (false, BTreeSet::new(), None),
                |(found_a, mut columns_a, last), (found_b, columns_b, _)| {
                    columns_a.extend(columns_b);
                    (found_a || found_b, columns_a, last)
                },
            );
        if let Some(t) = declared {
            columns.extend(t.decl.columns.iter().map(|c| c.name.text.clone()));
            columns.extend(t.decl.key.iter().map(|k| k.0.text.clone()));
            return Some(TableInfo {
                columns: found.then_some(columns),
            });
        }
        found.then_some(TableInfo {
            columns: Some(columns),
        })
    }

    fn all_table_names(&self) -> BTreeSet<String> {
        let mut s: BTreeSet<String> = self
            .set
            .tables
            .iter()
            .map(|t| t.decl.name.text.clone())
            .collect();
        for r in self.reports {
            s.extend(r.tables.iter().map(|t| normalise_name(&t.name)));
        }
        s
    }

    fn error(
        &mut self,
        span: Span,
        code: &'static str,
        msg: String,
        label: &str,
        help: Option<String>,
    ) {
        let mut p = Problem::new(ProblemKind::Rules, Severity::Error, code, msg).with_label(
            self.source,
            span,
            label,
        );
        if let Some(h) = help {
            p = p.with_help(h);
        }
        self.problems.push(p);
    }

    fn table(&mut self, name: &Name) -> bool {
        if self.info(&name.text).is_some() {
            return true;
        }
        let names = self.all_table_names();
        let help = match did_you_mean(&name.text, names.iter().map(String::as_str)) {
            Some(s) => Some(format!("did you mean `{s}`?")),
            None if names.is_empty() => Some("declare it with `table NAME \"GLOB\" { … }`".into()),
            None => Some(format!(
                "known tables: {}",
                names.iter().cloned().collect::<Vec<_>>().join(", ")
            )),
        };
        self.error(
            name.span,
            "rules::unknown-table",
            format!(
                "unknown table `{}`: no declaration and no checked report has a table of that name",
                name.text
            ),
            "unknown table",
            help,
        );
        false
    }

    /// Is `col` (or the column a `for` variable stands for) a column of `table`?
    fn column(&mut self, table: &str, col: &Name) {
        if self.vars.contains(&col.text) {
            return;
        }
        let Some(info) = self.info(table) else { return };
        let Some(cols) = info.columns else { return };
        if cols.contains(&col.text) {
            return;
        }
        let help = match did_you_mean(&col.text, cols.iter().map(String::as_str)) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!(
                "columns of {table}: {}",
                cols.iter().cloned().collect::<Vec<_>>().join(", ")
            ),
        };
        self.error(
            col.span,
            "rules::unknown-column",
            format!("table `{table}` has no column `{}`", col.text),
            "unknown column",
            Some(help),
        );
    }

    fn assertion(&mut self, a: &Assertion) {
        match a {
            Assertion::In {
                table, by, body, ..
            } => {
                if !self.table(&table.name) {
                    return;
                }
                if let Some(b) = by {
                    self.column(&table.name.text.clone(), b);
                }
                self.tables.push(table.name.text.clone());
                self.assertion(body);
                self.tables.pop();
            }
            Assertion::Each {
                table,
                filter,
                body,
                ..
            } => {
                if !self.table(&table.name) {
                    return;
                }
                self.tables.push(table.name.text.clone());
                if let Some(f) = filter {
                    self.expr(f);
                }
                self.assertion(body);
                self.tables.pop();
            }
            Assertion::For {
                var, columns, body, ..
            } => {
                if let Some(t) = self.tables.last().cloned() {
                    for c in columns {
                        self.column(&t, c);
                    }
                }
                self.vars.push(var.text.clone());
                self.assertion(body);
                self.vars.pop();
            }
            Assertion::If { cond, body, .. } => {
                self.expr(cond);
                self.assertion(body);
            }
            Assertion::Block(items, _) => items.iter().for_each(|i| self.assertion(i)),
            Assertion::Check(e) => self.expr(e),
        }
    }

    fn expr(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Ref {
                previous,
                reference,
            } => self.reference(*previous, reference),
            _ => e.children().into_iter().for_each(|x| self.expr(x)),
        }
    }

    fn reference(&mut self, previous: bool, r: &Reference) {
        match r {
            // `parent.c` is column c of another row of the scope's table.
            Reference::Parent { column } => {
                self.reference(previous, &Reference::Name(column.clone()))
            }
            Reference::Name(n) => {
                let row_key = n.text == "key" && !self.tables.is_empty();
                if row_key || self.vars.contains(&n.text) || self.set.constant(&n.text).is_some() {
                    return;
                }
                let mut candidates: BTreeSet<String> = self.vars.iter().cloned().collect();
                candidates.extend(self.set.lets.iter().map(|(l, _)| l.name.text.clone()));
                let mut checkable = true;
                for t in self.tables.clone().iter().rev() {
                    match self.info(t).and_then(|i| i.columns) {
                        Some(cols) if cols.contains(&n.text) => return,
                        Some(cols) => candidates.extend(cols),
                        None => checkable = false,
                    }
                }
                if !checkable {
                    return;
                }
                let mut help = match did_you_mean(&n.text, candidates.iter().map(String::as_str)) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None if self.tables.is_empty() => {
                        "columns are reached inside `in TABLE:` / `each TABLE:`, or as TABLE.column"
                            .into()
                    }
                    None => format!(
                        "known here: {}",
                        candidates.iter().cloned().collect::<Vec<_>>().join(", ")
                    ),
                };
                if n.text.contains('-') {
                    if !help.ends_with(['?', '.']) {
                        help.push('.');
                    }
                    help.push_str(" Names may contain `-`: write `a - b` with spaces to subtract.");
                }
                let msg = match self.tables.last() {
                    Some(t) => format!(
                        "unknown name `{}`: not a column of `{t}`, a `let` or a `for` variable",
                        n.text
                    ),
                    None => format!("unknown name `{}`", n.text),
                };
                self.error(
                    n.span,
                    "rules::unknown-name",
                    msg,
                    "unknown name",
                    Some(help),
                );
            }
            Reference::Column { table, column }
            | Reference::Total {
                table: Some(table),
                column,
            } => {
                if previous {
                    return;
                }
                if self.table(table) {
                    self.column(&table.text.clone(), column);
                }
            }
            Reference::Total {
                table: None,
                column,
            } => {
                if let Some(t) = self.tables.last().cloned() {
                    self.column(&t, column);
                }
            }
            Reference::Keyed { table, key, column } => {
                self.expr(key);
                if previous {
                    return;
                }
                if self.table(table) {
                    self.column(&table.text.clone(), column);
                }
            }
        }
    }
}
