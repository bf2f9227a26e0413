//! Declarations nothing uses: a `let` no rule or other let reads, a `table` no rule reaches,
//! a `column` of a declared table that no rule names. Warnings: an unused declaration costs
//! nothing, but is often a misspelling or a rule that was never written.
//!
//! Columns are counted generously, so that a warning is always true: a bare name in a rule
//! counts for every table that rule reaches, whatever scope it stands in.

use super::RuleSet;
use crate::problem::{Problem, ProblemKind, Severity};
use crate::source::SourceId;
use crate::suggest::did_you_mean;
use crate::syntax::ast::*;
use std::collections::HashSet;

/// Names used by the rules and lets.
#[derive(Default)]
struct Uses {
    /// Lets read anywhere (by a rule or another let).
    lets: HashSet<String>,
    tables: HashSet<String>,
    /// (table, column) pairs named explicitly: `T.c`, `T.total.c`, `T[k].c`.
    columns: HashSet<(String, String)>,
    /// Per rule: the tables it reaches and the bare names it uses.
    rules: Vec<(HashSet<String>, HashSet<String>)>,
}

/// Warn about unused lets everywhere, and about unused tables and columns outside `library`
/// (a shared library declares more than any one rule set uses).
pub fn check_unused(set: &RuleSet, library: &[SourceId], problems: &mut Vec<Problem>) {
    let uses = collect(set);
    // Looked up in a set, once: a rule set of thousands of lets would otherwise compare every
    // let with every name used, for every let.
    let declared: HashSet<&str> = set.lets.iter().map(|(l, _)| l.name.text.as_str()).collect();
    let undeclared: Vec<&str> = uses
        .lets
        .iter()
        .map(String::as_str)
        .filter(|u| !declared.contains(u))
        .collect();
    for (l, source) in &set.lets {
        let misspelt = misspelt(&l.name.text, undeclared.iter().copied(), |_| false);
        if !uses.lets.contains(&l.name.text) && !misspelt {
            problems.push(
                warning(format!("`let {}` is never used", l.name.text))
                    .with_label(*source, l.name.span, "no rule or let reads this")
                    .with_help(format!(
                        "use `{}` in a rule, or remove the `let`",
                        l.name.text
                    )),
            );
        }
    }
    for t in set.tables.iter().filter(|t| !library.contains(&t.source)) {
        let misspelt = misspelt(
            &t.decl.name.text,
            uses.tables.iter().map(String::as_str),
            |u| set.table(u).is_some(),
        );
        if !misspelt {
            table(&t.decl, t.source, &uses, problems);
        }
    }
}

/// Whether a name in use that is not declared is a likely misspelling of `target`: then the
/// name check says "did you mean `target`?", which is the better message.
fn misspelt<'a>(
    target: &str,
    used: impl Iterator<Item = &'a str>,
    declared: impl Fn(&str) -> bool,
) -> bool {
    used.filter(|u| !declared(u))
        .any(|u| did_you_mean(u, [target]) == Some(target))
}

fn warning(msg: String) -> Problem {
    Problem::new(ProblemKind::Rules, Severity::Warning, "rules::unused", msg)
}

fn table(d: &TableDecl, source: SourceId, uses: &Uses, problems: &mut Vec<Problem>) {
    let name = &d.name.text;
    if !uses.tables.contains(name) {
        problems.push(
            warning(format!("table `{name}` is declared, but no rule uses it"))
                .with_label(source, d.name.span, "declared here")
                .with_help(format!(
                    "check it with `in {name}:` or `each {name}:` in a rule, or remove the declaration"
                )),
        );
        // One warning for the table; its columns are unused with it.
        return;
    }
    for (i, c) in d.columns.iter().enumerate() {
        if column_used(d, &c.name.text, uses) || claims_for_later(d, i) {
            continue;
        }
        problems.push(
            warning(format!(
                "column `{}` of table `{name}` is declared, but no rule uses it",
                c.name.text
            ))
            .with_label(source, c.name.span, "declared here")
            .with_help(format!(
                "use `{}` in a rule, or remove the column (its header stays reachable by its normalised name)",
                c.name.text
            )),
        );
    }
}

