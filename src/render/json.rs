//! The machine view: one JSON document, `version` 1. Documented in the README; fields are only
//! ever added, never renamed or removed, within a version.

use crate::eval::Stats;
use crate::problem::{Problem, ProblemKind, Severity};
use crate::run::{Gate, Run, Summary};
use serde::Serialize;
use std::io::Write;

mod finding;

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
    /// Per rule in `unlisted` whose counted findings do not fail the run, why: an `[[allow]]`
    /// entry for the whole rule, or a baseline this run wrote. A rule of `unlisted` not here
    /// fails the run at its severity, as a new finding would. Absent when none is excused.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    unlisted_excused: std::collections::BTreeMap<&'a str, String>,
    /// Per rule, not-applicable instances beyond the first thousand, counted in `rules` but
    /// not listed; absent when every one is listed.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    not_applicable_unlisted: std::collections::BTreeMap<&'a str, usize>,
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
    let mut w = std::io::BufWriter::with_capacity(1 << 16, w);
    // Everything but the findings, with an empty list where they go; the findings, the bulk
    // of a large run, are written into that list as they are turned into text, in parallel.
    let rest = serde_json::to_vec_pretty(&document(run, gate.into(), &[]))
        .map_err(std::io::Error::other)?;
    let (head, tail) = split_at_findings(&rest)?;
    w.write_all(head)?;
    write_findings(
        &run.outcome.findings,
        super::ITEMS_PER_BATCH,
        super::ITEMS_PER_PIECE,
        &mut w,
    )?;
    w.write_all(tail)?;
    w.write_all(b"\n")?;
    w.flush()
}

fn document<'a>(run: &'a Run, gate: Gate, findings: &'a [crate::finding::Finding]) -> Document<'a> {
    Document {
        version: 1,
        findings: Findings(findings),
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
        unlisted_excused: run
            .unlisted()
            .into_iter()
            .filter_map(|u| Some((u.rule, u.excused?)))
            .collect(),
        not_applicable_unlisted: run
            .outcome
            .not_applicable_unlisted
            .iter()
            .map(|(r, n)| (r.as_str(), *n))
            .collect(),
    }
}

/// The pretty document split inside its empty findings list: `…"findings": [` and `],…`.
fn split_at_findings(doc: &[u8]) -> std::io::Result<(&[u8], &[u8])> {
    // `findings` is the second field, after `version`: its key is the first to read so.
    const EMPTY: &[u8] = b"\"findings\": []";
    doc.windows(EMPTY.len())
        .position(|w| w == EMPTY)
        .map(|at| doc.split_at(at + EMPTY.len() - 1))
        .ok_or_else(|| std::io::Error::other("no findings list in the JSON document"))
}

/// The findings as the items of the pretty document's list (indented two levels), without
/// its brackets, turned into text in parallel and written in order.
fn write_findings(
    findings: &[crate::finding::Finding],
    per_batch: usize,
    per_piece: usize,
    w: &mut impl std::io::Write,
) -> std::io::Result<()> {
    super::write_in_order_with(
        findings,
        per_batch,
        per_piece,
        |i, f, out, repeats| item(f, i == 0, out, repeats),
        w,
    )?;
    if findings.is_empty() {
        return Ok(());
    }
    w.write_all(b"\n  ")
}

/// One finding as an item of the list: a comma unless `first`, a new line, and its pretty
/// JSON indented two levels, written in place.
fn item(
    f: &crate::finding::Finding,
    first: bool,
    out: &mut Vec<u8>,
    repeats: &mut finding::Repeats,
) -> std::io::Result<()> {
    out.extend_from_slice(if first { b"\n    " } else { b",\n    " });
    if finding::write(f, out, repeats) {
        return Ok(());
    }
    serde_item(&crate::finding::FindingJson::from(f), out)
}

/// A finding as [`item`] writes it, by serde (without the comma and new line before it).
fn serde_item(json: &crate::finding::FindingJson<'_>, out: &mut Vec<u8>) -> std::io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(out, Nested::at(2));
    json.serialize(&mut ser).map_err(std::io::Error::other)
}

