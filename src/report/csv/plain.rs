//! The rows of a piece of a CSV file without quotes, read in one pass over the piece.
//!
//! A large file is read in pieces in parallel (see `read_chunks`), and only a file without a
//! single quote is cut into pieces: there every line feed ends a record and every delimiter
//! ends a field. This reader finds them all in one scan of the piece and puts the cells
//! straight into the table's columns, without the general parser's records of fields. It
//! reads only rows that are plainly rows of the table (not longer than the header, within
//! the cell limit) and gives up on the piece at the first other row: the general reader then
//! reads the piece again and says what is wrong. Either way the rows, cells and spans are the
//! same.

use super::{MAX_TABLE_CELLS, RowsRead, is_empty_cell, written_as_is};
use crate::config::DataConfig;
use crate::report::{CellStore, Written};
use crate::source::Span;

/// Fields of a row handled here; a table wider than this is left to the general reader.
const MAX_PLAIN_FIELDS: usize = 64;

/// Read the rows of `text[from..to]` (which starts at a line and ends after a line feed, or
/// at the text's end) as the general reader reads them, into `out`; with the number of line
/// feeds read. `None` if a row is not plainly a row of the table (see the module's text):
/// nothing of `out` is then of use.
#[allow(clippy::too_many_arguments)]
pub(super) fn read_plain(
    text: &str,
    from: usize,
    to: usize,
    delimiter: u8,
    header_len: usize,
    out: RowsRead,
    settings: &DataConfig,
    integers_first: bool,
    store: &mut CellStore,
) -> Option<(RowsRead, usize)> {
    if header_len == 0 || header_len > MAX_PLAIN_FIELDS {
        return None;
    }
    let b = text.as_bytes();
    let piece = b.get(from..to)?;
    if memchr::memchr(b'"', piece).is_some() {
        return None;
    }
    let mut rows = Rows {
        text,
        header_len,
        settings,
        integers_first,
        store,
        out,
        line: 0,
    };
    let lines = memchr::memchr_iter(b'\n', piece).count() + 1;
    rows.out
        .built
        .reserve(lines.min(MAX_TABLE_CELLS as usize / header_len + 1));
    let mut fields = [Span::new(0, 0); MAX_PLAIN_FIELDS];
    let mut count = 0;
    let (mut row_start, mut start) = (from, from);
    for at in memchr::memchr2_iter(delimiter, b'\n', piece) {
        let at = from + at;
        *fields.get_mut(count)? = Span::new(start, at);
        count += 1;
        start = at + 1;
        if b.get(at) == Some(&b'\n') {
            rows.row(row_start, fields.get_mut(..count)?)?;
            rows.line += 1;
            (row_start, count) = (start, 0);
        }
    }
    // The last line, without a line feed at the text's end.
    if row_start < to {
        *fields.get_mut(count)? = Span::new(start, to);
        rows.row(row_start, fields.get_mut(..count + 1)?)?;
    }
    Some((rows.out, rows.line))
}

/// The rows read so far, and what reading one needs.
struct Rows<'t, 's> {
    text: &'t str,
    header_len: usize,
    settings: &'s DataConfig,
    integers_first: bool,
    store: &'s mut CellStore,
    out: RowsRead,
    /// Line feeds before the row being read.
    line: usize,
}

impl Rows<'_, '_> {
    /// The row starting at `start` whose fields are `fields` (the last one up to the line
    /// feed or the text's end); `None` if it is not plainly a row of the table.
    fn row(&mut self, start: usize, fields: &mut [Span]) -> Option<()> {
        let b = self.text.as_bytes();
        let last = fields.last_mut()?;
        // A CR before the line feed (or at the text's end) is not part of the row.
        if last.end > last.start && b.get(last.end - 1) == Some(&b'\r') {
            last.end -= 1;
        }
        let end = last.end;
        let field = |s: &Span| self.text.get(s.start..s.end).unwrap_or("");
        let used = fields
            .iter()
            .rposition(|f| !is_empty_cell(field(f)))
            .map_or(0, |i| i + 1);
        if used == 0 {
            // A blank row: skipped.
            return Some(());
        }
        // A row longer than the header is a problem, which the general reader tells.
        if used > self.header_len {
            return None;
        }
        let out = &mut self.out;
        out.data_rows += 1;
        out.width = out.width.max(used);
        if (out.data_rows as u64).saturating_mul(out.width as u64) > MAX_TABLE_CELLS {
            return None;
        }
        for (col, f) in fields.iter().take(self.header_len).enumerate() {
            let written =
                written_as_is(field(f), *f, self.settings, self.integers_first, self.store);
            out.built.push(col, written);
        }
        // A short row is padded with empty cells at its end, up to the header's length.
        for col in fields.len()..self.header_len {
            out.built.push(col, Written::Empty(Span::new(end, end)));
        }
        out.built
            .end_row(self.line, Span::new(start, end), self.header_len);
        Some(())
    }
}

