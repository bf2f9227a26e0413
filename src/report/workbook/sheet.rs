//! One sheet → its rendered text (one line per sheet row) and one [`Table`].
//!
//! The rendered text is what diagnostics show and what every span points into: line N is
//! sheet row N (rows above the first used row are empty lines), cells are padded to their
//! column's width and separated by ` │ `, each cell's text as it appears in the sheet.

use super::format::Shown;
use crate::problem::{Problem, ProblemKind, Severity};
use crate::report::csv::check_duplicate_headers;
use crate::report::number::trim_cell;
use crate::report::{CellValue, Header, LooseCell, LooseRow, Table, normalise_name};
use crate::source::{CellMap, SourceFile, SourceId, Sources, Span, a1};
use calamine::Dimensions;

/// Between two cells of a rendered row.
pub(super) const SEPARATOR: &str = " │ ";

/// Title rows above a table's header, at most.
const MAX_TITLE_ROWS: usize = 100;

/// Cells wider than this do not widen their column for the other rows.
const MAX_PAD: usize = 40;

/// Tables with more cells (rows × columns) than this are not read.
const MAX_TABLE_CELLS: u64 = super::MAX_SHEET_CELLS;

/// A sheet's used cells as shown, row by row, from its first used row and column.
pub(super) struct Grid {
    /// 0-based sheet row and column of `rows[0][0]`.
    pub start: (u32, u32),
    pub rows: Vec<Vec<Shown>>,
    /// Merged regions, in absolute 0-based sheet coordinates.
    pub merges: Vec<Dimensions>,
}

impl Grid {
    fn width(&self) -> usize {
        self.rows.iter().map(Vec::len).max().unwrap_or(0)
    }

    fn cell(&self, r: usize, c: usize) -> Option<&Shown> {
        self.rows.get(r)?.get(c)
    }

    fn is_blank_row(&self, r: usize) -> bool {
        self.rows
            .get(r)
            .is_none_or(|row| row.iter().all(Shown::is_empty))
    }

    /// The absolute sheet position of grid cell (r, c).
    fn at(&self, r: usize, c: usize) -> (u32, u32) {
        (
            self.start
                .0
                .saturating_add(u32::try_from(r).unwrap_or(u32::MAX)),
            self.start
                .1
                .saturating_add(u32::try_from(c).unwrap_or(u32::MAX)),
        )
    }

    /// The merged region holding grid cell (r, c), if any.
    fn merge_at(&self, r: usize, c: usize) -> Option<&Dimensions> {
        let (row, col) = self.at(r, c);
        self.merges.iter().find(|m| m.contains(row, col))
    }
}

/// Where the cells of each rendered row are.
struct Spans {
    cells: Vec<Vec<Span>>,
    /// Each row's line, without its line break.
    lines: Vec<Span>,
}

impl Spans {
    /// The span of grid cell (r, c); a cell not shown (a blank row, right of a title) is at
    /// the end of its line.
    fn at(&self, r: usize, c: usize) -> Span {
        self.cells
            .get(r)
            .and_then(|row| row.get(c))
            .copied()
            .unwrap_or_else(|| {
                let end = self.lines.get(r).map_or(0, |l| l.end);
                Span::new(end, end)
            })
    }
}

/// What [`render`] gives: the text and where each cell is in it.
struct Rendered {
    text: String,
    /// Span of each shown grid cell, `spans[r][c]` (see [`Spans::at`]).
    spans: Spans,
    map: CellMap,
}

