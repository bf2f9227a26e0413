//! Failing instances counted beyond `[check] max_findings_per_rule` but not listed, as the
//! formats for CI systems show them: a run that fails only because of them must say so in the
//! JUnit file (a failing test case) and in the SARIF file (a run-level notification, since
//! code scanning rejects a result without a location), and must not fail a test case of a run
//! that passed (an `[[allow]]` of the whole rule, `--update-baseline`).
//!
//! The rules are `tests/data/gating/gating.rules`; the report has two wrong `avvikelse` cells
//! (Löner and Summa), so with one finding listed per rule, one is only counted.

mod common;

use common::{root, scratch_in, write};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const REPORT: &str =
    "Post;Utfall;Budget;Avvikelse\nHyror;120;100;20\nLöner;80;90;-5\nSumma;200;190;30\n";

/// A folder with `report/budget.csv` and `rimlig.toml` holding `toml`.
fn folder(name: &str, toml: &str) -> PathBuf {
    let dir = scratch_in("counted-only", name);
    write(&dir.join("report/budget.csv"), REPORT);
    write(&dir.join("rimlig.toml"), toml);
    dir
}

/// `rimlig check report --rules gating.rules ARGS…` in `dir`.
fn check(dir: &Path, args: &[&str]) -> Output {
    let rules = root().join("tests/data/gating/gating.rules");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rimlig"));
    cmd.args(["check", "report", "--rules", rules.to_str().unwrap()])
        .args(args)
        .current_dir(dir);
    for var in ["NO_COLOR", "FORCE_COLOR", "CI", "COLUMNS"] {
        cmd.env_remove(var);
    }
    cmd.output().expect("the rimlig binary runs")
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("rimlig exits with a code")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

const ONE_PER_RULE: &str = "[check]\nmax_findings_per_rule = 1\n";

/// The `tests`, `failures`, `errors` and `skipped` a node declares.
fn declared(n: roxmltree::Node) -> [usize; 4] {
    ["tests", "failures", "errors", "skipped"].map(|a| {
        n.attribute(a)
            .unwrap_or_else(|| panic!("{a} on {n:?}"))
            .parse()
            .unwrap()
    })
}

/// The same, counted from the test cases beneath `n`.
fn counted(n: roxmltree::Node) -> [usize; 4] {
    let cases: Vec<_> = n
        .descendants()
        .filter(|c| c.has_tag_name("testcase"))
        .collect();
    let with = |tag: &str| {
        cases
            .iter()
            .filter(|c| c.children().any(|x| x.has_tag_name(tag)))
            .count()
    };
    [cases.len(), with("failure"), with("error"), with("skipped")]
}

/// The JUnit file, parsed and checked for counts that add up; the test cases named
/// `… (not listed)`, as (name, failure type, failure message).
fn junit_unlisted(text: &str) -> Vec<(String, String, String)> {
    let doc = roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("{e}:\n{text}"));
    for n in doc
        .descendants()
        .filter(|n| n.has_tag_name("testsuites") || n.has_tag_name("testsuite"))
    {
        assert_eq!(
            declared(n),
            counted(n),
            "the counts of {n:?} add up:\n{text}"
        );
    }
    doc.descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .filter(|n| n.attribute("name").unwrap().ends_with(" (not listed)"))
        .map(|n| {
            let failure = n
                .children()
                .find(|x| x.has_tag_name("failure"))
                .expect("a failing test case");
            (
                n.attribute("name").unwrap().to_string(),
                failure.attribute("type").unwrap().to_string(),
                failure.attribute("message").unwrap().to_string(),
            )
        })
        .collect()
}

fn sarif(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

/// The notifications of the SARIF file's invocation, each checked against what SARIF 2.1.0
/// allows a notification to hold and its rule reference against `tool.driver.rules`.
fn notifications(doc: &Value) -> Vec<Value> {
    let run = &doc["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let list = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for n in &list {
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
        assert!(!n["message"]["text"].as_str().unwrap().is_empty());
        assert!(["error", "warning", "note"].contains(&n["level"].as_str().unwrap()));
        let i = n["associatedRule"]["index"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], n["associatedRule"]["id"], "{n}");
    }
    list
}

