//! How a table holds its rows and cells.
//!
//! A report of a million rows has six million cells, so a table keeps them by column, and a
//! column of a CSV file whose cells are all written plainly keeps less than a [`Cell`] each:
//!
//! - a column of whole numbers written as is (`-44 097`) keeps one `i32` per cell;
//! - a column of texts written as is (no quotes, no markup) keeps nothing at all;
//! - any other column keeps every [`Cell`] (16 bytes, with its span).
//!
//! A plain cell's span is found again when asked for, by splitting its row's text at the
//! delimiter the file was read with, the same way the reader split it. A row is three `u32`s.
//! [`Table::cell`] gives every cell in full either way, so nothing outside this module knows
//! how a column is kept.

use super::csv;
use super::{Cell, CellStore, Header, Kind, LooseRow, Missing, SourceId, Span, Unit, number};
use crate::source::Text;
use std::sync::Arc;

mod presized;
pub(crate) use presized::{Presized, Stretch};

/// One table of a report: a CSV file, a sheet, a Markdown or JSON table.
#[derive(Debug)]
pub struct Table {
    /// The table's name in the report: the file stem for CSV.
    pub name: String,
    pub source: SourceId,
    pub headers: Vec<Header>,
    pub rows: Vec<Row>,
    /// How many cells each row has.
    lengths: Lengths,
    /// The cells, column by column; read through [`Table::cell`] and [`Table::row_cells`].
    columns: Vec<Column>,
    /// How a plain column finds its cells in the text again (CSV tables only).
    split: Option<Split>,
    /// The texts and the values the compact [`Cell`]s leave out.
    pub store: CellStore,
}

/// A row: where it is written. (How many cells it has: [`Table::cell_count`].)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    line: u32,
    start: u32,
    end: u32,
}

// A million rows take 12 MB.
const _: () = assert!(std::mem::size_of::<Row>() == 12);

/// A count or offset as a row keeps it. Past 4 GiB it cannot be kept; every reader refuses
/// inputs that large, so saturating only guards against a panic.
fn small(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Row {
    /// A row on 1-based `line` written at `span`.
    fn new(line: usize, span: Span) -> Row {
        Row {
            line: small(line),
            start: small(span.start),
            end: small(span.end),
        }
    }

    /// The 1-based line of the row in its file.
    pub fn line(&self) -> usize {
        self.line as usize
    }

    /// Where the whole row is written, without its line break.
    pub fn span(&self) -> Span {
        Span::new(self.start as usize, self.end as usize)
    }
}

/// How many cells each row has: in a CSV file every row has as many as the table has columns,
/// so one count is kept for them all, and a list only when rows differ.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Lengths {
    /// Every row has this many (`None`: no row yet).
    Same(Option<u32>),
    Each(Vec<u32>),
}

impl Lengths {
    fn of(&self, row: usize) -> usize {
        match self {
            Lengths::Same(n) => n.unwrap_or(0) as usize,
            Lengths::Each(v) => v.get(row).map_or(0, |&n| n as usize),
        }
    }

    /// The length of row `rows` (the rows before it have theirs).
    fn push(&mut self, rows: usize, len: u32) {
        match self {
            Lengths::Same(n @ None) => *n = Some(len),
            Lengths::Same(Some(n)) if *n == len => {}
            Lengths::Same(Some(n)) => {
                let mut v = vec![*n; rows];
                v.push(len);
                *self = Lengths::Each(v);
            }
            Lengths::Each(v) => v.push(len),
        }
    }

    fn cut_to(&mut self, width: u32) {
        match self {
            Lengths::Same(n) => *n = n.map(|n| n.min(width)),
            Lengths::Each(v) => v.iter_mut().for_each(|n| *n = (*n).min(width)),
        }
    }

    /// `other`'s `after` rows after these `before`.
    fn append(&mut self, before: usize, other: Lengths, after: usize) {
        match (&*self, other) {
            (_, Lengths::Same(None)) => {}
            (Lengths::Same(None), other) => *self = other,
            (Lengths::Same(Some(a)), Lengths::Same(Some(b))) if *a == b => {}
            (_, other) => {
                let mut all: Vec<u32> = (0..before).map(|r| small(self.of(r))).collect();
                all.extend((0..after).map(|r| small(other.of(r))));
                *self = Lengths::Each(all);
            }
        }
    }
}

/// A row and its cells.
#[derive(Debug, Clone)]
pub struct RowRef {
    pub line: usize,
    pub span: Span,
    pub cells: Vec<Cell>,
}

