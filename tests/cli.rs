//! End-to-end tests of the `rimlig` binary: what a user or a CI job sees — exit codes, the JSON
//! document, the terminal text — on the shipped Linköping example and on small fixtures under
//! `tests/data/cli/` and `tests/data/rules-errors/`.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const EXAMPLES: &str = "examples/linkoping-vss";

/// The crate root: every relative path in these tests (and in rimlig's output) is relative to it.
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Run `rimlig ARGS…` in `dir`.
fn rimlig_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rimlig"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("COLUMNS")
        .output()
        .expect("the rimlig binary runs")
}

/// Run `rimlig ARGS…` from the crate root.
fn rimlig(args: &[&str]) -> Output {
    rimlig_in(&root(), args)
}

fn code(o: &Output) -> i32 {
    o.status
        .code()
        .expect("rimlig exits with a code, not a signal")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("stderr is UTF-8")
}

/// Parse the `--format json` document on stdout.
fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            stdout(o),
            stderr(o)
        )
    })
}

/// A fresh, empty folder under cargo's per-crate temporary directory.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("cli")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create a scratch folder");
    dir
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("`{key}` is not a string in {v}"))
}

fn opt_s<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v[key].as_str()
}

/// (rule, severity, file, row_key, column_name) of every finding, sorted.
fn finding_ids(doc: &Value) -> Vec<(String, String, String, String, String)> {
    let mut v: Vec<_> = doc["findings"]
        .as_array()
        .expect("findings is an array")
        .iter()
        .map(|f| {
            (
                s(f, "rule").to_string(),
                s(f, "severity").to_string(),
                s(f, "file").to_string(),
                opt_s(f, "row_key").unwrap_or("").to_string(),
                opt_s(f, "column_name").unwrap_or("").to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

/// The finding of `rule` on the file ending in `file_suffix` at `row_key`.
fn find<'a>(doc: &'a Value, rule: &str, file_suffix: &str, row_key: &str) -> &'a Value {
    let hits: Vec<&Value> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            s(f, "rule") == rule
                && s(f, "file").ends_with(file_suffix)
                && opt_s(f, "row_key") == Some(row_key)
        })
        .collect();
    assert_eq!(
        hits.len(),
        1,
        "one finding of {rule} on {file_suffix} · {row_key}, got {hits:#?}"
    );
    hits[0]
}

fn examples_json() -> (Output, Value) {
    let out = rimlig(&["check", EXAMPLES, "--format", "json"]);
    let doc = json(&out);
    (out, doc)
}

// ------------------------------------------------------------------ the Linköping example