/// The sheet name as a cell reference writes it: `prognos`, `'Investeringar 2020'`.
pub(super) fn sheet_ref(name: &str) -> String {
    let plain = !name.is_empty()
        && name.chars().all(|c| c.is_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && !reads_as_reference_or_value(name);
    if plain {
        name.to_string()
    } else {
        format!("'{}'", name.replace('\'', "''"))
    }
}

/// A name a formula would read as a cell (`A1`, `XFD1048576`), an R1C1 reference (`R1C1`,
/// `R2`, `C3`) or a truth value: Excel quotes such a sheet name (`'A1'!D2`).
fn reads_as_reference_or_value(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    if upper == "TRUE" || upper == "FALSE" || upper == "R" || upper == "C" {
        return true;
    }
    let letters = upper.bytes().take_while(u8::is_ascii_uppercase).count();
    let a1 = (1..=3).contains(&letters)
        && upper.len() > letters
        && upper[letters..].bytes().all(|b| b.is_ascii_digit());
    let r1c1 = match after_index(&upper, 'R') {
        Some("") => true,
        Some(after) => after_index(after, 'C') == Some(""),
        None => after_index(&upper, 'C') == Some(""),
    };
    a1 || r1c1
}

/// What follows `letter` and the digits after it, if `s` starts with `letter`.
fn after_index(s: &str, letter: char) -> Option<&str> {
    s.strip_prefix(letter)
        .map(|r| r.trim_start_matches(|d: char| d.is_ascii_digit()))
}

/// Render the sheet. Rows from `table_row` on (the table) show every cell up to column
/// `table_last`, padded to the column's width, so that each cell, also an empty one, has its
/// own place; rows above it (titles) show their cells up to the last non-empty one.
fn render(grid: &Grid, sheet: &str, table_row: usize, table_last: usize) -> Rendered {
    let width = grid.width();
    let mut widths = vec![0usize; width];
    for row in grid.rows.iter().skip(table_row) {
        for (c, cell) in row.iter().enumerate() {
            widths[c] = widths[c].max(cell.text.chars().count().min(MAX_PAD));
        }
    }
    let mut text = String::new();
    for _ in 0..grid.start.0 {
        text.push('\n');
    }
    let mut spans = Vec::with_capacity(grid.rows.len());
    let mut lines = Vec::with_capacity(grid.rows.len());
    let mut map = CellMap {
        sheet: sheet_ref(sheet),
        cells: Vec::new(),
    };
    // The last column shown on each row. The lists of cells are made at their length at
    // once: a sheet may have millions of cells.
    let shown_to: Vec<Option<usize>> = grid
        .rows
        .iter()
        .enumerate()
        .map(|(r, row)| match row.iter().rposition(|s| !s.is_empty()) {
            None => None,
            Some(c) if r < table_row => Some(c),
            Some(c) => Some(c.max(table_last)),
        })
        .collect();
    map.cells
        .reserve_exact(shown_to.iter().flatten().map(|c| c + 1).sum());
    let empty = Shown::empty();
    for ((r, row), shown_to) in grid.rows.iter().enumerate().zip(shown_to) {
        let line_start = text.len();
        let mut row_spans = Vec::with_capacity(shown_to.map_or(0, |c| c + 1));
        if let Some(shown_to) = shown_to {
            for (c, &pad) in widths.iter().enumerate().take(shown_to + 1) {
                if c > 0 {
                    text.push_str(SEPARATOR);
                }
                let cell = row.get(c).unwrap_or(&empty);
                let start = text.len();
                text.push_str(&cell.text);
                let span = Span::new(start, text.len());
                row_spans.push(span);
                let (sr, sc) = grid.at(r, c);
                map.cells.push((span.start, span.end, sr, sc));
                if c < shown_to {
                    let shown = cell.text.chars().count();
                    for _ in shown..pad {
                        text.push(' ');
                    }
                }
            }
        }
        lines.push(Span::new(line_start, text.len()));
        text.push('\n');
        spans.push(row_spans);
    }
    Rendered {
        text,
        spans: Spans {
            cells: spans,
            lines,
        },
        map,
    }
}

/// Add the sheet's rendered text to `sources` and read its table: the header is the first
/// non-empty row that is not a title ([`skip_titles`]; two header rows are joined, see
/// [`header_rows`]); every later non-blank row is a data row. `None` (with a warning) for a sheet without any cell.
pub(super) fn load_sheet(
    workbook: &str,
    sheet: &str,
    grid: Grid,
    sources: &mut Sources,
    problems: &mut Vec<Problem>,
) -> Option<Table> {
    let display_name = format!("{workbook}[{sheet}]");
    let Some(header_row) = (0..grid.rows.len()).find(|&r| !grid.is_blank_row(r)) else {
        problems.push(
            Problem::new(
                ProblemKind::Data,
                Severity::Warning,
                "data::empty-table",
                format!("sheet '{sheet}' of {workbook} is empty: it has no header row"),
            )
            .with_path(display_name),
        );
        return None;
    };

    let header_row = skip_titles(&grid, header_row);

    // The table's columns: from the first to the last column with a cell from the header on.
    let table_rows = grid.rows.iter().skip(header_row);
    let (mut first, mut last) = (usize::MAX, 0);
    for row in table_rows {
        if let Some(c) = row.iter().position(|s| !s.is_empty()) {
            first = first.min(c);
        }
        if let Some(c) = row.iter().rposition(|s| !s.is_empty()) {
            last = last.max(c);
        }
    }
    let first = first.min(last);
    let columns: Vec<usize> = (first..=last).collect();
    let data_rows = (header_row..grid.rows.len())
        .filter(|&r| !grid.is_blank_row(r))
        .count();
    if (data_rows as u64).saturating_mul(columns.len() as u64) > MAX_TABLE_CELLS {
        problems.push(
            Problem::too_large(format!(
                    "sheet '{sheet}' of {workbook} would be a table of {data_rows} rows and {} columns; it is not read",
                    columns.len()
                ),
            )
            .with_path(display_name)
            .with_help("delete stray cells far to the right of or below the table"),
        );
        return None;
    }

    let Rendered { text, spans, map } = render(&grid, sheet, header_row, last);
    // Cells keep their spans as `u32`s (see `report::Cell`).
    if u32::try_from(text.len()).is_err() {
        problems.push(
            Problem::too_large(format!(
                "sheet '{sheet}' of {workbook} holds more than 4 GiB of text; it is not read"
            ))
            .with_path(display_name),
        );
        return None;
    }
    let source = sources.add(SourceFile::new(display_name.clone(), text).with_cell_map(map));

    cell_errors(&grid, &spans, sheet, source, &display_name, problems);

    let (headers, data_start) = header_rows(&grid, header_row, &columns, &spans);
    check_duplicate_headers(&headers, &display_name, source, problems);

    // Each data row's cells are moved out of the grid into the table as it is made, and the
    // grid row freed: a sheet of millions of cells is not held twice over.
    let start = grid.start;
    let mut grid_rows = grid.rows;
    let rows = (data_start..grid_rows.len()).filter_map(move |r| {
        let mut row = std::mem::take(grid_rows.get_mut(r)?);
        if row.iter().all(Shown::is_empty) {
            return None;
        }
        let cells = columns
            .iter()
            .map(|&c| {
                let shown = row.get_mut(c).map(std::mem::take).unwrap_or_default();
                LooseCell {
                    raw: shown.text,
                    value: shown.value,
                    span: spans.at(r, c),
                }
            })
            .collect();
        Some(LooseRow {
            line: usize::try_from(start.0)
                .unwrap_or(usize::MAX)
                .saturating_add(r)
                .saturating_add(1),
            span: spans.lines[r],
            cells,
        })
    });

    let text = sources.get(source).text.clone();
    Some(Table::from_loose(
        sheet.to_string(),
        source,
        headers,
        rows,
        text,
    ))
}

/// The header row, if row `r` and the non-blank rows after it up to it are titles above the
/// table (`Prognos per oktober 2020`, `Belopp i tkr`); else `r`.
///
/// A title row holds only texts (a date is one), none merged down over the row below. It is
/// either one text alone, or markedly narrower than the header under it: at most half as many
/// cells, or a text and a unit or date (`tkr`, `2020-10-31`) over a header of three cells or
/// more, with the header filled under its first text. The header is the first row after them
/// that is no title, with at least two cells. A one-column table has no such row, so its first
/// row stays the header. Titles are a few lines: after [`MAX_TITLE_ROWS`] of them the first
/// row is the header (each title looks through the sheet's merged regions, and a column of a
/// million texts is no title block).
fn skip_titles(grid: &Grid, r: usize) -> usize {
    let mut n = r;
    let mut titles = Vec::new();
    for _ in 0..=MAX_TITLE_ROWS {
        if grid.rows.get(n).is_none() {
            return r;
        }
        let Some(next) = (n + 1..grid.rows.len()).find(|&x| !grid.is_blank_row(x)) else {
            return r;
        };
        let title = title_cells(grid, n)
            .is_some_and(|cells| cells.len() == 1 || narrower(grid, n, &cells, next));
        if !title {
            break;
        }
        titles.push(n);
        n = next;
    }
    if n == r || titles.len() > MAX_TITLE_ROWS {
        return r;
    }
    let header = filled_cells(grid, n);
    let Some(&header_first) = header.first() else {
        return r;
    };
    if header.len() < 2 {
        return r;
    }
    let all_over = titles.iter().all(|&t| {
        let cells = title_cells(grid, t).unwrap_or_default();
        match cells.as_slice() {
            // A text alone at or left of where the header starts, as always.
            &[c] if c <= header_first => true,
            // Right of it: a title unless merged across columns from right of where the
            // header starts (the top of two header rows: `Redovisat` over `Utgifter` and
            // `Inkomster`), and not over a row of figures.
            &[c] => {
                grid.merge_at(t, c)
                    .is_none_or(|m| m.start.1 == m.end.1 || m.start.1 <= grid.at(n, header_first).1)
                    && header_like(grid, n)
            }
            cells => narrower(grid, t, cells, n) && header_like(grid, n),
        }
    });
    if all_over { n } else { r }
}

/// The columns of the filled cells of row `r`.
fn filled_cells(grid: &Grid, r: usize) -> Vec<usize> {
    grid.rows.get(r).map_or_else(Vec::new, |row| {
        row.iter()
            .enumerate()
            .filter(|(_, s)| !s.is_empty())
            .map(|(c, _)| c)
            .collect()
    })
}

/// The columns of the cells of row `r` if it can be a title: texts only (the first with a
/// letter in it), none merged down over the row below.
fn title_cells(grid: &Grid, r: usize) -> Option<Vec<usize>> {
    let cells = filled_cells(grid, r);
    let first = grid.cell(r, *cells.first()?)?;
    let alone = cells.len() == 1;
    let texts = cells.iter().all(|&c| {
        grid.cell(r, c).is_some_and(|s| {
            matches!(s.value, CellValue::Text(_))
                && (alone || s.error.is_none())
                && grid.merge_at(r, c).is_none_or(|m| m.start.0 == m.end.0)
        })
    });
    // (A text alone on its row is a title as it always was; beside others, one with a letter.)
    (texts && (alone || first.text.chars().any(char::is_alphabetic))).then_some(cells)
}

/// Whether title row `t` of several cells (`cells`, its columns) is markedly narrower than
/// row `h` under it: none of its cells merged across columns, `h` filled under its first
/// cell, and at most half as many cells as `h`, or a text and a unit or date over three cells
/// or more.
fn narrower(grid: &Grid, t: usize, cells: &[usize], h: usize) -> bool {
    let below = filled_cells(grid, h);
    let (Some(first), Some(&last)) = (cells.first(), cells.last()) else {
        return false;
    };
    let merged = cells
        .iter()
        .any(|&c| grid.merge_at(t, c).is_some_and(|m| m.start.1 != m.end.1));
    let unit_or_date = cells.len() == 2
        && below.len() >= 3
        && grid.cell(t, last).is_some_and(|s| is_unit_or_date(&s.text));
    !merged && below.contains(first) && (cells.len() * 2 <= below.len() || unit_or_date)
}

/// Whether row `h` can be a header: more of its cells are texts than figures (a header may
/// have a year as a figure; a row of data has figures beside its name).
fn header_like(grid: &Grid, h: usize) -> bool {
    let (mut texts, mut figures) = (0usize, 0usize);
    for c in filled_cells(grid, h) {
        match grid.cell(h, c).map(|s| &s.value) {
            Some(CellValue::Text(_)) => texts += 1,
            Some(_) => figures += 1,
            None => {}
        }
    }
    texts > figures
}

/// A unit (`tkr`, `Belopp i mnkr`, `(kr)`) or a date (`2020-10-31`, `31.10.2020`) beside a
/// title.
fn is_unit_or_date(text: &str) -> bool {
    let t = text
        .trim()
        .trim_matches(|c| matches!(c, '(' | ')' | '[' | ']'))
        .trim()
        .to_lowercase();
    let unit = t
        .strip_prefix("belopp i ")
        .or_else(|| t.strip_prefix("belopp, "))
        .or_else(|| t.strip_prefix("i "))
        .unwrap_or(&t)
        .trim_end_matches('.')
        .trim();
    const UNITS: [&str; 11] = [
        "kr", "tkr", "mkr", "mnkr", "sek", "tsek", "msek", "%", "procent", "antal", "st",
    ];
    let digits = t.chars().filter(char::is_ascii_digit).count();
    let date = digits >= 4
        && t.contains(['-', '.', '/'])
        && t.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | '.' | '/' | ':' | ' '));
    UNITS.contains(&unit) || date
}