#[test]
fn a_run_failed_only_by_unlisted_findings_says_so_in_junit_and_sarif() {
    // The listed findings are in the baseline: what fails the run is the counted one.
    let dir = folder("failing", ONE_PER_RULE);
    let out = check(&dir, &["--baseline", "baseline.json", "--update-baseline"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));

    let out = check(&dir, &["--baseline", "baseline.json", "--format", "junit"]);
    assert_eq!(code(&out), 1);
    let text = stdout(&out);
    assert_eq!(
        junit_unlisted(&text),
        [(
            "avvikelse (not listed)".to_string(),
            "error".to_string(),
            "1 more finding of rule avvikelse counted but not listed ([check] max_findings_per_rule); no baseline can know them".to_string()
        )],
        "{text}"
    );

    let out = check(&dir, &["--baseline", "baseline.json", "--format", "sarif"]);
    assert_eq!(code(&out), 1);
    let doc = sarif(&stdout(&out));
    assert_eq!(doc["runs"][0]["invocations"][0]["exitCode"], 1);
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert!(
        results.iter().all(|r| r["baselineState"] == "unchanged"),
        "no result is new: {doc:#}"
    );
    assert!(
        results
            .iter()
            .all(|r| r["locations"][0]["physicalLocation"].is_object()),
        "every result has a location, as code scanning wants: {doc:#}"
    );
    let notes = notifications(&doc);
    assert_eq!(notes.len(), 1, "{doc:#}");
    let n = &notes[0];
    assert_eq!(n["associatedRule"]["id"], "avvikelse");
    assert_eq!(n["descriptor"]["id"], "check::unlisted");
    assert_eq!(n["level"], "error");
    assert_eq!(n["properties"]["unlisted"], 1);
    assert!(
        n["message"]["text"]
            .as_str()
            .unwrap()
            .starts_with("1 more finding of rule avvikelse counted but not listed"),
        "{n}"
    );
}

