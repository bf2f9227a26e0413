//! Source texts (rule files, decoded report files) and positions inside them.
//!
//! Every span in rimlig is a byte range into the *decoded* UTF-8 text held here, so a
//! diagnostic can always show the text the user wrote, whatever its original encoding.

use std::sync::Arc;

/// A byte range `[start, end)` into one source text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
    pub fn len(&self) -> usize {
        self.end - self.start
    }
    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }
    /// The smallest span covering both.
    pub fn join(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(s: Span) -> Self {
        (s.start, s.len()).into()
    }
}

/// Index of a source in [`Sources`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SourceId(pub usize);

impl SourceId {
    /// The id of this source once its `Sources` is appended to another at `offset`.
    pub fn shifted(self, offset: usize) -> SourceId {
        SourceId(self.0 + offset)
    }
}

/// How offsets into the decoded text map back to bytes of the file as stored, so that
/// machine-readable spans point into the file itself.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FileBytes {
    /// UTF-8 as stored: offsets are file offsets.
    #[default]
    Same,
    /// UTF-8 after a byte order mark of this many bytes.
    AfterBom(usize),
    /// A one-byte-per-character encoding (Windows-1252).
    OneBytePerChar,
    /// UTF-16 after a byte order mark of this many bytes.
    Utf16 { bom: usize },
}

/// Where the cells of a workbook sheet are in the text rimlig renders the sheet as (one line
/// per sheet row, see `report::workbook`), so a span can be named as a cell: `prognos!D6`.
#[derive(Debug, Clone, Default)]
pub struct CellMap {
    /// The sheet's name as a cell reference writes it: `prognos`, `'Investeringar 2020'`.
    pub sheet: String,
    /// `(start, end, row, column)` of every rendered cell, 0-based row and column, ordered
    /// by `start` (each cell starts at its own offset, also an empty one).
    pub cells: Vec<(usize, usize, u32, u32)>,
}

impl CellMap {
    /// The cell a span starts in, as (0-based row, 0-based column).
    pub fn cell_at(&self, span: Span) -> Option<(u32, u32)> {
        let i = self.cells.partition_point(|c| c.0 <= span.start);
        let &(start, end, row, col) = self.cells.get(i.checked_sub(1)?)?;
        (start <= span.start && span.start <= end).then_some((row, col))
    }
}

/// `D6` for 0-based row 5, column 3.
pub fn a1(row: u32, col: u32) -> String {
    let mut letters = Vec::new();
    let mut n = u64::from(col) + 1;
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        letters.push(char::from(b'A' + rem));
        n = (n - 1) / 26;
    }
    letters.reverse();
    let mut s: String = letters.into_iter().collect();
    s.push_str(&(u64::from(row) + 1).to_string());
    s
}

/// How far apart [`SourceFile`] counts the characters of a text with long lines.
const CHARS_COUNTED_EVERY: usize = 4096;