/// The mantissa that stands for an empty cell in [`Column::Integers`]; a figure with this
/// mantissa is kept in full instead.
pub(crate) const EMPTY: i32 = i32::MIN;

/// How one column keeps its cells: one entry per row of the table.
#[derive(Debug, Clone)]
enum Column {
    /// Nothing but empty cells written as is, so far (a reader's first state).
    Empty,
    /// Whole numbers and empty cells written as is: the mantissa, or [`EMPTY`].
    Integers(Vec<i32>),
    /// Texts and empty cells written as is: nothing kept; the text is the field.
    Texts,
    /// Every cell in full. A row with fewer cells has a filler here that is never read.
    Cells(Vec<Cell>),
}

/// How the rows of a CSV file are split into fields: its delimiter (`None`: one column).
#[derive(Debug, Clone, Copy)]
struct Split {
    delimiter: Option<u8>,
}

/// A cell as a reader hands it to [`RowsBuilder::push`], with the span of its field.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Written {
    /// A whole number written as is, with nothing around it.
    Integer(Span, i32),
    /// A text written as is (no quotes, no markup) whose value is the text.
    Text(Span),
    /// An empty field written as is, or no field at all (a short row, padded).
    Empty(Span),
    /// Anything else, in full.
    Cell(Cell),
}

impl Written {
    fn full(self) -> Cell {
        match self {
            Written::Integer(span, m) => Cell::integer(span, m),
            Written::Text(span) => Cell::plain(span, Kind::Text),
            Written::Empty(span) => Cell::plain(span, Kind::Missing(Missing::Empty)),
            Written::Cell(c) => c,
        }
    }
}

/// The rows and cells of a table as a reader builds them: [`Table::new`] takes them over.
#[derive(Debug)]
pub(crate) struct RowsBuilder {
    pub rows: Vec<Row>,
    lengths: Lengths,
    columns: Vec<Column>,
    split: Option<Split>,
    text: Arc<Text>,
    /// Rows expected in all: room for them is made when a column gets its first value.
    expected_rows: usize,
}

impl Default for RowsBuilder {
    fn default() -> Self {
        RowsBuilder::loose(Arc::default())
    }
}

impl RowsBuilder {
    /// Rows of a CSV text split at `delimiter`: plain columns are kept compact.
    pub fn csv(text: Arc<Text>, delimiter: Option<u8>) -> RowsBuilder {
        RowsBuilder {
            split: Some(Split { delimiter }),
            ..RowsBuilder::loose(text)
        }
    }

    /// Rows whose cells are all kept in full (workbooks, Markdown, JSON).
    pub fn loose(text: Arc<Text>) -> RowsBuilder {
        RowsBuilder {
            rows: Vec::new(),
            lengths: Lengths::Same(None),
            columns: Vec::new(),
            split: None,
            text,
            expected_rows: 0,
        }
    }

    /// Room for `more` rows, made at once rather than by doubling (a million rows).
    pub fn reserve(&mut self, more: usize) {
        self.rows.reserve_exact(more);
        self.expected_rows = self.rows.len() + more;
        for c in &mut self.columns {
            match c {
                Column::Integers(v) => v.reserve_exact(more),
                Column::Cells(v) => v.reserve_exact(more),
                Column::Empty | Column::Texts => {}
            }
        }
    }

    /// No rows, reading the same text the same way.
    pub fn emptied(&self) -> RowsBuilder {
        RowsBuilder {
            split: self.split,
            ..RowsBuilder::loose(self.text.clone())
        }
    }

    /// Every row `lines` lines further down.
    pub fn shift_lines(&mut self, lines: usize) {
        let lines = u32::try_from(lines).unwrap_or(u32::MAX);
        for r in &mut self.rows {
            r.line = r.line.saturating_add(lines);
        }
    }

    /// An empty vector with room for every row expected.
    fn column_vec<T>(&self) -> Vec<T> {
        Vec::with_capacity(self.expected_rows.max(self.rows.len() + 1))
    }

    /// Cell `col` of the row being built (the rows before it are in `rows`). Cells are pushed
    /// column after column, then [`RowsBuilder::end_row`].
    #[inline]
    pub fn push(&mut self, col: usize, cell: Written) {
        // The cells of nearly every row of a large table: a whole number into a column of
        // them, a text or an empty cell into a column of texts. Kept small enough to be
        // inlined into the readers' loops; everything else below.
        match (self.columns.get_mut(col), cell) {
            (Some(Column::Integers(v)), Written::Integer(_, m)) if m != EMPTY => v.push(m),
            (Some(Column::Texts), Written::Text(_) | Written::Empty(_)) => {}
            _ => self.push_other(col, cell),
        }
    }

