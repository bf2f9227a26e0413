//! The report model: a report is a set of named tables; every cell remembers where it came from.

pub mod csv;
pub mod discover;
pub mod json_report;
pub mod markdown;
pub mod number;
pub mod workbook;

use crate::source::{SourceId, Span};
use rust_decimal::Decimal;
use std::path::PathBuf;

/// One unit's figures for one period.
#[derive(Debug)]
pub struct Report {
    /// The report folder, as given on the command line (or found beneath it).
    pub path: PathBuf,
    pub meta: ReportMeta,
    pub tables: Vec<Table>,
}

/// What `report.toml` says about a report.
#[derive(Debug, Default, Clone)]
pub struct ReportMeta {
    pub unit: Option<String>,
    pub period: Option<String>,
    /// The previous report of the same unit, resolved against the report folder.
    pub previous: Option<PathBuf>,
}

/// One table of a report: a CSV file, later a sheet or a Markdown table.
#[derive(Debug)]
pub struct Table {
    /// The table's name in the report: the file stem for CSV.
    pub name: String,
    pub source: SourceId,
    pub headers: Vec<Header>,
    pub rows: Vec<Row>,
}

/// A column header as written, and the name rules reach it by.
#[derive(Debug, Clone)]
pub struct Header {
    pub text: String,
    pub span: Span,
    /// Lower case, runs of non-letters/digits collapsed to `_`: `Prognos 2020 Netto` → `prognos_2020_netto`.
    pub normalised: String,
}

#[derive(Debug)]
pub struct Row {
    /// 1-based line of the row in its file.
    pub line: usize,
    pub span: Span,
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone)]
pub struct Cell {
    /// The cell's text as written (after CSV unquoting, without `<i>…</i>` around it).
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
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub value: Decimal,
    /// Printed decimals; `None` for an exact value (a lone dash means an exact zero).
    pub decimals: Option<u32>,
    pub unit: Option<Unit>,
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

impl Table {
    /// Index of the column whose normalised header is `name`.
    pub fn column_by_normalised(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h.normalised == name)
    }
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
