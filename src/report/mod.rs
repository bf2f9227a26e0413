//! The report model: a report is a set of named tables; every cell remembers where it came from.

pub mod csv;
pub mod discover;
pub mod json_report;
pub(crate) mod mapped;
pub mod markdown;
pub mod number;
mod scan;
mod table;
mod utf8;
pub mod workbook;

pub(crate) use table::EMPTY;
pub use table::{Row, RowRef, Table};
pub(crate) use table::{RowsBuilder, Written};

use crate::source::{SourceId, Span, Text};
use rust_decimal::Decimal;
use std::path::PathBuf;
use std::sync::Arc;

/// One unit's figures for one period.
#[derive(Debug)]
pub struct Report {
    /// The report folder, as given on the command line (or found beneath it).
    pub path: PathBuf,
    pub meta: ReportMeta,
    pub tables: Vec<Table>,
}

impl Report {
    /// The report with its tables' sources in a `Sources` appended at `offset`.
    pub fn shifted(mut self, offset: usize) -> Self {
        for t in &mut self.tables {
            t.source = t.source.shifted(offset);
        }
        self
    }
}

/// What `report.toml` says about a report.
#[derive(Debug, Default, Clone)]
pub struct ReportMeta {
    pub unit: Option<String>,
    pub period: Option<String>,
    /// The previous report of the same unit, resolved against the report folder.
    pub previous: Option<PathBuf>,
    /// `previous` named the report itself (`previous = "."`), so it has none.
    pub previous_itself: bool,
}

impl ReportMeta {
    /// Take `path` as the previous report of the report at `report`, unless it is that very
    /// report (`previous = "."`): then the warning `itself` is given and the report has no
    /// previous one, for that reason. Comparing a report with itself would only make every
    /// `previous.` check pass, or fail to find what it reads.
    pub(crate) fn set_previous(
        &mut self,
        path: PathBuf,
        report: &std::path::Path,
        itself: impl FnOnce() -> crate::problem::Problem,
        problems: &mut Vec<crate::problem::Problem>,
    ) {
        let (p, r) = (path.canonicalize().ok(), report.canonicalize().ok());
        // The report itself, or a table file of its folder (`previous = "prognos.csv"`).
        let same = path == report
            || (p.is_some() && p == r)
            || (report.is_dir()
                && path.is_file()
                && r.is_some()
                && p.as_deref().and_then(std::path::Path::parent) == r.as_deref());
        if same {
            problems.push(itself());
            self.previous_itself = true;
        } else {
            self.previous = Some(path);
        }
    }
}

/// `data::previous-itself`: `previous` (written `value`, at `span` of `source`, in the file
/// shown as `shown`) names the report it is written for.
pub(crate) fn previous_itself(
    value: &str,
    shown: &str,
    source: SourceId,
    span: Span,
) -> crate::problem::Problem {
    use crate::problem::{Problem, ProblemKind, Severity};
    Problem::new(
        ProblemKind::Data,
        Severity::Warning,
        "data::previous-itself",
        format!("`previous` in {shown} names this report itself (`{value}`)"),
    )
    .with_label(source, span, "this report")
    .with_help(
        "name the report before this one, relative to this one (e.g. previous = \"../2020-08\"); until then rules that compare with the previous report (`previous.`) are not applicable",
    )
}

/// A column header as written, and the name rules reach it by.
#[derive(Debug, Clone)]
pub struct Header {
    pub text: String,
    pub span: Span,
    /// Lower case, runs of non-letters/digits collapsed to `_`: `Prognos 2020 Netto` → `prognos_2020_netto`.
    pub normalised: String,
}

/// One cell, in 16 bytes, as [`Table::cell`] gives it (a table keeps a plainly written column
/// in less: see `table.rs`). A cell keeps no text of its own. Its text as written is a slice of the table's source text (see
/// [`CellStore`]), its span is two `u32`s, and a figure that is a whole `i32` mantissa with a
/// small scale (nearly every figure of a report) is stored inline. Anything else (an
/// unquoted text that differs from the file, a figure too large for the inline form) is an
/// "extra" cell whose text and value the store keeps in full.
///
/// Read a cell through its table: [`Cell::raw`], [`Cell::value`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell {
    start: u32,
    len: u32,
    /// The mantissa of an inline figure; the index into `CellStore::extra` of an extra cell.
    m: i32,
    kind: Kind,
    /// Inline figure: its scale, which is also its printed decimals; `EXACT` for an exact
    /// value (a lone dash).
    decimals: u8,
    unit: Option<Unit>,
    /// How many bytes the text as written lies inside the span: high nibble from the start
    /// (an opening quote, `<i>`), low nibble from the end.
    trim: u8,
}

