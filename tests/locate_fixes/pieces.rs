//! A report with more problems than one search localises (`PROBLEMS_PER_PIECE`): its
//! problems are localised in pieces, in parallel, and each finding must still get the fix of
//! its own slip, in the order of the findings.

use crate::helpers::{check_table, fix_of};

const RULES: &str = r#"table t "t*" {
  key    k "k"
  column g "g" text
  column a "a" tkr
  column b "b" tkr
  column c "c" tkr
  total  "Summa*"
}
rule r1 { each t: c == a - b }
rule r2 { in t by g: for x in [a, b, c]: sum(x) == total.x }
"#;

/// 150 groups of two rows and a Summa row; in each group the first row's `a` has one digit
/// wrong (1 2x4 written for 1 2y4, a different digit in each group).
fn table(groups: usize) -> String {
    let mut t = String::from("g;k;a;b;c\n");
    for n in 0..groups {
        let (a1, b1) = (1000 + 10 * (n % 90) as i64 + 4, 300 + n as i64);
        let (a2, b2) = (2000 + n as i64, 500);
        let written = a1 + 10 * (1 + (n % 5) as i64);
        t += &format!("G{n};R{n}a;{written};{b1};{}\n", a1 - b1);
        t += &format!("G{n};R{n}b;{a2};{b2};{}\n", a2 - b2);
        let (sa, sb) = (a1 + a2, b1 + b2);
        t += &format!("G{n};Summa;{sa};{sb};{}\n", sa - sb);
    }
    t
}

#[test]
fn every_problem_of_a_large_report_gets_the_fix_of_its_own_slip() {
    let groups = 150;
    let run = check_table("locate-pieces", "many", &table(groups), RULES);
    let r1 = run
        .outcome
        .findings
        .iter()
        .filter(|f| &*f.rule == "r1")
        .count();
    assert_eq!(r1, groups, "one r1 finding per group");
    let mut last_group = None;
    for n in 0..groups {
        let fix = fix_of(&run, "r1", &format!("R{n}a"));
        let a1 = 1000 + 10 * (n % 90) as i64 + 4;
        let written = a1 + 10 * (1 + (n % 5) as i64);
        assert_eq!(fix.changes.len(), 1, "group {n}: {}", fix.summary());
        let change = &fix.changes[0];
        assert_eq!(
            change.row_key,
            format!("R{n}a"),
            "group {n}: {}",
            fix.summary()
        );
        assert_eq!(change.column_name, "a", "group {n}: {}", fix.summary());
        assert_eq!(change.current, written.to_string(), "group {n}");
        assert_eq!(
            change.suggested,
            a1.to_string(),
            "group {n}: {}",
            fix.summary()
        );
        // Fixes are numbered in the order of the findings they explain.
        assert!(
            last_group < Some(fix.group),
            "group {n}: fixes out of order"
        );
        last_group = Some(fix.group);
    }
}
