//! `rimlig test`: rule tests, the way `opa test` lets policy authors test policies.
//!
//! A test file (`*.test.toml`, beside the rules) holds `[[test]]` tables, each naming one
//! rule, a small report (CSV text inline, or a report folder) and what the rule should do with
//! it: pass, fail (at exactly these cells, with this in the message), or not apply. Each test
//! runs only its rule, against the whole rule set as loaded (so `table` declarations and
//! `let`s of other files work), through the same name check and evaluation as `rimlig check`.
//! Tests may come from an untrusted branch with the rules: a report folder is read only inside
//! the tree being tested ([`file::Place`]).
//!
//! [`file`] reads test files, [`judge`] compares what happened with what was expected, this
//! module runs the tests, [`render`] shows the results.

pub mod file;
mod inline;
pub mod judge;
pub mod render;

use crate::catalog::tables_used;
use crate::check::{LoadedRule, RuleRoot, RuleSet, check_names, leaves_through_link, load_rules};
use crate::eval::view::View;
use crate::eval::{NotApplicable, Stats, evaluate};
use crate::finding::Finding;
use crate::glob;
use crate::library;
use crate::problem::{Problem, ProblemKind, Severity};
use crate::render::plural;
use crate::report::csv::load_csv;
use crate::report::discover::load_report;
use crate::report::{Report, ReportMeta, Table};
use crate::source::{Sources, Span};
use crate::suggest::did_you_mean;
use file::{
    Expect, Fixture, InlineTable, Place, TestBody, TestCase, TestFile, parse_test_file,
    report_outside,
};
use judge::{Mismatch, Observed, judge};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// How a test ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// The rule did what the test expects.
    Passed,
    /// It did not (or it cannot run on the test's report: a name it uses is not there).
    Failed,
    /// The test itself is wrong and could not be run: a bad key, an unknown rule, broken CSV.
    Broken,
}

/// One test and what became of it.
#[derive(Debug)]
pub struct TestResult {
    /// The test file, as shown.
    pub file: String,
    pub line: usize,
    /// 1-based position in its file.
    pub number: usize,
    pub rule: Option<String>,
    pub name: String,
    pub expect: Option<Expect>,
    pub verdict: Verdict,
    /// What the rule found on the test's report.
    pub findings: Vec<Finding>,
    pub stats: Stats,
    pub not_applicable: Vec<NotApplicable>,
    /// Why the test failed or could not run, and warnings about its tables.
    pub diagnostics: Vec<Problem>,
}

/// How well one rule is tested: how many tests expect each outcome.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Coverage {
    pub rule: String,
    pub file: String,
    pub line: usize,
    pub pass: usize,
    pub fail: usize,
    pub not_applicable: usize,
}

impl Coverage {
    /// `["pass", "fail"]`: the kinds of test the rule lacks.
    pub fn missing(&self) -> Vec<&'static str> {
        let mut m = Vec::new();
        if self.pass == 0 {
            m.push("pass");
        }
        if self.fail == 0 {
            m.push("fail");
        }
        m
    }
}

/// Everything one `rimlig test` run did.
#[derive(Debug)]
pub struct TestRun {
    pub sources: Sources,
    pub rules: RuleSet,
    /// Problems loading the rule files.
    pub rule_problems: Vec<Problem>,
    /// Problems finding and reading the test files that are not about a single test.
    pub problems: Vec<Problem>,
    pub test_files: usize,
    pub results: Vec<TestResult>,
    /// Per rule of the set, in rule order.
    pub coverage: Vec<Coverage>,
}

#[derive(Debug, Default, serde::Serialize)]
pub struct TestSummary {
    pub tests: usize,
    pub passed: usize,
    pub failed: usize,
    pub broken: usize,
    pub rules: usize,
    /// Rules without a test expecting "pass", and without one expecting "fail".
    pub rules_without_pass: usize,
    pub rules_without_fail: usize,
}

impl TestRun {
    pub fn summary(&self) -> TestSummary {
        let count = |v: Verdict| self.results.iter().filter(|r| r.verdict == v).count();
        TestSummary {
            tests: self.results.len(),
            passed: count(Verdict::Passed),
            failed: count(Verdict::Failed),
            broken: count(Verdict::Broken),
            rules: self.coverage.len(),
            rules_without_pass: self.coverage.iter().filter(|c| c.pass == 0).count(),
            rules_without_fail: self.coverage.iter().filter(|c| c.fail == 0).count(),
        }
    }

