//! One Markdown document → one [`Report`] ("report as code").
//!
//! - Every pipe table (GitHub-flavoured Markdown, read with pulldown-cmark) is a table, named by
//!   the nearest heading above it; a second table under the same name gets ` 2`, a third ` 3`;
//!   a table with no heading above it is named by the file stem. The first row is the header.
//!   Tables inside code blocks are code, not tables.
//! - Each cell keeps its byte range in the document (after a byte order mark), trimmed of the
//!   spaces around it, so diagnostics point at the cell as written. Its `raw` text is what a
//!   reader sees: inline markup (`*italic*`, `**bold**`, `` `code` ``, `<i>…</i>`, links) is
//!   taken away and `\|` is a pipe. That text is also what [`parse_cell`] reads, and it is the
//!   text rules see (row keys, text columns), so `**Summa**` is the key `Summa`.
//! - TOML front matter between `+++` lines at the very top holds `unit`, `period` and
//!   `previous` (a path relative to the document, e.g. `previous = "2020-08.md"`), checked as
//!   `report.toml` is. YAML front matter (`---`) is skipped with a warning.
//! - The text of paragraphs is kept, with the heading above it, in [`MarkdownDocument::prose`]
//!   (not in [`Report`], so nothing else changes) for checks on the prose to come.
//!
//! A row with more cells than the header is a data problem pointing at the first extra cell
//! (the row is ignored, as in CSV); lines that look like a table but have no delimiter row get
//! a warning. Nothing here panics on any input.

use super::csv::check_duplicate_headers;
use super::discover::parent_dir;
use super::number::{parse_cell, trim_cell};
use super::{
    CellValue, Header, LooseCell, LooseRow, Missing, Report, ReportMeta, Table, normalise_name,
};
use crate::config::tidy_path;
use crate::input::{ReadError, not_a_file, read_regular};
use crate::problem::{Problem, ProblemKind, Severity};
use crate::source::{FileBytes, SourceFile, SourceId, Sources, Span};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

/// Documents larger than this are not read (as for CSV files).
pub(super) const MAX_DOCUMENT_BYTES: u64 = 256 * 1024 * 1024;

/// Markdown reports larger than this are not read. They are written by hand, and the
/// Markdown parser lays out the structure of the whole document first: 40 MB of `>`
/// (blockquotes nested 40 million deep) took 9 s and 2,3 GB.
const MAX_MARKDOWN_BYTES: u64 = 8 * 1024 * 1024;

/// Cells of one table read from a Markdown or JSON report, as of a workbook sheet: each is
/// kept in full, text and value, about a hundred bytes.
pub(crate) const MAX_LOOSE_CELLS: u64 = 5_000_000;

/// Lines and `|` of a Markdown body, at most. The Markdown parser lays out the structure of
/// the whole document before the first table is read, an item for every cell and line; a
/// body with more than this is refused before it is parsed.
const MAX_MARKDOWN_ITEMS: u64 = MAX_LOOSE_CELLS;

/// A Markdown report with the prose around its tables.
#[derive(Debug)]
pub struct MarkdownDocument {
    pub report: Report,
    /// Every paragraph outside the tables, in document order.
    pub prose: Vec<Prose>,
}

/// One paragraph of a Markdown report.
#[derive(Debug, Clone, PartialEq)]
pub struct Prose {
    /// The nearest heading above the paragraph, if any.
    pub heading: Option<String>,
    /// The paragraph's text without markup.
    pub text: String,
    pub span: Span,
}

/// Read a `.md`/`.markdown` file as a report. Problems are pushed to `problems`; whatever
/// could be read is returned.
pub fn load_markdown(
    path: &Path,
    shown: &str,
    sources: &mut Sources,
    problems: &mut Vec<Problem>,
) -> Report {
    read_markdown(path, shown, sources, problems).report
}

/// [`load_markdown`], keeping the prose.
pub fn read_markdown(
    path: &Path,
    shown: &str,
    sources: &mut Sources,
    problems: &mut Vec<Problem>,
) -> MarkdownDocument {
    match read_document(path, shown, MAX_MARKDOWN_BYTES, problems) {
        Some(bytes) => markdown_from_bytes(path, shown, &bytes, sources, problems),
        None => MarkdownDocument {
            report: empty_report(path),
            prose: Vec::new(),
        },
    }
}