// The whole point of the layout: keep it at 16 bytes.
const _: () = assert!(std::mem::size_of::<Cell>() == 16);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Number,
    /// A text whose value is its text as written, trimmed.
    Text,
    Missing(Missing),
    Extra,
}

/// `Cell::decimals` of an exact figure.
const EXACT: u8 = u8::MAX;

/// The most bytes of quoting or markup around a cell's text that an inline cell can skip.
const MAX_TRIM: usize = 15;

/// A cell whose text or value does not fit the inline form.
#[derive(Debug, Clone)]
struct ExtraCell {
    raw: Box<str>,
    value: CellValue,
}

/// Where a table's cells keep their texts: the decoded text of the table's source (shared with
/// [`crate::source::SourceFile`], so a CSV file's text is held once), plus the few cells that
/// need more than the 16 bytes of a [`Cell`].
#[derive(Debug, Clone, Default)]
pub struct CellStore {
    text: Arc<Text>,
    extra: Vec<ExtraCell>,
}

impl CellStore {
    /// Whether every cell kept so far is kept compactly, with nothing here.
    pub(crate) fn is_empty(&self) -> bool {
        self.extra.is_empty()
    }

    /// The text the cells' spans point into.
    pub fn text(&self) -> &Arc<Text> {
        &self.text
    }

    /// A store for cells whose spans point into `text`.
    pub fn new(text: Arc<Text>) -> CellStore {
        CellStore {
            text,
            extra: Vec::new(),
        }
    }

    /// A cell at `span` whose text (after unquoting, without markup) is `raw` and whose value
    /// is `value`. Inline when `raw` is the source text at `span` (less at most 15 bytes on
    /// either side) and the value is a small figure, a missing value or the trimmed text.
    pub fn cell(&mut self, span: Span, raw: &str, value: CellValue) -> Cell {
        match self.inline(span, raw, Parsed::from(&value)) {
            Some(cell) => cell,
            None => self.push_extra(span, raw, value),
        }
    }

    /// [`CellStore::cell`] for a borrowed parse result: no allocation unless the cell is extra.
    pub(crate) fn cell_parsed(&mut self, span: Span, raw: &str, value: Parsed<'_>) -> Cell {
        match self.inline(span, raw, value) {
            Some(cell) => cell,
            None => self.push_extra(span, raw, value.to_owned_value()),
        }
    }

    /// The cell in its inline form, if it has one.
    fn inline(&self, span: Span, raw: &str, value: Parsed<'_>) -> Option<Cell> {
        let mut cell = Cell::at(span);
        cell.kind = match value {
            Parsed::Number(f) => {
                let (m, decimals) = inline_figure(&f)?;
                cell.m = m;
                cell.decimals = decimals;
                cell.unit = f.unit;
                Kind::Number
            }
            Parsed::Text(t) if same_text(t, number::trim_cell(raw)) => Kind::Text,
            Parsed::Text(_) => return None,
            Parsed::Missing(m) => Kind::Missing(m),
        };
        cell.trim = self.trim_of(span, raw)?;
        Some(cell)
    }

    fn push_extra(&mut self, span: Span, raw: &str, value: CellValue) -> Cell {
        let mut cell = Cell::at(span);
        // Past `i32::MAX` extra cells in one table (impossible under the cell limits) the
        // index saturates: a wrong value is better than a panic, and cannot happen.
        cell.m = i32::try_from(self.extra.len()).unwrap_or(i32::MAX);
        self.extra.push(ExtraCell {
            raw: raw.into(),
            value,
        });
        cell
    }

    /// Take over the extra cells of `other` (a store of the same text), after this one's:
    /// returns how far the indices of `other`'s cells move ([`Cell::shift_extra`]).
    pub(crate) fn append(&mut self, other: CellStore) -> usize {
        let offset = self.extra.len();
        self.extra.extend(other.extra);
        offset
    }

