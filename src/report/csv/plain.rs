//! The rows of a piece of a CSV file without quotes, read in one pass over the piece.
//!
//! A large file is read in pieces in parallel (see `read_chunks`), and only a file without a
//! single quote is cut into pieces: there every line feed ends a record and every delimiter
//! ends a field. This reader reads a row of plain numbers and texts in one pass over its
//! bytes, splits any other row at its delimiters, and puts the cells straight into the
//! table's columns, without the general parser's records of fields. It reads only rows that
//! are plainly rows of the table (not longer than the header, within the cell limit) and
//! gives up on the piece at the first other row: the general reader then reads the piece
//! again and says what is wrong. Either way the rows, cells and spans are the same.

use super::{MAX_TABLE_CELLS, RowsRead, is_empty_cell, written_as_is};
use crate::config::DataConfig;
use crate::report::number::plainly_text;
use crate::report::table::EMPTY;
use crate::report::table::Stretch;
use crate::report::{CellStore, Written};
use crate::source::Span;

/// Fields of a row handled here; a table wider than this is left to the general reader.
const MAX_PLAIN_FIELDS: usize = 64;

/// What reading any piece of a file's rows needs: the whole text (spans are offsets into
/// it), its delimiter, the header's length, and how cells read.
#[derive(Clone, Copy)]
pub(super) struct Plain<'a> {
    pub text: &'a str,
    pub delimiter: u8,
    pub header_len: usize,
    pub settings: &'a DataConfig,
    /// Whether a field that starts with a digit or a minus is tried as a whole number first
    /// (no `[data]` marker reads as one).
    pub integers_first: bool,
}

/// Read the rows of `text[from..to]` (which starts at a line and ends after a line feed, or
/// at the text's end, and holds no quote and `line_feeds` line feeds) as the general reader
/// reads them, into `out`; with the number of line feeds read. `None` if a row is not
/// plainly a row of the table (see the module's text): nothing of `out` is then of use.
pub(super) fn read_plain(
    p: Plain<'_>,
    from: usize,
    to: usize,
    out: RowsRead,
    store: &mut CellStore,
    line_feeds: usize,
) -> Option<(RowsRead, usize)> {
    let header_len = p.header_len;
    let (text, delimiter) = (p.text, p.delimiter);
    let b = text.as_bytes();
    let mut rows = Rows::new(p, store, out)?;
    rows.out
        .built
        .reserve((line_feeds + 1).min(MAX_TABLE_CELLS as usize / header_len + 1));
    let mut fields = [Span::new(0, 0); MAX_PLAIN_FIELDS];
    let mut pos = from;
    while pos < to {
        if let Some(next) = rows.simple_row(pos, to) {
            rows.line += 1;
            pos = next;
            continue;
        }
        // Any other row: split at every delimiter up to its line feed (or the text's end).
        let line = b.get(pos..to)?;
        let line_end = memchr::memchr(b'\n', line).map_or(to, |at| pos + at);
        let mut count = 0;
        let mut start = pos;
        for at in memchr::memchr_iter(delimiter, b.get(pos..line_end)?) {
            *fields.get_mut(count)? = Span::new(start, pos + at);
            count += 1;
            start = pos + at + 1;
        }
        *fields.get_mut(count)? = Span::new(start, line_end);
        rows.row(pos, fields.get_mut(..count + 1)?)?;
        if line_end < to {
            rows.line += 1;
        }
        pos = line_end + 1;
    }
    Some((rows.out, rows.line))
}

/// [`read_plain`] of `text[from..to]` into `stretch`, a piece's part of a table made at its
/// full length (`RowsBuilder::presized`): the line feeds read, and the width of the rows.
/// A row of any other kind than [`Rows::simple_row`] reads ends the fast loop; the rest of
/// the piece is then read by [`read_plain`] into `out` and put after, if its columns are of
/// the stretch's kinds. `None` if they are not, or if [`read_plain`] gives up: the pieces
/// are then read again the general way.
pub(super) fn read_plain_into(
    p: Plain<'_>,
    from: usize,
    to: usize,
    out: RowsRead,
    store: &mut CellStore,
    line_feeds: usize,
    stretch: &mut Stretch<'_>,
) -> Option<(usize, usize)> {
    let width = out.width;
    let mut rows = Rows::new(p, store, out)?;
    let mut pos = from;
    while pos < to {
        if let Some(next) = rows.direct_row(pos, to, stretch) {
            rows.line += 1;
            pos = next;
            continue;
        }
        let Some((next, row_end)) = rows.simple_cells(pos, to) else {
            let line = rows.line;
            let Rows {
                out, store, widest, ..
            } = rows;
            let rest = line_feeds.saturating_sub(line);
            let (tail, lines) = read_plain(p, pos, to, out, store, rest)?;
            let fits = tail.ragged.is_empty()
                && !tail.too_large
                && store.is_empty()
                && stretch.push_built(&tail.built, line);
            return fits.then_some((line + lines, tail.width.max(widest)));
        };
        if !stretch.push_row(&rows.cells, rows.line, Span::new(pos, row_end)) {
            return None;
        }
        rows.line += 1;
        pos = next;
    }
    Some((rows.line, width.max(rows.widest)))
}