    /// A whole row of `cells`, on `line`, written at `span`: [`RowsBuilder::push`] of each
    /// cell, then [`RowsBuilder::end_row`]. A row of a large table has a cell for every column,
    /// each of its column's compact kind: that row is put straight into the columns.
    pub fn push_row(&mut self, cells: &[Written], line: usize, span: Span) {
        let compact = cells.len() == self.columns.len()
            && self
                .columns
                .iter()
                .zip(cells)
                .all(|(column, cell)| match (column, cell) {
                    (Column::Integers(_), Written::Integer(_, m)) => *m != EMPTY,
                    (Column::Integers(_) | Column::Texts | Column::Empty, Written::Empty(_)) => {
                        true
                    }
                    (Column::Texts, Written::Text(_)) => true,
                    _ => false,
                });
        if compact {
            for (column, cell) in self.columns.iter_mut().zip(cells) {
                match (column, cell) {
                    (Column::Integers(v), Written::Integer(_, m)) => v.push(*m),
                    // An empty field, as `push_other` keeps it.
                    (Column::Integers(v), _) => v.push(EMPTY),
                    _ => {}
                }
            }
            // Every column has its cell: no filler to add.
            self.lengths.push(self.rows.len(), small(cells.len()));
            self.rows.push(Row::new(line, span));
        } else {
            for (col, cell) in cells.iter().enumerate() {
                self.push(col, *cell);
            }
            self.end_row(line, span, cells.len());
        }
    }

    /// [`RowsBuilder::push`] of any cell into any column: a column made, or its kind
    /// changed.
    fn push_other(&mut self, col: usize, cell: Written) {
        let row = self.rows.len();
        while self.columns.len() <= col {
            let column = match self.split {
                Some(_) => Column::Empty,
                None => {
                    let mut v = self.column_vec();
                    v.resize(row, Cell::filler());
                    Column::Cells(v)
                }
            };
            self.columns.push(column);
        }
        let room = self.expected_rows.max(row + 1);
        let column = &mut self.columns[col];
        let kept = match (&mut *column, cell) {
            (Column::Empty | Column::Texts, Written::Empty(_))
            | (Column::Texts, Written::Text(_)) => true,
            (Column::Empty, Written::Text(_)) => {
                *column = Column::Texts;
                true
            }
            (Column::Empty, Written::Integer(_, m)) if m != EMPTY => {
                let mut fresh = Vec::with_capacity(room);
                fresh.resize(row, EMPTY);
                fresh.push(m);
                *column = Column::Integers(fresh);
                true
            }
            (Column::Integers(v), Written::Integer(_, m)) if m != EMPTY => {
                v.push(m);
                true
            }
            (Column::Integers(v), Written::Empty(_)) => {
                v.push(EMPTY);
                true
            }
            (Column::Cells(v), c) => {
                v.push(c.full());
                true
            }
            _ => false,
        };
        if !kept {
            self.make_full(col);
            if let Some(Column::Cells(v)) = self.columns.get_mut(col) {
                v.push(cell.full());
            }
        }
    }

    /// End the row whose cells were pushed: on `line`, written at `span`, of `len` cells.
    /// Columns it has no cell in get a filler.
    #[inline]
    pub fn end_row(&mut self, line: usize, span: Span, len: usize) {
        let rows = self.rows.len() + 1;
        for c in &mut self.columns {
            match c {
                Column::Integers(v) if v.len() < rows => v.push(EMPTY),
                Column::Cells(v) if v.len() < rows => v.push(Cell::filler()),
                _ => {}
            }
        }
        self.lengths.push(self.rows.len(), small(len));
        self.rows.push(Row::new(line, span));
    }

    /// Column `col` with every cell in full, found again in the rows' text.
    fn make_full(&mut self, col: usize) {
        let Some(column) = self.columns.get(col) else {
            return;
        };
        if let Column::Cells(_) = column {
            return;
        }
        let mut cells = self.column_vec();
        cells.extend(self.rows.iter().enumerate().map(|(r, row)| {
            plain_cell(&self.text, self.split, column, r, row, col).unwrap_or_else(Cell::filler)
        }));
        self.columns[col] = Column::Cells(cells);
    }

    /// Cut every row to its first `width` cells.
    pub fn cut_to(&mut self, width: usize) {
        self.columns.truncate(width);
        self.lengths.cut_to(small(width));
    }

