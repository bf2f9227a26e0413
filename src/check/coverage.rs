//! Rules that cannot apply to any checked report, because a table they use is in none of them.
//! Info only: a rule set is often written for more kinds of report than one run checks, so
//! this explains a rule with no instances rather than blaming anything.

use super::RuleSet;
use crate::eval::view::views;
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
                .all(|rep| views(set, rep, &name.text).is_empty())
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
        ExprKind::Number(..) | ExprKind::Text(_) => {}
        ExprKind::Neg(x) | ExprKind::Paren(x) | ExprKind::Not(x) => expr_tables(x, out),
        ExprKind::IsMissing { value, .. }
        | ExprKind::IsPresent { value, .. }
        | ExprKind::Matches { value, .. } => expr_tables(value, out),
        ExprKind::Arith(_, a, b) | ExprKind::And(a, b) | ExprKind::Or(a, b) => {
            expr_tables(a, out);
            expr_tables(b, out);
        }
        ExprKind::Compare { first, rest, .. } => {
            expr_tables(first, out);
            rest.iter().for_each(|(_, x)| expr_tables(x, out));
        }
        ExprKind::Call { args, filter, .. } => {
            args.iter().for_each(|x| expr_tables(x, out));
            if let Some(f) = filter {
                expr_tables(f, out);
            }
        }
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
