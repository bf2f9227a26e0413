//! A fix for a cell that a JSON report writes as a number suggests a JSON number
//! (`5500.0`); one written as a string is suggested the Swedish way (`5 500,0`), as the
//! report writes it.

use crate::common::{scratch_in, write};
use rimlig::locate::Change;
use rimlig::run::{Run, check};

/// The JSON report `rows` (of table t: k, a, b, d) checked with `d == a - b`.
fn check_json(name: &str, rows: &str) -> Run {
    let dir = scratch_in("locate-json-number", name);
    let report = format!(
        "{{\"tables\": {{\"t\": {{\"columns\": [\"k\", \"a\", \"b\", \"d\"], \"rows\": {rows}}}}}}}\n"
    );
    write(&dir.join("r.json"), &report);
    write(&dir.join("t.rules"), "rule r { each t: d == a - b }\n");
    let run = check(&[dir.join("r.json")], &[dir.join("t.rules")]);
    let _ = std::fs::remove_dir_all(&dir);
    run
}

fn change(run: &Run) -> &Change {
    let f = run
        .outcome
        .findings
        .iter()
        .find(|f| &*f.rule == "r")
        .expect("a finding");
    let fix = f.fix.as_ref().expect("a fix");
    let [c] = fix.changes.as_slice() else {
        panic!("one cell: {}", fix.summary())
    };
    c
}

#[test]
fn a_json_number_is_suggested_as_a_json_number() {
    let run = check_json("number", "[[\"x\", 10000.0, 4500.0, 5050.0]]");
    let c = change(&run);
    assert_eq!(c.column_name, "d");
    assert_eq!(c.written, "5050.0");
    assert_eq!(c.suggested, "5500");
    assert_eq!(c.suggested_text, "5500.0");
}

#[test]
fn a_negative_json_number_is_suggested_as_a_json_number() {
    let run = check_json("negative", "[[\"x\", -20000, -14500, 5500]]");
    let c = change(&run);
    assert_eq!(c.column_name, "d");
    assert_eq!(c.suggested_text, "-5500");
}

#[test]
fn a_figure_in_a_json_string_is_suggested_the_swedish_way() {
    let run = check_json("string", "[[\"x\", 10000.0, 4500.0, \"5 050,0\"]]");
    let c = change(&run);
    assert_eq!(c.column_name, "d");
    assert_eq!(c.suggested_text, "5 500,0");
}
