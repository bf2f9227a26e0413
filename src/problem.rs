//! Problems that are not rule findings: unreadable or malformed data, broken rule files,
//! bad configuration. Each carries labels with spans so it renders like a finding.

use crate::source::{SourceId, Span};
use serde::Serialize;

/// How serious a finding or problem is. Ordered from the most serious: `Error < Warning < Info`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// Where a problem comes from; decides the exit code (rule, config and I/O problems give 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ProblemKind {
    /// A report file that cannot be read as the data it claims to be (ragged row, binary file…).
    Data,
    /// A rule file that does not parse or names something that does not exist.
    Rules,
    /// `report.toml` and other configuration.
    Config,
    /// The file system: a path that does not exist, a file that cannot be read.
    Io,
}

/// A span in a source with a message, as miette labels it.
#[derive(Clone, Debug)]
pub struct Label {
    pub source: SourceId,
    pub span: Span,
    pub text: String,
}

#[derive(Clone, Debug)]
pub struct Problem {
    pub kind: ProblemKind,
    pub severity: Severity,
    /// A stable code such as `data::ragged-row` or `rules::syntax`.
    pub code: &'static str,
    pub message: String,
    /// The file the problem is about, for problems without a span (e.g. unreadable files).
    pub path: Option<String>,
    /// Labels; the first is the primary one. Labels in other sources are shown separately.
    pub labels: Vec<Label>,
    pub help: Option<String>,
    /// How many more problems of its code about its file this one stands for, which are not
    /// listed one by one (0: it stands for itself). See [`limit_repeats`].
    pub more: u32,
}

impl Problem {
    pub fn new(
        kind: ProblemKind,
        severity: Severity,
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Problem {
            kind,
            severity,
            code,
            message: message.into(),
            path: None,
            labels: Vec::new(),
            help: None,
            more: 0,
        }
    }
    /// A file or table that is not read because it holds, or describes, more than rimlig
    /// reads (`data::too-large`).
    pub fn too_large(message: impl Into<String>) -> Self {
        Problem::new(
            ProblemKind::Data,
            Severity::Error,
            "data::too-large",
            message,
        )
    }

    /// The problem with its labels pointing into a `Sources` appended at `offset`.
    pub fn shifted(mut self, offset: usize) -> Self {
        for l in &mut self.labels {
            l.source = l.source.shifted(offset);
        }
        self
    }

    pub fn with_label(mut self, source: SourceId, span: Span, text: impl Into<String>) -> Self {
        self.labels.push(Label {
            source,
            span,
            text: text.into(),
        });
        self
    }
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
    pub fn with_path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }
    /// Whether this problem makes the run exit with 2 (usage, rule-file, config or I/O error).
    pub fn is_fatal(&self) -> bool {
        self.severity == Severity::Error && self.kind != ProblemKind::Data
    }
}

/// Problems of one kind about one file that are listed one by one; the rest are counted in
/// one more problem. A file of a million ragged rows, or a sheet of a million `#DIV/0!`
/// cells, says so a hundred times and then how many more there are, not a million times.
pub const LISTED_PER_FILE: usize = 100;

/// Keep, of the problems with the same code about the same file, the first `listed`, and put
/// one problem counting the others (at the most serious severity among them) right after the
/// last one kept. The order of everything kept stays as it was. Done once, to the problems
/// of reading one report.
pub fn limit_repeats(problems: &mut Vec<Problem>, listed: usize) {
    use std::collections::HashMap;
    let mut seen: HashMap<(&'static str, Option<String>), usize> = HashMap::new();
    let mut keep = Vec::with_capacity(problems.len());
    for p in problems.iter() {
        // One that already counts others is kept, and is not counted itself.
        if p.more > 0 {
            keep.push(true);
            continue;
        }
        let n = seen.entry((p.code, p.path.clone())).or_insert(0);
        *n += 1;
        keep.push(*n <= listed);
    }
    if keep.iter().all(|&k| k) {
        return;
    }
    // The problems left out, per kind and file: how many, and the most serious severity.
    let mut left_out: HashMap<(&'static str, Option<String>), (usize, Severity, ProblemKind)> =
        HashMap::new();
    for (p, _) in problems.iter().zip(&keep).filter(|(_, k)| !**k) {
        let e = left_out
            .entry((p.code, p.path.clone()))
            .or_insert((0, p.severity, p.kind));
        e.0 += 1;
        e.1 = e.1.min(p.severity);
    }
    let all = std::mem::take(problems);
    let mut kept_of: HashMap<(&'static str, Option<String>), usize> = HashMap::new();
    for (p, k) in all.into_iter().zip(keep) {
        if !k {
            continue;
        }
        let key = (p.code, p.path.clone());
        let n = kept_of.entry(key.clone()).or_insert(0);
        *n += usize::from(p.more == 0);
        let last = *n == listed && p.more == 0;
        problems.push(p);
        if last && let Some((count, severity, kind)) = left_out.remove(&key) {
            let (code, path) = key;
            let mut more = Problem::new(
                kind,
                severity,
                code,
                format!(
                    "and {count} more `{code}` problem{} like the ones above, not listed one by one",
                    if count == 1 { "" } else { "s" }
                ),
            );
            more.path = path;
            more.more = u32::try_from(count).unwrap_or(u32::MAX);
            problems.push(more);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(code: &'static str, path: &str, severity: Severity) -> Problem {
        Problem::new(ProblemKind::Data, severity, code, "x").with_path(path)
    }

    #[test]
    fn repeats_past_the_limit_are_counted_after_the_last_one_listed() {
        let mut problems = vec![
            problem("data::ragged-row", "a.csv", Severity::Error),
            problem("data::cell-error", "a.csv", Severity::Warning),
            problem("data::ragged-row", "b.csv", Severity::Error),
            problem("data::ragged-row", "a.csv", Severity::Error),
            problem("data::cell-error", "a.csv", Severity::Warning),
            problem("data::cell-error", "a.csv", Severity::Error),
            problem("data::ragged-row", "a.csv", Severity::Warning),
        ];
        limit_repeats(&mut problems, 2);
        // A second time changes nothing: the counting problems are kept, and not counted.
        limit_repeats(&mut problems, 2);
        let said: Vec<(&str, &str, Severity)> = problems
            .iter()
            .map(|p| (p.code, p.message.as_str(), p.severity))
            .collect();
        assert_eq!(
            said,
            [
                ("data::ragged-row", "x", Severity::Error),
                ("data::cell-error", "x", Severity::Warning),
                ("data::ragged-row", "x", Severity::Error),
                ("data::ragged-row", "x", Severity::Error),
                (
                    "data::ragged-row",
                    "and 1 more `data::ragged-row` problem like the ones above, not listed one by one",
                    Severity::Warning
                ),
                ("data::cell-error", "x", Severity::Warning),
                (
                    "data::cell-error",
                    "and 1 more `data::cell-error` problem like the ones above, not listed one by one",
                    Severity::Error
                ),
            ]
        );
    }
}
