//! An inline table written verbatim in a test file: read from its own text, as a CSV file
//! holding just that table would be, then placed where it is written, so that its cells, its
//! rows and the problems found in it point into the test file.
//!
//! The reader is not given the test file with everything before the table blanked out: it
//! decides the delimiter from the first MiB of its text, which for a table far down a long
//! test file would be nothing but blanks (the table read as one column), and a copy of the
//! file up to each table would make a file of many tests take memory and time growing with
//! the square of its size.

use crate::problem::Problem;
use crate::report::csv::load_csv;
use crate::report::{Header, LooseCell, LooseRow, Table};
use crate::source::{SourceFile, SourceId, Sources, Span};

/// What the reader is given before the table's text: a blank line, skipped as any blank line
/// before a header is. A byte order mark at the start of the table then stays a character of
/// its first header, as it is in the test file, rather than being taken for the encoding.
const LEAD: &str = "\n";

/// The reader's line of the table's first line: the one after [`LEAD`].
const FIRST_LINE: usize = 2;

/// Where the reader's text ([`LEAD`], then the table) lies in the test file.
#[derive(Clone, Copy, Debug)]
struct Placement {
    /// Where the table starts in the test file.
    start: usize,
    /// The 1-based line and column (in characters) of `start` in the test file.
    line: usize,
    column: usize,
}

impl Placement {
    fn offset(&self, at: usize) -> usize {
        (at + self.start).saturating_sub(LEAD.len())
    }

    fn span(&self, s: Span) -> Span {
        Span::new(self.offset(s.start), self.offset(s.end))
    }

    fn line(&self, line: usize) -> usize {
        (line + self.line).saturating_sub(FIRST_LINE)
    }

    /// A column on the reader's `line`: only on the table's first line does the test file
    /// have something before it.
    fn column(&self, line: usize, column: usize) -> usize {
        if line == FIRST_LINE {
            column + self.column.saturating_sub(1)
        } else {
            column
        }
    }

    /// A message of the reader with the places it names (after "line ", "lines ", the dash
    /// of a range of lines, "column ", "byte offset ") made those of the test file.
    fn message(&self, said: &str) -> String {
        #[derive(PartialEq)]
        enum Was {
            Line,
            Other,
        }
        let mut out = String::with_capacity(said.len() + 8);
        let mut rest = said;
        // The line last named, as the reader counted it: the line of a column named next.
        let mut line = None;
        let mut was = Was::Other;
        while let Some(d) = rest.find(|c: char| c.is_ascii_digit()) {
            let end = rest[d..]
                .find(|c: char| !c.is_ascii_digit())
                .map_or(rest.len(), |e| d + e);
            let before = &rest[..d];
            out.push_str(before);
            let digits = &rest[d..end];
            let n: Option<usize> = digits.parse().ok();
            let is_line = before.ends_with("line ")
                || before.ends_with("lines ")
                || (was == Was::Line && before == "–");
            let placed = match n {
                Some(n) if is_line => {
                    line = Some(n);
                    Some(self.line(n))
                }
                Some(n) if before.ends_with("column ") => line.map(|l| self.column(l, n)),
                Some(n) if before.ends_with("byte offset ") => Some(self.offset(n)),
                _ => None,
            };
            match placed {
                Some(p) => out.push_str(&p.to_string()),
                None => out.push_str(digits),
            }
            was = if is_line { Was::Line } else { Was::Other };
            rest = &rest[end..];
        }
        out.push_str(rest);
        out
    }
}

/// The table `table_text`, written verbatim at `start` in `file` (the test file, `source` in
/// the run's sources), named `name`, shown as `shown`. Problems with it are pushed to
/// `problems`, pointing into the test file.
pub(super) fn read_in_place(
    (shown, name): (&str, &str),
    file: &SourceFile,
    source: SourceId,
    (start, table_text): (usize, &str),
    problems: &mut Vec<Problem>,
) -> Option<Table> {
    let (line, column) = file.line_col(start);
    let at = Placement {
        start,
        line,
        column,
    };
    let mut text = String::with_capacity(LEAD.len() + table_text.len());
    text.push_str(LEAD);
    text.push_str(table_text);
    // The reader's source is dropped with the table it was read into: the placed table's
    // cells are slices of the test file's text, held once for all its tests.
    let mut own = Sources::default();
    let first_new = problems.len();
    let table = load_csv(shown, name, text.as_bytes(), &mut own, problems);
    for p in &mut problems[first_new..] {
        place_problem(p, &at, shown, source);
    }
    table.map(|t| place_table(&t, &at, source, file))
}

/// `t`, read from the reader's text, with every span and line moved to the test file and its
/// cells' texts read from the test file's text.
fn place_table(t: &Table, at: &Placement, source: SourceId, file: &SourceFile) -> Table {
    let headers: Vec<Header> = t
        .headers
        .iter()
        .map(|h| Header {
            span: at.span(h.span),
            ..h.clone()
        })
        .collect();
    let rows = t.iter_rows().map(|r| LooseRow {
        line: at.line(r.line),
        span: at.span(r.span),
        cells: r
            .cells
            .iter()
            .map(|c| LooseCell {
                raw: c.raw(t).to_string(),
                value: c.value(t),
                span: at.span(c.span()),
            })
            .collect(),
    });
    Table::from_loose(t.name.clone(), source, headers, rows, file.text.clone())
}

/// A problem of the reader, pointing into the test file: its labels, and the lines, columns
/// and offsets its message names.
fn place_problem(p: &mut Problem, at: &Placement, shown: &str, source: SourceId) {
    for l in &mut p.labels {
        l.source = source;
        l.span = at.span(l.span);
    }
    // The messages that say where something is, by line or offset. No other names a place;
    // some hold the table's headers, whose digits are not to be touched.
    if matches!(
        p.code,
        "data::ragged-row" | "data::unclosed-quote" | "data::not-text"
    ) {
        // The table's name, which may hold digits of its own, starts some of them.
        let (name, said) = match p.message.strip_prefix(shown) {
            Some(rest) => (shown, rest),
            None => ("", p.message.as_str()),
        };
        p.message = format!("{name}{}", at.message(said));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_places_a_message_names_are_moved_into_the_test_file() {
        // The table starts on line 30, column 5, at byte 1000 of the test file.
        let at = Placement {
            start: 1000,
            line: 30,
            column: 5,
        };
        assert_eq!(
            at.message("the row on line 4 has 6 cells but the header has 3 columns"),
            "the row on line 32 has 6 cells but the header has 3 columns"
        );
        assert_eq!(
            at.message("and 7 more rows longer than the header, on lines 12–40; they are ignored"),
            "and 7 more rows longer than the header, on lines 40–68; they are ignored"
        );
        // A column is moved only on the table's first line.
        assert_eq!(
            at.message(": line 2, column 3 (byte offset 3) holds the control character U+0085"),
            ": line 30, column 7 (byte offset 1002) holds the control character U+0085"
        );
        assert_eq!(
            at.message(": line 3, column 3 (byte offset 9) holds the byte 0x01"),
            ": line 31, column 3 (byte offset 1008) holds the byte 0x01"
        );
        assert_eq!(
            at.message("no numbers 12 here – 3"),
            "no numbers 12 here – 3"
        );
    }
}
