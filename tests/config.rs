//! `rimlig.toml` and `rimlig init`, end to end through the binary: the fixture repository
//! `tests/data/config/repo` (rules in `regler/`, reports in `rapporter/`) is copied into a
//! scratch folder and given a `rimlig.toml` per test; `tests/data/config/*.toml` are broken
//! files for the diagnostics.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rimlig_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rimlig"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("COLUMNS")
        .output()
        .expect("the rimlig binary runs")
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("an exit code")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("UTF-8")
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", stdout(o), stderr(o)))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A copy of the fixture repository with `toml` as its rimlig.toml (none when empty).
fn repo(name: &str, toml: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("config")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&root().join("tests/data/config/repo"), &dir);
    if !toml.is_empty() {
        std::fs::write(dir.join("rimlig.toml"), toml).unwrap();
    }
    dir
}

/// (rule, file, row_key) of the findings, sorted; `suppressed` ones only when asked.
fn findings(doc: &Value) -> Vec<(String, String, String)> {
    let mut v: Vec<_> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["file"].as_str().unwrap().to_string(),
                f["row_key"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

fn f(rule: &str, file: &str, key: &str) -> (String, String, String) {
    (rule.to_string(), file.to_string(), key.to_string())
}

fn problem_codes(doc: &Value) -> Vec<String> {
    doc["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap().to_string())
        .collect()
}

fn problem<'a>(doc: &'a Value, code: &str) -> &'a Value {
    problems_with(doc, &[code])
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no {code} in {:#}", doc["problems"]))
}

/// The problems of `doc` with one of `codes`, in order.
fn problems_with<'a>(doc: &'a Value, codes: &[&str]) -> Vec<&'a Value> {
    doc["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| codes.iter().any(|c| p["code"] == *c))
        .collect()
}

const BASE: &str = r#"rules   = ["regler"]
reports = ["rapporter/**"]
ignore  = ["**/gammalt/**"]
"#;

// ------------------------------------------------------------------------- finding the file

#[test]
fn the_nearest_rimlig_toml_above_is_read_and_its_paths_are_relative_to_it() {
    let dir = repo("walk-up", BASE);
    // From a folder two levels down: the file is ../../rimlig.toml.
    let out = rimlig_in(
        &dir.join("rapporter/2020-10"),
        &["check", "--format", "json"],
    );
    let doc = json(&out);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_eq!(doc["summary"]["reports"], 2, "gammalt/ is ignored");
    assert_eq!(doc["summary"]["rules"], 4, "the rules of regler/");
    assert_eq!(
        findings(&doc),
        [
            f(
                "budget-avvikelse",
                "../../rapporter/2020-10/budget.csv",
                "Hyror"
            ),
            f(
                "budget-avvikelse",
                "../../rapporter/2020-10/budget.csv",
                "Summa"
            ),
            f(
                "budget-exakt",
                "../../rapporter/2020-10/budget.csv",
                "Hyror"
            ),
            f("budget-tak", "../../rapporter/2020-10/budget.csv", "Hyror"),
        ]
    );
    // `rimlig rules` lists the configured rules too.
    let out = rimlig_in(&dir, &["rules", "--format", "json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let list = json(&out);
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"budget-tak"), "{ids:?}");
}

#[test]
fn command_line_paths_and_rules_win_over_the_file() {
    let dir = repo("command-line", BASE);
    // A path given: the `reports` globs are not used; `ignore` still applies beneath it.
    let out = rimlig_in(&dir, &["check", "rapporter", "--format", "json"]);
    let doc = json(&out);
    assert_eq!(doc["summary"]["reports"], 2);
    // A path inside an ignored folder, given on purpose, is checked.
    let out = rimlig_in(
        &dir,
        &["check", "rapporter/gammalt/2019", "--format", "json"],
    );
    let doc = json(&out);
    assert_eq!(doc["summary"]["reports"], 1);
    assert!(
        findings(&doc)
            .iter()
            .all(|x| x.1 == "rapporter/gammalt/2019/budget.csv")
    );
    // --rules replaces the file's rules.
    let clean = root().join("tests/data/cli/clean.rules");
    let out = rimlig_in(
        &dir,
        &[
            "check",
            "--rules",
            clean.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    let doc = json(&out);
    let rules: Vec<&str> = doc["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["budget-summa", "budget-avvikelse"]);
}

#[test]
fn no_config_and_config_choose_the_file() {
    let dir = repo("flags", BASE);
    std::fs::write(
        dir.join("annan.toml"),
        "rules = [\"regler\"]\n[severity]\nbudget-avvikelse = \"info\"\n",
    )
    .unwrap();
    // --no-config: the built-in library, and every report under the current folder.
    let out = rimlig_in(&dir, &["check", "--no-config", "--format", "json"]);
    let doc = json(&out);
    assert!(doc["summary"]["rules"].as_u64().unwrap() > 20);
    assert_eq!(doc["summary"]["reports"], 4);
    // --config FILE: that file, and no `reports` globs in it.
    let out = rimlig_in(
        &dir,
        &[
            "check",
            "--config",
            "annan.toml",
            "rapporter/2020-10",
            "--format",
            "json",
        ],
    );
    let doc = json(&out);
    assert_eq!(doc["summary"]["rules"], 4);
    let sev: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "budget-avvikelse")
        .map(|f| f["severity"].as_str().unwrap())
        .collect();
    assert_eq!(sev, ["info", "info"]);
    // A --config that does not exist is an error.
    let out = rimlig_in(
        &dir,
        &["check", "--config", "saknas.toml", "--format", "json"],
    );
    assert_eq!(code(&out), 2);
    let doc = json(&out);
    assert_eq!(problem(&doc, "config::not-found")["kind"], "config");
    // Both flags: a usage error.
    let out = rimlig_in(&dir, &["check", "--config", "annan.toml", "--no-config"]);
    assert_eq!(code(&out), 2);
}

// ------------------------------------------------------------------------------------ [data]

#[test]
fn missing_and_zero_markers_are_configurable() {
    // By default a lone dash is an exact zero: Lokaler's row holds, 0 == 0 − 0.
    let dir = repo("markers-default", BASE);
    let doc = json(&rimlig_in(&dir, &["check", "--format", "json"]));
    let na = doc["not_applicable"].as_array().unwrap();
    assert!(na.is_empty(), "{na:#?}");

    // A dash as a missing value: Lokaler's checks are not applicable, with the marker named.
    let dir = repo(
        "markers-dash-missing",
        &format!("{BASE}[data]\nmissing = [\"..\", \"-\"]\n"),
    );
    let doc = json(&rimlig_in(&dir, &["check", "--format", "json"]));
    let reasons: Vec<&str> = doc["not_applicable"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["reason"].as_str().unwrap())
        .collect();
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("Lokaler") && r.contains("'-'")),
        "{reasons:?}"
    );

    // A marker of the file's own.
    let dir = repo("markers-own", BASE);
    std::fs::write(
        dir.join("rapporter/2020-10/budget.csv"),
        "Post;Utfall;Budget;Avvikelse\nHyror;120;100;20\nLokaler;x;5;x\nSumma;120;105;20\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("rimlig.toml"),
        format!("{BASE}[data]\nmissing = [\"x\"]\n"),
    )
    .unwrap();
    let doc = json(&rimlig_in(&dir, &["check", "--format", "json"]));
    let reasons: Vec<&str> = doc["not_applicable"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["reason"].as_str().unwrap())
        .collect();
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("'x', a missing-value marker of rimlig.toml")),
        "{reasons:?}"
    );

    // A marker in both lists is a contradiction, pointed at.
    let dir = repo(
        "markers-both",
        &format!("{BASE}[data]\nmissing = [\"-\"]\nzero = [\"-\"]\n"),
    );
    let out = rimlig_in(&dir, &["check", "--format", "json"]);
    assert_eq!(code(&out), 2);
    let p = problem(&json(&out), "config::value").clone();
    assert_eq!(p["file"], "rimlig.toml");
    assert_eq!(p["line"], 6);
}

