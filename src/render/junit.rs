//! `--format junit`: JUnit XML, the test report every CI system shows (GitLab
//! `artifacts: reports: junit:`, Jenkins, Azure DevOps, GitHub test-report actions).
//!
//! One `<testsuite>` per checked report (named by its folder) and one
//! `<testcase classname="REPORT" name="RULE">` per rule and report:
//!
//! - failing, with one `<failure message=… type=SEVERITY>` whose text lists every finding
//!   (`file:line:col: rule-instance: message`), when the rule has findings in the report
//!   (warnings and info too: the type says which);
//! - `<skipped>` when it decided nothing there: every check was not applicable (the message
//!   gives the first reason), there was nothing to check, or the rule is disabled by errors in
//!   its rule file;
//! - passing otherwise (some checks may still have been not applicable).
//!
//! Problems, when there are any, are one more suite, `rimlig problems`: one test case each, an
//! `<error>` for an error and a `<failure>` for a warning or info. Failing instances counted
//! beyond `[check] max_findings_per_rule` have no report or place; they are in that suite too,
//! one failing `<testcase classname="rimlig" name="RULE (not listed)">` per rule, with the
//! count, unless they do not fail the run for the reason listed findings would not (an
//! `[[allow]]` of the whole rule, `--update-baseline`: [`crate::run::Unlisted::excused`]).
//! The `tests`, `failures`, `errors` and `skipped` counts of each suite and of `<testsuites>`
//! are those of its test cases.
//! No times or timestamps: the same run gives the same file.

use super::visible::{picture, visible_line};
use super::{Place, finding_place, problem_place};
use crate::eval::Stats;
use crate::finding::Finding;
use crate::problem::Severity;
use crate::render::plural;
use crate::run::Run;
use std::collections::HashMap;
use std::fmt::Write;

/// `& < > " '` as entities; line breaks and tabs too when `attribute` (a parser would turn them
/// into spaces); other control characters shown as pictures (see [`super::visible`]: XML 1.0
/// cannot hold most of them, and a log would show them raw); U+FFFE and U+FFFF as U+FFFD.
pub fn escape(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\r' if attribute => out.push_str("&#13;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' | '\r' | '\t' => out.push(c),
            '\u{FFFE}' | '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(picture(c).unwrap_or(c)),
        }
    }
    out
}

/// Per checked report, the stats of every rule in that report (the run keeps them per rule and
/// report as it evaluates).
pub fn stats_by_report(run: &Run) -> Vec<Vec<(String, Stats)>> {
    // Gathered in one pass: looked up report by report, a tree of ten thousand reports took
    // seconds.
    let mut of_report: HashMap<&str, Vec<(String, Stats)>> = HashMap::new();
    for (rule, report, st) in &run.outcome.stats_by_report {
        of_report
            .entry(report.as_str())
            .or_default()
            .push((rule.to_string(), st.clone()));
    }
    run.reports
        .iter()
        .map(|r| {
            let report = r.path.to_string_lossy().replace('\\', "/");
            of_report.get(report.as_str()).cloned().unwrap_or_default()
        })
        .collect()
}

#[derive(Default)]
struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

impl Counts {
    fn add(&mut self, o: &Counts) {
        self.tests += o.tests;
        self.failures += o.failures;
        self.errors += o.errors;
        self.skipped += o.skipped;
    }
    fn attrs(&self) -> String {
        format!(
            "tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\"",
            self.tests, self.failures, self.errors, self.skipped
        )
    }
}

/// One line: a CR or LF of a file name or a cell is shown as a picture.
fn finding_line(f: &Finding, run: &Run) -> String {
    visible_line(&format!(
        "{}: {}: {}",
        finding_place(f, run).display(),
        f.instance_name(),
        f.message
    ))
    .into_owned()
}

/// One test case: its XML and what it counts as.
fn testcase(classname: &str, name: &str, body: Option<String>, counts: &mut Counts) -> String {
    counts.tests += 1;
    let head = format!(
        "    <testcase classname=\"{}\" name=\"{}\"",
        escape(classname, true),
        escape(name, true)
    );
    match body {
        None => format!("{head}/>\n"),
        Some(b) => format!("{head}>\n      {b}\n    </testcase>\n"),
    }
}

fn suite(name: &str, counts: &Counts, cases: &str) -> String {
    format!(
        "  <testsuite name=\"{}\" {}>\n{cases}  </testsuite>\n",
        escape(name, true),
        counts.attrs()
    )
}

