//! Room for every row of a large plain table, made before its pieces are read.
//!
//! A large CSV file is read in pieces in parallel (`csv::read_chunks`). Each piece used to
//! build columns of its own, which were then copied into the table's: on a million rows
//! 28 MB of fresh memory twice, and a copy. When the first row shows every column to be
//! whole numbers or texts, the table's columns are made first, at their full length, and
//! each piece writes its rows into its own stretch of them. A piece that meets a row of
//! another kind gives up, and the pieces are read again the general way.

use super::{Column, EMPTY, Lengths, Row, RowsBuilder, Written, small};
use crate::source::Span;

/// The rows and compact columns of a table, at the length the pieces may fill.
pub(crate) struct Presized {
    rows: Vec<Row>,
    /// Per column: its whole numbers, or `None` for a column of texts.
    ints: Vec<Option<Vec<i32>>>,
    /// Per column: whether it was empty in the first row, and so takes only empty fields
    /// (a file saved from Excel often ends every row with `;;;`). Left empty when no column
    /// is such.
    stays_empty: Vec<bool>,
}

/// One piece's stretch of a [`Presized`] table.
pub(crate) struct Stretch<'s> {
    rows: &'s mut [Row],
    ints: Vec<Option<&'s mut [i32]>>,
    stays_empty: &'s [bool],
    written: usize,
    /// Added to the line of each row (the piece's first line).
    lines: usize,
}

impl Presized {
    /// Room for `total` rows with the columns of `probe` (the first row, read alone), if each
    /// of its columns is whole numbers or texts and the row has a cell in each.
    pub fn like(probe: &RowsBuilder, total: usize) -> Option<Presized> {
        let width = probe.columns.len();
        if probe.rows.len() != 1 || probe.lengths != Lengths::Same(Some(small(width))) {
            return None;
        }
        let ints = probe
            .columns
            .iter()
            .map(|c| match c {
                // Zeroed by the kernel as the pieces first write each page, in parallel.
                Column::Integers(_) => Some(Some(vec![0; total])),
                Column::Texts | Column::Empty => Some(None),
                Column::Cells(_) => None,
            })
            .collect::<Option<Vec<_>>>()?;
        // Left empty when there is none such.
        let mut stays_empty: Vec<bool> = probe
            .columns
            .iter()
            .map(|c| matches!(c, Column::Empty))
            .collect();
        if !stays_empty.contains(&true) {
            stays_empty.clear();
        }
        let blank = Row {
            line: 0,
            start: 0,
            end: 0,
        };
        // Written in parallel too: the pages are faulted in on both cores.
        use rayon::prelude::*;
        let mut rows = Vec::new();
        rows.par_extend(rayon::iter::repeat_n(blank, total));
        Some(Presized {
            rows,
            ints,
            stays_empty,
        })
    }

    /// A stretch for each piece, of `sizes[i]` rows whose lines start after `lines[i]`.
    pub fn stretches(&mut self, sizes: &[usize], lines: &[usize]) -> Vec<Stretch<'_>> {
        let mut rows = self.rows.as_mut_slice();
        let mut ints: Vec<Option<&mut [i32]>> = self
            .ints
            .iter_mut()
            .map(|c| c.as_mut().map(Vec::as_mut_slice))
            .collect();
        let mut out = Vec::with_capacity(sizes.len());
        for (&size, &at) in sizes.iter().zip(lines) {
            let size = size.min(rows.len());
            let (mine, rest) = std::mem::take(&mut rows).split_at_mut(size);
            rows = rest;
            let mine_ints = ints
                .iter_mut()
                .map(|c| {
                    c.take().map(|all| {
                        let (mine, rest) = all.split_at_mut(size.min(all.len()));
                        *c = Some(rest);
                        mine
                    })
                })
                .collect();
            out.push(Stretch {
                rows: mine,
                ints: mine_ints,
                stays_empty: &self.stays_empty,
                written: 0,
                lines: at,
            });
        }
        out
    }

    /// The table's rows, once each piece wrote `written[i]` of its `sizes[i]` rows: the
    /// stretches closed up, in order.
    pub fn finish(mut self, sizes: &[usize], written: &[usize], like: &RowsBuilder) -> RowsBuilder {
        let mut to = 0;
        let mut from = 0;
        for (&size, &n) in sizes.iter().zip(written) {
            let n = n.min(size);
            if from != to {
                self.rows.copy_within(from..from + n, to);
                for v in self.ints.iter_mut().flatten() {
                    v.copy_within(from..from + n, to);
                }
            }
            from += size;
            to += n;
        }
        self.rows.truncate(to);
        let columns = self
            .ints
            .into_iter()
            .zip(self.stays_empty.into_iter().chain(std::iter::repeat(false)))
            .map(|(c, empty)| match c {
                Some(mut v) => {
                    v.truncate(to);
                    Column::Integers(v)
                }
                None if empty => Column::Empty,
                None => Column::Texts,
            })
            .collect::<Vec<_>>();
        let lengths = match to {
            0 => Lengths::Same(None),
            _ => Lengths::Same(Some(small(columns.len()))),
        };
        RowsBuilder {
            rows: self.rows,
            lengths,
            columns,
            split: like.split,
            text: like.text.clone(),
            expected_rows: to,
        }
    }
}

