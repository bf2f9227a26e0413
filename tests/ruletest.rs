//! `rimlig test`, `rimlig rules` and `rimlig explain` end to end: exit codes, the summary line,
//! the JSON documents, and diagnostics that point into the test file. Fixtures are under
//! `tests/data/ruletest/`: `failing/` (tests that hold and tests that are deliberately wrong)
//! and `broken/` (tests that cannot run); the project's own `rules/` must pass its tests.
//!
//! Update the snapshot with `INSTA_UPDATE=always cargo test --test ruletest`, then read it.

use rimlig::render::human::Style;
use rimlig::ruletest::{self, Verdict, render};
use serde_json::Value;
mod common;

use common::write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const FAILING: &str = "tests/data/ruletest/failing";
const BROKEN: &str = "tests/data/ruletest/broken";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Run `rimlig ARGS…` in `dir`, without colour.
fn rimlig_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rimlig"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("COLUMNS")
        .output()
        .expect("the rimlig binary runs")
}

fn rimlig(args: &[&str]) -> Output {
    rimlig_in(&root(), args)
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
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", stdout(o)))
}

fn last_line(s: &str) -> &str {
    s.lines().last().unwrap_or("")
}

// ------------------------------------------------------------------ rimlig test

#[test]
fn the_project_rules_pass_their_own_tests() {
    let out = rimlig(&["test", "rules/", "--color", "never"]);
    let text = stdout(&out);
    assert_eq!(code(&out), 0, "{text}{}", stderr(&out));
    assert!(!text.contains('✗'), "{text}");
    let summary = last_line(&text);
    assert!(summary.ends_with("passed, 0 failed"), "{summary}");
    // `N tests: N passed, 0 failed`: the library keeps a substantial set of tests.
    let tests: usize = summary
        .split_once(" tests: ")
        .and_then(|(n, _)| n.parse().ok())
        .unwrap_or_else(|| panic!("no test count in the summary: {summary}"));
    assert!(tests >= 60, "only {tests} rule tests ran:\n{text}");
    // Full coverage: every rule in rules/ has a passing and a failing test, so there is no
    // coverage warning at all.
    for gap in [
        "has no tests",
        "has no failing test",
        "has no passing test",
        "warning: rule ",
    ] {
        assert!(!text.contains(gap), "coverage gap ({gap}):\n{text}");
    }
    let coverage = text
        .lines()
        .find(|l| l.starts_with("coverage: "))
        .unwrap_or_else(|| panic!("no coverage line:\n{text}"));
    let (n, rest) = coverage["coverage: ".len()..]
        .split_once(" of ")
        .expect("coverage: N of M rules …");
    let m = rest.split_whitespace().next().unwrap_or("");
    assert_eq!(n, m, "{coverage}");
}