pub fn render(run: &Run) -> String {
    let by_report = stats_by_report(run);
    // The findings and the first not-applicable instance of each rule in each report,
    // gathered in one pass: looked up rule by rule and report by report, a tree of ten
    // thousand reports took seconds.
    let mut findings_of: HashMap<(&str, &str), Vec<&Finding>> = HashMap::new();
    for f in &run.outcome.findings {
        findings_of.entry((&f.report, &f.rule)).or_default().push(f);
    }
    let mut first_na: HashMap<(&str, &str), &str> = HashMap::new();
    for na in &run.outcome.not_applicable {
        // `r2[budget]` is an instance of rule `r2`.
        let rule = na
            .rule
            .split_once('[')
            .map_or(na.rule.as_str(), |(id, _)| id);
        first_na
            .entry((na.report.as_str(), rule))
            .or_insert(na.reason.as_str());
    }
    let mut total = Counts::default();
    let mut suites = String::new();
    for (r, stats) in run.reports.iter().zip(&by_report) {
        let report = r.path.to_string_lossy().replace('\\', "/");
        let mut counts = Counts::default();
        let mut cases = String::new();
        for lr in &run.rules.rules {
            let id = &lr.rule.id.text;
            let findings: Vec<&Finding> = findings_of
                .get(&(report.as_str(), id.as_str()))
                .map_or(&[][..], Vec::as_slice)
                .iter()
                .copied()
                // Known from the baseline or allowed in rimlig.toml: the test case passes.
                .filter(|f| f.counts())
                .collect();
            let st = stats
                .iter()
                .find(|(rule, _)| rule == id)
                .map(|(_, s)| s.clone())
                .unwrap_or_default();
            let body = if let Some(first) = findings.first() {
                counts.failures += 1;
                let message = if findings.len() == 1 {
                    first.message.clone()
                } else {
                    format!(
                        "{}, the first: {}",
                        plural(findings.len(), "finding", "findings"),
                        first.message
                    )
                };
                let text: Vec<String> = findings.iter().map(|f| finding_line(f, run)).collect();
                Some(format!(
                    "<failure message=\"{}\" type=\"{}\">{}</failure>",
                    escape(&visible_line(&message), true),
                    first.severity.name(),
                    escape(&text.join("\n"), false)
                ))
            } else if !lr.enabled || (st.passed == 0 && st.failed == 0) {
                counts.skipped += 1;
                let why = if !lr.enabled {
                    "rule disabled: its rule file has errors".to_string()
                } else if st.not_applicable > 0 {
                    let reason = first_na
                        .get(&(report.as_str(), id.as_str()))
                        .map(|reason| format!(", the first: {reason}"))
                        .unwrap_or_default();
                    format!(
                        "not applicable ({}){reason}",
                        plural(st.not_applicable, "instance", "instances")
                    )
                } else {
                    "nothing to check in this report".to_string()
                };
                Some(format!(
                    "<skipped message=\"{}\"/>",
                    escape(&visible_line(&why), true)
                ))
            } else {
                None
            };
            cases.push_str(&testcase(&report, id, body, &mut counts));
        }
        total.add(&counts);
        suites.push_str(&suite(&report, &counts, &cases));
    }
    // Failing instances counted beyond the findings listed: they fail the run too, and a
    // test report that showed nothing failing would leave a red job unexplained.
    // Those that do not fail the run fail no test case, as known or allowed findings do not.
    let unlisted: Vec<_> = run
        .unlisted()
        .into_iter()
        .filter(|u| u.excused.is_none())
        .collect();
    if !run.problems.is_empty() || !unlisted.is_empty() {
        let mut counts = Counts::default();
        let mut cases = String::new();
        for u in &unlisted {
            counts.failures += 1;
            let message = u.message();
            let body = format!(
                "<failure message=\"{}\" type=\"{}\">{}</failure>",
                escape(&visible_line(&message), true),
                u.severity.name(),
                escape(&visible_line(&message), false)
            );
            let name = format!("{} (not listed)", u.rule);
            cases.push_str(&testcase("rimlig", &name, Some(body), &mut counts));
        }
        for p in &run.problems {
            let place = problem_place(p, run);
            let name = match &place {
                Some(pl) => format!("{} {}", p.code, pl.display()),
                None => p.code.to_string(),
            };
            let (tag, kind) = if p.severity == Severity::Error {
                counts.errors += 1;
                ("error", "error")
            } else {
                counts.failures += 1;
                ("failure", p.severity.name())
            };
            let mut text = visible_line(&format!(
                "{}{}: {}",
                place
                    .as_ref()
                    .map(Place::display)
                    .map(|d| format!("{d}: "))
                    .unwrap_or_default(),
                p.code,
                p.message
            ))
            .into_owned();
            if let Some(h) = &p.help {
                text.push('\n');
                text.push_str(h);
            }
            let body = format!(
                "<{tag} message=\"{}\" type=\"{kind}\">{}</{tag}>",
                escape(&visible_line(&p.message), true),
                escape(&text, false)
            );
            let classname = place.map_or_else(|| "rimlig".to_string(), |pl| pl.file);
            cases.push_str(&testcase(&classname, &name, Some(body), &mut counts));
        }
        total.add(&counts);
        suites.push_str(&suite("rimlig problems", &counts, &cases));
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(out, "<testsuites name=\"rimlig\" {}>", total.attrs());
    out.push_str(&suites);
    out.push_str("</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn xml_special_characters_are_escaped() {
        assert_eq!(
            escape(r#"a & b < c > d "e" 'f'"#, false),
            "a &amp; b &lt; c &gt; d &quot;e&quot; &apos;f&apos;"
        );
        assert_eq!(escape("a\nb\tc", false), "a\nb\tc");
        assert_eq!(escape("a\nb\tc", true), "a&#10;b&#9;c");
        assert_eq!(escape("a\u{1}b\x1b\u{85}", false), "a␁b␛\u{FFFD}");
        assert_eq!(escape("Kök 5 %", true), "Kök 5 %");
    }
}