/// Read a Markdown report from bytes; `path` is where it lives (for its name, its table names
/// and the previous report), `shown` the name diagnostics give it.
pub fn markdown_from_bytes(
    path: &Path,
    shown: &str,
    bytes: &[u8],
    sources: &mut Sources,
    problems: &mut Vec<Problem>,
) -> MarkdownDocument {
    read_within(path, shown, bytes, sources, problems, Limits::READ)
}

/// How much a Markdown report may hold.
#[derive(Clone, Copy, Debug)]
struct Limits {
    /// Lines and `|` of the body.
    items: u64,
    /// Cells (rows × columns) of one table.
    cells: u64,
}

impl Limits {
    const READ: Limits = Limits {
        items: MAX_MARKDOWN_ITEMS,
        cells: MAX_LOOSE_CELLS,
    };
}

fn read_within(
    path: &Path,
    shown: &str,
    bytes: &[u8],
    sources: &mut Sources,
    problems: &mut Vec<Problem>,
    limits: Limits,
) -> MarkdownDocument {
    let mut doc = MarkdownDocument {
        report: empty_report(path),
        prose: Vec::new(),
    };
    let Some(source) = add_document(shown, bytes, "Markdown", sources, problems) else {
        return doc;
    };
    let file = sources.get(source);
    let text = file.text.clone();
    let (meta_range, body_start) = front_matter(&text, source, shown, problems);
    if let Some(range) = meta_range {
        doc.report.meta = read_front_matter(&text, range, path, source, shown, problems);
    }
    let body = text.get(body_start..).unwrap_or("");
    let items = memchr::memchr2_iter(b'|', b'\n', body.as_bytes()).count() as u64;
    if items > limits.items {
        problems.push(
            Problem::too_large(format!(
                    "{shown} has {items} lines and cell borders (`|`), more than the {} rimlig reads in a Markdown report; it is not read",
                    limits.items
                ),
            )
            .with_path(shown)
            .with_help("write a table that large as a CSV file in a report folder"),
        );
        return doc;
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut reader = BodyReader {
        text: &text,
        file,
        source,
        shown,
        stem: &stem,
        problems,
        tables: Vec::new(),
        prose: Vec::new(),
        names: TableNames::default(),
        max_cells: limits.cells,
    };
    reader.read(body_start);
    doc.report.tables = reader.tables;
    doc.prose = reader.prose;
    doc
}

/// Whether a file starts with `+++` front matter (after a UTF-8 byte order mark): how a
/// Markdown report is told from other Markdown (a README) in a folder tree.
pub fn has_front_matter(path: &Path) -> bool {
    use std::io::Read;
    let mut head = Vec::new();
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    if file.take(8).read_to_end(&mut head).is_err() {
        return false;
    }
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&head);
    head.strip_prefix(b"+++").is_some_and(|rest| {
        rest.first()
            .is_none_or(|b| matches!(b, b'\n' | b'\r' | b' ' | b'\t'))
    })
}

fn empty_report(path: &Path) -> Report {
    Report {
        path: path.to_path_buf(),
        meta: ReportMeta::default(),
        tables: Vec::new(),
    }
}

// ---------------------------------------------------------------------------------------------
// Reading and decoding (shared with the JSON reports and workbooks)

/// The bytes of a single-file report (a document or a workbook), refusing files larger than
/// `max_bytes` and files that are not regular files.
pub(super) fn read_document(
    path: &Path,
    shown: &str,
    max_bytes: u64,
    problems: &mut Vec<Problem>,
) -> Option<Vec<u8>> {
    let cannot_read = |why: String| {
        Problem::new(
            ProblemKind::Io,
            Severity::Error,
            "io::read",
            format!("cannot read {shown}: {why}"),
        )
        .with_path(shown)
    };
    let problem = match read_regular(path, max_bytes) {
        Ok(bytes) => return Some(bytes),
        Err(ReadError::TooLarge { .. }) => Problem::too_large(format!(
            "{shown} is larger than {} MiB; it is not read",
            max_bytes >> 20
        ))
        .with_path(shown),
        Err(ReadError::Folder) => not_a_file(shown, shown, true),
        Err(ReadError::NotAFile) => not_a_file(shown, shown, false),
        Err(ReadError::NotFound) => cannot_read("it does not exist".to_string()),
        Err(ReadError::Io(e)) => cannot_read(e.to_string()),
    };
    problems.push(problem);
    None
}