fn column_used(d: &TableDecl, column: &str, uses: &Uses) -> bool {
    let table = &d.name.text;
    let qualified = uses
        .columns
        .iter()
        .filter(|(t, _)| t == table)
        .map(|(_, c)| c.as_str());
    let bare = uses
        .rules
        .iter()
        .filter(|(tables, _)| tables.contains(table))
        .flat_map(|(_, names)| names.iter().map(String::as_str));
    let names = qualified.chain(bare);
    // The group column is read by the declaration itself.
    d.group.as_ref().is_some_and(|g| g.text == column)
        || names.clone().any(|n| n == column)
        || misspelt(column, names, |u| declares(d, u))
}

/// Whether a declaration names a column or key `name`.
fn declares(d: &TableDecl, name: &str) -> bool {
    d.columns.iter().any(|c| c.name.text == name)
        || d.key.as_ref().is_some_and(|k| k.0.text == name)
}

/// Whether column `i` takes a header a later column with the same glob would otherwise take:
/// `column utfall "* 20??"` before `column foreg "* 20??"` is what makes foreg the second
/// such header, so it is needed even when no rule reads it.
fn claims_for_later(d: &TableDecl, i: usize) -> bool {
    let glob = &d.columns[i].glob.text;
    d.columns[i + 1..].iter().any(|c| &c.glob.text == glob)
}

// ---------------------------------------------------------------- collecting uses

fn collect(set: &RuleSet) -> Uses {
    let mut uses = Uses::default();
    for (l, _) in &set.lets {
        let mut c = Collector::new(&mut uses, Some(&l.name.text));
        c.expr(&l.value);
        let (tables, names) = (c.tables, c.names);
        uses.rules.push((tables, names));
    }
    for r in &set.rules {
        let mut c = Collector::new(&mut uses, None);
        for a in &r.rule.body {
            c.assertion(a);
        }
        let (tables, names) = (c.tables, c.names);
        uses.rules.push((tables, names));
    }
    uses
}

struct Collector<'u> {
    uses: &'u mut Uses,
    /// The let being read, which does not use itself.
    this_let: Option<&'u str>,
    vars: Vec<String>,
    tables: HashSet<String>,
    names: HashSet<String>,
}

impl<'u> Collector<'u> {
    fn new(uses: &'u mut Uses, this_let: Option<&'u str>) -> Self {
        Collector {
            uses,
            this_let,
            vars: Vec::new(),
            tables: HashSet::new(),
            names: HashSet::new(),
        }
    }

    fn table(&mut self, name: &Name) {
        self.tables.insert(name.text.clone());
        self.uses.tables.insert(name.text.clone());
    }

    fn column(&mut self, table: &Name, column: &Name) {
        self.table(table);
        self.uses
            .columns
            .insert((table.text.clone(), column.text.clone()));
    }

