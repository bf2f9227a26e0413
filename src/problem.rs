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
        }
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
