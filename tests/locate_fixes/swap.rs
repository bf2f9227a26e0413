//! Two figures of a row written in each other's column: one slip, suggested as a swap when an
//! `==` that the exchange makes exact says so, and never as a guess for a bound alone.

use crate::helpers::{check_table, fix_of, text};
use rimlig::locate::{Fix, FixKind, FixStatus};

const SCRATCH: &str = "locate-swap";

const RULES: &str =
    "rule r1 { each t: prognos <= ram }\nrule r2 { each t: avvikelse == ram - prognos }\n";

/// Prognos 60 000 over a ram of 45 000 with avvikelse 15 000: ram − prognos is −15 000. With
/// the two figures exchanged both checks hold exactly, and that one slip comes before a
/// digit wrong in either.
#[test]
fn two_figures_written_in_each_others_column_are_a_swap() {
    let run = check_table(
        SCRATCH,
        "swap",
        "k;prognos;ram;avvikelse\nA;60 000;45 000;15 000\nB;10 000;12 000;2 000\n",
        RULES,
    );
    let fix = fix_of(&run, "r2", "A");
    let summary = fix.summary();
    assert_eq!(fix.status, FixStatus::Localised, "{summary}");
    let changes: Vec<(&str, &str, &str, FixKind)> = fix
        .changes
        .iter()
        .map(|c| {
            (
                c.column_name.as_str(),
                c.current.as_str(),
                c.suggested.as_str(),
                c.kind,
            )
        })
        .collect();
    assert_eq!(
        changes,
        [
            ("prognos", "60000", "45000", FixKind::Swap),
            ("ram", "45000", "60000", FixKind::Swap),
        ],
        "{summary}"
    );
    assert_eq!(fix.changes[0].kind_text, "swapped with ram", "{summary}");
    assert_eq!(
        fix.changes[1].kind_text, "swapped with prognos",
        "{summary}"
    );
    assert_eq!(fix.fixes, ["r1 (A)", "r2 (A)"], "{summary}");
    for part in [
        "60 000 → 45 000 (swapped with ram) and A · ram",
        "45 000 → 60 000 (swapped with prognos) — these changes make r1 (A) and r2 (A) pass",
    ] {
        assert!(summary.contains(part), "{summary}");
    }
    assert!(
        summary.contains("less likely: A · prognos: 60 000 → 30 000 (one digit wrong)"),
        "{summary}"
    );
    // Drawn 100 columns wide, the help's wrapping falls inside `60 000`: the figure is kept
    // whole on the next line.
    let drawn = text(&run, 100);
    assert!(
        drawn.contains("\n        60 000 (swapped with prognos)"),
        "{drawn}"
    );
    // Row B holds, and a swap is never offered where nothing fails.
    assert!(
        run.outcome
            .findings
            .iter()
            .all(|f| f.row_key.as_deref() == Some("A"))
    );
}

/// `prognos <= ram` alone only bounds the figures: any prognos up to the ram would do, and
/// exchanging the two is no likelier than another value.
#[test]
fn a_bound_alone_is_no_reason_for_a_swap() {
    let run = check_table(
        SCRATCH,
        "bound",
        "k;prognos;ram\nA;60 000;45 000\n",
        "rule r1 { each t: prognos <= ram }\n",
    );
    let fix = fix_of(&run, "r1", "A");
    assert_no_swap(fix);
}

/// The columns' sums hold: exchanging the figures of row A would break both, so the slip is
/// the one figure the sums do not read.
#[test]
fn a_swap_that_breaks_a_sum_is_not_offered() {
    let rules = format!(
        "table t \"t*\" {{\n  key k \"k\"\n  column prognos \"prognos\" tkr\n  column ram \"ram\" tkr\n  column avvikelse \"avvikelse\" tkr\n  total \"Summa*\"\n}}\n{RULES}rule r3 {{ in t: for c in [prognos, ram]: sum(c) == total.c }}\n"
    );
    let run = check_table(
        SCRATCH,
        "sum",
        "k;prognos;ram;avvikelse\nA;60 000;45 000;15 000\nB;10 000;12 000;2 000\nSumma;70 000;57 000;17 000\n",
        &rules,
    );
    let fix = fix_of(&run, "r2", "A");
    assert_no_swap(fix);
}

/// Neither the fix nor any alternative it lists is a swap.
fn assert_no_swap(fix: &Fix) {
    assert!(
        fix.changes
            .iter()
            .chain(fix.alternatives.iter().flatten())
            .all(|c| c.kind != FixKind::Swap),
        "{}",
        fix.summary()
    );
}
