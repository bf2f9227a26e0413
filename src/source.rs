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

/// One text file as rimlig read it.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as the user gave it (or as found under a path they gave), for display.
    pub name: String,
    pub text: Arc<String>,
    line_starts: Vec<usize>,
    bytes: FileBytes,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let text: String = text.into();
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceFile {
            name: name.into(),
            text: Arc::new(text),
            line_starts,
            bytes: FileBytes::Same,
        }
    }

    /// Record how the file was stored, for [`SourceFile::file_span`].
    pub fn with_file_bytes(mut self, bytes: FileBytes) -> Self {
        self.bytes = bytes;
        self
    }

    /// A span of the decoded text as (offset, length) in the bytes of the stored file.
    pub fn file_span(&self, span: Span) -> (usize, usize) {
        let before = self
            .text
            .get(..span.start.min(self.text.len()))
            .unwrap_or("");
        let inside = self
            .text
            .get(span.start.min(self.text.len())..span.end.min(self.text.len()))
            .unwrap_or("");
        let utf16 = |t: &str| t.chars().map(|c| 2 * c.len_utf16()).sum::<usize>();
        match self.bytes {
            FileBytes::Same => (span.start, span.len()),
            FileBytes::AfterBom(bom) => (span.start + bom, span.len()),
            FileBytes::OneBytePerChar => (before.chars().count(), inside.chars().count()),
            FileBytes::Utf16 { bom } => (bom + utf16(before), utf16(inside)),
        }
    }

    /// 1-based line and column (column counted in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line];
        let col = self.text[start..offset].chars().count() + 1;
        (line + 1, col)
    }

    /// The text of a 1-based line, without its line break.
    pub fn line_text(&self, line: usize) -> &str {
        let start = self.line_starts[line - 1];
        let end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }

    pub fn slice(&self, span: Span) -> &str {
        &self.text[span.start..span.end]
    }
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
    pub fn get(&self, id: SourceId) -> &SourceFile {
        &self.files[id.0]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
