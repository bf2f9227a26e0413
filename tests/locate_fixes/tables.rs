//! A fix whose change is in another table than the finding it explains names that table:
//! the controller reading a driftsammandrag finding must know the figure is in the prognos.

use crate::helpers::{check_tables, rule_finding, text};

const SCRATCH: &str = "locate-tables";

const RULES: &str = "rule r1 { each t: v == z }\nrule r2 { each t: v == u[k].w }\n";

/// `v` in t cannot change (r1 holds on it), so the figure of u is the one to change: the
/// finding is in t, and the fix names u.
#[test]
fn a_change_in_another_table_is_named_with_it() {
    let run = check_tables(SCRATCH, "other", "k;v;z\nx;5;5\n", "k;w\nx;7\n", RULES);
    let f = rule_finding(&run, "r2");
    assert_eq!(&*f.table, "t");
    let fix = f.fix.as_ref().expect("a fix");
    assert_eq!(fix.changes[0].table, "u", "{}", fix.summary());
    assert!(
        fix.summary().starts_with("fix: u · x · w ("),
        "{}",
        fix.summary()
    );
    let out = text(&run, 200);
    assert!(out.contains("fix: u · x · w ("), "{out}");
    assert!(out.contains("u.csv:2:3): 7 is most likely 5"), "{out}");
}

/// One change explains a finding in t and one in u: the findings under the fix's head say
/// which table the change above is in.
#[test]
fn findings_of_two_tables_under_one_change_name_its_table() {
    let rules = format!("{RULES}rule r3 {{ each u: w <= 6 }}\n");
    let run = check_tables(SCRATCH, "group", "k;v;z\nx;5;5\n", "k;w\nx;7\n", &rules);
    let fix = rule_finding(&run, "r3").fix.as_ref().expect("a fix");
    assert_eq!(fix.fixes, ["r2 (x)", "r3 (x)"], "{}", fix.summary());
    let out = text(&run, 200);
    assert!(
        out.contains("explained by the change above: u · x · w: 7 → 5"),
        "{out}"
    );
    assert!(out.contains("fix: u · x · w: 7 is most likely 5"), "{out}");
}

/// A change in the finding's own table, with no other table in the fix: no table named.
#[test]
fn a_change_in_the_same_table_is_not_named_with_it() {
    let run = check_tables(SCRATCH, "same", "k;v;z\nx;5;6\n", "k;w\nx;5\n", RULES);
    let fix = rule_finding(&run, "r1").fix.as_ref().expect("a fix");
    assert_eq!(fix.changes[0].table, "t", "{}", fix.summary());
    assert!(fix.summary().starts_with("fix: x · z"), "{}", fix.summary());
}

/// A row key of ten thousand characters is cut short in a fix's words, which name the row for
/// the change, for each check it makes pass and for each alternative: a key of megabytes made
/// hundreds of megabytes of output. The JSON's `row_key` of a change is cut only as a
/// finding's is, after 500 characters.
#[test]
fn a_long_row_key_is_cut_short_in_a_fix() {
    let key = "K".repeat(10_000);
    let run = check_tables(
        SCRATCH,
        "long-key",
        &format!("k;v;z\n{key};5;6\n"),
        "k;w\nx;5\n",
        RULES,
    );
    let f = rule_finding(&run, "r1");
    let fix = f.fix.as_ref().expect("a fix");
    let summary = fix.summary();
    assert!(summary.len() < 1_000, "{} bytes", summary.len());
    assert!(
        summary.contains(&format!("{}… · ", "K".repeat(80))),
        "{summary}"
    );
    assert!(fix.fixes.iter().all(|d| d.len() < 200), "{:?}", fix.fixes);
    assert_eq!(fix.changes[0].row_key, format!("{}…", "K".repeat(500)));
    assert_eq!(
        fix.changes[0].row_key,
        f.row_key.clone().unwrap_or_default()
    );
    assert!(text(&run, 100).len() < 5_000);
}
