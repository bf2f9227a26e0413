//! Every SARIF result has a place: GitHub code scanning rejects a whole upload with a result
//! without `locations` ("locationFromSarifResult: expected at least one location",
//! github/codeql-action issue 2459). A problem about a file or folder but no line in it is a
//! result at line 1 of it; a problem about no path at all (`check::nothing-decided`, about the
//! run as a whole) is a tool execution notification, as the failing instances counted but not
//! listed are.

mod common;

use common::{root, scratch_in, write};
use serde_json::Value;
use std::path::Path;
use std::process::Output;

/// `rimlig check ARGS… --format FORMAT` in `dir`: exit code and stdout.
fn check(dir: &Path, args: &[&str], format: &str) -> (i32, String) {
    let out: Output = std::process::Command::new(env!("CARGO_BIN_EXE_rimlig"))
        .arg("check")
        .args(args)
        .args(["--format", format])
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("COLUMNS")
        .env_remove("CI")
        .output()
        .expect("the rimlig binary runs");
    (
        out.status.code().expect("an exit code"),
        String::from_utf8(out.stdout).expect("UTF-8"),
    )
}

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

/// The run's SARIF checked for what code scanning needs of a result's place, and for problems
/// that are neither a result nor a notification; its results and notifications.
fn sarif_run(dir: &Path, args: &[&str]) -> (Vec<Value>, Vec<Value>) {
    let (code, text) = check(dir, args, "sarif");
    let doc = parse(&text);
    let run = &doc["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap().clone();
    let notifications = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(run["invocations"][0]["exitCode"], code, "{args:?}");
    for r in &results {
        let locations = r["locations"]
            .as_array()
            .unwrap_or_else(|| panic!("{args:?}: a result without locations: {r:#}"));
        assert!(!locations.is_empty(), "{args:?}: empty locations: {r:#}");
        for l in locations {
            let pl = &l["physicalLocation"];
            let uri = pl["artifactLocation"]["uri"].as_str().unwrap_or_default();
            assert!(!uri.is_empty(), "{args:?}: a location without a URI: {r:#}");
            // A line to show the alert at; a workbook has none (its cell is a logical place).
            let workbook = [".xlsx", ".xlsm", ".xls", ".ods"]
                .iter()
                .any(|e| uri.ends_with(e));
            assert!(
                workbook || pl["region"]["startLine"].as_u64() >= Some(1),
                "{args:?}: a location without a line: {r:#}"
            );
        }
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], r["ruleId"], "{r:#}");
    }
    for n in &notifications {
        for key in n.as_object().unwrap().keys() {
            assert!(
                [
                    "descriptor",
                    "associatedRule",
                    "level",
                    "message",
                    "properties"
                ]
                .contains(&key.as_str()),
                "{key} in {n}"
            );
        }
        assert!(["error", "warning", "note"].contains(&n["level"].as_str().unwrap()));
        assert!(!n["message"]["text"].as_str().unwrap().is_empty(), "{n}");
    }
    // Every problem is one or the other, once.
    let (_, json) = check(dir, args, "json");
    let problems: Vec<String> = parse(&json)["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap().to_string())
        .collect();
    let mut shown: Vec<String> = results
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap().to_string())
        .filter(|id| id.contains("::"))
        .chain(
            notifications
                .iter()
                .map(|n| n["descriptor"]["id"].as_str().unwrap().to_string())
                .filter(|id| id != "check::unlisted"),
        )
        .collect();
    let mut expected = problems.clone();
    shown.sort();
    expected.sort();
    assert_eq!(shown, expected, "{args:?}: {text}");
    (results, notifications)
}

const RULES: &str = "table budget \"Budget\" {\n  key post \"Post\"\n  column utfall \"Utfall\" tkr\n  \
                     column budget \"Budget\" tkr\n  column avvikelse \"Avvikelse\" tkr\n}\n\n\
                     rule avvikelse \"Avvikelse\" {\n  each budget: avvikelse == utfall - budget\n}\n";

