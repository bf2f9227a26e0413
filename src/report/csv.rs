//! One CSV or TSV file → one [`Table`].
//!
//! The parser is hand-written on purpose: every header and cell keeps the exact byte span of
//! the field as written in the decoded text (quotes included), so a finding can underline it.
//! The csv crate's field ranges point into its unescaped buffer, not into the file.

#[cfg(test)]
use super::CellValue;
use super::mapped::MappedText;
use super::number::{self, trim_cell};
use super::{
    CellStore, Header, Missing, Parsed, RowsBuilder, Table, Written, normalise_name, same_text,
};
use crate::config::DataConfig;
use crate::problem::{Problem, ProblemKind, Severity};
use crate::source::{FileBytes, SourceFile, SourceId, Sources, Span, Text};
use std::borrow::Cow;
use std::collections::HashMap;

mod plain;

#[doc(hidden)]
pub use plain::compare_with_general_reader;

/// Most cells (data rows × columns) of one table; a larger one is refused with
/// `data::too-large`. Twice a workbook sheet's limit: a CSV cell takes 16 bytes plus its
/// share of the file's text, so 10 million cells stay within a few hundred MB, and the
/// national benchmark's 1 000 000-row driftsammandrag (6 million cells) is read.
pub const MAX_TABLE_CELLS: u64 = 10_000_000;

/// Columns a table may have, as many as a spreadsheet has (`XFD`). A header of more is not
/// read: a line of millions of delimiters would otherwise become millions of headers.
pub const MAX_COLUMNS: usize = 16_384;

/// Fields of a record that are kept: one more than a header may have, so a row longer than
/// its header still shows where its first extra cell is.
const MAX_FIELDS: usize = MAX_COLUMNS + 1;

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
    load_csv_bytes(
        display_name,
        table_name,
        Bytes::Lent(bytes),
        settings,
        sources,
        problems,
    )
}

/// [`load_csv_with`] taking the file's bytes, read or mapped: a UTF-8 file becomes the text
/// without a copy, so a large file is not held twice while it is read.
pub fn load_csv_owned(
    display_name: &str,
    table_name: &str,
    bytes: Bytes<'static>,
    settings: &DataConfig,
    sources: &mut Sources,
    problems: &mut Vec<Problem>,
) -> Option<Table> {
    load_csv_bytes(display_name, table_name, bytes, settings, sources, problems)
}

fn load_csv_bytes(
    display_name: &str,
    table_name: &str,
    bytes: Bytes<'_>,
    settings: &DataConfig,
    sources: &mut Sources,
    problems: &mut Vec<Problem>,
) -> Option<Table> {
    // The byte order mark is looked at before the bytes are decoded (and gone).
    let bom = encoding_rs::Encoding::for_bom(&bytes).map_or(0, |(_, n)| n);
    let (mut text, encoding) = decode(bytes);
    let stored = file_bytes(bom, encoding);

    if text.known_clean() != Some(true) && looks_binary(&text) {
        problems.push(not_text(display_name, &text, stored));
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
        // Said at the byte, once the text is a source.
        Encoding::Utf8 | Encoding::Utf16 | Encoding::StrayBytes(_) => {}
    }

    // Old Macintosh exports end lines with a lone CR. Turning those into LF keeps every byte
    // offset and lets line numbers work.
    // (A line feed is nearly always found in the first line; a CR would be looked for
    // through the whole text.)
    if !text.contains('\n') && text.contains('\r') {
        text = text.replace('\r', "\n").into();
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

    let before = (sources.len(), problems.len());
    let stray = match encoding {
        Encoding::StrayBytes(at) => Some(at),
        _ => None,
    };
    let names = (display_name, table_name);
    let decoded = Decoded {
        text,
        stored,
        stray,
    };
    let text = match read_text(names, decoded, settings, sources, problems) {
        Read::Table(table) => return table,
        Read::MixedLineEnds(text) => text,
    };
    // Lines end in LF (or CRLF) and some in a lone CR: rows joined at a lone CR came out
    // too long. Read again with every lone CR a line end, as in a file of lone CRs only;
    // the offsets stay those of the file.
    sources.truncate(before.0);
    problems.truncate(before.1);
    problems.push(
        Problem::new(
            ProblemKind::Data,
            Severity::Info,
            "data::mixed-line-ends",
            format!(
                "{display_name} ends some lines with a lone CR (as old Macintosh files do) and \
                 others with LF or CRLF; each lone CR was read as a line end"
            ),
        )
        .with_path(display_name),
    );
    let decoded = Decoded {
        text: crate::source::lone_crs_as_line_feeds(&text).into(),
        stored,
        stray,
    };
    match read_text(names, decoded, settings, sources, problems) {
        Read::Table(table) => table,
        // (None is left after the lone CRs are gone.)
        Read::MixedLineEnds(_) => None,
    }
}

/// What [`read_text`] made of a text.
enum Read {
    Table(Option<Table>),
    /// The text, given back: a row found too long holds a lone CR, so the text mixes line
    /// ends. Nothing was kept of the reading.
    MixedLineEnds(std::sync::Arc<Text>),
}

/// Whether the line of `text` that `to` is on (a row found too long) holds, before `to`, a
/// CR not followed by a LF.
fn lone_cr_in_row(text: &str, to: usize) -> bool {
    let b = text.as_bytes();
    let to = to.min(b.len());
    let from = memchr::memrchr(b'\n', &b[..to]).map_or(0, |i| i + 1);
    memchr::memchr_iter(b'\r', &b[from..to]).any(|i| b.get(from + i + 1) != Some(&b'\n'))
}

/// A file's text, and how it was decoded.
struct Decoded {
    text: Text,
    /// How the text's offsets map to the file's bytes.
    stored: FileBytes,
    /// The first byte that is not UTF-8 in a file otherwise written in UTF-8.
    stray: Option<usize>,
}

/// The table of the decoded text of the file `display_name`, added to `sources`.
fn read_text(
    (display_name, table_name): (&str, &str),
    Decoded {
        text,
        stored,
        stray,
    }: Decoded,
    settings: &DataConfig,
    sources: &mut Sources,
    problems: &mut Vec<Problem>,
) -> Read {
    // Excel's `sep=;` on the first line names the delimiter; the table starts below it.
    let named = named_delimiter(&text);
    let delimiter = named.or_else(|| detect_delimiter(&text));
    let source = sources.add(SourceFile::new(display_name, text).with_file_bytes(stored));
    // The table's cells are slices of the text the source keeps: one copy of the file.
    let text = sources.get(source).text.clone();
    if let Some(byte) = stray {
        problems.push(stray_byte(display_name, &text, byte, source));
    }
    let mut store = CellStore::new(text.clone());

    // One pass over the records, one record in memory at a time: the header, then the rows.
    // Problems are collected and pushed afterwards in the order of the checks below.
    let mut parser = Records::new(&text, delimiter);
    let mut record = Record::default();
    // `[data] header_row = N`: the lines above line N are titles, not the table.
    let first_line = settings
        .header_row
        .unwrap_or(1)
        .max(if named.is_some() { 2 } else { 1 });
    let header = find_header(
        &mut parser,
        &mut record,
        first_line,
        settings.header_row.is_none(),
    );
    if let Some(h) = &header
        && h.last_non_empty > MAX_COLUMNS
    {
        problems.push(
            Problem::too_large(format!(
                    "the header of {display_name} has {} columns, more than {MAX_COLUMNS}; the table is not read",
                    h.last_non_empty
                ),
            )
            .with_path(display_name)
            .with_label(source, Span::new(h.span.start, h.span.start), "this header")
            .with_help("check the delimiter: a header row has one name per column"),
        );
        return Read::Table(None);
    }
    let mut read = RowsRead::new(RowsBuilder::csv(text.clone(), delimiter), 0);
    if let Some(header) = &header {
        let header_len = header.fields.len();
        // Excel writes trailing ";;;" columns: empty trailing headers no row has data
        // under are dropped, so the width is known only at the end; rows are built up to the
        // header's length and cut to the width afterwards.
        let width = header.last_non_empty;
        read = match chunks(&text, parser.pos, text.known_last_quote()) {
            Some(bounds) => {
                let line_feeds = line_feeds(&text, &bounds);
                let pieces = Pieces {
                    text: &text,
                    delimiter,
                    line: parser.line,
                    bounds: &bounds,
                    line_feeds: &line_feeds,
                    header_len,
                    width,
                    settings,
                };
                read_chunks(pieces, &mut store)
            }
            None => read_rows(
                &mut parser,
                first_line,
                header_len,
                RowsRead::new(RowsBuilder::csv(text.clone(), delimiter), width),
                settings,
                &mut store,
            ),
        };
    }
    let RowsRead {
        mut built,
        ragged,
        data_rows,
        width,
        ..
    } = read;
    let unclosed_quote = parser.unclosed_quote;
    let header_has_lone_cr = header
        .as_ref()
        .and_then(|h| text.get(h.span.start..h.span.end))
        .is_some_and(crate::source::has_lone_cr);
    if header_has_lone_cr
        || ragged
            .iter()
            .any(|&(_, _, extra)| lone_cr_in_row(&text, extra.start))
    {
        return Read::MixedLineEnds(text);
    }

    if let Some(quote) = unclosed_quote {
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

    let Some(header) = header else {
        if unclosed_quote.is_none() {
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
        return Read::Table(None);
    };

    // As for workbooks: a table of more cells than this is not read (see `MAX_TABLE_CELLS`).
    if (data_rows as u64).saturating_mul(width.max(1) as u64) > MAX_TABLE_CELLS {
        problems.push(
            Problem::too_large(format!(
                    "{display_name} is a table of {data_rows} rows and {width} columns, more than {MAX_TABLE_CELLS} cells; it is not read",
                ),
            )
            .with_path(display_name)
            .with_help("split the table into several files, or delete stray cells far from it"),
        );
        return Read::Table(None);
    }
    let headers: Vec<Header> = header
        .fields
        .iter()
        .take(width)
        .map(|(span, raw)| {
            let text = number::italic_inner(raw)
                .unwrap_or_else(|| trim_cell(raw))
                .to_string();
            Header {
                normalised: normalise_name(&text),
                text,
                span: *span,
            }
        })
        .collect();

    check_duplicate_headers(&headers, display_name, source, problems);

    // A ragged row exists only if a row is longer than the header, so then the width is the
    // header's length.
    let mut problems_after = Vec::new();
    let not_listed = ragged
        .get(crate::problem::LISTED_PER_FILE..)
        .unwrap_or_default();
    if let (Some(first), Some(last)) = (not_listed.first(), not_listed.last()) {
        let mut more = Problem::new(
            ProblemKind::Data,
            Severity::Error,
            "data::ragged-row",
            format!(
                "and {} more rows longer than the header, on lines {}–{}; they are ignored",
                not_listed.len(),
                first.0,
                last.0
            ),
        )
        .with_path(display_name);
        more.more = u32::try_from(not_listed.len()).unwrap_or(u32::MAX);
        // Said after the rows listed one by one.
        problems_after.push(more);
    }
    for (line, used, extra) in ragged.into_iter().take(crate::problem::LISTED_PER_FILE) {
        problems.push(
            Problem::new(
                ProblemKind::Data,
                Severity::Error,
                "data::ragged-row",
                format!(
                    "the row on line {line} has {used} cells but the header has {width} column{}; the row is ignored",
                    if width == 1 { "" } else { "s" }
                ),
            )
            .with_path(display_name)
            .with_label(source, extra, "this cell has no column")
            .with_label(source, header.span, format!("the header has {width} column{}", if width == 1 { "" } else { "s" }))
            .with_help("check for an unquoted delimiter inside a figure or label, or a missing header"),
        );
    }

    // Rows were padded to the header's length; cut them to the width (trailing empty
    // columns).
    problems.append(&mut problems_after);
    built.cut_to(width);
    Read::Table(Some(Table::new(
        table_name.to_string(),
        source,
        headers,
        built,
        store,
    )))
}

/// The data rows of a table, read after its header.
struct RowsRead {
    built: RowsBuilder,
    /// Rows with cells beyond the header: (line, cells used, the first such cell).
    ragged: Vec<(usize, usize, Span)>,
    /// Non-blank data records, read or not (for the message of a table too large).
    data_rows: usize,
    /// Columns up to the last one any row or the header has a cell in.
    width: usize,
    /// More than `MAX_TABLE_CELLS`: the rows are counted, not kept.
    too_large: bool,
}

impl RowsRead {
    /// No rows kept if the pieces put together hold more cells than a table may.
    fn cut_if_too_large(mut self) -> RowsRead {
        if self.too_large
            || (self.data_rows as u64).saturating_mul(self.width.max(1) as u64) > MAX_TABLE_CELLS
        {
            self.too_large = true;
            self.built = self.built.emptied();
        }
        self
    }

    /// Nothing read yet into `built`; the header's columns up to the last named one: `width`.
    fn new(built: RowsBuilder, width: usize) -> RowsRead {
        RowsRead {
            built,
            ragged: Vec::new(),
            data_rows: 0,
            width,
            too_large: false,
        }
    }
}

/// Read the records `parser` has left as rows of `header_len` columns (at most), after those
/// `out` holds.
fn read_rows(
    parser: &mut Records<'_>,
    first_line: usize,
    header_len: usize,
    mut out: RowsRead,
    settings: &DataConfig,
    store: &mut CellStore,
) -> RowsRead {
    // Room for every line left as a row, at once: grown by doubling, the cells of a large
    // file would take up to twice their size.
    let rest = parser.text.as_bytes().get(parser.pos..).unwrap_or(&[]);
    let lines = memchr::memchr_iter(b'\n', rest).count() + 1;
    out.built
        .reserve(lines.min(MAX_TABLE_CELLS as usize / header_len.max(1) + 1));
    let mut record = Record::default();
    let integers_first = !number::markers_look_like_integers(settings);
    while parser.next_into(&mut record) {
        let used = record.last_non_empty();
        if record.line < first_line || used == 0 {
            continue;
        }
        out.data_rows += 1;
        out.width = out.width.max(used.min(header_len));
        if (out.data_rows as u64).saturating_mul(out.width.max(1) as u64) > MAX_TABLE_CELLS {
            // Refused by the caller; keep counting for the message, but build nothing more.
            out.too_large = true;
            out.built = out.built.emptied();
        }
        if out.too_large {
            continue;
        }
        if used > header_len {
            let extra = record
                .first_non_empty_from(header_len)
                .unwrap_or(record.span);
            out.ragged.push((record.line, used, extra));
            continue;
        }
        make_row(
            &record,
            header_len,
            settings,
            integers_first,
            store,
            &mut out.built,
        );
    }
    out
}

/// Below this many bytes of rows a file is read on one thread.
const CHUNKED_FROM: usize = 4 << 20;

/// Where to cut the rows from `start` on into pieces read in parallel, each ending after a
/// line feed; `None` to read them in one piece. Only a file without quotes is cut: a quoted
/// field may hold a line feed, so without quotes every line feed ends a record. Where the
/// text's last quote is may be known already (`last_quote`, see `Text::known_last_quote`).
fn chunks(text: &str, start: usize, last_quote: Option<Option<usize>>) -> Option<Vec<usize>> {
    let rest = text.as_bytes().get(start..)?;
    // A few pieces per thread: a thread that gets less of a shared machine does less of them.
    let pieces = (4 * rayon::current_num_threads()).min(rest.len() / (CHUNKED_FROM / 2));
    if rest.len() < CHUNKED_FROM || pieces < 2 {
        return None;
    }
    let quoted = match last_quote {
        Some(last) => last.is_some_and(|at| at >= start),
        // Looked for in parallel: on one core this alone takes a tenth of reading the rows.
        None => {
            use rayon::prelude::*;
            rest.par_chunks(CHUNKED_FROM / 4)
                .any(|piece| memchr::memchr(b'"', piece).is_some())
        }
    };
    if quoted {
        return None;
    }
    let mut bounds = vec![start];
    for i in 1..pieces {
        let from = start + rest.len() * i / pieces;
        let cut = match memchr::memchr(b'\n', text.as_bytes().get(from..)?) {
            Some(at) => from + at + 1,
            None => text.len(),
        };
        if cut > *bounds.last()? && cut < text.len() {
            bounds.push(cut);
        }
    }
    bounds.push(text.len());
    Some(bounds)
}

/// The line feeds between each two `bounds` (starts of lines, or the text's end) of `text`:
/// for a large file, from the counts its scan kept block by block (see `report::scan`).
fn line_feeds(text: &Text, bounds: &[usize]) -> Vec<usize> {
    use rayon::prelude::*;
    bounds
        .par_windows(2)
        .map(|w| text.line_feeds_between(w[0], w[1]))
        .collect()
}

/// The rows of a file cut into pieces, as [`read_chunks`] reads them.
#[derive(Clone, Copy)]
struct Pieces<'a> {
    /// The whole text: spans are offsets into it.
    text: &'a str,
    delimiter: Option<u8>,
    /// The line of `bounds[0]`.
    line: usize,
    /// Where each piece starts, then the end.
    bounds: &'a [usize],
    /// The line feeds of each piece.
    line_feeds: &'a [usize],
    header_len: usize,
    /// The header's columns up to the last named one.
    width: usize,
    settings: &'a DataConfig,
}

impl Pieces<'_> {
    /// How the plain reader reads a piece split at `d`.
    fn plain(&self, d: u8) -> plain::Plain<'_> {
        plain::Plain {
            text: self.text,
            delimiter: d,
            header_len: self.header_len,
            settings: self.settings,
            integers_first: !number::markers_look_like_integers(self.settings),
        }
    }
}