#[test]
fn unlisted_findings_that_do_not_fail_the_run_fail_no_test_case() {
    // An `[[allow]]` of the whole rule stands for its unlisted findings too: exit 0.
    let dir = folder(
        "allowed",
        &format!("{ONE_PER_RULE}\n[[allow]]\nrule = \"avvikelse\"\nreason = \"known\"\n"),
    );
    let out = check(&dir, &["--format", "junit", "--fail-on", "error"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert_eq!(junit_unlisted(&stdout(&out)), []);
    // SARIF keeps them, as it keeps allowed findings, as a note saying why.
    let out = check(&dir, &["--format", "sarif", "--fail-on", "error"]);
    assert_eq!(code(&out), 0);
    let doc = sarif(&stdout(&out));
    let notes = notifications(&doc);
    assert_eq!(notes.len(), 1, "{doc:#}");
    assert_eq!(notes[0]["level"], "note");
    let text = notes[0]["message"]["text"].as_str().unwrap();
    assert!(
        text.ends_with(
            "they do not fail the run: allowed by an [[allow]] entry for the whole rule in rimlig.toml: known"
        ),
        "{text}"
    );

    // `--update-baseline` passes what it wrote down, and the file says nothing failed.
    let dir = folder("updated", ONE_PER_RULE);
    let out = check(
        &dir,
        &[
            "--baseline",
            "b.json",
            "--update-baseline",
            "--format",
            "junit",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let text = stdout(&out);
    assert_eq!(junit_unlisted(&text), []);
    assert!(!text.contains("<failure"), "{text}");
}

/// The line or command about the unlisted findings of `avvikelse`: the one without a place.
fn unlisted_line(text: &str, prefix_of: impl Fn(&str) -> bool) -> String {
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("counted but not listed"))
        .collect();
    assert_eq!(lines.len(), 1, "one line about them:\n{text}");
    assert!(prefix_of(lines[0]), "{}", lines[0]);
    lines[0].to_string()
}

#[test]
fn concise_and_github_do_not_call_unlisted_findings_that_pass_errors() {
    // An `[[allow]]` of the whole rule: the run passes, and the line says why.
    let dir = folder(
        "allowed-lines",
        &format!("{ONE_PER_RULE}\n[[allow]]\nrule = \"avvikelse\"\nreason = \"known\"\n"),
    );
    let why = "; they do not fail the run: allowed by an [[allow]] entry for the whole rule in rimlig.toml: known";
    let out = check(&dir, &["--format", "concise"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let line = unlisted_line(&stdout(&out), |l| l.starts_with("info[avvikelse] "));
    assert!(line.ends_with(why), "{line}");
    let out = check(&dir, &["--format", "github"]);
    assert_eq!(code(&out), 0);
    let line = unlisted_line(&stdout(&out), |l| {
        l.starts_with("::notice title=avvikelse::")
    });
    assert!(line.ends_with(why), "{line}");
    assert!(!stdout(&out).contains("::error"), "{}", stdout(&out));

    // `--update-baseline`: the same, with its own reason.
    let dir = folder("updated-lines", ONE_PER_RULE);
    let why = "; they do not fail the run: this run wrote the baseline (--update-baseline), but a baseline cannot hold them, so a run against it fails on them unless [check] max_findings_per_rule is raised until they are listed";
    for (format, prefix) in [
        ("concise", "info[avvikelse] "),
        ("github", "::notice title=avvikelse::"),
    ] {
        let _ = std::fs::remove_file(dir.join("b.json"));
        let out = check(
            &dir,
            &[
                "--baseline",
                "b.json",
                "--update-baseline",
                "--format",
                format,
            ],
        );
        assert_eq!(code(&out), 0, "{format}: {}", stdout(&out));
        let line = unlisted_line(&stdout(&out), |l| l.starts_with(prefix));
        assert!(line.ends_with(why), "{format}: {line}");
    }

    // Once the baseline is written, they are new again: errors, and exit 1.
    let out = check(&dir, &["--baseline", "b.json", "--format", "concise"]);
    assert_eq!(code(&out), 1);
    let line = unlisted_line(&stdout(&out), |l| l.starts_with("error[avvikelse] "));
    assert!(!line.contains("do not fail"), "{line}");
    let out = check(&dir, &["--baseline", "b.json", "--format", "github"]);
    assert_eq!(code(&out), 1);
    let line = unlisted_line(&stdout(&out), |l| {
        l.starts_with("::error title=avvikelse::")
    });
    assert!(!line.contains("do not fail"), "{line}");
}

/// What each format says of the unlisted findings of `avvikelse`, reduced to whether it says
/// they fail the run.
fn formats_say_unlisted_fail(dir: &Path, args: &[&str]) -> Vec<(&'static str, bool)> {
    let with = |format: &str| stdout(&check(dir, &[args, &["--format", format]].concat()));
    let concise = with("concise");
    let github = with("github");
    let junit = junit_unlisted(&with("junit"));
    let doc = sarif(&with("sarif"));
    let notes = notifications(&doc);
    assert_eq!(notes.len(), 1, "{doc:#}");
    let gitlab: Value = serde_json::from_str(&with("gitlab")).unwrap();
    let gitlab_unlisted: Vec<&Value> = gitlab
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["description"].as_str().unwrap().contains("not listed"))
        .collect();
    for issue in &gitlab_unlisted {
        assert_eq!(issue["check_name"], "avvikelse", "{issue}");
        assert_eq!(issue["severity"], "major", "{issue}");
        let path = issue["location"]["path"].as_str().unwrap();
        assert!(path.ends_with("gating.rules"), "{issue}");
    }
    vec![
        (
            "concise",
            unlisted_line(&concise, |_| true).starts_with("error["),
        ),
        (
            "github",
            unlisted_line(&github, |_| true).starts_with("::error "),
        ),
        ("junit", !junit.is_empty()),
        ("sarif", notes[0]["level"] == "error"),
        ("gitlab", gitlab_unlisted.len() == 1),
    ]
}

#[test]
fn every_format_agrees_with_the_exit_code_on_unlisted_findings() {
    let whole = format!("{ONE_PER_RULE}\n[[allow]]\nrule = \"avvikelse\"\nreason = \"known\"\n");
    // An entry that names a table allows the listed finding in it, but cannot name the others.
    let narrow = format!(
        "{ONE_PER_RULE}\n[[allow]]\nrule = \"avvikelse\"\ntable = \"budget\"\nkey = \"Löner\"\nreason = \"known\"\n"
    );
    for (name, toml, fails) in [
        ("agree-plain", ONE_PER_RULE.to_string(), true),
        ("agree-whole", whole, false),
        ("agree-narrow", narrow, true),
    ] {
        // The listed findings are in the baseline: only the unlisted ones can fail the run.
        let dir = folder(name, &toml);
        let out = check(&dir, &["--baseline", "b.json", "--update-baseline"]);
        assert_eq!(code(&out), 0, "{name}: {}", stdout(&out));
        let out = check(&dir, &["--baseline", "b.json", "--format", "json"]);
        assert_eq!(code(&out), i32::from(fails), "{name}: {}", stdout(&out));
        let said = formats_say_unlisted_fail(&dir, &["--baseline", "b.json"]);
        for (format, says) in said {
            assert_eq!(says, fails, "{name}: {format}");
        }
    }
}