/// Decode a document and add it to `sources`. UTF-8 (with or without a byte order mark) and
/// UTF-16 with a byte order mark are read as they are; other bytes as Windows-1252, with a
/// warning at the first byte that is not UTF-8 (offsets stay exact: one byte, one character).
/// A lone-CR file has its CRs turned into LFs (same offsets, working line numbers). `None`
/// for a binary file.
pub(super) fn add_document(
    shown: &str,
    bytes: &[u8],
    what: &str,
    sources: &mut Sources,
    problems: &mut Vec<Problem>,
) -> Option<SourceId> {
    let mut not_utf8_at = None;
    let (mut text, stored) = match encoding_rs::Encoding::for_bom(bytes) {
        Some((encoding, bom)) => {
            let body = bytes.get(bom..).unwrap_or(&[]);
            let (text, _) = encoding.decode_without_bom_handling(body);
            let stored = if encoding == encoding_rs::UTF_8 {
                FileBytes::AfterBom(bom)
            } else {
                FileBytes::Utf16 { bom }
            };
            (text.into_owned(), stored)
        }
        None => match std::str::from_utf8(bytes) {
            Ok(text) => (text.to_string(), FileBytes::Same),
            Err(e) => {
                let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
                let text = text.into_owned();
                // One character per byte: the bad byte is character number `valid_up_to`.
                not_utf8_at = text.char_indices().nth(e.valid_up_to()).map(|(i, c)| {
                    let end = i + c.len_utf8();
                    Span::new(i, end)
                });
                (text, FileBytes::OneBytePerChar)
            }
        },
    };
    if text.contains('\0') {
        problems.push(
            Problem::new(
                ProblemKind::Data,
                Severity::Error,
                "data::not-text",
                match super::first_non_text(&text, stored, |c| c == '\0') {
                    Some(at) => format!("{shown} is not a text file: {at}"),
                    None => format!("{shown} is not a text file"),
                },
            )
            .with_path(shown)
            .with_help(format!("save the report as {what} text (UTF-8)")),
        );
        return None;
    }
    if text.contains('\r') && !text.contains('\n') {
        text = text.replace('\r', "\n");
    }
    let source = sources.add(SourceFile::new(shown, text).with_file_bytes(stored));
    if let Some(span) = not_utf8_at {
        let (line, _) = sources.get(source).line_col(span.start);
        problems.push(
            Problem::new(
                ProblemKind::Data,
                Severity::Warning,
                "data::windows-1252",
                format!(
                    "{shown} is not UTF-8 (the first byte that is not is on line {line}); it was read as Windows-1252"
                ),
            )
            .with_path(shown)
            .with_label(source, span, "not UTF-8")
            .with_help(format!("save the {what} file as UTF-8")),
        );
    }
    Some(source)
}

/// The previous report named in a document's metadata: resolved against the document's
/// folder; a warning if it is neither a file nor a folder.
pub(super) fn resolve_previous(
    doc: &Path,
    value: &str,
    source: SourceId,
    span: Span,
    shown: &str,
    problems: &mut Vec<Problem>,
) -> std::path::PathBuf {
    let path = tidy_path(&parent_dir(doc).join(value));
    if !path.is_file() && !path.is_dir() {
        problems.push(
            Problem::new(
                ProblemKind::Data,
                Severity::Warning,
                "data::previous-missing",
                format!("the previous report `{value}` named in {shown} does not exist"),
            )
            .with_label(source, span, "no such report")
            .with_help(
                "rules that compare with the previous report (`previous.`) are not applicable until it is there; give its file or folder relative to this document",
            ),
        );
    }
    path
}

// ---------------------------------------------------------------------------------------------
// Front matter

/// The line starting at `at`: (content without its line break, offset after the line break).
fn line_at(text: &str, at: usize) -> (&str, usize) {
    let rest = text.get(at..).unwrap_or("");
    match rest.find('\n') {
        Some(i) => (rest[..i].trim_end_matches('\r'), at + i + 1),
        None => (rest, text.len()),
    }
}