/// [`read_rows`] over the pieces of `p`, in parallel, put together in order: the same rows,
/// cells and problems as one pass gives.
fn read_chunks(p: Pieces<'_>, store: &mut CellStore) -> RowsRead {
    if let Some(read) = read_presized(p, store) {
        return read;
    }
    let Pieces {
        text,
        delimiter,
        line,
        bounds,
        line_feeds,
        header_len,
        width,
        settings,
    } = p;
    use rayon::prelude::*;
    let pieces: Vec<(RowsRead, CellStore, usize)> = bounds
        .par_windows(2)
        .zip(line_feeds)
        .map(|(w, &line_feeds)| {
            let built = || RowsRead::new(RowsBuilder::csv(store.text().clone(), delimiter), width);
            if let Some(d) = delimiter {
                let mut piece_store = CellStore::new(store.text().clone());
                let read = plain::read_plain(
                    p.plain(d),
                    w[0],
                    w[1],
                    built(),
                    &mut piece_store,
                    line_feeds,
                );
                if let Some((read, lines)) = read {
                    return (read, piece_store, lines);
                }
            }
            // The text up to the piece's end: spans stay offsets into the whole text.
            let mut parser = Records::new(text.get(..w[1]).unwrap_or(""), delimiter);
            parser.pos = w[0];
            parser.line = 0;
            let mut piece_store = CellStore::new(store.text().clone());
            let read = read_rows(
                &mut parser,
                0,
                header_len,
                built(),
                settings,
                &mut piece_store,
            );
            (read, piece_store, parser.line)
        })
        .collect();
    let mut out = RowsRead::new(RowsBuilder::csv(store.text().clone(), delimiter), width);
    // Each piece's rows moved down by the lines of the pieces above it; counted the same
    // way however the rows are put together.
    let mut builders = Vec::with_capacity(pieces.len());
    let mut stores = Vec::with_capacity(pieces.len());
    let mut at = line;
    for (read, piece_store, lines) in pieces {
        out.data_rows += read.data_rows;
        out.width = out.width.max(read.width);
        out.too_large |= read.too_large;
        out.ragged.extend(
            read.ragged
                .into_iter()
                .map(|(l, used, s)| (l + at, used, s)),
        );
        builders.push((read.built, at));
        stores.push(piece_store);
        at += lines;
    }
    // Pieces of plain cells only are put together in parallel; any others, or those given
    // back, in turn.
    if stores.iter().all(CellStore::is_empty) {
        builders = match RowsBuilder::concat(builders) {
            Ok(built) => {
                out.built = built;
                return out.cut_if_too_large();
            }
            Err(given_back) => given_back,
        };
    }
    // The first piece's cells are the table's, grown once in place (a large block is
    // remapped, not copied), so the cells are held at most once and a piece more.
    let total_rows = builders.iter().map(|(b, _)| b.rows.len()).sum::<usize>();
    for (i, ((built, at), piece_store)) in builders.into_iter().zip(stores).enumerate() {
        let extra = store.append(piece_store);
        if i == 0 && extra == 0 {
            out.built = built;
            out.built.shift_lines(at);
            let more = total_rows - out.built.rows.len();
            out.built.reserve(more);
        } else {
            out.built.append(built, at, extra);
        }
    }
    out.cut_if_too_large()
}

/// [`read_chunks`] into a table made at its full length at once, each piece writing its own
/// stretch of it (see `table::Presized`): `None` unless the first row's columns are whole
/// numbers or texts and every piece reads as such, with no cell kept in full.
fn read_presized(p: Pieces<'_>, store: &CellStore) -> Option<RowsRead> {
    use crate::report::table::Presized;
    use rayon::prelude::*;
    let (text, bounds, line_feeds) = (p.text, p.bounds, p.line_feeds);
    let plain = p.plain(p.delimiter?);
    let built = || RowsRead::new(RowsBuilder::csv(store.text().clone(), p.delimiter), p.width);
    // The first row, read alone, shows each column's kind.
    let (&from, &to) = (bounds.first()?, bounds.last()?);
    let first_end =
        memchr::memchr(b'\n', text.as_bytes().get(from..to)?).map_or(to, |at| from + at + 1);
    let mut probe_store = CellStore::new(store.text().clone());
    let (probe, _) = plain::read_plain(plain, from, first_end, built(), &mut probe_store, 1)?;
    if !probe_store.is_empty() {
        return None;
    }
    // Room for a row per line feed, and for a last line without one.
    let mut sizes = line_feeds.to_vec();
    if !text.ends_with('\n') {
        *sizes.last_mut()? += 1;
    }
    let total: usize = sizes.iter().sum();
    if (total as u64).saturating_mul(p.header_len as u64) > MAX_TABLE_CELLS {
        return None;
    }
    let starts: Vec<usize> = line_feeds
        .iter()
        .scan(p.line, |at, &n| {
            let start = *at;
            *at += n;
            Some(start)
        })
        .collect();
    let mut table = Presized::like(&probe.built, total)?;
    // Each piece: the rows it wrote, and the width of its rows.
    let read: Vec<Option<(usize, usize)>> = bounds
        .par_windows(2)
        .zip(table.stretches(&sizes, &starts))
        .zip(line_feeds)
        .map(|((w, mut stretch), &line_feeds)| {
            let mut piece_store = CellStore::new(store.text().clone());
            let (lines, seen) = plain::read_plain_into(
                plain,
                w[0],
                w[1],
                built(),
                &mut piece_store,
                line_feeds,
                &mut stretch,
            )?;
            // The next piece's rows were numbered from this piece's line feeds.
            (lines == line_feeds).then_some((stretch.written(), seen))
        })
        .collect();
    let read: Vec<(usize, usize)> = read.into_iter().collect::<Option<_>>()?;
    let written: Vec<usize> = read.iter().map(|r| r.0).collect();
    let mut out = RowsRead::new(table.finish(&sizes, &written, &probe.built), p.width);
    out.data_rows = out.built.rows.len();
    out.width = read.iter().map(|r| r.1).fold(p.width, usize::max);
    Some(out.cut_if_too_large())
}

