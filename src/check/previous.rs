//! A previous report that has none of the tables the rules compare with it.
//!
//! `previous` in `report.toml` may name anything that can be read: another unit's folder, a
//! file that is no report at all. Every `previous.` check of the report is then not
//! applicable, and the run would say nothing about why. When the report has a table that a
//! rule compares with its previous report, and the previous report has none of them, that is
//! said once per previous report.

use super::RuleSet;
use crate::eval::view::has_table;
use crate::problem::{Problem, ProblemKind, Severity};
use crate::report::Report;
use crate::report::discover::display_path;
use crate::syntax::ast::*;

/// One `data::previous-unmatched` warning per previous report (of `previous`, one per report
/// of `reports`) that has none of the tables the enabled rules read with `previous.` while
/// the report naming it has one. A previous report without tables is left to
/// `data::previous-empty`, said when it is read.
pub fn check_previous_tables(
    set: &RuleSet,
    reports: &[Report],
    previous: &[Option<&Report>],
    problems: &mut Vec<Problem>,
) {
    let mut compared: Vec<&str> = Vec::new();
    for r in set.rules.iter().filter(|r| r.enabled) {
        for a in &r.rule.body {
            assertion_tables(a, None, &mut compared);
        }
    }
    if compared.is_empty() {
        return;
    }
    compared.sort_unstable();
    compared.dedup();
    let mut told = std::collections::HashSet::new();
    for (report, earlier) in reports.iter().zip(previous) {
        let Some(earlier) = earlier else { continue };
        if earlier.tables.is_empty() {
            continue;
        }
        let here: Vec<&str> = compared
            .iter()
            .copied()
            .filter(|t| has_table(set, report, t))
            .collect();
        if here.is_empty() || here.iter().any(|t| has_table(set, earlier, t)) {
            continue;
        }
        if !told.insert(earlier.path.clone()) {
            continue;
        }
        problems.push(unmatched(report, earlier, &here));
    }
}

fn unmatched(report: &Report, earlier: &Report, tables: &[&str]) -> Problem {
    let shown = display_path(&earlier.path);
    let its: Vec<&str> = earlier
        .tables
        .iter()
        .map(|t| t.name.as_str())
        .take(5)
        .collect();
    let more = earlier.tables.len().saturating_sub(its.len());
    let its = if more > 0 {
        format!("{} and {more} more", its.join(", "))
    } else {
        its.join(", ")
    };
    Problem::new(
        ProblemKind::Data,
        Severity::Warning,
        "data::previous-unmatched",
        format!(
            "{} names {shown} as its previous report, which has none of the tables the rules \
             compare with it ({}); the checks that compare with it are not applicable",
            display_path(&report.path),
            tables.join(", "),
        ),
    )
    .with_path(shown)
    .with_help(format!(
        "its tables are {its}; `previous` in report.toml names the folder (or file) of the \
         report before this one, such as \"../2020-08\""
    ))
}

/// The tables `a` reads in the previous report, by declared name: `previous.T.c`,
/// `previous.T[KEY].c`, `in previous.T`, and `previous.c` or `previous.total.c` in the table
/// `within` goes over.
fn assertion_tables<'a>(a: &'a Assertion, within: Option<&'a str>, out: &mut Vec<&'a str>) {
    match a {
        Assertion::In { table, body, .. } => {
            if table.previous {
                out.push(&table.name.text);
            }
            assertion_tables(body, Some(&table.name.text), out);
        }
        Assertion::Each {
            table,
            filter,
            body,
            ..
        } => {
            if table.previous {
                out.push(&table.name.text);
            }
            let within = Some(table.name.text.as_str());
            if let Some(f) = filter {
                expr_tables(f, within, out);
            }
            assertion_tables(body, within, out);
        }
        Assertion::For { body, .. } => assertion_tables(body, within, out),
        Assertion::If { cond, body, .. } => {
            expr_tables(cond, within, out);
            assertion_tables(body, within, out);
        }
        Assertion::Block(items, _) => items.iter().for_each(|i| assertion_tables(i, within, out)),
        Assertion::Check(e) => expr_tables(e, within, out),
    }
}

fn expr_tables<'a>(e: &'a Expr, within: Option<&'a str>, out: &mut Vec<&'a str>) {
    match &e.kind {
        ExprKind::Ref {
            previous,
            reference,
        } => {
            if let Reference::Keyed { key, .. } = reference {
                expr_tables(key, within, out);
            }
            if !previous {
                return;
            }
            match reference {
                Reference::Column { table, .. }
                | Reference::Keyed { table, .. }
                | Reference::Total {
                    table: Some(table), ..
                } => out.push(&table.text),
                Reference::Name(_) | Reference::Parent { .. } | Reference::Total { .. } => {
                    out.extend(within)
                }
            }
        }
        _ => e
            .children()
            .into_iter()
            .for_each(|x| expr_tables(x, within, out)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compared(rules: &str) -> Vec<String> {
        let (set, _) = crate::check::statics::testing::rule_set(rules);
        let mut out = Vec::new();
        for r in &set.rules {
            for a in &r.rule.body {
                assertion_tables(a, None, &mut out);
            }
        }
        out.into_iter().map(str::to_string).collect()
    }

    #[test]
    fn the_tables_read_in_the_previous_report_are_found_in_every_form() {
        let rules = r#"
rule a "a" { each prognos: bokslut == previous.bokslut }
rule b "b" { in drift: total.netto == previous.total.netto }
rule c "c" { in personal: antal >= previous.personal["Summa"].antal }
rule d "d" { in previous.invest: sum(netto) >= 0 }
rule e "e" { each ekonomi: utfall <= previous.budget.total.ram }
rule f "f" { each ekonomi: utfall <= budget.total.ram }
"#;
        assert_eq!(
            compared(rules),
            ["prognos", "drift", "personal", "invest", "budget"]
        );
    }
}
