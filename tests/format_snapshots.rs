//! Snapshots of the machine and CI formats (`--format sarif|github|gitlab|junit|concise`) on the
//! Linköping example with the built-in rules, and on `tests/data/formats/`: a report with a
//! file name that needs escaping (`Drift, 100% (å).csv`), keys with `&`, `<`, `:` and `,`, a
//! finding of each severity, a `for` instance, two findings on one cell, a rule that is never
//! applicable, and a ragged row (a data problem).
//!
//! Update with `INSTA_UPDATE=always cargo test --test format_snapshots`, then read every changed
//! `.snap` in tests/snapshots/ before committing it.

use rimlig::render::{concise, github, gitlab, junit, sarif};
use rimlig::run::{Run, check};
use std::path::PathBuf;

fn run(reports: &[&str], rules: &[&str]) -> Run {
    let reports: Vec<PathBuf> = reports.iter().map(PathBuf::from).collect();
    let rules: Vec<PathBuf> = rules.iter().map(PathBuf::from).collect();
    check(&reports, &rules)
}

fn examples() -> Run {
    let r = run(&["examples/linkoping-vss"], &[]);
    assert_eq!(r.exit_code(false), 1);
    r
}

fn fixture() -> Run {
    let r = run(
        &["tests/data/formats/report"],
        &["tests/data/formats/formats.rules"],
    );
    assert_eq!(r.exit_code(false), 1);
    r
}

/// SARIF names rimlig's version: kept out of the snapshot so a release does not change it.
fn sarif_text(run: &Run) -> String {
    sarif::render(run, false).replace(
        &format!("\"{}\"", env!("CARGO_PKG_VERSION")),
        "\"[version]\"",
    )
}

#[test]
fn sarif_examples() {
    insta::assert_snapshot!("sarif_examples", sarif_text(&examples()));
}

#[test]
fn sarif_fixture() {
    insta::assert_snapshot!("sarif_fixture", sarif_text(&fixture()));
}

#[test]
fn github_examples() {
    insta::assert_snapshot!("github_examples", github::render(&examples()));
}

#[test]
fn github_fixture() {
    insta::assert_snapshot!("github_fixture", github::render(&fixture()));
}

#[test]
fn gitlab_examples() {
    insta::assert_snapshot!("gitlab_examples", gitlab::render(&examples()));
}

#[test]
fn gitlab_fixture() {
    insta::assert_snapshot!("gitlab_fixture", gitlab::render(&fixture()));
}

#[test]
fn junit_examples() {
    insta::assert_snapshot!("junit_examples", junit::render(&examples()));
}

#[test]
fn junit_fixture() {
    insta::assert_snapshot!("junit_fixture", junit::render(&fixture()));
}

#[test]
fn concise_examples() {
    insta::assert_snapshot!("concise_examples", concise::render(&examples()));
}

#[test]
fn concise_fixture() {
    insta::assert_snapshot!("concise_fixture", concise::render(&fixture()));
}
