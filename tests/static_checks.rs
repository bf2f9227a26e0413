//! Static checks of rule files, end to end through the `rimlig` binary: one fixture per kind of
//! problem under `tests/data/static/`, each checked for its code, severity and line, for the
//! exit code, and for the run going on (the fixture's other rules are still evaluated).

use rimlig::render::human::{Style, render};
use rimlig::run::check;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const DIR: &str = "tests/data/static";

/// `rimlig check tests/data/static/report --rules tests/data/static/FILE --format json`,
/// from the crate root: (exit code, JSON document).
fn run(file: &str) -> (i32, Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_rimlig"))
        .args([
            "check",
            &format!("{DIR}/report"),
            "--rules",
            &format!("{DIR}/{file}"),
            "--format",
            "json",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the rimlig binary runs");
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let code = out.status.code().expect("rimlig exits with a code");
    assert_eq!(doc["exit_code"], code);
    (code, doc)
}

/// (code, severity, file name, line) of every problem.
fn problems(doc: &Value) -> Vec<(String, String, String, u64)> {
    doc["problems"]
        .as_array()
        .expect("problems is an array")
        .iter()
        .map(|p| {
            let file = p["file"].as_str().unwrap_or("");
            let name = Path::new(file)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (
                p["code"].as_str().unwrap_or("").to_string(),
                p["severity"].as_str().unwrap_or("").to_string(),
                name,
                p["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

fn p(code: &str, severity: &str, file: &str, line: u64) -> (String, String, String, u64) {
    (code.into(), severity.into(), file.into(), line)
}

/// (passed, failed, not applicable) of a rule.
fn stats(doc: &Value, rule: &str) -> (u64, u64, u64) {
    let r = doc["rules"]
        .as_array()
        .expect("rules is an array")
        .iter()
        .find(|r| r["rule"] == rule)
        .unwrap_or_else(|| panic!("no rule {rule}"));
    let n = |k: &str| r[k].as_u64().unwrap_or(0);
    (n("passed"), n("failed"), n("not_applicable"))
}

/// The rules of tables.rules hold for the report: they are evaluated whatever else is wrong.
fn others_still_run(doc: &Value) {
    assert_eq!(stats(doc, "summa"), (4, 0, 0));
    assert_eq!(stats(doc, "status-finns"), (2, 0, 0));
}

#[test]
fn the_shared_fixture_is_clean() {
    let (code, doc) = run("tables.rules");
    assert_eq!(code, 0);
    assert_eq!(problems(&doc), []);
    others_still_run(&doc);
}

#[test]
fn a_type_error_disables_the_rule_and_exits_2() {
    let (code, doc) = run("type.rules");
    assert_eq!(problems(&doc), [p("rules::type", "error", "type.rules", 5)]);
    assert_eq!(code, 2);
    assert_eq!(stats(&doc, "text-plus"), (0, 0, 0));
    others_still_run(&doc);
    let help = doc["problems"][0]["help"].as_str().unwrap_or("");
    assert!(help.contains("figures"), "{help}");
}

#[test]
fn a_wrong_number_of_arguments_disables_the_rule_and_exits_2() {
    let (code, doc) = run("arity.rules");
    assert_eq!(
        problems(&doc),
        [p("rules::arity", "error", "arity.rules", 5)]
    );
    assert_eq!(code, 2);
    assert_eq!(stats(&doc, "abs-tva"), (0, 0, 0));
    others_still_run(&doc);
}

#[test]
fn a_check_that_cannot_fail_is_a_warning_and_still_runs() {
    let (code, doc) = run("always-true.rules");
    assert_eq!(
        problems(&doc),
        [p("rules::always-true", "warning", "always-true.rules", 5)]
    );
    assert_eq!(code, 0);
    assert_eq!(stats(&doc, "sig-sjalv"), (3, 0, 0));
    others_still_run(&doc);
}

#[test]
fn a_check_that_can_never_pass_is_a_warning_and_its_findings_count() {
    let (code, doc) = run("never-true.rules");
    assert_eq!(
        problems(&doc),
        [p("rules::never-true", "warning", "never-true.rules", 5)]
    );
    // The warning does not change the exit code; the rule's own error findings do.
    assert_eq!(code, 1);
    assert_eq!(stats(&doc, "aldrig"), (0, 3, 0));
    others_still_run(&doc);
}

#[test]
fn an_if_that_is_never_true_is_unreachable() {
    let (code, doc) = run("unreachable.rules");
    assert_eq!(
        problems(&doc),
        [p("rules::unreachable", "warning", "unreachable.rules", 5)]
    );
    assert_eq!(code, 0);
    assert_eq!(stats(&doc, "onaabar"), (0, 0, 0));
    others_still_run(&doc);
}

#[test]
fn unused_declarations_are_warnings() {
    let (code, doc) = run("unused.rules");
    assert_eq!(
        problems(&doc),
        [
            p("rules::unused", "warning", "unused.rules", 4),
            p("rules::unused", "warning", "unused.rules", 10),
        ]
    );
    assert_eq!(code, 0);
    assert_eq!(stats(&doc, "under-budget"), (2, 0, 0));
    assert_eq!(stats(&doc, "rader-positiva"), (3, 0, 0));
    others_still_run(&doc);
}

#[test]
fn a_table_no_checked_report_has_is_info_and_keeps_exit_0() {
    let (code, doc) = run("no-table.rules");
    assert_eq!(
        problems(&doc),
        [p("rules::no-table", "info", "no-table.rules", 10)]
    );
    let message = doc["problems"][0]["message"].as_str().unwrap_or("");
    assert!(
        message.contains("investering-ram") && message.contains("investeringar"),
        "{message}"
    );
    assert_eq!(code, 0);
    assert_eq!(stats(&doc, "investering-ram"), (0, 0, 0));
    others_still_run(&doc);
}

#[test]
fn several_problems_in_one_file_are_all_reported() {
    let (code, doc) = run("several.rules");
    assert_eq!(
        problems(&doc),
        [
            p("rules::type", "error", "several.rules", 7),
            p("rules::type", "error", "several.rules", 11),
            p("rules::arity", "error", "several.rules", 15),
            p("rules::always-true", "warning", "several.rules", 19),
            p("rules::always-true", "warning", "several.rules", 23),
            p("rules::unused", "warning", "several.rules", 3),
        ]
    );
    assert_eq!(code, 2);
    // Errors disable their rules; rules with warnings still run.
    for rule in ["blandat", "status-tal", "runda"] {
        assert_eq!(stats(&doc, rule), (0, 0, 0), "{rule}");
    }
    assert_eq!(stats(&doc, "alltid"), (3, 0, 0));
    assert_eq!(stats(&doc, "tolerant"), (3, 0, 0));
    others_still_run(&doc);
}

#[test]
fn the_builtin_rules_on_the_example_have_no_static_problems() {
    let run = check(&[PathBuf::from("examples/linkoping-vss")], &[]);
    let codes: Vec<&str> = run.problems.iter().map(|p| p.code).collect();
    assert_eq!(codes, Vec::<&str>::new());
}

#[test]
fn several_problems_as_the_terminal_shows_them() {
    let run = check(
        &[PathBuf::from(format!("{DIR}/report"))],
        &[PathBuf::from(format!("{DIR}/several.rules"))],
    );
    let text = render(
        &run,
        Style {
            color: false,
            width: 100,
            verbose: false,
        },
    );
    insta::assert_snapshot!("several_static_problems", text);
}

#[test]
fn a_total_glob_that_matches_no_row_is_a_warning_with_the_nearest_key() {
    let (code, doc) = run("no-total.rules");
    assert_eq!(
        problems(&doc),
        [
            p("rules::no-total", "warning", "no-total.rules", 6),
            p("rules::no-skip", "info", "no-total.rules", 7),
        ]
    );
    let message = doc["problems"][0]["message"].as_str().unwrap_or("");
    assert!(
        message.contains("\"Sumna\"") && message.contains("budget.csv"),
        "{message}"
    );
    let help = doc["problems"][0]["help"].as_str().unwrap_or("");
    assert!(help.contains("did you mean \"Summa\"?"), "{help}");
    assert_eq!(code, 0);
    assert_eq!(stats(&doc, "summa-rakt"), (0, 0, 1));
    others_still_run(&doc);
}

#[test]
fn a_column_glob_that_matches_no_header_is_a_warning_with_the_headers() {
    let (code, doc) = run("no-column.rules");
    assert_eq!(
        problems(&doc),
        [p("rules::no-column", "warning", "no-column.rules", 6)]
    );
    let help = doc["problems"][0]["help"].as_str().unwrap_or("");
    assert!(help.contains("\"Avvikelse\""), "{help}");
    assert_eq!(code, 0);
    assert_eq!(stats(&doc, "avvikelse-rakt").2, 3);
    others_still_run(&doc);
}

#[test]
fn a_let_named_as_a_column_is_an_error_and_the_name_stays_the_column() {
    let (code, doc) = run("let-column.rules");
    assert_eq!(
        problems(&doc),
        [p("rules::let-is-a-column", "error", "let-column.rules", 4)]
    );
    assert_eq!(code, 2);
    // Read as the let, every row would fail but Hyror.
    assert_eq!(stats(&doc, "avvikelse-rad"), (3, 0, 0));
    others_still_run(&doc);
}

#[test]
fn a_column_declared_twice_in_a_table_is_an_error() {
    let (code, doc) = run("duplicate-column.rules");
    let found = problems(&doc);
    assert!(
        found.contains(&p(
            "rules::duplicate-column",
            "error",
            "duplicate-column.rules",
            7
        )),
        "{found:?}"
    );
    assert_eq!(code, 2);
    others_still_run(&doc);
}

#[test]
fn a_rule_file_with_old_macintosh_line_ends_is_read_line_by_line() {
    let (code, doc) = run("cr-lines.rules");
    assert_eq!(problems(&doc), []);
    assert_eq!(code, 0);
    assert_eq!(stats(&doc, "utfall-positivt"), (3, 0, 0));
    assert_eq!(doc["rules"][2]["rule"], "utfall-positivt");
    others_still_run(&doc);
}

/// A `.rules` link in the rules folder is read when it points inside the folder, and said
/// (not followed) when it points out of it.
#[cfg(unix)]
#[test]
fn rule_links_inside_the_folder_are_read_and_those_out_of_it_are_said() {
    let root = std::env::temp_dir().join(format!("rimlig-rule-links-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let (rules, outside) = (root.join("rules"), root.join("outside"));
    std::fs::create_dir_all(rules.join("sub")).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(
        manifest.join(DIR).join("tables.rules"),
        rules.join("tables.rules"),
    )
    .unwrap();
    std::fs::write(
        rules.join("sub/positivt.txt"),
        "rule positivt { each budget: utfall > 0 }\n",
    )
    .unwrap();
    std::fs::write(
        outside.join("x.rules"),
        "rule utanfor { each budget: utfall > 0 }\n",
    )
    .unwrap();
    std::os::unix::fs::symlink("sub/positivt.txt", rules.join("positivt.rules")).unwrap();
    std::os::unix::fs::symlink("../outside/x.rules", rules.join("utanfor.rules")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_rimlig"))
        .arg("check")
        .arg(manifest.join(DIR).join("report"))
        .arg("--rules")
        .arg(&rules)
        .args(["--format", "json", "--no-config"])
        .output()
        .expect("the rimlig binary runs");
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let codes: Vec<&str> = doc["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(codes, ["io::link-outside"]);
    let message = doc["problems"][0]["message"].as_str().unwrap_or("");
    assert!(message.contains("utanfor.rules"), "{message}");
    assert_eq!(stats(&doc, "positivt"), (3, 0, 0));
    assert!(
        doc["rules"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["rule"] != "utanfor")
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn rule_ids_that_look_the_same_are_a_warning() {
    let (code, doc) = run("look-alike-id.rules");
    assert_eq!(
        problems(&doc),
        [p(
            "rules::look-alike-id",
            "warning",
            "look-alike-id.rules",
            5
        )]
    );
    assert_eq!(code, 0);
    let message = doc["problems"][0]["message"].as_str().unwrap_or("");
    assert!(message.contains("Cyrillic letter 'о'"), "{message}");
    others_still_run(&doc);
}
