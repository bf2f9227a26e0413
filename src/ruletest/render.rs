//! The results of `rimlig test`: a line per test with the failures as miette diagnostics in
//! the test file, coverage warnings and a summary line; or one JSON document.

use super::{Coverage, TestResult, TestRun, TestSummary, Verdict};
use crate::eval::{NotApplicable, Stats};
use crate::finding::{FindingJson, SpanJson};
use crate::problem::{Problem, Severity};
use crate::render::human::{Style, render_finding, render_problem};
use crate::render::plural;
use crate::render::visible::visible_line;
use crate::source::Sources;
use serde::Serialize;

fn paint(style: Style, code: &str, text: &str) -> String {
    if style.color {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

/// `✓ drift-avvikelse · Avvikelsen stämmer inte`; the names shown as [`visible_line`] does.
pub fn result_line(r: &TestResult, style: Style) -> String {
    let rule = visible_line(r.rule.as_deref().unwrap_or("?"));
    let (name, file) = (visible_line(&r.name), visible_line(&r.file));
    match r.verdict {
        Verdict::Passed => format!("{} {rule} · {name}", paint(style, "32", "✓")),
        Verdict::Failed => format!(
            "{} {rule} · {name}  ({file}:{})",
            paint(style, "31", "✗"),
            r.line
        ),
        Verdict::Broken => format!(
            "{} {rule} · {name}  ({file}:{}, the test cannot run)",
            paint(style, "31", "✗"),
            r.line
        ),
    }
}

/// The coverage warning for a rule, if it lacks a passing or a failing test.
pub fn coverage_warning(c: &Coverage) -> Option<String> {
    let what = match (c.pass, c.fail, c.not_applicable) {
        (0, 0, 0) => "has no tests",
        (0, 0, _) => "has no passing test and no failing test",
        (0, _, _) => "has no passing test",
        (_, 0, _) => "has no failing test",
        _ => return None,
    };
    Some(format!(
        "rule {} ({}:{}) {what}",
        visible_line(&c.rule),
        visible_line(&c.file),
        c.line
    ))
}

/// `12 tests: 11 passed, 1 failed`
pub fn summary_line(s: &TestSummary) -> String {
    let mut line = format!(
        "{}: {} passed, {} failed",
        plural(s.tests, "test", "tests"),
        s.passed,
        s.failed
    );
    if s.broken > 0 {
        line.push_str(&format!(", {} could not run", s.broken));
    }
    line
}

fn render_not_applicable(na: &[NotApplicable], out: &mut String) {
    for n in na {
        let at = match (&n.table, &n.row_key) {
            (Some(t), Some(k)) => format!(" {t} · {k}"),
            (Some(t), None) => format!(" {t}"),
            _ => String::new(),
        };
        let line = format!("not applicable: {}{at}: {}", n.rule, n.reason);
        out.push_str(&format!("    {}\n", visible_line(&line)));
    }
}

/// The whole terminal output of a test run.
pub fn render_human(run: &TestRun, style: Style) -> String {
    let mut out = String::new();
    for p in run.all_problems() {
        out.push_str(&render_problem(p, &run.sources, style));
        out.push('\n');
    }
    for r in &run.results {
        out.push_str(&result_line(r, style));
        out.push('\n');
        // miette ends each diagnostic with a line break; a blank line after each keeps them
        // apart from each other and from the next result line.
        for d in &r.diagnostics {
            out.push_str(&render_problem(d, &run.sources, style));
            out.push('\n');
        }
        if style.verbose {
            // Everything the rule did, also when the test passed: the findings in full and
            // the instances that could not be decided.
            for f in &r.findings {
                out.push_str(&render_finding(f, &run.sources, style));
            }
            render_not_applicable(&r.not_applicable, &mut out);
            if !r.findings.is_empty() || !r.not_applicable.is_empty() {
                out.push('\n');
            }
        }
    }
    // A test file that could not be read may hold the missing tests.
    let unread = run.problems.iter().any(|p| p.code == "test::toml");
    let warnings: Vec<String> = run
        .coverage
        .iter()
        .filter_map(coverage_warning)
        .map(|w| {
            if unread {
                format!("{w} that could be read (a test file above has errors)")
            } else {
                w
            }
        })
        .collect();
    if !warnings.is_empty() {
        if !out.is_empty() && !out.ends_with("\n\n") {
            out.push('\n');
        }
        for w in &warnings {
            out.push_str(&format!("{} {w}\n", paint(style, "33", "warning:")));
        }
    }
    let s = run.summary();
    if s.rules > 0 {
        out.push_str(&format!(
            "coverage: {} of {} a passing and a failing test\n",
            s.rules - warnings.len(),
            plural(s.rules, "rule has", "rules have"),
        ));
    }
    out.push_str(&summary_line(&s));
    out.push('\n');
    out
}

/// A problem (or a failed expectation) for JSON: where it is, in words.
#[derive(Serialize)]
pub struct ProblemJson<'a> {
    pub severity: Severity,
    pub code: &'a str,
    pub message: &'a str,
    pub file: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub span: Option<SpanJson>,
    pub help: Option<&'a str>,
}

/// The same fields `rimlig check --format json` gives a problem.
pub fn problem_json<'a>(p: &'a Problem, sources: &Sources) -> ProblemJson<'a> {
    let label = p.labels.first();
    let file = label.map(|l| sources.get(l.source));
    let pos = match (label, file) {
        (Some(l), Some(f)) => Some((f.line_col(l.span.start), f.file_span(l.span))),
        _ => None,
    };
    ProblemJson {
        severity: p.severity,
        code: p.code,
        message: &p.message,
        file: file.map(|f| f.name.clone()).or_else(|| p.path.clone()),
        line: pos.map(|p| p.0.0),
        column: pos.map(|p| p.0.1),
        span: pos.map(|p| SpanJson {
            offset: p.1.0,
            length: p.1.1,
        }),
        help: p.help.as_deref(),
    }
}

