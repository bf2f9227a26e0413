//! One CSV or TSV file → one [`Table`].
//!
//! The parser is hand-written on purpose: every header and cell keeps the exact byte span of
//! the field as written in the decoded text (quotes included), so a finding can underline it.
//! The csv crate's field ranges point into its unescaped buffer, not into the file.

use super::number::{self, trim_cell};
use super::{Cell, CellValue, Header, Missing, Row, Table, normalise_name};
use crate::config::DataConfig;
use crate::problem::{Problem, ProblemKind, Severity};
use crate::source::{FileBytes, SourceFile, SourceId, Sources, Span};
use std::collections::HashMap;

/// Most cells (data rows × columns) of one table; a larger one is refused with
/// `data::too-large`, as a workbook sheet is.
pub const MAX_TABLE_CELLS: u64 = 5_000_000;

/// Read one CSV/TSV file as a table named `table_name`.
///
/// The decoded text is added to `sources` under `display_name`; problems (encoding, ragged
/// rows, unclosed quotes…) are pushed to `problems`. `None` if the file has no table at all
/// (empty, binary, or broken before its header row).
pub fn load_csv(
    display_name: &str,
    table_name: &str,
    bytes: &[u8],
    sources: &mut Sources,
    problems: &mut Vec<Problem>,
) -> Option<Table> {
    load_csv_with(
        display_name,
        table_name,
        bytes,
        DataConfig::defaults(),
        sources,
        problems,
    )
}

/// [`load_csv`] with the `[data]` settings of `rimlig.toml`: the missing-value and zero
/// markers, and the line of the header row (the lines above it are not read).
pub fn load_csv_with(
    display_name: &str,
    table_name: &str,
    bytes: &[u8],
    settings: &DataConfig,
    sources: &mut Sources,
    problems: &mut Vec<Problem>,
) -> Option<Table> {
    let (mut text, encoding) = decode(bytes);

    if looks_binary(&text) {
        problems.push(
            Problem::new(
                ProblemKind::Data,
                Severity::Error,
                "data::not-text",
                format!("{display_name} is not a text file"),
            )
            .with_path(display_name)
            .with_help(
                "save the table as CSV (semicolon- or comma-separated) or as tab-separated text",
            ),
        );
        return None;
    }

    match encoding {
        Encoding::Windows1252 => problems.push(
            Problem::new(
                ProblemKind::Data,
                Severity::Info,
                "data::windows-1252",
                format!("{display_name} was read as Windows-1252 (the file is not UTF-8)"),
            )
            .with_path(display_name),
        ),
        Encoding::BrokenUtf8 => problems.push(
            Problem::new(
                ProblemKind::Data,
                Severity::Warning,
                "data::invalid-utf8",
                format!(
                    "{display_name} starts with a UTF-8 byte order mark but is not valid UTF-8; \
                     unreadable bytes were replaced by '\u{FFFD}'"
                ),
            )
            .with_path(display_name),
        ),
        Encoding::Utf8 | Encoding::Utf16 => {}
    }

    // Old Macintosh exports end lines with a lone CR. Turning those into LF keeps every byte
    // offset and lets line numbers work.
    if text.contains('\r') && !text.contains('\n') {
        text = text.replace('\r', "\n");
    }

    if text.trim().is_empty() {
        problems.push(
            Problem::new(
                ProblemKind::Data,
                Severity::Warning,
                "data::empty-table",
                format!("{display_name} is empty: it has no header row"),
            )
            .with_path(display_name),
        );
        return None;
    }

    let delimiter = detect_delimiter(&text);
    let parsed = parse_records(&text, delimiter);
    let stored = file_bytes(bytes, &encoding);
    let source = sources.add(SourceFile::new(display_name, text).with_file_bytes(stored));

    if let Some(quote) = parsed.unclosed_quote {
        let (line, _) = sources.get(source).line_col(quote);
        problems.push(
            Problem::new(
                ProblemKind::Data,
                Severity::Error,
                "data::unclosed-quote",
                format!(
                    "a quoted field on line {line} is never closed; the rest of the file from there is ignored"
                ),
            )
            .with_path(display_name)
            .with_label(source, Span::new(quote, quote + 1), "this quote is never closed")
            .with_help("a quote inside a quoted field must be doubled (\"\")"),
        );
    }

    // `[data] header_row = N`: the lines above line N are titles, not the table.
    let first_line = settings.header_row.unwrap_or(1);
    let mut records = parsed
        .records
        .into_iter()
        .filter(|r| r.line >= first_line && !r.is_blank());
    let Some(header_record) = records.next() else {
        if parsed.unclosed_quote.is_none() {
            let message = match settings.header_row {
                Some(n) if n > 1 => format!(
                    "{display_name} has no header row: nothing is written on line {n} \
                     (`header_row` in rimlig.toml) or below it"
                ),
                _ => format!("{display_name} has no header row"),
            };
            problems.push(
                Problem::new(
                    ProblemKind::Data,
                    Severity::Warning,
                    "data::empty-table",
                    message,
                )
                .with_path(display_name),
            );
        }
        return None;
    };
    let data: Vec<Record> = records.collect();

    // Excel writes trailing ";;;" columns: drop empty trailing headers no row has data under.
    let mut width = header_record.last_non_empty();
    for record in &data {
        width = width.max(record.last_non_empty().min(header_record.fields.len()));
    }
    // As for workbooks: a table of more cells than this is not read (see `MAX_TABLE_CELLS`).
    if (data.len() as u64).saturating_mul(width.max(1) as u64) > MAX_TABLE_CELLS {
        problems.push(
            Problem::new(
                ProblemKind::Data,
                Severity::Error,
                "data::too-large",
                format!(
                    "{display_name} is a table of {} rows and {width} columns, more than {MAX_TABLE_CELLS} cells; it is not read",
                    data.len()
                ),
            )
            .with_path(display_name)
            .with_help("split the table into several files, or delete stray cells far from it"),
        );
        return None;
    }
    let headers: Vec<Header> = header_record
        .fields
        .iter()
        .take(width)
        .map(|f| {
            let text = number::italic_inner(&f.raw)
                .unwrap_or_else(|| trim_cell(&f.raw))
                .to_string();
            Header {
                normalised: normalise_name(&text),
                text,
                span: f.span,
            }
        })
        .collect();

    check_duplicate_headers(&headers, display_name, source, problems);

    let mut rows = Vec::with_capacity(data.len());
    for record in data {
        if let Some(row) = make_row(
            record,
            &headers,
            settings,
            header_record.span,
            display_name,
            source,
            problems,
        ) {
            rows.push(row);
        }
    }

    Some(Table {
        name: table_name.to_string(),
        source,
        headers,
        rows,
    })
}