/// The header record, kept while the rows are read.
struct HeaderRecord {
    fields: Vec<(Span, String)>,
    last_non_empty: usize,
    span: Span,
}

/// Lines of titles above a table that are looked through for its header, as in workbooks.
const MAX_TITLE_LINES: usize = 100;

/// The header: the first non-blank record from line `first_line` on. With `skip_titles`,
/// title lines above the table (`Helårsprognos per verksamhet, tkr;;;;`: one text, in the
/// first field) are passed over when a record of several fields follows them; a table of one
/// column has none, so its first record stays the header.
fn find_header<'a>(
    parser: &mut Records<'a>,
    record: &mut Record<'a>,
    first_line: usize,
    skip_titles: bool,
) -> Option<HeaderRecord> {
    // Where the first title started, to read it as the header after all.
    let mut titles_from: Option<(usize, usize)> = None;
    let mut titles = 0;
    loop {
        let at = (parser.pos, parser.line);
        if !parser.next_into(record) {
            break;
        }
        if record.line < first_line || record.is_blank() {
            continue;
        }
        let one_text =
            record.last_non_empty() == 1 && record.fields.first().is_some_and(|f| is_title(&f.raw));
        if skip_titles && one_text && titles < MAX_TITLE_LINES {
            titles_from.get_or_insert(at);
            titles += 1;
            continue;
        }
        if !(one_text || record.last_non_empty() < 2) || titles_from.is_none() {
            return Some(header_record(record));
        }
        break;
    }
    // No record of several fields after the titles: the first of them is the header.
    let (pos, line) = titles_from?;
    parser.pos = pos;
    parser.line = line;
    parser.unclosed_quote = None;
    while parser.next_into(record) {
        if record.line >= first_line && !record.is_blank() {
            return Some(header_record(record));
        }
    }
    None
}

/// Whether a lone field can be a title: a text with a letter in it, not a figure.
fn is_title(raw: &str) -> bool {
    raw.chars().any(char::is_alphabetic)
        && !matches!(
            number::parse_cell_borrowed(raw, DataConfig::defaults()),
            Parsed::Number(..)
        )
}

fn header_record(record: &Record<'_>) -> HeaderRecord {
    HeaderRecord {
        fields: record
            .fields
            .iter()
            .map(|f| (f.span, f.raw.to_string()))
            .collect(),
        last_non_empty: record.last_non_empty(),
        span: record.span,
    }
}

pub(crate) fn check_duplicate_headers(
    headers: &[Header],
    display_name: &str,
    source: SourceId,
    problems: &mut Vec<Problem>,
) {
    if !has_duplicate(headers) {
        return;
    }
    // One warning for each name written more than once, however often: a header of a
    // thousand copies of one name is one mistake, not a thousand.
    let mut columns_of: HashMap<&str, Vec<&Header>> = HashMap::new();
    let mut names = Vec::new();
    for header in headers {
        if header.normalised.is_empty() {
            continue;
        }
        let columns = columns_of.entry(header.normalised.as_str()).or_default();
        if columns.is_empty() {
            names.push(header.normalised.as_str());
        }
        columns.push(header);
    }
    /// Later columns of one name pointed at, at most.
    const LABELLED: usize = 4;
    for name in names {
        let Some(columns) = columns_of.get(name) else {
            continue;
        };
        let (first, later) = match columns.as_slice() {
            [first, later @ ..] if !later.is_empty() => (first, later),
            _ => continue,
        };
        let times = match columns.len() {
            2 => "twice".to_string(),
            n => format!("{n} times"),
        };
        let mut problem = Problem::new(
            ProblemKind::Data,
            Severity::Warning,
            "data::duplicate-header",
            format!(
                "the header names the column '{}' {times}; rules naming `{name}` reach the first one",
                first.text
            ),
        )
        .with_path(display_name);
        for (i, header) in later.iter().take(LABELLED).enumerate() {
            let text = match (later.len(), i) {
                (1, _) => "second column with this name".to_string(),
                (n, i) if i + 1 == LABELLED && n > LABELLED => {
                    format!("another column with this name, and {} more", n - LABELLED)
                }
                _ => "another column with this name".to_string(),
            };
            problem = problem.with_label(source, header.span, text);
        }
        problems.push(problem.with_label(source, first.span, "first column with this name"));
    }
}

/// Whether two columns of `headers` have one (normalised, non-empty) name. Nearly every
/// header has none, and a tree of ten thousand reports asks of each table: a few names are
/// compared pairwise, without hashing or allocating.
fn has_duplicate(headers: &[Header]) -> bool {
    let names = || {
        headers
            .iter()
            .map(|h| h.normalised.as_str())
            .filter(|n| !n.is_empty())
    };
    if headers.len() <= 32 {
        return names()
            .enumerate()
            .any(|(i, n)| names().take(i).any(|m| m == n));
    }
    let mut seen = std::collections::HashSet::with_capacity(headers.len());
    names().any(|n| !seen.insert(n))
}

/// A data record (no longer than the header) as a row of the table, its cells up to
/// `header_len`; a shorter record is padded with empty cells.
fn make_row(
    record: &Record<'_>,
    header_len: usize,
    data: &DataConfig,
    integers_first: bool,
    store: &mut CellStore,
    built: &mut RowsBuilder,
) {
    for (col, f) in record.fields.iter().take(header_len).enumerate() {
        // A field written as is: its text is the field itself, no quotes around it.
        let written = match &f.raw {
            Cow::Borrowed(raw) if raw.len() == f.span.len() => {
                written_as_is(raw, f.span, data, integers_first, store)
            }
            raw => written_quoted(raw, f.span, data, store),
        };
        built.push(col, written);
    }
    // A short row is padded with empty cells at its end, up to the header's length.
    let end = Span::new(record.span.end, record.span.end);
    for col in record.fields.len()..header_len {
        built.push(col, Written::Empty(end));
    }
    built.end_row(record.line, record.span, header_len);
}

/// The cell of a field written as is at `span` (no quotes around it): `raw` is its text.
fn written_as_is(
    raw: &str,
    span: Span,
    data: &DataConfig,
    integers_first: bool,
    store: &mut CellStore,
) -> Written {
    // Most cells of a large file are whole numbers written as is (`-44 097`): read
    // straight into their compact form, as the general path below would read them. And
    // most other cells are row labels, texts as written. Only a digit or a minus can start
    // the one, only a letter the other.
    match raw.as_bytes().first() {
        Some(c) if integers_first && (c.is_ascii_digit() || *c == b'-') => {
            if let Some(m) = number::plain_integer_value(raw).and_then(|v| i32::try_from(v).ok()) {
                return Written::Integer(span, m);
            }
        }
        _ if number::plainly_text(raw, data) => return Written::Text(span),
        _ => {}
    }
    // Italic markup is how the cell was printed, not what it says: `<i>varav
    // chatt</i>` is the key "varav chatt".
    let italic = number::italic_inner(raw);
    let value = number::parse_cell_borrowed(italic.unwrap_or(raw), data);
    match (italic, value) {
        (None, Parsed::Missing(Missing::Empty)) => Written::Empty(span),
        (None, Parsed::Text(t)) if same_text(t, trim_cell(raw)) => Written::Text(span),
        (_, value) => Written::Cell(store.cell_parsed(span, italic.unwrap_or(raw), value)),
    }
}

/// The cell of a quoted field at `span` whose text, without its quotes, is `raw`.
fn written_quoted(raw: &str, span: Span, data: &DataConfig, store: &mut CellStore) -> Written {
    let italic = number::italic_inner(raw);
    let raw: &str = italic.unwrap_or(raw);
    let value = number::parse_cell_borrowed(raw, data);
    Written::Cell(store.cell_parsed(span, raw, value))
}

/// The span of field `col` of the row written at `row` in `text`, as the reader split it;
/// `None` if the row has fewer fields. A table keeps no span for a cell written as is, and
/// finds it again here.
pub(crate) fn field_span(text: &str, row: Span, delimiter: Option<u8>, col: usize) -> Option<Span> {
    let Some(d) = delimiter else {
        return (col == 0).then_some(row);
    };
    match field_span_in_block(text.as_bytes(), row, d, col) {
        Some(found) => found,
        None => field_span_by_fields(text, row, d, col),
    }
}

/// [`field_span`] field by field, for any row.
fn field_span_by_fields(text: &str, row: Span, d: u8, col: usize) -> Option<Span> {
    let delimiter = Some(d);
    let mut found = None;
    match plain_fields(text.as_bytes(), row, d, col, |i, span| {
        if i == col {
            found = Some(span);
        }
    }) {
        Some(_) => found,
        // A quoted field may hold the delimiter: such a row is read again by the reader.
        None => quoted_field_span(text, row, delimiter, col),
    }
}

/// [`field_span`] of a row of at most 64 bytes without a quote, from where all its
/// delimiters are, found at once ([`marks64`]): a finding names three or four cells of its
/// row, and each was looked for field by field. `None` for any other row.
fn field_span_in_block(bytes: &[u8], row: Span, d: u8, col: usize) -> Option<Option<Span>> {
    use crate::words::marks64;
    let len = row.end.checked_sub(row.start)?;
    let block: &[u8; 64] = bytes.get(row.start..row.start + 64)?.try_into().ok()?;
    let inside = match len {
        64 => u64::MAX,
        0..64 => (1u64 << len) - 1,
        _ => return None,
    };
    if marks64(block, b'"', b'"') & inside != 0 {
        return None;
    }
    let mut delimiters = marks64(block, d, d) & inside;
    let mut start = row.start;
    for _ in 0..col {
        if delimiters == 0 {
            // The row has fewer fields.
            return Some(None);
        }
        start = row.start + delimiters.trailing_zeros() as usize + 1;
        delimiters &= delimiters - 1;
    }
    let end = match delimiters {
        0 => row.end,
        _ => row.start + delimiters.trailing_zeros() as usize,
    };
    Some(Some(Span::new(start, end)))
}

/// The fields of the row written at `row`, split at `d` up to field `last`: each one's index
/// and span to `each`, in order. `Some(true)` when field `last` was reached, `Some(false)`
/// when the row ended before it, `None` at a field that starts with a quote (which may hold
/// the delimiter: the reader must split that row).
fn plain_fields(
    bytes: &[u8],
    row: Span,
    d: u8,
    last: usize,
    mut each: impl FnMut(usize, Span),
) -> Option<bool> {
    let mut start = row.start;
    for i in 0..=last {
        if bytes.get(start) == Some(&b'"') {
            return None;
        }
        let end = bytes
            .get(start..row.end)
            .and_then(|rest| find_delimiter(d, rest))
            .map_or(row.end, |at| start + at);
        each(i, Span::new(start, end));
        if i == last {
            return Some(true);
        }
        if end >= row.end {
            return Some(false);
        }
        start = end + 1;
    }
    Some(false)
}

/// [`field_span`] of fields `a` and `b` of the same row, found in one walk along it.
pub(crate) fn two_field_spans(
    text: &str,
    row: Span,
    delimiter: Option<u8>,
    a: usize,
    b: usize,
) -> (Option<Span>, Option<Span>) {
    let one_by_one = || {
        (
            field_span(text, row, delimiter, a),
            field_span(text, row, delimiter, b),
        )
    };
    let (Some(d), true) = (delimiter, a < b) else {
        return one_by_one();
    };
    let (mut first, mut second) = (None, None);
    match plain_fields(text.as_bytes(), row, d, b, |i, span| {
        if i == a {
            first = Some(span);
        } else if i == b {
            second = Some(span);
        }
    }) {
        Some(_) => (first, second),
        // A quoted field: the reader splits the row, as `field_span` has it do.
        None => one_by_one(),
    }
}