/// The rows read so far, and what reading one needs.
struct Rows<'t, 's> {
    text: &'t str,
    delimiter: u8,
    header_len: usize,
    settings: &'s DataConfig,
    integers_first: bool,
    store: &'s mut CellStore,
    out: RowsRead,
    /// Line feeds before the row being read.
    line: usize,
    /// The cells of the row being read by [`Rows::simple_row`], before they are pushed.
    cells: Vec<Written>,
    /// The length of the longest missing-value or zero marker of `settings`.
    longest_marker: usize,
    /// Columns up to the last one a row read by [`Rows::simple_cells`] or
    /// [`Rows::direct_row`] has a cell in (trailing empty fields are no cells).
    widest: usize,
}

impl<'t, 's> Rows<'t, 's> {
    /// `None` for a table this reader leaves to the general one: without columns, or wider
    /// than [`MAX_PLAIN_FIELDS`].
    fn new(p: Plain<'t>, store: &'s mut CellStore, out: RowsRead) -> Option<Self>
    where
        't: 's,
    {
        let Plain {
            text,
            delimiter,
            header_len,
            settings,
            integers_first,
        } = p;
        if header_len == 0 || header_len > MAX_PLAIN_FIELDS {
            return None;
        }
        Some(Rows {
            text,
            delimiter,
            header_len,
            settings,
            integers_first,
            store,
            out,
            line: 0,
            cells: Vec::with_capacity(header_len),
            longest_marker: settings
                .missing
                .iter()
                .chain(&settings.zero)
                .map(String::len)
                .max()
                .unwrap_or(0),
            widest: 0,
        })
    }

    /// The row at `start` if it is the kind nearly every row of a large file is: as many
    /// fields as the header, each a whole number written as is or a text that reads as
    /// itself, and a line feed at its end before `to`. Its bytes are looked at once: each
    /// number is read while its end is looked for. Returns where the next row starts; `None`
    /// (with nothing kept) for any other row, which [`Rows::row`] then reads. Every cell is
    /// what [`written_as_is`] makes of its field, and the row is what [`Rows::row`] makes of
    /// it.
    fn simple_row(&mut self, start: usize, to: usize) -> Option<usize> {
        let out = &self.out;
        let rows = out.data_rows + 1;
        if (rows as u64).saturating_mul(out.width.max(self.header_len) as u64) > MAX_TABLE_CELLS {
            return None;
        }
        let (next, row_end) = self.simple_cells(start, to)?;
        let out = &mut self.out;
        out.data_rows = rows;
        out.width = out.width.max(self.widest);
        out.built
            .push_row(&self.cells, self.line, Span::new(start, row_end));
        Some(next)
    }

