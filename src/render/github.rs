//! `--format github`: GitHub Actions workflow commands, which the runner turns into
//! annotations on the file and line (in the job summary and on a pull request's diff):
//!
//! ```text
//! ::error file=examples/…/prognos.csv,line=6,endLine=6,col=27,endColumn=30,title=prognos-avvikelse%3A Avvikelse = prognos − budget::avvikelse is 995, …
//! ```
//!
//! One command per finding and per problem: `error`, `warning` or `notice` after the
//! severity (info is a notice). Failing instances counted beyond
//! `[check] max_findings_per_rule` but not listed are one command per rule, without a file, at
//! the rule's severity; a `notice` ending `; they do not fail the run: WHY` when they do not
//! (an `[[allow]]` of the whole rule, `--update-baseline`). The title is `rule-instance: title`
//! for a finding and the code for a problem (the rule for unlisted findings); the message is
//! the finding's message, then the rule's help on the next line.
//! `col`/`endColumn` are given only when the cell is on one line (GitHub's rule); columns are in
//! characters, `endColumn` just after the cell. The run's summary line ends the output as plain
//! log text. Escaping is that of GitHub's toolkit (`@actions/core`): see [`escape_data`] and
//! [`escape_property`]; and, since the toolkit passes them through to the log, other control
//! characters are shown as pictures (see [`super::visible`]). A CR or LF of a cell or a message
//! is shown as one too: only the line breaks between the message's parts are `%0A`.

use super::visible::{picture, visible_line};
use super::{Place, finding_place, human::summary_line, problem_place};
use crate::problem::Severity;
use crate::run::Run;

/// `s` with `%`, `\r`, `\n` escaped, and `:` and `,` too when `property`; other control
/// characters but tab shown as pictures.
fn escape(s: &str, property: bool) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' if property => out.push_str("%3A"),
            ',' if property => out.push_str("%2C"),
            c => out.push(picture(c).unwrap_or(c)),
        }
    }
    out
}

/// The message of a command: `%`, `\r`, `\n` escaped (`toCommandValue` + `escapeData`), other
/// control characters shown.
pub fn escape_data(s: &str) -> String {
    escape(s, false)
}

/// A property value (`file=`, `title=`): as [`escape_data`], and `:` and `,` as well
/// (`escapeProperty`).
pub fn escape_property(s: &str) -> String {
    escape(s, true)
}

fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// `::error file=…,line=…,endLine=…,col=…,endColumn=…,title=…::message`
pub fn annotation(severity: Severity, place: Option<&Place>, title: &str, message: &str) -> String {
    let mut props: Vec<(&str, String)> = Vec::new();
    if let Some(p) = place {
        props.push(("file", p.file.replace('\\', "/")));
        if let Some(r) = p.region {
            props.push(("line", r.start_line.to_string()));
            props.push(("endLine", r.end_line.to_string()));
            if r.single_line() {
                props.push(("col", r.start_column.to_string()));
                props.push(("endColumn", r.end_column.to_string()));
            }
        }
    }
    props.push(("title", title.to_string()));
    let props: Vec<String> = props
        .iter()
        .map(|(k, v)| format!("{k}={}", escape_property(v)))
        .collect();
    format!(
        "::{} {}::{}\n",
        command(severity),
        props.join(","),
        escape_data(message)
    )
}

pub fn render(run: &Run) -> String {
    let mut out = String::new();
    // Known from the baseline or allowed in rimlig.toml: not news, not annotated.
    for f in run.outcome.findings.iter().filter(|f| f.counts()) {
        let place = finding_place(f, run);
        // A workbook has no lines to annotate: the message names the cell.
        let mut message = match &place.cell {
            Some(cell) => visible_line(&format!("{cell}: {}", f.message)).into_owned(),
            None => visible_line(&f.message).into_owned(),
        };
        if let Some(fix) = f.fix.as_ref().filter(|x| !x.changes.is_empty()) {
            message.push('\n');
            message.push_str(&visible_line(&fix.summary_in(Some(&f.file))));
        }
        if let Some(h) = &f.help {
            message.push('\n');
            message.push_str(h);
        }
        out.push_str(&annotation(
            f.severity,
            Some(&place),
            &visible_line(&format!("{}: {}", f.instance_name(), f.title)),
            &message,
        ));
    }
    // Failing instances counted beyond the findings listed fail the run too, unless what
    // would excuse a listed finding excuses them: then they are a notice.
    for u in run.unlisted() {
        let severity = match u.excused {
            None => u.severity,
            Some(_) => Severity::Info,
        };
        out.push_str(&annotation(
            severity,
            None,
            &visible_line(u.rule),
            &visible_line(&u.text()),
        ));
    }
    for p in &run.problems {
        let mut message = visible_line(&p.message).into_owned();
        if let Some(h) = &p.help {
            message.push('\n');
            message.push_str(h);
        }
        out.push_str(&annotation(
            p.severity,
            problem_place(p, run).as_ref(),
            p.code,
            &message,
        ));
    }
    out.push_str(&summary_line(run));
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::Region;

    #[test]
    fn data_escapes_percent_and_line_breaks_only() {
        assert_eq!(escape_data("50% off"), "50%25 off");
        assert_eq!(escape_data("a\r\nb"), "a%0D%0Ab");
        assert_eq!(escape_data("a: b, c"), "a: b, c");
        // `%` first, so an escape already in the text is not read as one.
        assert_eq!(escape_data("%0A"), "%250A");
    }

    #[test]
    fn other_control_characters_are_shown() {
        assert_eq!(escape_data("a\x1b[2K\x07\0\tb\x7f\u{9b}"), "a␛[2K␇␀\tb␡�");
        assert_eq!(escape_property("r\x1b:x"), "r␛%3Ax");
    }

    #[test]
    fn properties_also_escape_colon_and_comma() {
        assert_eq!(
            escape_property("drift-summa: Summa"),
            "drift-summa%3A Summa"
        );
        assert_eq!(escape_property("Drift, 100%.csv"), "Drift%2C 100%25.csv");
        assert_eq!(escape_property("a\nb:c,d%"), "a%0Ab%3Ac%2Cd%25");
        assert_eq!(escape_property("rules::syntax"), "rules%3A%3Asyntax");
    }

    #[test]
    fn annotations_give_columns_only_on_one_line() {
        let one = Place {
            file: "a, b.csv".into(),
            region: Some(Region {
                start_line: 2,
                start_column: 3,
                end_line: 2,
                end_column: 6,
            }),
            cell: None,
        };
        assert_eq!(
            annotation(Severity::Warning, Some(&one), "r: T", "x\ny"),
            "::warning file=a%2C b.csv,line=2,endLine=2,col=3,endColumn=6,title=r%3A T::x%0Ay\n"
        );
        let two = Place {
            region: Some(Region {
                end_line: 3,
                ..one.region.unwrap()
            }),
            ..one.clone()
        };
        assert_eq!(
            annotation(Severity::Info, Some(&two), "t", "m"),
            "::notice file=a%2C b.csv,line=2,endLine=3,title=t::m\n"
        );
        assert_eq!(
            annotation(Severity::Error, None, "io::missing", "m"),
            "::error title=io%3A%3Amissing::m\n"
        );
    }
}
