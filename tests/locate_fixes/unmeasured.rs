//! A check that cannot be measured as the report stands (a sum with no total row) must not
//! keep a slip in another check from being localised; a change that lets it be measured
//! must still pass it.

use crate::common::{assert_fix, root, scratch_in};
use crate::helpers::{check_table, copy_dir, fix_of};
use rimlig::locate::{FixKind, FixStatus};
use rimlig::run::check;

const SCRATCH: &str = "locate-unmeasured";

const DECLARED: &str = "table t \"t*\" {\n  key k \"k\"\n  column a \"a\"\n  column b \"b\"\n  \
                        column d \"d\"\n  total \"Summa*\"\n}\n";

/// The column sums have no total row to compare with: they are not applicable, and the
/// slip in one row's `d` is localised as it would be with no sum rule at all.
#[test]
fn a_sum_with_no_total_row_does_not_block_a_fix() {
    let rules = format!(
        "{DECLARED}rule s {{ in t: for c in [a, b, d]: sum(c) == total.c }}\n\
         rule r {{ each t: d == a - b }}\n"
    );
    let run = check_table(
        SCRATCH,
        "no-total",
        "k;a;b;d\nx;10;4;6\ny;30;5;52\n",
        &rules,
    );
    assert!(
        !run.outcome.findings.iter().any(|f| f.rule == "s"),
        "the sums cannot be checked"
    );
    let fix = fix_of(&run, "r", "y");
    assert_fix(fix, "y", "d", "25", FixKind::Transposition);
    // The sums are neither passing before the change nor after it: not said to hold.
    assert!(fix.keeps.is_empty(), "{}", fix.summary());
}

/// `b` is 0, so `a / b` cannot be worked out and `q` is not applicable. Making `b` 3 would
/// make `r` pass but `q` fail (5 / 3 > 1): that change is no fix; `c` is the cell to change.
#[test]
fn a_change_that_lets_a_check_be_measured_must_pass_it() {
    let rules = "rule r { each t: b == c }\nrule q { each t: a / b <= 1 }\n";
    let run = check_table(SCRATCH, "divisor", "k;a;b;c\nx;5;0;3\n", rules);
    assert!(!run.outcome.findings.iter().any(|f| f.rule == "q"));
    let fix = fix_of(&run, "r", "x");
    let [c] = fix.changes.as_slice() else {
        panic!("one cell: {}", fix.summary())
    };
    assert_eq!(
        (c.column_name.as_str(), c.suggested.as_str()),
        ("c", "0"),
        "{}",
        fix.summary()
    );
    assert!(
        fix.alternatives
            .iter()
            .flatten()
            .all(|a| a.column_name != "b"),
        "{}",
        fix.summary()
    );
}

/// The Linköping example's driftsammandrag without its Summa row, and one avvikelse with two
/// digits swapped: the library's drift-summa cannot be checked, and the slip gets its fix.
#[test]
fn the_example_without_its_summa_row_gets_a_fix() {
    let dir = scratch_in(SCRATCH, "example");
    copy_dir(
        &root().join("examples/linkoping-vss/2020-10"),
        &dir.join("r"),
    );
    let path = dir.join("r/driftsammandrag.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let text: String = text
        .lines()
        .filter(|l| !l.starts_with("Summa;"))
        .map(|l| {
            let l = l.replace("HR service;192;129;62;", "HR service;192;129;36;");
            format!("{l}\n")
        })
        .collect();
    assert!(text.contains("HR service;192;129;36;"));
    std::fs::write(&path, text).unwrap();
    let run = check(&[dir.join("r")], &[root().join("rules")]);
    let _ = std::fs::remove_dir_all(&dir);
    let fix = fix_of(&run, "drift-avvikelse", "HR service");
    assert_eq!(fix.status, FixStatus::Localised, "{}", fix.summary());
    let [c] = fix.changes.as_slice() else {
        panic!("one cell: {}", fix.summary())
    };
    assert_eq!(
        (c.column_name.as_str(), c.suggested_text.as_str()),
        ("Avvikelse", "63"),
        "{}",
        fix.summary()
    );
}