pub(crate) fn check_duplicate_headers(
    headers: &[Header],
    display_name: &str,
    source: SourceId,
    problems: &mut Vec<Problem>,
) {
    let mut seen: HashMap<&str, &Header> = HashMap::new();
    for header in headers {
        if header.normalised.is_empty() {
            continue;
        }
        if let Some(first) = seen.get(header.normalised.as_str()) {
            problems.push(
                Problem::new(
                    ProblemKind::Data,
                    Severity::Warning,
                    "data::duplicate-header",
                    format!(
                        "the header names the column '{}' twice; rules naming `{}` reach the first one",
                        header.text, header.normalised
                    ),
                )
                .with_path(display_name)
                .with_label(source, header.span, "second column with this name")
                .with_label(source, first.span, "first column with this name"),
            );
        } else {
            seen.insert(&header.normalised, header);
        }
    }
}

/// A data record as a row of the table, or `None` (with a problem) if it has cells that no
/// column holds.
fn make_row(
    record: Record,
    headers: &[Header],
    data: &DataConfig,
    header_span: Span,
    display_name: &str,
    source: SourceId,
    problems: &mut Vec<Problem>,
) -> Option<Row> {
    let width = headers.len();
    let used = record.last_non_empty();
    if used > width {
        let extra = record
            .fields
            .iter()
            .skip(width)
            .find(|f| !is_empty_cell(&f.raw))
            .map(|f| f.span)
            .unwrap_or(record.span);
        problems.push(
            Problem::new(
                ProblemKind::Data,
                Severity::Error,
                "data::ragged-row",
                format!(
                    "the row on line {} has {used} cells but the header has {width} column{}; the row is ignored",
                    record.line,
                    if width == 1 { "" } else { "s" }
                ),
            )
            .with_path(display_name)
            .with_label(source, extra, "this cell has no column")
            .with_label(source, header_span, format!("the header has {width} column{}", if width == 1 { "" } else { "s" }))
            .with_help("check for an unquoted delimiter inside a figure or label, or a missing header"),
        );
        return None;
    }

    let end = Span::new(record.span.end, record.span.end);
    let mut cells: Vec<Cell> = record
        .fields
        .into_iter()
        .take(width)
        .map(|f| {
            // Italic markup is how the cell was printed, not what it says: `<i>varav
            // chatt</i>` is the key "varav chatt".
            let raw = match number::italic_inner(&f.raw) {
                Some(inner) => inner.to_string(),
                None => f.raw,
            };
            Cell {
                value: number::parse_cell_with(&raw, data),
                raw,
                span: f.span,
            }
        })
        .collect();
    while cells.len() < width {
        cells.push(Cell {
            raw: String::new(),
            value: CellValue::Missing(Missing::Empty),
            span: end,
        });
    }
    Some(Row {
        line: record.line,
        span: record.span,
        cells,
    })
}