    /// Take over the rows of `other` (read from the same text) after these, each moved by
    /// `lines` lines, its extra cells by `extra_offset` ([`CellStore::append`]).
    pub fn append(&mut self, mut other: RowsBuilder, lines: usize, extra_offset: usize) {
        let (before, after) = (self.rows.len(), other.rows.len());
        let width = self.columns.len().max(other.columns.len());
        self.columns.resize_with(width, || Column::Empty);
        other.columns.resize_with(width, || Column::Empty);
        for col in 0..width {
            let alike = matches!(
                (&self.columns[col], &other.columns[col]),
                (Column::Cells(_), Column::Cells(_))
                    | (Column::Integers(_), Column::Integers(_) | Column::Empty)
                    | (Column::Texts, Column::Texts | Column::Empty)
                    | (
                        Column::Empty,
                        Column::Empty | Column::Integers(_) | Column::Texts
                    )
            );
            if !alike {
                self.make_full(col);
                other.make_full(col);
            }
            let theirs = std::mem::replace(&mut other.columns[col], Column::Empty);
            let ours = &mut self.columns[col];
            match (&mut *ours, theirs) {
                (Column::Empty | Column::Texts, Column::Empty) | (Column::Texts, Column::Texts) => {
                }
                (Column::Empty, Column::Texts) => *ours = Column::Texts,
                (Column::Empty, Column::Integers(w)) => {
                    let mut all = Vec::with_capacity(before + after);
                    all.resize(before, EMPTY);
                    all.extend(w);
                    *ours = Column::Integers(all);
                }
                (Column::Integers(v), Column::Integers(w)) => v.extend(w),
                (Column::Integers(v), Column::Empty) => v.resize(before + after, EMPTY),
                (Column::Cells(v), Column::Cells(w)) => {
                    v.extend(w.into_iter().map(|c| c.shifted(extra_offset)));
                }
                // Both were made full above.
                _ => debug_assert!(false, "columns of different kinds are made full first"),
            }
        }
        other.shift_lines(lines);
        self.lengths.append(before, other.lengths, after);
        self.rows.extend(other.rows);
    }
}

impl RowsBuilder {
    /// The rows of `pieces` (read from the same text, in order), each moved down by its
    /// number of lines, as one: what [`RowsBuilder::append`] of each in turn gives, put
    /// together in parallel. On one core, copying a million rows into place took a tenth of
    /// the run, most of it faulting in the new columns' pages. `Err`, with the pieces as they
    /// were, unless every column keeps its cells compactly, the same way in every piece that
    /// has any, and every row has as many cells.
    pub fn concat(
        pieces: Vec<(RowsBuilder, usize)>,
    ) -> Result<RowsBuilder, Vec<(RowsBuilder, usize)>> {
        use rayon::prelude::*;
        let Some((first, _)) = pieces.first() else {
            return Err(pieces);
        };
        let width = pieces
            .iter()
            .map(|(p, _)| p.columns.len())
            .max()
            .unwrap_or(0);
        let mut kinds = vec![Column::Empty; width];
        let mut lengths = Lengths::Same(None);
        for (piece, _) in &pieces {
            for (kind, column) in kinds.iter_mut().zip(&piece.columns) {
                match (&*kind, column) {
                    (_, Column::Empty)
                    | (Column::Integers(_), Column::Integers(_))
                    | (Column::Texts, Column::Texts) => {}
                    (Column::Empty, Column::Integers(_)) => *kind = Column::Integers(Vec::new()),
                    (Column::Empty, Column::Texts) => *kind = Column::Texts,
                    _ => return Err(pieces),
                }
            }
            lengths = match (lengths, &piece.lengths) {
                (any, Lengths::Same(None)) => any,
                (Lengths::Same(None), Lengths::Same(n)) => Lengths::Same(*n),
                (Lengths::Same(Some(a)), Lengths::Same(Some(b))) if a == *b => {
                    Lengths::Same(Some(a))
                }
                _ => return Err(pieces),
            };
        }
        let starts: Vec<usize> = pieces
            .iter()
            .scan(0, |at, (p, _)| {
                let start = *at;
                *at += p.rows.len();
                Some(start)
            })
            .collect();
        let total = pieces.iter().map(|(p, _)| p.rows.len()).sum::<usize>();
        // Each row from its piece, in place: a collected indexed iterator writes the list
        // in parallel.
        let rows: Vec<Row> = (0..total)
            .into_par_iter()
            .with_min_len(1 << 14)
            .map(|i| {
                let p = starts.partition_point(|&s| s <= i) - 1;
                let (piece, lines) = &pieces[p];
                let row = piece.rows[i - starts[p]];
                Row {
                    line: row.line.saturating_add(small(*lines)),
                    ..row
                }
            })
            .collect();
        for (col, kind) in kinds.iter_mut().enumerate() {
            let Column::Integers(all) = kind else {
                continue;
            };
            // Zeroed by the kernel as it is mapped, then each piece's stretch copied in
            // parallel.
            *all = vec![0; total];
            let mut stretches = Vec::with_capacity(pieces.len());
            let mut rest = all.as_mut_slice();
            for (piece, _) in &pieces {
                let (mine, after) = rest.split_at_mut(piece.rows.len());
                stretches.push((mine, piece.columns.get(col)));
                rest = after;
            }
            stretches
                .into_par_iter()
                .for_each(|(mine, column)| match column {
                    Some(Column::Integers(v)) => mine.copy_from_slice(v),
                    _ => mine.fill(EMPTY),
                });
        }
        Ok(RowsBuilder {
            rows,
            lengths,
            columns: kinds,
            split: first.split,
            text: first.text.clone(),
            expected_rows: total,
        })
    }