    fn assertion(&mut self, a: &Assertion) {
        match a {
            Assertion::In {
                table, by, body, ..
            } => {
                self.table(&table.name);
                if let Some(b) = by {
                    self.names.insert(b.text.clone());
                }
                self.assertion(body);
            }
            Assertion::Each {
                table,
                filter,
                body,
                ..
            } => {
                self.table(&table.name);
                if let Some(f) = filter {
                    self.expr(f);
                }
                self.assertion(body);
            }
            Assertion::For {
                var, columns, body, ..
            } => {
                self.names.extend(columns.iter().map(|c| c.text.clone()));
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
            ExprKind::Ref { reference, .. } => self.reference(reference),
            _ => e.children().into_iter().for_each(|x| self.expr(x)),
        }
    }

    fn reference(&mut self, r: &Reference) {
        match r {
            Reference::Name(n) | Reference::Parent { column: n } => self.name(&n.text),
            Reference::Column { table, column }
            | Reference::Total {
                table: Some(table),
                column,
            } => self.column(table, column),
            Reference::Total {
                table: None,
                column,
            } => {
                self.names.insert(column.text.clone());
            }
            Reference::Keyed { table, key, column } => {
                self.expr(key);
                self.column(table, column);
            }
        }
    }

    /// A bare name is a `for` variable, a let or a column; a for variable hides the others.
    fn name(&mut self, name: &str) {
        if self.vars.iter().any(|v| v == name) {
            return;
        }
        if self.this_let != Some(name) {
            self.uses.lets.insert(name.to_string());
        }
        self.names.insert(name.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::check_unused;
    use crate::check::statics::testing::{found, rule_set};
    use crate::problem::Severity;

    fn check(text: &str) -> Vec<(&'static str, String)> {
        let (set, sources) = rule_set(text);
        let mut problems = Vec::new();
        check_unused(&set, &[], &mut problems);
        assert!(problems.iter().all(|p| p.severity == Severity::Warning));
        found(&problems, &sources)
    }

    fn unused(names: &[&str]) -> Vec<(&'static str, String)> {
        names
            .iter()
            .map(|n| ("rules::unused", n.to_string()))
            .collect()
    }

    const TABLE: &str = r#"
table drift "Drift*" {
  key    verksamhet "Verksamhet"
  column redovisat  "Redovisat*" tkr
  column budget     "Budget*"    tkr
  column avvikelse  "Avvikelse"  tkr
  column forvaltning "Förvaltning" text
  group  forvaltning
  total  "Summa*"
}
"#;

    #[test]
    fn lets_used_by_no_rule_or_let() {
        assert_eq!(
            check(
                "let tak = 105\nlet golv = 5\nlet bas = 100\nlet marginal = bas * 2\n\
                 rule r { each t: x <= tak + marginal }\n\
                 rule s { each t: for golv in [a, b]: golv > 0 }"
            ),
            // `golv` in rule s is the for variable, not the let.
            unused(&["golv"])
        );
    }

    #[test]
    fn tables_and_columns_used_by_no_rule() {
        let text = format!(
            "{TABLE}table annan \"Annan\" {{ key k \"K\" column c \"C\" }}\n\
             rule r {{ each drift: redovisat >= 0 }}"
        );
        assert_eq!(check(&text), unused(&["budget", "avvikelse", "annan"]));
    }

    #[test]
    fn every_way_of_naming_a_column_counts() {
        for rule in [
            "in drift: for c in [redovisat, budget, avvikelse]: sum(c) == total.c",
            "drift.redovisat + drift.total.budget == drift[\"x\"].avvikelse",
            "in drift by redovisat: sum(budget) == sum(avvikelse)",
            "each drift where redovisat > 0: budget == avvikelse",
            "in andra: sum(drift.redovisat where budget > 0) == drift[key].avvikelse",
            "previous.drift.total.redovisat == previous.drift.total.budget + previous.drift.total.avvikelse",
        ] {
            let text = format!("{TABLE}rule r {{ {rule} }}");
            assert_eq!(check(&text), [], "{rule}");
        }
    }

    #[test]
    fn a_column_that_claims_a_header_for_a_later_one_is_used() {
        let text = "table p \"P\" {\n  column utfall \"* 20??\"\n  column foreg \"* 20??\"\n}\n\
                    rule r { each p: foreg >= 0 }";
        assert_eq!(check(text), []);
    }

    #[test]
    fn a_misspelt_use_is_left_to_the_name_check() {
        let text = format!("{TABLE}rule r {{ each drift: avvikelse == redovisat - budgett }}");
        assert_eq!(check(&text), []);
        let text = format!("{TABLE}rule r {{ in drfit: sum(redovisat) == sum(budget) }}");
        assert_eq!(check(&text), []);
    }

    #[test]
    fn tables_of_the_library_are_not_reported() {
        let (set, sources) = rule_set(TABLE);
        let mut problems = Vec::new();
        check_unused(&set, &set.files, &mut problems);
        assert_eq!(found(&problems, &sources), []);
    }
}
