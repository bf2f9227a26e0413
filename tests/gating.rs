//! End-to-end tests of what fails a `check` run and what a CI job or a person sees of it:
//! `--fail-on`, `--exit-zero`, baselines (`--baseline`, `--update-baseline`), the progress bar
//! (never in a pipe) and colour (`NO_COLOR`, `FORCE_COLOR`, `--color`). Fixtures are under
//! `tests/data/gating/`: `gating.rules` and three small reports, described there.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rules() -> String {
    root()
        .join("tests/data/gating/gating.rules")
        .display()
        .to_string()
}

/// `rimlig ARGS…` in `dir`, with `env` set and every variable that changes the output unset.
fn rimlig_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rimlig"));
    cmd.args(args).current_dir(dir);
    for var in [
        "NO_COLOR",
        "FORCE_COLOR",
        "CI",
        "COLUMNS",
        "RIMLIG_PROGRESS_DELAY_MS",
    ] {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().copied());
    cmd.output().expect("the rimlig binary runs")
}

/// `rimlig check REPORT --rules gating.rules ARGS…` from the crate root.
fn check(report: &str, args: &[&str]) -> Output {
    let rules = rules();
    let path = format!("tests/data/gating/{report}");
    let base = ["check", path.as_str(), "--rules", rules.as_str()];
    rimlig_env(&root(), &[&base[..], args].concat(), &[])
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
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            stdout(o),
            stderr(o)
        )
    })
}

/// The exit code, checked to be the one the JSON document states.
fn json_code(report: &str, args: &[&str]) -> i32 {
    let out = check(report, &[args, &["--format", "json"]].concat());
    let doc = json(&out);
    assert_eq!(
        doc["exit_code"],
        code(&out),
        "JSON and process agree for {report} {args:?}"
    );
    code(&out)
}

