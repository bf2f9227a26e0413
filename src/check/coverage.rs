//! Rules that cannot apply to any checked report, because a table they use is in none of them.
//! Info only: a rule set is often written for more kinds of report than one run checks, so
//! this explains a rule with no instances rather than blaming anything.

use super::RuleSet;
use crate::eval::view::views_of_headers;
use crate::problem::{Problem, ProblemKind, Severity};
use crate::report::Report;
use crate::syntax::ast::*;

/// One `rules::no-table` info per enabled rule and table that no checked report has. Nothing
/// is said when no report was checked (then every rule would qualify).
pub fn check_tables_found(set: &RuleSet, reports: &[Report], problems: &mut Vec<Problem>) {
    if reports.is_empty() {
        return;
    }
    for r in set.rules.iter().filter(|r| r.enabled) {
        let mut names: Vec<&Name> = Vec::new();
        for a in &r.rule.body {
            assertion_tables(a, &mut names);
        }
        let mut seen: Vec<&str> = Vec::new();
        for name in names {
            if seen.contains(&name.text.as_str()) {
                continue;
            }
            seen.push(&name.text);
            if reports
                .iter()
                .all(|rep| views_of_headers(set, rep, &name.text).is_empty())
            {
                problems.push(missing(set, r, name, reports.len()));
            }
        }
    }
}

fn missing(set: &RuleSet, r: &super::LoadedRule, table: &Name, n: usize) -> Problem {
    let which = if n == 1 {
        "which the checked report does not have".to_string()
    } else {
        format!("which none of the {n} checked reports has")
    };
    let help = match set.table(&table.text) {
        Some(t) => format!(
            "its declaration takes report tables named \"{}\"; the rule applies to reports that have one",
            t.decl.glob.text
        ),
        None => "the rule applies to reports that have such a table".to_string(),
    };
    Problem::new(
        ProblemKind::Rules,
        Severity::Info,
        "rules::no-table",
        format!("rule {} uses table {}, {which}", r.rule.id.text, table.text),
    )
    .with_label(r.source, r.rule.id.span, "applies to no checked report")
    .with_help(help)
}

/// Tables an assertion reads in the report being checked (`previous.` tables are another
/// report's, and are left out).
fn assertion_tables<'a>(a: &'a Assertion, out: &mut Vec<&'a Name>) {
    match a {
        Assertion::In { table, body, .. } => {
            if !table.previous {
                out.push(&table.name);
            }
            assertion_tables(body, out);
        }
        Assertion::Each {
            table,
            filter,
            body,
            ..
        } => {
            if !table.previous {
                out.push(&table.name);
            }
            if let Some(f) = filter {
                expr_tables(f, out);
            }
            assertion_tables(body, out);
        }
        Assertion::For { body, .. } => assertion_tables(body, out),
        Assertion::If { cond, body, .. } => {
            expr_tables(cond, out);
            assertion_tables(body, out);
        }
        Assertion::Block(items, _) => items.iter().for_each(|i| assertion_tables(i, out)),
        Assertion::Check(e) => expr_tables(e, out),
    }
}

fn expr_tables<'a>(e: &'a Expr, out: &mut Vec<&'a Name>) {
    match &e.kind {
        ExprKind::Ref {
            previous,
            reference,
        } => {
            if let Reference::Keyed { key, .. } = reference {
                expr_tables(key, out);
            }
            match reference {
                Reference::Column { table, .. }
                | Reference::Total {
                    table: Some(table), ..
                }
                | Reference::Keyed { table, .. }
                    if !previous =>
                {
                    out.push(table)
                }
                _ => {}
            }
        }
        _ => e.children().into_iter().for_each(|x| expr_tables(x, out)),
    }
}

/// A declared key or column whose header glob matches no header of any report table the
/// declaration reaches: most likely a typo in the glob, which would otherwise only show as
/// every check on that column being not applicable.
pub fn check_columns_found(set: &RuleSet, reports: &[Report], problems: &mut Vec<Problem>) {
    for t in &set.tables {
        let mut headers: Vec<&str> = Vec::new();
        let mut reached = 0;
        let mut unmatched: Option<Vec<String>> = None;
        for rep in reports {
            for v in views_of_headers(set, rep, &t.decl.name.text) {
                reached += 1;
                headers.extend(v.table.headers.iter().map(|h| h.text.as_str()));
                let here: Vec<String> = v.unmatched.iter().map(|(n, _)| n.clone()).collect();
                unmatched = Some(match unmatched {
                    None => here,
                    Some(before) => before.into_iter().filter(|n| here.contains(n)).collect(),
                });
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        headers.retain(|h| seen.insert(*h));
        let decls = t
            .decl
            .key
            .iter()
            .map(|(name, glob)| (name, glob))
            .chain(t.decl.columns.iter().map(|c| (&c.name, &c.glob)));
        for (name, glob) in decls {
            if !unmatched.as_ref().is_some_and(|u| u.contains(&name.text)) {
                continue;
            }
            let tables = if reached == 1 {
                "the one table".to_string()
            } else {
                format!("any of the {reached} tables")
            };
            problems.push(
                Problem::new(
                    ProblemKind::Rules,
                    Severity::Warning,
                    "rules::no-column",
                    format!(
                        "`{}` of table {} matches no header in {tables} it reaches",
                        name.text, t.decl.name.text
                    ),
                )
                .with_label(t.source, glob.span, "matches no header")
                .with_help(format!(
                    "the headers are: {}; globs ignore case and know `*`, `?` and `{{a,b}}`",
                    headers
                        .iter()
                        .map(|h| format!("\"{h}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::check_tables_found;
    use crate::check::statics::testing::{found, rule_set};
    use crate::problem::Severity;
    use crate::report::discover::load_report;
    use std::path::Path;

    const RULES: &str = r#"
table budget "Budget" { key post "Post" column utfall "Utfall" tkr }
table invest "Investeringar*" { key projekt "Projekt" column netto "Netto" tkr }
rule finns { each budget: utfall >= 0 }
rule saknas { each invest: netto >= 0 }
rule blandad { budget.total.utfall >= invest.total.netto and invest["x"].netto >= 0 }
rule tidigare { in budget: total.utfall >= previous.invest.total.netto }
"#;

    fn check(reports: usize, disable: Option<usize>) -> Vec<(&'static str, String)> {
        let (mut set, mut sources) = rule_set(RULES);
        if let Some(i) = disable {
            set.rules[i].enabled = false;
        }
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/static/report");
        let mut problems = Vec::new();
        let reports: Vec<_> = (0..reports)
            .map(|_| load_report(&dir, &mut sources, &mut problems))
            .collect();
        assert!(problems.is_empty(), "{problems:#?}");
        check_tables_found(&set, &reports, &mut problems);
        assert!(problems.iter().all(|p| p.severity == Severity::Info));
        found(&problems, &sources)
    }

    #[test]
    fn rules_whose_table_no_report_has_are_named_once_per_table() {
        assert_eq!(
            check(2, None),
            [
                ("rules::no-table", "saknas".to_string()),
                ("rules::no-table", "blandad".to_string()),
            ]
        );
    }

    #[test]
    fn nothing_is_said_without_reports_or_for_disabled_rules() {
        assert_eq!(check(0, None), []);
        assert_eq!(check(1, Some(1)).len(), 1);
    }
}