    /// Every cell in full, row after row (for tests: the readers compared).
    pub fn full_cells(&self) -> Vec<Cell> {
        let mut out = Vec::new();
        for (r, row) in self.rows.iter().enumerate() {
            for col in 0..self.lengths.of(r) {
                let cell = match &self.columns[col] {
                    Column::Cells(v) => Some(v[r]),
                    column => plain_cell(&self.text, self.split, column, r, row, col),
                };
                out.push(cell.expect("a cell"));
            }
        }
        out
    }
}

/// Cell `col` of row `r` (at `row`) in a `column` that is not kept in full; `None` for a
/// column kept in full.
fn plain_cell(
    text: &str,
    split: Option<Split>,
    column: &Column,
    r: usize,
    row: &Row,
    col: usize,
) -> Option<Cell> {
    let span = csv::field_span(text, row.span(), split?.delimiter, col)
        .unwrap_or(Span::new(row.end as usize, row.end as usize));
    plain_cell_at(text, column, r, span)
}

/// The cell of row `r` in a column that keeps no cells, written at `span`.
fn plain_cell_at(text: &str, column: &Column, r: usize, span: Span) -> Option<Cell> {
    let empty = |span| Cell::plain(span, Kind::Missing(Missing::Empty));
    Some(match column {
        Column::Empty => empty(span),
        Column::Integers(v) => match *v.get(r)? {
            EMPTY => empty(span),
            m => Cell::integer(span, m),
        },
        Column::Texts => {
            let field = text.get(span.start..span.end).unwrap_or("");
            if number::trim_cell(field).is_empty() {
                empty(span)
            } else {
                Cell::plain(span, Kind::Text)
            }
        }
        Column::Cells(_) => return None,
    })
}

impl Table {
    /// The 1-based line and column of `offset`, a place in row `r` of this table, whose text
    /// is `file`'s. A row of a CSV file starts a line, which its reader counted: the place is
    /// found from there ([`SourceFile::line_col_in_row`]). Other tables' rows (a workbook
    /// sheet's row numbers, a JSON report's objects) only hint at where to look.
    pub fn line_col(
        &self,
        file: &crate::source::SourceFile,
        r: usize,
        offset: usize,
    ) -> (usize, usize) {
        match self.rows.get(r) {
            Some(row) if self.split.is_some() => {
                file.line_col_in_row(offset, row.line(), row.span().start)
            }
            Some(row) => file.line_col_near(offset, row.line()),
            None => file.line_col(offset),
        }
    }

    /// A table of the rows and cells of `built`, whose cells' texts are in `store`.
    pub(crate) fn new(
        name: String,
        source: SourceId,
        headers: Vec<Header>,
        mut built: RowsBuilder,
        store: CellStore,
    ) -> Table {
        let mut columns = std::mem::take(&mut built.columns);
        columns.shrink_to_fit();
        Table {
            name,
            source,
            headers,
            rows: built.rows,
            lengths: built.lengths,
            columns,
            split: built.split,
            store,
        }
    }

    /// A table of `rows` whose cell spans point into `text` (the source's text).
    pub(crate) fn from_loose(
        name: String,
        source: SourceId,
        headers: Vec<Header>,
        rows: impl IntoIterator<Item = LooseRow>,
        text: Arc<Text>,
    ) -> Table {
        let mut store = CellStore::new(text.clone());
        let mut built = RowsBuilder::loose(text);
        for r in rows {
            let len = r.cells.len();
            for (col, c) in r.cells.into_iter().enumerate() {
                built.push(col, Written::Cell(store.cell(c.span, &c.raw, c.value)));
            }
            built.end_row(r.line, r.span, len);
        }
        Table::new(name, source, headers, built, store)
    }