    /// The row at `start` written straight into `stretch`, whose columns' kinds are known:
    /// each field read as its column asks (a whole number written as is, or a text that
    /// starts with a letter and is longer than every marker), with no cell made in between.
    /// Where the next row starts; `None` for any other row (what was set of it is written
    /// over), which [`Rows::simple_cells`] then reads as it reads every row. A row taken here
    /// is the one [`Rows::simple_cells`] and [`Stretch::push_row`] make of it.
    #[inline]
    fn direct_row(&mut self, start: usize, to: usize, stretch: &mut Stretch<'_>) -> Option<usize> {
        if !self.integers_first || !stretch.has_room(self.header_len) {
            return None;
        }
        let b = self.text.as_bytes().get(..to)?;
        let last = self.header_len.checked_sub(1)?;
        let mut pos = start;
        let mut row_end = start;
        // Fields found empty, by column (a row is at most 64 fields wide).
        let mut empties: u64 = 0;
        for col in 0..=last {
            // An empty field is looked for only where the field is not what its column
            // mostly holds: the test costs a tenth of a row's reading when made on every field.
            let (end, after) = if stretch.is_integers(col) {
                match integer_field(b, pos, self.delimiter) {
                    Some((value, end)) => {
                        let m = i32::try_from(value).ok().filter(|&m| m != EMPTY)?;
                        stretch.set_integer(col, m);
                        let cr = col == last && b.get(end) == Some(&b'\r');
                        (end, end + usize::from(cr))
                    }
                    None => {
                        let after = empty_field(b, pos, col == last, self.delimiter)?;
                        stretch.set_integer(col, EMPTY);
                        empties |= 1 << col;
                        (pos, after)
                    }
                }
            } else if b.get(pos)?.is_ascii_alphabetic() && !stretch.stays_empty(col) {
                let after = pos + field_end(self.delimiter, b.get(pos..)?)?;
                let cr = col == last && b.get(after - 1) == Some(&b'\r');
                let end = after - usize::from(cr);
                if end - pos <= self.longest_marker || !b.get(end - 1)?.is_ascii_graphic() {
                    return None;
                }
                (end, after)
            } else {
                empties |= 1 << col;
                (pos, empty_field(b, pos, col == last, self.delimiter)?)
            };
            let ends = if col == last { b'\n' } else { self.delimiter };
            if b.get(after) != Some(&ends) {
                return None;
            }
            row_end = end;
            pos = after + 1;
        }
        if empties != 0 {
            // Columns up to the last one with a cell; none is a blank row, which
            // `Rows::row` skips.
            let used = (0..=last).rev().find(|&c| empties & (1 << c) == 0)?;
            self.widest = self.widest.max(used + 1);
        } else {
            self.widest = self.header_len;
        }
        stretch.end_row(self.line, Span::new(start, row_end));
        Some(pos)
    }

    /// The cells of the row at `start` into `self.cells`, if it is a row [`Rows::simple_row`]
    /// takes: where the next row starts, and where this one's text ends.
    fn simple_cells(&mut self, start: usize, to: usize) -> Option<(usize, usize)> {
        let b = self.text.as_bytes().get(..to)?;
        let last = self.header_len.checked_sub(1)?;
        self.cells.clear();
        let mut pos = start;
        let mut row_end = start;
        let mut used = 0;
        for col in 0..=last {
            let first = *b.get(pos)?;
            // The field's end, and the byte after it that ends it.
            let (cell, end, after) =
                if let Some(after) = empty_field(b, pos, col == last, self.delimiter) {
                    (Written::Empty(Span::new(pos, pos)), pos, after)
                } else if self.integers_first && (first.is_ascii_digit() || first == b'-') {
                    let (value, end) = integer_field(b, pos, self.delimiter)?;
                    let m = i32::try_from(value).ok()?;
                    // A CR before the line feed is not part of the row.
                    let after = if col == last && b.get(end) == Some(&b'\r') {
                        end + 1
                    } else {
                        end
                    };
                    (Written::Integer(Span::new(pos, end), m), end, after)
                } else if first.is_ascii_alphabetic() {
                    let after = pos + field_end(self.delimiter, b.get(pos..)?)?;
                    let end = if col == last && b.get(after - 1) == Some(&b'\r') {
                        after - 1
                    } else {
                        after
                    };
                    // Longer than every marker and with nothing to trim at its end, a text
                    // that starts with a letter is one (`plainly_text`).
                    let long = end - pos > self.longest_marker
                        && b.get(end - 1).is_some_and(u8::is_ascii_graphic);
                    if !long && !plainly_text(self.text.get(pos..end)?, self.settings) {
                        return None;
                    }
                    (Written::Text(Span::new(pos, end)), end, after)
                } else {
                    return None;
                };
            let ends = if col == last { b'\n' } else { self.delimiter };
            if b.get(after) != Some(&ends) {
                return None;
            }
            if !matches!(cell, Written::Empty(_)) {
                used = col + 1;
            }
            self.cells.push(cell);
            row_end = end;
            pos = after + 1;
        }
        // A blank row is skipped, which `Rows::row` does.
        if used == 0 {
            return None;
        }
        self.widest = self.widest.max(used);
        Some((pos, row_end))
    }

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

/// [`number::plain_integer_value`] of the field at `start` of `b`, read while its end is
/// looked for: the value and where the field ends. `None` unless the field is a plain whole
/// number ended by the delimiter `d`, a line feed, a CR or the end of `b`.
#[inline(always)]
fn integer_field(b: &[u8], start: usize, d: u8) -> Option<(i64, usize)> {
    let negative = b.get(start) == Some(&b'-');
    let digits_start = start + usize::from(negative);
    match integer_in_word(b, digits_start, d) {
        Some(Some((value, end))) => Some((if negative { -value } else { value }, end)),
        Some(None) => None,
        None => integer_field_by_bytes(b, start, d),
    }
}

/// [`integer_field`]'s answer for the digits at `at`, from the eight bytes there read as one
/// word, for a number below a million (`44 097`, `188543`) and what ends it: `Some(None)`
/// where [`integer_field_by_bytes`] says `None`, and `None` (ask it) for anything longer, a
/// second group of digits, or fewer than eight bytes left. Most figures of a report are such
/// numbers; byte by byte each took about 90 instructions.
#[inline(always)]
fn integer_in_word(b: &[u8], at: usize, d: u8) -> Option<Option<(i64, usize)>> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let word = u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?);
    // Each byte less '0': a digit's is below 10. The high bit of a byte of `not_digit` is set
    // where it is not a digit (adding 0x76 reaches 0x80 from 10 on, without carrying into the
    // next byte, as the high bit is taken off first).
    let x = word ^ (ONES * 0x30);
    let not_digit = (((x & (ONES * 0x7F)) + ONES * 0x76) | x) & (ONES * 0x80);
    let n = (not_digit.trailing_zeros() / 8) as usize;
    if n == 0 {
        return Some(None);
    }
    if n == 8 {
        return None;
    }
    let ends = |c: u8| c == d || c == b'\n' || c == b'\r';
    let below = |bytes: usize| (1u64 << (8 * bytes)) - 1;
    let next = (word >> (8 * n)) as u8;
    if next == b' ' {
        // One group of three digits after one to three, and then the field's end.
        if n > 3 || (not_digit >> (8 * (n + 1))) & 0x80_8080 != 0 {
            return Some(None);
        }
        return match (word >> (8 * (n + 4))) as u8 {
            b' ' => None,
            c if ends(c) => {
                // The digits of both groups side by side, without the space.
                let group = (x >> (8 * (n + 1))) & below(3);
                let value = digits_value((x & below(n)) | (group << (8 * n)), n + 3);
                Some(Some((value, at + n + 4)))
            }
            _ => Some(None),
        };
    }
    Some(ends(next).then(|| (digits_value(x & below(n), n), at + n)))
}