#[test]
fn a_run_about_nothing_the_rules_know_is_a_notification_not_a_result() {
    let dir = scratch_in("sarif-places", "nothing-decided");
    write(&dir.join("regler/r.rules"), RULES);
    // A table the rules are not about: nothing is checked, and the warning is about the run.
    write(&dir.join("rapport/annat.csv"), "A;B\n1;2\n");
    let (results, notes) = sarif_run(&dir, &["rapport", "--rules", "regler"]);
    // The rule file is told where its table is not found: that has a place.
    assert!(
        results.iter().all(|r| r["ruleId"] == "rules::no-table"),
        "{results:#?}"
    );
    assert_eq!(notes.len(), 1, "{notes:#?}");
    assert_eq!(notes[0]["descriptor"]["id"], "check::nothing-decided");
    assert_eq!(notes[0]["level"], "warning");
    assert!(
        notes[0]["message"]["text"]
            .as_str()
            .unwrap()
            .starts_with("nothing was checked: no table read (annat)"),
        "{notes:#?}"
    );

    // Rule files without a rule: the same, with a finding-free run.
    write(&dir.join("tomma/inga.rules"), "# inga regler\n");
    let (results, notes) = sarif_run(&dir, &["rapport", "--rules", "tomma"]);
    assert!(results.is_empty(), "{results:#?}");
    assert_eq!(notes[0]["descriptor"]["id"], "check::nothing-decided");

    // Beside findings and a problem with a place: those stay results.
    write(
        &dir.join("rapport2/budget.csv"),
        "Post;Utfall;Budget;Avvikelse\nHyror;120;100;7\nLöner;1;2;3;4;5\n",
    );
    let (results, _) = sarif_run(&dir, &["rapport2", "--rules", "regler"]);
    let ids: Vec<&str> = results
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"avvikelse"), "{ids:?}");
    assert!(ids.contains(&"data::ragged-row"), "{ids:?}");
}

#[test]
fn a_problem_about_a_path_is_a_result_at_its_first_line() {
    let dir = scratch_in("sarif-places", "paths");
    write(&dir.join("regler/r.rules"), RULES);
    write(
        &dir.join("rapport/budget.csv"),
        "Post;Utfall;Budget;Avvikelse\nHyror;120;100;20\n",
    );
    std::fs::create_dir_all(dir.join("tom")).unwrap();
    write(&dir.join("trasig.json"), "not json");
    for (args, code, uri) in [
        (
            &["rapport", "nowhere", "--rules", "regler"][..],
            "io::not-found",
            "nowhere",
        ),
        (&["rapport", "--rules", "tom"][..], "io::no-rules", "tom"),
        (&["tom", "--rules", "regler"][..], "io::no-reports", "tom"),
        (
            &["rapport", "--rules", "regler", "--config", "saknas.toml"][..],
            "config::not-found",
            "saknas.toml",
        ),
        (
            &["rapport", "--rules", "regler", "--baseline", "trasig.json"][..],
            "baseline::malformed",
            "trasig.json",
        ),
    ] {
        let (results, _) = sarif_run(&dir, args);
        let r = results
            .iter()
            .find(|r| r["ruleId"] == code)
            .unwrap_or_else(|| panic!("{args:?}: no {code} result: {results:#?}"));
        let pl = &r["locations"][0]["physicalLocation"];
        assert_eq!(pl["artifactLocation"]["uri"], uri, "{r:#}");
        if pl["region"]["startColumn"].is_null() {
            assert_eq!(pl["region"], serde_json::json!({ "startLine": 1 }), "{r:#}");
        }
    }
}

#[test]
fn every_result_of_the_repository_runs_has_a_location() {
    // The examples, the format fixture and the broken rule files, as the other tests run them.
    let root = root();
    for args in [
        &["examples/linkoping-vss"][..],
        &[
            "tests/data/formats/report",
            "--rules",
            "tests/data/formats/formats.rules",
        ][..],
        &[
            "tests/data/formats/report",
            "--rules",
            "tests/data/rules-errors",
        ][..],
    ] {
        let (results, _) = sarif_run(&root, args);
        assert!(!results.is_empty(), "{args:?}");
    }
}