/// Front matter at the top: the range of the TOML between the `+++` lines, and where the
/// Markdown body starts.
fn front_matter(
    text: &str,
    source: SourceId,
    shown: &str,
    problems: &mut Vec<Problem>,
) -> (Option<Range<usize>>, usize) {
    let (first, after_first) = line_at(text, 0);
    let fence = first.trim_end();
    let yaml = fence == "---";
    if fence != "+++" && !yaml {
        return (None, 0);
    }
    let mut at = after_first;
    while at < text.len() {
        let (line, next) = line_at(text, at);
        let closing = line.trim_end();
        if (!yaml && closing == "+++") || (yaml && (closing == "---" || closing == "...")) {
            if yaml {
                problems.push(
                    Problem::new(
                        ProblemKind::Config,
                        Severity::Warning,
                        "config::front-matter",
                        format!("{shown} has YAML front matter, which is not read"),
                    )
                    .with_label(source, Span::new(0, first.len()), "YAML front matter")
                    .with_help(
                        "write the report's unit, period and previous as TOML between `+++` lines",
                    ),
                );
                return (None, next);
            }
            return (Some(after_first..at), next);
        }
        at = next;
    }
    if !yaml {
        problems.push(
            Problem::new(
                ProblemKind::Config,
                Severity::Error,
                "config::front-matter",
                format!("the front matter of {shown} is never closed"),
            )
            .with_label(
                source,
                Span::new(0, first.len()),
                "front matter starts here",
            )
            .with_help("end the front matter with a line `+++`; the document is read without it"),
        );
    }
    // A lone `---` is a thematic break: no front matter.
    (None, 0)
}

/// Read the TOML front matter: keys `unit`, `period`, `previous`, as in `report.toml`.
fn read_front_matter(
    text: &str,
    range: Range<usize>,
    path: &Path,
    source: SourceId,
    shown: &str,
    problems: &mut Vec<Problem>,
) -> ReportMeta {
    let mut meta = ReportMeta::default();
    let base = range.start;
    let toml_text = text.get(range.clone()).unwrap_or("");
    let span_of = |r: Range<usize>| {
        let start = (base + r.start).min(range.end);
        Span::new(start, (base + r.end).min(range.end).max(start))
    };
    let problem = |message: String, span: Span, label: &str| {
        Problem::new(
            ProblemKind::Config,
            Severity::Error,
            "config::front-matter",
            message,
        )
        .with_path(shown)
        .with_label(source, span, label)
    };

    let (table, mut errors) = toml::de::DeTable::parse_recoverable(toml_text);
    // Arrays nested past the parser's depth give the same error at the same place once for
    // each level left open: said once.
    errors.dedup_by(|a, b| a.message() == b.message() && a.span() == b.span());
    for error in &errors {
        let message = error.message().trim().to_string();
        let span = error.span().map_or(Span::new(base, base), span_of);
        problems.push(problem(
            format!("the front matter of {shown} is not valid TOML: {message}"),
            span,
            "here",
        ));
    }
    let mut entries: Vec<_> = table.get_ref().iter().collect();
    entries.sort_by_key(|(key, _)| key.span().start);
    for (key, value) in entries {
        let name: &str = key.get_ref();
        if !matches!(name, "unit" | "period" | "previous") {
            problems.push(
                problem(
                    format!("unknown key `{name}` in the front matter of {shown}"),
                    span_of(key.span()),
                    "unknown key",
                )
                .with_help("the front matter knows the keys `unit`, `period` and `previous`"),
            );
            continue;
        }
        let Some(s) = value.get_ref().as_str() else {
            let t = value.get_ref().type_str();
            let article = if t.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            };
            let example = match name {
                "unit" => "unit = \"Linköpings kommun\"",
                "period" => "period = \"2020-10\"",
                _ => "previous = \"2020-08.md\"",
            };
            problems.push(
                problem(
                    format!("`{name}` in the front matter of {shown} must be a string, not {article} {t}"),
                    span_of(value.span()),
                    "expected a string",
                )
                .with_help(format!("write it in quotes, e.g. {example}")),
            );
            continue;
        };
        match name {
            "unit" => meta.unit = Some(s.to_string()),
            "period" => meta.period = Some(s.to_string()),
            _ => {
                let span = span_of(value.span());
                let previous = resolve_previous(path, s, source, span, shown, problems);
                let itself = || super::previous_itself(s, shown, source, span);
                meta.set_previous(previous, path, itself, problems);
            }
        }
    }
    meta
}

// ---------------------------------------------------------------------------------------------
// The body: headings, paragraphs and tables