#[test]
fn example_json_exits_1_with_exactly_the_known_inconsistencies() {
    let (out, doc) = examples_json();
    assert_eq!(code(&out), 1, "stderr: {}", stderr(&out));
    assert_eq!(doc["exit_code"], 1);

    let e = |rule: &str, file: &str, row: &str, col: &str| {
        (
            rule.to_string(),
            "error".to_string(),
            format!("{EXAMPLES}/{file}"),
            row.to_string(),
            col.to_string(),
        )
    };
    let f = |rule: &str, severity: &str, file: &str, row: &str, col: &str| {
        (
            rule.to_string(),
            severity.to_string(),
            format!("{EXAMPLES}/{file}"),
            row.to_string(),
            col.to_string(),
        )
    };
    let mut want = vec![
        // October: Kontakt Linköping's avvikelse 995 where prognos − budget is 1 000.
        e(
            "prognos-avvikelse",
            "2020-10/prognos.csv",
            "Kontakt Linköping",
            "Avvikelse",
        ),
        // October's "varav kostnader" is written with a minus sign, its avvikelse the other
        // way round, and last year's bokslut flipped sign since August.
        e(
            "prognos-avvikelse",
            "2020-10/prognos.csv",
            "varav kostnader",
            "Avvikelse",
        ),
        e(
            "prognos-bokslut-oforandrat",
            "2020-10/prognos.csv",
            "varav kostnader",
            "Bokslut 2019",
        ),
        e(
            "prognos-tecken-stabilt",
            "2020-10/prognos.csv",
            "varav kostnader",
            "Prognos helår",
        ),
        // August: the investment forecast 60 000 over the frame 45 000.
        e(
            "investering-ram",
            "2020-08/investeringar.csv",
            "IT-utrustning",
            "Prognos netto",
        ),
        // The investment avvikelse is Prognos − Ram in August and Ram − Prognos in October.
        f(
            "investering-avvikelse",
            "warning",
            "2020-08/investeringar.csv",
            "IT-utrustning",
            "Avvikelse",
        ),
        e(
            "investering-tecken-stabilt",
            "2020-10/investeringar.csv",
            "IT-utrustning",
            "Avvikelse",
        ),
        e(
            "ekonomi-avvikelse",
            "2020-10/ekonomi.csv",
            "Investeringar, netto",
            "Avvikelse",
        ),
        f(
            "investering-ram-andrad",
            "info",
            "2020-10/investeringar.csv",
            "IT-utrustning",
            "Ram",
        ),
        // Personalomsättning 2018: total 2,1 outside men 1,4 and women 1,4.
        e(
            "personal-kon",
            "2020-08/indikatorer_medarbetare.csv",
            "Extern personalomsättning",
            "2018",
        ),
        // LKDATA support: 42 253 in basuppdrag, 42 357 among the indicators.
        e(
            "volym-indikator",
            "2020-08/indikatorer_ekonomi.csv",
            "LKDATA - support",
            "Aug. 2020",
        ),
        // Chefsomsättning's target sits on the row for men.
        f(
            "indikator-malvarde",
            "warning",
            "2020-08/indikatorer_medarbetare.csv",
            "Män",
            "Målvärde",
        ),
    ];
    // Period budgets larger than an annual budget of 0 (information only).
    for (file, col) in [
        ("2020-08/driftsammandrag.csv", "Budget jan-augusti 2020"),
        ("2020-10/driftsammandrag.csv", "Budget jan-okt 2020"),
    ] {
        for row in ["Ekonomiservice", "HR service", "LKDATA"] {
            want.push(f("drift-budget-inom-ar", "info", file, row, col));
        }
    }
    want.sort();
    assert_eq!(
        finding_ids(&doc),
        want,
        "a new false alarm or a lost finding"
    );

    let summary = &doc["summary"];
    assert_eq!(summary["findings"]["error"], 9);
    assert_eq!(summary["findings"]["warning"], 2);
    assert_eq!(summary["findings"]["info"], 7);
    assert_eq!(summary["reports"], 2);
    assert_eq!(
        doc["problems"].as_array().unwrap().len(),
        0,
        "{:#}",
        doc["problems"]
    );
}

#[test]
fn example_findings_carry_both_sides_of_the_comparison() {
    let (_, doc) = examples_json();

    let f = find(
        &doc,
        "prognos-avvikelse",
        "2020-10/prognos.csv",
        "Kontakt Linköping",
    );
    assert_eq!(s(f, "column_name"), "Avvikelse");
    assert_eq!(s(f, "severity"), "error");
    assert_eq!(f["values"]["left"], "995");
    assert_eq!(f["values"]["right"], "1000");
    assert_eq!(f["values"]["difference"], "-5");
    assert_eq!(f["values"]["op"], "==");
    assert_eq!(f["line"], 6);

    let f = find(
        &doc,
        "prognos-avvikelse",
        "2020-10/prognos.csv",
        "varav kostnader",
    );
    assert_eq!(f["values"]["left"], "6286");
    assert_eq!(f["values"]["right"], "-6286");

    let f = find(
        &doc,
        "investering-ram",
        "2020-08/investeringar.csv",
        "IT-utrustning",
    );
    assert_eq!(f["values"]["left"], "60000");
    assert_eq!(f["values"]["right"], "45000");

    let f = find(
        &doc,
        "personal-kon",
        "2020-08/indikatorer_medarbetare.csv",
        "Extern personalomsättning",
    );
    assert_eq!(s(f, "column_name"), "2018");
    assert_eq!(f["values"]["left"], "2.1");
    assert_eq!(f["values"]["right"], "1.4");

    let f = find(
        &doc,
        "volym-indikator",
        "2020-08/indikatorer_ekonomi.csv",
        "LKDATA - support",
    );
    assert_eq!(f["values"]["left"], "42357");
    assert_eq!(f["values"]["right"], "42253");
}