    /// The cell with another value, the same span and text (`[data]` markers read again).
    pub fn with_value(&mut self, cell: Cell, value: CellValue) -> Cell {
        if cell.kind == Kind::Extra
            && let Some(extra) = usize::try_from(cell.m)
                .ok()
                .and_then(|i| self.extra.get_mut(i))
        {
            extra.value = value;
            return cell;
        }
        let raw = cell.raw_in(self).to_string();
        self.cell(cell.span(), &raw, value)
    }

    /// Bytes to skip at the start and end of `span` to reach `raw`, packed as `Cell::trim`;
    /// `None` if `raw` is not inside the text at `span` or lies too deep in it.
    fn trim_of(&self, span: Span, raw: &str) -> Option<u8> {
        let written = self.text.get(span.start..span.end)?;
        // Usually `raw` was cut from this very text: its address says where, no comparing.
        let base = written.as_ptr() as usize;
        let at = raw.as_ptr() as usize;
        let front = if at >= base && at + raw.len() <= base + written.len() {
            at - base
        } else if written == raw {
            0
        } else {
            written.find(raw)?
        };
        let back = written.len() - front - raw.len();
        // Each way above finds `raw` itself at `front`; only the depth is left to check.
        if front > MAX_TRIM || back > MAX_TRIM || written.get(front..front + raw.len()).is_none() {
            return None;
        }
        u8::try_from(front << 4 | back).ok()
    }
}

/// `a == b`, without comparing bytes when both are the same slice (a CSV text cell).
fn same_text(a: &str, b: &str) -> bool {
    (a.as_ptr() == b.as_ptr() && a.len() == b.len()) || a == b
}

/// The inline form of a figure: an `i32` mantissa and its scale, if the figure has one.
fn inline_figure(f: &Figure) -> Option<(i32, u8)> {
    let scale = f.value.scale();
    let decimals = match f.decimals {
        Some(d) if d == scale => u8::try_from(d).ok()?,
        None if scale == 0 => EXACT,
        _ => return None,
    };
    Some((i32::try_from(f.value.mantissa()).ok()?, decimals))
}

/// A cell's value as the parser sees it, borrowing the text of a text cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Parsed<'a> {
    Number(Figure),
    Text(&'a str),
    Missing(Missing),
}

impl<'a> Parsed<'a> {
    fn from(value: &'a CellValue) -> Parsed<'a> {
        match value {
            CellValue::Number(f) => Parsed::Number(*f),
            CellValue::Text(t) => Parsed::Text(t),
            CellValue::Missing(m) => Parsed::Missing(*m),
        }
    }

    pub(crate) fn to_owned_value(self) -> CellValue {
        match self {
            Parsed::Number(f) => CellValue::Number(f),
            Parsed::Text(t) => CellValue::Text(t.to_string()),
            Parsed::Missing(m) => CellValue::Missing(m),
        }
    }
}

impl Cell {
    /// An extra cell at `span`, its fields still to be filled in.
    fn at(span: Span) -> Cell {
        // Spans beyond 4 GiB cannot be stored; every reader refuses inputs that large, so
        // saturating here only guards against a panic.
        Cell {
            start: u32::try_from(span.start).unwrap_or(u32::MAX),
            len: u32::try_from(span.len()).unwrap_or(u32::MAX),
            m: 0,
            kind: Kind::Extra,
            decimals: EXACT,
            unit: None,
            trim: 0,
        }
    }

    /// A cell written as is at `span` whose value is its text or a missing value of `kind`.
    fn plain(span: Span, kind: Kind) -> Cell {
        Cell {
            kind,
            ..Cell::at(span)
        }
    }

    /// A cell in a slot of a column that its row has no cell in; never read.
    fn filler() -> Cell {
        Cell::plain(Span::new(0, 0), Kind::Missing(Missing::Empty))
    }

    /// [`Cell::shift_extra`], by value.
    fn shifted(mut self, offset: usize) -> Cell {
        self.shift_extra(offset);
        self
    }

    /// An extra cell of a store appended to another at `offset` ([`CellStore::append`]).
    pub(crate) fn shift_extra(&mut self, offset: usize) {
        if self.kind == Kind::Extra && offset > 0 {
            self.m = usize::try_from(self.m)
                .ok()
                .and_then(|i| i.checked_add(offset))
                .and_then(|i| i32::try_from(i).ok())
                .unwrap_or(i32::MAX);
        }
    }

    /// A whole number written as is at `span` (no quotes, no spaces around it), as
    /// [`CellStore::cell`] stores the figure `m` with no decimals and no unit.
    pub(crate) fn integer(span: Span, m: i32) -> Cell {
        Cell {
            m,
            kind: Kind::Number,
            decimals: 0,
            ..Cell::at(span)
        }
    }