#[test]
fn the_default_path_is_the_rules_folder() {
    let out = rimlig(&["test", "--color", "never"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert!(stdout(&out).contains("✓ drift-avvikelse · Avvikelsen stämmer inte"));
}

#[test]
fn failing_expectations_exit_1_with_the_summary_and_the_test_file_line() {
    let out = rimlig(&["test", FAILING, "--color", "never"]);
    let text = stdout(&out);
    assert_eq!(code(&out), 1, "{text}");
    assert_eq!(last_line(&text), "9 tests: 4 passed, 5 failed");
    assert!(
        text.contains("✓ budget-avvikelse · Avvikelsen stämmer\n"),
        "{text}"
    );
    assert!(
        text.contains("✓ budget-summa · Summan stämmer i rapportmappen\n"),
        "{text}"
    );
    // The result line and the diagnostic both name the test file and the line.
    assert!(
        text.contains(
            "✗ budget-avvikelse · Fel: väntar godkänt men avvikelsen är fel  (tests/data/ruletest/failing/budget.test.toml:29)"
        ),
        "{text}"
    );
    assert!(
        text.contains("╭─[tests/data/ruletest/failing/budget.test.toml:32:10]"),
        "{text}"
    );
    assert!(
        text.contains("expected \"pass\", but the rule has 1 finding"),
        "{text}"
    );
    assert!(
        text.contains("expected but not found: A · Avvikelse"),
        "{text}"
    );
    assert!(text.contains("rule investering-ram ("), "{text}");
    assert!(text.contains("has no failing test"), "{text}");
}

#[test]
fn failing_expectations_in_json() {
    let out = rimlig(&["test", FAILING, "--format", "json"]);
    assert_eq!(code(&out), 1);
    let doc = json(&out);
    assert_eq!(doc["exit_code"], 1);
    assert_eq!(doc["summary"]["tests"], 9);
    assert_eq!(doc["summary"]["passed"], 4);
    assert_eq!(doc["summary"]["failed"], 5);
    let tests = doc["tests"].as_array().unwrap();
    let t = &tests[3];
    assert_eq!(t["name"], "Fel: fel cell i fails");
    assert_eq!(t["file"], "tests/data/ruletest/failing/budget.test.toml");
    assert_eq!(t["line"], 40);
    assert_eq!(t["rule"], "budget-avvikelse");
    assert_eq!(t["expect"], "fail");
    assert_eq!(t["outcome"], "failed");
    let f = &t["findings"][0];
    assert_eq!(f["row_key"], "B");
    assert_eq!(f["column_name"], "Avvikelse");
    // The finding's cell is in the test file itself.
    assert_eq!(f["file"], "tests/data/ruletest/failing/budget.test.toml");
    assert_eq!(f["line"], 49);
    assert_eq!(t["messages"][0]["code"], "test::expectation");
    assert_eq!(t["messages"][0]["line"], 44);
    let cov = doc["coverage"].as_array().unwrap();
    let ram = cov.iter().find(|c| c["rule"] == "investering-ram").unwrap();
    assert_eq!(ram["missing"], serde_json::json!(["fail"]));
}

#[test]
fn a_test_file_with_a_byte_order_mark_gives_offsets_in_the_file_as_stored() {
    let dir = scratch("bom");
    write(
        &dir.join("rules/r.rules"),
        "table t \"t\" {\n  column a \"a\"\n}\nrule r \"r\" { each t: a >= 0 }\n",
    );
    let toml = "[[test]]\nname = \"x\"\nrule = \"r\"\nnope = 1\n";
    write(&dir.join("rules/r.test.toml"), &format!("\u{FEFF}{toml}"));
    let doc = json(&rimlig_in(&dir, &["test", "rules", "--format", "json"]));
    let m = &doc["tests"][0]["messages"][0];
    assert_eq!(m["code"], "test::unknown-key", "{doc:#}");
    assert_eq!((&m["line"], &m["column"]), (&4.into(), &1.into()));
    // The BOM's three bytes come before the key in the file.
    let at = 3 + toml.find("nope").unwrap();
    assert_eq!(m["span"]["offset"], at, "{doc:#}");
}

#[test]
fn broken_tests_exit_2_and_the_others_still_run() {
    let out = rimlig(&["test", BROKEN, "--color", "never"]);
    let text = stdout(&out);
    assert_eq!(code(&out), 2, "{text}");
    assert_eq!(
        last_line(&text),
        "5 tests: 1 passed, 0 failed, 4 could not run"
    );
    assert!(
        text.contains("✓ budget-avvikelse · Den här går bra"),
        "{text}"
    );
    // Broken TOML in b.test.toml, at its line.
    assert!(text.contains("b.test.toml is not valid TOML"), "{text}");
    assert!(
        text.contains("╭─[tests/data/ruletest/broken/b.test.toml:2:25]"),
        "{text}"
    );
    // An unknown key, at the key.
    assert!(text.contains("unknown field `expected`"), "{text}");
    assert!(
        text.contains("╭─[tests/data/ruletest/broken/a.test.toml:6:1]"),
        "{text}"
    );
    // An unknown rule, with did you mean.
    assert!(text.contains("unknown rule `budget-avvikelsen`"), "{text}");
    assert!(text.contains("did you mean `budget-avvikelse`?"), "{text}");
    // A ragged CSV row, at the cell in the test file, with the test file's line.
    assert!(text.contains("the row on line 29 has 6 cells"), "{text}");
    assert!(
        text.contains("╭─[tests/data/ruletest/broken/a.test.toml:29:13]"),
        "{text}"
    );
    // A wrong type, at the value.
    assert!(
        text.contains("invalid type: integer `1`, expected a string"),
        "{text}"
    );
}

#[test]
fn one_test_file_can_be_run_with_the_rules_of_its_folder() {
    let out = rimlig(&["test", "rules/investeringar.test.toml", "--color", "never"]);
    let text = stdout(&out);
    assert_eq!(code(&out), 0, "{text}");
    assert!(text.contains("investering-ram"), "{text}");
    assert!(!text.contains("drift-summa"), "{text}");
    // Coverage is about the rules these tests name, not the whole folder.
    assert!(!text.contains("warning:"), "{text}");
}

#[test]
fn a_path_that_does_not_exist_exits_2() {
    let out = rimlig(&["test", "no/such/folder", "--color", "never"]);
    assert_eq!(code(&out), 2);
    assert!(stdout(&out).contains("no/such/folder does not exist"));
}

#[test]
fn a_broken_rule_file_exits_2() {
    let out = rimlig(&["test", "tests/data/rules-errors", "--color", "never"]);
    assert_eq!(code(&out), 2, "{}", stdout(&out));
    assert!(stdout(&out).contains("rules::syntax"), "{}", stdout(&out));
}

#[test]
fn verbose_shows_the_findings_of_passing_tests() {
    let out = rimlig(&[
        "test",
        "rules/investeringar.test.toml",
        "-v",
        "--color",
        "never",
    ]);
    let text = stdout(&out);
    assert_eq!(code(&out), 0, "{text}");
    // The finding of a passing "fail" test, in the test file, and a not-applicable check.
    assert!(
        text.contains("× investering-ram: Investeringsprognosen"),
        "{text}"
    );
    assert!(text.contains("╭─[rules/investeringar.test.toml:"), "{text}");
    assert!(text.contains("not applicable: investering-ram"), "{text}");
}

#[test]
fn a_folder_without_tests_says_so() {
    let out = rimlig(&["test", "tests/data/cli", "--color", "never"]);
    let text = stdout(&out);
    assert_eq!(code(&out), 0, "{text}");
    assert!(
        text.contains("no *.test.toml files in tests/data/cli"),
        "{text}"
    );
    assert!(text.contains("0 tests: 0 passed, 0 failed"), "{text}");
}

#[test]
fn a_failing_test_snapshot() {
    let run = ruletest::run_paths(&[PathBuf::from(FAILING)]);
    assert_eq!(run.exit_code(), 1);
    assert_eq!(
        run.results
            .iter()
            .filter(|r| r.verdict == Verdict::Failed)
            .count(),
        5
    );
    let text = render::render_human(
        &run,
        Style {
            color: false,
            width: 100,
            verbose: false,
        },
    );
    insta::assert_snapshot!("ruletest_failing", text);
}

// ------------------------------------------------------------------ report folders

/// A fresh, empty folder under cargo's per-crate temporary directory.
fn scratch(name: &str) -> PathBuf {
    common::scratch_in("ruletest", name)
}

/// A rule that passes on any table `tal` with figures `a` ≥ 0, its rules in `tree/rules/`, a
/// report folder inside the tree and one outside it whose cell `HEMLIG` must never be shown.
fn tree(name: &str) -> PathBuf {
    let dir = scratch(name);
    write(
        &dir.join("tree/rules/r.rules"),
        "rule inne { each tal: a >= 0 }\n",
    );
    write(
        &dir.join("tree/rules/fixtures/a/tal.csv"),
        "Post;a\nEtt;1\n",
    );
    write(&dir.join("outside/tal.csv"), "Post;a\nHEMLIG;1\n");
    dir
}

/// `rimlig test tree/rules --format json` in `dir`: (exit code, JSON, stdout).
fn test_json(dir: &Path) -> (i32, Value, String) {
    let out = rimlig_in(dir, &["test", "tree/rules", "--format", "json"]);
    (code(&out), json(&out), stdout(&out))
}

/// (outcome, first message's code, its line) of every test, in file order.
fn outcomes(doc: &Value) -> Vec<(String, String, u64)> {
    doc["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let m = &t["messages"][0];
            (
                t["outcome"].as_str().unwrap().to_string(),
                m["code"].as_str().unwrap_or("").to_string(),
                m["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

fn broken_at(line: u64) -> (String, String, u64) {
    ("broken".into(), "test::report-outside".into(), line)
}

fn passed() -> (String, String, u64) {
    ("passed".into(), String::new(), 0)
}

/// `report = "/etc"` or `"../../.."` made `rimlig test` read any folder on the machine and
/// print its cells into the CI log. A report folder stays inside the tree being tested, as
/// `use` stays inside the rules tree; `..` within the tree is fine.
#[test]
fn a_report_folder_outside_the_tree_is_not_read() {
    let dir = tree("report-outside");
    let test = |report: &str| {
        format!("[[test]]\nrule = \"inne\"\nexpect = \"pass\"\nreport = \"{report}\"\n\n")
    };
    write(
        &dir.join("tree/rules/r.test.toml"),
        &[
            test("fixtures/a"),
            test("../../outside"),
            test("/etc"),
            test(&dir.join("outside").display().to_string()),
        ]
        .concat(),
    );
    write(
        &dir.join("tree/rules/sub/s.test.toml"),
        &test("../fixtures/a"),
    );
    let (code, doc, text) = test_json(&dir);
    assert_eq!(code, 2, "{text}");
    assert_eq!(
        outcomes(&doc),
        [
            passed(),
            broken_at(9),
            broken_at(14),
            broken_at(19),
            passed()
        ]
    );
    let message = &doc["tests"][1]["messages"][0];
    assert_eq!(
        message["message"],
        "`report = \"../../outside\"` leaves the tree being tested"
    );
    assert_eq!(message["column"], 10, "at the value");
    assert!(
        message["help"].as_str().unwrap().contains("tree/rules"),
        "{message}"
    );
    assert!(!text.contains("HEMLIG"), "{text}");
}

/// A link that leads out of the tree is not followed: the report folder itself, its
/// `report.toml`, or the previous report its `report.toml` names.
#[cfg(unix)]
#[test]
fn a_report_folder_linked_out_of_the_tree_is_not_read() {
    let dir = tree("report-linked");
    let rules = dir.join("tree/rules");
    std::os::unix::fs::symlink("../../outside", rules.join("ut")).unwrap();
    write(&rules.join("b/tal.csv"), "Post;a\nEtt;1\n");
    std::os::unix::fs::symlink("../../../outside/tal.csv", rules.join("b/report.toml")).unwrap();
    write(&rules.join("c/tal.csv"), "Post;a\nEtt;1\n");
    write(
        &rules.join("c/report.toml"),
        "previous = \"../../../outside\"\n",
    );
    let test = |report: &str| {
        format!("[[test]]\nrule = \"inne\"\nexpect = \"pass\"\nreport = \"{report}\"\n\n")
    };
    write(
        &rules.join("r.test.toml"),
        &[test("ut"), test("b"), test("c"), test("fixtures/a")].concat(),
    );
    let (code, doc, text) = test_json(&dir);
    assert_eq!(code, 2, "{text}");
    assert_eq!(
        outcomes(&doc),
        [broken_at(4), broken_at(9), broken_at(14), passed()]
    );
    let said = |i: usize| {
        doc["tests"][i]["messages"][0]["message"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(
        said(0).contains("is a symbolic link out of the tree"),
        "{}",
        said(0)
    );
    assert!(
        said(1).starts_with("the report.toml of `report = \"b\"`"),
        "{}",
        said(1)
    );
    assert!(
        said(2).contains("names a previous report outside the tree"),
        "{}",
        said(2)
    );
    assert!(!text.contains("HEMLIG"), "{text}");
}

// ------------------------------------------------------------------ rimlig rules

#[test]
fn rules_lists_the_builtin_library() {
    let out = rimlig(&["rules", "--color", "never"]);
    let text = stdout(&out);
    assert_eq!(code(&out), 0, "{text}{}", stderr(&out));
    assert!(text.starts_with("rules/drift.rules\n"), "{text}");
    let line = text
        .lines()
        .find(|l| l.contains("drift-avvikelse"))
        .expect("drift-avvikelse is listed");
    assert!(
        line.trim_start().starts_with("12  drift-avvikelse"),
        "{line}"
    );
    assert!(line.contains("error"), "{line}");
    assert!(line.contains("Avvikelse = redovisat − budget"), "{line}");
    assert!(text.contains("volym-indikator"), "{text}");
    assert!(
        last_line(&text).starts_with("43 rules in 9 files"),
        "{text}"
    );
}

#[test]
fn rules_as_json() {
    let out = rimlig(&["rules", "--format", "json"]);
    assert_eq!(code(&out), 0);
    let doc = json(&out);
    let rules = doc.as_array().expect("an array");
    let r = rules
        .iter()
        .find(|r| r["id"] == "volym-indikator")
        .expect("volym-indikator is listed");
    assert_eq!(r["severity"], "error");
    assert_eq!(r["file"], "rules/volymer.rules");
    assert_eq!(r["line"], 31);
    let tables: Vec<&str> = r["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(tables, ["indikatorer", "basuppdrag"]);
    let basuppdrag = &r["tables"][1];
    assert_eq!(basuppdrag["previous"], false);
    assert_eq!(basuppdrag["columns"], serde_json::json!(["utfall"]));
    // A rule reading the previous report says so.
    let r = rules
        .iter()
        .find(|r| r["id"] == "volym-okar")
        .expect("volym-okar is listed");
    assert!(
        r["tables"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["previous"] == true),
        "{r:#}"
    );
}

#[test]
fn rules_with_a_broken_rule_file_exit_2() {
    let out = rimlig(&[
        "rules",
        "--rules",
        "tests/data/rules-errors/syntax.rules",
        "--color",
        "never",
    ]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("rules::syntax"), "{}", stderr(&out));
}

#[test]
fn rules_from_a_folder() {
    let out = rimlig(&["rules", "--rules", FAILING, "--color", "never"]);
    let text = stdout(&out);
    assert_eq!(code(&out), 0, "{text}");
    assert!(
        text.starts_with("tests/data/ruletest/failing/budget.rules\n"),
        "{text}"
    );
    assert!(text.contains("budget-summa"), "{text}");
    assert!(text.contains("warning"), "{text}");
}

// ------------------------------------------------------------------ rimlig explain

#[test]
fn explain_shows_the_rule_and_a_worked_example() {
    let out = rimlig(&["explain", "drift-avvikelse", "--color", "never"]);
    let text = stdout(&out);
    assert_eq!(code(&out), 0, "{text}{}", stderr(&out));
    assert!(
        text.starts_with("drift-avvikelse — Avvikelse = redovisat − budget\n"),
        "{text}"
    );
    assert!(text.contains("severity  error"), "{text}");
    assert!(text.contains("defined   rules/drift.rules:12"), "{text}");
    assert!(
        text.contains("Avvikelsen ska vara skillnaden mellan redovisat och budget"),
        "{text}"
    );
    assert!(
        text.contains(
            "drift — the table named \"{Driftsammandrag,Driftredovisning,Driftsredovisning}*\""
        ),
        "{text}"
    );
    assert!(
        text.contains("the column headed \"{Redovisat,Utfall} jan-*\""),
        "{text}"
    );
    assert!(
        text.contains(
            "15 │   each drift: avvikelse == redovisat - budget within rounding either sign"
        ),
        "{text}"
    );
    // The first failing test of the embedded library, rendered as `check` renders a finding.
    assert!(
        text.contains("Example: \"Avvikelsen stämmer inte\" (rules/drift.test.toml:"),
        "{text}"
    );
    assert!(
        text.contains("× drift-avvikelse: Avvikelse = redovisat − budget"),
        "{text}"
    );
    assert!(text.contains("B;10;5;2"), "{text}");
    assert!(text.contains("off by 3 tkr"), "{text}");
    // With the fix a check would suggest for it, by this rule alone: avvikelse or budget.
    assert!(
        text.contains("fix: B · Avvikelse: 2 is perhaps 5"),
        "{text}"
    );
    assert!(
        text.contains("as likely: B · Budget jan-aug 2020: 5 → 8"),
        "{text}"
    );
}

#[test]
fn explain_with_rules_from_a_folder_uses_the_tests_there() {
    let out = rimlig(&[
        "explain",
        "budget-summa",
        "--rules",
        FAILING,
        "--color",
        "never",
    ]);
    let text = stdout(&out);
    assert_eq!(code(&out), 0, "{text}");
    assert!(text.contains("severity  warning"), "{text}");
    assert!(text.contains("Example: \"Summan är fel\""), "{text}");
}

#[test]
fn explain_an_unknown_rule_suggests_one() {
    let out = rimlig(&["explain", "drift-avvikelsen", "--color", "never"]);
    assert_eq!(code(&out), 2);
    assert!(stdout(&out).is_empty());
    let err = stderr(&out);
    assert!(err.contains("unknown rule `drift-avvikelsen`"), "{err}");
    assert!(err.contains("did you mean `drift-avvikelse`?"), "{err}");
}

#[test]
fn explain_takes_a_rule_instance_as_findings_name_it() {
    let out = rimlig(&["explain", "drift-summa[budget]", "--color", "never"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("drift-summa — "),
        "{}",
        stdout(&out)
    );
}

// ------------------------------------------------------------------ control characters

#[test]
fn rules_explain_and_test_show_control_characters_instead_of_sending_them() {
    let dir = scratch("controls");
    // ESC (a terminal escape) and U+202E (right-to-left override) in every text a rule file
    // and a test file can hold: title, help, tags, table and column globs, a backtick column
    // name, a test's name.
    write(
        &dir.join("r.rules"),
        "table t \"T\u{1b}[2J*\" {\n  key k \"Enhet\"\n  column `a\u{202e}b` \"A\u{1b}*\" tkr\n}\n\
         rule r \"Titel\u{1b}[31m röd\u{202e}dröt\" {\n  help \"Hjälp\u{1b}[1A\u{7}\"\n  \
         tags \"t\u{1b}]0;x\u{7}\"\n  each t: `a\u{202e}b` >= 0 # \u{1b}[2K\n}\n",
    );
    write(
        &dir.join("r.test.toml"),
        "[[test]]\nrule = \"r\"\nname = \"namn\\u001b[2J\\u202e\"\nexpect = \"fail\"\n\
         [test.tables]\nT = \"\"\"\nEnhet;A\nX;-1\n\"\"\"\n",
    );
    let rules = dir.to_str().unwrap();
    for args in [
        vec!["rules", "--rules", rules, "--color", "never"],
        vec!["explain", "r", "--rules", rules, "--color", "never"],
        vec!["test", rules, "--color", "never"],
    ] {
        let out = rimlig(&args);
        let text = format!("{}{}", stdout(&out), stderr(&out));
        assert!(!text.contains('\u{1b}'), "{args:?}: {text:?}");
        assert!(!text.contains('\u{7}'), "{args:?}: {text:?}");
        assert!(!text.contains('\u{202e}'), "{args:?}: {text:?}");
        assert!(text.contains('␛'), "{args:?}: {text}");
    }
    let out = rimlig(&["explain", "r", "--rules", rules, "--color", "never"]);
    let text = stdout(&out);
    assert!(text.starts_with("r — Titel␛[31m röd�dröt\n"), "{text}");
    assert!(text.contains("Help\n  Hjälp␛[1A␇\n"), "{text}");
    assert!(text.contains("tags      t␛]0;x␇\n"), "{text}");
    assert!(text.contains("the table named \"T␛[2J*\""), "{text}");
    assert!(text.contains("a�b  the column headed \"A␛*\""), "{text}");
    assert!(text.contains("each t: `a�b` >= 0 # ␛[2K\n"), "{text}");
    assert!(text.contains("Example: \"namn␛[2J�\""), "{text}");
    let out = rimlig(&["rules", "--rules", rules, "--color", "never"]);
    assert!(
        stdout(&out).contains("r  error  t  Titel␛[31m röd�dröt  [t␛]0;x␇]\n"),
        "{}",
        stdout(&out)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn coverage_counts_only_tests_that_ran() {
    let dir = scratch("coverage-broken");
    write(
        &dir.join("a.rules"),
        "table t \"t\" { key k \"K\" column a \"A\" tkr }\nrule r1 { each t: a >= 0 }\n",
    );
    // A passing test whose data is ragged cannot run, and a failing one that does.
    write(
        &dir.join("a.test.toml"),
        "[[test]]\nname = \"trasig\"\nrule = \"r1\"\nexpect = \"pass\"\n\
         [test.tables]\nt = \"\"\"\nK;A\nx;1;2;3\n\"\"\"\n\n\
         [[test]]\nname = \"fel\"\nrule = \"r1\"\nexpect = \"fail\"\n\
         [test.tables]\nt = \"\"\"\nK;A\nx;-1\n\"\"\"\n",
    );
    let out = rimlig_in(&dir, &["test", ".", "--color", "never"]);
    let text = stdout(&out);
    assert!(
        text.contains("rule r1 (./a.rules:2) has no passing test\n"),
        "{text}"
    );
    assert!(
        text.contains("coverage: 0 of 1 rule has a passing and a failing test"),
        "{text}"
    );
    // A test file that cannot be read may hold the tests a rule lacks.
    write(&dir.join("b.test.toml"), "[[test]\n");
    let text = stdout(&rimlig_in(&dir, &["test", ".", "--color", "never"]));
    assert!(
        text.contains("has no passing test that could be read (a test file above has errors)"),
        "{text}"
    );
}

// ------------------------------------------------------------------ where inline tables are

/// `rule r`: budget and utfall of `drift` are equal, in `dir`.
fn budget_rule(dir: &Path) {
    write(
        &dir.join("a.rules"),
        "rule r \"t\" { each drift: budget == utfall }\n",
    );
}

/// A test of `rule r` expecting it to fail on the table `drift` written as `csv`.
fn drift_test(csv: &str) -> String {
    format!(
        "[[test]]\nrule = \"r\"\nexpect = \"fail\"\n[test.tables]\ndrift = \"\"\"\n{csv}\"\"\"\n"
    )
}

/// 1-based line and column (in characters) of byte `at` of `text`.
fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1,
    )
}

#[test]
fn a_table_far_down_its_test_file_is_read_as_at_the_top() {
    // The reader decides the delimiter from the first MiB of a text: a table more than that
    // into its test file, after a long comment or after many lines, is still read with its
    // own delimiter, and its cells are where they are written.
    for (name, before) in [
        ("long-comment", format!("# {}\n", "x".repeat(1_100_000))),
        ("many-lines", "\n".repeat(1_100_000)),
    ] {
        let dir = scratch(&format!("far-down-{name}"));
        budget_rule(&dir);
        let text = format!(
            "{before}{}",
            drift_test("Verksamhet;Budget;Utfall\nA;1;2\n")
        );
        write(&dir.join("a.test.toml"), &text);
        let run = ruletest::run_paths(std::slice::from_ref(&dir));
        let r = &run.results[0];
        assert_eq!(r.verdict, Verdict::Passed, "{name}: {:#?}", r.diagnostics);
        assert_eq!(r.findings.len(), 1, "{name}");
        let f = &r.findings[0];
        let row = text.find("A;1;2").unwrap();
        assert_eq!((f.line, f.column), line_col(&text, row + 2), "{name}");
        assert_eq!(run.sources.get(f.source).slice(f.primary), "1", "{name}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn problems_of_a_table_far_down_its_test_file_say_where_it_is() {
    let dir = scratch("far-down-problems");
    budget_rule(&dir);
    // A ragged row, and a table of control characters starting on the line of its key.
    let text = format!(
        "# {}\n{}\n[[test]]\nrule = \"r\"\nexpect = \"fail\"\n[test.tables]\n\
         drift = '''{}\u{85};y\n1;2'''\n",
        "x".repeat(1_100_000),
        drift_test("Verksamhet;Budget;Utfall\nA;1;2\nB;1;2;3\n"),
        "\u{85}".repeat(10),
    );
    write(&dir.join("a.test.toml"), &text);
    let run = ruletest::run_paths(std::slice::from_ref(&dir));
    let ragged = run.results[0]
        .diagnostics
        .iter()
        .find(|p| p.code == "data::ragged-row")
        .expect("a ragged row");
    let (line, _) = line_col(&text, text.find("B;1;2;3").unwrap());
    assert!(
        ragged
            .message
            .starts_with(&format!("the row on line {line} has 4 cells")),
        "{}",
        ragged.message
    );
    let label = &ragged.labels[0];
    assert_eq!(label.source, ragged.labels[1].source);
    let file = run.sources.get(label.source);
    assert!(file.name.ends_with("a.test.toml"), "{}", file.name);
    assert_eq!(file.slice(label.span), "3");
    assert_eq!(
        file.slice(ragged.labels[1].span),
        "Verksamhet;Budget;Utfall"
    );

    let binary = run.results[1]
        .diagnostics
        .iter()
        .find(|p| p.code == "data::not-text")
        .expect("a table that is no text");
    let at = text.find('\u{85}').unwrap();
    let (line, column) = line_col(&text, at);
    assert!(
        binary.message.ends_with(&format!(
            "test 2 › drift is not a text file: line {line}, column {column} (byte offset {at}) holds the control character U+0085"
        )),
        "{}",
        binary.message
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn many_tests_in_one_file_keep_its_text_once() {
    // Each inline table is read on its own: none is given a copy of the file up to it, which
    // made the memory and time of a file of many tests grow with the square of its size.
    let dir = scratch("many-tests");
    budget_rule(&dir);
    let tests = 500;
    let text = drift_test("Verksamhet;Budget;Utfall\nA;1;2\n").repeat(tests);
    write(&dir.join("a.test.toml"), &text);
    let run = ruletest::run_paths(std::slice::from_ref(&dir));
    assert_eq!(run.results.len(), tests);
    assert!(run.results.iter().all(|r| r.verdict == Verdict::Passed));
    let held: usize = (0..run.sources.len())
        .map(|i| run.sources.get(rimlig::source::SourceId(i)).text.len())
        .sum();
    assert!(
        held < 2 * text.len(),
        "{held} bytes held for {}",
        text.len()
    );
    // The last test's finding is on its own row.
    let f = &run.results[tests - 1].findings[0];
    let row = text.rfind("A;1;2").unwrap();
    assert_eq!((f.line, f.column), line_col(&text, row + 2));
    let _ = std::fs::remove_dir_all(&dir);
}