#[test]
fn example_rounding_differences_are_not_findings() {
    // August Summa Avvikelse 6 874 (units add up to 6 873), October Summa 9 962 (9 963) and
    // 18 011 (18 010), October HR service 192 − 129 = 63 printed 62: all within ±1 tkr.
    let (_, doc) = examples_json();
    for f in doc["findings"].as_array().unwrap() {
        let rule = s(f, "rule");
        assert!(
            !matches!(rule, "drift-summa" | "drift-avvikelse" | "prognos-summa"),
            "false alarm on a rounding difference: {f:#}"
        );
    }
    // …and the rules did run: they passed, they were not skipped.
    let stats = |rule: &str| {
        doc["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["rule"] == rule)
            .unwrap_or_else(|| panic!("no stats for {rule}"))
            .clone()
    };
    for rule in ["drift-summa", "drift-avvikelse", "prognos-summa"] {
        let st = stats(rule);
        assert_eq!(st["failed"], 0, "{rule}: {st}");
        assert!(st["passed"].as_u64().unwrap() > 0, "{rule} never ran: {st}");
    }
    // Two reports × four columns of the driftsammandrag; one row identity per row (9 + 10).
    assert_eq!(stats("drift-summa")["passed"], 8);
    assert_eq!(stats("drift-avvikelse")["passed"], 19);
}

#[test]
fn json_document_has_the_documented_shape() {
    let (_, doc) = examples_json();
    assert_eq!(doc["version"], 1);

    let findings = doc["findings"].as_array().expect("findings is an array");
    assert!(!findings.is_empty());
    for f in findings {
        for key in [
            "rule",
            "severity",
            "title",
            "message",
            "file",
            "line",
            "column",
            "span",
            "table",
            "row_key",
            "column_name",
            "values",
            "rule_file",
            "rule_line",
        ] {
            assert!(f.get(key).is_some(), "finding lacks `{key}`: {f:#}");
        }
        for key in [
            "rule",
            "severity",
            "title",
            "message",
            "file",
            "table",
            "rule_file",
        ] {
            assert!(f[key].is_string(), "`{key}` is not a string: {f:#}");
        }
        for key in ["line", "column", "rule_line"] {
            assert!(
                f[key].as_u64().is_some_and(|n| n >= 1),
                "`{key}` is not a 1-based number: {f:#}"
            );
        }
        assert!(f["span"]["offset"].is_u64(), "span.offset: {f:#}");
        assert!(
            f["span"]["length"].as_u64().is_some_and(|n| n > 0),
            "span.length: {f:#}"
        );
        assert!(matches!(s(f, "severity"), "error" | "warning" | "info"));
        assert!(
            s(f, "rule_file").starts_with("rules/"),
            "embedded rules are named rules/…: {f:#}"
        );
        for key in ["left", "right", "left_expr", "right_expr", "op"] {
            assert!(f["values"][key].is_string(), "values.{key}: {f:#}");
        }
        // Every rule of the library is tagged, and its findings say so.
        assert!(
            f["tags"].as_array().is_some_and(|t| !t.is_empty()),
            "tags: {f:#}"
        );
    }

    let summary = &doc["summary"];
    for key in ["reports", "tables", "rules"] {
        assert!(summary[key].is_u64(), "summary.{key}: {summary:#}");
    }
    for key in ["error", "warning", "info"] {
        assert!(
            summary["findings"][key].is_u64(),
            "summary.findings.{key}: {summary:#}"
        );
    }
    for key in ["passed", "failed", "not_applicable"] {
        assert!(
            summary["instances"][key].is_u64(),
            "summary.instances.{key}: {summary:#}"
        );
    }
    assert_eq!(summary["reports"], 2);
    assert_eq!(summary["tables"], 16);
    assert_eq!(
        summary["instances"]["failed"].as_u64().unwrap(),
        findings.len() as u64,
        "every failed instance is one finding"
    );
}

#[test]
fn json_span_slices_the_cell_out_of_the_file() {
    let (_, doc) = examples_json();
    let f = find(
        &doc,
        "prognos-avvikelse",
        "2020-10/prognos.csv",
        "Kontakt Linköping",
    );
    let bytes = std::fs::read(root().join(s(f, "file"))).unwrap();
    let offset = f["span"]["offset"].as_u64().unwrap() as usize;
    let length = f["span"]["length"].as_u64().unwrap() as usize;
    assert_eq!(&bytes[offset..offset + length], b"995");

    // Every finding of the example points at a single cell: the span holds that cell's figure
    // as printed, and the line is the span's line in the file.
    for f in doc["findings"].as_array().unwrap() {
        let bytes = std::fs::read(root().join(s(f, "file"))).unwrap();
        let offset = f["span"]["offset"].as_u64().unwrap() as usize;
        let length = f["span"]["length"].as_u64().unwrap() as usize;
        let cell = std::str::from_utf8(&bytes[offset..offset + length])
            .unwrap_or_else(|_| panic!("span is not on character boundaries: {f:#}"));
        let as_decimal: String = cell
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| if c == ',' { '.' } else { c })
            .collect();
        assert_eq!(
            as_decimal,
            f["values"]["left"].as_str().unwrap(),
            "cell {cell:?} of {f:#}"
        );
        let line = 1 + bytes[..offset].iter().filter(|&&b| b == b'\n').count();
        assert_eq!(f["line"], line, "{f:#}");
    }
}