/// An offset or count as a source keeps it: every reader refuses a file of 4 GiB or more.
fn small(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Texts from this size on have their lines found in parallel pieces.
const LINES_IN_PIECES_FROM: usize = 4 << 20;

/// Where each line of `text` starts: counted first, so the list is allocated once; a large
/// text in pieces, in parallel, put together in order.
fn line_starts(text: &[u8]) -> Vec<u32> {
    let offset = |i: usize| u32::try_from(i + 1).unwrap_or(u32::MAX);
    if text.len() < LINES_IN_PIECES_FROM {
        let lines = memchr::memchr_iter(b'\n', text).count();
        let mut starts = Vec::with_capacity(lines + 1);
        starts.push(0);
        starts.extend(memchr::memchr_iter(b'\n', text).map(offset));
        return starts;
    }
    use rayon::prelude::*;
    let piece = LINES_IN_PIECES_FROM / 4;
    let counts: Vec<usize> = text
        .par_chunks(piece)
        .map(|p| memchr::memchr_iter(b'\n', p).count())
        .collect();
    let mut starts = vec![0u32; counts.iter().sum::<usize>() + 1];
    // Each piece writes its own stretch of the list.
    let mut stretches = Vec::with_capacity(counts.len());
    let mut rest = starts.get_mut(1..).unwrap_or_default();
    for &n in &counts {
        let (mine, after) = rest.split_at_mut(n);
        stretches.push(mine);
        rest = after;
    }
    text.par_chunks(piece)
        .zip(stretches)
        .enumerate()
        .for_each(|(k, (p, out))| {
            for (slot, i) in out.iter_mut().zip(memchr::memchr_iter(b'\n', p)) {
                *slot = offset(k * piece + i);
            }
        });
    starts
}

/// The decoded text of a file: in memory of its own, or (a large UTF-8 file) mapped where
/// it lies (see `report::mapped`). Either way a `str`.
pub struct Text(Held);

enum Held {
    Owned(String),
    Mapped(crate::report::mapped::MappedText),
}

impl Text {
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Held::Owned(s) => s,
            Held::Mapped(m) => m.as_str(),
        }
    }

    pub(crate) fn mapped(text: crate::report::mapped::MappedText) -> Text {
        Text(Held::Mapped(text))
    }

    /// For a mapped text, whether none of its bytes could start a control character, as
    /// its scan found (`report::scan`); `None`: not known.
    pub(crate) fn known_clean(&self) -> Option<bool> {
        match &self.0 {
            Held::Mapped(m) => Some(m.clean()),
            Held::Owned(_) => None,
        }
    }

    /// The line feeds in `self[from..to]`: from the counts its scan kept for a mapped text,
    /// else counted now.
    pub(crate) fn line_feeds_between(&self, from: usize, to: usize) -> usize {
        match &self.0 {
            Held::Mapped(m) => m
                .line_feeds_before(to)
                .saturating_sub(m.line_feeds_before(from)),
            Held::Owned(s) => s
                .as_bytes()
                .get(from..to)
                .map_or(0, |piece| memchr::memchr_iter(b'\n', piece).count()),
        }
    }

    /// For a mapped text, the offset of its last `"` (`Some(None)`: it has none), as its
    /// scan found; `None`: not known.
    pub(crate) fn known_last_quote(&self) -> Option<Option<usize>> {
        match &self.0 {
            Held::Mapped(m) => Some(m.last_quote()),
            Held::Owned(_) => None,
        }
    }
}

impl Default for Text {
    fn default() -> Text {
        Text(Held::Owned(String::new()))
    }
}

impl std::ops::Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text(Held::Owned(s))
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        Text(Held::Owned(s.to_string()))
    }
}

impl From<&String> for Text {
    fn from(s: &String) -> Text {
        Text(Held::Owned(s.clone()))
    }
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Held::Owned(s) => std::fmt::Debug::fmt(s, f),
            Held::Mapped(m) => std::fmt::Debug::fmt(m, f),
        }
    }
}

/// One text file as rimlig read it.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as the user gave it (or as found under a path they gave), for display.
    pub name: String,
    pub text: Arc<Text>,
    /// Where each line starts: `u32`, as every reader refuses a file of 4 GiB or more, and a
    /// file of a million lines keeps 4 MB of them, counted first and held once. Found when
    /// first asked for (see [`SourceFile::line_starts`]): a check whose findings are all in
    /// rows of a CSV file never asks.
    line_starts: std::sync::OnceLock<Vec<u32>>,
    bytes: FileBytes,
    /// For a file not stored as UTF-8: where each line starts in the stored file, counted
    /// once when a span is first asked for. Counting from the file's start for every finding
    /// took minutes on a large Windows-1252 file.
    stored_line_starts: std::sync::OnceLock<Vec<u32>>,
    /// For a text with long lines: (offset, characters before it) about every
    /// [`CHARS_COUNTED_EVERY`] bytes, counted once when first needed. A JSON report is often
    /// written on one line, and counting a column from the line's start for every cell took
    /// time that grew with the square of the file's size.
    char_checkpoints: std::sync::OnceLock<Vec<(u32, u32)>>,
    /// For a rendered workbook sheet: where its cells are.
    cells: Option<Arc<CellMap>>,
    /// The file as the terminal view draws it, when its name or text has control characters
    /// (see `render::visible`): made when first drawn.
    shown: std::sync::OnceLock<Option<Box<Shown>>>,
}