/// The number whose `count` digits (1 to 7), each's value in a byte, are the low bytes of
/// `x`, the first digit lowest: the bytes are moved to the top and added up pairwise, as in
/// every eight-digit parse by word.
#[inline(always)]
fn digits_value(x: u64, count: usize) -> i64 {
    let x = x << (8 * (8 - count));
    let x = (x.wrapping_mul(10) + (x >> 8)) & 0x00FF_00FF_00FF_00FF;
    let x = (x.wrapping_mul(100) + (x >> 16)) & 0x0000_FFFF_0000_FFFF;
    let x = (x.wrapping_mul(10_000) + (x >> 32)) & 0xFFFF_FFFF;
    x as i64
}

/// [`integer_field`], byte by byte: for any length.
#[cold]
#[inline(never)]
fn integer_field_by_bytes(b: &[u8], start: usize, d: u8) -> Option<(i64, usize)> {
    let negative = b.get(start) == Some(&b'-');
    let digits_start = start + usize::from(negative);
    let mut pos = digits_start;
    let mut value: i64 = 0;
    // The first group: up to 18 digits always fit an i64; longer numbers take the general
    // path.
    while let Some(&c) = b.get(pos).filter(|c| c.is_ascii_digit()) {
        if pos - digits_start == 18 {
            return None;
        }
        value = value * 10 + i64::from(c - b'0');
        pos += 1;
    }
    let first = pos - digits_start;
    if first == 0 {
        return None;
    }
    // Then groups of a space and exactly three digits, after a first group of one to three.
    let mut digits = first;
    while b.get(pos) == Some(&b' ') {
        let &[x, y, z] = b.get(pos + 1..pos + 4)? else {
            return None;
        };
        digits += 3;
        if first > 3 || digits > 18 || ![x, y, z].iter().all(u8::is_ascii_digit) {
            return None;
        }
        value = value * 1000
            + i64::from(x - b'0') * 100
            + i64::from(y - b'0') * 10
            + i64::from(z - b'0');
        pos += 4;
    }
    match b.get(pos) {
        Some(&c) if c != d && c != b'\n' && c != b'\r' => None,
        _ => Some((if negative { -value } else { value }, pos)),
    }
}

