//! One JSON document → one [`Report`].
//!
//! The shape:
//!
//! ```json
//! {"unit": "…", "period": "2020-10", "previous": "2020-08.json",
//!  "tables": {"prognos": {"columns": ["Verksamhet", "Prognos helår"],
//!                         "rows": [["Kontakt Linköping", "1 000"], ["Summa", 6339]]}}}
//! ```
//!
//! Tables come in document order. A cell is a string (read as a Swedish figure, as a CSV cell
//! is), a number (kept exactly as written: `1000` and `1000.0` differ in printed decimals),
//! `null` (an empty cell) or `true`/`false` (text).
//!
//! The parser is a small recursive-descent one written here rather than serde_json: every
//! value keeps its byte range in the text, so a diagnostic can point at the cell, and a number
//! keeps its source text, which is read into an exact decimal (never through `f64`). Nesting
//! is limited to [`MAX_DEPTH`] levels, so no input can exhaust the stack. Broken JSON, a
//! wrong shape or a row longer than its columns are data problems with spans; a trailing
//! comma is only a warning (the value is read as if it were not there).

use super::csv::check_duplicate_headers;
use super::markdown::{
    MAX_DOCUMENT_BYTES, MAX_LOOSE_CELLS, TableNames, add_document, read_document, resolve_previous,
};
use super::number::{parse_cell, trim_cell};
use super::{
    CellValue, Figure, Header, LooseCell, LooseRow, Missing, Report, ReportMeta, Table,
    normalise_name,
};
use crate::problem::{Problem, ProblemKind, Severity};
use crate::source::{SourceFile, SourceId, Sources, Span};
use rust_decimal::Decimal;
use std::io::Read;
use std::path::Path;

/// How deeply arrays and objects may nest (a report needs four levels).
pub const MAX_DEPTH: usize = 64;

/// Values a report may hold: the parser keeps each one (about a hundred bytes with its place
/// in the text) until the document is read, so a file of many small values is refused as
/// soon as it has more than this.
const MAX_VALUES: u64 = MAX_LOOSE_CELLS + 1_000_000;

/// How much of a `.json` file [`looks_like_report`] reads to find the top-level keys.
const SNIFF_BYTES: u64 = 1024 * 1024;

/// Read a `.json` file as a report. Problems are pushed to `problems`; whatever could be read
/// is returned.
pub fn load_json_report(
    path: &Path,
    shown: &str,
    sources: &mut Sources,
    problems: &mut Vec<Problem>,
) -> Report {
    match read_document(path, shown, MAX_DOCUMENT_BYTES, problems) {
        Some(bytes) => json_report_from_bytes(path, shown, &bytes, sources, problems),
        None => empty_report(path),
    }
}