    /// Rule-file problems, then test-file problems.
    pub fn all_problems(&self) -> impl Iterator<Item = &Problem> {
        self.rule_problems.iter().chain(&self.problems)
    }

    /// 0: every test passed; 1: a test failed; 2: a rule file or a test is broken.
    pub fn exit_code(&self) -> i32 {
        let broken_input = self.all_problems().any(Problem::is_fatal)
            || self.results.iter().any(|r| r.verdict == Verdict::Broken);
        if broken_input {
            2
        } else if self.results.iter().any(|r| r.verdict == Verdict::Failed) {
            1
        } else {
            0
        }
    }
}

/// A test file to read.
#[derive(Clone, Debug)]
pub enum TestSource {
    /// A test file on disk, and the tree being tested that it belongs to (see [`file::Place`]).
    Disk { path: PathBuf, root: PathBuf },
    /// A test file of the built-in library: its name as shown, and its text.
    Embedded(String, &'static str),
}

/// Where the rules and the tests of a run come from.
#[derive(Clone, Debug, Default)]
pub struct Inputs {
    pub roots: Vec<RuleRoot>,
    pub tests: Vec<TestSource>,
    /// Report coverage only for the rules the tests name: when single test files are run,
    /// the other rules of their folder are not what the user asked about.
    pub only_tested_coverage: bool,
}

fn display(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

fn is_test_file(p: &Path) -> bool {
    p.file_name()
        .is_some_and(|n| n.to_string_lossy().ends_with(".test.toml"))
}

/// Every `*.test.toml` under a folder, sorted; hidden folders and `target` are skipped.
fn test_files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0 || {
                let n = e.file_name().to_string_lossy();
                !(n.starts_with('.') || (e.file_type().is_dir() && n == "target"))
            }
        })
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| is_test_file(p))
        .collect();
    files.sort();
    files
}

/// The test files that go with a rule root: those under a folder, the `NAME.test.toml` beside
/// a `NAME.rules` file, the built-in library's own tests.
pub fn tests_beside(root: &RuleRoot) -> Vec<TestSource> {
    match root {
        RuleRoot::Embedded => library::TEST_FILES
            .iter()
            .map(|(name, text)| TestSource::Embedded(format!("rules/{name}"), text))
            .collect(),
        RuleRoot::Path(p) if p.is_dir() => test_files_under(p)
            .into_iter()
            .map(|path| TestSource::Disk {
                path,
                root: p.clone(),
            })
            .collect(),
        RuleRoot::Path(p) => {
            let beside = p.with_extension("test.toml");
            if p.extension().is_some_and(|x| x == "rules") && beside.is_file() {
                // The tree of a single rule file is its folder, as for its `use`.
                let root = p.parent().map(Path::to_path_buf).unwrap_or_default();
                vec![TestSource::Disk { path: beside, root }]
            } else {
                Vec::new()
            }
        }
    }
}

/// What `rimlig test PATH…` runs: each PATH is a rules folder (its `.rules` files are the
/// rule set, its `*.test.toml` files the tests), a `.rules` file (with the `NAME.test.toml`
/// beside it) or one test file (with the rules of its folder).
pub fn inputs_for_paths(paths: &[PathBuf], problems: &mut Vec<Problem>) -> Inputs {
    let mut inputs = Inputs::default();
    let add_root = |inputs: &mut Inputs, p: PathBuf| {
        if !inputs
            .roots
            .iter()
            .any(|r| matches!(r, RuleRoot::Path(q) if *q == p))
        {
            inputs.roots.push(RuleRoot::Path(p));
        }
    };
    for p in paths {
        if p.is_dir() {
            add_root(&mut inputs, p.clone());
            inputs
                .tests
                .extend(tests_beside(&RuleRoot::Path(p.clone())));
        } else if p.is_file() && is_test_file(p) {
            let dir = match p.parent() {
                Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
                _ => PathBuf::from("."),
            };
            add_root(&mut inputs, dir);
            inputs.tests.push(TestSource::Disk {
                path: p.clone(),
                root: p.parent().map(Path::to_path_buf).unwrap_or_default(),
            });
            inputs.only_tested_coverage = true;
        } else if p.is_file() && p.extension().is_some_and(|x| x == "rules") {
            add_root(&mut inputs, p.clone());
            inputs
                .tests
                .extend(tests_beside(&RuleRoot::Path(p.clone())));
        } else if p.exists() {
            problems.push(
                Problem::new(
                    ProblemKind::Io,
                    Severity::Error,
                    "io::not-rules",
                    format!(
                        "{} is neither a rules folder, a .rules file nor a .test.toml file",
                        display(p)
                    ),
                )
                .with_path(display(p))
                .with_help(
                    "give the folder that holds the .rules files and their *.test.toml tests",
                ),
            );
        } else {
            problems.push(
                Problem::new(
                    ProblemKind::Io,
                    Severity::Error,
                    "io::not-found",
                    format!("{} does not exist", display(p)),
                )
                .with_path(display(p)),
            );
        }
    }
    // Two paths may name the same test file; run it once.
    let mut seen: Vec<PathBuf> = Vec::new();
    inputs.tests.retain(|t| match t {
        TestSource::Disk { path, .. } if seen.contains(path) => false,
        TestSource::Disk { path, .. } => {
            seen.push(path.clone());
            true
        }
        TestSource::Embedded(..) => true,
    });
    inputs
}