#[test]
fn header_row_skips_the_title_lines() {
    let toml = "rules = [\"regler\"]\nreports = [\"rubriker\"]\n";
    // Without it, the two title lines are passed over all the same; with it, the header is
    // on line 3. Either way Löner's avvikelse (−20 where −10 is right) is found on line 5.
    let without = json(&rimlig_in(
        &repo("header-row-none", toml),
        &["check", "--format", "json"],
    ));
    let dir = repo("header-row", &format!("{toml}[data]\nheader_row = 3\n"));
    let doc = json(&rimlig_in(&dir, &["check", "--format", "json"]));
    assert_eq!(without["findings"], doc["findings"]);
    let lines: Vec<(String, u64)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                format!(
                    "{} {}",
                    f["rule"].as_str().unwrap(),
                    f["row_key"].as_str().unwrap()
                ),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(
        lines.contains(&("budget-avvikelse Löner".to_string(), 5)),
        "{lines:?}"
    );
    // Zero is not a row number.
    let dir = repo(
        "header-row-zero",
        &format!("{toml}[data]\nheader_row = 0\n"),
    );
    let out = rimlig_in(&dir, &["check", "--format", "json"]);
    assert_eq!(code(&out), 2);
    assert_eq!(problem(&json(&out), "config::value")["line"], 4);
}

