//! A fix says of a change only what that change does. Where several slips sit in one column,
//! each is undone one at a time, and the column's sum passes only once all of them are: that
//! is said of the changes together, not of the last one found.

use crate::common::{root, scratch_in, write};
use crate::helpers::{fails, finding, text};
use rimlig::locate::{Fix, FixStatus};
use rimlig::run::{Run, check};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// B's redovisat 5 500 written 5 600, C's 3 300 written 3 030 and D's 800 written 8 000: the
/// three rows and the sum of redovisat break.
const DRIFT: &str = "\
Verksamhet;Redovisat jan-okt 2020;Budget jan-okt 2020;Avvikelse
A;1 200;1 000;200
B;5 600;5 000;500
C;3 030;3 400;-100
D;8 000;700;100
Summa;10 800;10 100;700
";

fn report(name: &str, csv: &str) -> PathBuf {
    let dir = scratch_in("locate-together", name);
    write(
        &dir.join("report.toml"),
        "unit = \"Verksamhetsstöd och service\"\nperiod = \"2020-10\"\n",
    );
    write(&dir.join("driftsammandrag.csv"), csv);
    dir
}

/// The table with the changes of `fix` made, as the file would read after them.
fn with_changes(csv: &str, fix: &Fix) -> String {
    let mut out = csv.to_string();
    let mut changes: Vec<_> = fix.changes.iter().collect();
    // From the end, so the offsets of the others stay right.
    changes.sort_by_key(|c| std::cmp::Reverse(c.span.offset));
    for c in changes {
        let at = c.span.offset..c.span.offset + c.span.length;
        assert_eq!(
            out[at.clone()],
            c.written,
            "the change points at the figure"
        );
        out.replace_range(at, &c.suggested_text);
    }
    out
}

fn check_csv(name: &str, csv: &str) -> Run {
    let dir = report(name, csv);
    let run = check(std::slice::from_ref(&dir), &[]);
    let _ = std::fs::remove_dir_all(&dir);
    run
}