// ---------------------------------------------------------------------------------------------
// Decoding

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Utf8,
    /// A UTF-8 byte order mark, then bytes that are not UTF-8.
    BrokenUtf8,
    Utf16,
    Windows1252,
}

/// How the decoded text maps back to the stored bytes.
fn file_bytes(bytes: &[u8], encoding: &Encoding) -> FileBytes {
    let bom = encoding_rs::Encoding::for_bom(bytes).map_or(0, |(_, n)| n);
    match encoding {
        Encoding::Utf8 | Encoding::BrokenUtf8 if bom > 0 => FileBytes::AfterBom(bom),
        Encoding::Utf8 | Encoding::BrokenUtf8 => FileBytes::Same,
        Encoding::Utf16 => FileBytes::Utf16 { bom },
        Encoding::Windows1252 => FileBytes::OneBytePerChar,
    }
}

fn decode(bytes: &[u8]) -> (String, Encoding) {
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let body = bytes.get(bom_len..).unwrap_or(&[]);
        let (text, had_errors) = encoding.decode_without_bom_handling(body);
        let kind = if encoding == encoding_rs::UTF_8 {
            if had_errors {
                Encoding::BrokenUtf8
            } else {
                Encoding::Utf8
            }
        } else {
            Encoding::Utf16
        };
        return (text.into_owned(), kind);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_string(), Encoding::Utf8),
        Err(_) => {
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            (text.into_owned(), Encoding::Windows1252)
        }
    }
}

/// NUL characters, or more than one character in ten a control character: not a text file.
fn looks_binary(text: &str) -> bool {
    let mut total = 0usize;
    let mut control = 0usize;
    for c in text.chars() {
        if c == '\0' {
            return true;
        }
        total += 1;
        if c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{0C}') {
            control += 1;
        }
    }
    control > 0 && control.saturating_mul(10) > total
}

// ---------------------------------------------------------------------------------------------
// Delimiters

const DELIMITERS: [u8; 3] = [b';', b'\t', b','];

/// The delimiter of the file: the most frequent of `;`, tab and `,` in the header line
/// (outside quotes; ties prefer that order). If the header has none, the one that occurs the
/// same non-zero number of times on each of the following lines (up to line 10). `None`: one
/// column.
fn detect_delimiter(text: &str) -> Option<u8> {
    let mut lines = text.split('\n').take(10).filter(|l| !l.trim().is_empty());
    let header_start = text
        .split_inclusive('\n')
        .scan(0usize, |offset, line| {
            let start = *offset;
            *offset += line.len();
            Some((start, line))
        })
        .find(|(_, line)| !line.trim().is_empty())
        .map(|(start, _)| start)?;
    let header_counts = count_delimiters_in_record(text.get(header_start..).unwrap_or(""));

    let mut best: Option<(u8, usize)> = None;
    for (i, &d) in DELIMITERS.iter().enumerate() {
        let n = header_counts[i];
        if n > 0 && best.is_none_or(|(_, m)| n > m) {
            best = Some((d, n));
        }
    }
    if let Some((d, _)) = best {
        return Some(d);
    }

    lines.next(); // the header line itself has none
    let rest: Vec<[usize; 3]> = lines.map(count_delimiters_in_record).collect();
    if rest.is_empty() {
        return None;
    }
    DELIMITERS.iter().enumerate().find_map(|(i, &d)| {
        let n = rest[0][i];
        (n > 0 && rest.iter().all(|c| c[i] == n)).then_some(d)
    })
}