    /// Where the cell is written in the source text (quotes and markup included).
    pub fn span(&self) -> Span {
        let start = self.start as usize;
        Span::new(start, start + self.len as usize)
    }

    /// The cell's text as written (after CSV unquoting, without `<i>…</i>` around it).
    pub fn raw<'t>(&self, table: &'t Table) -> &'t str {
        self.raw_in(&table.store)
    }

    /// [`Cell::raw`] from the table's store.
    pub fn raw_in<'t>(&self, store: &'t CellStore) -> &'t str {
        if self.kind == Kind::Extra {
            return self.extra(store).map_or("", |e| &e.raw);
        }
        let front = usize::from(self.trim >> 4);
        let back = usize::from(self.trim & 0x0F);
        let span = self.span();
        store
            .text
            .get(span.start + front..span.end.saturating_sub(back))
            .unwrap_or("")
    }

    /// The cell's value: a figure, a text or a kind of missing value.
    pub fn value(&self, table: &Table) -> CellValue {
        self.value_in(&table.store)
    }

    /// [`Cell::value`] from the table's store.
    pub fn value_in(&self, store: &CellStore) -> CellValue {
        match self.kind {
            Kind::Number => CellValue::Number(self.inline_figure()),
            Kind::Text => CellValue::Text(number::trim_cell(self.raw_in(store)).to_string()),
            Kind::Missing(m) => CellValue::Missing(m),
            Kind::Extra => self
                .extra(store)
                .map_or(CellValue::Missing(Missing::Empty), |e| e.value.clone()),
        }
    }

    /// The cell's figure, if it is one; no allocation.
    pub fn figure(&self, table: &Table) -> Option<Figure> {
        match self.kind {
            Kind::Number => Some(self.inline_figure()),
            Kind::Extra => match self.extra(&table.store)?.value {
                CellValue::Number(f) => Some(f),
                _ => None,
            },
            _ => None,
        }
    }

    /// An inline figure's parts without building a `Decimal`: mantissa, printed decimals
    /// (`None` for an exact value) and unit. `None` for any other cell.
    pub fn inline_number(&self) -> Option<(i32, Option<u32>, Option<Unit>)> {
        (self.kind == Kind::Number).then(|| {
            let decimals = (self.decimals != EXACT).then_some(u32::from(self.decimals));
            (self.m, decimals, self.unit)
        })
    }

    /// Whether the cell's value is a text (not a figure, not missing).
    pub fn is_text(&self, table: &Table) -> bool {
        match self.kind {
            Kind::Text => true,
            Kind::Extra => self
                .extra(&table.store)
                .is_some_and(|e| matches!(e.value, CellValue::Text(_))),
            _ => false,
        }
    }

    fn inline_figure(&self) -> Figure {
        let decimals = (self.decimals != EXACT).then_some(u32::from(self.decimals));
        Figure::inline(self.m, decimals, self.unit)
    }

    fn extra<'t>(&self, store: &'t CellStore) -> Option<&'t ExtraCell> {
        usize::try_from(self.m)
            .ok()
            .and_then(|i| store.extra.get(i))
    }
}

/// A row as the readers of workbooks, Markdown and JSON build it, each cell with its own
/// text; [`Table::from_loose`] makes the cells compact. (Those inputs are small next to a CSV
/// file, which is read straight into compact cells.)
#[derive(Debug)]
pub(crate) struct LooseRow {
    pub line: usize,
    pub span: Span,
    pub cells: Vec<LooseCell>,
}

/// A cell of a [`LooseRow`].
#[derive(Debug, Clone)]
pub(crate) struct LooseCell {
    pub raw: String,
    pub value: CellValue,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CellValue {
    Number(Figure),
    Text(String),
    Missing(Missing),
}

/// A figure as printed: its exact value, how many decimals it was printed with, and its unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figure {
    pub value: Decimal,
    /// Printed decimals; `None` for an exact value (a lone dash means an exact zero).
    pub decimals: Option<u32>,
    pub unit: Option<Unit>,
}