/// Run a closure on a thread with a large stack: loading rules and evaluating them recurse
/// along the nesting of a rule, as in `rimlig check` (see `run::check`).
fn on_big_stack<T: Send>(f: impl Fn() -> T + Sync) -> T {
    std::thread::scope(|s| {
        let big = std::thread::Builder::new()
            .name("rimlig-test".into())
            .stack_size(256 * 1024 * 1024)
            .spawn_scoped(s, &f);
        match big {
            Ok(handle) => handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            // No thread to be had: run on this one.
            Err(_) => f(),
        }
    })
}

/// `rimlig test PATH…`.
pub fn run_paths(paths: &[PathBuf]) -> TestRun {
    on_big_stack(|| {
        let mut problems = Vec::new();
        let inputs = inputs_for_paths(paths, &mut problems);
        if inputs.tests.is_empty() && !problems.iter().any(Problem::is_fatal) {
            let shown: Vec<String> = paths.iter().map(|p| display(p)).collect();
            problems.push(
                Problem::new(
                    ProblemKind::Io,
                    Severity::Warning,
                    "test::no-tests",
                    format!("no *.test.toml files in {}", shown.join(", ")),
                )
                .with_help("write tests beside the rules, e.g. drift.test.toml next to drift.rules; see the README, \"Testing rules\""),
            );
        }
        run_inputs(&inputs, problems, None)
    })
}

/// Bytes a test file may hold.
const MAX_TEST_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Why the test file `name` was not read.
fn unreadable_test(name: &str, e: crate::input::ReadError) -> Problem {
    use crate::input::{ReadError, not_a_file};
    let io = |message: String| {
        Problem::new(ProblemKind::Io, Severity::Error, "io::read", message).with_path(name)
    };
    match e {
        ReadError::TooLarge { size } => Problem::new(
            ProblemKind::Config,
            Severity::Error,
            "test::too-large",
            format!("{name} is {size} bytes; a test file may hold at most {MAX_TEST_FILE_BYTES}"),
        )
        .with_path(name)
        .with_help("split the tests into several files, or make their tables smaller"),
        ReadError::Folder => not_a_file(name, name, true),
        ReadError::NotAFile => not_a_file(name, name, false),
        ReadError::NotFound => io(format!("cannot read {name}: it does not exist")),
        ReadError::Io(e) => io(format!("cannot read {name}: {e}")),
    }
}

/// Run the tests of `inputs` (only those of rule `only`, when given).
pub fn run(inputs: &Inputs, only: Option<&str>) -> TestRun {
    on_big_stack(|| run_inputs(inputs, Vec::new(), only))
}

fn run_inputs(inputs: &Inputs, mut problems: Vec<Problem>, only: Option<&str>) -> TestRun {
    let mut sources = Sources::default();
    let mut rule_problems = Vec::new();
    let rules = load_rules(&inputs.roots, &mut sources, &mut rule_problems);
    let mut results = Vec::new();
    for t in &inputs.tests {
        let (name, place, text) = match t {
            TestSource::Embedded(name, text) => (name.clone(), None, text.to_string()),
            TestSource::Disk { path: p, root } => {
                let name = display(p);
                // A test file holds its tables inline: large, but never beyond this.
                let text = match crate::input::read_regular(p, MAX_TEST_FILE_BYTES) {
                    Ok(bytes) => match String::from_utf8(bytes) {
                        Ok(t) => t,
                        Err(_) => {
                            problems.push(
                                Problem::new(
                                    ProblemKind::Config,
                                    Severity::Error,
                                    "test::encoding",
                                    format!("{name} is not UTF-8"),
                                )
                                .with_path(name)
                                .with_help("save test files as UTF-8, as TOML requires"),
                            );
                            continue;
                        }
                    },
                    Err(e) => {
                        problems.push(unreadable_test(&name, e));
                        continue;
                    }
                };
                let place = Place {
                    dir: p.parent().map(Path::to_path_buf).unwrap_or_default(),
                    root: root.clone(),
                };
                (name, Some(place), text)
            }
        };
        let mut file = parse_test_file(&name, place.as_ref(), text, &mut sources);
        problems.append(&mut file.problems);
        for case in &file.tests {
            let rule = case.header.rule.as_ref().map(|r| r.text.as_str());
            if only.is_some_and(|id| rule != Some(id)) {
                continue;
            }
            results.push(run_case(case, &file, &rules, &mut sources));
        }
    }
    let mut coverage = coverage(&rules, &results, &sources);
    if inputs.only_tested_coverage {
        coverage.retain(|c| results.iter().any(|r| r.rule.as_ref() == Some(&c.rule)));
    }
    TestRun {
        sources,
        rules,
        rule_problems,
        problems,
        test_files: inputs.tests.len(),
        results,
        coverage,
    }
}