impl Stretch<'_> {
    /// Put a row of `cells` on the piece's `line` at `span` into the next place: `false` if a
    /// cell is not of its column's kind, the row is short, or the stretch is full.
    #[inline]
    pub fn push_row(&mut self, cells: &[Written], line: usize, span: Span) -> bool {
        let r = self.written;
        if cells.len() != self.ints.len() || r >= self.rows.len() {
            return false;
        }
        // Every cell of its column's kind, before anything is written.
        let fits = self
            .ints
            .iter()
            .zip(self.stays_empty.iter().chain(std::iter::repeat(&false)))
            .zip(cells)
            .all(|((column, &empty), cell)| match (column, cell) {
                (Some(_), Written::Integer(_, m)) => *m != EMPTY,
                (_, Written::Empty(_)) => true,
                (None, Written::Text(_)) => !empty,
                _ => false,
            });
        if !fits {
            return false;
        }
        for (column, cell) in self.ints.iter_mut().zip(cells) {
            if let Some(slot) = column.as_mut().and_then(|v| v.get_mut(r)) {
                // An empty field in a column of whole numbers is `EMPTY`, as the general
                // reader keeps it: every row has all its cells.
                *slot = match cell {
                    Written::Integer(_, m) => *m,
                    _ => EMPTY,
                };
            }
        }
        if let Some(slot) = self.rows.get_mut(r) {
            *slot = Row::new(line + self.lines, span);
        }
        self.written += 1;
        true
    }

    /// Put the rows of `built` (read from the piece's `line` on) after those written: `false`
    /// if its columns are not this table's kinds, or its rows do not fit.
    pub fn push_built(&mut self, built: &RowsBuilder, line: usize) -> bool {
        let n = built.rows.len();
        if n == 0 {
            return true;
        }
        let r = self.written;
        if r + n > self.rows.len()
            || built.lengths != Lengths::Same(Some(small(self.ints.len())))
            || built.columns.len() != self.ints.len()
        {
            return false;
        }
        // Every column of the same kind, and every whole number a cell (no filler), before
        // anything is written.
        // Every column of the same kind (a column of only empty fields fits any), and a whole
        // number or `EMPTY` for each row in a column of them: with every row as long as the
        // header, `EMPTY` there is an empty field, not a filler.
        let kinds_agree = self
            .ints
            .iter()
            .zip(self.stays_empty.iter().chain(std::iter::repeat(&false)))
            .zip(&built.columns)
            .all(|((mine, &empty), theirs)| match (mine, theirs) {
                (Some(_), Column::Integers(values)) => values.len() == n,
                (_, Column::Empty) => true,
                (None, Column::Texts) => !empty,
                _ => false,
            });
        let Some(rows) = self.rows.get_mut(r..r + n) else {
            return false;
        };
        if !kinds_agree {
            return false;
        }
        for (slot, row) in rows.iter_mut().zip(&built.rows) {
            *slot = Row {
                line: row.line.saturating_add(small(line + self.lines)),
                ..*row
            };
        }
        for (mine, theirs) in self.ints.iter_mut().zip(&built.columns) {
            let Some(stretch) = mine.as_mut().and_then(|v| v.get_mut(r..r + n)) else {
                continue;
            };
            match theirs {
                Column::Integers(values) => stretch.copy_from_slice(values),
                _ => stretch.fill(EMPTY),
            }
        }
        self.written += n;
        true
    }

    /// Rows written so far.
    pub fn written(&self) -> usize {
        self.written
    }

    /// Whether the next row has room, with `width` cells.
    pub fn has_room(&self, width: usize) -> bool {
        self.written < self.rows.len() && width == self.ints.len()
    }

    /// Whether column `col` holds whole numbers (else texts).
    #[inline]
    pub fn is_integers(&self, col: usize) -> bool {
        matches!(self.ints.get(col), Some(Some(_)))
    }

    /// Whether column `col` was empty in the first row, and so takes only empty fields.
    #[inline]
    pub fn stays_empty(&self, col: usize) -> bool {
        // Most tables have no such column: that is known without looking at this one.
        !self.stays_empty.is_empty() && self.stays_empty.get(col).copied().unwrap_or(false)
    }

    /// Cell `col` of the next row in a column of whole numbers: `m`, or [`EMPTY`] for an
    /// empty field.
    #[inline]
    pub fn set_integer(&mut self, col: usize, m: i32) {
        if let Some(Some(v)) = self.ints.get_mut(col)
            && let Some(slot) = v.get_mut(self.written)
        {
            *slot = m;
        }
    }

    /// The next row, on the piece's `line` at `span`, its numbers set by
    /// [`Stretch::set_integer`] and its texts in the row's text: done.
    #[inline]
    pub fn end_row(&mut self, line: usize, span: Span) {
        if let Some(slot) = self.rows.get_mut(self.written) {
            *slot = Row::new(line + self.lines, span);
            self.written += 1;
        }
    }
}