/// `doc`, what a command prints in JSON when the rule files cannot be loaded (exit 2),
/// pretty-printed with a newline at the end.
pub fn broken_json(doc: &impl Serialize) -> String {
    // Serialising strings and numbers cannot fail; should it, the output still says so.
    let mut s = serde_json::to_string_pretty(doc)
        .unwrap_or_else(|e| format!("{{\"exit_code\":2,\"error\":\"{e}\"}}"));
    s.push('\n');
    s
}

#[derive(Serialize)]
struct TestJson<'a> {
    file: &'a str,
    line: usize,
    rule: Option<&'a str>,
    name: &'a str,
    expect: Option<super::file::Expect>,
    outcome: Verdict,
    findings: Vec<FindingJson<'a>>,
    not_applicable: &'a [NotApplicable],
    instances: &'a Stats,
    /// Why the test failed or could not run.
    messages: Vec<ProblemJson<'a>>,
}

#[derive(Serialize)]
struct CoverageJson<'a> {
    #[serde(flatten)]
    coverage: &'a Coverage,
    missing: Vec<&'static str>,
}

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tests: Vec<TestJson<'a>>,
    problems: Vec<ProblemJson<'a>>,
    coverage: Vec<CoverageJson<'a>>,
    summary: TestSummary,
    exit_code: i32,
}

/// The test run as one JSON document.
pub fn render_json(run: &TestRun) -> String {
    let doc = Document {
        version: 1,
        tests: run
            .results
            .iter()
            .map(|r| TestJson {
                file: &r.file,
                line: r.line,
                rule: r.rule.as_deref(),
                name: &r.name,
                expect: r.expect,
                outcome: r.verdict,
                findings: r.findings.iter().map(Into::into).collect(),
                not_applicable: &r.not_applicable,
                instances: &r.stats,
                messages: r
                    .diagnostics
                    .iter()
                    .map(|p| problem_json(p, &run.sources))
                    .collect(),
            })
            .collect(),
        problems: run
            .all_problems()
            .map(|p| problem_json(p, &run.sources))
            .collect(),
        coverage: run
            .coverage
            .iter()
            .map(|c| CoverageJson {
                coverage: c,
                missing: c.missing(),
            })
            .collect(),
        summary: run.summary(),
        exit_code: run.exit_code(),
    };
    let mut s = serde_json::to_string_pretty(&doc)
        .unwrap_or_else(|e| format!("{{\"version\":1,\"error\":\"{e}\"}}"));
    s.push('\n');
    s
}