/// If the field at `pos` of `b` is empty (the delimiter `d` right there, or the row's end
/// for the `last` field: a line feed, or a CR and a line feed), where the byte that ends it is.
#[inline]
fn empty_field(b: &[u8], pos: usize, last: bool, d: u8) -> Option<usize> {
    match b.get(pos)? {
        &c if c == d && !last => Some(pos),
        b'\n' if last => Some(pos),
        b'\r' if last && b.get(pos + 1) == Some(&b'\n') => Some(pos + 1),
        _ => None,
    }
}

/// Where the first delimiter `d` or line feed in `hay` is. A field is short: its first bytes
/// are looked at eight at a time in a plain word, before `memchr` takes over.
fn field_end(d: u8, hay: &[u8]) -> Option<usize> {
    use crate::words::{bytes_equal, find_in_first_words};
    match find_in_first_words(hay, 4, |w| bytes_equal(w, d) | bytes_equal(w, b'\n')) {
        Ok(at) => Some(at),
        Err(seen) => memchr::memchr2(d, b'\n', hay.get(seen..)?).map(|at| seen + at),
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
    let text = std::sync::Arc::new(crate::source::Text::from(text));
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
    let rows = text.get(start..).unwrap_or_default().as_bytes();
    if memchr::memchr(b'"', rows).is_some() {
        return Ok(false);
    }
    let line_feeds = memchr::memchr_iter(b'\n', rows).count();
    let p = Plain {
        text: &text,
        delimiter,
        header_len,
        settings: data,
        integers_first,
    };
    let plain = read_plain(p, start, text.len(), built(), &mut plain_store, line_feeds);
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

    /// Every string of up to `len` bytes of `alphabet`, the empty one first.
    fn every_string(alphabet: &[u8], len: usize) -> Vec<Vec<u8>> {
        let mut all: Vec<Vec<u8>> = vec![Vec::new()];
        let mut last = all.clone();
        for _ in 0..len {
            last = last
                .iter()
                .flat_map(|f| alphabet.iter().map(move |&c| [f.as_slice(), &[c]].concat()))
                .collect();
            all.extend(last.iter().cloned());
        }
        all
    }

    #[test]
    fn a_field_is_read_as_a_whole_number_exactly_when_plain_integer_value_reads_it() {
        use crate::report::number::plain_integer_value;
        // Every string of up to five of these bytes, then longer runs of digits and groups.
        let mut fields = every_string(b"109 -a\r,.", 5);
        for n in 1..=22 {
            let digits = "9".repeat(n);
            fields.push(digits.clone().into_bytes());
            fields.push(format!("-{digits}").into_bytes());
            let grouped: Vec<String> = (0..n)
                .map(|i| ["1", "234"][usize::from(i > 0)].to_string())
                .collect();
            fields.push(grouped.join(" ").into_bytes());
            fields.push(format!("-{}", grouped.join(" ")).into_bytes());
        }
        for field in &fields {
            let text = String::from_utf8_lossy(field);
            for ending in ["", ";x", "\n", "\r\n"] {
                let row = format!("{text}{ending}");
                // The number ends at the first delimiter, line feed or CR; the row reader
                // checks what follows a CR.
                let head = row.split([';', '\n', '\r']).next().unwrap_or("");
                let expected = plain_integer_value(head).map(|v| (v, head.len()));
                assert_eq!(integer_field(row.as_bytes(), 0, b';'), expected, "{row:?}");
            }
        }
    }

    /// The word at a time and the byte by byte reading agree on every field of up to six
    /// bytes of digits, spaces, signs, line ends and others, with and without more bytes
    /// after it.
    #[test]
    fn a_number_read_as_a_word_is_the_number_read_byte_by_byte() {
        let fields = every_string(b"019 -;\n\rx", 6);
        let mut in_word = 0;
        for field in &fields {
            for tail in [&b""[..], b";", b"\n12 345;", b"99999999"] {
                let row = [field.as_slice(), tail].concat();
                let word = integer_field(&row, 0, b';');
                assert_eq!(word, integer_field_by_bytes(&row, 0, b';'), "{row:?}");
                in_word += usize::from(integer_in_word(&row, 0, b';').is_some());
            }
        }
        assert!(in_word > fields.len(), "the word is read for most of them");
    }

    #[test]
    fn a_row_longer_than_the_header_or_a_quote_is_left_to_the_general_reader() {
        let ragged = plain_rows(100, "rad;1;2;3;4;5;6\n");
        assert_eq!(compare_with_general_reader(&ragged), Ok(false));
        let quoted = plain_rows(100, "\"rad\";1\n");
        assert_eq!(compare_with_general_reader(&quoted), Ok(false));
    }
}
