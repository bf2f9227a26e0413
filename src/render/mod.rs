//! Views of a run's findings and problems: pure functions from the run to text.

pub mod html;
pub mod human;
pub mod json;
pub mod visible;

// Formats for CI systems and code hosts, one module each. They share the places below.
pub mod concise;
pub mod github;
pub mod gitlab;
pub mod junit;
pub mod sarif;

use crate::finding::Finding;
use crate::problem::Problem;
use crate::run::Run;

/// Items turned into text at once, at most: a few megabytes of text.
pub(crate) const ITEMS_PER_BATCH: usize = 1024;
/// Items one thread turns into text in one go.
pub(crate) const ITEMS_PER_PIECE: usize = 64;

/// Bytes of text made room for per item, at once: a JSON finding takes about 1,5 KB, a
/// drawn diagnostic about 1 KB. Grown by doubling instead, the text of a large run was
/// copied over again several times (30 ms of a million-row check's 400).
const ITEM_BYTES: usize = 1536;

/// `items` turned into text by `text(index, item, out)` and written to `w` in order, without
/// holding the whole text: a batch at a time, the pieces of a batch turned into text in
/// parallel, each batch written while the next is turned into text. A run's findings are
/// most of a large output, and turning each into text is most of the time it takes.
pub(crate) fn write_in_order<T: Sync, W: std::io::Write>(
    items: &[T],
    per_batch: usize,
    per_piece: usize,
    text: impl Fn(usize, &T, &mut Vec<u8>) -> std::io::Result<()> + Sync,
    w: &mut W,
) -> std::io::Result<()> {
    write_in_order_with(
        items,
        per_batch,
        per_piece,
        |i, x, out, _: &mut ()| text(i, x, out),
        w,
    )
}

/// [`write_in_order`], each piece's items turned into text with a state of their own (made
/// anew for each piece): what an item can take over from the one before it.
pub(crate) fn write_in_order_with<T: Sync, S: Default, W: std::io::Write>(
    items: &[T],
    per_batch: usize,
    per_piece: usize,
    text: impl Fn(usize, &T, &mut Vec<u8>, &mut S) -> std::io::Result<()> + Sync,
    w: &mut W,
) -> std::io::Result<()> {
    use rayon::prelude::*;
    let per_batch = per_batch.max(1);
    let per_piece = per_piece.max(1);
    // The texts of pieces written, emptied for the next batch: a piece's text is 100 KB, and
    // given back to the allocator after each batch, its pages were given back to the system
    // and faulted in again for the next (a quarter of a large run's page faults).
    let spare: std::sync::Mutex<Vec<Vec<u8>>> = std::sync::Mutex::default();
    let batch_text = |b: usize, batch: &[T]| -> std::io::Result<Vec<Vec<u8>>> {
        batch
            .par_chunks(per_piece)
            .enumerate()
            .map(|(p, piece)| {
                let kept = spare.lock().ok().and_then(|mut s| s.pop());
                let mut out = kept.unwrap_or_default();
                out.reserve(piece.len() * ITEM_BYTES);
                let mut state = S::default();
                for (i, item) in piece.iter().enumerate() {
                    text(
                        b * per_batch + p * per_piece + i,
                        item,
                        &mut out,
                        &mut state,
                    )?;
                }
                Ok(out)
            })
            .collect()
    };
    let write_batch = |w: &mut W, batch: Vec<Vec<u8>>| -> std::io::Result<()> {
        batch.iter().try_for_each(|piece| w.write_all(piece))?;
        if let Ok(mut s) = spare.lock() {
            s.extend(batch.into_iter().map(|mut piece| {
                piece.clear();
                piece
            }));
        }
        Ok(())
    };
    let mut batches = items.chunks(per_batch).enumerate();
    let mut ready = match batches.next() {
        Some((b, batch)) => batch_text(b, batch)?,
        None => return Ok(()),
    };
    for (b, batch) in batches {
        let mut next = None;
        // The writer need not be `Send`: it stays on this thread, the text goes to the pool.
        let written = rayon::in_place_scope(|s| {
            s.spawn(|_| next = Some(batch_text(b, batch)));
            write_batch(w, ready)
        });
        written?;
        ready = next.unwrap_or_else(|| Err(std::io::Error::other("a batch of items was lost")))?;
    }
    write_batch(w, ready)
}

/// A stretch of a file: 1-based lines and columns, columns in characters; the end is
/// exclusive (the position just after the last character), so an empty cell has
/// `end == start`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Region {
    pub start_line: usize,
    pub start_column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl Region {
    pub fn single_line(&self) -> bool {
        self.start_line == self.end_line
    }
}

/// Where a finding or problem is: the file as shown to the user and, when known, the region.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    pub file: String,
    pub region: Option<Region>,
    /// A workbook cell (`prognos!D6`): then `file` is the workbook and there is no region,
    /// since a workbook has no lines a code host could show.
    pub cell: Option<String>,
}