/// A copy of a file with its control characters shown, and how its offsets moved.
#[derive(Debug)]
struct Shown {
    file: SourceFile,
    shifts: Vec<(usize, usize)>,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<Text>) -> Self {
        SourceFile {
            name: name.into(),
            line_starts: std::sync::OnceLock::new(),
            text: Arc::new(text.into()),
            bytes: FileBytes::Same,
            stored_line_starts: std::sync::OnceLock::new(),
            char_checkpoints: std::sync::OnceLock::new(),
            cells: None,
            shown: std::sync::OnceLock::new(),
        }
    }

    fn shown_copy(&self) -> Option<&Shown> {
        use crate::render::visible::{visible_line, visible_with_shifts};
        self.shown
            .get_or_init(|| {
                let name = visible_line(&self.name);
                let text = visible_with_shifts(&self.text);
                if text.is_none() && matches!(name, std::borrow::Cow::Borrowed(_)) {
                    return None;
                }
                let name = name.into_owned();
                let (file, shifts) = match text {
                    Some((text, shifts)) => (SourceFile::new(name, text), shifts),
                    None => (
                        SourceFile {
                            name,
                            text: Arc::clone(&self.text),
                            line_starts: self.line_starts.clone(),
                            bytes: self.bytes,
                            stored_line_starts: std::sync::OnceLock::new(),
                            char_checkpoints: std::sync::OnceLock::new(),
                            cells: self.cells.clone(),
                            shown: std::sync::OnceLock::new(),
                        },
                        Vec::new(),
                    ),
                };
                // The copy has nothing left to show.
                let _ = file.shown.set(None);
                Some(Box::new(Shown { file, shifts }))
            })
            .as_deref()
    }

    /// The file as a terminal shows it: the same file, unless its name or text has control
    /// characters; then a copy with them shown as `render::visible` does (each as one
    /// character, so lines and columns stay the same but byte offsets move: see
    /// [`SourceFile::shown_span`]).
    pub fn shown(&self) -> &SourceFile {
        self.shown_copy().map_or(self, |s| &s.file)
    }

    /// A span of the text as a span of [`SourceFile::shown`]'s text.
    pub fn shown_span(&self, span: Span) -> Span {
        match self.shown_copy() {
            Some(s) if !s.shifts.is_empty() => {
                use crate::render::visible::shifted;
                Span::new(shifted(&s.shifts, span.start), shifted(&s.shifts, span.end))
            }
            _ => span,
        }
    }

    /// Mark the text as a rendered workbook sheet whose cells are where `cells` says.
    pub fn with_cell_map(mut self, cells: CellMap) -> Self {
        self.cells = Some(Arc::new(cells));
        self
    }

    /// For a rendered workbook sheet, the cell a span is in: `prognos!D6`.
    pub fn cell_ref(&self, span: Span) -> Option<String> {
        let map = self.cells.as_ref()?;
        let (row, col) = map.cell_at(span)?;
        Some(format!("{}!{}", map.sheet, a1(row, col)))
    }

    /// For a rendered workbook sheet, the cell a span is in without the sheet: `D6`.
    pub fn cell_ref_short(&self, span: Span) -> Option<String> {
        let (row, col) = self.cells.as_ref()?.cell_at(span)?;
        Some(a1(row, col))
    }

    /// Record how the file was stored, for [`SourceFile::file_span`].
    pub fn with_file_bytes(mut self, bytes: FileBytes) -> Self {
        self.bytes = bytes;
        self
    }

    /// A span of the decoded text as (offset, length) in the bytes of the stored file.
    pub fn file_span(&self, span: Span) -> (usize, usize) {
        let len = self.text.len();
        let (start, end) = (span.start.min(len), span.end.min(len));
        match self.bytes {
            FileBytes::Same => (span.start, span.len()),
            FileBytes::AfterBom(bom) => (span.start + bom, span.len()),
            FileBytes::OneBytePerChar | FileBytes::Utf16 { .. } => {
                let line = self.line_index(start);
                let line_start = self.line_starts().get(line).map_or(0, |&s| s as usize);
                let at_line = self
                    .stored_line_starts()
                    .get(line)
                    .map_or(0, |&s| s as usize);
                (
                    at_line + self.stored_between(line_start, start),
                    self.stored_between(start, end),
                )
            }
        }
    }

    /// How many bytes `text[from..to]` takes in the stored file (not counting a byte order
    /// mark).
    fn stored_between(&self, from: usize, to: usize) -> usize {
        match self.bytes {
            FileBytes::Same | FileBytes::AfterBom(_) => to.saturating_sub(from),
            FileBytes::OneBytePerChar => self.chars_between(from, to),
            FileBytes::Utf16 { .. } => self
                .text
                .get(from..to)
                .map_or(0, |t| t.chars().map(|c| 2 * c.len_utf16()).sum()),
        }
    }

    /// How many characters `text[from..to]` has: counted directly over a short stretch, else
    /// from the checkpoints.
    fn chars_between(&self, from: usize, to: usize) -> usize {
        if to.saturating_sub(from) <= 2 * CHARS_COUNTED_EVERY {
            return self
                .text
                .get(from..to)
                .map_or(0, |t| crate::words::chars_in(t.as_bytes()));
        }
        self.chars_before(to)
            .saturating_sub(self.chars_before(from))
    }

    /// How many characters come before byte offset `at` (a character boundary).
    fn chars_before(&self, at: usize) -> usize {
        let text = self.text.as_str();
        let points = self.char_checkpoints.get_or_init(|| {
            let mut points = Vec::with_capacity(text.len() / CHARS_COUNTED_EVERY + 1);
            let (mut from, mut chars) = (0usize, 0usize);
            while from < text.len() {
                points.push((small(from), small(chars)));
                let mut next = (from + CHARS_COUNTED_EVERY).min(text.len());
                while !text.is_char_boundary(next) {
                    next += 1;
                }
                chars += text.get(from..next).map_or(0, |t| t.chars().count());
                from = next;
            }
            points
        });
        let i = points.partition_point(|p| p.0 as usize <= at);
        let (from, before) = points.get(i.wrapping_sub(1)).copied().unwrap_or((0, 0));
        before as usize + text.get(from as usize..at).map_or(0, |t| t.chars().count())
    }

    /// Where each line starts in the stored file, byte order mark included.
    fn stored_line_starts(&self) -> &[u32] {
        self.stored_line_starts.get_or_init(|| {
            let bom = match self.bytes {
                FileBytes::AfterBom(bom) | FileBytes::Utf16 { bom } => bom,
                FileBytes::Same | FileBytes::OneBytePerChar => 0,
            };
            let mut at = bom;
            let mut out = Vec::with_capacity(self.line_starts().len());
            let mut from = 0;
            for &start in self.line_starts() {
                let start = start as usize;
                at += self.stored_between(from, start);
                out.push(u32::try_from(at).unwrap_or(u32::MAX));
                from = start;
            }
            out
        })
    }

    /// Where each line starts, found the first time asked.
    fn line_starts(&self) -> &[u32] {
        self.line_starts
            .get_or_init(|| line_starts(self.text.as_bytes()))
    }

    /// The 0-based line a byte offset is on.
    fn line_index(&self, offset: usize) -> usize {
        let at = u32::try_from(offset).unwrap_or(u32::MAX);
        match self.line_starts().binary_search(&at) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// 1-based line and column (column counted in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        self.line_col_near(offset, 0)
    }

    /// [`SourceFile::line_col`], for an offset likely on 1-based line `near` (a cell of a row
    /// that starts there). A right guess spares a search through every line start: a
    /// finding of a million-row table names three cells, and each search reads about
    /// twenty places far apart in four megabytes. A wrong guess is only slower.
    pub fn line_col_near(&self, offset: usize, near: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let starts = self.line_starts();
        let at = |i: usize| starts.get(i).map(|&s| s as usize);
        let guess = near.wrapping_sub(1);
        let line = match (at(guess), at(guess.wrapping_add(1))) {
            (Some(start), next) if start <= offset && next.is_none_or(|n| offset < n) => guess,
            _ => self.line_index(offset),
        };
        let start = starts.get(line).map_or(0, |&s| s as usize);
        let col = self.chars_between(start, offset) + 1;
        (line + 1, col)
    }

    /// [`SourceFile::line_col`] of `offset`, a place in a row of a CSV file that starts at
    /// `line_start` on 1-based `line`, as its reader counted the line feeds before it. Where
    /// the offset is on that same line, the column is counted from the line's start, and the
    /// file's lines are not looked for at all (a million-row file has 4 MB of line starts,
    /// found in a pass of their own over the whole file). Anything else is looked up.
    pub fn line_col_in_row(&self, offset: usize, line: usize, line_start: usize) -> (usize, usize) {
        let bytes = self.text.as_bytes();
        let at_line_start =
            line_start == 0 || bytes.get(line_start.wrapping_sub(1)) == Some(&b'\n');
        let same_line = bytes
            .get(line_start..offset)
            .is_some_and(|before| memchr::memchr(b'\n', before).is_none());
        if line == 0 || !at_line_start || !same_line {
            return self.line_col_near(offset, line);
        }
        let found = (line, self.chars_between(line_start, offset) + 1);
        debug_assert_eq!(
            found,
            self.line_col_near(offset, line),
            "a row's line as read"
        );
        found
    }

    /// How many lines the text has.
    pub fn line_count(&self) -> usize {
        self.line_starts().len()
    }

    /// The text of a 1-based line, without its line break.
    pub fn line_text(&self, line: usize) -> &str {
        let starts = self.line_starts();
        let start = starts[line - 1] as usize;
        let end = starts.get(line).map_or(self.text.len(), |&s| s as usize);
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }

    pub fn slice(&self, span: Span) -> &str {
        &self.text[span.start..span.end]
    }
}