/// A cell being read: its range in the document and its text without markup.
struct CellText {
    range: Range<usize>,
    text: String,
}

struct TableBuild {
    name: String,
    head: Option<Range<usize>>,
    in_head: bool,
    headers: Vec<Header>,
    rows: Vec<LooseRow>,
    /// Rows with a cell, kept or not: past the most cells a table may have, they are only
    /// counted.
    data_rows: u64,
    row: Option<(Range<usize>, Vec<CellText>)>,
    head_cells: Vec<CellText>,
}

impl TableBuild {
    fn too_large(&self, max_cells: u64) -> bool {
        self.data_rows.saturating_mul(self.headers.len() as u64) > max_cells
    }
}

/// The names of a report's tables so far, to give a name used again a number: `base`, then
/// `base 2`, `base 3` … Each base remembers the number it has reached, so that ten thousand
/// tables under one heading are not each numbered by trying `base 2`, `base 3` … again.
#[derive(Default)]
pub(super) struct TableNames {
    /// Normalised names taken, with where the table that took each is named.
    taken: HashMap<String, Span>,
    /// The number to try next after each base that was taken.
    next: HashMap<String, u64>,
}

impl TableNames {
    /// Where the table named `name` is named, if a table has that name (normalised).
    pub(super) fn first(&self, name: &str) -> Option<Span> {
        self.taken.get(&normalise_name(name)).copied()
    }

    /// `base`, or the first of `base 2`, `base 3` … no table has, given to the table named at
    /// `span`.
    pub(super) fn take(&mut self, base: &str, span: Span) -> String {
        let mut name = base.to_string();
        let mut key = normalise_name(&name);
        if self.taken.contains_key(&key) {
            let n = self.next.entry(base.to_string()).or_insert(2);
            loop {
                name = format!("{base} {n}");
                *n += 1;
                key = normalise_name(&name);
                if !self.taken.contains_key(&key) {
                    break;
                }
            }
        }
        self.taken.insert(key, span);
        name
    }
}

struct BodyReader<'a> {
    text: &'a str,
    file: &'a SourceFile,
    source: SourceId,
    shown: &'a str,
    stem: &'a str,
    problems: &'a mut Vec<Problem>,
    tables: Vec<Table>,
    prose: Vec<Prose>,
    /// The names of the tables so far.
    names: TableNames,
    /// Cells of one table, at most.
    max_cells: u64,
}

