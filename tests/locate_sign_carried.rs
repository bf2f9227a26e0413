//! A sign flipped in a row and carried into the Summa row: the row breaks its `either sign`
//! identity, the Summa row breaks its own, and the column still adds up. The fix is the flip
//! in the row and the Summa figure the other rows call for, not two new figures elsewhere
//! that happen to leave a sum a rounding step nearer to exact.

mod common;

use common::{root, scratch_in};
use rimlig::finding::Finding;
use rimlig::locate::{FixKind, FixStatus};
use rimlig::run::{Run, check};
use std::path::Path;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

/// The October example with `edit` made to its driftsammandrag, checked with the library.
fn check_example(name: &str, edit: impl Fn(&str) -> String) -> Run {
    let dir = scratch_in("locate-sign-carried", name);
    copy_dir(
        &root().join("examples/linkoping-vss/2020-10"),
        &dir.join("r"),
    );
    let path = dir.join("r/driftsammandrag.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = edit(&text);
    assert_ne!(edited, text, "the edit applies");
    std::fs::write(&path, edited).unwrap();
    let run = check(&[dir.join("r")], &[root().join("rules")]);
    let _ = std::fs::remove_dir_all(&dir);
    run
}

fn finding<'a>(run: &'a Run, rule: &str, row_key: &str) -> &'a Finding {
    run.outcome
        .findings
        .iter()
        .find(|f| &*f.rule == rule && f.row_key.as_deref() == Some(row_key))
        .unwrap_or_else(|| panic!("no {rule} finding on {row_key}"))
}

/// HR service's avvikelse 62 written -62, and the Summa row's 9 169 worked out from it
/// (9 045). drift-summa[avvikelse] holds; drift-avvikelse fails on both rows.
#[test]
fn a_sign_slip_carried_into_the_summa_row_is_the_fix() {
    let run = check_example("avvikelse", |t| {
        t.replace("HR service;192;129;62;", "HR service;192;129;-62;")
            .replace("Summa;9 962;793;9 169;", "Summa;9 962;793;9 045;")
    });
    assert!(
        !run.outcome
            .findings
            .iter()
            .any(|f| f.rule.starts_with("drift-summa")),
        "the column still adds up"
    );
    let row = finding(&run, "drift-avvikelse", "HR service");
    let total = finding(&run, "drift-avvikelse", "Summa");
    let fix = row.fix.as_ref().expect("a fix");
    assert_eq!(fix.status, FixStatus::Localised, "{}", fix.summary());
    let shown: Vec<(&str, &str, &str, FixKind)> = fix
        .changes
        .iter()
        .map(|c| {
            (
                c.row_key.as_str(),
                c.column_name.as_str(),
                c.suggested_text.as_str(),
                c.kind,
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            ("HR service", "Avvikelse", "62", FixKind::Sign),
            ("Summa", "Avvikelse", "9 169", FixKind::Value),
        ],
        "{}",
        fix.summary()
    );
    // One fix for both findings.
    assert_eq!(
        total.fix.as_ref().map(|f| f.group),
        Some(fix.group),
        "{}",
        fix.summary()
    );
}