// ----------------------------------------------------------------------------------- [check]

#[test]
fn a_default_tolerance_applies_to_equalities_without_one() {
    let dir = repo(
        "tolerance",
        &format!("{BASE}[check]\ntolerance = \"rounding\"\n"),
    );
    let doc = json(&rimlig_in(&dir, &["check", "--format", "json"]));
    // 21 against 120 − 100 is off by one, within the rounding of three printed figures; the
    // `<=` of budget-tak and the `within 0` of budget-exakt stay as written.
    assert_eq!(
        findings(&doc),
        [
            f("budget-exakt", "rapporter/2020-10/budget.csv", "Hyror"),
            f("budget-tak", "rapporter/2020-10/budget.csv", "Hyror"),
        ]
    );
    let dir = repo("tolerance-abs", &format!("{BASE}[check]\ntolerance = 1\n"));
    let doc = json(&rimlig_in(&dir, &["check", "--format", "json"]));
    assert_eq!(findings(&doc).len(), 2);
}

#[test]
fn a_default_tolerance_in_money_leaves_percentages_exact() {
    let dir = repo(
        "tolerance-tkr",
        &format!("{BASE}[check]\ntolerance = \"1 tkr\"\n"),
    );
    std::fs::write(
        dir.join("regler/andel.rules"),
        "table andel \"andel\" {\n  key post \"Post\"\n  column a \"Andel\" pct\n}\n\
         rule andel-exakt { each andel: a == 5 % }\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("rapporter/2020-10/andel.csv"),
        "Post;Andel\nx;5 %\ny;60 %\n",
    )
    .unwrap();
    let doc = json(&rimlig_in(&dir, &["check", "--format", "json"]));
    let andel = doc["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == "andel-exakt")
        .unwrap();
    assert_eq!(
        (&andel["passed"], &andel["failed"], &andel["not_applicable"]),
        (&Value::from(1), &Value::from(1), &Value::from(0)),
        "{andel}"
    );
}

// -------------------------------------------------------------------------------- [severity]

#[test]
fn severities_are_overridden_by_rule_id() {
    let dir = repo(
        "severity",
        &format!(
            "{BASE}[severity]\nbudget-avvikelse = \"warning\"\nbudget-tak = \"info\"\nbudget-exakt = \"warning\"\n"
        ),
    );
    let out = rimlig_in(&dir, &["check", "--format", "json"]);
    // No error-level finding is left: exit 0.
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let doc = json(&out);
    assert_eq!(doc["summary"]["findings"]["error"], 0);
    assert_eq!(doc["summary"]["findings"]["warning"], 3);
    assert_eq!(doc["summary"]["findings"]["info"], 1);
}

#[test]
fn an_unknown_rule_id_is_an_error_with_did_you_mean() {
    let dir = repo(
        "severity-unknown",
        &format!("{BASE}[severity]\nbudget-avvikelze = \"warning\"\n"),
    );
    let out = rimlig_in(&dir, &["check", "--format", "json"]);
    assert_eq!(code(&out), 2);
    let doc = json(&out);
    let p = problem(&doc, "config::unknown-rule");
    assert_eq!(p["file"], "rimlig.toml");
    assert_eq!(
        (p["line"].as_u64(), p["column"].as_u64()),
        (Some(5), Some(1))
    );
    assert!(
        p["help"]
            .as_str()
            .unwrap()
            .contains("did you mean `budget-avvikelse`?")
    );
    // The terminal shows it at its place in the file.
    let out = rimlig_in(&dir, &["check", "--color", "never"]);
    let text = stdout(&out);
    assert!(text.contains("config::unknown-rule"), "{text}");
    assert!(text.contains("rimlig.toml:5:1"), "{text}");
}

// ---------------------------------------------------------------------------------- [[allow]]

const ALLOW: &str = r#"
[[allow]]
rule   = "budget-avvikelse"
report = "rapporter/2020-10"
key    = "hyror"
reason = "Avrundat i den tryckta rapporten"

[[allow]]
rule   = "budget-tak"
column = "Utfall"
reason = "Hyreshöjningen är beslutad"

[[allow]]
rule   = "budget-summa"
reason = "Gäller en rad som inte finns längre"
"#;

#[test]
fn allowed_findings_are_suppressed_with_their_reason() {
    let dir = repo("allow", &format!("{BASE}{ALLOW}"));
    let out = rimlig_in(&dir, &["check", "--format", "json"]);
    let doc = json(&out);
    let suppressed: Vec<(String, String, Value)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                format!(
                    "{} {}",
                    f["rule"].as_str().unwrap(),
                    f["row_key"].as_str().unwrap()
                ),
                f["suppressed"].to_string(),
                f["suppression_reason"].clone(),
            )
        })
        .collect();
    assert!(suppressed.contains(&(
        "budget-avvikelse Hyror".to_string(),
        "true".to_string(),
        Value::from("Avrundat i den tryckta rapporten")
    )));
    assert!(suppressed.contains(&(
        "budget-tak Hyror".to_string(),
        "true".to_string(),
        Value::from("Hyreshöjningen är beslutad")
    )));
    assert!(suppressed.contains(&(
        "budget-avvikelse Summa".to_string(),
        "false".to_string(),
        Value::Null
    )));
    assert_eq!(doc["summary"]["suppressed"]["error"], 2);
    // Summa's avvikelse and budget-exakt still fail the run.
    assert_eq!(code(&out), 1);
    // The entry that matches nothing is a note at its place.
    let p = problem(&doc, "config::unused-allow");
    assert_eq!(p["severity"], "info");
    assert_eq!(p["line"], 16);

    // The terminal hides allowed findings unless --verbose.
    let text = stdout(&rimlig_in(&dir, &["check", "--color", "never"]));
    assert!(
        text.contains("2 findings allowed in rimlig.toml not shown (--verbose shows them)"),
        "{text}"
    );
    assert!(text.contains("(2 allowed)"), "{text}");
    assert!(!text.contains("(allowed)"), "{text}");
    let text = stdout(&rimlig_in(&dir, &["check", "--color", "never", "-v"]));
    assert!(text.contains("budget-tak: Utfallet ligger högst 19 tkr över budget (allowed)"));
    assert!(text.contains("allowed in rimlig.toml: Hyreshöjningen är beslutad"));

    // SARIF marks them as suppressed outside the source.
    let doc = json(&rimlig_in(&dir, &["check", "--format", "sarif"]));
    let results = doc["runs"][0]["results"].as_array().unwrap();
    let sup: Vec<&Value> = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(sup.len(), 2);
    assert_eq!(sup[0]["suppressions"][0]["kind"], "external");
}