/// The headers of the table whose header row is `r`, and the first data row.
///
/// Two header rows are joined (`Redovisat jan-okt 2020` over `Utgifter` gives `Redovisat
/// jan-okt 2020 Utgifter`) when the row under the header holds texts and no figures, and one
/// of those texts stands under an empty or merged cell of the header row. An empty header cell
/// takes the text of the merged region it belongs to; in a sheet without merged cells in the
/// header row, the last header text to its left.
fn header_rows(grid: &Grid, r: usize, columns: &[usize], spans: &Spans) -> (Vec<Header>, usize) {
    let text_at = |r: usize, c: usize| {
        grid.cell(r, c)
            .map(|s| trim_cell(&s.text).to_string())
            .unwrap_or_default()
    };
    let is_text = |r: usize, c: usize| {
        grid.cell(r, c)
            .is_some_and(|s| matches!(s.value, CellValue::Text(_)) && s.error.is_none())
    };
    let wide_merge = |c: usize| grid.merge_at(r, c).is_some_and(|m| m.start.1 != m.end.1);
    let sub = r + 1;
    let two_rows = sub < grid.rows.len()
        && columns.iter().any(|&c| is_text(sub, c))
        && !columns.iter().any(|&c| {
            grid.cell(sub, c)
                .is_some_and(|s| matches!(s.value, CellValue::Number(_)))
        })
        && columns
            .iter()
            .any(|&c| is_text(sub, c) && (text_at(r, c).is_empty() || wide_merge(c)));

    let header_merges = columns
        .iter()
        .any(|&c| grid.merge_at(r, c).is_some_and(|m| m.start.1 != m.end.1));
    let mut headers = Vec::with_capacity(columns.len());
    let mut carried = String::new();
    for &c in columns {
        let own = text_at(r, c);
        let text = if !two_rows {
            own
        } else {
            let below = text_at(sub, c);
            let top = if !own.is_empty() {
                carried.clone_from(&own);
                own
            } else if let Some(m) = grid.merge_at(r, c) {
                // The text of the region is in its top-left cell.
                let (row0, col0) = grid.start;
                let mr = m.start.0.checked_sub(row0).map(|x| x as usize);
                let mc = m.start.1.checked_sub(col0).map(|x| x as usize);
                match (mr, mc) {
                    (Some(mr), Some(mc)) if mr <= r => text_at(mr, mc),
                    _ => String::new(),
                }
            } else if !header_merges && !below.is_empty() {
                carried.clone()
            } else {
                String::new()
            };
            match (top.is_empty(), below.is_empty()) {
                (false, false) if top != below => format!("{top} {below}"),
                (false, _) => top,
                (true, _) => below,
            }
        };
        let span = if two_rows && !text_at(sub, c).is_empty() {
            spans.at(sub, c)
        } else {
            spans.at(r, c)
        };
        headers.push(Header {
            normalised: normalise_name(&text),
            text,
            span,
        });
    }
    (headers, if two_rows { sub + 1 } else { r + 1 })
}