impl Place {
    /// `file:line:col`, `file:Sheet!A1` for a workbook cell, or `file` alone.
    pub fn display(&self) -> String {
        match (&self.cell, self.region) {
            (Some(c), _) => format!("{}:{c}", self.file),
            (None, Some(r)) => format!("{}:{}:{}", self.file, r.start_line, r.start_column),
            (None, None) => self.file.clone(),
        }
    }

    /// A place in a source file: for the rendered sheet of a workbook (`book.xlsx[prognos]`),
    /// the workbook file and the cell; else the file and the region.
    fn in_source(
        file: &crate::source::SourceFile,
        shown: &str,
        span: crate::source::Span,
    ) -> Place {
        if let Some(cell) = file.cell_ref(span)
            && let Some(book) = workbook_file(shown)
        {
            return Place {
                file: book.to_string(),
                region: None,
                cell: Some(cell),
            };
        }
        Place {
            file: shown.to_string(),
            region: Some(region_of(file, span)),
            cell: None,
        }
    }
}

/// `dir/book.xlsx` of `dir/book.xlsx[prognos]`, the name of a workbook sheet's source.
fn workbook_file(shown: &str) -> Option<&str> {
    let open = shown.strip_suffix(']')?.rfind('[')?;
    Some(&shown[..open])
}

fn region_of(file: &crate::source::SourceFile, span: crate::source::Span) -> Region {
    let (start_line, start_column) = file.line_col(span.start);
    let (end_line, end_column) = file.line_col(span.end.max(span.start));
    Region {
        start_line,
        start_column,
        end_line,
        end_column,
    }
}

/// The offending cell of a finding.
pub fn finding_place(f: &Finding, run: &Run) -> Place {
    let file = run.sources.get(f.source);
    let mut region = region_of(file, f.primary);
    // The finding's own position is the one every format shows; the span only adds the end.
    if (region.start_line, region.start_column) != (f.line, f.column) {
        region = Region {
            start_line: f.line,
            start_column: f.column,
            end_line: f.line,
            end_column: f.column + file.slice(f.primary).chars().count(),
        };
    }
    if f.cell.is_some() {
        return Place::in_source(file, &f.file, f.primary);
    }
    Place {
        file: f.file.to_string(),
        region: Some(region),
        cell: None,
    }
}

/// The other cells of a finding, with their label text (`Budget 2020: 0`).
pub fn related_places(f: &Finding, run: &Run) -> Vec<(Place, String)> {
    f.related
        .iter()
        .map(|r| {
            let file = run.sources.get(r.source);
            (Place::in_source(file, &r.file, r.span), r.text.to_string())
        })
        .collect()
}

/// Where a problem is: its first label, else the path it is about, else nowhere (a bad
/// argument).
pub fn problem_place(p: &Problem, run: &Run) -> Option<Place> {
    match p.labels.first() {
        Some(l) => {
            let file = run.sources.get(l.source);
            Some(Place::in_source(file, &file.name, l.span))
        }
        None => p.path.as_ref().map(|path| Place {
            file: path.clone(),
            region: None,
            cell: None,
        }),
    }
}

/// The other labels of a problem (a duplicate's first definition …), with their text.
pub fn problem_related(p: &Problem, run: &Run) -> Vec<(Place, String)> {
    p.labels
        .iter()
        .skip(1)
        .map(|l| {
            let file = run.sources.get(l.source);
            (Place::in_source(file, &file.name, l.span), l.text.clone())
        })
        .collect()
}

/// A stable fingerprint of a problem: its code, file and message (no line numbers, unless the
/// message has them). Findings use [`Finding::fingerprint`].
pub fn problem_fingerprint(p: &Problem, run: &Run) -> String {
    let file = problem_place(p, run).map(|pl| pl.file).unwrap_or_default();
    crate::finding::fingerprint(&[
        "problem".to_string(),
        p.code.to_string(),
        file,
        p.message.clone(),
    ])
}

/// `1 finding`, `2 findings`: a count with its noun, for every output that says one.
pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::write_in_order;

    #[test]
    fn items_are_written_in_order_whatever_the_batches_and_pieces() {
        let items: Vec<usize> = (0..100).collect();
        let expected: String = items.iter().map(|i| format!("{i},")).collect();
        for (batch, piece) in [(1, 1), (2, 1), (3, 2), (7, 3), (64, 8), (1024, 64), (0, 0)] {
            let mut out = Vec::new();
            write_in_order(
                &items,
                batch,
                piece,
                |index, item, out| {
                    assert_eq!(index, *item, "each item gets its own index");
                    out.extend_from_slice(format!("{item},").as_bytes());
                    Ok(())
                },
                &mut out,
            )
            .unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), expected, "{batch} {piece}");
        }
    }

    #[test]
    fn an_error_while_turning_an_item_into_text_is_returned() {
        let items: Vec<usize> = (0..10).collect();
        let mut out = Vec::new();
        let result = write_in_order(
            &items,
            3,
            2,
            |_, &item, out| {
                if item == 7 {
                    return Err(std::io::Error::other("item 7"));
                }
                out.push(b'x');
                Ok(())
            },
            &mut out,
        );
        assert_eq!(result.unwrap_err().to_string(), "item 7");
    }
}