#[test]
fn allowed_findings_stay_out_of_the_baseline_and_do_not_fail_the_run() {
    let allow_all = r#"
[[allow]]
rule = "budget-avvikelse"
reason = "Känt"

[[allow]]
rule = "budget-tak"
reason = "Känt"

[[allow]]
rule = "budget-exakt"
reason = "Känt"
"#;
    let dir = repo("allow-baseline", &format!("{BASE}{allow_all}"));
    let out = rimlig_in(&dir, &["check", "--format", "json"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let out = rimlig_in(
        &dir,
        &["check", "--baseline", "baseline.json", "--update-baseline"],
    );
    assert_eq!(code(&out), 0);
    let baseline: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("baseline.json")).unwrap()).unwrap();
    assert_eq!(baseline["findings"].as_array().unwrap().len(), 0);
}

#[test]
fn an_allow_entry_needs_a_rule_and_a_reason() {
    let dir = repo(
        "allow-bad",
        &format!("{BASE}\n[[allow]]\nrule = \"budget-tak\"\n\n[[allow]]\nreason = \"?\"\n"),
    );
    let out = rimlig_in(&dir, &["check", "--format", "json"]);
    assert_eq!(code(&out), 2);
    let doc = json(&out);
    let missing: Vec<(String, u64)> = problems_with(&doc, &["config::missing-key"])
        .into_iter()
        .map(|p| {
            (
                p["message"].as_str().unwrap().to_string(),
                p["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        missing,
        [
            (
                "an `[[allow]]` entry in rimlig.toml has no `reason`".to_string(),
                5
            ),
            (
                "an `[[allow]]` entry in rimlig.toml has no `rule`".to_string(),
                8
            ),
        ]
    );
}

// ----------------------------------------------------------------------------- diagnostics

#[test]
fn unknown_keys_and_wrong_types_are_pointed_at() {
    let out = rimlig_in(
        &root(),
        &[
            "check",
            "--config",
            "tests/data/config/bad.toml",
            "tests/data/cli/report",
            "--rules",
            "tests/data/cli/clean.rules",
            "--format",
            "json",
        ],
    );
    assert_eq!(code(&out), 2);
    let doc = json(&out);
    let got: Vec<(String, u64, u64)> = doc["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["kind"] == "config")
        .map(|p| {
            assert_eq!(p["file"], "tests/data/config/bad.toml");
            (
                p["code"].as_str().unwrap().to_string(),
                p["line"].as_u64().unwrap(),
                p["column"].as_u64().unwrap(),
            )
        })
        .collect();
    let want: Vec<(String, u64, u64)> = [
        ("config::unknown-key", 3, 1),  // rule
        ("config::type", 4, 10),        // ignore = 5
        ("config::type", 7, 14),        // header_row = "3"
        ("config::unknown-key", 8, 1),  // headerrow
        ("config::value", 11, 13),      // tolerance = "ungefär"
        ("config::value", 14, 16),      // severity "warn"
        ("config::unknown-key", 18, 1), // [[allow]] nyckel
    ]
    .iter()
    .map(|(c, l, col)| (c.to_string(), *l, *col))
    .collect();
    assert_eq!(got, want, "{:#}", doc["problems"]);
    let helps: Vec<&str> = doc["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["help"].as_str())
        .collect();
    assert!(helps.iter().any(|h| h.contains("did you mean `rules`?")));
    assert!(
        helps
            .iter()
            .any(|h| h.contains("did you mean `header_row`?"))
    );
    assert!(
        helps
            .iter()
            .any(|h| h.contains("did you mean \"warning\"?"))
    );
    // The rest of the run went on: the report was checked.
    assert_eq!(doc["summary"]["reports"], 1);
}

#[test]
fn a_toml_syntax_error_is_pointed_at() {
    let out = rimlig_in(
        &root(),
        &[
            "check",
            "--config",
            "tests/data/config/syntax.toml",
            "tests/data/cli/report",
            "--rules",
            "tests/data/cli/clean.rules",
            "--format",
            "json",
        ],
    );
    assert_eq!(code(&out), 2);
    let doc = json(&out);
    let p = problem(&doc, "config::toml");
    assert_eq!(p["file"], "tests/data/config/syntax.toml");
    // Where the parser sees that the list was not closed; later errors follow from it and
    // are not shown.
    assert_eq!(p["line"], 4);
    assert_eq!(problem_codes(&doc), ["config::toml"]);
}

// ------------------------------------------------------------------------------- rimlig init

#[test]
fn init_writes_a_starter_that_checks_and_tests() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("config")
        .join("init");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();

    let out = rimlig_in(&dir, &["init"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        stdout(&out).lines().take(4).collect::<Vec<_>>(),
        [
            "wrote rimlig.toml",
            "wrote rules/tabeller.rules",
            "wrote rules/drift.rules",
            "wrote rules/drift.test.toml"
        ]
    );
    // Every key of the file is explained in it.
    let toml = std::fs::read_to_string(dir.join("rimlig.toml")).unwrap();
    for key in [
        "rules",
        "reports",
        "ignore",
        "[data]",
        "missing",
        "zero",
        "header_row",
        "[check]",
        "tolerance",
        "[severity]",
        "[[allow]]",
        "reason",
    ] {
        assert!(toml.contains(key), "{key} is not in the starter file");
    }

    // The starter's tests: one passes, one fails as expected.
    let out = rimlig_in(&dir, &["test", "rules/"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert!(stdout(&out).contains("2 tests: 2 passed, 0 failed"));
    let out = rimlig_in(&dir, &["test"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));

    // A check with no reports yet runs clean, with the starter rule.
    let out = rimlig_in(&dir, &["check", "--format", "json"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let doc = json(&out);
    assert_eq!(doc["summary"]["rules"], 1);
    assert_eq!(problem_codes(&doc), ["io::no-reports"]);

    // With a report in it, the starter rule finds a wrong avvikelse.
    std::fs::create_dir_all(dir.join("rapporter/2020-10")).unwrap();
    std::fs::write(
        dir.join("rapporter/2020-10/Driftsammandrag.csv"),
        "Verksamhet;Redovisat jan-okt 2020;Budget jan-okt 2020;Avvikelse\nKultur;100;50;40\n",
    )
    .unwrap();
    let out = rimlig_in(&dir, &["check", "--format", "json"]);
    assert_eq!(code(&out), 1);
    assert_eq!(
        findings(&json(&out)),
        [f(
            "drift-avvikelse",
            "rapporter/2020-10/Driftsammandrag.csv",
            "Kultur"
        )]
    );

    // A second init overwrites nothing.
    std::fs::write(dir.join("rules/drift.rules"), "# mine\n").unwrap();
    let out = rimlig_in(&dir, &["init"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("rules/drift.rules"),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).is_empty());
    assert_eq!(
        std::fs::read_to_string(dir.join("rules/drift.rules")).unwrap(),
        "# mine\n"
    );
}

#[test]
fn init_into_a_new_folder() {
    let base = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("config")
        .join("init-path");
    let _ = std::fs::remove_dir_all(&base);
    std::fs::create_dir_all(&base).unwrap();
    let out = rimlig_in(&base, &["init", "rapportrepo"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("wrote rapportrepo/rimlig.toml"));
    assert!(base.join("rapportrepo/rules/drift.test.toml").is_file());
    let out = rimlig_in(&base.join("rapportrepo"), &["test"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
}

#[test]
fn init_into_a_file_says_it_is_a_file() {
    let base = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("config")
        .join("init-file");
    let _ = std::fs::remove_dir_all(&base);
    std::fs::create_dir_all(&base).unwrap();
    std::fs::write(base.join("afile"), "x").unwrap();
    for target in ["afile", "afile/sub"] {
        let out = rimlig_in(&base, &["init", target]);
        assert_eq!(code(&out), 2, "{}", stderr(&out));
        assert!(
            stderr(&out).starts_with("error: afile is a file, not a folder\n"),
            "{target}: {}",
            stderr(&out)
        );
        assert!(stdout(&out).is_empty());
    }
    assert_eq!(std::fs::read_to_string(base.join("afile")).unwrap(), "x");
}

#[test]
fn init_writes_nothing_where_a_file_stands_for_its_rules_folder() {
    let base = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("config")
        .join("init-rules-file");
    let _ = std::fs::remove_dir_all(&base);
    std::fs::create_dir_all(&base).unwrap();
    std::fs::write(base.join("rules"), "x").unwrap();
    let out = rimlig_in(&base, &["init"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("writes nothing"), "{}", stderr(&out));
    assert!(stderr(&out).contains("  rules\n"), "{}", stderr(&out));
    assert!(!base.join("rimlig.toml").exists());
}

#[test]
fn markers_apply_to_markdown_and_json_reports_too() {
    // The same budget as a Markdown and a JSON report; a dash configured as missing.
    let dir = repo(
        "markers-documents",
        &format!("{BASE}[data]\nmissing = [\"..\", \"-\"]\n"),
    );
    std::fs::remove_dir_all(dir.join("rapporter/2020-08")).unwrap();
    std::fs::remove_dir_all(dir.join("rapporter/2020-10")).unwrap();
    std::fs::write(
        dir.join("rapporter/budget.md"),
        "+++\nperiod = \"2020-10\"\n+++\n\n## budget\n\n| Post | Utfall | Budget | Avvikelse |\n|---|---|---|---|\n| Hyror | 120 | 100 | 21 |\n| Lokaler | - | - | - |\n| Summa | 120 | 100 | 21 |\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("rapporter/budget.json"),
        r#"{"period": "2020-10", "tables": {"budget": {"columns": ["Post", "Utfall", "Budget", "Avvikelse"], "rows": [["Hyror", 120, 100, 21], ["Lokaler", "-", "-", "-"], ["Summa", 120, 100, 21]]}}}"#,
    )
    .unwrap();
    let doc = json(&rimlig_in(&dir, &["check", "--format", "json"]));
    let lokaler: Vec<&str> = doc["not_applicable"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["reason"].as_str().unwrap())
        .filter(|r| r.contains("Lokaler") && r.contains("'-'"))
        .collect();
    assert!(
        lokaler.len() >= 2,
        "both reports read the dash as missing: {doc:#}"
    );
    assert_eq!(doc["summary"]["reports"], 2, "{doc:#}");
}

// ------------------------------------------------------------------ findings listed per rule

#[test]
fn max_findings_per_rule_lists_that_many_and_counts_the_rest() {
    let dir = repo(
        "cap",
        &format!("{BASE}\n[check]\nmax_findings_per_rule = 1\n"),
    );
    let out = rimlig_in(&dir, &["check", "--format", "json"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let doc = json(&out);
    // budget-avvikelse fails twice (Hyror, Summa): the first is listed, the second counted.
    let listed: Vec<_> = findings(&doc)
        .into_iter()
        .filter(|(rule, _, _)| rule == "budget-avvikelse")
        .collect();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(doc["unlisted"], serde_json::json!({"budget-avvikelse": 1}));
    let failed = doc["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == "budget-avvikelse")
        .unwrap()["failed"]
        .clone();
    assert_eq!(failed, 2, "the count stays exact");
    // The output still follows its schema.
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("docs/rimlig-check.schema.json")).unwrap(),
    )
    .unwrap();
    let v = jsonschema::validator_for(&schema).expect("the schema compiles");
    assert!(v.is_valid(&doc));
    assert!(doc.get("unlisted_excused").is_none(), "{doc}");
    // Allowed as a whole rule, the counted ones are excused, and the JSON says why.
    let allowed = repo(
        "cap-allowed",
        &format!(
            "{BASE}\n[check]\nmax_findings_per_rule = 1\n\n[[allow]]\nrule = \"budget-avvikelse\"\nreason = \"känt fel\"\n"
        ),
    );
    let excused = json(&rimlig_in(&allowed, &["check", "--format", "json"]));
    assert!(
        excused["unlisted_excused"]["budget-avvikelse"]
            .as_str()
            .is_some_and(|why| why.ends_with("känt fel")),
        "{excused}"
    );
    assert!(v.is_valid(&excused));
    // The human output says so.
    let out = rimlig_in(&dir, &["check"]);
    assert!(
        stdout(&out).contains(
            "and 1 more finding of rule budget-avvikelse not listed ([check] max_findings_per_rule)"
        ),
        "{}",
        stdout(&out)
    );
    // Without the key every finding is listed and there is no `unlisted`.
    let out = rimlig_in(&repo("no-cap", BASE), &["check", "--format", "json"]);
    assert!(json(&out).get("unlisted").is_none());
}

#[test]
fn max_findings_per_rule_must_be_a_positive_whole_number() {
    for (value, code_) in [("0", "config::value"), ("\"many\"", "config::type")] {
        let dir = repo(
            "cap-bad",
            &format!("{BASE}\n[check]\nmax_findings_per_rule = {value}\n"),
        );
        let out = rimlig_in(&dir, &["check", "--format", "json"]);
        let doc = json(&out);
        assert!(
            problem_codes(&doc).contains(&code_.to_string()),
            "{value}: {:?}",
            problem_codes(&doc)
        );
    }
}

#[test]
fn an_allow_entry_for_an_instance_that_cannot_be_is_a_warning() {
    let dir = repo(
        "allow-instance",
        &format!(
            "{BASE}\n[[allow]]\nrule = \"budget-summa[budgett]\"\nreason = \"x\"\n\n\
             [[allow]]\nrule = \"budget-avvikelse[utfall]\"\nreason = \"y\"\n\n\
             [[allow]]\nrule = \"budget-summa[Budget]\"\nreason = \"z\"\n"
        ),
    );
    let doc = json(&rimlig_in(&dir, &["check", "--format", "json"]));
    let said: Vec<(&str, &str)> = problems_with(&doc, &["config::unknown-instance"])
        .into_iter()
        .map(|p| (p["message"].as_str().unwrap(), p["help"].as_str().unwrap()))
        .collect();
    assert_eq!(said.len(), 2, "{said:?}");
    assert!(said[0].0.contains("`budget-summa[budgett]`"), "{said:?}");
    assert!(said[0].1.contains("utfall, budget, avvikelse"), "{said:?}");
    assert!(said[1].1.contains("has no `for`"), "{said:?}");
}

#[test]
fn an_allow_entry_whose_rule_is_not_written_as_a_rule_says_so() {
    // `[r]` was said to name the rule ``; `r[` matched nothing without a word.
    let dir = repo(
        "allow-unwritten",
        &format!(
            "{BASE}\n[[allow]]\nrule = \"[budget-summa]\"\nreason = \"x\"\n\n\
             [[allow]]\nrule = \"budget-summa[\"\nreason = \"y\"\n"
        ),
    );
    let doc = json(&rimlig_in(&dir, &["check", "--format", "json"]));
    let said: Vec<(&str, &str)> = problems_with(&doc, &["config::unknown-rule", "config::value"])
        .into_iter()
        .map(|p| (p["code"].as_str().unwrap(), p["message"].as_str().unwrap()))
        .collect();
    assert_eq!(said.len(), 2, "{said:?}");
    assert_eq!(said[0].0, "config::unknown-rule");
    assert!(said[0].1.contains("the rule `[budget-summa]`"), "{said:?}");
    assert_eq!(said[1].0, "config::value");
    assert!(said[1].1.contains("`budget-summa[`"), "{said:?}");
}

#[test]
fn many_allow_entries_allow_exactly_the_findings_they_name() {
    // 600 failing rows and 302 entries, most for a report that is not there: each finding is
    // allowed by the first entry that names it, and each entry that names none is a note.
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("config")
        .join("allow-many");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("regler")).unwrap();
    std::fs::create_dir_all(dir.join("rapporter/2021-10")).unwrap();
    std::fs::write(
        dir.join("regler/drift.rules"),
        "rule drift-lika \"Budget och utfall är lika\" { each drift: budget == utfall }\n",
    )
    .unwrap();
    let rows: String = (0..600).map(|i| format!("k{i};1;2\n")).collect();
    std::fs::write(
        dir.join("rapporter/2021-10/drift.csv"),
        format!("Verksamhet;Budget;Utfall\n{rows}"),
    )
    .unwrap();
    let entry = |fields: &str, reason: &str| {
        format!("[[allow]]\nrule = \"drift-lika\"\n{fields}reason = \"{reason}\"\n\n")
    };
    let mut toml = BASE.to_string();
    for i in 0..200 {
        toml += &entry(
            &format!("report = \"andra/{i}/**\"\nkey = \"k*\"\n"),
            "annan rapport",
        );
    }
    toml += &entry("key = \"k1{0,1,2,3,4,5,6,7,8,9}\"\n", "tio till nitton");
    for i in 0..100 {
        let n = 3 * i;
        toml += &entry(
            &format!("report = \"rapporter/2021-10\"\ntable = \"Drift\"\nkey = \"K{n}\"\n"),
            &format!("rad {n}"),
        );
    }
    toml += &entry("key = \"k0\"\n", "k0 igen");
    std::fs::write(dir.join("rimlig.toml"), toml).unwrap();

    let out = rimlig_in(&dir, &["check", "--format", "json"]);
    let doc = json(&out);
    let mut allowed: Vec<(String, String)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["suppressed"] == true)
        .map(|f| {
            (
                f["row_key"].as_str().unwrap().to_string(),
                f["suppression_reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    allowed.sort();
    let mut expected: Vec<(String, String)> = (0..600)
        .filter_map(|n| {
            let reason = if (10..20).contains(&n) {
                "tio till nitton".to_string()
            } else if n % 3 == 0 && n < 300 {
                format!("rad {n}")
            } else {
                return None;
            };
            Some((format!("k{n}"), reason))
        })
        .collect();
    expected.sort();
    assert_eq!(allowed, expected);
    assert_eq!(doc["findings"].as_array().unwrap().len(), 600);
    // The 200 entries for other reports, those for K12, K15 and K18 (whose findings the
    // entry before them allows) and the second one for k0 allow nothing.
    let unused: Vec<u64> = problems_with(&doc, &["config::unused-allow"])
        .into_iter()
        .map(|p| p["line"].as_u64().unwrap())
        .collect();
    assert_eq!(unused.len(), 204, "{:#}", doc["problems"]);
    // An entry takes a line per key and a blank one; the first comes after the lines of BASE.
    let first = BASE.lines().count() as u64 + 1;
    assert_eq!(unused[..2], [first, first + 6]);
    let by_key = first + 6 * 200 + 5;
    assert_eq!(
        unused[200..],
        [
            by_key + 7 * 4,
            by_key + 7 * 5,
            by_key + 7 * 6,
            by_key + 7 * 100
        ]
    );
}
