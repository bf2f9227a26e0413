//! Snapshots of what users see in the terminal (no colour, 100 columns): the Linköping example
//! with the built-in rules, and the diagnostics for broken rule files.
//!
//! Update with `INSTA_UPDATE=always cargo test --test snapshots` (or `cargo insta review`), then
//! read every changed `.snap` in tests/snapshots/ before committing it.

use rimlig::render::human::{Style, render};
use rimlig::run::{Run, check};
use std::path::PathBuf;

const STYLE: Style = Style {
    color: false,
    width: 100,
    verbose: false,
};

/// `rimlig check REPORTS --rules RULES` from the crate root, rendered for the terminal.
/// Paths stay relative so the snapshots do not depend on where the repository is checked out.
fn human(reports: &[&str], rules: &[&str]) -> (Run, String) {
    let reports: Vec<PathBuf> = reports.iter().map(PathBuf::from).collect();
    let rules: Vec<PathBuf> = rules.iter().map(PathBuf::from).collect();
    let run = check(&reports, &rules);
    let text = render(&run, STYLE);
    (run, text)
}

fn codes(run: &Run) -> Vec<&'static str> {
    run.problems.iter().map(|p| p.code).collect()
}

#[test]
fn linkoping_example_with_the_builtin_rules() {
    let (run, text) = human(&["examples/linkoping-vss"], &[]);
    assert_eq!(run.exit_code(false), 1);
    assert!(run.problems.is_empty());
    insta::assert_snapshot!("linkoping_example", text);
}

#[test]
fn all_syntax_errors_of_a_file_are_reported() {
    let (run, text) = human(
        &["examples/linkoping-vss"],
        &["tests/data/rules-errors/syntax.rules"],
    );
    assert_eq!(
        codes(&run),
        ["rules::syntax", "rules::syntax", "rules::syntax"]
    );
    assert_eq!(run.exit_code(false), 2);
    insta::assert_snapshot!("syntax_errors", text);
}

#[test]
fn unknown_columns_get_a_did_you_mean() {
    let (run, text) = human(
        &["examples/linkoping-vss"],
        &["tests/data/rules-errors/unknown-column.rules"],
    );
    assert_eq!(run.problems.len(), 2, "{text}");
    assert!(
        run.problems
            .iter()
            .all(|p| p.code.starts_with("rules::unknown")),
        "{text}"
    );
    assert!(text.contains("did you mean `budget`?"), "{text}");
    assert!(text.contains("did you mean `redovisat`?"), "{text}");
    assert_eq!(run.exit_code(false), 2);
    insta::assert_snapshot!("unknown_column", text);
}

#[test]
fn a_rule_id_used_in_two_files_is_an_error() {
    let (run, text) = human(
        &["examples/linkoping-vss"],
        &["tests/data/rules-errors/duplicate"],
    );
    assert_eq!(codes(&run), ["rules::duplicate-rule"]);
    assert!(
        text.contains("tests/data/rules-errors/duplicate/drift.rules"),
        "{text}"
    );
    assert!(
        text.contains("tests/data/rules-errors/duplicate/prognos.rules"),
        "{text}"
    );
    assert_eq!(run.exit_code(false), 2);
    insta::assert_snapshot!("duplicate_rule_id", text);
}