/// A fresh folder under the system's temporary folder, unique to this test and process.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("rimlig-gating-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create a scratch folder");
        Scratch(dir)
    }

    /// Copy `tests/data/gating/REPORT/budget.csv` to `report/budget.csv` here.
    fn with_report(self, report: &str) -> Scratch {
        std::fs::create_dir_all(self.0.join("report")).unwrap();
        std::fs::copy(
            root().join(format!("tests/data/gating/{report}/budget.csv")),
            self.0.join("report/budget.csv"),
        )
        .unwrap();
        self
    }

    fn write(&self, file: &str, text: &str) {
        std::fs::write(self.0.join(file), text).unwrap();
    }

    fn read(&self, file: &str) -> String {
        std::fs::read_to_string(self.0.join(file)).unwrap()
    }

    /// `rimlig check report --rules gating.rules ARGS…` here, so that the report is `report`.
    fn check(&self, args: &[&str]) -> Output {
        let rules = rules();
        let base = ["check", "report", "--rules", rules.as_str()];
        rimlig_env(&self.0, &[&base[..], args].concat(), &[])
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn findings(doc: &Value) -> &Vec<Value> {
    doc["findings"].as_array().expect("findings is an array")
}

/// (rule, row_key) of the findings with `baselined` equal to `baselined`.
fn marked(doc: &Value, baselined: bool) -> Vec<(String, String)> {
    findings(doc)
        .iter()
        .filter(|f| f["baselined"] == baselined)
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["row_key"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

// ------------------------------------------------------------------------------- gating

#[test]
fn fail_on_sets_the_least_serious_finding_that_fails() {
    // info/: one info; warning/: a warning and an info; error/: errors, a warning, an info.
    let table = [
        ("error", [0, 0, 1]),
        ("warning", [0, 1, 1]),
        ("info", [1, 1, 1]),
    ];
    for (level, codes) in table {
        for (report, want) in ["info", "warning", "error"].iter().zip(codes) {
            assert_eq!(
                json_code(report, &["--fail-on", level]),
                want,
                "--fail-on {level} on {report}/"
            );
        }
    }
    // The default is --fail-on error.
    assert_eq!(json_code("warning", &[]), 0);
    assert_eq!(json_code("error", &[]), 1);
}

#[test]
fn deny_warnings_is_fail_on_warning_and_the_more_demanding_wins() {
    assert_eq!(json_code("warning", &["--deny", "warnings"]), 1);
    assert_eq!(json_code("info", &["--deny", "warnings"]), 0);
    assert_eq!(
        json_code("warning", &["--deny", "warnings", "--fail-on", "error"]),
        1
    );
    assert_eq!(
        json_code("info", &["--deny", "warnings", "--fail-on", "info"]),
        1
    );
}

#[test]
fn fail_on_rejects_an_unknown_level() {
    let out = check("info", &["--fail-on", "errors"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("possible values"), "{}", stderr(&out));
}

#[test]
fn exit_zero_passes_findings_but_not_a_broken_run() {
    assert_eq!(json_code("error", &["--exit-zero"]), 0);
    assert_eq!(json_code("error", &["--exit-zero", "--fail-on", "info"]), 0);
    // The findings are still there.
    let out = check("error", &["--exit-zero", "--format", "json"]);
    assert_eq!(json(&out)["summary"]["findings"]["error"], 2);

    // A rule path that does not exist is a broken run: 2, --exit-zero or not.
    let out = rimlig_env(
        &root(),
        &[
            "check",
            "tests/data/gating/error",
            "--rules",
            "tests/data/gating/no-such.rules",
            "--exit-zero",
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(code(&out), 2);
    assert_eq!(json(&out)["exit_code"], 2);
}

// ----------------------------------------------------------------------------- baselines

#[test]
fn update_baseline_does_not_write_over_a_file_that_is_no_baseline() {
    // `--baseline report/budget.csv` by mistake: the report's table was replaced by baseline
    // JSON without a word, and the run exited 0.
    let dir = Scratch::new("not-a-baseline").with_report("error");
    let table = dir.read("report/budget.csv");
    let out = dir.check(&["--baseline", "report/budget.csv", "--update-baseline"]);
    assert_eq!(code(&out), 2, "{}", stdout(&out));
    assert_eq!(
        dir.read("report/budget.csv"),
        table,
        "the table is as it was"
    );
    let said = format!("{}{}", stdout(&out), stderr(&out));
    assert!(
        said.contains("baseline::not-written") && said.contains("which would lose what it holds"),
        "{said}"
    );
    // An empty file holds nothing to lose: it becomes the baseline.
    dir.write("empty.json", "");
    let out = dir.check(&["--baseline", "empty.json", "--update-baseline"]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    assert!(dir.read("empty.json").contains("\"version\""));
}

#[test]
fn a_baseline_turns_known_findings_green_and_a_new_one_red() {
    let dir = Scratch::new("green-red").with_report("error");
    let out = dir.check(&["--color", "never"]);
    assert_eq!(code(&out), 1, "{}", stdout(&out));

    // --update-baseline writes today's findings and exits 0.
    let out = dir.check(&["--baseline", "baseline.json", "--update-baseline"]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    assert!(
        stdout(&out).contains("wrote the baseline baseline.json: 4 findings\n"),
        "{}",
        stdout(&out)
    );
    let written = dir.read("baseline.json");
    let doc: Value = serde_json::from_str(&written).unwrap();
    assert_eq!(doc["version"], 1);
    let entries = doc["findings"].as_array().unwrap();
    assert_eq!(entries.len(), 4);
    let keys: Vec<&str> = entries[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut want = vec![
        "fingerprint",
        "rule",
        "report",
        "table",
        "row_key",
        "column",
        "message",
    ];
    want.sort();
    assert_eq!(keys, want, "serde_json sorts the keys it reads");
    assert!(written.starts_with("{\n  \"version\": 1,\n  \"findings\": [\n    {\n"));
    assert!(written.ends_with("}\n"));
    assert_eq!(entries[0]["report"], "report");
    // Sorted by place: the avvikelse rule's findings first (Löner before Summa), then the rest.
    let order: Vec<(&str, &str)> = entries
        .iter()
        .map(|e| {
            (
                e["rule"].as_str().unwrap(),
                e["row_key"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        order,
        [
            ("avvikelse", "Löner"),
            ("avvikelse", "Summa"),
            ("inom-budget", "Hyror"),
            ("stor-post", "Hyror"),
        ]
    );
    // Writing it again from the same findings changes nothing (it diffs well).
    let out = dir.check(&["--baseline", "baseline.json", "--update-baseline"]);
    assert_eq!(code(&out), 0);
    assert_eq!(dir.read("baseline.json"), written);

    // With the baseline: the same findings, known, exit 0.
    let out = dir.check(&["--baseline", "baseline.json", "--format", "json"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let doc = json(&out);
    assert_eq!(doc["exit_code"], 0);
    assert_eq!(marked(&doc, true).len(), 4);
    assert_eq!(marked(&doc, false).len(), 0);
    assert_eq!(doc["summary"]["baselined"]["error"], 2);
    assert_eq!(doc["summary"]["fixed_since_baseline"], 0);
    assert_eq!(doc["baseline"]["file"], "baseline.json");
    for f in findings(&doc) {
        assert_eq!(f["fingerprint"].as_str().unwrap().len(), 16);
    }

    // A new error in the report (a row before Summa: the lines below it move) fails the run,
    // and it is the only finding not in the baseline.
    dir.write(
        "report/budget.csv",
        "Post;Utfall;Budget;Avvikelse\nHyror;120;100;20\nLöner;80;90;-5\n\
         Städ;30;40;-5\nSumma;200;190;15\n",
    );
    let out = dir.check(&["--baseline", "baseline.json", "--format", "json"]);
    assert_eq!(code(&out), 1, "{}", stdout(&out));
    let doc = json(&out);
    assert_eq!(doc["exit_code"], 1);
    assert_eq!(
        marked(&doc, false),
        [("avvikelse".to_string(), "Städ".to_string())]
    );
    assert_eq!(marked(&doc, true).len(), 4);

    // In the terminal: the new finding in full, the known ones summed up.
    let out = dir.check(&["--baseline", "baseline.json", "--color", "never"]);
    assert_eq!(code(&out), 1);
    let text = stdout(&out);
    assert!(text.contains("budget.csv:4:"), "{text}");
    assert!(
        !text.contains("budget.csv:3:"),
        "known findings are not shown: {text}"
    );
    assert!(
        text.contains("4 known findings from the baseline baseline.json not shown"),
        "{text}"
    );
    assert!(
        text.contains("3 errors, 1 warning, 1 info (4 known from the baseline);"),
        "{text}"
    );
    // --verbose shows them, marked.
    let out = dir.check(&["--baseline", "baseline.json", "--color", "never", "-v"]);
    let text = stdout(&out);
    assert_eq!(text.matches("(baseline)").count(), 4, "{text}");
    assert!(text.contains("budget.csv:3:"), "{text}");
}

#[test]
fn baseline_entries_count_findings_of_the_same_identity() {
    // duplicate/ has the key Hyror twice: two avvikelse findings with one fingerprint.
    let dir = Scratch::new("duplicates").with_report("duplicate");
    let out = dir.check(&["--baseline", "baseline.json", "--update-baseline"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let mut doc: Value = serde_json::from_str(&dir.read("baseline.json")).unwrap();
    let entries = doc["findings"].as_array_mut().unwrap();
    assert_eq!(entries.len(), 4);
    assert_eq!(entries[0]["fingerprint"], entries[1]["fingerprint"]);
    // One entry of the two: it absorbs one finding, the other is new.
    entries.remove(0);
    dir.write(
        "baseline.json",
        &serde_json::to_string_pretty(&doc).unwrap(),
    );

    let out = dir.check(&["--baseline", "baseline.json", "--format", "json"]);
    assert_eq!(code(&out), 1);
    let doc = json(&out);
    assert_eq!(marked(&doc, true).len(), 3);
    assert_eq!(
        marked(&doc, false),
        [("avvikelse".to_string(), "Hyror".to_string())]
    );
}

#[test]
fn fixed_findings_are_reported_as_fixed_since_the_baseline() {
    let dir = Scratch::new("fixed").with_report("error");
    let out = dir.check(&["--baseline", "baseline.json", "--update-baseline"]);
    assert_eq!(code(&out), 0);
    // Löner's avvikelse corrected: its finding is gone, Summa's remains.
    dir.write(
        "report/budget.csv",
        "Post;Utfall;Budget;Avvikelse\nHyror;120;100;20\nLöner;80;90;-10\nSumma;200;190;15\n",
    );
    let out = dir.check(&["--baseline", "baseline.json", "--format", "json"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let doc = json(&out);
    assert_eq!(doc["summary"]["fixed_since_baseline"], 1);
    let fixed = doc["baseline"]["fixed"].as_array().unwrap();
    assert_eq!(fixed.len(), 1);
    assert_eq!(fixed[0]["rule"], "avvikelse");
    assert_eq!(fixed[0]["row_key"], "Löner");

    let out = dir.check(&["--baseline", "baseline.json", "--color", "never"]);
    let text = stdout(&out);
    assert!(
        text.contains(
            "1 finding of the baseline baseline.json fixed since the baseline \
             (--verbose lists them); --update-baseline drops it from it\n"
        ),
        "{text}"
    );
    assert!(!text.contains("fixed since the baseline: "), "{text}");
    let out = dir.check(&["--baseline", "baseline.json", "--color", "never", "-v"]);
    let text = stdout(&out);
    assert!(
        text.contains(
            "fixed since the baseline: avvikelse · report · budget · Löner · Avvikelse: "
        ),
        "{text}"
    );

    // Updating drops it, and says so.
    let out = dir.check(&["--baseline", "baseline.json", "--update-baseline"]);
    assert!(
        stdout(&out).contains(
            "wrote the baseline baseline.json: 3 findings (0 new, 1 fixed since the baseline before)"
        ),
        "{}",
        stdout(&out)
    );
    let doc: Value = serde_json::from_str(&dir.read("baseline.json")).unwrap();
    assert_eq!(doc["findings"].as_array().unwrap().len(), 3);
}

#[test]
fn a_missing_baseline_is_an_error_with_a_hint() {
    let dir = Scratch::new("missing").with_report("warning");
    let out = dir.check(&["--baseline", "nowhere.json", "--format", "json"]);
    assert_eq!(code(&out), 2);
    let doc = json(&out);
    assert_eq!(doc["exit_code"], 2);
    let p = doc["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "baseline::missing")
        .expect("a baseline::missing problem");
    assert_eq!(p["severity"], "error");
    assert_eq!(p["file"], "nowhere.json");
    assert!(
        p["help"].as_str().unwrap().contains("--update-baseline"),
        "{p}"
    );
    // Not even --exit-zero passes it.
    let out = dir.check(&["--baseline", "nowhere.json", "--exit-zero"]);
    assert_eq!(code(&out), 2);
    // --update-baseline needs --baseline.
    let out = dir.check(&["--update-baseline"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("--baseline"), "{}", stderr(&out));
}

/// The `baseline::malformed` problem of a JSON check of `dir` with its `baseline.json`, which
/// must exit 2.
fn malformed_baseline(dir: &Scratch) -> Value {
    let out = dir.check(&["--baseline", "baseline.json", "--format", "json"]);
    assert_eq!(code(&out), 2);
    json(&out)["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "baseline::malformed")
        .expect("a baseline::malformed problem")
        .clone()
}

/// A fingerprint rimlig never writes (here upper case, as an editor may change it) matches
/// no finding: it is refused at its place rather than excusing nothing without a word.
#[test]
fn a_baseline_fingerprint_rimlig_does_not_write_is_refused_at_its_place() {
    let dir = Scratch::new("bad-fingerprint").with_report("warning");
    dir.write(
        "baseline.json",
        "{\n  \"version\": 1,\n  \"findings\": [\n    {\"fingerprint\": \"96BE04EF95D5FE93\"}\n  ]\n}\n",
    );
    let p = malformed_baseline(&dir);
    assert!(
        p["message"].as_str().unwrap().contains(
            "finding 1 has the fingerprint \"96BE04EF95D5FE93\", which is none rimlig writes"
        ),
        "{p}"
    );
    assert_eq!(
        (p["line"].clone(), p["column"].clone()),
        (4.into(), 21.into())
    );
}

#[test]
fn a_malformed_baseline_is_an_error_at_its_position() {
    let dir = Scratch::new("malformed").with_report("warning");
    dir.write(
        "baseline.json",
        "{\n  \"version\": 1,\n  \"findings\": [\n    {\"fingerprint\": \"x\",}\n  ]\n}\n",
    );
    let p = malformed_baseline(&dir);
    assert_eq!(p["file"], "baseline.json");
    assert_eq!(p["line"], 4);
    assert_eq!(p["column"], 25);
    // The terminal shows the place.
    let out = dir.check(&["--baseline", "baseline.json", "--color", "never"]);
    assert_eq!(code(&out), 2);
    assert!(
        stdout(&out).contains("[baseline.json:4:25]"),
        "{}",
        stdout(&out)
    );

    // Valid JSON of another version is malformed too.
    dir.write("baseline.json", "{\"version\": 2, \"findings\": []}");
    let out = dir.check(&["--baseline", "baseline.json", "--format", "json"]);
    assert_eq!(code(&out), 2);
    assert!(stdout(&out).contains("version 2 is not one this rimlig reads"));

    // --update-baseline writes a malformed baseline anew.
    let out = dir.check(&["--baseline", "baseline.json", "--update-baseline"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let out = dir.check(&["--baseline", "baseline.json"]);
    assert_eq!(code(&out), 0);
}

#[test]
fn a_broken_run_does_not_write_a_baseline() {
    let dir = Scratch::new("broken").with_report("warning");
    let out = rimlig_env(
        &dir.0,
        &[
            "check",
            "report",
            "--rules",
            "no-such.rules",
            "--baseline",
            "baseline.json",
            "--update-baseline",
        ],
        &[],
    );
    assert_eq!(code(&out), 2);
    assert!(!dir.0.join("baseline.json").exists());
    assert!(
        stdout(&out).contains("baseline::not-written"),
        "{}",
        stdout(&out)
    );
}

// ----------------------------------------------------------------- progress and colour

#[test]
fn no_progress_output_in_a_pipe() {
    // Even with the bar due at once and not in CI, a piped stderr gets nothing.
    for format in ["human", "json"] {
        let out = rimlig_env(
            &root(),
            &[
                "check",
                "tests/data/gating/error",
                "--rules",
                &rules(),
                "--format",
                format,
            ],
            &[
                ("RIMLIG_PROGRESS_DELAY_MS", "0"),
                ("TERM", "xterm-256color"),
            ],
        );
        assert_eq!(code(&out), 1);
        assert_eq!(stderr(&out), "", "--format {format}");
        assert!(!stdout(&out).contains("checking rules"));
        assert!(!stdout(&out).contains('\r'));
    }
}

#[test]
fn colour_follows_no_color_force_color_and_the_flag() {
    let colour = |args: &[&str], env: &[(&str, &str)]| {
        let rules = rules();
        let base = [
            "check",
            "tests/data/gating/error",
            "--rules",
            rules.as_str(),
        ];
        let out = rimlig_env(&root(), &[&base[..], args].concat(), env);
        assert_eq!(code(&out), 1);
        stdout(&out).contains('\u{1b}')
    };
    // Stdout is a pipe here: no colour unless forced.
    assert!(!colour(&[], &[]));
    assert!(colour(&[], &[("FORCE_COLOR", "1")]));
    assert!(!colour(&[], &[("FORCE_COLOR", "0")]));
    assert!(!colour(&[], &[("FORCE_COLOR", "")]));
    assert!(!colour(&[], &[("NO_COLOR", "1")]));
    // NO_COLOR wins over FORCE_COLOR; an empty NO_COLOR is not set.
    assert!(!colour(&[], &[("NO_COLOR", "1"), ("FORCE_COLOR", "1")]));
    assert!(colour(&[], &[("NO_COLOR", ""), ("FORCE_COLOR", "1")]));
    // --color always|never goes first.
    assert!(colour(&["--color", "always"], &[("NO_COLOR", "1")]));
    assert!(!colour(&["--color", "never"], &[("FORCE_COLOR", "1")]));
    assert!(colour(&["--color", "auto"], &[("FORCE_COLOR", "true")]));
}

#[test]
fn without_a_baseline_no_finding_is_baselined() {
    let out = check("error", &["--format", "json"]);
    let doc = json(&out);
    assert!(doc["baseline"].is_null());
    assert_eq!(marked(&doc, false).len(), 4);
    assert_eq!(
        doc["summary"]["baselined"],
        serde_json::json!({"error": 0, "warning": 0, "info": 0})
    );
    assert_eq!(doc["summary"]["fixed_since_baseline"], 0);
    let fingerprints: std::collections::BTreeSet<&str> = findings(&doc)
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(fingerprints.len(), 4, "one fingerprint per identity");
    // And no word of a baseline in the terminal.
    let text = stdout(&check("error", &["--color", "never"]));
    assert!(!text.contains("baseline"), "{text}");
}

#[test]
fn ci_formats_leave_baselined_findings_out_and_sarif_marks_them() {
    let dir = Scratch::new("ci-formats").with_report("error");
    let out = dir.check(&["--baseline", "baseline.json", "--update-baseline"]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    // Everything is known: no annotation, no concise line, exit 0.
    for format in ["github", "concise"] {
        let out = dir.check(&["--baseline", "baseline.json", "--format", format]);
        assert_eq!(code(&out), 0, "{format}");
        let text = stdout(&out);
        assert!(
            !text.contains("::error") && !text.contains("error["),
            "{format}: {text}"
        );
    }
    let out = dir.check(&["--baseline", "baseline.json", "--format", "gitlab"]);
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(
        doc.as_array()
            .unwrap()
            .iter()
            .all(|e| e["check_name"].as_str().is_some_and(|c| c.contains("::"))),
        "only problems, no findings: {doc:#}"
    );
    // SARIF keeps them, saying they are known.
    let out = dir.check(&["--baseline", "baseline.json", "--format", "sarif"]);
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let results = doc["runs"][0]["results"].as_array().unwrap();
    let states: Vec<&str> = results
        .iter()
        .filter_map(|r| r["baselineState"].as_str())
        .collect();
    assert_eq!(states, ["unchanged"; 4], "{doc:#}");
}

#[test]
fn findings_counted_but_not_listed_are_new_to_every_baseline() {
    // One error listed per rule: Löner's is baselined, Summa's is only counted.
    let dir = Scratch::new("unlisted").with_report("error");
    dir.write("rimlig.toml", "[check]\nmax_findings_per_rule = 1\n");
    dir.write(
        "report/budget.csv",
        "Post;Utfall;Budget;Avvikelse\nHyror;120;100;20\nLöner;80;90;-5\nSumma;200;190;30\n",
    );
    let out = dir.check(&["--baseline", "baseline.json", "--update-baseline"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let out = dir.check(&["--baseline", "baseline.json", "--format", "json"]);
    let doc = json(&out);
    assert_eq!(doc["unlisted"]["avvikelse"], 1, "{doc}");
    assert_eq!(code(&out), 1, "{}", stdout(&out));
    assert_eq!(doc["exit_code"], 1);
    // Nothing excuses them: the JSON has no `unlisted_excused`.
    assert!(doc.get("unlisted_excused").is_none(), "{doc}");
    // The formats for machines say why the run failed.
    let said = "1 more finding of rule avvikelse counted but not listed";
    let concise = stdout(&dir.check(&["--baseline", "baseline.json", "--format", "concise"]));
    assert!(
        concise.contains(&format!("error[avvikelse] {said}")),
        "{concise}"
    );
    let github = stdout(&dir.check(&["--baseline", "baseline.json", "--format", "github"]));
    assert!(github.contains("::error title=avvikelse::"), "{github}");
    assert!(github.contains(said), "{github}");
    let junit = stdout(&dir.check(&["--baseline", "baseline.json", "--format", "junit"]));
    assert!(
        junit.contains("name=\"avvikelse (not listed)\">\n      <failure message=\"1 more finding"),
        "{junit}"
    );
    // An allow entry for the whole rule stands for every finding of it.
    dir.write(
        "rimlig.toml",
        "[check]\nmax_findings_per_rule = 1\n\n[[allow]]\nrule = \"avvikelse\"\nreason = \"known\"\n",
    );
    assert_eq!(code(&dir.check(&["--baseline", "baseline.json"])), 0);
    // The JSON says which rule's counted findings are excused, and why.
    let doc = json(&dir.check(&["--baseline", "baseline.json", "--format", "json"]));
    assert_eq!(doc["unlisted"]["avvikelse"], 1, "{doc}");
    let why = doc["unlisted_excused"]["avvikelse"]
        .as_str()
        .unwrap_or_default();
    assert!(
        why.starts_with("allowed by an [[allow]] entry for the whole rule")
            && why.ends_with("known"),
        "{doc}"
    );
    assert_eq!(doc["exit_code"], 0);
}

#[test]
fn baseline_entries_of_reports_not_checked_are_kept_not_fixed() {
    let dir = Scratch::new("elsewhere").with_report("error");
    let out = dir.check(&["--baseline", "baseline.json", "--update-baseline"]);
    assert_eq!(code(&out), 0);
    // An entry of another report and one of a rule not loaded, as another run wrote them,
    // and one with nothing but its fingerprint (which the file needs alone).
    let mut doc: Value = serde_json::from_str(&dir.read("baseline.json")).unwrap();
    let entries = doc["findings"].as_array_mut().unwrap();
    let mut other = entries[0].clone();
    other["report"] = "reports/2020-08".into();
    other["fingerprint"] = "0000000000000001".into();
    let mut retired = entries[0].clone();
    retired["rule"] = "no-such-rule[budget]".into();
    retired["fingerprint"] = "0000000000000002".into();
    entries.extend([
        other,
        retired,
        serde_json::json!({"fingerprint": "0000000000000003"}),
    ]);
    // Notepad's byte order mark is read past.
    dir.write("baseline.json", &format!("\u{feff}{doc}"));

    let out = dir.check(&["--baseline", "baseline.json", "--format", "json"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let doc = json(&out);
    assert_eq!(doc["baseline"]["elsewhere"], 2, "{doc}");
    let fixed = doc["baseline"]["fixed"].as_array().unwrap();
    assert_eq!(fixed.len(), 1, "{fixed:?}");
    assert_eq!(fixed[0]["fingerprint"], "0000000000000003");
    let out = dir.check(&["--baseline", "baseline.json", "--color", "never"]);
    assert!(
        stdout(&out).contains(
            "2 entries of the baseline baseline.json about reports or rules this run did not check: kept"
        ),
        "{}",
        stdout(&out)
    );

    // Updating keeps the two and drops the fixed one.
    let out = dir.check(&["--baseline", "baseline.json", "--update-baseline"]);
    assert_eq!(code(&out), 0);
    let doc: Value = serde_json::from_str(&dir.read("baseline.json")).unwrap();
    let prints: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(prints.len(), 6, "{prints:?}");
    assert!(prints.contains(&"0000000000000001") && prints.contains(&"0000000000000002"));
    assert!(!prints.contains(&"0000000000000003"));
    // Nothing is left beside it.
    let left: Vec<_> = std::fs::read_dir(&dir.0)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        !left.iter().any(|n| n.to_string_lossy().ends_with(".tmp")),
        "{left:?}"
    );
}

#[test]
fn a_baseline_of_the_wrong_shape_says_what_it_should_be() {
    let dir = Scratch::new("shape").with_report("warning");
    for (text, says) in [
        (
            "{\"version\": \"1\", \"findings\": []}",
            "`version` must be the number 1",
        ),
        ("[]", "the file must be one object"),
        (
            "{\"version\": 1, \"findings\": {}}",
            "`findings` must be a list",
        ),
        (
            "{\"version\": 1, \"findings\": [{}]}",
            "`fingerprint` is missing",
        ),
    ] {
        dir.write("baseline.json", text);
        let out = dir.check(&["--baseline", "baseline.json", "--format", "json"]);
        assert_eq!(code(&out), 2);
        let doc = json(&out);
        let message = doc["problems"][0]["message"].as_str().unwrap().to_string();
        assert!(message.contains(says), "{text}: {message}");
    }
}

#[test]
fn a_report_given_twice_or_under_another_spelling_is_checked_once() {
    let once = json(&check("error", &["--format", "json"]));
    for args in [
        vec!["tests/data/gating/error"],
        vec!["tests/data/gating//error/"],
        vec!["tests/data/gating/./error", "tests/data/gating/error"],
        vec![
            "tests/data/gating/error/budget.csv",
            "tests/data/gating/error",
        ],
    ] {
        let out = check("error", &[&args[..], &["--format", "json"]].concat());
        let doc = json(&out);
        assert_eq!(doc["summary"], once["summary"], "{args:?}");
        assert_eq!(doc["problems"], once["problems"], "{args:?}");
        let report = |d: &Value| d["findings"][0]["report"].clone();
        assert_eq!(report(&doc), report(&once), "{args:?}");
    }
}

#[cfg(unix)]
#[test]
fn a_baseline_behind_a_link_is_written_where_it_is_with_its_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = Scratch::new("linked").with_report("error");
    std::fs::create_dir_all(dir.0.join("store")).unwrap();
    dir.write("store/real.json", "{\"version\": 1, \"findings\": []}\n");
    let real = dir.0.join("store/real.json");
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o600)).unwrap();
    std::os::unix::fs::symlink("store/real.json", dir.0.join("linked.json")).unwrap();
    let out = dir.check(&["--baseline", "linked.json", "--update-baseline"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let link = std::fs::symlink_metadata(dir.0.join("linked.json")).unwrap();
    assert!(link.file_type().is_symlink());
    let doc: Value = serde_json::from_str(&dir.read("store/real.json")).unwrap();
    assert_eq!(doc["findings"].as_array().unwrap().len(), 4);
    let mode = std::fs::metadata(&real).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}