fn coverage(rules: &RuleSet, results: &[TestResult], sources: &Sources) -> Vec<Coverage> {
    rules
        .rules
        .iter()
        .map(|lr| {
            let id = &lr.rule.id.text;
            let file = sources.get(lr.source);
            let count = |e: Expect| {
                results
                    .iter()
                    // A test that could not run shows nothing of the rule.
                    .filter(|r| {
                        r.rule.as_deref() == Some(id)
                            && r.expect == Some(e)
                            && r.verdict != Verdict::Broken
                    })
                    .count()
            };
            Coverage {
                rule: id.clone(),
                file: file.name.clone(),
                line: file.line_col(lr.rule.span.start).0,
                pass: count(Expect::Pass),
                fail: count(Expect::Fail),
                not_applicable: count(Expect::NotApplicable),
            }
        })
        .collect()
}

/// Diagnostics of a test in its file.
fn test_problem(code: &'static str, file: &TestFile, message: String) -> Problem {
    Problem::new(ProblemKind::Rules, Severity::Error, code, message).with_path(file.name.clone())
}

fn run_case(case: &TestCase, file: &TestFile, set: &RuleSet, sources: &mut Sources) -> TestResult {
    let header = &case.header;
    let mut result = TestResult {
        file: file.name.clone(),
        line: sources.get(file.source).line_col(header.span.start).0,
        number: header.number,
        rule: header.rule.as_ref().map(|r| r.text.clone()),
        name: header.name.clone(),
        expect: header.expect,
        verdict: Verdict::Broken,
        findings: Vec::new(),
        stats: Stats::default(),
        not_applicable: Vec::new(),
        diagnostics: Vec::new(),
    };
    let body: &TestBody = match &case.body {
        Ok(b) => b,
        Err(problems) => {
            result.diagnostics = problems.clone();
            return result;
        }
    };

    let Some(lr) = set.rules.iter().find(|r| r.rule.id.text == body.rule.text) else {
        let ids = set.rules.iter().map(|r| r.rule.id.text.as_str());
        let help = match did_you_mean(&body.rule.text, ids) {
            Some(s) => format!("did you mean `{s}`?"),
            None if set.rules.is_empty() => "no rules were loaded".to_string(),
            None => "`rimlig rules` lists the loaded rules".to_string(),
        };
        result.diagnostics.push(
            test_problem(
                "test::unknown-rule",
                file,
                format!(
                    "unknown rule `{}`: no loaded rule has this id",
                    body.rule.text
                ),
            )
            .with_label(file.source, body.rule.span, "unknown rule")
            .with_help(help),
        );
        return result;
    };

    let mut fixture_problems = Vec::new();
    let Some((report, previous)) =
        fixture(body, header.number, file, sources, &mut fixture_problems)
    else {
        result.diagnostics = fixture_problems;
        return result;
    };
    let broken_fixture = fixture_problems
        .iter()
        .any(|p| p.severity == Severity::Error);
    result.diagnostics = fixture_problems;
    if broken_fixture {
        return result;
    }

    // Only this rule runs; the declarations and `let`s of the whole set stay in place.
    let mut one = RuleSet {
        tables: set.tables.clone(),
        lets: set.lets.clone(),
        rules: vec![LoadedRule {
            enabled: true,
            ..lr.clone()
        }],
        files: set.files.clone(),
        let_index: Default::default(),
    };
    let reports = std::slice::from_ref(&report);
    let mut name_problems = Vec::new();
    check_names(&mut one, reports, &mut name_problems);
    if !name_problems.is_empty() {
        result.verdict = Verdict::Failed;
        result.diagnostics.push(
            test_problem(
                "test::rule-cannot-run",
                file,
                "the rule cannot run on this test's report: it names something the report does not have".to_string(),
            )
            .with_label(file.source, body.rule.span, "this rule")
            .with_help("see the error in the rule file below; check the table names and headers of the test's report"),
        );
        result.diagnostics.extend(name_problems);
        return result;
    }
    let mut outcome = evaluate(&one, reports, &[previous.as_ref()], sources);
    // The fixes a check would suggest, so that a finding shown here (an example in `explain`,
    // a finding the test did not expect) reads as it does in a check.
    crate::locate::localise(
        &one,
        reports,
        &[previous.as_ref()],
        sources,
        &crate::eval::Options::default(),
        &outcome.broken,
        &mut outcome.findings,
    );
    result.stats = outcome
        .stats
        .into_iter()
        .next()
        .map(|(_, s)| s)
        .unwrap_or_default();
    result.findings = outcome.findings;
    result.not_applicable = outcome.not_applicable;
    if !outcome.problems.is_empty() {
        // The rule is wrong in a way only evaluation shows (e.g. comparing text with a figure).
        result.verdict = Verdict::Failed;
        result.diagnostics.extend(outcome.problems);
        return result;
    }

    // The names of a column are worked out once, however many of its cells failed.
    let mut names: HashMap<(&str, Option<&str>), Vec<String>> = HashMap::new();
    let observed: Vec<Observed> = result
        .findings
        .iter()
        .map(|f| Observed {
            finding: f,
            columns: names
                .entry((&f.table, f.column_name.as_deref()))
                .or_insert_with(|| column_names(&one, &report, f))
                .clone(),
        })
        .collect();
    let mismatches = judge(
        body.expect,
        body.fails.as_ref().map(|(c, _)| c.as_slice()),
        body.message.as_ref().map(|m| m.text.as_str()),
        &observed,
        result.stats.passed,
    );
    let reads = tables_used(&lr.rule, set);
    for m in &mismatches {
        result
            .diagnostics
            .push(explain_mismatch(m, body, &result, file, &reads, &report));
    }
    result.verdict = if mismatches.is_empty() {
        Verdict::Passed
    } else {
        Verdict::Failed
    };
    result
}