    /// The cell of row `row` in column `col`, if the row has one.
    /// Whether column `col` holds nothing but whole numbers and empty cells, as the reader
    /// found them: then no cell of it need be looked at for a text.
    pub fn only_integers(&self, col: usize) -> bool {
        matches!(
            self.columns.get(col),
            Some(Column::Integers(_) | Column::Empty)
        )
    }

    pub fn cell(&self, row: usize, col: usize) -> Option<Cell> {
        let r = self.rows.get(row)?;
        if col >= self.cell_count(row) {
            return None;
        }
        let column = self.columns.get(col)?;
        match column {
            Column::Cells(v) => v.get(row).copied(),
            _ => plain_cell(self.store.text(), self.split, column, row, r, col),
        }
    }

    /// How many cells row `row` has (none past the last row).
    pub fn cell_count(&self, row: usize) -> usize {
        if row < self.rows.len() {
            self.lengths.of(row)
        } else {
            0
        }
    }

    /// The figure of a cell without building the cell (its span is not looked for): mantissa,
    /// printed decimals (`None` for an exact value) and unit, as [`Cell::inline_number`].
    pub fn inline_number(
        &self,
        row: usize,
        col: usize,
    ) -> Option<(i32, Option<u32>, Option<Unit>)> {
        if col >= self.cell_count(row) {
            return None;
        }
        match self.columns.get(col)? {
            Column::Integers(v) => match *v.get(row)? {
                EMPTY => None,
                m => Some((m, Some(0), None)),
            },
            Column::Cells(v) => v.get(row)?.inline_number(),
            Column::Empty | Column::Texts => None,
        }
    }

    /// The whole numbers of column `col`, one per row ([`EMPTY`] where a cell is empty),
    /// when the column keeps nothing else and every row has the cell: what
    /// [`Table::inline_number`] reads, without asking row by row.
    pub fn integer_column(&self, col: usize) -> Option<&[i32]> {
        let every_row = match &self.lengths {
            Lengths::Same(n) => n.is_some_and(|n| col < n as usize),
            Lengths::Each(v) => v.iter().all(|&n| col < n as usize),
        };
        match self.columns.get(col)? {
            Column::Integers(v) if every_row && v.len() == self.rows.len() => Some(v),
            _ => None,
        }
    }

    /// A cell's text as written ([`Cell::raw`]), without building the cell when its column
    /// keeps nothing but the text.
    pub fn raw(&self, row: usize, col: usize) -> Option<&str> {
        let r = self.rows.get(row)?;
        match (self.columns.get(col)?, self.split) {
            (Column::Texts | Column::Empty, Some(split)) if col < self.cell_count(row) => {
                let text = self.store.text();
                Some(
                    match csv::field_span(text, r.span(), split.delimiter, col) {
                        Some(s) => text.get(s.start..s.end).unwrap_or(""),
                        None => "",
                    },
                )
            }
            _ => self.cell(row, col).map(|c| c.raw(self)),
        }
    }