/// Delimiter counts outside quotes up to the first line break outside quotes.
fn count_delimiters_in_record(s: &str) -> [usize; 3] {
    let mut counts = [0; 3];
    let mut in_quotes = false;
    for b in s.bytes() {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' if !in_quotes => break,
            _ if !in_quotes => {
                if let Some(i) = DELIMITERS.iter().position(|&d| d == b) {
                    counts[i] += 1;
                }
            }
            _ => {}
        }
    }
    counts
}

// ---------------------------------------------------------------------------------------------
// Records

#[derive(Debug)]
struct Field {
    /// The field as written, quotes included.
    span: Span,
    /// The unquoted content.
    raw: String,
}

#[derive(Debug)]
struct Record {
    line: usize,
    /// The whole record without its line break.
    span: Span,
    fields: Vec<Field>,
}

impl Record {
    fn is_blank(&self) -> bool {
        self.fields.iter().all(|f| is_empty_cell(&f.raw))
    }
    /// One past the index of the last non-empty field (0 if all are empty).
    fn last_non_empty(&self) -> usize {
        self.fields
            .iter()
            .rposition(|f| !is_empty_cell(&f.raw))
            .map_or(0, |i| i + 1)
    }
}

fn is_empty_cell(raw: &str) -> bool {
    trim_cell(raw).is_empty()
}

struct Parsed {
    records: Vec<Record>,
    /// Byte offset of a quote that is never closed; parsing stopped there.
    unclosed_quote: Option<usize>,
}

/// `text[a..b]`, or "" if that is not a valid range (it always is: the parser only cuts at
/// ASCII bytes, which are character boundaries).
fn cut(text: &str, a: usize, b: usize) -> &str {
    text.get(a..b).unwrap_or("")
}