fn assert_valid(doc: &Value) {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("docs/rimlig-check.schema.json")).unwrap(),
    )
    .unwrap();
    let v = jsonschema::validator_for(&schema).expect("the schema compiles");
    let errors: Vec<String> = v.iter_errors(doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn a_sum_that_several_changes_make_pass_is_credited_to_them_together() {
    let run = check_csv("three", DRIFT);
    // Each row's slip is its own fix, and says only what that change does.
    let mut row_groups = Vec::new();
    for (key, suggested) in [("B", "5500"), ("C", "3300"), ("D", "800")] {
        let fix = finding(&run, "drift-avvikelse", key)
            .fix
            .as_ref()
            .expect("a fix");
        assert_eq!(fix.status, FixStatus::Localised, "{}", fix.summary());
        let [c] = fix.changes.as_slice() else {
            panic!("one cell: {}", fix.summary())
        };
        assert_eq!((c.row_key.as_str(), c.suggested.as_str()), (key, suggested));
        assert_eq!(fix.fixes, [format!("drift-avvikelse ({key})")]);
        assert!(
            fix.summary().contains(&format!(
                "that one change makes drift-avvikelse ({key}) pass"
            )),
            "{}",
            fix.summary()
        );
        assert!(!fix.summary().contains("drift-summa"), "{}", fix.summary());
        row_groups.push(fix.group);
    }
    // The sum passes with all three changes made: a fix of its own, naming them all.
    let sum = finding(&run, "drift-summa", "Summa");
    let fix = sum.fix.as_ref().expect("a fix");
    assert_eq!(fix.status, FixStatus::Localised, "{}", fix.summary());
    let cells: Vec<(&str, &str)> = fix
        .changes
        .iter()
        .map(|c| (c.row_key.as_str(), c.suggested.as_str()))
        .collect();
    assert_eq!(cells, [("B", "5500"), ("C", "3300"), ("D", "800")]);
    assert_eq!(fix.fixes, ["drift-summa[redovisat]"]);
    assert_eq!(fix.explains, [sum.fingerprint()]);
    assert!(!row_groups.contains(&fix.group), "a group of its own");
    assert!(
        fix.summary()
            .contains("these changes together make drift-summa[redovisat] pass"),
        "{}",
        fix.summary()
    );
    // On the terminal no finding is said to be explained by a change shown above it.
    let text = text(&run, 100);
    assert!(!text.contains("explained by the change above"), "{text}");
    assert!(!text.contains("explains the next"), "{text}");
    assert_valid(
        &serde_json::from_str(&rimlig::render::json::render(
            &run,
            rimlig::run::Gate::default(),
        ))
        .expect("json"),
    );
}

/// Every fix is made in the file and the report checked again: each check the fix says it
/// makes pass does pass. B's change alone leaves the sum failing, which is why the sum is
/// not credited to it.
#[test]
fn every_fix_makes_pass_what_it_says() {
    let run = check_csv("claims", DRIFT);
    let mut tried = 0;
    for f in &run.outcome.findings {
        let Some(fix) = f.fix.as_ref().filter(|x| !x.changes.is_empty()) else {
            continue;
        };
        let after = check_csv(&format!("claims-{tried}"), &with_changes(DRIFT, fix));
        for c in &fix.fixes {
            assert!(
                !fails(&after, c),
                "{c} still fails after: {}",
                fix.summary()
            );
        }
        tried += 1;
    }
    assert_eq!(tried, 4, "three rows and the sum");
    let b = finding(&run, "drift-avvikelse", "B").fix.as_ref().unwrap();
    let after = check_csv("b-alone", &with_changes(DRIFT, b));
    assert!(fails(&after, "drift-summa[redovisat]"));
    assert!(!fails(&after, "drift-avvikelse (B)"));
}

/// The table `t` with `rules`, checked; then, for each fix, the table with its changes made,
/// checked again: every check the fix says it makes pass, or says still holds, must. The
/// first run, and how many fixes were tried.
fn assert_claims_hold(name: &str, table: &str, rules: &str) -> (Run, usize) {
    let dir = scratch_in("locate-together", name);
    write(&dir.join("r/t.csv"), table);
    write(&dir.join("t.rules"), rules);
    let rules = [dir.join("t.rules")];
    let run = check(&[dir.join("r")], &rules);
    let mut tried = 0;
    for f in &run.outcome.findings {
        let Some(fix) = f.fix.as_ref().filter(|x| !x.changes.is_empty()) else {
            continue;
        };
        let changed = dir.join("changed");
        let _ = std::fs::remove_dir_all(&changed);
        write(&changed.join("t.csv"), &with_changes(table, fix));
        let after = check(&[changed], &rules);
        for c in fix.fixes.iter().chain(&fix.keeps) {
            assert!(!fails(&after, c), "{c} fails after: {}", fix.summary());
        }
        tried += 1;
    }
    let _ = std::fs::remove_dir_all(&dir);
    (run, tried)
}

/// Changes suggested one at a time are verified with the earlier ones made: `p` holds with
/// a and b both changed, and with a alone, but not with b alone. The fix for b must not say
/// that `p` still holds.
#[test]
fn a_check_kept_only_with_an_earlier_change_is_not_said_to_hold() {
    let (run, tried) = assert_claims_hold(
        "kept",
        "k;a;b;z\nx;30;0;5\n",
        "rule f1 { each t: a == 0 }\n\
         rule f2 { each t: b == -20 }\n\
         rule f3 { each t: z == 0 }\n\
         rule s { each t: a + b + z == -20 }\n\
         rule p { each t: a <= b + 40 }\n",
    );
    assert_eq!(tried, 4, "f1, f2, f3 and s");
    let b = finding(&run, "f2", "x").fix.as_ref().expect("a fix");
    assert!(b.keeps.is_empty(), "{}", b.summary());
}

/// `p` passes once a and b are both 0. The change of a is dropped (`u`, which no change
/// makes pass, reads a), so the change of b alone does not make `p` pass, and must not be
/// said to.
#[test]
fn a_check_that_needed_a_dropped_change_is_not_credited_to_another() {
    let (run, _) = assert_claims_hold(
        "dropped",
        "k;a;b;q\nx;30;5;0\n",
        "rule f1 { each t: a == 0 }\n\
         rule f2 { each t: b == 0 }\n\
         rule u { each t: a + q == 1000 }\n\
         rule v { each t: q == 0 }\n\
         rule p { each t: a + b == 0 }\n",
    );
    let p = finding(&run, "p", "x").fix.as_ref().expect("a fix");
    assert_eq!(p.status, FixStatus::NotLocalised, "{}", p.summary());
}

/// A finding no change explains names no check that a change makes pass.
#[test]
fn a_finding_not_localised_lists_no_check_as_fixed() {
    let dir = scratch_in("locate-together", "never");
    write(&dir.join("r/t.csv"), "namn;a;b\nx;4;1\n");
    // `a >= 5` and `a <= 3` cannot both hold: no value of any cell makes both pass.
    write(
        &dir.join("never.rules"),
        "rule low { each t: a >= 5 }\nrule high { each t: a <= 3 }\n",
    );
    let run = check(&[dir.join("r")], &[dir.join("never.rules")]);
    let f = finding(&run, "low", "x");
    let fix = f.fix.as_ref().expect("a fix");
    assert_eq!(fix.status, FixStatus::NotLocalised, "{}", fix.summary());
    assert!(fix.fixes.is_empty(), "{:?}", fix.fixes);
    let doc: Value = serde_json::from_str(&rimlig::render::json::render(
        &run,
        rimlig::run::Gate::default(),
    ))
    .expect("json");
    let fix = &doc["findings"][0]["fix"];
    assert_eq!(fix["status"], "not_localised");
    assert_eq!(fix["fixes"], serde_json::json!([]));
    assert_valid(&doc);
    let _ = std::fs::remove_dir_all(Path::new(&dir));
}