/// Whether a `.json` file has the shape of a report: a top-level object with a `tables` key.
/// Reads at most the first MiB; a file that cannot be read is not a report. Other JSON files
/// (a baseline, `package.json` …) are not reports and are passed over silently.
pub fn looks_like_report(path: &Path) -> bool {
    let mut bytes = Vec::new();
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    if file.take(SNIFF_BYTES).read_to_end(&mut bytes).is_err() {
        return false;
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    is_report_text(&String::from_utf8_lossy(bytes))
}

/// [`looks_like_report`] on a text: the top-level keys are scanned until `tables` is found
/// or the object ends. If the JSON breaks before either, a `"tables"` anywhere in the text
/// decides (so a broken report is still read, and its error shown).
pub fn is_report_text(text: &str) -> bool {
    let mut p = JsonParser::new(text);
    p.skip_ws();
    if p.peek() != Some(b'{') {
        return false;
    }
    p.pos += 1;
    let scanned = (|| -> Result<bool, SyntaxError> {
        loop {
            p.skip_ws();
            match p.peek() {
                Some(b'}') => return Ok(false),
                Some(b'"') => {}
                _ => return Err(p.error_here("a key")),
            }
            let (key, _) = p.string()?;
            if key == "tables" {
                return Ok(true);
            }
            p.skip_ws();
            p.expect(b':', "`:`")?;
            p.value(1)?;
            p.skip_ws();
            match p.peek() {
                Some(b',') => p.pos += 1,
                Some(b'}') => return Ok(false),
                _ => return Err(p.error_here("`,` or `}`")),
            }
        }
    })();
    scanned.unwrap_or_else(|_| text.contains("\"tables\""))
}

/// Read a JSON report from bytes; `path` is where it lives (for its name and the previous
/// report), `shown` the name diagnostics give it.
pub fn json_report_from_bytes(
    path: &Path,
    shown: &str,
    bytes: &[u8],
    sources: &mut Sources,
    problems: &mut Vec<Problem>,
) -> Report {
    read_within(path, shown, bytes, sources, problems, Limits::READ)
}

/// How much a JSON report may hold.
#[derive(Clone, Copy, Debug)]
struct Limits {
    /// Values in the document.
    values: u64,
    /// Cells (rows × columns) of one table.
    cells: u64,
}

impl Limits {
    const READ: Limits = Limits {
        values: MAX_VALUES,
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
) -> Report {
    let mut report = empty_report(path);
    let Some(source) = add_document(shown, bytes, "JSON", sources, problems) else {
        return report;
    };
    let file = sources.get(source);
    let text = file.text.clone();
    let mut parser = JsonParser::new(&text);
    parser.max_values = limits.values;
    let parsed = parser.document();
    trailing_commas(&parser.trailing_commas, shown, source, problems);
    let root = match parsed {
        Ok(root) => root,
        Err(e) => {
            let (code, message) = if e.too_large {
                (
                    "data::too-large",
                    format!("{shown} is not read: {}", e.message),
                )
            } else if e.too_deep {
                (
                    "data::json-syntax",
                    format!("{shown} is not read: {}", e.message),
                )
            } else {
                (
                    "data::json-syntax",
                    format!("{shown} is not valid JSON: {}", e.message),
                )
            };
            let mut problem = Problem::new(ProblemKind::Data, Severity::Error, code, message)
                .with_path(shown)
                .with_label(source, e.span, e.label);
            if let Some((span, text)) = e.also.map(|b| *b) {
                problem = problem.with_label(source, span, text);
            }
            if let Some(help) = e.help {
                problem = problem.with_help(help);
            }
            problems.push(problem);
            return report;
        }
    };
    let mut reader = ShapeReader {
        path,
        shown,
        source,
        file,
        problems,
        max_cells: limits.cells,
    };
    reader.report(root, &mut report);
    report
}

fn empty_report(path: &Path) -> Report {
    Report {
        path: path.to_path_buf(),
        meta: ReportMeta::default(),
        tables: Vec::new(),
    }
}

fn trailing_commas(commas: &[Span], shown: &str, source: SourceId, problems: &mut Vec<Problem>) {
    let Some(first) = commas.first() else {
        return;
    };
    let message = if commas.len() == 1 {
        "a trailing comma, which JSON does not allow; it was read as if it were not there"
            .to_string()
    } else {
        format!(
            "{} trailing commas, which JSON does not allow; they were read as if they were not there",
            commas.len()
        )
    };
    let mut problem = Problem::new(
        ProblemKind::Data,
        Severity::Warning,
        "data::json-trailing-comma",
        message,
    )
    .with_path(shown)
    .with_label(source, *first, "trailing comma");
    for comma in commas.iter().skip(1).take(4) {
        problem = problem.with_label(source, *comma, "trailing comma");
    }
    problems.push(problem.with_help("remove the comma after the last element"));
}

// ---------------------------------------------------------------------------------------------
// The parser

#[derive(Debug)]
enum Value {
    Null,
    Bool(bool),
    /// The number's text is the node's span.
    Number,
    String(String),
    Array(Vec<Node>),
    Object(Vec<Member>),
}

#[derive(Debug)]
struct Node {
    value: Value,
    /// The value as written (strings with their quotes).
    span: Span,
}

#[derive(Debug)]
struct Member {
    key: String,
    key_span: Span,
    value: Node,
}

#[derive(Debug)]
struct SyntaxError {
    /// The document holds too many values (`data::too-large`), not broken JSON.
    too_large: bool,
    /// Valid JSON, nested deeper than rimlig reads: said so, not called invalid.
    too_deep: bool,
    message: String,
    span: Span,
    label: String,
    /// A second label (boxed: rare, and it keeps every `Result` of the parser small).
    also: Option<Box<(Span, String)>>,
    help: Option<&'static str>,
}

struct JsonParser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    trailing_commas: Vec<Span>,
    /// Values read so far, and how many may be ([`MAX_VALUES`]).
    values: u64,
    max_values: u64,
}

impl<'a> JsonParser<'a> {
    fn new(text: &'a str) -> Self {
        JsonParser {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            trailing_commas: Vec::new(),
            values: 0,
            max_values: MAX_VALUES,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// The character at `pos` (empty at the end of the text).
    fn char_span(&self, pos: usize) -> Span {
        let len = self
            .text
            .get(pos..)
            .and_then(|s| s.chars().next())
            .map_or(0, char::len_utf8);
        Span::new(pos, pos + len)
    }

    fn error(
        &self,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> SyntaxError {
        SyntaxError {
            too_large: false,
            too_deep: false,
            message: message.into(),
            span,
            label: label.into(),
            also: None,
            help: None,
        }
    }

    /// "expected X, found …" at the current position.
    fn error_here(&self, expected: &str) -> SyntaxError {
        let span = self.char_span(self.pos);
        let found = match self.text.get(span.start..span.end) {
            None | Some("") => "the end of the document".to_string(),
            Some(c) if c.chars().any(char::is_control) => format!("`{}`", c.escape_debug()),
            Some(c) => format!("`{c}`"),
        };
        let mut e = self.error(
            span,
            format!("expected {expected}, found {found}"),
            format!("expected {expected}"),
        );
        e.help = match self.peek() {
            Some(b'/') => Some("JSON has no comments"),
            Some(b'\'') => Some("JSON strings are written in double quotes"),
            Some(b'N' | b'I') => {
                Some("JSON has no NaN or Infinity: write null for a missing figure")
            }
            Some(c) if c.is_ascii_alphabetic() || c == b'_' => {
                Some("keys and texts are written in double quotes: \"Avvikelse\"")
            }
            _ => None,
        };
        e
    }

    fn expect(&mut self, b: u8, what: &str) -> Result<(), SyntaxError> {
        if self.peek() == Some(b) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error_here(what))
        }
    }

    fn document(&mut self) -> Result<Node, SyntaxError> {
        self.skip_ws();
        if self.pos >= self.bytes.len() {
            return Err(self.error(Span::new(0, 0), "the document is empty", "no JSON here"));
        }
        let root = self.value(0)?;
        self.skip_ws();
        if self.pos < self.bytes.len() {
            let mut e = self.error_here("the end of the document");
            e.message = "there is more after the JSON document".to_string();
            e.label = "the document has ended before this".to_string();
            return Err(e);
        }
        Ok(root)
    }

    fn value(&mut self, depth: usize) -> Result<Node, SyntaxError> {
        self.skip_ws();
        let start = self.pos;
        self.values += 1;
        if self.values > self.max_values {
            let mut e = self.error(
                self.char_span(start),
                format!("it holds more than {} values", self.max_values),
                "the values from here on are not read",
            );
            e.too_large = true;
            e.help = Some("write a table that large as a CSV file in a report folder");
            return Err(e);
        }
        match self.peek() {
            Some(b'{') => self.object(depth + 1),
            Some(b'[') => self.array(depth + 1),
            Some(b'"') => {
                let (s, span) = self.string()?;
                Ok(Node {
                    value: Value::String(s),
                    span,
                })
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b't') if self.text[start..].starts_with("true") => {
                self.literal(4, Value::Bool(true))
            }
            Some(b'f') if self.text[start..].starts_with("false") => {
                self.literal(5, Value::Bool(false))
            }
            Some(b'n') if self.text[start..].starts_with("null") => self.literal(4, Value::Null),
            _ => Err(self.error_here("a value")),
        }
    }

    fn literal(&mut self, len: usize, value: Value) -> Result<Node, SyntaxError> {
        let start = self.pos;
        self.pos += len;
        Ok(Node {
            value,
            span: Span::new(start, self.pos),
        })
    }

    fn too_deep(&self, start: usize) -> SyntaxError {
        let mut e = self.error(
            Span::new(start, start + 1),
            format!("arrays and objects are nested more than {MAX_DEPTH} levels deep"),
            "too deep",
        );
        e.help = Some("a report is an object of tables, each with columns and rows of cells");
        e.too_deep = true;
        e
    }

    fn unclosed(&self, start: usize, what: &str) -> SyntaxError {
        let end = self.bytes.len();
        let mut e = self.error(
            Span::new(end, end),
            format!("the {what} is never closed"),
            "the document ends here",
        );
        e.also = Some(Box::new((
            Span::new(start, start + 1),
            format!("the {what} opens here"),
        )));
        e
    }

    fn object(&mut self, depth: usize) -> Result<Node, SyntaxError> {
        let start = self.pos;
        if depth > MAX_DEPTH {
            return Err(self.too_deep(start));
        }
        self.pos += 1;
        let mut members = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
        } else {
            loop {
                self.skip_ws();
                match self.peek() {
                    Some(b'"') => {}
                    None => return Err(self.unclosed(start, "object")),
                    _ => return Err(self.error_here("a key in double quotes")),
                }
                let (key, key_span) = self.string()?;
                self.skip_ws();
                if self.peek().is_none() {
                    return Err(self.unclosed(start, "object"));
                }
                self.expect(b':', "`:`")?;
                let value = self.value(depth)?;
                members.push(Member {
                    key,
                    key_span,
                    value,
                });
                if self.after_item(start, b'}', "object")? {
                    break;
                }
            }
        }
        Ok(Node {
            value: Value::Object(members),
            span: Span::new(start, self.pos),
        })
    }

    /// After a member of an object or an item of an array (which opened at `start` and
    /// closes with `close`): a `,` and more to come (`false`), or the end (`true`). A comma
    /// before the end is allowed and remembered, for a warning.
    fn after_item(&mut self, start: usize, close: u8, what: &str) -> Result<bool, SyntaxError> {
        self.skip_ws();
        match self.peek() {
            Some(b',') => {
                let comma = self.pos;
                self.pos += 1;
                self.skip_ws();
                if self.peek() == Some(close) {
                    self.trailing_commas.push(Span::new(comma, comma + 1));
                    self.pos += 1;
                    return Ok(true);
                }
                Ok(false)
            }
            Some(c) if c == close => {
                self.pos += 1;
                Ok(true)
            }
            None => Err(self.unclosed(start, what)),
            _ => Err(self.error_here(&format!("`,` or `{}`", close as char))),
        }
    }

    fn array(&mut self, depth: usize) -> Result<Node, SyntaxError> {
        let start = self.pos;
        if depth > MAX_DEPTH {
            return Err(self.too_deep(start));
        }
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
        } else {
            loop {
                self.skip_ws();
                if self.peek().is_none() {
                    return Err(self.unclosed(start, "array"));
                }
                items.push(self.value(depth)?);
                if self.after_item(start, b']', "array")? {
                    break;
                }
            }
        }
        Ok(Node {
            value: Value::Array(items),
            span: Span::new(start, self.pos),
        })
    }

    /// A string at `pos` (which is `"`): its value and its span, quotes included.
    fn string(&mut self) -> Result<(String, Span), SyntaxError> {
        let start = self.pos;
        self.pos += 1;
        let mut out = String::new();
        let mut run = self.pos;
        loop {
            let Some(b) = self.peek() else {
                let mut e = self.error(
                    Span::new(start, start + 1),
                    "a string is never closed",
                    "this string is never closed",
                );
                e.help = Some("end the string with a double quote");
                return Err(e);
            };
            match b {
                b'"' => {
                    out.push_str(&self.text[run..self.pos]);
                    self.pos += 1;
                    return Ok((out, Span::new(start, self.pos)));
                }
                b'\\' => {
                    out.push_str(&self.text[run..self.pos]);
                    self.escape(&mut out)?;
                    run = self.pos;
                }
                0..=0x1F => {
                    let mut e = self.error(
                        self.char_span(self.pos),
                        "a string holds a line break or another control character",
                        "not allowed in a string",
                    );
                    e.help = Some(
                        "write a line break inside a string as \\n and a tab as \\t, or close the string with a double quote",
                    );
                    return Err(e);
                }
                _ => self.pos += 1,
            }
        }
    }

    /// An escape at `pos` (which is `\`), appended to `out`.
    fn escape(&mut self, out: &mut String) -> Result<(), SyntaxError> {
        let at = self.pos;
        let bad = |p: &Self, len: usize| {
            let end = p.text.len().min(at + len);
            let end = (end..=p.text.len())
                .find(|&e| p.text.is_char_boundary(e))
                .unwrap_or(p.text.len());
            let mut e = p.error(
                Span::new(at, end),
                "a string has an invalid escape",
                "invalid escape",
            );
            e.help = Some(
                "the escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX; write a backslash as \\\\",
            );
            e
        };
        let c = self.bytes.get(at + 1).copied();
        let simple = match c {
            Some(b'"') => Some('"'),
            Some(b'\\') => Some('\\'),
            Some(b'/') => Some('/'),
            Some(b'b') => Some('\u{8}'),
            Some(b'f') => Some('\u{C}'),
            Some(b'n') => Some('\n'),
            Some(b'r') => Some('\r'),
            Some(b't') => Some('\t'),
            Some(b'u') => None,
            _ => return Err(bad(self, 2)),
        };
        if let Some(ch) = simple {
            out.push(ch);
            self.pos += 2;
            return Ok(());
        }
        let hex = |p: &Self, from: usize| -> Option<u32> {
            let h = p.text.get(from..from + 4)?;
            if !h.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            u32::from_str_radix(h, 16).ok()
        };
        let Some(first) = hex(self, at + 2) else {
            return Err(bad(self, 6));
        };
        if (0xD800..0xDC00).contains(&first) {
            // A high surrogate must be followed by a low one.
            if self.text.get(at + 6..at + 8) == Some("\\u")
                && let Some(second) = hex(self, at + 8)
                && (0xDC00..0xE000).contains(&second)
            {
                let code = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
                self.pos = at + 12;
                return Ok(());
            }
            return Err(bad(self, 6));
        }
        match char::from_u32(first) {
            Some(ch) => {
                out.push(ch);
                self.pos = at + 6;
                Ok(())
            }
            None => Err(bad(self, 6)),
        }
    }

    /// A number at `pos`, checked against JSON's grammar.
    fn number(&mut self) -> Result<Node, SyntaxError> {
        let start = self.pos;
        let digits = |p: &mut Self| {
            let from = p.pos;
            while p.peek().is_some_and(|b| b.is_ascii_digit()) {
                p.pos += 1;
            }
            p.pos - from
        };
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let int_start = self.pos;
        let n = digits(self);
        if n == 0 {
            return Err(self.error_here("a digit"));
        }
        if n > 1 && self.bytes[int_start] == b'0' {
            let mut e = self.error(
                Span::new(start, self.pos),
                "a number starts with a zero",
                "leading zero",
            );
            e.help = Some("JSON numbers have no leading zeros: write \"007\" as a string");
            return Err(e);
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if digits(self) == 0 {
                return Err(self.error_here("a digit after the decimal point"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if digits(self) == 0 {
                return Err(self.error_here("a digit in the exponent"));
            }
        }
        Ok(Node {
            value: Value::Number,
            span: Span::new(start, self.pos),
        })
    }
}

/// A JSON number's text (already checked against the grammar) as an exact figure: the digits
/// are read into an `i128` with checked arithmetic and the exponent moves the scale, then
/// rust_decimal holds it. The printed decimals are the digits after the point less the
/// exponent (`1000` → 0, `1000.0` → 1, `1.5e3` → 0, `5e-2` → 2). `None` when the number does
/// not fit a decimal (more than 28 significant digits or decimals).
pub fn json_number(text: &str) -> Option<Figure> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (mantissa_text, exponent) = match rest.find(['e', 'E']) {
        Some(i) => {
            let exp = &rest[i + 1..];
            let exp_digits = exp.trim_start_matches(['+', '-']);
            // Anything beyond ±9999 is out of a decimal's range whatever the digits.
            if exp_digits.trim_start_matches('0').len() > 4 {
                return None;
            }
            let e: i64 = exp.parse().ok()?;
            (&rest[..i], e)
        }
        None => (rest, 0),
    };
    let (int, frac) = mantissa_text.split_once('.').unwrap_or((mantissa_text, ""));
    let mut mantissa: i128 = 0;
    for b in int.bytes().chain(frac.bytes()) {
        mantissa = mantissa
            .checked_mul(10)?
            .checked_add(i128::from(b.checked_sub(b'0')?))?;
    }
    let mut scale = i64::try_from(frac.len()).ok()? - exponent;
    while scale < 0 {
        mantissa = mantissa.checked_mul(10)?;
        scale += 1;
    }
    let scale = u32::try_from(scale).ok()?;
    if negative {
        mantissa = -mantissa;
    }
    let value = Decimal::try_from_i128_with_scale(mantissa, scale).ok()?;
    Some(Figure {
        value,
        decimals: Some(scale),
        unit: None,
    })
}

// ---------------------------------------------------------------------------------------------
// The shape of a report

struct ShapeReader<'a> {
    path: &'a Path,
    shown: &'a str,
    source: SourceId,
    file: &'a SourceFile,
    problems: &'a mut Vec<Problem>,
    /// Cells of one table, at most.
    max_cells: u64,
}

impl ShapeReader<'_> {
    fn text(&self, span: Span) -> &str {
        self.file.text.get(span.start..span.end).unwrap_or("")
    }

    fn shape(
        &mut self,
        severity: Severity,
        message: String,
        span: Span,
        label: &str,
    ) -> &mut Problem {
        self.problems.push(
            Problem::new(ProblemKind::Data, severity, "data::json-shape", message)
                .with_path(self.shown)
                .with_label(self.source, span, label),
        );
        self.problems.last_mut().expect("just pushed")
    }

    fn report(&mut self, root: Node, report: &mut Report) {
        let Value::Object(members) = root.value else {
            self.shape(
                Severity::Error,
                format!(
                    "{} is JSON but not a report: it is {}",
                    self.shown,
                    describe(&root.value)
                ),
                root.span,
                "expected an object",
            )
            .help = Some(SHAPE_HELP.to_string());
            return;
        };
        let mut seen: Vec<(String, Span)> = Vec::new();
        let mut tables = None;
        for m in members {
            if let Some((_, first)) = seen.iter().find(|(k, _)| *k == m.key) {
                let first = *first;
                self.shape(
                    Severity::Error,
                    format!(
                        "`{}` is given twice in {}; the second is ignored",
                        m.key, self.shown
                    ),
                    m.key_span,
                    "given again here",
                );
                if let Some(p) = self.problems.last_mut() {
                    p.labels.push(crate::problem::Label {
                        source: self.source,
                        span: first,
                        text: "first given here".into(),
                    });
                }
                continue;
            }
            seen.push((m.key.clone(), m.key_span));
            match m.key.as_str() {
                "tables" => tables = Some(m.value),
                "unit" | "period" | "previous" => self.meta(&m, &mut report.meta),
                other => self.problems.push(
                    Problem::new(
                        ProblemKind::Config,
                        Severity::Error,
                        "config::report-json",
                        format!("unknown key `{other}` in {}", self.shown),
                    )
                    .with_path(self.shown)
                    .with_label(self.source, m.key_span, "unknown key")
                    .with_help(
                        "a JSON report knows the keys `unit`, `period`, `previous` and `tables`",
                    ),
                ),
            }
        }
        let Some(tables) = tables else {
            self.shape(
                Severity::Error,
                format!("{} has no `tables`", self.shown),
                Span::new(root.span.start, root.span.start + 1),
                "this object has no `tables`",
            )
            .help = Some(SHAPE_HELP.to_string());
            return;
        };
        let Value::Object(members) = tables.value else {
            self.shape(
                Severity::Error,
                format!(
                    "`tables` in {} must be an object of tables by name, not {}",
                    self.shown,
                    describe(&tables.value)
                ),
                tables.span,
                "expected an object",
            )
            .help = Some(SHAPE_HELP.to_string());
            return;
        };
        let mut names = TableNames::default();
        for m in members {
            let first = names.first(&m.key);
            let name = names.take(&m.key, m.key_span);
            if let Some(first) = first {
                self.problems.push(
                    Problem::new(
                        ProblemKind::Data,
                        Severity::Error,
                        "data::duplicate-table",
                        format!(
                            "the table `{}` is given twice in {}; the second is read as `{name}`",
                            m.key, self.shown
                        ),
                    )
                    .with_path(self.shown)
                    .with_label(self.source, m.key_span, "second table with this name")
                    .with_label(self.source, first, "first table with this name")
                    .with_help("give every table its own name"),
                );
            }
            if let Some(table) = self.table(name, m.key_span, m.value) {
                report.tables.push(table);
            }
        }
    }

    fn meta(&mut self, m: &Member, meta: &mut ReportMeta) {
        let Value::String(s) = &m.value.value else {
            let example = match m.key.as_str() {
                "unit" => "\"unit\": \"Linköpings kommun\"",
                "period" => "\"period\": \"2020-10\"",
                _ => "\"previous\": \"2020-08.json\"",
            };
            self.problems.push(
                Problem::new(
                    ProblemKind::Config,
                    Severity::Error,
                    "config::report-json",
                    format!(
                        "`{}` in {} must be a string, not {}",
                        m.key,
                        self.shown,
                        describe(&m.value.value)
                    ),
                )
                .with_path(self.shown)
                .with_label(self.source, m.value.span, "expected a string")
                .with_help(format!("write it in quotes, e.g. {example}")),
            );
            return;
        };
        match m.key.as_str() {
            "unit" => meta.unit = Some(s.clone()),
            "period" => meta.period = Some(s.clone()),
            _ => {
                let previous = resolve_previous(
                    self.path,
                    s,
                    self.source,
                    m.value.span,
                    self.shown,
                    self.problems,
                );
                let itself = || super::previous_itself(s, self.shown, self.source, m.value.span);
                meta.set_previous(previous, self.path, itself, self.problems);
            }
        }
    }

    fn table(&mut self, name: String, key_span: Span, node: Node) -> Option<Table> {
        let Value::Object(members) = node.value else {
            self.shape(
                Severity::Error,
                format!(
                    "the table `{name}` must be an object with `columns` and `rows`, not {}",
                    describe(&node.value)
                ),
                node.span,
                "expected an object",
            )
            .help = Some(SHAPE_HELP.to_string());
            return None;
        };
        let mut columns = None;
        let mut rows = None;
        for m in members {
            match m.key.as_str() {
                "columns" if columns.is_none() => columns = Some(m.value),
                "rows" if rows.is_none() => rows = Some(m.value),
                "columns" | "rows" => {
                    self.shape(
                        Severity::Error,
                        format!(
                            "`{}` is given twice in the table `{name}`; the second is ignored",
                            m.key
                        ),
                        m.key_span,
                        "given again here",
                    );
                }
                other => {
                    self.shape(
                        Severity::Warning,
                        format!("unknown key `{other}` in the table `{name}`; it is ignored"),
                        m.key_span,
                        "unknown key",
                    )
                    .help = Some("a table knows the keys `columns` and `rows`".into());
                }
            }
        }
        let Some(columns) = columns else {
            self.shape(
                Severity::Error,
                format!("the table `{name}` has no `columns`; it is not read"),
                key_span,
                "this table has no `columns`",
            )
            .help = Some(SHAPE_HELP.to_string());
            return None;
        };
        let Value::Array(items) = columns.value else {
            self.shape(
                Severity::Error,
                format!(
                    "`columns` of the table `{name}` must be an array of headers, not {}",
                    describe(&columns.value)
                ),
                columns.span,
                "expected an array",
            )
            .help = Some(SHAPE_HELP.to_string());
            return None;
        };
        let headers: Vec<Header> = items.iter().map(|h| self.header(h)).collect();
        check_duplicate_headers(&headers, self.shown, self.source, self.problems);

        let mut table = Table::from_loose(
            name,
            self.source,
            headers,
            Vec::new(),
            self.file.text.clone(),
        );
        let header_span = columns.span;
        match rows.map(|r| (r.value, r.span)) {
            Some((Value::Array(rows), span))
                if (rows.len() as u64).saturating_mul(table.headers.len() as u64)
                    > self.max_cells =>
            {
                let message = format!(
                    "the table `{}` has {} rows and {} columns, more than {} cells; it is not read",
                    table.name,
                    rows.len(),
                    table.headers.len(),
                    self.max_cells
                );
                self.problems.push(
                    Problem::too_large(message)
                        .with_path(self.shown)
                        .with_label(self.source, span, "these rows")
                        .with_help("write a table that large as a CSV file in a report folder"),
                );
                return None;
            }
            Some((Value::Array(rows), _)) => {
                let mut loose = Vec::new();
                for row in rows {
                    if let Some(row) = self.row(row, &table, header_span) {
                        loose.push(row);
                    }
                }
                let Table {
                    name,
                    source,
                    headers,
                    store,
                    ..
                } = table;
                table = Table::from_loose(name, source, headers, loose, store.text().clone());
            }
            Some((other, span)) => {
                self.shape(
                    Severity::Error,
                    format!(
                        "`rows` of the table `{}` must be an array of rows, not {}",
                        table.name,
                        describe(&other)
                    ),
                    span,
                    "expected an array",
                )
                .help = Some(SHAPE_HELP.to_string());
            }
            None => {
                self.shape(
                    Severity::Warning,
                    format!("the table `{}` has no `rows`", table.name),
                    key_span,
                    "this table has no `rows`",
                )
                .help = Some("write \"rows\": [] for a table without rows".into());
            }
        }
        Some(table)
    }

    fn header(&mut self, node: &Node) -> Header {
        let text = match &node.value {
            Value::String(s) => trim_cell(s).to_string(),
            Value::Number => self.text(node.span).to_string(),
            Value::Null => String::new(),
            other => {
                let message = format!("a column header must be a string, not {}", describe(other));
                self.shape(Severity::Error, message, node.span, "expected a string");
                String::new()
            }
        };
        Header {
            normalised: normalise_name(&text),
            text,
            span: node.span,
        }
    }

    fn row(&mut self, node: Node, table: &Table, header_span: Span) -> Option<LooseRow> {
        let line = self.file.line_col(node.span.start).0;
        let Value::Array(items) = node.value else {
            self.shape(
                Severity::Error,
                format!(
                    "a row of the table `{}` must be an array of cells, not {}; it is ignored",
                    table.name,
                    describe(&node.value)
                ),
                node.span,
                "expected an array",
            )
            .help = Some(SHAPE_HELP.to_string());
            return None;
        };
        let width = table.headers.len();
        let used = items
            .iter()
            .rposition(|c| !is_empty_value(&c.value))
            .map_or(0, |i| i + 1);
        if used > width {
            let extra = items
                .iter()
                .skip(width)
                .find(|c| !is_empty_value(&c.value))
                .map_or(node.span, |c| c.span);
            let columns = if width == 1 { "column" } else { "columns" };
            self.problems.push(
                Problem::new(
                    ProblemKind::Data,
                    Severity::Error,
                    "data::ragged-row",
                    format!(
                        "the row on line {line} has {used} cells but the table `{}` has {width} {columns}; the row is ignored",
                        table.name
                    ),
                )
                .with_path(self.shown)
                .with_label(self.source, extra, "this cell has no column")
                .with_label(self.source, header_span, format!("the table has {width} {columns}"))
                .with_help("add the missing column to `columns`, or remove the extra cell"),
            );
            return None;
        }
        // Cells missing at the end are empty, at the closing bracket.
        let end = node.span.end.saturating_sub(1).max(node.span.start);
        let end = Span::new(end, end);
        let mut cells: Vec<LooseCell> = items
            .into_iter()
            .take(width)
            .map(|c| self.cell(c))
            .collect();
        if cells.iter().all(|c| c.raw.trim().is_empty()) {
            return None;
        }
        while cells.len() < width {
            cells.push(LooseCell {
                raw: String::new(),
                value: CellValue::Missing(Missing::Empty),
                span: end,
            });
        }
        Some(LooseRow {
            line,
            span: node.span,
            cells,
        })
    }

    fn cell(&mut self, node: Node) -> LooseCell {
        let span = node.span;
        let (raw, value) = match node.value {
            Value::String(s) => {
                let value = parse_cell(&s);
                (s, value)
            }
            Value::Number => {
                let text = self.text(span).to_string();
                match json_number(&text) {
                    Some(f) => (text, CellValue::Number(f)),
                    None => {
                        self.problems.push(
                            Problem::new(
                                ProblemKind::Data,
                                Severity::Warning,
                                "data::json-number",
                                format!("the number {} does not fit an exact decimal (at most 28 digits); it is read as text", shorten(&text)),
                            )
                            .with_path(self.shown)
                            .with_label(self.source, span, "too large or too precise")
                            .with_help("write the figure as a string (\"1 000\") or in a unit with fewer digits"),
                        );
                        (text.clone(), CellValue::Text(text))
                    }
                }
            }
            Value::Null => (String::new(), CellValue::Missing(Missing::Empty)),
            Value::Bool(b) => (b.to_string(), CellValue::Text(b.to_string())),
            other => {
                let message = format!(
                    "a cell must be a string, a number, true, false or null, not {}; it is read as empty",
                    describe(&other)
                );
                self.shape(Severity::Error, message, span, "not a cell");
                (String::new(), CellValue::Missing(Missing::Empty))
            }
        };
        LooseCell { raw, value, span }
    }
}