/// Split the text into records and fields (RFC 4180, plus leniency: text after a closing
/// quote is kept, CRLF and LF both end records).
fn parse_records(text: &str, delimiter: Option<u8>) -> Parsed {
    let b = text.as_bytes();
    let len = b.len();
    let is_delim = |c: u8| Some(c) == delimiter;
    // End of a field or record ending before `pos`: without a CR that precedes LF or EOF.
    let strip_cr = |start: usize, pos: usize| {
        if pos > start
            && b.get(pos - 1) == Some(&b'\r')
            && (pos == len || b.get(pos) == Some(&b'\n'))
        {
            pos - 1
        } else {
            pos
        }
    };

    let mut records = Vec::new();
    let mut pos = 0;
    let mut line = 1;
    while pos < len {
        let record_start = pos;
        let record_line = line;
        let mut fields = Vec::new();
        let record_end;
        loop {
            let field_start = pos;
            let mut raw = String::new();
            if b.get(pos) == Some(&b'"') {
                pos += 1;
                let mut segment = pos;
                loop {
                    match b.get(pos) {
                        None => {
                            return Parsed {
                                records,
                                unclosed_quote: Some(field_start),
                            };
                        }
                        Some(b'"') => {
                            raw.push_str(cut(text, segment, pos));
                            if b.get(pos + 1) == Some(&b'"') {
                                raw.push('"');
                                pos += 2;
                                segment = pos;
                            } else {
                                pos += 1;
                                break;
                            }
                        }
                        Some(b'\n') => {
                            line += 1;
                            pos += 1;
                        }
                        Some(_) => pos += 1,
                    }
                }
                // Anything between the closing quote and the delimiter is kept as written.
                let tail = pos;
                while pos < len && !is_delim(b[pos]) && b[pos] != b'\n' {
                    pos += 1;
                }
                let end = strip_cr(tail, pos);
                raw.push_str(cut(text, tail, end));
                fields.push(Field {
                    span: Span::new(field_start, end),
                    raw,
                });
            } else {
                while pos < len && !is_delim(b[pos]) && b[pos] != b'\n' {
                    pos += 1;
                }
                let end = strip_cr(field_start, pos);
                fields.push(Field {
                    span: Span::new(field_start, end),
                    raw: cut(text, field_start, end).to_string(),
                });
            }
            match b.get(pos) {
                Some(&c) if is_delim(c) => pos += 1,
                Some(b'\n') => {
                    record_end = strip_cr(record_start, pos);
                    pos += 1;
                    line += 1;
                    break;
                }
                _ => {
                    record_end = strip_cr(record_start, pos);
                    break;
                }
            }
        }
        records.push(Record {
            line: record_line,
            span: Span::new(record_start, record_end),
            fields,
        });
    }
    Parsed {
        records,
        unclosed_quote: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Figure, Unit};
    use rust_decimal::Decimal;
    use std::str::FromStr;

    fn load(bytes: &[u8]) -> (Option<Table>, Sources, Vec<Problem>) {
        let mut sources = Sources::default();
        let mut problems = Vec::new();
        let table = load_csv("t/table.csv", "table", bytes, &mut sources, &mut problems);
        (table, sources, problems)
    }

    fn number(value: &str, decimals: u32, unit: Option<Unit>) -> CellValue {
        CellValue::Number(Figure {
            value: Decimal::from_str(value).expect("test decimal"),
            decimals: Some(decimals),
            unit,
        })
    }

    fn codes(problems: &[Problem]) -> Vec<&'static str> {
        problems.iter().map(|p| p.code).collect()
    }

    /// Every header and cell span slices to the field as written.
    fn assert_spans(table: &Table, sources: &Sources) {
        let file = sources.get(table.source);
        for h in &table.headers {
            assert_eq!(trim_cell(file.slice(h.span).trim_matches('"')), h.text);
        }
        for row in &table.rows {
            assert_eq!(file.line_col(row.span.start).0, row.line);
            for cell in &row.cells {
                let written = file.slice(cell.span);
                if let Some(inner) = written.strip_prefix('"').and_then(|w| w.strip_suffix('"')) {
                    assert_eq!(inner.replace("\"\"", "\""), cell.raw);
                } else {
                    assert_eq!(written, cell.raw);
                }
            }
        }
    }

    #[test]
    fn semicolon_file_with_swedish_figures() {
        let text = "Verksamhet;Budget 2020;Prognos 2020;Avvikelse\n\
                    Kultur;8 486;8 500;−14\n\
                    Skola;297 560;296 444;1 116\n\
                    Summa;306 046;304 944;1 102\n";
        let (table, sources, problems) = load(text.as_bytes());
        let table = table.expect("a table");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(table.name, "table");
        let names: Vec<&str> = table
            .headers
            .iter()
            .map(|h| h.normalised.as_str())
            .collect();
        assert_eq!(
            names,
            ["verksamhet", "budget_2020", "prognos_2020", "avvikelse"]
        );
        assert_eq!(table.rows.len(), 3);
        assert_eq!(table.rows[0].line, 2);
        assert_eq!(table.rows[2].line, 4);
        assert_eq!(
            table.rows[0].cells[0].value,
            CellValue::Text("Kultur".into())
        );
        assert_eq!(table.rows[0].cells[3].value, number("-14", 0, None));
        assert_eq!(table.rows[1].cells[1].value, number("297560", 0, None));
        assert_eq!(sources.get(table.source).name, "t/table.csv");
        assert_eq!(
            sources.get(table.source).slice(table.rows[1].span),
            "Skola;297 560;296 444;1 116"
        );
        assert_spans(&table, &sources);
    }

    #[test]
    fn tab_file_with_utf8_bom_keeps_spans() {
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend_from_slice("Nämnd\tUtfall\tAndel\nÄldrenämnden\t1 030,5\t4,3 %\n".as_bytes());
        let (table, sources, problems) = load(&bytes);
        let table = table.expect("a table");
        assert!(problems.is_empty(), "{problems:?}");
        let file = sources.get(table.source);
        assert!(!file.text.starts_with('\u{FEFF}'));
        assert_eq!(table.headers[0].text, "Nämnd");
        assert_eq!(file.slice(table.headers[0].span), "Nämnd");
        let row = &table.rows[0];
        assert_eq!(file.slice(row.cells[0].span), "Äldrenämnden");
        assert_eq!(file.slice(row.cells[1].span), "1 030,5");
        assert_eq!(file.slice(row.cells[2].span), "4,3 %");
        assert_eq!(row.cells[1].value, number("1030.5", 1, None));
        assert_eq!(row.cells[2].value, number("4.3", 1, Some(Unit::Pct)));
        assert_spans(&table, &sources);
    }

    #[test]
    fn utf16_with_bom_is_decoded() {
        let text = "Nämnd\tUtfall\r\nÖverförmyndare\t12\r\n";
        let mut bytes = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let (table, sources, problems) = load(&bytes);
        let table = table.expect("a table");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(table.rows[0].cells[0].raw, "Överförmyndare");
        assert_eq!(table.rows[0].cells[1].value, number("12", 0, None));
        assert_spans(&table, &sources);

        let mut be = vec![0xFE, 0xFF];
        for u in text.encode_utf16() {
            be.extend_from_slice(&u.to_be_bytes());
        }
        let (table, _, problems) = load(&be);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            table.expect("a table").rows[0].cells[0].raw,
            "Överförmyndare"
        );
    }

    #[test]
    fn windows_1252_is_decoded_with_a_note() {
        let bytes = b"Verksamhet;Belopp\r\nF\xf6rvaltning;1 000\r\n\xc5r \xe4ndrat;5\r\n";
        let (table, sources, problems) = load(bytes);
        let table = table.expect("a table");
        assert_eq!(codes(&problems), ["data::windows-1252"]);
        assert_eq!(problems[0].severity, Severity::Info);
        assert_eq!(problems[0].path.as_deref(), Some("t/table.csv"));
        assert_eq!(table.rows[0].cells[0].raw, "Förvaltning");
        assert_eq!(table.rows[1].cells[0].raw, "År ändrat");
        assert_eq!(table.rows[0].cells[1].value, number("1000", 0, None));
        assert_spans(&table, &sources);
    }

    #[test]
    fn crlf_line_ends_are_not_part_of_cells() {
        let (table, sources, problems) = load(b"A;B\r\nx;1\r\ny;2\r\n");
        let table = table.expect("a table");
        assert!(problems.is_empty());
        assert_eq!(table.headers[1].text, "B");
        assert_eq!(sources.get(table.source).slice(table.headers[1].span), "B");
        assert_eq!(table.rows[0].cells[1].raw, "1");
        assert_eq!(table.rows[1].line, 3);
        assert_eq!(sources.get(table.source).slice(table.rows[1].span), "y;2");
        assert_spans(&table, &sources);
    }

    #[test]
    fn lone_cr_line_ends_are_read_as_lines() {
        let (table, _, problems) = load(b"A;B\rx;1\ry;2\r");
        let table = table.expect("a table");
        assert!(problems.is_empty());
        assert_eq!(table.rows.len(), 2);
        assert_eq!(table.rows[1].line, 3);
    }

    #[test]
    fn quoted_fields_with_delimiters_newlines_and_quotes() {
        let text = "Namn;Kommentar;Belopp\n\
                    \"Kultur; fritid\";\"Rad ett\nrad två\";\"1 000\"\n\
                    \"Säger \"\"nej\"\"\";;5\n\
                    Skola;ok;7\n";
        let (table, sources, problems) = load(text.as_bytes());
        let table = table.expect("a table");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(table.rows.len(), 3);
        let first = &table.rows[0];
        assert_eq!(first.line, 2);
        assert_eq!(first.cells[0].raw, "Kultur; fritid");
        assert_eq!(first.cells[1].raw, "Rad ett\nrad två");
        assert_eq!(first.cells[2].value, number("1000", 0, None));
        let file = sources.get(table.source);
        assert_eq!(file.slice(first.cells[0].span), "\"Kultur; fritid\"");
        assert_eq!(table.rows[1].cells[0].raw, "Säger \"nej\"");
        // Line numbers count the newline inside the quoted field.
        assert_eq!(table.rows[1].line, 4);
        assert_eq!(table.rows[2].line, 5);
        assert_eq!(file.slice(table.rows[2].span), "Skola;ok;7");
        assert_spans(&table, &sources);
    }

    #[test]
    fn ragged_row_is_reported_and_dropped() {
        let text = "A;B;C\nx;1;2\ny;1;2;3;\nz;3;4;;\n";
        let (table, sources, problems) = load(text.as_bytes());
        let table = table.expect("a table");
        assert_eq!(codes(&problems), ["data::ragged-row"]);
        let p = &problems[0];
        assert_eq!(p.severity, Severity::Error);
        assert_eq!(
            p.message,
            "the row on line 3 has 4 cells but the header has 3 columns; the row is ignored"
        );
        assert_eq!(sources.get(table.source).slice(p.labels[0].span), "3");
        assert_eq!(p.labels[0].text, "this cell has no column");
        assert!(p.help.is_some());
        // Trailing empty cells beyond the header are ignored silently.
        assert_eq!(table.rows.len(), 2);
        assert_eq!(table.rows[1].cells.len(), 3);
        assert_eq!(table.rows[1].line, 4);
    }

    #[test]
    fn short_row_is_padded() {
        let text = "A;B;C\nx;1\n";
        let (table, sources, problems) = load(text.as_bytes());
        let table = table.expect("a table");
        assert!(problems.is_empty());
        let row = &table.rows[0];
        assert_eq!(row.cells.len(), 3);
        assert_eq!(row.cells[2].value, CellValue::Missing(Missing::Empty));
        assert_eq!(row.cells[2].span, Span::new(row.span.end, row.span.end));
        assert_eq!(sources.get(table.source).slice(row.span), "x;1");
    }

    #[test]
    fn trailing_empty_columns_and_blank_lines_are_dropped() {
        let text = "A;B;;;\n;;;;\nx;1;;;\n\n   \ny;2;;3;\n";
        let (table, _, problems) = load(text.as_bytes());
        let table = table.expect("a table");
        assert!(problems.is_empty(), "{problems:?}");
        // Column 4 has data in one row, so it is kept; column 5 is not.
        assert_eq!(table.headers.len(), 4);
        assert_eq!(table.headers[2].text, "");
        assert_eq!(table.rows.len(), 2);
        assert_eq!(table.rows[0].line, 3);
        assert_eq!(table.rows[1].line, 6);
        assert_eq!(table.rows[1].cells[3].value, number("3", 0, None));
    }

    #[test]
    fn empty_and_blank_files_have_no_table() {
        for bytes in [&b""[..], b"  \r\n\n", b";;;\n;;\n"] {
            let (table, _, problems) = load(bytes);
            assert!(table.is_none());
            assert_eq!(codes(&problems), ["data::empty-table"]);
            assert_eq!(problems[0].severity, Severity::Warning);
        }
    }

    #[test]
    fn binary_files_are_refused() {
        let bytes = [
            0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00, 0xff, 0xfe,
        ];
        let (table, _, problems) = load(&bytes);
        assert!(table.is_none());
        assert_eq!(codes(&problems), ["data::not-text"]);
        assert_eq!(problems[0].severity, Severity::Error);

        let controls = [0x01u8, 0x02, 0x03, 0x41, 0x05, 0x06, 0x07, 0x08, 0x0e, 0x0f];
        let (table, _, problems) = load(&controls);
        assert!(table.is_none());
        assert_eq!(codes(&problems), ["data::not-text"]);
    }

    #[test]
    fn comma_delimited_with_quoted_decimal_commas() {
        let text = "Indikator,Utfall,Mål\n\"Sjukfrånvaro\",\"4,3\",\"5,0 %\"\nKöer,12,\"1 000\"\n";
        let (table, sources, problems) = load(text.as_bytes());
        let table = table.expect("a table");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(table.headers.len(), 3);
        assert_eq!(table.rows[0].cells[1].value, number("4.3", 1, None));
        assert_eq!(
            table.rows[0].cells[2].value,
            number("5.0", 1, Some(Unit::Pct))
        );
        assert_eq!(
            sources.get(table.source).slice(table.rows[0].cells[1].span),
            "\"4,3\""
        );
        assert_spans(&table, &sources);
    }

    #[test]
    fn unclosed_quote_keeps_earlier_rows() {
        let text = "A;B\nx;1\ny;\"2\nz;3\n";
        let (table, sources, problems) = load(text.as_bytes());
        let table = table.expect("a table");
        assert_eq!(codes(&problems), ["data::unclosed-quote"]);
        let label = &problems[0].labels[0];
        assert_eq!(label.span, Span::new(10, 11));
        assert_eq!(sources.get(table.source).slice(label.span), "\"");
        assert_eq!(table.rows.len(), 1);
        assert_eq!(table.rows[0].cells[0].raw, "x");
    }

    #[test]
    fn unclosed_quote_in_header_gives_no_table() {
        let (table, _, problems) = load(b"\"A;B\nx;1\n");
        assert!(table.is_none());
        assert_eq!(codes(&problems), ["data::unclosed-quote"]);
    }

    #[test]
    fn duplicate_headers_are_kept_with_a_warning() {
        let (table, sources, problems) = load("Belopp;Prognos;belopp \n1;2;3\n".as_bytes());
        let table = table.expect("a table");
        assert_eq!(codes(&problems), ["data::duplicate-header"]);
        assert_eq!(table.headers.len(), 3);
        assert_eq!(
            sources.get(table.source).slice(problems[0].labels[0].span),
            "belopp "
        );
        assert_eq!(table.rows[0].cells.len(), 3);
    }

    #[test]
    fn delimiter_detection() {
        assert_eq!(detect_delimiter("a;b,c;d\n"), Some(b';'));
        assert_eq!(detect_delimiter("a\tb,c\td\n"), Some(b'\t'));
        assert_eq!(detect_delimiter("a,b,c\n1;2\n"), Some(b','));
        assert_eq!(detect_delimiter("a;b,c\n"), Some(b';'));
        assert_eq!(detect_delimiter("\"a;b\",c\n"), Some(b','));
        assert_eq!(detect_delimiter("\n\n a\tb\n"), Some(b'\t'));
        assert_eq!(detect_delimiter("Titel\n1;2,5\n3;4,0\n"), Some(b';'));
        assert_eq!(detect_delimiter("Titel\n1;2\n3\n"), None);
        assert_eq!(detect_delimiter("Belopp\n1\n2\n"), None);
    }

    #[test]
    fn single_column_file() {
        let (table, _, problems) = load("Belopp\n1 000\n..\n".as_bytes());
        let table = table.expect("a table");
        assert!(problems.is_empty());
        assert_eq!(table.headers.len(), 1);
        assert_eq!(
            table.rows[1].cells[0].value,
            CellValue::Missing(Missing::NotAvailable)
        );
    }

    #[test]
    fn text_after_a_closing_quote_is_kept() {
        let (table, sources, problems) = load("A;B\n\"x\"y;1\r\n".as_bytes());
        let table = table.expect("a table");
        assert!(problems.is_empty());
        assert_eq!(table.rows[0].cells[0].raw, "xy");
        assert_eq!(
            sources.get(table.source).slice(table.rows[0].cells[0].span),
            "\"x\"y"
        );
    }

    #[test]
    fn header_row_skips_the_lines_above_it() {
        let text = "Uppföljning oktober;;\nBelopp i tkr;;\nPost;Utfall;Budget\nHyror;120;100\n";
        let data = DataConfig {
            header_row: Some(3),
            ..DataConfig::default()
        };
        let mut sources = Sources::default();
        let mut problems = Vec::new();
        let table = load_csv_with(
            "t.csv",
            "t",
            text.as_bytes(),
            &data,
            &mut sources,
            &mut problems,
        )
        .expect("a table");
        assert!(problems.is_empty(), "{problems:?}");
        let headers: Vec<&str> = table.headers.iter().map(|h| h.text.as_str()).collect();
        assert_eq!(headers, ["Post", "Utfall", "Budget"]);
        assert_eq!(table.rows.len(), 1);
        assert_eq!(table.rows[0].line, 4);

        // Nothing on or below the row: a warning that names it.
        let data = DataConfig {
            header_row: Some(9),
            ..DataConfig::default()
        };
        let table = load_csv_with(
            "t.csv",
            "t",
            text.as_bytes(),
            &data,
            &mut sources,
            &mut problems,
        );
        assert!(table.is_none());
        assert_eq!(codes(&problems), ["data::empty-table"]);
        assert!(
            problems[0].message.contains("line 9"),
            "{}",
            problems[0].message
        );
    }

    #[test]
    fn odd_bytes_never_panic() {
        let inputs: [&[u8]; 8] = [
            b"\"",
            b"\"\"\"",
            b"a;\"",
            b"\r",
            b"\xef\xbb\xbf",
            b"\xef\xbb\xbfa;\xff\n1;2",
            b"\xff\xfe\x41",
            "å;\"ä\"ö;\r\n\"".as_bytes(),
        ];
        for bytes in inputs {
            let _ = load(bytes);
        }
    }
}