/// Every name the column of a finding goes by besides its header: the normalised header and
/// the names `table` declarations give it, so `fails` may use either.
fn column_names(set: &RuleSet, report: &Report, f: &Finding) -> Vec<String> {
    let mut out = Vec::new();
    let Some(header) = &f.column_name else {
        return out;
    };
    let Some((index, table)) = report
        .tables
        .iter()
        .enumerate()
        .find(|(_, t)| t.name == f.table)
    else {
        return out;
    };
    let Some(col) = table.headers.iter().position(|h| &h.text == header) else {
        return out;
    };
    out.push(table.headers[col].normalised.clone());
    for lt in set
        .tables
        .iter()
        .filter(|lt| glob::matches(&lt.decl.glob.text, &table.name))
    {
        // Only which headers the declared names reach: the groups a full view works out
        // would take a pass over the rows.
        let view = View::matched(index, table, Some(&lt.decl));
        for c in &lt.decl.columns {
            if view.column(&c.name.text).map(|(i, _)| i) == Some(col) {
                out.push(c.name.text.clone());
            }
        }
        if let Some((key, _)) = &lt.decl.key
            && view.key_col == col
        {
            out.push(key.text.clone());
        }
    }
    out
}

/// `B · Avvikelse: avvikelse is 4, but …` — a finding on one line.
pub fn finding_line(f: &Finding) -> String {
    let at = match (&f.row_key, &f.column_name) {
        (Some(k), Some(c)) => format!("{k} · {c}"),
        (Some(k), None) => k.to_string(),
        (None, Some(c)) => c.to_string(),
        (None, None) => f.table.to_string(),
    };
    format!("{at}: {}", f.message)
}

/// The distinct reasons instances were not applicable, at most a few.
fn na_reasons(na: &[NotApplicable]) -> Vec<String> {
    let mut reasons: Vec<String> = Vec::new();
    for n in na {
        // Most reasons name their row already ("LKDATA · Ram is missing").
        let at = match &n.row_key {
            Some(k) if !n.reason.contains(k.as_str()) => format!("{k}: {}", n.reason),
            _ => n.reason.clone(),
        };
        if !reasons.contains(&at) {
            reasons.push(at);
        }
    }
    if reasons.len() > 5 {
        let more = reasons.len() - 5;
        reasons.truncate(5);
        reasons.push(format!("… and {more} more"));
    }
    reasons
}