    /// [`Table::raw`] of column `col`, with how the column keeps its cells looked up once:
    /// for reading one column of every row (row kinds, group names).
    pub fn texts_of<'t>(&'t self, col: usize) -> impl Fn(usize) -> Option<&'t str> + Sync + 't {
        let split = match (self.columns.get(col), self.split, &self.lengths) {
            // Every row has the cell: its text is the field, found in the row's text.
            (Some(Column::Texts | Column::Empty), Some(split), Lengths::Same(Some(n)))
                if col < *n as usize =>
            {
                Some(split.delimiter)
            }
            _ => None,
        };
        let text = self.store.text().as_str();
        move |row| match split {
            Some(delimiter) => {
                let r = self.rows.get(row)?;
                Some(match csv::field_span(text, r.span(), delimiter, col) {
                    Some(s) => text.get(s.start..s.end).unwrap_or(""),
                    None => "",
                })
            }
            None => self.raw(row, col),
        }
    }

    /// [`Table::texts_of`] for two columns `a < b` at once, each row split once for both:
    /// `None` unless both columns hold texts found in the row's text.
    #[allow(clippy::type_complexity)]
    pub fn two_texts_of<'t>(
        &'t self,
        a: usize,
        b: usize,
    ) -> Option<impl Fn(usize) -> (Option<&'t str>, Option<&'t str>) + Sync + 't> {
        let in_row_text = |col: usize| {
            matches!(
                (self.columns.get(col), &self.lengths),
                (Some(Column::Texts | Column::Empty), Lengths::Same(Some(n))) if col < *n as usize
            )
        };
        let delimiter = self.split?.delimiter;
        if a >= b || !in_row_text(a) || !in_row_text(b) {
            return None;
        }
        let text = self.store.text().as_str();
        let field = move |s: Option<Span>| match s {
            Some(s) => text.get(s.start..s.end).unwrap_or(""),
            None => "",
        };
        Some(move |row: usize| match self.rows.get(row) {
            Some(r) => {
                let (x, y) = csv::two_field_spans(text, r.span(), delimiter, a, b);
                (Some(field(x)), Some(field(y)))
            }
            None => (None, None),
        })
    }

    /// [`Table::two_texts_of`] for columns 0 and 1, given a text that column 0 likely holds
    /// as written (the row above's, if [`Table::can_lead`]): a row that starts with it is not
    /// looked through for the end of its first field. The third answer: the first field is
    /// the likely text, as written.
    #[allow(clippy::type_complexity)]
    pub fn first_two_texts<'t>(
        &'t self,
    ) -> Option<impl Fn(usize, &str) -> (Option<&'t str>, Option<&'t str>, bool) + Sync + 't> {
        let general = self.two_texts_of(0, 1)?;
        let delimiter = self.split?.delimiter?;
        let text = self.store.text().as_str();
        let field = move |s: Span| text.get(s.start..s.end).unwrap_or("");
        Some(move |row: usize, likely: &str| {
            match self
                .rows
                .get(row)
                .and_then(|r| csv::fields_after(text, r.span(), delimiter, likely))
            {
                Some((x, y)) => (Some(field(x)), Some(field(y)), true),
                None => {
                    let (x, y) = general(row);
                    (x, y, false)
                }
            }
        })
    }

    /// Whether `text` can be told to [`Table::first_two_texts`] as the likely first field: a
    /// field written as is, without the delimiter, quotes or line ends.
    pub fn can_lead(&self, text: &str) -> bool {
        self.split
            .and_then(|s| s.delimiter)
            .is_some_and(|d| csv::plain_field(text, d))
    }

    /// The cells of row `row` (none past the last row).
    pub fn row_cells(&self, row: usize) -> Vec<Cell> {
        let Some(r) = self.rows.get(row) else {
            return Vec::new();
        };
        let count = self.cell_count(row);
        let text = self.store.text();
        // The row's text is split once for all its plain cells: cell by cell, a row of
        // thousands of columns would be split thousands of times.
        let spans = match self.split {
            Some(split)
                if self
                    .columns
                    .iter()
                    .take(count)
                    .any(|c| !matches!(c, Column::Cells(_))) =>
            {
                csv::field_spans(text, r.span(), split.delimiter)
            }
            _ => Vec::new(),
        };
        let end = Span::new(r.end as usize, r.end as usize);
        (0..count)
            .filter_map(|c| match self.columns.get(c)? {
                Column::Cells(v) => v.get(row).copied(),
                column => plain_cell_at(text, column, row, spans.get(c).copied().unwrap_or(end)),
            })
            .collect()
    }

    /// Row `row` with its cells. Panics past the last row, as indexing `rows` does.
    pub fn row(&self, row: usize) -> RowRef {
        let r = &self.rows[row];
        RowRef {
            line: r.line(),
            span: r.span(),
            cells: self.row_cells(row),
        }
    }

    /// Every row with its cells, as [`Table::row`] gives them.
    pub fn iter_rows(&self) -> impl Iterator<Item = RowRef> + '_ {
        (0..self.rows.len()).map(|r| self.row(r))
    }

    /// Read every non-empty cell again from its text with the markers of `data` (`[data]` in
    /// `rimlig.toml`).
    pub fn reparse_cells(&mut self, data: &crate::config::DataConfig) {
        for col in 0..self.columns.len() {
            if !matches!(self.columns[col], Column::Cells(_)) {
                let cells = (0..self.rows.len())
                    .map(|r| self.cell(r, col).unwrap_or_else(Cell::filler))
                    .collect();
                self.columns[col] = Column::Cells(cells);
            }
            let Column::Cells(cells) = &mut self.columns[col] else {
                continue;
            };
            for (r, cell) in cells.iter_mut().enumerate() {
                if col >= self.lengths.of(r) {
                    continue;
                }
                let raw = cell.raw_in(&self.store);
                // A JSON `null` or an empty sheet cell has no text: missing either way.
                if !raw.trim().is_empty() {
                    let value = number::parse_cell_with(raw, data);
                    *cell = self.store.with_value(*cell, value);
                }
            }
        }
    }

    /// How many columns keep less than every cell in full.
    #[cfg(test)]
    pub fn compact_columns(&self) -> usize {
        self.columns
            .iter()
            .filter(|c| !matches!(c, Column::Cells(_)))
            .count()
    }

    /// Index of the column whose normalised header is `name`.
    pub fn column_by_normalised(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h.normalised == name)
    }
}