/// Every CR that is not followed by a LF turned into a LF, so that old Macintosh line ends
/// are lines: each byte stays where it is.
pub fn lone_crs_as_line_feeds(text: &str) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for i in memchr::memchr_iter(b'\r', text.as_bytes()) {
        if text.as_bytes().get(i + 1) != Some(&b'\n') {
            bytes[i] = b'\n';
        }
    }
    // One ASCII byte for another.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Whether `text` has a CR that is not followed by a LF.
pub fn has_lone_cr(text: &str) -> bool {
    let b = text.as_bytes();
    memchr::memchr_iter(b'\r', b).any(|i| b.get(i + 1) != Some(&b'\n'))
}

/// All source texts of one run.
#[derive(Debug, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    pub fn add(&mut self, file: SourceFile) -> SourceId {
        self.files.push(file);
        SourceId(self.files.len() - 1)
    }
    pub fn len(&self) -> usize {
        self.files.len()
    }
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
    /// Forget the files added after the first `len`: a file read again.
    pub fn truncate(&mut self, len: usize) {
        self.files.truncate(len);
    }
    pub fn get(&self, id: SourceId) -> &SourceFile {
        &self.files[id.0]
    }
    /// Take over the files of `other` after these: its ids move up by the returned offset
    /// (see `SourceId::shifted`).
    pub fn append(&mut self, other: Sources) -> usize {
        let offset = self.files.len();
        self.files.extend(other.files);
        offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shown_copy_keeps_lines_and_columns_and_moves_spans() {
        let text = "a;b\r\n\"x\x1b[2K\ry\";3\n\u{9b}å;\x7f4\n";
        let file = SourceFile::new("r\x1b/t.csv", text);
        let shown = file.shown();
        assert_eq!(shown.name, "r␛/t.csv");
        assert_eq!(&**shown.text, "a;b\r\n\"x␛[2K␍y\";3\n�å;␡4\n");
        let bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        for (k, &i) in bounds.iter().enumerate() {
            let to = bounds.get(k + 3).copied().unwrap_or(text.len());
            let span = file.shown_span(Span::new(i, to));
            assert_eq!(shown.line_col(span.start), file.line_col(i), "{i}");
            // (The CR of a CRLF cut from its LF would be shown alone.)
            if !text[..to].ends_with('\r') {
                let slice = file.slice(Span::new(i, to));
                assert_eq!(shown.slice(span), crate::render::visible::visible(slice));
            }
        }
        // Only the name to show: the text is shared.
        let named = SourceFile::new("a\nb.csv", "x;1\n");
        assert_eq!(named.shown().name, "a␊b.csv");
        assert!(Arc::ptr_eq(&named.shown().text, &named.text));
        // Nothing to show: the file itself.
        let plain = SourceFile::new("t.csv", "a;b\r\nå;1\n");
        assert!(std::ptr::eq(plain.shown(), &plain));
        assert_eq!(plain.shown_span(Span::new(3, 7)), Span::new(3, 7));
    }

    #[test]
    fn spans_in_files_not_stored_as_utf8_are_counted_in_stored_bytes() {
        // Also a line long enough that its characters are counted from checkpoints.
        let long = "åäö;12 345;€;".repeat(460);
        let text = &format!("kr;å\nÅr;€ 12\r\n\n𝄞;ä\n{long}\nsista");
        let cases = [
            (FileBytes::OneBytePerChar, 0),
            (FileBytes::Utf16 { bom: 2 }, 2),
            (FileBytes::AfterBom(3), 3),
            (FileBytes::Same, 0),
        ];
        for (bytes, bom) in cases {
            let file = SourceFile::new("t.csv", text).with_file_bytes(bytes);
            // Counted from the start of the file, character by character.
            let stored = |t: &str| match bytes {
                FileBytes::OneBytePerChar => t.chars().count(),
                FileBytes::Utf16 { .. } => t.encode_utf16().count() * 2,
                FileBytes::Same | FileBytes::AfterBom(_) => t.len(),
            };
            let bounds: Vec<usize> = text
                .char_indices()
                .map(|(i, _)| i)
                .chain([text.len()])
                .collect();
            // What comes before each boundary, counted character by character.
            let (mut before, mut lines) = (vec![0], vec![(1, 1)]);
            for c in text.chars() {
                before.push(before.last().unwrap() + stored(c.encode_utf8(&mut [0; 4])));
                let (line, column) = *lines.last().unwrap();
                lines.push(if c == '\n' {
                    (line + 1, 1)
                } else {
                    (line, column + 1)
                });
            }
            // Starts on the short lines and along the long one, with ends near them and far.
            let starts = bounds
                .iter()
                .enumerate()
                .filter(|(i, _)| i % 13 == 0 || *i < 30);
            for (i, &a) in starts {
                let ends = (i..bounds.len().min(i + 5)).chain((i..bounds.len()).step_by(997));
                for j in ends {
                    let want = (bom + before[i], before[j] - before[i]);
                    let span = Span::new(a, bounds[j]);
                    assert_eq!(file.file_span(span), want, "{bytes:?} {span:?}");
                }
                assert_eq!(file.line_col(a), lines[i], "line and column of {a}");
            }
        }
    }

    #[test]
    fn lines_of_a_large_text_are_found_in_pieces_as_in_one_pass() {
        let one_pass = |t: &[u8]| {
            std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', t).map(|i| i as u32 + 1))
                .collect::<Vec<u32>>()
        };
        let piece = LINES_IN_PIECES_FROM / 4;
        // Line feeds at the ends and starts of pieces, runs of them, and long lines.
        let mut text = vec![b'x'; LINES_IN_PIECES_FROM * 2 + 123];
        for at in [0, 1, piece - 1, piece, piece + 1, 3 * piece, 5 * piece - 1] {
            text[at] = b'\n';
        }
        for at in (7 * piece..7 * piece + 5000).step_by(3) {
            text[at] = b'\n';
        }
        *text.last_mut().unwrap() = b'\n';
        assert_eq!(line_starts(&text), one_pass(&text));
        text.truncate(LINES_IN_PIECES_FROM);
        assert_eq!(line_starts(&text), one_pass(&text));
        assert_eq!(line_starts(b"a\nb"), vec![0, 2]);
        assert_eq!(line_starts(b""), vec![0]);
    }

    #[test]
    fn a_guessed_line_gives_the_same_place_right_or_wrong() {
        let f = SourceFile::new("x", "ab\nåäö;12\n\nlast");
        for offset in 0..=f.text.len() + 2 {
            if !f.text.is_char_boundary(offset.min(f.text.len())) {
                continue;
            }
            for near in [0, 1, 2, 3, 4, 5, 99, usize::MAX] {
                assert_eq!(
                    f.line_col_near(offset, near),
                    f.line_col(offset),
                    "offset {offset}, guess {near}"
                );
            }
        }
        assert_eq!(f.line_col_near(9, 2), (2, 4));
    }

    #[test]
    fn line_and_column_count_characters() {
        let f = SourceFile::new("x", "ab\nåäö;12\n");
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(3), (2, 1));
        // 'å','ä','ö' are two bytes each: ';' is at byte 9, the 4th character.
        assert_eq!(f.line_col(9), (2, 4));
        assert_eq!(f.line_text(2), "åäö;12");
    }

    #[test]
    fn a1_references() {
        assert_eq!(a1(0, 0), "A1");
        assert_eq!(a1(5, 3), "D6");
        assert_eq!(a1(0, 25), "Z1");
        assert_eq!(a1(0, 26), "AA1");
        assert_eq!(a1(9, 701), "ZZ10");
        assert_eq!(a1(0, 702), "AAA1");
        assert_eq!(a1(1_048_575, 16_383), "XFD1048576");
    }

    #[test]
    fn cell_map_names_the_cell_a_span_starts_in() {
        let f = SourceFile::new("w.xlsx[s]", "A │ B\n").with_cell_map(CellMap {
            sheet: "s".into(),
            cells: vec![(0, 1, 0, 0), (6, 7, 0, 1), (8, 8, 1, 0)],
        });
        assert_eq!(f.slice(Span::new(6, 7)), "B");
        assert_eq!(f.cell_ref(Span::new(6, 7)).as_deref(), Some("s!B1"));
        assert_eq!(f.cell_ref_short(Span::new(0, 1)).as_deref(), Some("A1"));
        assert_eq!(f.cell_ref(Span::new(8, 8)).as_deref(), Some("s!A2"));
        assert_eq!(f.cell_ref(Span::new(2, 5)), None);
        assert_eq!(SourceFile::new("x", "a").cell_ref(Span::new(0, 1)), None);
    }

    #[test]
    fn file_spans_follow_the_stored_encoding() {
        let text = "Kök;30\n";
        let cell = Span::new(5, 7); // "30"
        let f = SourceFile::new("x", text);
        assert_eq!(f.file_span(cell), (5, 2));
        let f = SourceFile::new("x", text).with_file_bytes(FileBytes::AfterBom(3));
        assert_eq!(f.file_span(cell), (8, 2));
        let f = SourceFile::new("x", text).with_file_bytes(FileBytes::OneBytePerChar);
        assert_eq!(f.file_span(cell), (4, 2));
        let f = SourceFile::new("x", text).with_file_bytes(FileBytes::Utf16 { bom: 2 });
        assert_eq!(f.file_span(cell), (10, 4));
    }
}
