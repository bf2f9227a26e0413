//! What a fix says besides the checks it makes pass: the checks that "still hold" with its
//! change made, and how a finding under a fix of several cells refers to it.

use crate::helpers::{check_table, fails, finding, text};
use rimlig::locate::FixStatus;

const SCRATCH: &str = "locate-still-holds";

/// `a` should be 0. The info check `i` fails before the change and after it: a fix must not
/// say it still holds. `p` passes before and after, and does still hold.
#[test]
fn a_check_that_was_failing_is_not_said_to_still_hold() {
    let table = "k;a;b\nx;5;0\n";
    let rules = "rule f { each t: a == 0 }\n\
                 rule i {\n  severity info\n  each t: a + b == 100\n}\n\
                 rule p { each t: a <= b + 10 }\n";
    let run = check_table(SCRATCH, "info", table, rules);
    // The info check fails as the table stands.
    assert!(fails(&run, "i (x)"));
    let fix = finding(&run, "f", "x").fix.as_ref().expect("a fix");
    assert_eq!(fix.status, FixStatus::Localised, "{}", fix.summary());
    let [c] = fix.changes.as_slice() else {
        panic!("one cell: {}", fix.summary())
    };
    assert_eq!((c.column_name.as_str(), c.suggested.as_str()), ("a", "0"));
    assert_eq!(fix.fixes, ["f (x)"]);
    assert_eq!(fix.keeps, ["p (x)"], "{}", fix.summary());
    assert!(
        fix.summary().contains("p (x) still holds"),
        "{}",
        fix.summary()
    );
    assert!(!fix.summary().contains("i (x)"), "{}", fix.summary());
    // With the change made, `i` still fails and `p` passes: what the fix says is so.
    let after = check_table(SCRATCH, "info-after", "k;a;b\nx;0;0\n", rules);
    assert!(fails(&after, "i (x)"));
    assert!(!fails(&after, "p (x)"));
    assert!(!fails(&after, "f (x)"));
}

/// Both signs flipped: `d` reads both cells, `n` and `o` one each, and only the two changes
/// together make the three pass. Each finding under that fix refers to
/// "the changes above"; a finding under a fix of one cell, to "the change above".
#[test]
fn findings_under_a_fix_of_several_cells_are_explained_by_the_changes_above() {
    let run = check_table(
        SCRATCH,
        "two-cells",
        "k;p;b;a;m;o\nx;-300;-290;10;300;290\n",
        "rule n { each t: p == m }\nrule o { each t: b == o }\n\
         rule d { each t: a == p - b }\n",
    );
    let s = finding(&run, "n", "x").fix.as_ref().expect("a fix");
    assert_eq!(s.status, FixStatus::Localised, "{}", s.summary());
    let cells: Vec<(&str, &str)> = s
        .changes
        .iter()
        .map(|c| (c.column_name.as_str(), c.suggested.as_str()))
        .collect();
    assert_eq!(cells, [("p", "300"), ("b", "290")], "{}", s.summary());
    assert_eq!(s.explains.len(), 3, "{}", s.summary());
    let d = finding(&run, "d", "x").fix.as_ref().expect("a fix");
    assert_eq!(d.group, s.group, "one fix for both findings");
    let out = text(&run, 100);
    assert!(out.contains("2 cells explain the next 3 findings"), "{out}");
    assert_eq!(
        out.matches("explained by the changes above:").count(),
        3,
        "{out}"
    );
    assert!(!out.contains("explained by the change above"), "{out}");

    // One cell read by both checks: its findings are explained by "the change above".
    let run = check_table(
        SCRATCH,
        "one-cell",
        "k;a;b\nx;-5;3\n",
        "rule s { each t: a + b == 8 }\nrule d { each t: a - b == 2 }\n",
    );
    let out = text(&run, 100);
    assert!(
        out.contains("one cell explains the next 2 findings"),
        "{out}"
    );
    assert_eq!(
        out.matches("explained by the change above:").count(),
        2,
        "{out}"
    );
    assert!(!out.contains("explained by the changes above"), "{out}");
}

/// A check that only several changes together make pass gets a fix of its own, for one
/// finding: it is not shown under a head, so it is said to be explained by no change above.
#[test]
fn a_fix_of_its_own_for_one_finding_is_not_said_to_be_above() {
    let run = check_table(
        SCRATCH,
        "together",
        "Verksamhet;Redovisat jan-okt 2020;Budget jan-okt 2020;Avvikelse\n\
         A;1 200;1 000;200\nB;5 600;5 000;500\nC;3 030;3 400;-100\nD;8 000;700;100\n\
         Summa;10 800;10 100;700\n",
        "table t \"t\" {\n  key k \"Verksamhet\"\n  column r \"Redovisat*\" tkr\n  \
         column b \"Budget*\" tkr\n  column a \"Avvikelse\" tkr\n  total \"Summa\"\n}\n\
         rule av { each t: a == r - b }\nrule su { in t: sum(r) == total.r }\n",
    );
    let su = run
        .outcome
        .findings
        .iter()
        .find(|f| f.rule == "su")
        .expect("the sum fails");
    let fix = su.fix.as_ref().expect("a fix");
    assert_eq!(fix.changes.len(), 3, "{}", fix.summary());
    assert!(
        fix.summary()
            .contains("these changes together make su pass"),
        "{}",
        fix.summary()
    );
    let out = text(&run, 100);
    assert!(!out.contains("explained by the change above"), "{out}");
    assert!(!out.contains("explained by the changes above"), "{out}");
}