// ------------------------------------------------------------------ exit codes

#[test]
fn clean_report_exits_0() {
    let out = rimlig(&[
        "check",
        "tests/data/cli/report",
        "--rules",
        "tests/data/cli/clean.rules",
        "--color",
        "never",
    ]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    assert_eq!(
        stdout(&out),
        "checked 1 report (1 table) against 2 rules: 0 errors, 0 warnings, 0 info; \
         6 instances passed, 0 not applicable\n"
    );
}

#[test]
fn findings_exit_1() {
    let out = rimlig(&["check", EXAMPLES, "--color", "never"]);
    assert_eq!(code(&out), 1);
}

#[test]
fn warnings_alone_exit_0_unless_denied() {
    let args = [
        "check",
        "tests/data/cli/report",
        "--rules",
        "tests/data/cli/warning.rules",
    ];
    let out = rimlig(&[&args[..], &["--format", "json"]].concat());
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let doc = json(&out);
    assert_eq!(doc["exit_code"], 0);
    assert_eq!(
        finding_ids(&doc),
        [(
            "inom-budget".to_string(),
            "warning".to_string(),
            "tests/data/cli/report/budget.csv".to_string(),
            "Hyror".to_string(),
            "Utfall".to_string()
        )]
    );

    let out = rimlig(&[&args[..], &["--format", "json", "--deny", "warnings"]].concat());
    assert_eq!(code(&out), 1);
    assert_eq!(json(&out)["exit_code"], 1);

    let out = rimlig(&[&args[..], &["--deny", "warnings", "--color", "never"]].concat());
    assert_eq!(code(&out), 1);
    assert!(
        stdout(&out).contains("0 errors, 1 warning"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn rule_file_with_syntax_errors_exits_2() {
    let out = rimlig(&[
        "check",
        EXAMPLES,
        "--rules",
        "tests/data/rules-errors/syntax.rules",
        "--format",
        "json",
    ]);
    assert_eq!(code(&out), 2);
    let doc = json(&out);
    assert_eq!(doc["exit_code"], 2);
    let syntax: Vec<&Value> = doc["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["code"] == "rules::syntax")
        .collect();
    // All three mistakes, each at its line, not just the first.
    let lines: Vec<u64> = syntax.iter().map(|p| p["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [10, 18, 23], "{:#}", doc["problems"]);
    assert!(
        syntax
            .iter()
            .all(|p| p["kind"] == "rules" && p["severity"] == "error")
    );
}

#[test]
fn missing_rules_path_exits_2() {
    let out = rimlig(&[
        "check",
        EXAMPLES,
        "--rules",
        "tests/data/no-such.rules",
        "--format",
        "json",
    ]);
    assert_eq!(code(&out), 2);
    let doc = json(&out);
    let problems = doc["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_eq!(problems[0]["kind"], "io");
    assert!(
        s(&problems[0], "message").contains("does not exist"),
        "{:#}",
        problems[0]
    );
    // The missing rule file must not silently fall back to the built-in library.
    assert_eq!(doc["summary"]["rules"], 0);
    assert_eq!(doc["findings"].as_array().unwrap().len(), 0);
}

#[test]
fn missing_report_path_exits_2() {
    let out = rimlig(&["check", "tests/data/no-such-report", "--color", "never"]);
    assert_eq!(code(&out), 2);
    assert!(
        stdout(&out).contains("tests/data/no-such-report does not exist"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn usage_errors_exit_2() {
    let out = rimlig(&["check", EXAMPLES, "--no-such-flag"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("--no-such-flag"), "{}", stderr(&out));
    assert!(out.stdout.is_empty(), "nothing on stdout for a usage error");

    let out = rimlig(&["check", EXAMPLES, "--format", "yaml"]);
    assert_eq!(code(&out), 2);

    let out = rimlig(&["check", EXAMPLES, "--deny", "errors"]);
    assert_eq!(code(&out), 2);

    let out = rimlig(&["no-such-command"]);
    assert_eq!(code(&out), 2);
}

#[test]
fn help_and_version_exit_0() {
    let out = rimlig(&["--help"]);
    assert_eq!(code(&out), 0);
    assert!(stdout(&out).contains("check"), "{}", stdout(&out));
    let out = rimlig(&["check", "--help"]);
    assert_eq!(code(&out), 0);
    assert!(stdout(&out).contains("--rules"), "{}", stdout(&out));
    let out = rimlig(&["--version"]);
    assert_eq!(code(&out), 0);
    assert!(stdout(&out).starts_with("rimlig "), "{}", stdout(&out));
}

#[test]
fn ragged_data_row_exits_1_without_crashing() {
    // data.md: a row with more cells than the header is an error pointing at that row.
    let dir = scratch("ragged");
    std::fs::write(
        dir.join("budget.csv"),
        "Post;Utfall;Budget;Avvikelse\nHyror;120;100;20\nLöner;80;90;-10;7\nSumma;200;190;10\n",
    )
    .unwrap();
    let rules = root().join("tests/data/cli/clean.rules");
    let out = rimlig_in(
        &dir,
        &[
            "check",
            "--rules",
            rules.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert_eq!(code(&out), 1, "{}", stdout(&out));
    let doc = json(&out);
    let data: Vec<&Value> = doc["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["kind"] == "data" && p["severity"] == "error")
        .collect();
    assert_eq!(data.len(), 1, "{:#}", doc["problems"]);
    assert_eq!(
        data[0]["line"], 3,
        "points at the ragged row: {:#}",
        data[0]
    );
}

// ------------------------------------------------------------------ terminal output

#[test]
fn human_output_names_rule_place_and_values() {
    let out = rimlig(&["check", EXAMPLES, "--color", "never", "--width", "100"]);
    assert_eq!(code(&out), 1);
    let text = stdout(&out);
    assert!(
        !text.contains('\u{1b}'),
        "--color never writes no escape codes"
    );
    assert!(text.contains("prognos-avvikelse"), "{text}");
    assert!(
        text.contains("examples/linkoping-vss/2020-10/prognos.csv:6:"),
        "{text}"
    );
    assert!(
        text.contains("avvikelse is 995, but prognos - budget is 1 000"),
        "{text}"
    );
    let last = text.lines().last().unwrap();
    assert!(
        last.starts_with("checked 2 reports"),
        "summary line: {last}"
    );
    assert!(
        last.contains("9 errors, 2 warnings, 7 info"),
        "summary line: {last}"
    );
}

#[test]
fn human_output_respects_the_width() {
    let out = rimlig(&["check", EXAMPLES, "--color", "never", "--width", "60"]);
    let text = stdout(&out);
    // Help text is wrapped to the width (labels pointing into long CSV lines may not be).
    let help: Vec<&str> = text
        .lines()
        .filter(|l| l.trim_start().starts_with("help:"))
        .collect();
    assert!(!help.is_empty());
    for l in help {
        assert!(l.chars().count() <= 60, "help line wider than 60: {l:?}");
    }
}

#[test]
fn verbose_lists_not_applicable_instances() {
    let quiet = stdout(&rimlig(&["check", EXAMPLES, "--color", "never"]));
    assert!(!quiet.contains("not applicable: "), "{quiet}");
    let text = stdout(&rimlig(&["check", EXAMPLES, "--color", "never", "-v"]));
    let listed = text
        .lines()
        .filter(|l| l.starts_with("not applicable: "))
        .count();
    let (_, doc) = examples_json();
    assert_eq!(
        listed as u64,
        doc["summary"]["instances"]["not_applicable"]
            .as_u64()
            .unwrap()
    );
    assert!(
        text.contains("not applicable: investering-ram in examples/linkoping-vss/2020-08 investeringar · LKDATA"),
        "{text}"
    );
}

#[test]
fn json_and_human_agree_on_the_counts() {
    let text = stdout(&rimlig(&["check", EXAMPLES, "--color", "never"]));
    let (_, doc) = examples_json();
    let s = &doc["summary"];
    let n = |v: &Value, one: &str, many: &str| {
        let n = v.as_u64().unwrap();
        format!("{n} {}", if n == 1 { one } else { many })
    };
    let want = format!(
        "checked {} ({}) against {}: {}, {}, {}; {} passed, {} not applicable",
        n(&s["reports"], "report", "reports"),
        n(&s["tables"], "table", "tables"),
        n(&s["rules"], "rule", "rules"),
        n(&s["findings"]["error"], "error", "errors"),
        n(&s["findings"]["warning"], "warning", "warnings"),
        n(&s["findings"]["info"], "info", "info"),
        n(&s["instances"]["passed"], "instance", "instances"),
        s["instances"]["not_applicable"],
    );
    assert_eq!(text.lines().last().unwrap(), want);
}

// ------------------------------------------------------------------ from another folder

/// A rimlig.toml that is a named pipe is passed over with a warning, which every command
/// shows, not `check` alone: its settings are silently unread otherwise.
#[cfg(unix)]
#[test]
fn every_command_shows_the_warnings_of_rimlig_toml() {
    let dir = scratch("config-warning");
    let made = Command::new("mkfifo").arg(dir.join("rimlig.toml")).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("no mkfifo here; skipped");
        return;
    }
    let tests = root().join("tests/data/ruletest/failing");
    let tests = tests.to_str().unwrap();
    for args in [
        &["rules"][..],
        &["rules", "--analyze"],
        &["explain", "drift-avvikelse"],
        &["test", tests],
    ] {
        let out = rimlig_in(&dir, args);
        assert!(
            stderr(&out).contains("rimlig.toml is a named pipe, a socket or a device"),
            "{args:?}: {}",
            stderr(&out)
        );
        assert_ne!(
            code(&out),
            2,
            "{args:?}: a warning does not stop the command"
        );
    }
}

/// A folder named rimlig.toml is passed over with a warning too, as the README says; it was
/// passed over without a word.
#[test]
fn a_folder_named_rimlig_toml_is_a_warning() {
    let dir = scratch("config-folder");
    std::fs::create_dir_all(dir.join("rimlig.toml")).unwrap();
    let out = rimlig_in(&dir, &["rules"]);
    assert!(
        stderr(&out).contains("rimlig.toml is a folder, not a regular file"),
        "{}",
        stderr(&out)
    );
    assert_eq!(code(&out), 0, "a warning does not stop the command");
}

#[test]
fn embedded_rules_are_found_from_any_folder() {
    // October's prognos table alone, in a folder outside the project.
    let dir = scratch("october");
    std::fs::copy(
        root().join(EXAMPLES).join("2020-10/prognos.csv"),
        dir.join("prognos.csv"),
    )
    .unwrap();
    let out = rimlig_in(&dir, &["check", "--format", "json"]);
    assert_eq!(code(&out), 1, "{}{}", stdout(&out), stderr(&out));
    let doc = json(&out);
    assert_eq!(doc["summary"]["reports"], 1);
    assert!(
        doc["summary"]["rules"].as_u64().unwrap() > 0,
        "the built-in library was loaded"
    );
    let got: Vec<(String, String)> = finding_ids(&doc)
        .into_iter()
        .map(|(rule, _, file, row, _)| {
            assert!(file.ends_with("prognos.csv"), "{file}");
            (rule, row)
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "prognos-avvikelse".to_string(),
                "Kontakt Linköping".to_string()
            ),
            (
                "prognos-avvikelse".to_string(),
                "varav kostnader".to_string()
            ),
        ]
    );
    for f in doc["findings"].as_array().unwrap() {
        assert_eq!(f["rule_file"], "rules/prognos.rules");
    }

    // The same, with the folder given explicitly and human output.
    let out = rimlig_in(&dir, &["check", ".", "--color", "never"]);
    assert_eq!(code(&out), 1);
    assert!(stdout(&out).contains("avvikelse is 995, but prognos - budget is 1 000"));
}

/// The terminal header `file:line:column` and the JSON `column` name the same column, counted
/// in characters ("Kontakt Linköping;1 000;0;995": 995 starts at character 27, byte 28).
#[test]
fn human_and_json_columns_agree() {
    let (_, doc) = examples_json();
    let f = find(
        &doc,
        "prognos-avvikelse",
        "2020-10/prognos.csv",
        "Kontakt Linköping",
    );
    let text = stdout(&rimlig(&["check", EXAMPLES, "--color", "never"]));
    assert_eq!(f["column"], 27);
    let header = format!("{}:{}:{}]", s(f, "file"), f["line"], f["column"]);
    assert!(text.contains(&header), "no {header} in\n{text}");
}

// ------------------------------------------------------------------ writing to stdout

/// `rimlig ARGS…` from the crate root with stdout on `/dev/full`, where every write fails
/// with "no space left on device".
#[cfg(target_os = "linux")]
fn rimlig_into_full_disk(args: &[&str]) -> Output {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full opens");
    Command::new(env!("CARGO_BIN_EXE_rimlig"))
        .args(args)
        .current_dir(root())
        .stdout(full)
        .output()
        .expect("the rimlig binary runs")
}

/// `rimlig check --format sarif > rimlig.sarif` on a full disk exited 0 in silence, leaving
/// an empty report for CI to upload.
#[cfg(target_os = "linux")]
#[test]
fn a_write_error_on_stdout_exits_2_and_says_so() {
    let clean = [
        "check",
        "tests/data/cli/report",
        "--rules",
        "tests/data/cli/clean.rules",
    ];
    let runs: [&[&str]; 9] = [
        &["--help"],
        &["--version"],
        &[&clean[..], &["--format", "json"]].concat(),
        &[&clean[..], &["--format", "sarif"]].concat(),
        &[&clean[..], &["--format", "human"]].concat(),
        &["test", "tests/data/ruletest/failing"],
        &["rules", "--rules", "tests/data/cli/clean.rules"],
        &[
            "rules",
            "--analyze",
            "--rules",
            "tests/data/cli/clean.rules",
        ],
        &[
            "explain",
            "budget-avvikelse",
            "--rules",
            "tests/data/ruletest/failing",
        ],
    ];
    for args in runs {
        let out = rimlig_into_full_disk(args);
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out)
                .contains("error: cannot write to standard output: No space left on device"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
}

/// `rimlig check | head`: a reader that has seen enough and closed the pipe is no error. The
/// pipe is closed before rimlig writes, so every write it tries fails.
#[test]
fn a_closed_pipe_on_stdout_is_not_an_error() {
    for format in ["json", "human", "sarif"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_rimlig"))
            .args(["check", EXAMPLES, "--format", format])
            .current_dir(root())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("the rimlig binary runs");
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("rimlig ends");
        assert_eq!(code(&out), 1, "{format}: the findings decide, as ever");
        assert_eq!(stderr(&out), "", "{format}");
    }
}

#[test]
fn a_table_given_as_rules_is_said_to_be_one() {
    let table = format!("{EXAMPLES}/2020-10/prognos.csv");
    let out = rimlig(&["check", EXAMPLES, "--rules", &table, "--format", "json"]);
    assert_eq!(code(&out), 2);
    let doc = json(&out);
    let p = &doc["problems"][0];
    assert_eq!(p["code"], "io::not-rules", "{doc}");
    assert!(
        p["message"]
            .as_str()
            .unwrap()
            .ends_with("prognos.csv is a table (CSV), not a rule file"),
        "{p}"
    );
    // `rimlig rules` counts a file it read whose rules all failed.
    let dir = scratch("rules-broken");
    std::fs::write(dir.join("a.rules"), "rule a { each t: x > 0 }\nfoo\n").unwrap();
    let out = rimlig_in(&dir, &["rules", "--rules", "a.rules"]);
    assert_eq!(code(&out), 2);
    assert!(
        stdout(&out).ends_with("0 rules in 1 file\n"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn rule_files_without_rules_check_nothing_and_say_so() {
    let dir = scratch("no-rules");
    std::fs::write(dir.join("tom.rules"), "# nothing yet\n").unwrap();
    let report = root().join(EXAMPLES).join("2020-10");
    let out = rimlig_in(
        &dir,
        &[
            "check",
            report.to_str().unwrap(),
            "--rules",
            "tom.rules",
            "--format",
            "json",
        ],
    );
    assert_eq!(code(&out), 0);
    let doc = json(&out);
    let p = &doc["problems"][0];
    assert_eq!(p["code"], "check::nothing-decided", "{doc}");
    assert_eq!(
        p["message"],
        "nothing was checked: the rule files hold no rules"
    );
}

#[test]
fn a_flood_of_one_problem_is_drawn_a_hundred_times_then_counted() {
    let dir = scratch("flood");
    for i in 0..130 {
        let folder = dir.join(format!("r{i:03}"));
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("drift.csv"), "").unwrap();
    }
    std::fs::write(dir.join("r.rules"), "rule r \"r\" { each drift: a >= 0 }\n").unwrap();
    let args = [
        "check",
        ".",
        "--rules",
        "r.rules",
        "--no-fixes",
        "--color",
        "never",
    ];
    let drawn = |out: &str| out.matches("data::empty-table").count();
    let out = stdout(&rimlig_in(&dir, &args));
    assert_eq!(drawn(&out), 101, "{out}");
    assert!(
        out.contains("and 30 more data::empty-table problems like those above"),
        "{out}"
    );
    // Every one is still counted, drawn with --verbose and listed in JSON.
    assert!(out.contains("; 131 problems in the input"), "{out}");
    let verbose = stdout(&rimlig_in(&dir, &[&args[..], &["--verbose"]].concat()));
    assert_eq!(drawn(&verbose), 130, "{verbose}");
    let doc = json(&rimlig_in(
        &dir,
        &[&args[..], &["--format", "json"]].concat(),
    ));
    let listed = doc["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["code"] == "data::empty-table")
        .count();
    assert_eq!(listed, 130);
}
