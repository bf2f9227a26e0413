//! The machine view: one JSON document, `version` 1. Documented in the README; fields are only
//! ever added, never renamed or removed, within a version.

use crate::eval::Stats;
use crate::problem::{Problem, ProblemKind, Severity};
use crate::run::{Gate, Run, Summary};
use serde::Serialize;
use std::io::Write;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    findings: Findings<'a>,
    problems: Vec<ProblemJson<'a>>,
    not_applicable: &'a [crate::eval::NotApplicable],
    rules: Vec<RuleJson<'a>>,
    summary: Summary,
    exit_code: i32,
    /// The `--baseline` compared with, or null.
    baseline: Option<&'a crate::baseline::Applied>,
    /// Per rule, failing instances beyond `[check] max_findings_per_rule`, counted in
    /// `rules` but not listed; absent when every finding is listed.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    unlisted: std::collections::BTreeMap<&'a str, usize>,
}

/// The findings, each turned into its JSON form only as it is written: a run may have
/// hundreds of thousands.
struct Findings<'a>(&'a [crate::finding::Finding]);

impl Serialize for Findings<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(crate::finding::FindingJson::from))
    }
}

#[derive(Serialize)]
struct ProblemJson<'a> {
    kind: ProblemKind,
    severity: Severity,
    code: &'a str,
    message: &'a str,
    file: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
    span: Option<crate::finding::SpanJson>,
    /// For a problem at a cell of a workbook sheet: `prognos!D6`.
    #[serde(skip_serializing_if = "Option::is_none")]
    cell: Option<String>,
    help: Option<&'a str>,
}

#[derive(Serialize)]
struct RuleJson<'a> {
    rule: &'a str,
    #[serde(flatten)]
    stats: &'a Stats,
}

fn problem_json<'a>(p: &'a Problem, run: &Run) -> ProblemJson<'a> {
    let label = p.labels.first();
    let file = label.map(|l| run.sources.get(l.source));
    let pos = match (label, file) {
        (Some(l), Some(f)) => Some(f.line_col(l.span.start)),
        _ => None,
    };
    ProblemJson {
        kind: p.kind,
        severity: p.severity,
        code: p.code,
        message: &p.message,
        file: file.map(|f| f.name.clone()).or_else(|| p.path.clone()),
        line: pos.map(|p| p.0),
        column: pos.map(|p| p.1),
        span: match (label, file) {
            (Some(l), Some(f)) => {
                let (offset, length) = f.file_span(l.span);
                Some(crate::finding::SpanJson { offset, length })
            }
            _ => None,
        },
        cell: match (label, file) {
            (Some(l), Some(f)) => f.cell_ref(l.span),
            _ => None,
        },
        help: p.help.as_deref(),
    }
}

/// `gate`: a [`Gate`], or `deny_warnings` as a bool.
pub fn render(run: &Run, gate: impl Into<Gate>) -> String {
    let mut out = Vec::new();
    write(run, gate, &mut out)
        .map_err(|e| e.to_string())
        .and_then(|()| String::from_utf8(out).map_err(|e| e.to_string()))
        .unwrap_or_else(|e| format!("{{\"version\":1,\"error\":\"{e}\"}}\n"))
}

/// [`render`] straight into `w`: the document is never held whole in memory (46 MB for the
/// findings of a million-row table). Byte for byte what `render` gives.
pub fn write(run: &Run, gate: impl Into<Gate>, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let doc = Document {
        version: 1,
        findings: Findings(&run.outcome.findings),
        problems: run.problems.iter().map(|p| problem_json(p, run)).collect(),
        not_applicable: &run.outcome.not_applicable,
        rules: run
            .outcome
            .stats
            .iter()
            .map(|(r, s)| RuleJson { rule: r, stats: s })
            .collect(),
        summary: run.summary(),
        exit_code: run.exit_code(gate),
        baseline: run.baseline.as_ref(),
        unlisted: run
            .outcome
            .unlisted
            .iter()
            .map(|(r, n)| (r.as_str(), *n))
            .collect(),
    };
    let mut w = std::io::BufWriter::with_capacity(1 << 16, w);
    serde_json::to_writer_pretty(&mut w, &doc).map_err(std::io::Error::other)?;
    w.write_all(b"\n")?;
    w.flush()
}