fn bullet(lines: &[String]) -> String {
    lines
        .iter()
        .map(|l| format!("  • {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// What the rule did, in words: `3 instances passed, 1 not applicable`.
fn counts(s: &Stats) -> String {
    format!(
        "{} passed, {} failed, {} not applicable",
        plural(s.passed, "instance", "instances"),
        s.failed,
        s.not_applicable
    )
}

/// A failed expectation as a diagnostic in the test file: where the expectation is written,
/// what was expected, and what the rule did instead.
fn explain_mismatch(
    m: &Mismatch,
    body: &TestBody,
    result: &TestResult,
    file: &TestFile,
    reads: &[crate::catalog::TableUse],
    report: &Report,
) -> Problem {
    let findings = &result.findings;
    let all_findings = || {
        let lines: Vec<String> = findings.iter().map(finding_line).collect();
        format!("the rule found:\n{}", bullet(&lines))
    };
    // Findings whose cells are in this test file are labelled right there, under the
    // expectation, so the reader sees the expected outcome and the failing cells together.
    let label_cells = |mut p: Problem, which: &[usize], prefix: &str| {
        for &i in which.iter().take(6) {
            if let Some(f) = findings.get(i)
                && f.source == file.source
            {
                p = p.with_label(f.source, f.primary, format!("{prefix}{}", f.label()));
            }
        }
        p
    };
    let na_help = || {
        let reasons = na_reasons(&result.not_applicable);
        if reasons.is_empty() {
            let tables: Vec<String> = report
                .tables
                .iter()
                .map(|t| format!("`{}`", t.name))
                .collect();
            let read: Vec<String> = reads
                .iter()
                .map(|t| format!("`{}`", t.display_name()))
                .collect();
            format!(
                "the rule checked nothing: it reads {}, and the test's report has {}. A declared table is matched by its glob (`rimlig explain {}` shows it)",
                if read.is_empty() {
                    "no table".to_string()
                } else {
                    read.join(", ")
                },
                if tables.is_empty() {
                    "no tables".to_string()
                } else {
                    tables.join(", ")
                },
                body.rule.text
            )
        } else {
            format!("not applicable because:\n{}", bullet(&reasons))
        }
    };
    let all: Vec<usize> = (0..findings.len()).collect();
    match m {
        Mismatch::Findings => {
            let p = test_problem(
                "test::expectation",
                file,
                format!(
                    "expected \"{}\", but the rule has {}",
                    body.expect.name(),
                    plural(findings.len(), "finding", "findings")
                ),
            )
            .with_label(
                file.source,
                body.expect_span,
                format!("expected \"{}\"", body.expect.name()),
            );
            label_cells(p, &all, "").with_help(all_findings())
        }
        Mismatch::NothingPassed => test_problem(
            "test::expectation",
            file,
            "expected \"pass\", but no instance of the rule passed: it did not apply to this report"
                .to_string(),
        )
        .with_label(
            file.source,
            body.expect_span,
            format!("expected \"pass\"; {}", counts(&result.stats)),
        )
        .with_help(format!(
            "{}\nA test that passes must check something; to test that the rule does not apply, expect \"not-applicable\"",
            na_help()
        )),
        Mismatch::NoFinding => {
            let mut help = counts(&result.stats);
            if result.stats.passed == 0 {
                help = format!("{help}\n{}", na_help());
            }
            test_problem(
                "test::expectation",
                file,
                "expected \"fail\", but the rule found nothing".to_string(),
            )
            .with_label(
                file.source,
                body.expect_span,
                format!("expected \"fail\"; {}", counts(&result.stats)),
            )
            .with_help(help)
        }
        Mismatch::Passed => test_problem(
            "test::expectation",
            file,
            format!(
                "expected \"not-applicable\", but the rule applied: {}",
                plural(result.stats.passed, "instance passed", "instances passed")
            ),
        )
        .with_label(
            file.source,
            body.expect_span,
            format!("expected \"not-applicable\"; {}", counts(&result.stats)),
        )
        .with_help("a rule does not apply when every check it makes lacks a figure (a missing cell, a table that is not there)"),
        Mismatch::Cells {
            missing,
            unexpected,
        } => {
            let (cells, span) = body
                .fails
                .as_ref()
                .map(|(c, s)| (c.as_slice(), *s))
                .unwrap_or((&[], body.expect_span));
            let mut p = test_problem(
                "test::expectation",
                file,
                "the rule failed at other cells than `fails` lists".to_string(),
            )
            .with_label(file.source, span, "expected exactly these cells to fail");
            let mut help = Vec::new();
            for &i in missing {
                if let Some(c) = cells.get(i) {
                    p = p.with_label(file.source, c.span, "no finding here");
                    help.push(match &c.column {
                        Some(col) => format!("expected but not found: {} · {col}", c.key),
                        None => format!("expected but not found: the row {}", c.key),
                    });
                }
            }
            p = label_cells(p, unexpected, "not in `fails`: ");
            for &i in unexpected {
                if let Some(f) = findings.get(i) {
                    help.push(format!("found but not expected: {}", finding_line(f)));
                }
            }
            help.push("`key` is the row's key as written, `column` the header as written or the rule's name for the column".into());
            p.with_help(help.join("\n"))
        }
        Mismatch::Message { lacking } => {
            let msg = body.message.as_ref();
            let lines: Vec<String> = lacking
                .iter()
                .filter_map(|&i| findings.get(i))
                .map(finding_line)
                .collect();
            test_problem(
                "test::expectation",
                file,
                if findings.len() == 1 {
                    "the finding's message lacks the expected text".to_string()
                } else {
                    format!(
                        "{} of {} findings' messages lack the expected text",
                        lacking.len(),
                        findings.len()
                    )
                },
            )
            .with_label(
                file.source,
                msg.map_or(body.expect_span, |m| m.span),
                "every finding's message should contain this",
            )
            .with_help(format!("these findings say otherwise:\n{}", bullet(&lines)))
        }
    }
}

/// The test's report and, when it has one, the previous report.
fn fixture(
    body: &TestBody,
    number: usize,
    file: &TestFile,
    sources: &mut Sources,
    problems: &mut Vec<Problem>,
) -> Option<(Report, Option<Report>)> {
    let inline_report =
        |tables: &[InlineTable], role: &str, sources: &mut Sources, problems: &mut Vec<Problem>| {
            Report {
                path: PathBuf::from(format!("{} › test {number}{role}", file.name)),
                meta: ReportMeta::default(),
                tables: tables
                    .iter()
                    .filter_map(|t| inline_table(t, number, file, sources, problems))
                    .collect(),
            }
        };
    match &body.fixture {
        Fixture::Inline { tables, previous } => {
            let report = inline_report(tables, "", sources, problems);
            let previous = previous
                .as_ref()
                .map(|p| inline_report(p, " › previous", sources, problems));
            Some((report, previous))
        }
        Fixture::Folder {
            path,
            written,
            previous,
        } => {
            if let Some(problem) = linked_out(path, None, body, file) {
                problems.push(problem);
                return None;
            }
            if !path.is_dir() {
                problems.push(
                    test_problem(
                        "test::report-folder",
                        file,
                        format!("no report folder `{}`", written.text),
                    )
                    .with_label(
                        file.source,
                        written.span,
                        format!("looked for {}", display(path)),
                    )
                    .with_help(
                        "the folder is relative to the test file; it holds the report's .csv files",
                    ),
                );
                return None;
            }
            let report = load_report(path, sources, problems);
            let previous = match previous {
                Some(p) => Some(inline_report(p, " › previous", sources, problems)),
                None => match report.meta.previous.as_ref().filter(|p| p.is_dir()) {
                    Some(p) => {
                        if let Some(problem) = linked_out(p, Some(path), body, file) {
                            problems.push(problem);
                            return None;
                        }
                        Some(load_report(p, sources, problems))
                    }
                    None => None,
                },
            };
            Some((report, previous))
        }
    }
}

/// `test::report-outside` if the report folder `folder` of a test, or its `report.toml`, is
/// really outside the tree being tested: through a symbolic link, or, for the previous report
/// that the `report.toml` of the folder `named_in` names, by its path (`previous = "/etc"`).
/// Both exist, so where they really are can be asked. The test file's `report = …` is pointed
/// at; nothing outside is read.
fn linked_out(
    folder: &Path,
    named_in: Option<&Path>,
    body: &TestBody,
    file: &TestFile,
) -> Option<Problem> {
    let root = &file.place.as_ref()?.root;
    let Fixture::Folder { written, .. } = &body.fixture else {
        return None;
    };
    let which = [folder.to_path_buf(), folder.join("report.toml")]
        .into_iter()
        .find(|p| leaves_through_link(root, p))?;
    let message = match named_in {
        None if which == folder => format!(
            "`report = \"{}\"` is a symbolic link out of the tree being tested; it is not read",
            written.text
        ),
        None => format!(
            "the report.toml of `report = \"{}\"` is a symbolic link out of the tree being tested; it is not read",
            written.text
        ),
        Some(_) => format!(
            "the report.toml of `report = \"{}\"` names a previous report outside the tree being tested ({}); it is not read",
            written.text,
            display(folder)
        ),
    };
    Some(report_outside(
        test_problem("test::report-outside", file, message).with_label(
            file.source,
            written.span,
            "leads out of the tree",
        ),
        root,
    ))
}

/// Where the CSV text of a TOML string starts in the test file, when the string is written
/// so that its text is the file's text verbatim (a literal string, or a basic string without
/// escapes). Then the table's cells can point into the test file itself.
fn csv_offset(file_text: &str, value: Span, decoded: &str) -> Option<usize> {
    let raw = file_text.get(value.start..value.end)?;
    let quote = if raw.starts_with("'''") || raw.starts_with("\"\"\"") {
        3
    } else if raw.starts_with('\'') || raw.starts_with('"') {
        1
    } else {
        return None;
    };
    let mut start = value.start + quote;
    let end = value.end.checked_sub(quote)?;
    // A line break right after the opening quotes of a multi-line string is not part of it.
    if quote == 3 {
        let inner = file_text.get(start..end)?;
        if inner.starts_with("\r\n") {
            start += 2;
        } else if inner.starts_with('\n') {
            start += 1;
        }
    }
    (file_text.get(start..end)? == decoded).then_some(start)
}

/// One inline table: the CSV text read with the report reader. When the text is in the test
/// file verbatim, it is read as a file holding just the table would be, and its cells and
/// problems then point at the cell in the test file ([`inline::read_in_place`]).
fn inline_table(
    t: &InlineTable,
    number: usize,
    file: &TestFile,
    sources: &mut Sources,
    problems: &mut Vec<Problem>,
) -> Option<Table> {
    let name = strip_table_extension(&t.name.text);
    let shown = format!("{} › test {number} › {}", file.name, t.name.text);
    let first_new = problems.len();
    let test_file = sources.get(file.source);
    let table = match csv_offset(&test_file.text, t.csv.span, &t.csv.text) {
        Some(start) => inline::read_in_place(
            (&shown, name),
            test_file,
            file.source,
            (start, &t.csv.text),
            problems,
        ),
        None => load_csv(&shown, name, t.csv.text.as_bytes(), sources, problems),
    };
    for p in &mut problems[first_new..] {
        if p.labels.is_empty() {
            p.labels.push(crate::problem::Label {
                source: file.source,
                span: t.csv.span,
                text: "in this table".into(),
            });
        }
    }
    table
}

/// `Driftsammandrag.csv` → `Driftsammandrag`: a table is named by its file stem in a report
/// folder, so a test may name it either way.
fn strip_table_extension(name: &str) -> &str {
    match name
        .len()
        .checked_sub(4)
        .and_then(|i| Some((name.get(..i)?, name.get(i..)?)))
    {
        Some((stem, ext))
            if !stem.is_empty()
                && (ext.eq_ignore_ascii_case(".csv") || ext.eq_ignore_ascii_case(".tsv")) =>
        {
            stem
        }
        _ => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_text_is_found_verbatim_in_the_file() {
        let text = "T = \"\"\"\na;b\n1;2\n\"\"\"\nU = 'x;y'\nV = \"a\\tb\"\n";
        let v = Span::new(4, text.find("\nU").unwrap());
        assert_eq!(csv_offset(text, v, "a;b\n1;2\n"), Some(8));
        let u0 = text.find("'x").unwrap();
        assert_eq!(csv_offset(text, Span::new(u0, u0 + 5), "x;y"), Some(u0 + 1));
        // An escape makes the decoded text differ from the file's: no mapping.
        let v0 = text.find("\"a\\t").unwrap();
        assert_eq!(csv_offset(text, Span::new(v0, v0 + 6), "a\tb"), None);
    }

    #[test]
    fn table_names_may_carry_the_file_extension() {
        assert_eq!(
            strip_table_extension("Driftsammandrag.csv"),
            "Driftsammandrag"
        );
        assert_eq!(strip_table_extension("prognos.TSV"), "prognos");
        assert_eq!(strip_table_extension("prognos"), "prognos");
        assert_eq!(strip_table_extension(".csv"), ".csv");
        assert_eq!(strip_table_extension("åäö"), "åäö");
        assert_eq!(strip_table_extension("xåcsv"), "xåcsv");
    }
}