/// Fields 0 and 1 of the row written at `row`, when field 0 is written exactly as `first`:
/// the two spans, found by comparing `first` rather than looking for its end. Rows of a table
/// sorted by group begin with the same name row after row. `first` must be a field as
/// written ([`plain_field`]): a text that holds the delimiter could be the start of two
/// fields. `None` for any other row, which [`two_field_spans`] splits.
pub(crate) fn fields_after(text: &str, row: Span, d: u8, first: &str) -> Option<(Span, Span)> {
    let b = text.as_bytes();
    let n = first.len();
    let rest = b.get(row.start..row.end)?;
    if n == 0 || !crate::words::same_bytes(rest.get(..n)?, first.as_bytes()) {
        return None;
    }
    if rest.get(n) != Some(&d) || rest.get(n + 1) == Some(&b'"') {
        return None;
    }
    let key = rest.get(n + 1..)?;
    let end = find_delimiter(d, key).unwrap_or(key.len());
    let start = row.start + n + 1;
    Some((
        Span::new(row.start, row.start + n),
        Span::new(start, start + end),
    ))
}

/// Whether `s` can be a whole field written as is with the delimiter `d`: not empty, no
/// delimiter, quote, CR or line feed in it.
pub(crate) fn plain_field(s: &str, d: u8) -> bool {
    !s.is_empty()
        && !s
            .bytes()
            .any(|c| c == d || c == b'"' || c == b'\r' || c == b'\n')
}

/// Where `d` first is in `hay`. Fields are short, and a table's cells written as is are found
/// again this way every time they are read: the first bytes are looked at eight at a time in
/// a plain word, which costs a fraction of setting up `memchr`'s vector search; `memchr`
/// takes over past them.
fn find_delimiter(d: u8, hay: &[u8]) -> Option<usize> {
    use crate::words::{bytes_equal, find_in_first_words};
    const WORDS: usize = 4;
    let seen = match find_in_first_words(hay, WORDS, |w| bytes_equal(w, d)) {
        Ok(at) => return Some(at),
        Err(seen) => seen,
    };
    let rest = hay.get(seen..)?;
    if seen < WORDS * 8 {
        // Shorter than the words looked at: the last few bytes one by one.
        return rest.iter().position(|&c| c == d).map(|at| seen + at);
    }
    memchr::memchr(d, rest).map(|at| seen + at)
}

/// The spans of every field of the row written at `row`, as [`field_span`] gives them one by
/// one.
pub(crate) fn field_spans(text: &str, row: Span, delimiter: Option<u8>) -> Vec<Span> {
    let Some(d) = delimiter else {
        return vec![row];
    };
    let mut spans = Vec::new();
    match plain_fields(text.as_bytes(), row, d, usize::MAX, |_, span| {
        spans.push(span)
    }) {
        Some(_) => spans,
        None => {
            let mut parser = Records::new(text, delimiter);
            parser.pos = row.start;
            let mut record = Record::default();
            parser.next_into(&mut record);
            record.fields.iter().map(|f| f.span).collect()
        }
    }
}

/// [`field_span`] of a row with a quoted field, by the reader itself.
fn quoted_field_span(text: &str, row: Span, delimiter: Option<u8>, col: usize) -> Option<Span> {
    let mut parser = Records::new(text, delimiter);
    parser.pos = row.start;
    let mut record = Record::default();
    parser.next_into(&mut record);
    record.fields.get(col).map(|f| f.span)
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
    /// Read as Windows-1252, but UTF-8 apart from a few bytes, the first at this offset.
    StrayBytes(usize),
}

/// How the decoded text maps back to the stored bytes, whose byte order mark is `bom` bytes.
fn file_bytes(bom: usize, encoding: Encoding) -> FileBytes {
    match encoding {
        Encoding::Utf8 | Encoding::BrokenUtf8 if bom > 0 => FileBytes::AfterBom(bom),
        Encoding::Utf8 | Encoding::BrokenUtf8 => FileBytes::Same,
        Encoding::Utf16 => FileBytes::Utf16 { bom },
        Encoding::Windows1252 | Encoding::StrayBytes(_) => FileBytes::OneBytePerChar,
    }
}

/// A file's bytes as they came: lent, read into memory, or mapped (see `report::mapped`).
pub enum Bytes<'a> {
    Lent(&'a [u8]),
    Read(Vec<u8>),
    Mapped(memmap2::Mmap),
}

impl std::ops::Deref for Bytes<'_> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Lent(b) => b,
            Bytes::Read(v) => v,
            Bytes::Mapped(m) => m,
        }
    }
}

fn decode(bytes: Bytes<'_>) -> (Text, Encoding) {
    // A mapped file that is UTF-8 (after its byte order mark, if any) is the text as it lies.
    // (UTF-16 without a byte order mark is valid UTF-8 when it is all ASCII, NULs between.)
    let bytes = match bytes {
        Bytes::Mapped(map) if utf16_without_bom(&map).is_none() => {
            // Where the UTF-8 text would start: after a UTF-8 byte order mark, or at once.
            let text_from = match encoding_rs::Encoding::for_bom(&map) {
                Some((encoding, n)) if encoding == encoding_rs::UTF_8 => Some(n),
                Some(_) => None,
                None => Some(0),
            };
            match text_from {
                Some(n) => match MappedText::new(map, n) {
                    Ok(text) => return (Text::mapped(text), Encoding::Utf8),
                    Err(map) => Bytes::Mapped(map),
                },
                None => Bytes::Mapped(map),
            }
        }
        other => other,
    };
    let (text, encoding) = decode_in_memory(bytes);
    (Text::from(text), encoding)
}

fn decode_in_memory(bytes: Bytes<'_>) -> (String, Encoding) {
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(&bytes) {
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
    if let Some(encoding) = utf16_without_bom(&bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes);
        return (text.into_owned(), Encoding::Utf16);
    }
    let windows_1252 = |bytes: &[u8]| {
        let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
        let kind = stray_bytes(bytes).map_or(Encoding::Windows1252, Encoding::StrayBytes);
        (text.into_owned(), kind)
    };
    match bytes {
        Bytes::Read(v) => match super::utf8::string_from_utf8(v) {
            Ok(text) => (text, Encoding::Utf8),
            Err(e) => windows_1252(e.as_bytes()),
        },
        // A mapped file comes here only if it is not UTF-8.
        Bytes::Mapped(_) => windows_1252(&bytes),
        Bytes::Lent(b) => match std::str::from_utf8(b) {
            Ok(text) => (text.to_string(), Encoding::Utf8),
            Err(_) => windows_1252(b),
        },
    }
}

