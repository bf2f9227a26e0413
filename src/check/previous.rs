//! A previous report that has none of the tables the rules compare with it.
//!
//! `previous` in `report.toml` may name anything that can be read: another unit's folder, a
//! file that is no report at all. Every `previous.` check of the report is then not
//! applicable, and the run would say nothing about why. When the report has a table that a
//! rule compares with its previous report, and the previous report has none of them, that is
//! said once per previous report.

use super::RuleSet;
use super::tables_read::{Of, assertion_tables};
use crate::eval::view::has_table;
use crate::problem::{Problem, ProblemKind, Severity};
use crate::report::Report;
use crate::report::discover::display_path;

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
        let mut names = Vec::new();
        for a in &r.rule.body {
            assertion_tables(a, Of::Previous, &mut names);
        }
        compared.extend(names.iter().map(|n| n.text.as_str()));
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
