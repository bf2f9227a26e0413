//! The CI kit parses as YAML and has the structure its users rely on: the GitHub Actions
//! workflow and the GitLab CI job in `examples/ci/`, and the pre-commit hook at the root.

use serde_yaml_ng::Value;
use std::path::PathBuf;

fn load(path: &str) -> Value {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path);
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("read {path}: {e}"));
    serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("{path} is not YAML: {e}"))
}

fn str_of<'a>(v: &'a Value, what: &str) -> &'a str {
    v.as_str()
        .unwrap_or_else(|| panic!("{what} is not a string: {v:?}"))
}

/// The words of a command line.
fn words(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
}

/// Whether `line` has the words of `part` in a row.
fn has_words(line: &str, part: &str) -> bool {
    let (line, part) = (words(line), words(part));
    line.windows(part.len()).any(|w| w == part.as_slice())
}

#[test]
fn github_actions_workflow_builds_once_checks_uploads_sarif_and_fails_on_findings() {
    let w = load("examples/ci/github-actions.yml");
    assert!(w["on"]["pull_request"].is_null() || w["on"]["pull_request"].is_mapping());
    assert!(w["on"]["push"].is_mapping(), "runs on push: {:?}", w["on"]);
    assert_eq!(w["permissions"]["security-events"], "write");

    let steps = w["jobs"]["rimlig"]["steps"]
        .as_sequence()
        .expect("jobs.rimlig.steps is a list");
    let uses: Vec<&str> = steps.iter().filter_map(|s| s["uses"].as_str()).collect();
    assert!(uses.iter().any(|u| u.starts_with("actions/checkout@")));
    assert!(
        uses.iter()
            .any(|u| u.starts_with("dtolnay/rust-toolchain@"))
    );

    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    let builds: Vec<&&str> = runs
        .iter()
        .filter(|r| r.contains("cargo install") || r.contains("cargo build"))
        .collect();
    assert_eq!(builds.len(), 1, "rimlig is built once: {runs:?}");
    assert!(has_words(builds[0], "cargo install --locked --path"));

    let check_at = steps
        .iter()
        .position(|s| {
            s["run"]
                .as_str()
                .is_some_and(|r| r.starts_with("rimlig check"))
        })
        .expect("a step runs rimlig check");
    let check = &steps[check_at];
    let line = str_of(&check["run"], "the check step's run");
    assert!(!line.contains('\n'), "one command line: {line:?}");
    assert!(
        has_words(line, "--format sarif --output rimlig.sarif"),
        "{line}"
    );
    assert!(line.trim_end().ends_with("--format human"), "{line}");
    // Findings fail the job: the check step may not swallow its exit code.
    assert!(check["continue-on-error"].is_null(), "{check:?}");
    assert!(!line.contains("--exit-zero") && !line.contains("|| true"));

    let upload_at = steps
        .iter()
        .position(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif@"))
        })
        .expect("a step uploads the SARIF");
    assert!(upload_at > check_at, "the upload comes after the check");
    let upload = &steps[upload_at];
    assert_eq!(upload["with"]["sarif_file"], "rimlig.sarif");
    assert!(
        str_of(&upload["if"], "the upload's if").contains("always()"),
        "the findings are uploaded when the check fails too"
    );
}

#[test]
fn gitlab_job_writes_a_code_quality_report() {
    let c = load("examples/ci/gitlab-ci.yml");
    let job = &c["rimlig"];
    assert!(job.is_mapping(), "a job named rimlig: {c:?}");
    let script: Vec<&str> = job["script"]
        .as_sequence()
        .expect("script is a list")
        .iter()
        .map(|s| str_of(s, "a script line"))
        .collect();
    assert_eq!(
        script
            .iter()
            .filter(|l| l.contains("cargo install"))
            .count(),
        1,
        "{script:?}"
    );
    let check = script
        .iter()
        .find(|l| l.starts_with("rimlig check"))
        .expect("a line runs rimlig check");
    assert!(
        has_words(
            check,
            "--format gitlab --output gl-code-quality-report.json"
        ),
        "{check}"
    );
    assert!(check.ends_with("--format human"), "{check}");
    assert_eq!(
        job["artifacts"]["reports"]["codequality"],
        "gl-code-quality-report.json"
    );
    assert_eq!(job["artifacts"]["when"], "always");
    assert!(job["allow_failure"].is_null(), "findings fail the job");
}

#[test]
fn pre_commit_hook_runs_rimlig_check_once_on_report_and_rule_changes() {
    let hooks = load(".pre-commit-hooks.yaml");
    let hooks = hooks.as_sequence().expect("a list of hooks");
    assert_eq!(hooks.len(), 1);
    let h = &hooks[0];
    assert_eq!(h["id"], "rimlig");
    assert_eq!(h["entry"], "rimlig check");
    assert_eq!(h["language"], "rust");
    assert_eq!(h["pass_filenames"], false);
    assert_eq!(
        h["files"],
        r"\.(csv|tsv|xlsx|xlsm|xls|ods|md|markdown|json|rules|toml)$"
    );
    assert!(h["name"].is_string());
}