impl BodyReader<'_> {
    fn read(&mut self, body_start: usize) {
        let text = self.text;
        let body = text.get(body_start..).unwrap_or("");
        let mut heading: Option<String> = None;
        let mut heading_text: Option<String> = None;
        let mut paragraph: Option<(Range<usize>, String)> = None;
        let mut table: Option<TableBuild> = None;
        let mut cell: Option<CellText> = None;

        for (event, range) in Parser::new_ext(
            body,
            Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH,
        )
        .into_offset_iter()
        {
            let range = (range.start + body_start)..(range.end + body_start);
            match event {
                Event::Start(Tag::Heading { .. }) => heading_text = Some(String::new()),
                Event::End(TagEnd::Heading(_)) => {
                    heading = heading_text
                        .take()
                        .map(|h| trim_cell(&h).to_string())
                        .filter(|h| !h.is_empty());
                }
                Event::Start(Tag::Paragraph) if table.is_none() => {
                    paragraph = Some((range, String::new()));
                }
                Event::End(TagEnd::Paragraph) => {
                    if let Some((range, text)) = paragraph.take() {
                        self.paragraph(range, text, heading.as_deref());
                    }
                }
                Event::Start(Tag::Table(_)) => {
                    let base = heading.clone().unwrap_or_else(|| self.stem.to_string());
                    table = Some(TableBuild {
                        name: self.unique_name(&base),
                        head: None,
                        in_head: false,
                        headers: Vec::new(),
                        rows: Vec::new(),
                        data_rows: 0,
                        row: None,
                        head_cells: Vec::new(),
                    });
                }
                Event::Start(Tag::TableHead) => {
                    if let Some(t) = table.as_mut() {
                        t.in_head = true;
                        t.head = Some(range);
                    }
                }
                Event::End(TagEnd::TableHead) => {
                    if let Some(t) = table.as_mut() {
                        t.in_head = false;
                        t.headers = t
                            .head_cells
                            .drain(..)
                            .map(|c| {
                                let text = trim_cell(&c.text).to_string();
                                Header {
                                    normalised: normalise_name(&text),
                                    span: trimmed_span(self.text, &c.range),
                                    text,
                                }
                            })
                            .collect();
                    }
                }
                Event::Start(Tag::TableRow) => {
                    if let Some(t) = table.as_mut() {
                        t.row = Some((range, Vec::new()));
                    }
                }
                Event::End(TagEnd::TableRow) => {
                    if let Some(t) = table.as_mut()
                        && let Some((range, cells)) = t.row.take()
                        && let Some(row) = self.row(range, cells, t)
                    {
                        t.data_rows += 1;
                        if t.too_large(self.max_cells) {
                            t.rows = Vec::new();
                        } else {
                            t.rows.push(row);
                        }
                    }
                }
                Event::Start(Tag::TableCell) => {
                    cell = Some(CellText {
                        range,
                        text: String::new(),
                    });
                }
                Event::End(TagEnd::TableCell) => {
                    if let (Some(c), Some(t)) = (cell.take(), table.as_mut()) {
                        if t.in_head {
                            t.head_cells.push(c);
                        } else if let Some((_, cells)) = t.row.as_mut() {
                            cells.push(c);
                        }
                    }
                }
                Event::End(TagEnd::Table) => {
                    if let Some(t) = table.take() {
                        self.finish_table(t);
                    }
                }
                Event::Text(s) | Event::Code(s) => {
                    if let Some(c) = cell.as_mut() {
                        c.text.push_str(&s);
                    } else if let Some(h) = heading_text.as_mut() {
                        h.push_str(&s);
                    } else if let Some((_, p)) = paragraph.as_mut() {
                        p.push_str(&s);
                    }
                }
                Event::InlineHtml(s) => {
                    // `<br>` in a cell or paragraph is a space; other tags are markup.
                    let tag = s.trim().to_ascii_lowercase();
                    if tag.starts_with("<br") {
                        if let Some(c) = cell.as_mut() {
                            c.text.push(' ');
                        } else if let Some((_, p)) = paragraph.as_mut() {
                            p.push(' ');
                        }
                    }
                }
                Event::SoftBreak | Event::HardBreak => {
                    if let Some(c) = cell.as_mut() {
                        c.text.push(' ');
                    } else if let Some(h) = heading_text.as_mut() {
                        h.push(' ');
                    } else if let Some((_, p)) = paragraph.as_mut() {
                        p.push(' ');
                    }
                }
                _ => {}
            }
        }
    }

    /// `base`, or `base 2`, `base 3` … if a table of the report already has that name.
    fn unique_name(&mut self, base: &str) -> String {
        self.names.take(base, Span::default())
    }

    fn paragraph(&mut self, range: Range<usize>, text: String, heading: Option<&str>) {
        let source_text = self.text.get(range.clone()).unwrap_or("");
        let first = source_text.lines().next().unwrap_or("").trim();
        if first.starts_with('|') && first.len() > 1 && first[1..].contains('|') {
            let span = trimmed_span(self.text, &(range.start..range.start + first.len()));
            self.problems.push(
                Problem::new(
                    ProblemKind::Data,
                    Severity::Warning,
                    "data::not-a-table",
                    "these lines look like a table but are read as text",
                )
                .with_path(self.shown)
                .with_label(self.source, span, "no delimiter row under this header")
                .with_help(
                    "a Markdown table needs a delimiter row like `| --- | --- |` right under its header row, with as many cells as the header",
                ),
            );
        }
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if !text.is_empty() {
            self.prose.push(Prose {
                heading: heading.map(str::to_string),
                text,
                span: trimmed_span(self.text, &range),
            });
        }
    }

    /// A table row: the cells pulldown-cmark found, checked against the source line for cells
    /// beyond the header (which pulldown-cmark drops silently). `None` for a blank row and for
    /// a row with too many cells (with a problem).
    fn row(
        &mut self,
        range: Range<usize>,
        cells: Vec<CellText>,
        table: &TableBuild,
    ) -> Option<LooseRow> {
        let text = self.text;
        let width = table.headers.len();
        let line_end = range.start
            + text
                .get(range.clone())
                .unwrap_or("")
                .trim_end_matches(['\n', '\r'])
                .len();
        // Cells pulldown-cmark filled in for a short row lie at or after the line's end.
        let real = cells
            .iter()
            .take_while(|c| c.range.start < line_end)
            .count();
        if real == cells.len()
            && let Some(last) = cells.last()
        {
            let extra = extra_cells(text, last.range.end, line_end);
            if let Some(first) = extra.first() {
                let count = width + extra.len();
                let columns = if width == 1 { "column" } else { "columns" };
                let (line, _) = self.file.line_col(range.start);
                let mut problem = Problem::new(
                    ProblemKind::Data,
                    Severity::Error,
                    "data::ragged-row",
                    format!(
                        "the row on line {line} has {count} cells but the header has {width} {columns}; the row is ignored"
                    ),
                )
                .with_path(self.shown)
                .with_label(self.source, *first, "this cell has no column");
                if let Some(head) = &table.head {
                    let head = trimmed_span(text, head);
                    problem = problem.with_label(
                        self.source,
                        head,
                        format!("the header has {width} {columns}"),
                    );
                }
                self.problems.push(problem.with_help(
                    "write a `|` inside a cell as `\\|`, or add the missing column to the header",
                ));
                return None;
            }
        }
        let end = Span::new(line_end, line_end);
        let mut out: Vec<LooseCell> = cells
            .into_iter()
            .take(real.min(width))
            .map(|c| {
                let raw = trim_cell(&c.text).to_string();
                LooseCell {
                    value: parse_cell(&raw),
                    span: trimmed_span(text, &c.range),
                    raw,
                }
            })
            .collect();
        while out.len() < width {
            out.push(LooseCell {
                raw: String::new(),
                value: CellValue::Missing(Missing::Empty),
                span: end,
            });
        }
        if out.iter().all(|c| c.raw.is_empty()) {
            return None;
        }
        Some(LooseRow {
            line: self.file.line_col(range.start).0,
            span: Span::new(range.start, line_end),
            cells: out,
        })
    }

    fn finish_table(&mut self, t: TableBuild) {
        if t.too_large(self.max_cells) {
            let span = t.head.as_ref().map(|h| trimmed_span(self.text, h));
            let mut problem = Problem::too_large(format!(
                    "the table `{}` of {} has {} rows and {} columns, more than {} cells; it is not read",
                    t.name,
                    self.shown,
                    t.data_rows,
                    t.headers.len(),
                    self.max_cells
                ),
            )
            .with_path(self.shown)
            .with_help("write a table that large as a CSV file in a report folder");
            if let Some(span) = span {
                problem = problem.with_label(self.source, span, "this table's header");
            }
            self.problems.push(problem);
            return;
        }
        check_duplicate_headers(&t.headers, self.shown, self.source, self.problems);
        self.tables.push(Table::from_loose(
            t.name,
            self.source,
            t.headers,
            t.rows,
            self.file.text.clone(),
        ));
    }
}