/// `f` (without its fix) written by hand and by serde: `Err` with both texts if they differ.
/// For the tests and the `check` fuzz target, which hold every finding they make to it.
#[doc(hidden)]
pub fn compare_finding_writers(f: &crate::finding::Finding) -> Result<(), String> {
    let mut f = f.clone();
    f.fix = None;
    let json = crate::finding::FindingJson::from(&f);
    let mut ours = Vec::new();
    if !finding::write(&f, &mut ours, &mut finding::Repeats::default()) {
        return Err("the finding was not written by hand".into());
    }
    let mut theirs = Vec::new();
    serde_item(&json, &mut theirs).map_err(|e| e.to_string())?;
    if ours == theirs {
        return Ok(());
    }
    Err(format!(
        "by hand:\n{}\nby serde:\n{}",
        String::from_utf8_lossy(&ours),
        String::from_utf8_lossy(&theirs)
    ))
}

/// serde_json's pretty layout (two spaces a level) for a value written `levels` deep into a
/// document: the same text as pretty-printing it alone and indenting every line after the
/// first, without a second pass over it.
struct Nested {
    depth: usize,
    has_value: bool,
}

impl Nested {
    fn at(levels: usize) -> Nested {
        Nested {
            depth: levels,
            has_value: false,
        }
    }

    fn new_line<W: ?Sized + Write>(&self, w: &mut W, first: bool) -> std::io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(w)
    }

    fn indent<W: ?Sized + Write>(&self, w: &mut W) -> std::io::Result<()> {
        for _ in 0..self.depth {
            w.write_all(b"  ")?;
        }
        Ok(())
    }

    fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            w.write_all(b"\n")?;
            self.indent(w)?;
        }
        w.write_all(bracket)
    }
}

impl serde_json::ser::Formatter for Nested {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.new_line(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.new_line(w, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The document as serde writes it in one go, findings and all.
    fn whole(run: &Run) -> String {
        let doc = document(run, Gate::default(), &run.outcome.findings);
        serde_json::to_string_pretty(&doc).unwrap() + "\n"
    }

    #[test]
    fn findings_written_in_pieces_give_the_document_serde_writes() {
        let example =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/linkoping-vss");
        let run = crate::run::check(&[example], &[]);
        assert!(run.outcome.findings.len() > 5, "the example has findings");
        assert_eq!(render(&run, Gate::default()), whole(&run));
        // Batches and pieces of every size, down to one finding each.
        let (head, tail) = {
            let rest = serde_json::to_vec_pretty(&document(&run, Gate::default(), &[])).unwrap();
            let (h, t) = split_at_findings(&rest).unwrap();
            (h.to_vec(), t.to_vec())
        };
        for (batch, piece) in [(1, 1), (2, 1), (3, 2), (5, 5), (7, 3)] {
            let mut out = head.clone();
            write_findings(&run.outcome.findings, batch, piece, &mut out).unwrap();
            out.extend_from_slice(&tail);
            out.push(b'\n');
            assert_eq!(
                String::from_utf8(out).unwrap(),
                whole(&run),
                "{batch} {piece}"
            );
        }
    }

    #[test]
    fn findings_written_by_hand_are_what_serde_writes() {
        let example =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/linkoping-vss");
        let run = crate::run::check(&[example], &[]);
        let mut findings = run.outcome.findings.clone();
        // Every optional part there and not, and texts that need escaping.
        let mut odd = findings[0].clone();
        odd.help = Some("a \"help\"\n\twith\\escapes\u{1}".into());
        odd.cell = Some("prognos!D6".into());
        odd.row_key = None;
        odd.column_name = None;
        odd.values = None;
        odd.bindings = vec![("c".into(), "budget".into()), ("d".into(), "ram".into())];
        odd.tags = vec!["drift".into(), "å\u{7f}".into()];
        odd.suppressed = true;
        odd.suppression_reason = Some("känd: \"x\"".into());
        if let Some(label) = odd.related.first().cloned() {
            odd.related.push(crate::finding::CellLabel {
                cell: Some("A1".into()),
                ..label
            });
        }
        findings.push(odd);
        let mut bare = findings[0].clone();
        bare.related.clear();
        bare.message = String::new();
        if let Some(v) = bare.values.as_mut() {
            v.difference = None;
            v.tolerance = None;
        }
        findings.push(bare);
        let mut by_hand = 0;
        for f in &findings {
            if let Err(e) = compare_finding_writers(f) {
                panic!("{e}");
            }
            by_hand += 1;
        }
        assert!(by_hand > 5);
    }

    #[test]
    fn no_findings_is_an_empty_list() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/linkoping-vss");
        let mut run = crate::run::check(&[dir], &[]);
        run.outcome.findings.clear();
        let text = render(&run, Gate::default());
        assert!(
            text.contains("\"findings\": [],"),
            "{}",
            &text[..200.min(text.len())]
        );
        assert_eq!(text, whole(&run));
    }
}
