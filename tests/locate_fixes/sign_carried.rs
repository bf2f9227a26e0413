//! A sign flipped in a row and carried into the Summa row: the row breaks its `either sign`
//! identity, the Summa row breaks its own, and the column still adds up. The fix is the flip
//! in the row and the Summa figure the other rows call for, not two new figures elsewhere
//! that happen to leave a sum a rounding step nearer to exact.

use crate::common::{root, scratch_in};
use crate::helpers::{copy_dir, finding};
use rimlig::locate::{FixKind, FixStatus};
use rimlig::run::{Run, check};

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