/// The non-blank cells after the last cell pulldown-cmark kept, up to the last non-blank one:
/// `text[from..to]` is the rest of the row's line, e.g. `| 3 | 4 |`.
fn extra_cells(text: &str, from: usize, to: usize) -> Vec<Span> {
    let rest = text.get(from..to).unwrap_or("");
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    for (i, b) in rest.bytes().enumerate() {
        match b {
            b'\\' if !escaped => escaped = true,
            b'|' if !escaped => {
                pieces.push(start..i);
                start = i + 1;
            }
            _ => escaped = false,
        }
    }
    pieces.push(start..rest.len());
    // The first piece is what follows the last kept cell before its closing pipe: nothing.
    let mut spans: Vec<Span> = pieces
        .into_iter()
        .skip(1)
        .map(|r| trimmed_span(text, &((from + r.start)..(from + r.end))))
        .collect();
    while spans.last().is_some_and(Span::is_empty) {
        spans.pop();
    }
    spans
}

/// `range` without the spaces at either end (an empty span where the text is all spaces).
fn trimmed_span(text: &str, range: &Range<usize>) -> Span {
    let s = text.get(range.clone()).unwrap_or("");
    let trimmed_start = s.trim_start_matches(is_space);
    let start = range.start + (s.len() - trimmed_start.len());
    let trimmed = trimmed_start.trim_end_matches(is_space);
    Span::new(start, start + trimmed.len())
}

