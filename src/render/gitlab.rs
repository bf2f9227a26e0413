//! `--format gitlab`: a GitLab Code Quality report (`artifacts: reports: codequality:`), a JSON
//! array of issues, which GitLab shows in the merge request widget and the diff.
//!
//! Each finding and each problem is one entry: `description` (`rule-instance: message`, or
//! `code: message`), `check_name` (the rule id, or the problem's code), `fingerprint`,
//! `severity`, `location.path` and `location.lines.begin`. Severities: a finding's error is
//! `major`, warning `minor`, info `info`; a problem that breaks the run (exit 2: a rule file,
//! configuration or I/O error) is `critical`, a data error `major`, warnings `minor`, info
//! `info`. Failing instances counted beyond `[check] max_findings_per_rule` but not listed are
//! one entry per rule, at the rule in its file, with the rule's severity (`check_name` the
//! rule id), unless what would excuse a listed finding excuses them (an `[[allow]]` of the
//! whole rule, a baseline this run wrote): without it a merge request whose run failed only on
//! them showed nothing. GitLab compares fingerprints between the source and target branch to tell new
//! issues from fixed ones, so they are stable: a finding's is [`Finding::fingerprint`], a
//! problem's [`super::problem_fingerprint`]; the second entry with the same fingerprint gets
//! `-2`, the third `-3`, and so on, so each is unique as GitLab requires.
//!
//! [`Finding::fingerprint`]: crate::finding::Finding::fingerprint

use super::{finding_place, problem_fingerprint, problem_place};
use crate::problem::{Problem, Severity};
use crate::run::Run;
use serde::Serialize;
use std::collections::HashMap;

#[derive(Serialize)]
struct Issue {
    description: String,
    check_name: String,
    fingerprint: String,
    severity: &'static str,
    location: Location,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
}

/// GitLab's severity for a finding.
pub fn finding_severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

/// GitLab's severity for a problem: `critical` when it breaks the run.
pub fn problem_severity(p: &Problem) -> &'static str {
    if p.is_fatal() {
        "critical"
    } else {
        finding_severity(p.severity)
    }
}

/// Fingerprints made unique in order of output: `fp`, `fp-2`, `fp-3` …
#[derive(Default)]
struct Unique(HashMap<String, usize>);

impl Unique {
    fn next(&mut self, fp: String) -> String {
        let n = self.0.entry(fp.clone()).or_insert(0);
        *n += 1;
        if *n == 1 { fp } else { format!("{fp}-{n}") }
    }
}

pub fn render(run: &Run) -> String {
    let mut unique = Unique::default();
    let mut issues = Vec::new();
    // Known from the baseline or allowed in rimlig.toml: not news, not annotated.
    for f in run.outcome.findings.iter().filter(|f| f.counts()) {
        let place = finding_place(f, run);
        issues.push(Issue {
            // A workbook cell is named in the text: the line is its sheet row.
            description: match &place.cell {
                Some(cell) => format!("{}: {cell}: {}", f.instance_name(), f.message),
                None => format!("{}: {}", f.instance_name(), f.message),
            },
            check_name: f.rule.to_string(),
            fingerprint: unique.next(f.fingerprint()),
            severity: finding_severity(f.severity),
            location: Location {
                path: place.file.replace('\\', "/"),
                lines: Lines { begin: f.line },
            },
        });
    }
    for u in run.unlisted().into_iter().filter(|u| u.excused.is_none()) {
        let (path, line) = rule_place(run, u.rule);
        issues.push(Issue {
            description: format!("{}: {}", u.rule, u.text()),
            check_name: u.rule.to_string(),
            // Not the count: the same issue while the rule goes on failing beyond the cap.
            fingerprint: unique.next(crate::finding::fingerprint(&[
                "unlisted".to_string(),
                u.rule.to_string(),
            ])),
            severity: finding_severity(u.severity),
            location: Location {
                path,
                lines: Lines { begin: line },
            },
        });
    }
    for p in &run.problems {
        let place = problem_place(p, run);
        issues.push(Issue {
            description: format!("{}: {}", p.code, p.message),
            check_name: p.code.to_string(),
            fingerprint: unique.next(problem_fingerprint(p, run)),
            severity: problem_severity(p),
            location: Location {
                // GitLab needs a path: a problem about no file (a bad argument) is about the
                // project.
                path: place
                    .as_ref()
                    .map_or_else(|| ".".to_string(), |pl| pl.file.replace('\\', "/")),
                lines: Lines {
                    begin: place.and_then(|pl| pl.region).map_or(1, |r| r.start_line),
                },
            },
        });
    }
    let mut s = serde_json::to_string_pretty(&issues).unwrap_or_else(|_| "[]".to_string());
    s.push('\n');
    s
}

/// The file and line of the rule `id`; the project (`.`, line 1) if no loaded rule has it.
fn rule_place(run: &Run, id: &str) -> (String, usize) {
    run.rules
        .rules
        .iter()
        .find(|lr| lr.rule.id.text == id)
        .map_or_else(
            || (".".to_string(), 1),
            |lr| {
                let file = run.sources.get(lr.source);
                (
                    file.name.replace('\\', "/"),
                    file.line_col(lr.rule.span.start).0,
                )
            },
        )
}

#[cfg(test)]
mod tests {
    use super::Unique;

    #[test]
    fn repeated_fingerprints_get_an_occurrence_suffix() {
        let mut u = Unique::default();
        assert_eq!(u.next("ab".into()), "ab");
        assert_eq!(u.next("cd".into()), "cd");
        assert_eq!(u.next("ab".into()), "ab-2");
        assert_eq!(u.next("ab".into()), "ab-3");
    }
}
