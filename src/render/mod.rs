//! Views of a run's findings and problems: pure functions from the run to text.

pub mod html;
pub mod human;
pub mod json;

// Formats for CI systems and code hosts, one module each. They share the places below.
pub mod concise;
pub mod github;
pub mod gitlab;
pub mod junit;
pub mod sarif;

use crate::finding::Finding;
use crate::problem::Problem;
use crate::run::Run;

/// A stretch of a file: 1-based lines and columns, columns in characters; the end is
/// exclusive (the position just after the last character), so an empty cell has
/// `end == start`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Region {
    pub start_line: usize,
    pub start_column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl Region {
    pub fn single_line(&self) -> bool {
        self.start_line == self.end_line
    }
}

/// Where a finding or problem is: the file as shown to the user and, when known, the region.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    pub file: String,
    pub region: Option<Region>,
    /// A workbook cell (`prognos!D6`): then `file` is the workbook and there is no region,
    /// since a workbook has no lines a code host could show.
    pub cell: Option<String>,
}

impl Place {
    /// `file:line:col`, `file:Sheet!A1` for a workbook cell, or `file` alone.
    pub fn display(&self) -> String {
        match (&self.cell, self.region) {
            (Some(c), _) => format!("{}:{c}", self.file),
            (None, Some(r)) => format!("{}:{}:{}", self.file, r.start_line, r.start_column),
            (None, None) => self.file.clone(),
        }
    }

    /// A place in a source file: for the rendered sheet of a workbook (`book.xlsx[prognos]`),
    /// the workbook file and the cell; else the file and the region.
    fn in_source(
        file: &crate::source::SourceFile,
        shown: &str,
        span: crate::source::Span,
    ) -> Place {
        if let Some(cell) = file.cell_ref(span)
            && let Some(book) = workbook_file(shown)
        {
            return Place {
                file: book.to_string(),
                region: None,
                cell: Some(cell),
            };
        }
        Place {
            file: shown.to_string(),
            region: Some(region_of(file, span)),
            cell: None,
        }
    }
}

/// `dir/book.xlsx` of `dir/book.xlsx[prognos]`, the name of a workbook sheet's source.
fn workbook_file(shown: &str) -> Option<&str> {
    let open = shown.strip_suffix(']')?.rfind('[')?;
    Some(&shown[..open])
}

fn region_of(file: &crate::source::SourceFile, span: crate::source::Span) -> Region {
    let (start_line, start_column) = file.line_col(span.start);
    let (end_line, end_column) = file.line_col(span.end.max(span.start));
    Region {
        start_line,
        start_column,
        end_line,
        end_column,
    }
}

/// The offending cell of a finding.
pub fn finding_place(f: &Finding, run: &Run) -> Place {
    let file = run.sources.get(f.source);
    let mut region = region_of(file, f.primary);
    // The finding's own position is the one every format shows; the span only adds the end.
    if (region.start_line, region.start_column) != (f.line, f.column) {
        region = Region {
            start_line: f.line,
            start_column: f.column,
            end_line: f.line,
            end_column: f.column + file.slice(f.primary).chars().count(),
        };
    }
    if f.cell.is_some() {
        return Place::in_source(file, &f.file, f.primary);
    }
    Place {
        file: f.file.to_string(),
        region: Some(region),
        cell: None,
    }
}

/// The other cells of a finding, with their label text (`Budget 2020: 0`).
pub fn related_places(f: &Finding, run: &Run) -> Vec<(Place, String)> {
    f.related
        .iter()
        .map(|r| {
            let file = run.sources.get(r.source);
            (Place::in_source(file, &r.file, r.span), r.text.clone())
        })
        .collect()
}

/// Where a problem is: its first label, else the path it is about, else nowhere (a bad
/// argument).
pub fn problem_place(p: &Problem, run: &Run) -> Option<Place> {
    match p.labels.first() {
        Some(l) => {
            let file = run.sources.get(l.source);
            Some(Place::in_source(file, &file.name, l.span))
        }
        None => p.path.as_ref().map(|path| Place {
            file: path.clone(),
            region: None,
            cell: None,
        }),
    }
}

/// The other labels of a problem (a duplicate's first definition …), with their text.
pub fn problem_related(p: &Problem, run: &Run) -> Vec<(Place, String)> {
    p.labels
        .iter()
        .skip(1)
        .map(|l| {
            let file = run.sources.get(l.source);
            (Place::in_source(file, &file.name, l.span), l.text.clone())
        })
        .collect()
}

/// A stable fingerprint of a problem: its code, file and message (no line numbers, unless the
/// message has them). Findings use [`Finding::fingerprint`].
pub fn problem_fingerprint(p: &Problem, run: &Run) -> String {
    let file = problem_place(p, run).map(|pl| pl.file).unwrap_or_default();
    crate::finding::fingerprint(&[
        "problem".to_string(),
        p.code.to_string(),
        file,
        p.message.clone(),
    ])
}

/// A message on one line: line breaks become spaces.
pub fn one_line(s: &str) -> String {
    s.replace("\r\n", "\n").replace(['\n', '\r'], " ")
}