fn is_space(c: char) -> bool {
    c.is_whitespace()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (MarkdownDocument, Sources, Vec<Problem>) {
        read_limited(text, Limits::READ)
    }

    fn read_limited(text: &str, limits: Limits) -> (MarkdownDocument, Sources, Vec<Problem>) {
        let mut sources = Sources::default();
        let mut problems = Vec::new();
        let doc = read_within(
            Path::new("r/report.md"),
            "r/report.md",
            text.as_bytes(),
            &mut sources,
            &mut problems,
            limits,
        );
        (doc, sources, problems)
    }

    #[test]
    fn a_nul_says_where_it_is() {
        let (doc, _, problems) = read_limited("# Rubrik\n\n| k |\0\n", Limits::READ);
        assert!(doc.report.tables.is_empty());
        assert_eq!(
            problems[0].message,
            "r/report.md is not a text file: line 3, column 6 (byte offset 15) holds the byte 0x00"
        );
    }

    #[test]
    fn a_table_or_a_body_too_large_is_not_read() {
        let small = Limits {
            items: 40,
            cells: 6,
        };
        let read = |text: &str| {
            let (doc, _, problems) = read_limited(text, small);
            let codes: Vec<&str> = problems.iter().map(|p| p.code).collect();
            (doc.report.tables.len(), codes, problems)
        };
        let table = |rows: usize| format!("| k | v |\n| - | - |\n{}", "| a | 1 |\n".repeat(rows));
        assert_eq!(read(&table(3)).0, 1);
        let (tables, codes, problems) = read(&table(4));
        assert_eq!((tables, codes), (0, vec!["data::too-large"]));
        assert!(
            problems[0]
                .message
                .contains("has 4 rows and 2 columns, more than 6 cells")
        );
        // 13 lines of three borders each: 52, refused before it is parsed.
        let (tables, codes, problems) = read(&table(11));
        assert_eq!((tables, codes), (0, vec!["data::too-large"]));
        assert!(
            problems[0]
                .message
                .contains("has 52 lines and cell borders"),
            "{}",
            problems[0].message
        );
    }

    #[test]
    fn extra_cells_are_found_after_the_last_kept_cell() {
        let text = "x | 1 | 2 | 3 | 4";
        // The last kept cell is " 2 ", ending at byte 10 before its pipe.
        let spans = extra_cells(text, 10, text.len());
        let got: Vec<&str> = spans.iter().map(|s| &text[s.start..s.end]).collect();
        assert_eq!(got, ["3", "4"]);
        assert!(extra_cells("| a |", 4, 5).is_empty());
        assert!(extra_cells("| a | | |", 4, 9).is_empty());
        let text = "| a | b \\| c | d";
        let spans = extra_cells(text, 4, text.len());
        assert_eq!(&text[spans[0].start..spans[0].end], "b \\| c");
    }

    #[test]
    fn tables_are_named_by_headings_and_stem() {
        let (doc, _, problems) =
            read("| A |\n|---|\n| 1 |\n\n# Drift\n\n| A |\n|---|\n| 1 |\n\n| A |\n|---|\n| 2 |\n");
        assert!(problems.is_empty(), "{problems:?}");
        let names: Vec<&str> = doc.report.tables.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["report", "Drift", "Drift 2"]);
    }

    #[test]
    fn a_name_used_again_takes_the_next_free_number() {
        let mut names = TableNames::default();
        let span = Span::new(3, 8);
        assert_eq!(names.take("Drift", span), "Drift");
        assert_eq!(names.first("drift"), Some(span));
        assert_eq!(names.take("Drift 3", Span::default()), "Drift 3");
        assert_eq!(names.take("Drift", Span::default()), "Drift 2");
        assert_eq!(names.take("drift", Span::default()), "drift 4");
        assert_eq!(names.take("Drift", Span::default()), "Drift 5");
        assert_eq!(names.first("Drift 6"), None);
    }

    #[test]
    fn paragraphs_are_kept_with_their_heading() {
        let (doc, _, _) = read("Intro *text*.\n\n## Prognos\n\nPrognosen är\nhöjd.\n");
        assert_eq!(
            doc.prose,
            [
                Prose {
                    heading: None,
                    text: "Intro text.".into(),
                    span: Span::new(0, 13)
                },
                Prose {
                    heading: Some("Prognos".into()),
                    text: "Prognosen är höjd.".into(),
                    span: Span::new(27, 47)
                }
            ]
        );
    }
}