const SHAPE_HELP: &str = "a JSON report is {\"unit\": …, \"period\": …, \"previous\": …, \"tables\": {\"NAME\": {\"columns\": [\"Verksamhet\", …], \"rows\": [[\"Kontakt Linköping\", \"1 000\", …], …]}}}";

fn is_empty_value(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => trim_cell(s).is_empty(),
        _ => false,
    }
}

fn describe(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A long number's first and last digits.
fn shorten(s: &str) -> String {
    if s.chars().count() <= 40 {
        return s.to_string();
    }
    let head: String = s.chars().take(20).collect();
    let tail: String = s.chars().skip(s.chars().count() - 10).collect();
    format!("{head}…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fig(v: &str, decimals: u32) -> Figure {
        Figure {
            value: v.parse().expect("a decimal"),
            decimals: Some(decimals),
            unit: None,
        }
    }

    #[test]
    fn numbers_keep_their_printed_decimals() {
        assert_eq!(json_number("1000"), Some(fig("1000", 0)));
        assert_eq!(json_number("1000.0"), Some(fig("1000.0", 1)));
        assert_eq!(json_number("-4.30"), Some(fig("-4.30", 2)));
        assert_eq!(json_number("1.5e3"), Some(fig("1500", 0)));
        assert_eq!(json_number("5E-2"), Some(fig("0.05", 2)));
        assert_eq!(json_number("-0"), Some(fig("0", 0)));
        assert_eq!(json_number("1e400"), None);
        assert_eq!(json_number("1e99999999999999999999"), None);
        assert_eq!(json_number(&"9".repeat(40)), None);
        assert_eq!(json_number("0.00000000000000000000000000001"), None);
        let big = json_number("79228162514264337593543950335").expect("the largest decimal");
        assert_eq!(big.value, Decimal::MAX);
    }

    #[test]
    fn values_keep_their_spans() {
        let text = r#" {"a": [1, "x\"y", null, true], "b": {}} "#;
        let mut p = JsonParser::new(text);
        let root = p.document().expect("valid JSON");
        let Value::Object(members) = root.value else {
            panic!("an object")
        };
        assert_eq!(
            &text[members[0].key_span.start..members[0].key_span.end],
            "\"a\""
        );
        let Value::Array(items) = &members[0].value.value else {
            panic!("an array")
        };
        let spans: Vec<&str> = items
            .iter()
            .map(|n| &text[n.span.start..n.span.end])
            .collect();
        assert_eq!(spans, ["1", "\"x\\\"y\"", "null", "true"]);
        assert!(matches!(&items[1].value, Value::String(s) if s == "x\"y"));
    }

    #[test]
    fn escapes_and_surrogates() {
        let mut p = JsonParser::new(r#""\u00e5\ud83d\ude00\n\/""#);
        let (s, _) = p.string().expect("valid");
        assert_eq!(s, "å😀\n/");
        for bad in [r#""\x""#, r#""\ud83d""#, r#""\u12""#, "\"a\nb\"", "\"abc"] {
            assert!(JsonParser::new(bad).string().is_err(), "{bad}");
        }
    }

    #[test]
    fn grammar_errors_are_errors() {
        for bad in [
            "01",
            "-",
            "1.",
            "1e",
            "[1,,2]",
            "{\"a\" 1}",
            "{a: 1}",
            "[1 2]",
            "'x'",
            "NaN",
            "[1] 2",
            "",
            "tru",
        ] {
            assert!(JsonParser::new(bad).document().is_err(), "{bad:?}");
        }
        let mut p = JsonParser::new("[1, 2,]");
        assert!(p.document().is_ok());
        assert_eq!(p.trailing_commas, [Span::new(5, 6)]);
    }

    #[test]
    fn depth_is_limited() {
        let deep = "[".repeat(100_000);
        let e = JsonParser::new(&deep).document().expect_err("too deep");
        assert_eq!(e.span, Span::new(MAX_DEPTH, MAX_DEPTH + 1));
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(JsonParser::new(&ok).document().is_ok());
    }

    #[test]
    fn values_and_table_cells_are_limited() {
        let small = Limits {
            values: 20,
            cells: 6,
        };
        let read = |doc: &str| {
            let mut sources = Sources::default();
            let mut problems = Vec::new();
            let report = read_within(
                Path::new("r.json"),
                "r.json",
                doc.as_bytes(),
                &mut sources,
                &mut problems,
                small,
            );
            let codes: Vec<&str> = problems.iter().map(|p| p.code).collect();
            (report.tables.len(), codes, problems)
        };
        let table = |rows: usize| {
            let rows = vec!["[\"a\", 1]"; rows].join(", ");
            format!(r#"{{"tables": {{"t": {{"columns": ["k", "v"], "rows": [{rows}]}}}}}}"#)
        };
        // 3 rows of 2 cells: 6 cells, 16 values.
        assert_eq!(read(&table(3)).0, 1);
        let (tables, codes, problems) = read(&table(4));
        assert_eq!((tables, codes), (0, vec!["data::too-large"]));
        assert!(
            problems[0]
                .message
                .contains("4 rows and 2 columns, more than 6 cells")
        );
        // 5 rows: 24 values, refused while parsing, at the 21st.
        let (tables, codes, problems) = read(&table(5));
        assert_eq!((tables, codes), (0, vec!["data::too-large"]));
        assert_eq!(
            problems[0].message,
            "r.json is not read: it holds more than 20 values"
        );
    }

    #[test]
    fn report_shape_is_sniffed_from_the_top_level_keys() {
        assert!(is_report_text(r#"{"unit": "x", "tables": {}}"#));
        assert!(is_report_text(r#"  {"unit": {"tables": 1}, "tables": 5}"#));
        assert!(!is_report_text(r#"{"version": 1, "findings": []}"#));
        assert!(!is_report_text(r#"{"summary": {"tables": 16}}"#));
        assert!(!is_report_text(r#"[{"tables": {}}]"#));
        assert!(!is_report_text(""));
        // Broken before `tables` is reached: the text decides.
        assert!(is_report_text(r#"{"unit": 'x', "tables": {}}"#));
        assert!(!is_report_text(r#"{"version": 'x'}"#));
    }
}
