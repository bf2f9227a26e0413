//! `rimlig rules --analyze` end to end: the planted problems of `tests/data/analyze/` are found
//! (and nothing else), the exit codes, the JSON document, a snapshot of the terminal text, and
//! the built-in library, which must not contradict itself.
//!
//! Update the snapshot with `INSTA_UPDATE=always cargo test --test analyze`, then read the
//! changed `.snap` in tests/snapshots/ before committing it.

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

const PLANTED: &str = "tests/data/analyze/planted.rules";

/// Run `rimlig ARGS…` from the crate root, so paths in the output stay relative.
fn rimlig(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rimlig"))
        .args(args)
        .current_dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")))
        .env_remove("NO_COLOR")
        .env_remove("FORCE_COLOR")
        .env_remove("COLUMNS")
        .output()
        .expect("the rimlig binary runs")
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("rimlig exits with a code")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("stderr is UTF-8")
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}\n{}", stdout(o), stderr(o)))
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|x| x.as_str().expect("a string").to_string())
        .collect()
}

#[test]
fn the_planted_problems_are_found_and_nothing_else() {
    let o = rimlig(&["rules", "--analyze", "--rules", PLANTED, "--format", "json"]);
    assert_eq!(
        code(&o),
        1,
        "a contradiction fails the run:\n{}",
        stderr(&o)
    );
    assert_eq!(stderr(&o), "", "the fixture loads without problems");
    let doc = json(&o);

    let contradictions = doc["contradictions"].as_array().unwrap();
    assert_eq!(contradictions.len(), 1, "{doc:#}");
    assert_eq!(
        strings(&contradictions[0]["rules"]),
        ["budget-minst", "budget-hogst"]
    );
    let checks: Vec<(&str, &str, u64)> = contradictions[0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["rule"].as_str().unwrap(),
                c["check"].as_str().unwrap(),
                c["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        checks,
        [
            ("budget-minst", "budget >= 10", 14),
            ("budget-hogst", "budget <= 5", 18)
        ]
    );

    let redundant = doc["redundant"].as_array().unwrap();
    assert_eq!(redundant.len(), 1, "{doc:#}");
    assert_eq!(redundant[0]["rule"], "avvikelse-ungefar");
    assert_eq!(strings(&redundant[0]["implied_by"]), ["avvikelse"]);
    assert_eq!(redundant[0]["whole_rule"], true);

    let cannot_fail = doc["cannot_fail"].as_array().unwrap();
    assert_eq!(cannot_fail.len(), 1, "{doc:#}");
    assert_eq!(cannot_fail[0]["rule"], "redovisat-sig-sjalv");
    assert_eq!(
        strings(&cannot_fail[0]["checks"]),
        ["redovisat <= redovisat + 1"]
    );

    let not_analysed: Vec<(&str, &str)> = doc["not_analysed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["rule"].as_str().unwrap(), n["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(
        not_analysed,
        [
            ("stor-budget", "it has a `where` condition"),
            ("oforandrad", "it reads the previous report"),
            ("inga-varav", "it matches text against a pattern"),
        ]
    );
    assert_eq!(doc["undecided"].as_array().unwrap().len(), 0);
    assert_eq!(doc["summary"]["rules"], 9);
    assert_eq!(doc["summary"]["analysed"], 6);
}

#[test]
fn terminal_output_snapshot() {
    let o = rimlig(&[
        "rules",
        "--analyze",
        "--rules",
        PLANTED,
        "--color",
        "never",
        "--width",
        "100",
    ]);
    assert_eq!(code(&o), 1);
    insta::assert_snapshot!("analyze_planted", stdout(&o));
}

#[test]
fn redundancy_alone_is_a_warning_and_exits_zero() {
    let o = rimlig(&[
        "rules",
        "--analyze",
        "--rules",
        "tests/data/analyze/warnings-only.rules",
        "--color",
        "never",
    ]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("rule `budget-positiv` is implied by `budget-minst-tio`"),
        "{out}"
    );
    assert!(
        out.contains(
            "analysed 2 of 2 rules: 0 contradictions, 1 redundancy, 0 checks that cannot fail"
        ),
        "{out}"
    );
}

/// A contradiction that holds only with `within rounding` read exactly is a warning and does
/// not fail the run: with the rounding of printed figures the rules may all pass (here a = 10
/// and b = 9 in whole tkr pass both).
#[test]
fn a_contradiction_through_rounding_read_exactly_is_a_warning() {
    let rules = "tests/data/analyze/rounding.rules";
    let o = rimlig(&["rules", "--analyze", "--rules", rules, "--color", "never"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains(
            "⚠ rules `lika` and `ett-mer` contradict each other if `within rounding` is read exactly"
        ),
        "{out}"
    );
    let o = rimlig(&["rules", "--analyze", "--rules", rules, "--format", "json"]);
    assert_eq!(code(&o), 0);
    assert_eq!(
        json(&o)["contradictions"][0]["rounding_read_as_exact"],
        true
    );
}

#[test]
fn broken_rule_files_exit_two() {
    let o = rimlig(&[
        "rules",
        "--analyze",
        "--rules",
        "tests/data/rules-errors/syntax.rules",
        "--color",
        "never",
    ]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("rules::syntax"), "{}", stderr(&o));
    // Nothing on stdout in the terminal text (the JSON prints the problems, below).
    assert_eq!(stdout(&o), "");
}

#[test]
fn broken_rule_files_as_json_print_the_problems() {
    let o = rimlig(&[
        "rules",
        "--analyze",
        "--rules",
        "tests/data/rules-errors/syntax.rules",
        "--format",
        "json",
    ]);
    assert_eq!(code(&o), 2);
    let doc = json(&o);
    assert_eq!(doc["exit_code"], 2, "{doc:#}");
    // None of the analysis's lists: a broken rule set does not read as one without
    // contradictions.
    let keys: Vec<&String> = doc.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["exit_code", "problems"], "{doc:#}");
    let problems = doc["problems"].as_array().unwrap();
    assert!(!problems.is_empty(), "{doc:#}");
    let p = &problems[0];
    assert_eq!(p["severity"], "error", "{p}");
    assert_eq!(p["code"], "rules::syntax", "{p}");
    assert_eq!(p["file"], "tests/data/rules-errors/syntax.rules", "{p}");
    assert!(p["line"].as_u64() >= Some(1), "{p}");
    assert!(p["column"].as_u64() >= Some(1), "{p}");
    assert!(p["span"]["length"].is_u64(), "{p}");
    assert!(!p["message"].as_str().unwrap().is_empty(), "{p}");
    // As `rimlig rules --format json` gives them.
    let listed = json(&rimlig(&[
        "rules",
        "--rules",
        "tests/data/rules-errors/syntax.rules",
        "--format",
        "json",
    ]));
    assert_eq!(doc["problems"], listed["problems"]);
    // The diagnostics are on stderr as before.
    assert!(stderr(&o).contains("rules::syntax"), "{}", stderr(&o));

    // A rule with an error of its own, and a path that is not there.
    for (path, code_) in [
        ("tests/data/static/type.rules", "rules::type"),
        ("tests/data/nowhere.rules", "io::not-found"),
    ] {
        let o = rimlig(&["rules", "--analyze", "--rules", path, "--format", "json"]);
        assert_eq!(code(&o), 2, "{path}");
        let doc = json(&o);
        assert_eq!(doc["exit_code"], 2, "{doc:#}");
        let codes: Vec<&str> = doc["problems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["code"].as_str().unwrap())
            .collect();
        assert!(codes.contains(&code_), "{path}: {doc:#}");
    }
}

#[test]
fn the_builtin_library_has_no_contradiction() {
    let o = rimlig(&["rules", "--analyze", "--format", "json"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let doc = json(&o);
    assert_eq!(
        doc["contradictions"].as_array().unwrap().len(),
        0,
        "{doc:#}"
    );
    // Analysed are the rules that are linear and unconditional (sums, totals, rr/br chains).
    assert!(
        doc["summary"]["analysed"].as_u64().unwrap() >= 10,
        "{doc:#}"
    );
    assert_eq!(doc["undecided"].as_array().unwrap().len(), 0, "{doc:#}");

    let o = rimlig(&["rules", "--analyze", "--color", "never"]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains("0 contradictions"), "{}", stdout(&o));
}

#[test]
fn without_analyze_the_list_is_unchanged() {
    let o = rimlig(&["rules", "--rules", PLANTED, "--color", "never"]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains("budget-minst"));
    assert!(!stdout(&o).contains("contradict"));
}
