//! `--format concise`: one line per finding, then one per problem, then the summary line —
//! the shape compilers use, which editors and `grep` understand:
//!
//! ```text
//! examples/linkoping-vss/2020-10/prognos.csv:6:27: error[prognos-avvikelse] avvikelse is 995, …
//! rules/x.rules:3:5: error[rules::syntax] expected an expression
//! checked 2 reports (16 tables) against 43 rules: …
//! ```
//!
//! The bracket holds the rule instance (`drift-summa[budget]`) for a finding and the code for a
//! problem. A problem without a position shows its file only, one without a file nothing.
//! Failing instances counted beyond `[check] max_findings_per_rule` but not listed are one line
//! per rule, without a place (`error[RULE] N more findings of rule RULE counted but not listed
//! …`); when they do not fail the run (an `[[allow]]` of the whole rule, `--update-baseline`)
//! the line is `info` and ends `; they do not fail the run: WHY`.
//!
//! Each line stays one line and sends no control character: those in a file name or a
//! message (a CR or LF too) are shown as pictures (see [`super::visible`]).

use super::visible::visible_line;
use super::{Place, finding_place, human::summary_line, problem_place};
use crate::problem::Severity;
use crate::run::Run;

fn line(place: Option<Place>, severity: &str, what: &str, message: &str) -> String {
    let head = match place {
        Some(p) => format!("{}: ", visible_line(&p.display())),
        None => String::new(),
    };
    format!(
        "{head}{severity}[{}] {}\n",
        visible_line(what),
        visible_line(message)
    )
}

pub fn render(run: &Run) -> String {
    let mut out = String::new();
    // Known from the baseline or allowed in rimlig.toml: not news, not annotated.
    for f in run.outcome.findings.iter().filter(|f| f.counts()) {
        out.push_str(&line(
            Some(finding_place(f, run)),
            f.severity.name(),
            &f.instance_name(),
            &f.message,
        ));
    }
    // Failing instances counted beyond the findings listed fail the run too, unless what
    // would excuse a listed finding excuses them: then they are only information.
    for u in run.unlisted() {
        let severity = match u.excused {
            None => u.severity,
            Some(_) => Severity::Info,
        };
        out.push_str(&line(None, severity.name(), u.rule, &u.text()));
    }
    for p in &run.problems {
        out.push_str(&line(
            problem_place(p, run),
            p.severity.name(),
            p.code,
            &p.message,
        ));
    }
    out.push_str(&summary_line(run));
    out.push('\n');
    out
}