/// The rows of `text` after its first line, read by this reader and by the general one,
/// with the file's own delimiter and the default markers: `Ok(true)` if they agree, `Ok(false)`
/// if this reader left the rows to the general one, `Err` with where they differ. For the
/// tests and the `csv` fuzz target: a file large enough to be read in pieces is too large
/// for a fuzzer to write.
#[doc(hidden)]
pub fn compare_with_general_reader(text: &str) -> Result<bool, String> {
    use super::{Record, Records, read_rows};
    use crate::report::RowsBuilder;
    let text = std::sync::Arc::new(text.to_string());
    let Some(delimiter) = super::detect_delimiter(&text) else {
        return Ok(false);
    };
    let data = DataConfig::defaults();
    let mut parser = Records::new(&text, Some(delimiter));
    let mut header = Record::default();
    if !parser.next_into(&mut header) {
        return Ok(false);
    }
    let (header_len, width) = (header.fields.len(), header.last_non_empty());
    let start = parser.pos;
    parser.line = 0;
    let built = || RowsRead::new(RowsBuilder::csv(text.clone(), Some(delimiter)), width);
    let mut plain_store = CellStore::new(text.clone());
    let integers_first = !crate::report::number::markers_look_like_integers(data);
    let plain = read_plain(
        &text,
        start,
        text.len(),
        delimiter,
        header_len,
        built(),
        data,
        integers_first,
        &mut plain_store,
    );
    let Some((plain, plain_lines)) = plain else {
        return Ok(false);
    };
    let mut store = CellStore::new(text.clone());
    let general = read_rows(&mut parser, 0, header_len, built(), data, &mut store);
    let differ = |what: &str| Err(format!("the readers differ in {what}"));
    if plain_lines != parser.line {
        return differ("the lines read");
    }
    if plain.built.rows != general.built.rows {
        return differ("the rows");
    }
    let (a, b) = (plain.built.full_cells(), general.built.full_cells());
    if a != b {
        return differ("the cells");
    }
    for (x, y) in a.iter().zip(&b) {
        if x.value_in(&plain_store) != y.value_in(&store)
            || x.raw_in(&plain_store) != y.raw_in(&store)
        {
            return differ(&format!("the cell at {:?}", x.span()));
        }
    }
    if (plain.data_rows, plain.width, plain.too_large)
        != (general.data_rows, general.width, general.too_large)
        || !general.ragged.is_empty()
    {
        return differ("the rows counted");
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows of every plain kind: figures in every form, markers, texts with spaces around,
    /// blank and empty rows, short rows, CRLF and a last line without a line feed.
    fn plain_rows(n: usize, last: &str) -> String {
        let mut text = String::from("namn;a;b;c;;\r\n");
        for i in 0..n {
            let row = match i % 11 {
                0 => format!("rad {i};{i};-{i};1 234,5\r\n"),
                1 => format!("rad {i};12345678901234;..;\n"),
                2 => format!(" rad {i} ;\u{a0}7\u{a0};−1 116;\r\n"),
                3 => format!("rad {i};7\n"),
                4 => "\n".to_string(),
                5 => format!("<i>varav {i}</i>;<i>5</i>;–;6,3 mkr\n"),
                6 => ";;;;;\r\n".to_string(),
                7 => format!("rad {i};1 2;12 3456;x\r\r\n"),
                8 => format!("\r{i};;;\n"),
                _ => format!("rad {i};{};{};{}\n", i * 3, i % 7, 44_097),
            };
            text.push_str(&row);
        }
        text.push_str(last);
        text
    }

    #[test]
    fn plain_rows_are_read_as_the_general_reader_reads_them() {
        for last in ["", "rad sist;1;2;3", "rad sist;1\r", "\r", ";;"] {
            let text = plain_rows(2_000, last);
            assert_eq!(compare_with_general_reader(&text), Ok(true), "{last:?}");
        }
    }

    #[test]
    fn a_row_longer_than_the_header_or_a_quote_is_left_to_the_general_reader() {
        let ragged = plain_rows(100, "rad;1;2;3;4;5;6\n");
        assert_eq!(compare_with_general_reader(&ragged), Ok(false));
        let quoted = plain_rows(100, "\"rad\";1\n");
        assert_eq!(compare_with_general_reader(&quoted), Ok(false));
    }
}