#[cfg(test)]
mod tests {
    use super::Lengths;

    fn all(l: &Lengths, rows: usize) -> Vec<usize> {
        (0..rows).map(|r| l.of(r)).collect()
    }

    #[test]
    fn one_length_is_kept_until_rows_differ() {
        let mut l = Lengths::Same(None);
        l.push(0, 3);
        l.push(1, 3);
        assert_eq!(l, Lengths::Same(Some(3)));
        l.push(2, 1);
        assert_eq!(all(&l, 3), [3, 3, 1]);
        l.cut_to(2);
        assert_eq!(all(&l, 3), [2, 2, 1]);
    }

    #[test]
    fn appended_lengths_follow_the_rows_before() {
        let mut a = Lengths::Same(Some(4));
        a.append(2, Lengths::Same(Some(4)), 3);
        assert_eq!(a, Lengths::Same(Some(4)));
        a.append(5, Lengths::Same(Some(2)), 1);
        assert_eq!(all(&a, 6), [4, 4, 4, 4, 4, 2]);
        let mut empty = Lengths::Same(None);
        empty.append(0, Lengths::Each(vec![1, 2]), 2);
        assert_eq!(all(&empty, 2), [1, 2]);
        empty.append(2, Lengths::Same(None), 0);
        assert_eq!(all(&empty, 2), [1, 2]);
    }
}

#[cfg(test)]
mod concat_tests {
    use super::{RowsBuilder, Written};
    use crate::source::{Span, Text};
    use std::sync::Arc;

    /// A builder of `cells` rows (`None`: an empty field), each on its own line.
    fn piece(text: &Arc<Text>, rows: &[Vec<Option<i32>>], texts: bool) -> RowsBuilder {
        let mut b = RowsBuilder::csv(text.clone(), Some(b';'));
        for (line, row) in rows.iter().enumerate() {
            let span = Span::new(line, line + 1);
            let first = if texts {
                Written::Text(span)
            } else {
                Written::Empty(span)
            };
            b.push(0, first);
            for (col, cell) in row.iter().enumerate() {
                let written = match cell {
                    Some(m) => Written::Integer(span, *m),
                    None => Written::Empty(span),
                };
                b.push(col + 1, written);
            }
            b.end_row(line, span, row.len() + 1);
        }
        b
    }

    #[test]
    fn pieces_put_together_at_once_are_the_pieces_appended_in_turn() {
        let text = Arc::new(Text::from("x\n".repeat(100)));
        let rows = |n: i32, empty_at: i32| -> Vec<Vec<Option<i32>>> {
            (0..n)
                .map(|i| vec![Some(i), (i != empty_at).then_some(-i), Some(7)])
                .collect()
        };
        // A piece without rows, one whose texts are all empty, empty cells in a column of
        // numbers, and a column that is empty in one piece.
        let empty_col: Vec<Vec<Option<i32>>> = (0..4).map(|i| vec![Some(i), None, None]).collect();
        let pieces = || {
            vec![
                (piece(&text, &rows(5, 2), true), 1),
                (piece(&text, &[], true), 7),
                (piece(&text, &rows(3, 9), false), 7),
                (piece(&text, &empty_col, true), 10),
                (piece(&text, &rows(6, 0), true), 14),
            ]
        };
        let together = RowsBuilder::concat(pieces()).expect("compact pieces");
        let mut in_turn = RowsBuilder::csv(text.clone(), Some(b';'));
        for (p, lines) in pieces() {
            in_turn.append(p, lines, 0);
        }
        assert_eq!(together.rows, in_turn.rows);
        assert_eq!(together.lengths, in_turn.lengths);
        assert_eq!(together.full_cells(), in_turn.full_cells());
        assert_eq!(together.rows.len(), 18);
    }

    #[test]
    fn pieces_of_rows_of_other_lengths_are_given_back() {
        let text = Arc::new(Text::from("x\n".repeat(10)));
        let pieces = vec![
            (piece(&text, &[vec![Some(1), Some(2)]], true), 0),
            (piece(&text, &[vec![Some(1)]], true), 1),
        ];
        let back = RowsBuilder::concat(pieces).expect_err("given back");
        assert_eq!(back.len(), 2);
        assert_eq!(back[1].1, 1);
    }
}