/// A `#DIV/0!` or other error in a cell is a data error at that cell.
fn cell_errors(
    grid: &Grid,
    spans: &Spans,
    sheet: &str,
    source: SourceId,
    display_name: &str,
    problems: &mut Vec<Problem>,
) {
    for (r, row) in grid.rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let Some(meaning) = cell.error else { continue };
            let (sr, sc) = grid.at(r, c);
            let at = format!("{}!{}", sheet_ref(sheet), a1(sr, sc));
            problems.push(
                Problem::new(
                    ProblemKind::Data,
                    Severity::Error,
                    "data::cell-error",
                    format!(
                        "{at} holds the error {}: {}",
                        cell.text,
                        meaning
                    ),
                )
                .with_path(display_name)
                .with_label(source, spans.at(r, c), format!("the error {}", cell.text))
                .with_help(
                    "fix the formula (or the cells it reads) so the cell shows a figure; rules that read this cell are not applicable until then",
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::workbook::format::show;
    use calamine::Data;

    /// A grid from rows of cells: `""` empty, a text, or `#123` a number.
    fn grid(rows: &[&[&str]], merges: Vec<Dimensions>) -> Grid {
        let width = rows.iter().map(|r| r.len()).max().unwrap_or(0);
        Grid {
            start: (0, 0),
            rows: rows
                .iter()
                .map(|r| {
                    (0..width)
                        .map(|c| match r.get(c).copied().unwrap_or("") {
                            "" => Shown::empty(),
                            s if s.starts_with('#') => {
                                show(&Data::Float(s[1..].parse().expect("a number")), None)
                            }
                            s => show(&Data::String(s.into()), None),
                        })
                        .collect()
                })
                .collect(),
            merges,
        }
    }

    fn load(g: Grid) -> (Table, Sources, Vec<Problem>) {
        let mut sources = Sources::default();
        let mut problems = Vec::new();
        let t = load_sheet("b.xlsx", "s", g, &mut sources, &mut problems).expect("a table");
        (t, sources, problems)
    }

    fn header_texts(t: &Table) -> Vec<&str> {
        t.headers.iter().map(|h| h.text.as_str()).collect()
    }

    #[test]
    fn a_text_row_under_full_headers_is_data() {
        // A section row ("Kommunstyrelsen") under a header without gaps is not a header.
        let g = grid(
            &[
                &["Verksamhet", "Budget", "Utfall"],
                &["Kommunstyrelsen", "", ""],
                &["Kansli", "#10", "#12"],
            ],
            Vec::new(),
        );
        let (t, _, _) = load(g);
        assert_eq!(header_texts(&t), ["Verksamhet", "Budget", "Utfall"]);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0].line(), 2);
    }

    #[test]
    fn titles_are_a_few_rows_not_a_column_of_texts() {
        let titled = |titles: usize| {
            let mut rows: Vec<&[&str]> = vec![&["Prognos"]; titles];
            rows.push(&["Verksamhet", "Budget"]);
            rows.push(&["A", "#1"]);
            grid(&rows, Vec::new())
        };
        let (t, _, _) = load(titled(MAX_TITLE_ROWS));
        assert_eq!(header_texts(&t), ["Verksamhet", "Budget"]);
        // More texts alone on their rows than titles ever are: the first row is the header.
        let (t, _, _) = load(titled(MAX_TITLE_ROWS + 1));
        assert_eq!(header_texts(&t), ["Prognos", ""]);
    }

    #[test]
    fn a_row_with_figures_under_a_gap_is_data() {
        let g = grid(
            &[&["Verksamhet", "Budget", ""], &["A", "#1", "x"]],
            Vec::new(),
        );
        let (t, _, _) = load(g);
        assert_eq!(header_texts(&t), ["Verksamhet", "Budget", ""]);
        assert_eq!(t.rows.len(), 1);
    }

    #[test]
    fn merged_regions_decide_over_carrying_left() {
        // B1:C1 merged; D1 empty and not merged: D keeps only its lower text.
        let merges = vec![Dimensions::new((0, 1), (0, 2))];
        let g = grid(
            &[
                &["Projekt", "Redovisat", "", ""],
                &["", "Utgifter", "Inkomster", "Kommentar"],
                &["A", "#1", "#2", "ok"],
            ],
            merges,
        );
        let (t, sources, _) = load(g);
        assert_eq!(
            header_texts(&t),
            [
                "Projekt",
                "Redovisat Utgifter",
                "Redovisat Inkomster",
                "Kommentar"
            ]
        );
        let file = sources.get(t.source);
        assert_eq!(file.slice(t.headers[2].span), "Inkomster");
        assert_eq!(file.cell_ref(t.headers[2].span).as_deref(), Some("s!C2"));
        assert_eq!(t.rows[0].line(), 3);
    }

    #[test]
    fn titles_are_skipped_but_a_one_column_table_is_not_a_title() {
        let g = grid(
            &[
                &["Prognos per oktober"],
                &["belopp i tkr"],
                &[],
                &["Verksamhet", "Prognos"],
                &["A", "#1"],
            ],
            Vec::new(),
        );
        let (t, sources, _) = load(g);
        assert_eq!(header_texts(&t), ["Verksamhet", "Prognos"]);
        assert_eq!(t.rows[0].line(), 5);
        let file = sources.get(t.source);
        assert_eq!(file.line_text(1), "Prognos per oktober");
        assert_eq!(file.line_text(3), "");
        assert_eq!(file.line_text(5), "A          │ 1");

        let g = grid(&[&["Belopp"], &["#1"], &["#2"]], Vec::new());
        let (t, _, _) = load(g);
        assert_eq!(header_texts(&t), ["Belopp"]);
        assert_eq!(t.rows.len(), 2);
    }

    /// A title row with a second cell (a unit, a date, a second text) or a lone title right
    /// of column A became the header, and every check was then not applicable.
    #[test]
    fn a_title_row_narrower_than_the_header_is_a_title() {
        let header: &[&str] = &["Verksamhet", "Prognos", "Budget", "Avvikelse", "Bokslut"];
        let data: &[&str] = &["A", "#1", "#2", "#3", "#4"];
        for title in [
            &["Helårsprognos per verksamhet", "", "", "", "tkr"][..],
            &["Helårsprognos per verksamhet", "", "", "", "2020-10-31"],
            &["Helårsprognos", "Verksamhetsstöd och service"],
            &["", "", "Bilaga 3"],
            &["", "", "", "", "Belopp i tkr"],
        ] {
            let g = grid(&[title, header, data], Vec::new());
            let (t, _, _) = load(g);
            assert_eq!(header_texts(&t), header, "under {title:?}");
            assert_eq!(t.rows.len(), 1, "under {title:?}");
            assert_eq!(t.rows[0].line(), 3);
        }
        // A text and a unit over a table of three columns.
        let g = grid(
            &[
                &["Prognos", "tkr"],
                &["Verksamhet", "Prognos", "Budget"],
                &["A", "#1", "#2"],
            ],
            Vec::new(),
        );
        assert_eq!(
            header_texts(&load(g).0),
            ["Verksamhet", "Prognos", "Budget"]
        );
    }

    #[test]
    fn a_sparse_header_is_no_title() {
        // Over a row of figures: the header, with gaps.
        let g = grid(
            &[
                &["Verksamhet", "", "Prognos", "", ""],
                &["A", "#1", "#2", "#3", "#4"],
                &["B", "#1", "#2", "#3", "#4"],
            ],
            Vec::new(),
        );
        assert_eq!(header_texts(&load(g).0)[..3], ["Verksamhet", "", "Prognos"]);
        // The top of two header rows, the first column's text merged down or empty below.
        let g = grid(
            &[
                &["Projekt", "Redovisat", "", "Budget", ""],
                &["", "Utgifter", "Inkomster", "Utgifter", "Inkomster"],
                &["A", "#1", "#2", "#3", "#4"],
            ],
            Vec::new(),
        );
        assert_eq!(
            header_texts(&load(g).0),
            [
                "Projekt",
                "Redovisat Utgifter",
                "Redovisat Inkomster",
                "Budget Utgifter",
                "Budget Inkomster"
            ]
        );
        let g = grid(
            &[
                &["Projekt", "Redovisat"],
                &["", "Utgifter", "Inkomster", "Netto", "Kommentar"],
                &["A", "#1", "#2", "#3", "x"],
            ],
            Vec::new(),
        );
        assert_eq!(
            header_texts(&load(g).0)[..2],
            ["Projekt", "Redovisat Utgifter"]
        );
        // A group text merged across, right of the first column: the top header row.
        let g = grid(
            &[
                &["", "Redovisat", "", ""],
                &["Projekt", "Utgifter", "Inkomster", "Netto"],
                &["A", "#1", "#2", "#3"],
            ],
            vec![Dimensions::new((0, 1), (0, 3))],
        );
        assert_eq!(header_texts(&load(g).0)[1], "Redovisat Utgifter");
        // Two texts over a table of two columns: the header.
        let g = grid(
            &[&["Grupp", "Andel"], &["Kvinnor", "Män"], &["#1", "#2"]],
            Vec::new(),
        );
        assert_eq!(header_texts(&load(g).0), ["Grupp", "Andel"]);
    }

    #[test]
    fn units_and_dates_beside_a_title() {
        for yes in [
            "tkr",
            "(tkr)",
            "Belopp i tkr",
            "mnkr",
            "2020-10-31",
            "31.10.2020",
            "%",
        ] {
            assert!(is_unit_or_date(yes), "{yes}");
        }
        for no in ["Prognos", "2020", "tkr per invånare", ""] {
            assert!(!is_unit_or_date(no), "{no}");
        }
    }

    #[test]
    fn rows_above_the_used_range_are_empty_lines() {
        let mut g = grid(&[&["A", "B"], &["x", "#1"]], Vec::new());
        g.start = (4, 2);
        let (t, sources, _) = load(g);
        let file = sources.get(t.source);
        assert_eq!(file.line_col(t.headers[0].span.start).0, 5);
        assert_eq!(t.rows[0].line(), 6);
        assert_eq!(
            file.cell_ref(t.row_cells(0)[1].span()).as_deref(),
            Some("s!D6")
        );
        assert_eq!(file.name, "b.xlsx[s]");
    }

    #[test]
    fn sheet_names_in_references() {
        assert_eq!(sheet_ref("prognos"), "prognos");
        assert_eq!(sheet_ref("Investeringar 2020"), "'Investeringar 2020'");
        assert_eq!(sheet_ref("2020"), "'2020'");
        assert_eq!(sheet_ref("Ann's"), "'Ann''s'");
        assert_eq!(sheet_ref("Nämnd_1"), "Nämnd_1");
        // Names a formula would read as a cell, an R1C1 reference or a truth value.
        for name in [
            "A1",
            "xfd1048576",
            "R1C1",
            "R2",
            "C3",
            "RC",
            "TRUE",
            "false",
            "R",
        ] {
            assert_eq!(sheet_ref(name), format!("'{name}'"), "{name}");
        }
        for name in ["Rad", "Cost", "ABCD1", "Drift", "R1C1x"] {
            assert_eq!(sheet_ref(name), name, "{name}");
        }
    }
}