impl Figure {
    /// The figure of a number kept in compact form ([`Cell::inline_number`]): the mantissa
    /// `m` with `decimals` printed (`None` for an exact value, read as whole).
    pub fn inline(m: i32, decimals: Option<u32>, unit: Option<Unit>) -> Figure {
        Figure {
            // The scale came from a `Decimal`, so it is at most 28 and this cannot fail.
            value: Decimal::try_from_i128_with_scale(i128::from(m), decimals.unwrap_or(0))
                .unwrap_or(Decimal::ZERO),
            decimals,
            unit,
        }
    }
}

/// The units a figure can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    Kr,
    Tkr,
    Mkr,
    Pct,
    Count,
}

impl Unit {
    pub fn name(self) -> &'static str {
        match self {
            Unit::Kr => "kr",
            Unit::Tkr => "tkr",
            Unit::Mkr => "mkr",
            Unit::Pct => "pct",
            Unit::Count => "count",
        }
    }
}

/// The kinds of "no figure here", after the Swedish official-statistics symbols.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// An empty cell.
    Empty,
    /// `..` — not available.
    NotAvailable,
    /// `.` — cannot occur.
    CannotOccur,
    /// `I.U.` — ingen uppgift.
    NoData,
    /// `N/A`.
    NotApplicable,
    /// Another missing-value marker named in `rimlig.toml` (`[data] missing`).
    Marker,
}

impl Missing {
    pub fn describe(self) -> &'static str {
        match self {
            Missing::Empty => "empty",
            Missing::NotAvailable => "'..' (not available)",
            Missing::CannotOccur => "'.' (cannot occur)",
            Missing::NoData => "'I.U.' (ingen uppgift)",
            Missing::NotApplicable => "'N/A'",
            Missing::Marker => "a missing-value marker of rimlig.toml",
        }
    }
}

/// The name rules use for a table or column: lower case, every run of characters that are
/// not letters or digits becomes `_` (trimmed at both ends); å ä ö and other letters are kept.
pub fn normalise_name(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_sep = false;
    for ch in s.chars() {
        if ch.is_alphanumeric() {
            if pending_sep && !out.is_empty() {
                out.push('_');
            }
            pending_sep = false;
            out.extend(ch.to_lowercase());
        } else {
            pending_sep = true;
        }
    }
    out
}

/// Where in a file the first character that is no text is, for `data::not-text`.
pub(crate) struct NotTextAt {
    pub line: usize,
    pub column: usize,
    /// In the file as stored.
    pub offset: usize,
    pub character: char,
    /// The file holds the character as one byte, its code.
    pub one_byte: bool,
}

impl std::fmt::Display for NotTextAt {
    /// `line 2, column 2 (byte offset 10) holds the byte 0x81`
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let code = self.character as u32;
        write!(
            f,
            "line {}, column {} (byte offset {}) holds ",
            self.line, self.column, self.offset
        )?;
        if self.one_byte {
            write!(f, "the byte 0x{code:02X}")
        } else {
            write!(f, "the control character U+{code:04X}")
        }
    }
}

/// The first character of `text` that `bad` picks, and where it is in the file as `stored`.
pub(crate) fn first_non_text(
    text: &str,
    stored: crate::source::FileBytes,
    bad: impl Fn(char) -> bool,
) -> Option<NotTextAt> {
    use crate::source::FileBytes;
    let (at, character) = text.char_indices().find(|&(_, c)| bad(c))?;
    let before = &text[..at];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let offset = match stored {
        FileBytes::Same => at,
        FileBytes::AfterBom(bom) => bom + at,
        FileBytes::OneBytePerChar => before.chars().count(),
        FileBytes::Utf16 { bom } => bom + 2 * before.encode_utf16().count(),
    };
    let one_byte = match stored {
        FileBytes::OneBytePerChar => true,
        FileBytes::Utf16 { .. } => false,
        FileBytes::Same | FileBytes::AfterBom(_) => character.is_ascii(),
    };
    Some(NotTextAt {
        line: before.matches('\n').count() + 1,
        column: before[line_start..].chars().count() + 1,
        offset,
        character,
        one_byte,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_normalised_as_the_language_says() {
        assert_eq!(normalise_name("Prognos 2020 Netto"), "prognos_2020_netto");
        assert_eq!(
            normalise_name("Investerings- ram 2020"),
            "investerings_ram_2020"
        );
        assert_eq!(normalise_name("Nämndindikator"), "nämndindikator");
        assert_eq!(normalise_name("  Aug. 2020 "), "aug_2020");
        assert_eq!(normalise_name("Ekonomi, belopp tkr"), "ekonomi_belopp_tkr");
    }
}
