//! Rules that cannot apply to any checked report, because a table they use is in none of them.
//! Info only: a rule set is often written for more kinds of report than one run checks, so
//! this explains a rule with no instances rather than blaming anything. And declarations whose
//! globs reach nothing in the tables read: a column no header matches, a `total` or `skip`
//! no row key matches.

use super::RuleSet;
use super::tables_read::{Of, assertion_tables};
use crate::eval::view::{View, views_of_headers};
use crate::glob;
use crate::problem::{Problem, ProblemKind, Severity};
use crate::report::Report;
use crate::source::Sources;
use crate::suggest::{describe_look_alike, did_you_mean, without_look_alikes};
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
            assertion_tables(a, Of::Checked, &mut names);
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

/// A declared key or column whose header glob matches no header of any report table the
/// declaration reaches: most likely a typo in the glob, which would otherwise only show as
/// every check on that column being not applicable.
pub fn check_columns_found(set: &RuleSet, reports: &[Report], problems: &mut Vec<Problem>) {
    use rayon::prelude::*;
    for t in &set.tables {
        // Each report's views (their headers and the names they leave unmatched) on every
        // core, then put together in report order.
        let seen: Vec<Vec<(&[crate::report::Header], Vec<String>)>> = reports
            .par_iter()
            .map(|rep| {
                views_of_headers(set, rep, &t.decl.name.text)
                    .into_iter()
                    .map(|v| {
                        let here = v.unmatched.iter().map(|(n, _)| n.clone()).collect();
                        (v.table.headers.as_slice(), here)
                    })
                    .collect()
            })
            .collect();
        let mut headers: Vec<&str> = Vec::new();
        let mut reached = 0;
        let mut unmatched: Option<Vec<String>> = None;
        let mut last: Option<&[crate::report::Header]> = None;
        for (these, here) in seen.into_iter().flatten() {
            reached += 1;
            // Reports of one kind repeat their headers: listed once.
            let same = last.is_some_and(|l| {
                l.len() == these.len() && l.iter().zip(these).all(|(a, b)| a.text == b.text)
            });
            if !same {
                headers.extend(these.iter().map(|h| h.text.as_str()));
                last = Some(these);
            }
            unmatched = Some(match unmatched {
                None => here,
                Some(before) => before.into_iter().filter(|n| here.contains(n)).collect(),
            });
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

/// Distinct row keys looked through for a "did you mean" or a look-alike letter: a table of a
/// million rows is not compared key by key with every glob.
const KEYS_SUGGESTED_FROM: usize = 2000;

/// A declared `total` or `skip` glob that matches the key of no row in any report table the
/// declaration reaches (tables with rows only), once per declaration and glob, at the glob, as
/// `rules::no-column` is. A `total` that reaches no row is a warning (`rules::no-total`): every
/// check reading `total` is then silently not applicable, with only `-v` telling. A `skip` is
/// info (`rules::no-skip`): rule sets skip `varav*` rows in case a report has them, and a
/// mistyped one leaves its rows in the sums, where a sum check fails rather than goes quiet.
pub fn check_row_globs_found(
    set: &RuleSet,
    reports: &[Report],
    sources: &Sources,
    problems: &mut Vec<Problem>,
) {
    for t in &set.tables {
        let globs: Vec<(&str, &Str)> = t
            .decl
            .totals
            .iter()
            .map(|g| ("total", g))
            .chain(t.decl.skips.iter().map(|g| ("skip", g)))
            .collect();
        if globs.is_empty() {
            continue;
        }
        let patterns: Vec<glob::Pattern> = globs
            .iter()
            .map(|(_, g)| glob::Pattern::new(&g.text))
            .collect();
        // Nearly always the first report's table has the rows: the views of the other
        // reports (ten thousand in a large run) are made only when a glob is still unmatched.
        let mut found = vec![false; patterns.len()];
        'reports: for rep in reports {
            for v in views_of_headers(set, rep, &t.decl.name.text) {
                if globs_found(&v, &patterns, &mut found) {
                    break 'reports;
                }
            }
        }
        if found.iter().all(|f| *f) {
            continue;
        }
        let views: Vec<View> = reports
            .iter()
            .flat_map(|rep| views_of_headers(set, rep, &t.decl.name.text))
            .filter(|v| !v.table.rows.is_empty())
            .collect();
        if views.is_empty() {
            continue;
        }
        for ((what, g), _) in globs.iter().zip(found).filter(|(_, f)| !f) {
            problems.push(no_row(t, what, g, &views, sources));
        }
    }
}

/// Marks in `found` which of `patterns` match the key of some row of `v`: `true` once all
/// have.
fn globs_found(v: &View, patterns: &[glob::Pattern], found: &mut [bool]) -> bool {
    for r in 0..v.table.rows.len() {
        let key = v.key_cell(r);
        let plain = glob::is_plain(key);
        for (p, f) in patterns.iter().zip(found.iter_mut()) {
            if !*f {
                *f = if plain {
                    p.matches_plain(key)
                } else {
                    p.matches(key)
                };
            }
        }
        if found.iter().all(|f| *f) {
            return true;
        }
    }
    false
}

/// The `rules::no-total` warning or `rules::no-skip` info for the glob `g` (a `what` glob:
/// `total`, `skip`) of `t`.
fn no_row(
    t: &super::LoadedTable,
    what: &str,
    g: &Str,
    views: &[View],
    sources: &Sources,
) -> Problem {
    let file = |v: &View| sources.get(v.table.source).name.clone();
    let tables = match views {
        [v] => file(v),
        [v, ..] => format!(
            "any of the {} tables it reaches ({}, …)",
            views.len(),
            file(v)
        ),
        [] => String::new(),
    };
    let (code, severity, consequence) = if what == "total" {
        (
            "rules::no-total",
            Severity::Warning,
            "`total` has no row to read and checks against it are not applicable",
        )
    } else {
        (
            "rules::no-skip",
            Severity::Info,
            "no row is left out of the sums",
        )
    };
    let help = match nearest_key(&g.text, views) {
        Some(hint) => format!("{consequence}; {hint}"),
        None => format!("{consequence}; globs ignore case and know `*`, `?` and `{{a,b}}`"),
    };
    Problem::new(
        ProblemKind::Rules,
        severity,
        code,
        format!(
            "{what} \"{}\" of table {} matches no row key in {tables}",
            g.text, t.decl.name.text
        ),
    )
    .with_label(t.source, g.span, "matches no row")
    .with_help(help)
}

/// What a key near the glob `glob` says: a key that matches it but for a Cyrillic or Greek
/// letter that looks Latin (`Summа`), or one close enough to be a typo of it.
fn nearest_key(glob: &str, views: &[View]) -> Option<String> {
    let mut seen = std::collections::HashSet::new();
    let keys: Vec<&str> = views
        .iter()
        .flat_map(|v| (0..v.table.rows.len()).map(|r| v.key_cell(r)))
        .filter(|k| !k.is_empty() && seen.insert(*k))
        .take(KEYS_SUGGESTED_FROM)
        .collect();
    for key in &keys {
        if let Some((latin, letter)) = without_look_alikes(key)
            && glob::matches(glob, &latin)
        {
            return Some(format!(
                "the key \"{key}\" contains {}, which looks like a Latin one",
                describe_look_alike(letter)
            ));
        }
    }
    let spaced = glob.split_whitespace().collect::<Vec<_>>().join(" ");
    did_you_mean(&spaced, keys.iter().copied()).map(|k| format!("did you mean \"{k}\"?"))
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
