//! A finding: one failing instance of a rule. The single source of truth that every output
//! format (terminal, JSON) renders.

use crate::problem::Severity;
use crate::source::{SourceId, Span};
use serde::Serialize;

/// A cell a finding points at (besides the primary one).
#[derive(Clone, Debug, Serialize)]
pub struct CellLabel {
    #[serde(skip)]
    pub source: SourceId,
    #[serde(skip)]
    pub span: Span,
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub text: String,
}

/// The two sides of a failed comparison.
#[derive(Clone, Debug, Serialize)]
pub struct Values {
    /// The side at the offending cell, as written in the rule (`avvikelse`).
    pub left_expr: String,
    /// Values as plain decimals with a `.` (`-1030`, `2.1`), or the text compared.
    pub left: String,
    /// The other side (`prognos − budget`).
    pub right_expr: String,
    pub right: String,
    /// `left − right`, a plain decimal.
    pub difference: Option<String>,
    /// The comparison that failed: `==`, `<=` …
    pub op: String,
    /// The tolerance applied, in words (`rounding ±1,5`, `5`, `2 % = 40`).
    pub tolerance: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    pub title: String,
    pub message: String,
    pub help: Option<String>,
    /// The report folder.
    pub report: String,
    pub table: String,
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub span: SpanJson,
    pub row_key: Option<String>,
    pub column_name: Option<String>,
    pub values: Option<Values>,
    /// `for` bindings of this instance: `[["c", "budget"]]`.
    pub bindings: Vec<(String, String)>,
    /// Other cells that took part, e.g. the operands of a row identity.
    pub related: Vec<CellLabel>,
    pub rule_file: String,
    pub rule_line: usize,
    /// The rule's `tags`, for filtering findings by subject.
    pub tags: Vec<String>,
    #[serde(skip)]
    pub source: SourceId,
    #[serde(skip)]
    pub primary: Span,
    /// Label text on the primary cell.
    #[serde(skip)]
    pub label: String,
}

#[derive(Clone, Copy, Debug, Serialize)]
pub struct SpanJson {
    pub offset: usize,
    pub length: usize,
}

impl Finding {
    /// `drift-summa[budget]` for an instance of a `for`, else the rule id.
    pub fn instance_name(&self) -> String {
        instance_name(&self.rule, &self.bindings)
    }
}

/// `drift-summa[budget]`: a rule id with the columns its `for` variables stand for.
pub fn instance_name(rule: &str, bindings: &[(String, String)]) -> String {
    if bindings.is_empty() {
        rule.to_string()
    } else {
        let cols: Vec<&str> = bindings.iter().map(|(_, c)| c.as_str()).collect();
        format!("{rule}[{}]", cols.join(","))
    }
}