/// UTF-16 written without a byte order mark (some exports do): text whose every other byte,
/// in its first 4 KB, is nearly always NUL and whose others nearly never are. Latin letters,
/// å, ä and ö included, have a NUL high byte, so a table is unmistakable; no UTF-8 or
/// Windows-1252 text has NULs.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    if encoding_rs::Encoding::for_bom(bytes).is_some() {
        return None;
    }
    let head = &bytes[..bytes.len().min(4096) & !1];
    // Nearly every table has no NUL at all: looked for a vector at a time.
    memchr::memchr(0, head)?;
    let pairs = head.len() / 2;
    if pairs < 2 {
        return None;
    }
    let nuls_at = |parity: usize| {
        head.iter()
            .skip(parity)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count()
    };
    let (even, odd) = (nuls_at(0), nuls_at(1));
    // At least nine in ten of one side, at most one in a hundred of the other.
    let mostly = |n: usize| n * 10 >= pairs * 9;
    let hardly = |n: usize| n * 100 <= pairs;
    if mostly(odd) && hardly(even) {
        Some(encoding_rs::UTF_16LE)
    } else if mostly(even) && hardly(odd) {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

/// `data::not-utf8`: a file written in UTF-8 but for the byte at `byte` (of the file, and so
/// the character at that index of its Windows-1252 text).
fn stray_byte(display_name: &str, text: &str, byte: usize, source: SourceId) -> Problem {
    let (at, c) = text.char_indices().nth(byte).unwrap_or((0, ' '));
    let value = encoding_rs::WINDOWS_1252
        .encode(&c.to_string())
        .0
        .first()
        .copied()
        .unwrap_or(0);
    Problem::new(
        ProblemKind::Data,
        Severity::Warning,
        "data::not-utf8",
        format!(
            "{display_name} is UTF-8 apart from the byte 0x{value:02X}, so it was read as \
             Windows-1252: its å, ä and ö read as Ã¥, Ã¤ and Ã¶, and keys with them are not found"
        ),
    )
    .with_path(display_name)
    .with_label(source, Span::new(at, at + c.len_utf8()), format!("0x{value:02X} is no UTF-8"))
    .with_help(
        "save the file again as UTF-8 (CSV UTF-8 in Excel), or retype this character: it was pasted from a program writing Windows-1252",
    )
}

/// Where the first byte that is not UTF-8 is, in a file that is otherwise written in UTF-8:
/// it has more sequences of UTF-8 letters beyond ASCII (`å` as two bytes) than bytes that
/// are no UTF-8. A Windows-1252 file has none of the first.
fn stray_bytes(bytes: &[u8]) -> Option<usize> {
    let (mut letters, mut stray, mut first, mut at) = (0usize, 0usize, None, 0usize);
    for chunk in bytes.utf8_chunks() {
        letters += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        at += chunk.valid().len();
        if !chunk.invalid().is_empty() {
            stray += 1;
            first.get_or_insert(at);
        }
        at += chunk.invalid().len();
    }
    first.filter(|_| letters > stray)
}

/// `data::not-text`, saying where the first character that is no text is and what it is.
fn not_text(display_name: &str, text: &str, stored: FileBytes) -> Problem {
    let is_control = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{0C}');
    let mut help = "save the table as CSV (semicolon- or comma-separated) or as tab-separated text"
        .to_string();
    let message = match super::first_non_text(text, stored, is_control) {
        None => format!("{display_name} is not a text file"),
        Some(at) => {
            if stored == FileBytes::OneBytePerChar && !at.character.is_ascii() {
                help = format!(
                    "the file is not UTF-8, and in Windows-1252 the byte 0x{:02X} is no character either; if it is a table, save it again as CSV in UTF-8",
                    at.character as u32
                );
            }
            // Text of a script whose letters have no NUL high byte (Chinese, emoji), saved
            // as UTF-16 without a byte order mark, is not told from binary by its NULs.
            let nuls = text.bytes().take(4096).filter(|&b| b == 0).count();
            if nuls * 8 >= text.len().min(4096) {
                help = "a file with a NUL byte in many characters is often UTF-16 text without a byte order mark; save the table again as CSV in UTF-8 (or UTF-16 with a byte order mark, as Excel's \"Unicode text\")".to_string();
            }
            format!("{display_name} is not a text file: {at}")
        }
    };
    Problem::new(
        ProblemKind::Data,
        Severity::Error,
        "data::not-text",
        message,
    )
    .with_path(display_name)
    .with_help(help)
}

/// NUL characters, or more than one character in ten a control character: not a text file.
fn looks_binary(text: &str) -> bool {
    // Over the bytes rather than the characters (a large file is read in a fraction of the
    // time): a character starts at every byte that is not a UTF-8 continuation byte, and the
    // control characters are the ASCII ones and U+0080–U+009F (0xC2 0x80–0x9F in UTF-8).
    let b = text.as_bytes();
    // Nearly every file has no byte that could start a control character: said in blocks
    // the compiler can vectorise, before counting characters one by one.
    let clean = |piece: &[u8]| !super::scan::any_suspect(piece);
    // A large file in pieces, in parallel.
    let clean = if b.len() >= CHUNKED_FROM {
        use rayon::prelude::*;
        b.par_chunks(CHUNKED_FROM / 4).all(clean)
    } else {
        clean(b)
    };
    if clean {
        return false;
    }
    let mut total = 0usize;
    let mut control = 0usize;
    for (i, &c) in b.iter().enumerate() {
        if c == 0 {
            return true;
        }
        if c & 0xC0 == 0x80 {
            continue;
        }
        total += 1;
        let is_control = match c {
            b'\t' | b'\n' | b'\r' | 0x0C => false,
            0x00..=0x1F | 0x7F => true,
            0xC2 => b.get(i + 1).is_some_and(|n| (0x80..=0x9F).contains(n)),
            _ => false,
        };
        if is_control {
            control += 1;
        }
    }
    control > 0 && control.saturating_mul(10) > total
}

#[cfg(test)]
#[test]
fn binary_check_counts_characters_as_before() {
    fn by_chars(text: &str) -> bool {
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
    for text in [
        "",
        "abc",
        "a\u{1}b",
        "\u{1}\u{2}\u{3}abcdefghijklmnop",
        "\u{85}\u{85}åäö",
        "\u{9f}x",
        "\u{a0}\u{a0}\u{a0}",
        "x\0",
        "\u{7f}\u{7f}ab",
        "\t\n\r\u{c}",
    ] {
        assert_eq!(looks_binary(text), by_chars(text), "{text:?}");
    }
    // Past the first blocks of 64 bytes, and exactly at their edges.
    for at in [0, 63, 64, 65, 127, 128, 1000] {
        for c in ["\u{1}", "\0", "\u{85}", "\u{a0}"] {
            let text = format!("{}{c}{}", "a".repeat(at), "b".repeat(5));
            assert_eq!(looks_binary(&text), by_chars(&text), "{at} {c:?}");
            let dense = c.repeat(at / 4 + 1) + &"b".repeat(at);
            assert_eq!(looks_binary(&dense), by_chars(&dense), "{at} {c:?} dense");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Delimiters

const DELIMITERS: [u8; 3] = [b';', b'\t', b','];

/// The delimiter a first line `sep=;` (as Excel writes and reads it, also quoted) names.
fn named_delimiter(text: &str) -> Option<u8> {
    let line = text.split('\n').next()?.trim_end_matches('\r');
    let line = line
        .strip_prefix('"')
        .and_then(|l| l.strip_suffix('"'))
        .unwrap_or(line);
    match line.strip_prefix("sep=")?.as_bytes() {
        [d] if *d == b'\t' || d.is_ascii_punctuation() && *d != b'"' => Some(*d),
        _ => None,
    }
}

/// The delimiter of the file, from its first ten non-blank records (outside quotes): of
/// `;`, tab and `,` in the first of them, the one the most records after it hold exactly as
/// often; then the one the first holds most often; ties prefer that order. A header
/// `Verksamhet;Prognos helår, tkr, 2020;Budget, tkr` has more commas than semicolons, but
/// its rows have as many semicolons. If the first record has none, the one that occurs the
/// same non-zero number of times in each record after it (and after more title lines
/// without any). `None`: one column.
fn detect_delimiter(text: &str) -> Option<u8> {
    // Only the start of the file is looked at (a quote never closed would make the whole
    // file one record).
    let mut rest = text.get(..text.len().min(1 << 20)).unwrap_or(text);
    let mut records: Vec<[usize; 3]> = Vec::new();
    while records.len() < 10 && !rest.is_empty() {
        let (counts, len) = count_delimiters_in_record(rest);
        if rest.get(..len).is_some_and(|r| !r.trim().is_empty()) {
            records.push(counts);
        }
        rest = rest.get(len..).unwrap_or("");
    }
    let (first, after) = records.split_first()?;
    let mut best: Option<(u8, usize, usize)> = None;
    for (i, &d) in DELIMITERS.iter().enumerate() {
        let n = first[i];
        let agree = after.iter().filter(|c| c[i] == n).count();
        if n > 0 && best.is_none_or(|(_, a, m)| (agree, n) > (a, m)) {
            best = Some((d, agree, n));
        }
    }
    if let Some((d, _, _)) = best {
        return Some(d);
    }
    // Title lines without any come first.
    let rest: Vec<&[usize; 3]> = after.iter().skip_while(|c| **c == [0; 3]).collect();
    let (second, _) = rest.split_first()?;
    DELIMITERS.iter().enumerate().find_map(|(i, &d)| {
        let n = second[i];
        (n > 0 && rest.iter().all(|c| c[i] == n)).then_some(d)
    })
}

/// Delimiter counts outside quotes up to the first line break outside quotes, and the bytes
/// of the record with its line break.
fn count_delimiters_in_record(s: &str) -> ([usize; 3], usize) {
    let mut counts = [0; 3];
    let mut in_quotes = false;
    for (at, b) in s.bytes().enumerate() {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' if !in_quotes => return (counts, at + 1),
            _ if !in_quotes => {
                if let Some(i) = DELIMITERS.iter().position(|&d| d == b) {
                    counts[i] += 1;
                }
            }
            _ => {}
        }
    }
    (counts, s.len())
}

// ---------------------------------------------------------------------------------------------
// Records

#[derive(Debug)]
struct Field<'a> {
    /// The field as written, quotes included.
    span: Span,
    /// The unquoted content: a slice of the text unless a doubled quote or text after the
    /// closing quote had to be put together.
    raw: Cow<'a, str>,
}

#[derive(Debug, Default)]
struct Record<'a> {
    line: usize,
    /// The whole record without its line break.
    span: Span,
    /// The first [`MAX_FIELDS`] fields.
    fields: Vec<Field<'a>>,
    /// Fields after those, not kept: how many there are.
    skipped: usize,
    /// Of the fields not kept, the last non-empty one (as one past its index in the record)
    /// and the span of the first.
    beyond: Option<(usize, Span)>,
}

impl<'a> Record<'a> {
    fn is_blank(&self) -> bool {
        self.last_non_empty() == 0
    }
    /// One past the index of the last non-empty field (0 if all are empty).
    fn last_non_empty(&self) -> usize {
        if let Some((used, _)) = self.beyond {
            return used;
        }
        self.fields
            .iter()
            .rposition(|f| !is_empty_cell(&f.raw))
            .map_or(0, |i| i + 1)
    }
    /// The first non-empty field from index `from` on.
    fn first_non_empty_from(&self, from: usize) -> Option<Span> {
        self.fields
            .iter()
            .skip(from)
            .find(|f| !is_empty_cell(&f.raw))
            .map(|f| f.span)
            .or(self.beyond.map(|(_, span)| span))
    }
    /// Keep `field`, or past [`MAX_FIELDS`] only count it: a line of millions of delimiters
    /// is no row of a table, and is not held as millions of fields.
    fn push(&mut self, field: Field<'a>) {
        if self.fields.len() < MAX_FIELDS {
            self.fields.push(field);
            return;
        }
        self.skipped += 1;
        if !is_empty_cell(&field.raw) {
            let used = self.fields.len() + self.skipped;
            let first = self.beyond.map_or(field.span, |(_, span)| span);
            self.beyond = Some((used, first));
        }
    }
    fn clear(&mut self) {
        self.fields.clear();
        self.skipped = 0;
        self.beyond = None;
    }
}

fn is_empty_cell(raw: &str) -> bool {
    trim_cell(raw).is_empty()
}

/// `text[a..b]`, or "" if that is not a valid range (it always is: the parser only cuts at
/// ASCII bytes, which are character boundaries).
fn cut(text: &str, a: usize, b: usize) -> &str {
    text.get(a..b).unwrap_or("")
}

/// Splits the text into records and fields (RFC 4180, plus leniency: text after a closing
/// quote is kept, CRLF and LF both end records), one record at a time.
struct Records<'a> {
    text: &'a str,
    delimiter: Option<u8>,
    pos: usize,
    line: usize,
    /// Byte offset of a quote that is never closed; parsing stopped there.
    unclosed_quote: Option<usize>,
}

impl<'a> Records<'a> {
    fn new(text: &'a str, delimiter: Option<u8>) -> Self {
        Records {
            text,
            delimiter,
            pos: 0,
            line: 1,
            unclosed_quote: None,
        }
    }

    /// End of a field or record ending before `pos`: without a CR that precedes LF or EOF.
    fn strip_cr(&self, start: usize, pos: usize) -> usize {
        let b = self.text.as_bytes();
        if pos > start
            && b.get(pos - 1) == Some(&b'\r')
            && (pos == b.len() || b.get(pos) == Some(&b'\n'))
        {
            pos - 1
        } else {
            pos
        }
    }

    /// Index of the first delimiter or line feed at or after `pos`, or the text's length.
    fn field_end(&self, pos: usize) -> usize {
        let b = self.text.as_bytes();
        let rest = b.get(pos..).unwrap_or(&[]);
        let found = match self.delimiter {
            Some(d) => memchr::memchr2(d, b'\n', rest),
            None => memchr::memchr(b'\n', rest),
        };
        found.map_or(b.len(), |i| pos + i)
    }

    /// Read the next record into `record` (its buffers are reused); `false` at the end of the
    /// text or at a quote that is never closed (see `unclosed_quote`).
    fn next_into(&mut self, record: &mut Record<'a>) -> bool {
        let text = self.text;
        let b = text.as_bytes();
        let len = b.len();
        record.clear();
        if self.pos >= len || self.unclosed_quote.is_some() {
            return false;
        }
        let is_delim = |c: u8| Some(c) == self.delimiter;
        let record_start = self.pos;
        record.line = self.line;
        let mut pos = self.pos;
        let record_end;
        loop {
            let field_start = pos;
            if b.get(pos) == Some(&b'"') {
                pos += 1;
                let mut segment = pos;
                // Only a doubled quote or text after the closing quote needs a new string.
                let mut owned: Option<String> = None;
                let content_end;
                loop {
                    match b.get(pos) {
                        None => {
                            self.unclosed_quote = Some(field_start);
                            record.clear();
                            return false;
                        }
                        Some(b'"') => {
                            if b.get(pos + 1) == Some(&b'"') {
                                let s = owned.get_or_insert_with(String::new);
                                s.push_str(cut(text, segment, pos));
                                s.push('"');
                                pos += 2;
                                segment = pos;
                            } else {
                                if let Some(s) = owned.as_mut() {
                                    s.push_str(cut(text, segment, pos));
                                }
                                content_end = pos;
                                pos += 1;
                                break;
                            }
                        }
                        Some(b'\n') => {
                            self.line += 1;
                            pos += 1;
                        }
                        Some(_) => pos += 1,
                    }
                }
                // Anything between the closing quote and the delimiter is kept as written.
                let tail = pos;
                pos = self.field_end(pos);
                let end = self.strip_cr(tail, pos);
                let raw = match owned {
                    Some(mut s) => {
                        s.push_str(cut(text, tail, end));
                        Cow::Owned(s)
                    }
                    None if tail == end => Cow::Borrowed(cut(text, segment, content_end)),
                    None => {
                        let mut s = cut(text, segment, content_end).to_string();
                        s.push_str(cut(text, tail, end));
                        Cow::Owned(s)
                    }
                };
                record.push(Field {
                    span: Span::new(field_start, end),
                    raw,
                });
            } else {
                pos = self.field_end(pos);
                let end = self.strip_cr(field_start, pos);
                record.push(Field {
                    span: Span::new(field_start, end),
                    raw: Cow::Borrowed(cut(text, field_start, end)),
                });
            }
            match b.get(pos) {
                Some(&c) if is_delim(c) => pos += 1,
                Some(b'\n') => {
                    record_end = self.strip_cr(record_start, pos);
                    pos += 1;
                    self.line += 1;
                    break;
                }
                _ => {
                    record_end = self.strip_cr(record_start, pos);
                    break;
                }
            }
        }
        self.pos = pos;
        record.span = Span::new(record_start, record_end);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both fields found in one walk are those `field_span` finds one at a time: plain rows,
    /// short rows, empty fields, quoted fields before, between and after, a CR at the end.
    #[test]
    fn two_fields_in_one_walk_are_those_found_one_by_one() {
        let text =
            "a;b;c\nlång text;;x\r\n\"q;uoted\";b;c\na;\"b;b\";c\nbara en\n;;\na;b;\"c\"\r\n";
        let mut start = 0;
        for line in text.split_inclusive('\n') {
            let body = line.trim_end_matches('\n').trim_end_matches('\r');
            let row = Span::new(start, start + body.len());
            for a in 0..4 {
                for b in 0..4 {
                    assert_eq!(
                        two_field_spans(text, row, Some(b';'), a, b),
                        (
                            field_span(text, row, Some(b';'), a),
                            field_span(text, row, Some(b';'), b)
                        ),
                        "{body:?} {a} {b}"
                    );
                }
            }
            assert_eq!(
                two_field_spans(text, row, None, 0, 1),
                (field_span(text, row, None, 0), None)
            );
            start += line.len();
        }
    }
    use crate::report::{Figure, Unit};
    use rust_decimal::Decimal;
    use std::str::FromStr;

    fn load(bytes: &[u8]) -> (Option<Table>, Sources, Vec<Problem>) {
        let mut sources = Sources::default();
        let mut problems = Vec::new();
        let table = load_csv("t/table.csv", "table", bytes, &mut sources, &mut problems);
        (table, sources, problems)
    }

    #[test]
    fn the_delimiter_is_found_where_memchr_finds_it() {
        // Every length up to past the words looked at one by one, with the delimiter at each
        // place (or nowhere), beside bytes one above and below it and the high bytes of UTF-8.
        for d in [b';', b',', b'\t', 0x80, 0xFF, 0x00] {
            for len in 0..80 {
                for at in (0..len).map(Some).chain([None]) {
                    for filler in [d.wrapping_add(1), d.wrapping_sub(1), 0xC3, b'9'] {
                        let mut hay = vec![filler; len];
                        if let Some(at) = at {
                            hay[at] = d;
                            // A second one after it is never the first.
                            if at + 3 < len {
                                hay[at + 3] = d;
                            }
                        }
                        assert_eq!(
                            find_delimiter(d, &hay),
                            memchr::memchr(d, &hay),
                            "{d} in {hay:?}"
                        );
                    }
                }
            }
        }
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
        for r in 0..table.rows.len() {
            // A row's cells in one pass are its cells one by one.
            let one_by_one: Vec<crate::report::Cell> = (0..table.cell_count(r))
                .filter_map(|c| table.cell(r, c))
                .collect();
            assert_eq!(table.row_cells(r), one_by_one, "row {r}");
        }
        for row in table.iter_rows() {
            assert_eq!(file.line_col(row.span.start).0, row.line);
            for cell in row.cells {
                let written = file.slice(cell.span());
                if let Some(inner) = written.strip_prefix('"').and_then(|w| w.strip_suffix('"')) {
                    assert_eq!(inner.replace("\"\"", "\""), cell.raw(table));
                } else {
                    assert_eq!(written, cell.raw(table));
                }
            }
        }
    }

    /// A file of many kinds of row: figures inline and too large for a cell, texts,
    /// missing values, a ragged row, a short row, CRLF and LF line ends.
    fn varied_rows(n: usize) -> String {
        let mut text = String::from("namn;a;b;c\r\n");
        for i in 0..n {
            let row = match i % 9 {
                0 => format!("rad {i};{i};-{i};1 234,5\r\n"),
                1 => format!("rad {i};12345678901234;..;\n"),
                2 => format!("rad {i};x;y;z;extra\n"),
                3 => format!("rad {i};7\n"),
                4 => "\n".to_string(),
                5 => format!("<i>varav {i}</i>;<i>5</i>;–;6,3 mkr\n"),
                _ => format!("rad {i};{};{};{}\n", i * 3, i % 7, 44_097),
            };
            text.push_str(&row);
        }
        text
    }

    #[test]
    fn whole_numbers_read_straight_are_the_cells_the_general_path_makes() {
        let mut fields = number::fast_path_tests::WHOLE_NUMBER_FORMS.to_vec();
        fields.extend(["\"12\"", "..", "x", "1,5"]);
        let line = fields.join(";");
        let text = std::sync::Arc::new(Text::from(format!("{line}\n")));
        let mut parser = Records::new(&text, Some(b';'));
        let mut record = Record::default();
        assert!(parser.next_into(&mut record));
        let data = DataConfig::defaults();
        let (mut fast, mut general) = (CellStore::new(text.clone()), CellStore::new(text.clone()));
        let built = || RowsBuilder::csv(text.clone(), Some(b';'));
        let (mut a, mut b) = (built(), built());
        make_row(&record, fields.len(), data, true, &mut fast, &mut a);
        make_row(&record, fields.len(), data, false, &mut general, &mut b);
        let (a, b) = (a.full_cells(), b.full_cells());
        assert_eq!(a.len(), fields.len());
        for (i, (x, y)) in a.iter().zip(&b).enumerate() {
            assert_eq!(x.value_in(&fast), y.value_in(&general), "{:?}", fields[i]);
            assert_eq!(x.raw_in(&fast), y.raw_in(&general), "{:?}", fields[i]);
            assert_eq!(x.span(), y.span(), "{:?}", fields[i]);
            assert_eq!(x.inline_number(), y.inline_number(), "{:?}", fields[i]);
        }
        // A marker that reads as a whole number turns the shortcut off.
        let zero_marker = DataConfig {
            zero: vec!["0".into()],
            ..DataConfig::default()
        };
        assert!(number::markers_look_like_integers(&zero_marker));
        assert!(!number::markers_look_like_integers(data));
    }

    #[test]
    fn plain_columns_are_kept_compact_and_give_the_cells_read_in_full() {
        let mut text = String::from("namn;belopp;typ;blandat;citerad;stor\r\n");
        for i in 0..300 {
            // A quoted field with the delimiter in it before the plain columns.
            let namn = if i % 50 == 0 {
                format!("\"Rad; {i}\"")
            } else {
                format!(" Rad {i} ")
            };
            let belopp = if i % 10 == 3 {
                String::new()
            } else {
                format!("-{i} {:03}", i % 1000)
            };
            let typ = ["a", "b", ""][i % 3];
            // Whole numbers until a text turns up.
            let blandat = if i == 250 {
                "x".to_string()
            } else {
                (i * 7).to_string()
            };
            // The one mantissa a compact column cannot keep.
            let stor = if i == 7 { "-2147483648" } else { "5" };
            text.push_str(&format!(
                "{namn};{belopp};{typ};{blandat};\"{i}\";{stor}\r\n"
            ));
        }
        text.push_str("kort;1\r\n");
        let (table, _, problems) = load(text.as_bytes());
        let table = table.expect("a table");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(table.compact_columns(), 2, "belopp and typ");

        // The cells as the reader makes them one by one, kept in full.
        let shared = std::sync::Arc::new(Text::from(&text));
        let mut store = CellStore::new(shared.clone());
        let mut parser = Records::new(&shared, Some(b';'));
        let mut record = Record::default();
        assert!(parser.next_into(&mut record));
        let data = DataConfig::defaults();
        let mut r = 0;
        while parser.next_into(&mut record) {
            let row = table.row(r);
            assert_eq!((row.line, row.span), (record.line, record.span));
            assert_eq!(row.cells.len(), 6);
            for (c, cell) in row.cells.iter().enumerate() {
                let expected = match record.fields.get(c) {
                    Some(f) => {
                        store.cell_parsed(f.span, &f.raw, number::parse_cell_borrowed(&f.raw, data))
                    }
                    None => store.cell_parsed(
                        Span::new(record.span.end, record.span.end),
                        "",
                        Parsed::Missing(Missing::Empty),
                    ),
                };
                let at = format!("row {r} column {c}");
                assert_eq!(cell.value(&table), expected.value_in(&store), "{at}");
                assert_eq!(cell.raw(&table), expected.raw_in(&store), "{at}");
                assert_eq!(cell.span(), expected.span(), "{at}");
                assert_eq!(cell.inline_number(), expected.inline_number(), "{at}");
                assert_eq!(table.inline_number(r, c), expected.inline_number(), "{at}");
                assert_eq!(table.raw(r, c), Some(expected.raw_in(&store)), "{at}");
            }
            r += 1;
        }
        assert_eq!(r, table.rows.len());
    }

    /// The rows of `text` (a header of `header_len` fields, then rows) read in one pass and
    /// in five pieces, compared; with the one-pass rows and store, and whether the pieces
    /// were written straight into a table made at its full length.
    fn read_both_ways(text: &str, header_len: usize) -> (RowsRead, CellStore, bool) {
        let text = std::sync::Arc::new(Text::from(text));
        let data = DataConfig::defaults();
        let delimiter = Some(b';');
        let mut header = Record::default();
        let mut parser = Records::new(&text, delimiter);
        assert!(parser.next_into(&mut header));
        let (start, line) = (parser.pos, parser.line);

        // The header's columns up to its last named one, as `read` counts them.
        let first_line = text.lines().next().unwrap_or("");
        let width = first_line
            .split(';')
            .collect::<Vec<_>>()
            .iter()
            .rposition(|name| !name.trim().is_empty())
            .map_or(0, |i| i + 1);

        let mut one_store = CellStore::new(text.clone());
        let built = RowsRead::new(RowsBuilder::csv(text.clone(), delimiter), width);
        let one = read_rows(&mut parser, 1, header_len, built, data, &mut one_store);

        let len = text.len();
        let mut bounds = vec![start];
        for i in 1..5 {
            let from = start + (len - start) * i / 5;
            bounds.push(from + text[from..].find('\n').unwrap() + 1);
        }
        bounds.push(len);
        let mut pieces_store = CellStore::new(text.clone());
        let line_feeds: Vec<usize> = bounds
            .windows(2)
            .map(|w| text[w[0]..w[1]].matches('\n').count())
            .collect();
        let p = Pieces {
            text: &text,
            delimiter,
            line,
            bounds: &bounds,
            line_feeds: &line_feeds,
            header_len,
            width,
            settings: data,
        };
        let presized = read_presized(p, &pieces_store).is_some();
        let pieces = read_chunks(p, &mut pieces_store);

        assert_eq!(pieces.built.rows, one.built.rows);
        let (piece_cells, one_cells) = (pieces.built.full_cells(), one.built.full_cells());
        assert_eq!(piece_cells, one_cells);
        for c in &piece_cells {
            assert_eq!(c.value_in(&pieces_store), c.value_in(&one_store));
            assert_eq!(c.raw_in(&pieces_store), c.raw_in(&one_store));
        }
        assert_eq!(pieces.ragged, one.ragged);
        assert_eq!((pieces.data_rows, pieces.width), (one.data_rows, one.width));
        (one, one_store, presized)
    }

    #[test]
    fn rows_read_in_pieces_are_the_rows_read_in_one_pass() {
        let (one, one_store, presized) = read_both_ways(&varied_rows(20_000), 4);
        assert!(
            !presized,
            "ragged rows and cells in full are read the general way"
        );
        assert_eq!(one.ragged.len(), (0..20_000).filter(|i| i % 9 == 2).count());
        let one_cells = one.built.full_cells();
        assert!(one_cells.iter().any(|c| c.inline_number().is_none()
            && c.value_in(&one_store) != CellValue::Missing(Missing::Empty)));
    }

    #[test]
    fn plain_rows_in_pieces_are_written_into_the_table_at_once() {
        // Plain whole numbers and texts, then rows the fast loop leaves to the general plain
        // reader: blank and empty rows, a text with spaces around it, CRLF, a last line
        // without a line feed.
        let rows = |n: usize, odd: &dyn Fn(usize) -> Option<String>, last: &str| {
            let mut text = String::from("namn;a;b\n");
            for i in 0..n {
                let row = odd(i).unwrap_or_else(|| format!("rad {i};{};-{}\n", i * 3, i % 1000));
                text.push_str(&row);
            }
            text.push_str(last);
            text
        };
        let plain = |_: usize| None;
        let odd = |i: usize| match i % 997 {
            1 => Some("\n".to_string()),
            2 => Some(";;\r\n".to_string()),
            3 => Some(format!(" rad {i} ;{i};7\r\n")),
            _ => None,
        };
        for (text, blank_rows) in [
            (rows(20_000, &plain, ""), 0),
            (rows(20_000, &plain, "sist;1;2"), 0),
            (
                rows(20_000, &odd, "sist;1;2\r"),
                2 * 20_000_usize.div_ceil(997),
            ),
        ] {
            let (one, _, presized) = read_both_ways(&text, 3);
            assert!(presized);
            let lines = text.matches('\n').count() + usize::from(!text.ends_with('\n')) - 1;
            assert_eq!(one.built.rows.len() + blank_rows, lines);
        }
        // A cell kept in full (a marker), a row longer than the header, a text in a column
        // of numbers: read the general way, with the same rows.
        for odd in ["..;1;2\n", "x;1;2;3\n", "x;y;2\n"] {
            let text = rows(20_000, &|i| (i == 15_000).then(|| odd.to_string()), "");
            let (_, _, presized) = read_both_ways(&text, 3);
            assert!(!presized, "{odd:?}");
        }
    }

    #[test]
    fn a_field_found_among_the_marks_of_its_row_is_the_field_found_by_walking() {
        // Rows around 64 bytes long, with empty fields, quotes and a text after the last row.
        let mut text = String::new();
        let mut rows = Vec::new();
        for n in 0..90 {
            let start = text.len();
            let fields: Vec<String> = (0..n % 9)
                .map(|i| match (n + i) % 7 {
                    0 => String::new(),
                    1 => "\"x;y\"".to_string(),
                    2 => "ab\"c".to_string(),
                    _ => "é".repeat((n * 3 + i) % 11),
                })
                .collect();
            text.push_str(&fields.join(";"));
            rows.push(Span::new(start, text.len()));
            text.push_str("\r\n");
        }
        text.push_str(&"x".repeat(70));
        let (mut in_block, mut rows_in_block) = (0, 0);
        for &row in &rows {
            for col in 0..10 {
                let walked = field_span_by_fields(&text, row, b';', col);
                if let Some(found) = field_span_in_block(text.as_bytes(), row, b';', col) {
                    assert_eq!(found, walked, "{:?} field {col}", &text[row.start..row.end]);
                    in_block += 1;
                }
                assert_eq!(field_span(&text, row, Some(b';'), col), walked);
            }
            rows_in_block +=
                usize::from(field_span_in_block(text.as_bytes(), row, b';', 0).is_some());
        }
        assert!(
            in_block > 200 && rows_in_block < rows.len(),
            "{in_block}, {rows_in_block}"
        );
    }

    #[test]
    fn the_first_two_fields_after_a_known_first_field() {
        let text = "Vård och omsorg;Hemtjänst;5\nVård och omsorgs;x;1\nVård;\"y\";2\nVård;z\n";
        let row = |n: usize| {
            let start: usize = text.split_inclusive('\n').take(n).map(str::len).sum();
            let line = text.split_inclusive('\n').nth(n).unwrap();
            Span::new(start, start + line.trim_end().len())
        };
        let cut = |s: Span| &text[s.start..s.end];
        let (a, b) = fields_after(text, row(0), b';', "Vård och omsorg").unwrap();
        assert_eq!((cut(a), cut(b)), ("Vård och omsorg", "Hemtjänst"));
        // A longer first field, a quoted second one: split the usual way.
        assert_eq!(fields_after(text, row(1), b';', "Vård och omsorg"), None);
        assert_eq!(fields_after(text, row(2), b';', "Vård"), None);
        // The second field runs to the row's end.
        let (_, b) = fields_after(text, row(3), b';', "Vård").unwrap();
        assert_eq!(cut(b), "z");
        assert!(plain_field("Vård", b';') && !plain_field("a;b", b';') && !plain_field("", b';'));
    }

    #[test]
    fn empty_fields_and_empty_columns_at_the_end_are_written_into_the_table_at_once() {
        // As Excel saves a sheet with a few unused columns: every row ends in `;;;`, and
        // some figures are left empty.
        let rows = |n: usize, odd: &dyn Fn(usize) -> Option<String>| {
            let mut text = String::from("namn;a;b;;;\n");
            for i in 0..n {
                let row = odd(i).unwrap_or_else(|| match i % 7 {
                    3 => format!("rad {i};;{}\r\n;;;", i % 1000),
                    5 => format!("rad {i};{};;;;\n", i * 3),
                    _ => format!("rad {i};{};-{};;;\n", i * 3, i % 1000),
                });
                text.push_str(&row.replace("\r\n;;;", ";;;\r\n"));
            }
            text
        };
        let text = rows(20_000, &|_| None);
        let (one, _, presized) = read_both_ways(&text, 6);
        assert!(presized);
        assert_eq!(one.built.rows.len(), 20_000);
        assert_eq!(one.width, 3, "empty fields at the end are no cells");
        // Blank rows, and a row whose first figure is empty, are read alike.
        let odd = |i: usize| match i % 997 {
            1 => Some(";;;;;\n".to_string()),
            2 => Some(format!("rad {i};;;;;\n")),
            _ => None,
        };
        let (one, _, presized) = read_both_ways(&rows(20_000, &odd), 6);
        assert!(presized);
        assert_eq!(one.built.rows.len(), 20_000 - 20_000_usize.div_ceil(997));
        // Something in a column that was empty in the first row: read the general way, with
        // the same rows and width.
        for odd in ["x;1;2;;y;\n", "x;1;2;;7;\n"] {
            let text = rows(20_000, &|i| (i == 15_000).then(|| odd.to_string()));
            let (one, _, presized) = read_both_ways(&text, 6);
            assert!(!presized, "{odd:?}");
            assert_eq!(one.width, 5, "{odd:?}");
        }
    }

    #[test]
    fn a_large_file_without_quotes_is_read_in_pieces_with_its_lines() {
        let text = varied_rows(200_000);
        assert!(text.len() > CHUNKED_FROM);
        assert!(chunks(&text, 12, None).is_some() || rayon::current_num_threads() < 2);
        let (table, sources, problems) = load(text.as_bytes());
        let table = table.expect("a table");
        let file = sources.get(table.source);
        for row in &table.rows {
            assert_eq!(file.line_col(row.span().start).0, row.line());
        }
        // Every ragged row is said: a hundred one by one, the rest counted in one more.
        let ragged: Vec<&Problem> = problems
            .iter()
            .filter(|p| p.code == "data::ragged-row")
            .collect();
        assert_eq!(ragged.len(), crate::problem::LISTED_PER_FILE + 1);
        assert_eq!(
            ragged.iter().map(|p| 1 + p.more as usize).sum::<usize>() - 1,
            (0..200_000).filter(|i| i % 9 == 2).count()
        );
        // A quote anywhere: one pass, as a quoted field may hold a line feed.
        let quoted = format!("{text}\"rad\nmed radbrytning\";1;2;3\n");
        assert!(chunks(&quoted, 12, None).is_none());
        // Where the last quote is may be known from the scan of a mapped text: a quote in the
        // header (before the rows' start) does not stop the pieces, one in the rows does.
        if rayon::current_num_threads() >= 2 {
            assert!(chunks(&text, 12, Some(Some(3))).is_some());
            assert!(chunks(&text, 12, Some(None)).is_some());
        }
        assert!(chunks(&text, 12, Some(Some(12))).is_none());
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
        assert_eq!(table.rows[0].line(), 2);
        assert_eq!(table.rows[2].line(), 4);
        assert_eq!(
            table.row_cells(0)[0].value(&table),
            CellValue::Text("Kultur".into())
        );
        assert_eq!(table.row_cells(0)[3].value(&table), number("-14", 0, None));
        assert_eq!(
            table.row_cells(1)[1].value(&table),
            number("297560", 0, None)
        );
        assert_eq!(sources.get(table.source).name, "t/table.csv");
        assert_eq!(
            sources.get(table.source).slice(table.rows[1].span()),
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
        assert_eq!(file.slice(table.row_cells(0)[0].span()), "Äldrenämnden");
        assert_eq!(file.slice(table.row_cells(0)[1].span()), "1 030,5");
        assert_eq!(file.slice(table.row_cells(0)[2].span()), "4,3 %");
        assert_eq!(
            table.row_cells(0)[1].value(&table),
            number("1030.5", 1, None)
        );
        assert_eq!(
            table.row_cells(0)[2].value(&table),
            number("4.3", 1, Some(Unit::Pct))
        );
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
        assert_eq!(table.row_cells(0)[0].raw(&table), "Överförmyndare");
        assert_eq!(table.row_cells(0)[1].value(&table), number("12", 0, None));
        assert_spans(&table, &sources);

        let mut be = vec![0xFE, 0xFF];
        for u in text.encode_utf16() {
            be.extend_from_slice(&u.to_be_bytes());
        }
        let (table, _, problems) = load(&be);
        assert!(problems.is_empty(), "{problems:?}");
        let table = table.expect("a table");
        assert_eq!(table.row_cells(0)[0].raw(&table), "Överförmyndare");
    }

    #[test]
    fn utf16_without_bom_is_decoded() {
        let text = "Nämnd;Utfall\r\nÖverförmyndare;12\r\nÅsa;-3\r\n";
        for little in [true, false] {
            let bytes: Vec<u8> = text
                .encode_utf16()
                .flat_map(|u| {
                    if little {
                        u.to_le_bytes()
                    } else {
                        u.to_be_bytes()
                    }
                })
                .collect();
            let (table, sources, problems) = load(&bytes);
            assert!(problems.is_empty(), "{problems:?}");
            let table = table.expect("a table");
            assert_eq!(table.row_cells(1)[0].raw(&table), "Åsa");
            assert_eq!(table.row_cells(1)[1].value(&table), number("-3", 0, None));
            assert_spans(&table, &sources);
        }
        // A file with a NUL here and there is still no text.
        assert!(super::utf16_without_bom(b"a;b\n1\x00;2\n").is_none());
        // Chinese in UTF-16 has few NUL high bytes: not read, but the help says what it is.
        let bytes: Vec<u8> = "名前;金額\n東京;12\n大阪;7\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let (table, _, problems) = load(&bytes);
        assert!(table.is_none());
        let help = problems[0].help.as_deref().unwrap_or("");
        assert!(
            help.contains("UTF-16 text without a byte order mark"),
            "{help}"
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
        assert_eq!(table.row_cells(0)[0].raw(&table), "Förvaltning");
        assert_eq!(table.row_cells(1)[0].raw(&table), "År ändrat");
        assert_eq!(table.row_cells(0)[1].value(&table), number("1000", 0, None));
        assert_spans(&table, &sources);
    }

    #[test]
    fn crlf_line_ends_are_not_part_of_cells() {
        let (table, sources, problems) = load(b"A;B\r\nx;1\r\ny;2\r\n");
        let table = table.expect("a table");
        assert!(problems.is_empty());
        assert_eq!(table.headers[1].text, "B");
        assert_eq!(sources.get(table.source).slice(table.headers[1].span), "B");
        assert_eq!(table.row_cells(0)[1].raw(&table), "1");
        assert_eq!(table.rows[1].line(), 3);
        assert_eq!(sources.get(table.source).slice(table.rows[1].span()), "y;2");
        assert_spans(&table, &sources);
    }

    #[test]
    fn lone_cr_line_ends_are_read_as_lines() {
        let (table, _, problems) = load(b"A;B\rx;1\ry;2\r");
        let table = table.expect("a table");
        assert!(problems.is_empty());
        assert_eq!(table.rows.len(), 2);
        assert_eq!(table.rows[1].line(), 3);
    }

    #[test]
    fn lone_crs_among_line_feeds_are_line_ends_too_and_said_once() {
        let (table, sources, problems) = load(b"A;B\r\nx;1\ry;2\nz;\"a\rb\"\r\nw;4\n");
        let table = table.expect("a table");
        // Read once more as lines: nothing of the first reading is left.
        assert_eq!(codes(&problems), ["data::mixed-line-ends"]);
        assert_eq!(problems[0].severity, Severity::Info);
        assert_eq!(sources.len(), 1);
        let lines: Vec<usize> = table.rows.iter().map(|r| r.line()).collect();
        assert_eq!(lines, [2, 3, 4, 6]);
        // Offsets are the file's: the cell `2` is where it was written.
        let two = table.row_cells(1)[1].span();
        assert_eq!(two.start, 11);
        assert_eq!(sources.get(table.source).slice(two), "2");
        // A lone CR inside quotes, in a file that needs nothing else, stays in its cell.
        let (table, _, problems) = load(b"A;B\nz;\"a\rb\"\n");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(table.expect("a table").rows.len(), 1);
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
        assert_eq!(first.line(), 2);
        assert_eq!(table.row_cells(0)[0].raw(&table), "Kultur; fritid");
        assert_eq!(table.row_cells(0)[1].raw(&table), "Rad ett\nrad två");
        assert_eq!(table.row_cells(0)[2].value(&table), number("1000", 0, None));
        let file = sources.get(table.source);
        assert_eq!(
            file.slice(table.row_cells(0)[0].span()),
            "\"Kultur; fritid\""
        );
        assert_eq!(table.row_cells(1)[0].raw(&table), "Säger \"nej\"");
        // Line numbers count the newline inside the quoted field.
        assert_eq!(table.rows[1].line(), 4);
        assert_eq!(table.rows[2].line(), 5);
        assert_eq!(file.slice(table.rows[2].span()), "Skola;ok;7");
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
        assert_eq!(table.row_cells(1).len(), 3);
        assert_eq!(table.rows[1].line(), 4);
    }

    #[test]
    fn short_row_is_padded() {
        let text = "A;B;C\nx;1\n";
        let (table, sources, problems) = load(text.as_bytes());
        let table = table.expect("a table");
        assert!(problems.is_empty());
        let row = &table.rows[0];
        assert_eq!(table.row_cells(0).len(), 3);
        assert_eq!(
            table.row_cells(0)[2].value(&table),
            CellValue::Missing(Missing::Empty)
        );
        assert_eq!(
            table.row_cells(0)[2].span(),
            Span::new(row.span().end, row.span().end)
        );
        assert_eq!(sources.get(table.source).slice(row.span()), "x;1");
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
        assert_eq!(table.rows[0].line(), 3);
        assert_eq!(table.rows[1].line(), 6);
        assert_eq!(table.row_cells(1)[3].value(&table), number("3", 0, None));
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
        assert!(
            problems[0]
                .message
                .ends_with(": line 1, column 1 (byte offset 0) holds the byte 0x01"),
            "{}",
            problems[0].message
        );
    }

    #[test]
    fn a_file_that_is_not_text_says_where_and_which_byte() {
        // Bytes that Windows-1252 leaves undefined, in a file that is otherwise a table.
        let bytes = b"Post;A;B\nx\x81\x8d\x8f\x90\x9d;5;2\n\xe5\xe4\xf6;1;\x96 2\n";
        let (table, _, problems) = load(bytes);
        assert!(table.is_none());
        assert_eq!(codes(&problems), ["data::not-text"]);
        assert_eq!(
            problems[0].message,
            "t/table.csv is not a text file: line 2, column 2 (byte offset 10) holds the byte 0x81"
        );
        assert!(
            problems[0]
                .help
                .as_deref()
                .is_some_and(|h| h.contains("0x81"))
        );
        // In UTF-8 (after a byte order mark) and in UTF-16, a character and its offset.
        let (_, _, problems) = load("\u{feff}Post;å\n\u{1}\u{85}\u{2}".as_bytes());
        assert!(
            problems[0]
                .message
                .ends_with(": line 2, column 1 (byte offset 11) holds the byte 0x01"),
            "{}",
            problems[0].message
        );
        let utf16: Vec<u8> = [0xfeff_u16, 'P' as u16, '\n' as u16, 0x85, 1, 2]
            .iter()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        let (_, _, problems) = load(&utf16);
        assert!(
            problems[0]
                .message
                .ends_with(": line 2, column 1 (byte offset 6) holds the control character U+0085"),
            "{}",
            problems[0].message
        );
    }

    #[test]
    fn comma_delimited_with_quoted_decimal_commas() {
        let text = "Indikator,Utfall,Mål\n\"Sjukfrånvaro\",\"4,3\",\"5,0 %\"\nKöer,12,\"1 000\"\n";
        let (table, sources, problems) = load(text.as_bytes());
        let table = table.expect("a table");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(table.headers.len(), 3);
        assert_eq!(table.row_cells(0)[1].value(&table), number("4.3", 1, None));
        assert_eq!(
            table.row_cells(0)[2].value(&table),
            number("5.0", 1, Some(Unit::Pct))
        );
        assert_eq!(
            sources
                .get(table.source)
                .slice(table.row_cells(0)[1].span()),
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
        assert_eq!(table.row_cells(0)[0].raw(&table), "x");
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
        assert_eq!(table.row_cells(0).len(), 3);
    }

    #[test]
    fn a_name_written_many_times_is_one_warning() {
        let (_, sources, problems) = load("a;B;b;x;b\n1;2;3;4;5\n".as_bytes());
        assert_eq!(codes(&problems), ["data::duplicate-header"]);
        assert!(
            problems[0].message.contains("'B' 3 times"),
            "{}",
            problems[0].message
        );
        let at: Vec<&str> = problems[0]
            .labels
            .iter()
            .map(|l| sources.get(SourceId(0)).slice(l.span))
            .collect();
        assert_eq!(at, ["b", "b", "B"]);
        // A thousand copies: one warning, pointing at the first few.
        let header = vec!["x"; 1_000].join(";");
        let (table, _, problems) = load(format!("{header}\n").as_bytes());
        assert_eq!(table.expect("a table").headers.len(), 1_000);
        assert_eq!(codes(&problems), ["data::duplicate-header"]);
        assert!(problems[0].message.contains("1000 times"));
        assert_eq!(problems[0].labels.len(), 5);
        assert_eq!(
            problems[0].labels[3].text,
            "another column with this name, and 995 more"
        );
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
        // More commas than semicolons in the header, as many semicolons in every row.
        let header = "Verksamhet;Prognos, tkr, 2020;Budget, tkr, 2020;Avvikelse, tkr\n";
        let rows = "Kultur;1 000;900,5;99,5\nSkola;2 000;2 000;0\n";
        assert_eq!(detect_delimiter(&format!("{header}{rows}")), Some(b';'));
        // A title above the table, with Excel's empty cells after it.
        let titled = "Prognos per verksamhet, tkr;;;\n;;;\nA;B;C;D\n1;2;3;4\n";
        assert_eq!(detect_delimiter(titled), Some(b';'));
    }

    #[test]
    fn a_stray_windows_1252_byte_in_a_utf8_file_is_a_warning_at_the_byte() {
        // A no-break space pasted as the single byte 0xA0.
        let mut bytes = "Verksamhet;Prognos\nLinköping;1\nÅtvidaberg;1"
            .as_bytes()
            .to_vec();
        bytes.push(0xA0);
        bytes.extend_from_slice(b"100\n");
        let (table, sources, problems) = load(&bytes);
        assert!(table.is_some());
        assert_eq!(codes(&problems), ["data::not-utf8"]);
        let p = &problems[0];
        assert!(p.message.contains("0xA0"), "{}", p.message);
        let label = &p.labels[0];
        let file = sources.get(label.source);
        // (Columns count the characters as read: `Å` read as `Ã…` is two.)
        assert_eq!(file.line_col(label.span.start).0, 3);
        assert_eq!(
            file.file_span(label.span),
            (bytes.iter().position(|&b| b == 0xA0).unwrap(), 1)
        );
        // A file in Windows-1252 through and through is a note, as before.
        let (_, _, problems) = load(b"Verksamhet;Prognos\nLink\xF6ping;1\n");
        assert_eq!(codes(&problems), ["data::windows-1252"]);
    }

    #[test]
    fn a_first_line_sep_names_the_delimiter() {
        let (table, _, problems) = load(b"sep=,\r\nA,B;C\r\nx,1;2\r\n");
        let table = table.expect("a table");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(table.headers.len(), 2);
        assert_eq!(table.headers[1].text, "B;C");
        assert_eq!(table.rows[0].line(), 3);
        assert_eq!(named_delimiter("\"sep=;\"\nA;B\n"), Some(b';'));
        assert_eq!(named_delimiter("sep=\t\n"), Some(b'\t'));
        assert_eq!(named_delimiter("sep=ab\n"), None);
        assert_eq!(named_delimiter("separat;B\n"), None);
    }

    #[test]
    fn title_lines_above_the_header_are_passed_over() {
        let text = "Helårsprognos per verksamhet, tkr;;;\n;;;\nVerksamhet;Prognos;Budget;Avvikelse\n\
                    Kultur;1 000;900;100\n";
        let (table, _, problems) = load(text.as_bytes());
        let table = table.expect("a table");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(table.headers[0].text, "Verksamhet");
        assert_eq!(table.rows.len(), 1);
        assert_eq!(table.rows[0].line(), 4);
        // Two title lines, and a title that is a figure is no title.
        let (table, _, _) = load("Prognos\nBelopp i tkr\nA;B\nx;1\n".as_bytes());
        assert_eq!(table.expect("a table").headers[1].text, "B");
        let (table, _, _) = load("2020\nA;B\nx;1\n".as_bytes());
        assert_eq!(table.expect("a table").headers[0].text, "2020");
        // A table of one column: its first line is the header.
        let (table, _, _) = load("Namn\nKultur\nSkola\n".as_bytes());
        let table = table.expect("a table");
        assert_eq!(table.headers[0].text, "Namn");
        assert_eq!(table.rows.len(), 2);
    }

    #[test]
    fn single_column_file() {
        let (table, _, problems) = load("Belopp\n1 000\n..\n".as_bytes());
        let table = table.expect("a table");
        assert!(problems.is_empty());
        assert_eq!(table.headers.len(), 1);
        assert_eq!(
            table.row_cells(1)[0].value(&table),
            CellValue::Missing(Missing::NotAvailable)
        );
    }

    #[test]
    fn text_after_a_closing_quote_is_kept() {
        let (table, sources, problems) = load("A;B\n\"x\"y;1\r\n".as_bytes());
        let table = table.expect("a table");
        assert!(problems.is_empty());
        assert_eq!(table.row_cells(0)[0].raw(&table), "xy");
        assert_eq!(
            sources
                .get(table.source)
                .slice(table.row_cells(0)[0].span()),
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
        assert_eq!(table.rows[0].line(), 4);

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
