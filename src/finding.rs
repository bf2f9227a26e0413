//! A finding: one failing instance of a rule. The single source of truth that every output
//! format (terminal, JSON) renders.

use crate::problem::Severity;
use crate::source::{SourceId, Span};
use compact_str::CompactString;
use serde::Serialize;
use std::sync::Arc;

/// A text that many findings hold alike (a rule's id and title, a file's name, the report):
/// kept once, every finding pointing at it. A run with a hundred thousand findings would
/// otherwise hold a hundred thousand copies of each. Reads as a `&str`.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Shared(Arc<str>);

impl Shared {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for Shared {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Shared {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl AsRef<std::path::Path> for Shared {
    fn as_ref(&self) -> &std::path::Path {
        std::path::Path::new(&*self.0)
    }
}

impl std::borrow::Borrow<str> for Shared {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&*self.0, f)
    }
}

impl Serialize for Shared {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl From<String> for Shared {
    fn from(s: String) -> Shared {
        Shared(s.into())
    }
}

impl From<&str> for Shared {
    fn from(s: &str) -> Shared {
        Shared(s.into())
    }
}

impl PartialEq<str> for Shared {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for Shared {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<String> for Shared {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<Shared> for String {
    fn eq(&self, other: &Shared) -> bool {
        **self == *other.0
    }
}

impl PartialEq<Shared> for &str {
    fn eq(&self, other: &Shared) -> bool {
        **self == *other.0
    }
}

/// A cell a finding points at (besides the primary one).
#[derive(Clone, Debug, Serialize)]
pub struct CellLabel {
    #[serde(skip)]
    pub source: SourceId,
    #[serde(skip)]
    pub span: Span,
    pub file: Shared,
    pub line: usize,
    pub column: usize,
    pub text: CompactString,
    /// For a cell of a workbook sheet, the cell as a spreadsheet names it: `prognos!D6`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
}

/// The two sides of a failed comparison.
#[derive(Clone, Debug, Serialize)]
pub struct Values {
    /// The side at the offending cell, as written in the rule (`avvikelse`).
    pub left_expr: Shared,
    /// Values as plain decimals with a `.` (`-1030`, `2.1`), or the text compared.
    pub left: CompactString,
    /// The other side (`prognos − budget`).
    pub right_expr: Shared,
    pub right: CompactString,
    /// `left − right`, a plain decimal.
    pub difference: Option<CompactString>,
    /// The comparison that failed: `==`, `<=` …
    pub op: Shared,
    /// The tolerance applied, in words (`rounding ±1,5`, `5`, `2 % = 40`).
    pub tolerance: Option<Shared>,
}

/// Characters of a row's key that a finding (`row_key`) and a suggested change keep, as many
/// as a rule's title may have. A key is a name; a key of a megabyte was copied into every
/// finding on its row and every fix of it (1,2 GB of JSON from 600 rules and one row).
pub const ROW_KEY_CHARS: usize = 500;

/// A finding, held behind one pointer: a large run lists tens of thousands, made in
/// parallel parts and then gathered into one list in order. Gathered by value, each of its
/// 400-odd bytes was copied once more, on one core, into fresh memory (10 MB on a million
/// rows); a pointer is 8 bytes. Reads and writes as its [`Fields`].
#[derive(Clone)]
pub struct Finding(Box<Fields>);

impl From<Fields> for Finding {
    fn from(fields: Fields) -> Finding {
        Finding(Box::new(fields))
    }
}

impl std::ops::Deref for Finding {
    type Target = Fields;
    fn deref(&self) -> &Fields {
        &self.0
    }
}

impl std::ops::DerefMut for Finding {
    fn deref_mut(&mut self) -> &mut Fields {
        &mut self.0
    }
}

impl std::fmt::Debug for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl Serialize for Finding {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

/// What a [`Finding`] says.
#[derive(Clone, Debug, Serialize)]
pub struct Fields {
    pub rule: Shared,
    pub severity: Severity,
    pub title: Shared,
    pub message: String,
    pub help: Option<Shared>,
    /// The report folder.
    pub report: Shared,
    pub table: Shared,
    pub file: Shared,
    pub line: usize,
    pub column: usize,
    pub span: SpanJson,
    /// For a finding in a workbook sheet, the cell as a spreadsheet names it: `prognos!D6`
    /// (`line` is then the sheet's row number, `column` and `span` are in the rendered sheet
    /// text).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
    pub row_key: Option<CompactString>,
    pub column_name: Option<Shared>,
    pub values: Option<Values>,
    /// `for` bindings of this instance: `[["c", "budget"]]`.
    pub bindings: Vec<(String, String)>,
    /// Other cells that took part, e.g. the operands of a row identity.
    pub related: Vec<CellLabel>,
    pub rule_file: Shared,
    pub rule_line: usize,
    /// The rule's `tags`, for filtering findings by subject.
    pub tags: Vec<String>,
    /// Known from the `--baseline` file: still listed, but it does not fail the run.
    pub baselined: bool,
    /// Allowed by an `[[allow]]` entry of `rimlig.toml`: listed with `--verbose` and in JSON,
    /// but it does not fail the run (and no baseline holds it).
    pub suppressed: bool,
    /// The `reason` of the `[[allow]]` entry, when suppressed.
    pub suppression_reason: Option<String>,
    #[serde(skip)]
    pub source: SourceId,
    #[serde(skip)]
    pub primary: Span,
    /// How much of `message` labels the primary cell (see [`Finding::label`]).
    #[serde(skip)]
    pub label_len: usize,
    /// The cells of the checked report the failing instance read (for error localisation).
    #[serde(skip)]
    pub(crate) reads: Vec<crate::eval::CellAt>,
    /// The cell change that most likely explains this finding (and the others it explains).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<std::sync::Arc<crate::locate::Fix>>,
}

/// A finding as the JSON output shows it: its fields and its [`Finding::fingerprint`].
pub struct FindingJson<'a> {
    pub finding: &'a Finding,
    pub fingerprint: String,
}

/// The fields of [`Finding`] as its `Serialize` gives them, then `fingerprint`: written out
/// rather than with `#[serde(flatten)]`, which goes through a map and took two thirds of
/// the time of writing a large run's JSON. A test compares the two.
impl Serialize for FindingJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let f = self.finding;
        let mut m = s.serialize_struct("Finding", 26)?;
        m.serialize_field("rule", &f.rule)?;
        m.serialize_field("severity", &f.severity)?;
        m.serialize_field("title", &f.title)?;
        m.serialize_field("message", &f.message)?;
        m.serialize_field("help", &f.help)?;
        m.serialize_field("report", &f.report)?;
        m.serialize_field("table", &f.table)?;
        m.serialize_field("file", &f.file)?;
        m.serialize_field("line", &f.line)?;
        m.serialize_field("column", &f.column)?;
        m.serialize_field("span", &f.span)?;
        if f.cell.is_some() {
            m.serialize_field("cell", &f.cell)?;
        }
        m.serialize_field("row_key", &f.row_key)?;
        m.serialize_field("column_name", &f.column_name)?;
        m.serialize_field("values", &f.values)?;
        m.serialize_field("bindings", &f.bindings)?;
        m.serialize_field("related", &f.related)?;
        m.serialize_field("rule_file", &f.rule_file)?;
        m.serialize_field("rule_line", &f.rule_line)?;
        m.serialize_field("tags", &f.tags)?;
        m.serialize_field("baselined", &f.baselined)?;
        m.serialize_field("suppressed", &f.suppressed)?;
        m.serialize_field("suppression_reason", &f.suppression_reason)?;
        if f.fix.is_some() {
            m.serialize_field("fix", &f.fix)?;
        }
        m.serialize_field("fingerprint", &self.fingerprint)?;
        m.end()
    }
}

impl<'a> From<&'a Finding> for FindingJson<'a> {
    fn from(finding: &'a Finding) -> Self {
        FindingJson {
            finding,
            fingerprint: finding.fingerprint(),
        }
    }
}

#[derive(Clone, Copy, Debug, Serialize)]
pub struct SpanJson {
    pub offset: usize,
    pub length: usize,
}

impl Finding {
    /// A finding of rule `r` at line 1 of file `x`, for tests to change what they look at.
    #[cfg(test)]
    pub(crate) fn for_tests() -> Finding {
        Fields::for_tests().into()
    }
}

impl Fields {
    /// [`Finding::for_tests`], its fields alone, for a test to set some of them.
    #[cfg(test)]
    pub(crate) fn for_tests() -> Fields {
        Fields {
            rule: "r".into(),
            severity: Severity::Error,
            title: "r".into(),
            message: String::new(),
            help: None,
            report: "x".into(),
            table: "Driftsammandrag".into(),
            file: "x".into(),
            line: 1,
            column: 1,
            span: SpanJson {
                offset: 0,
                length: 0,
            },
            cell: None,
            row_key: None,
            column_name: None,
            values: None,
            bindings: Vec::new(),
            related: Vec::new(),
            rule_file: "r.rules".into(),
            rule_line: 1,
            tags: Vec::new(),
            baselined: false,
            suppressed: false,
            suppression_reason: None,
            source: SourceId(0),
            primary: Span::default(),
            label_len: 0,
            reads: Vec::new(),
            fix: None,
        }
    }

    /// The label on the primary cell: the start of the message, before what has no room
    /// there (which rows were summed). Kept as a length, not a copy: a large run makes
    /// tens of thousands of findings.
    pub fn label(&self) -> &str {
        self.message.get(..self.label_len).unwrap_or(&self.message)
    }

    /// A finding that can fail the run: neither known from the baseline nor allowed in
    /// `rimlig.toml`.
    pub fn counts(&self) -> bool {
        !self.baselined && !self.suppressed
    }

    /// `drift-summa[budget]` for an instance of a `for`, else the rule id.
    pub fn instance_name(&self) -> String {
        instance_name(&self.rule, &self.bindings)
    }

    /// What identifies this finding across runs, whatever moved in the file: the rule instance,
    /// the report, the table, the row key and the column — not line numbers or values.
    pub fn identity(&self) -> [String; 5] {
        [
            self.instance_name(),
            self.report.to_string(),
            self.table.to_string(),
            self.row_key.as_deref().unwrap_or_default().to_string(),
            self.column_name.as_deref().unwrap_or_default().to_string(),
        ]
    }

    /// A stable fingerprint of [`Finding::identity`]: 16 hex digits (FNV-1a, 64 bits), the
    /// same on every machine and in every version that keeps the identity.
    pub fn fingerprint(&self) -> String {
        hex(self.fingerprint_hash())
    }

    /// The number [`Fields::fingerprint`] writes in hex.
    pub fn fingerprint_hash(&self) -> u64 {
        self.fingerprint_hash_after(self.fingerprint_head())
    }

    /// [`Fields::fingerprint_hash`] from its head ([`Fields::fingerprint_head`]), which every
    /// finding of a rule (and its `for` columns) in one table shares.
    pub(crate) fn fingerprint_hash_after(&self, head: FingerprintHead) -> u64 {
        let mut h = head.0;
        for part in [
            self.row_key.as_deref().unwrap_or_default().as_bytes(),
            self.column_name.as_deref().unwrap_or_default().as_bytes(),
        ] {
            h.write(part);
            h.end_part();
        }
        h.0
    }

    /// The fingerprint's hash over its rule, `for` columns, report and table.
    pub(crate) fn fingerprint_head(&self) -> FingerprintHead {
        // The parts of the identity, hashed as they are rather than copied into strings
        // first: a run may have hundreds of thousands of findings.
        let mut h = Fnv::default();
        h.write(self.rule.as_bytes());
        if !self.bindings.is_empty() {
            h.write(b"[");
            for (i, (_, column)) in self.bindings.iter().enumerate() {
                if i > 0 {
                    h.write(b",");
                }
                h.write(column.as_bytes());
            }
            h.write(b"]");
        }
        h.end_part();
        for part in [self.report.as_bytes(), self.table.as_bytes()] {
            h.write(part);
            h.end_part();
        }
        FingerprintHead(h)
    }
}

/// FNV-1a over the parts, each followed by a 0 byte so `("ab", "c")` ≠ `("a", "bc")`.
pub fn fingerprint(parts: &[String]) -> String {
    let mut h = Fnv::default();
    for part in parts {
        h.write(part.as_bytes());
        h.end_part();
    }
    hex(h.0)
}

/// `n` as 16 lowercase hex digits, as `format!("{n:016x}")` writes it.
pub fn hex(n: u64) -> String {
    hex_digits(n).into_iter().map(char::from).collect()
}

/// The 16 lowercase hex digits of `n`, written without `fmt`: every finding of a run has a
/// fingerprint.
pub fn hex_digits(n: u64) -> [u8; 16] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    std::array::from_fn(|i| DIGITS[((n >> (4 * (15 - i))) & 0xF) as usize])
}

/// The state of a finding's fingerprint hash after the parts many findings share (see
/// [`Fields::fingerprint_head`]).
#[derive(Clone, Copy)]
pub(crate) struct FingerprintHead(Fnv);

/// FNV-1a, 64 bits.
#[derive(Clone, Copy)]
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    /// The 0 byte after each part.
    fn end_part(&mut self) {
        self.write(&[0]);
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

#[cfg(test)]
mod tests {
    use super::{Fields, fingerprint};

    #[test]
    fn the_label_is_the_start_of_the_message() {
        let f = Fields {
            message: "avvikelse is 4, but redovisat - budget is 3; summed 2 rows".into(),
            label_len: "avvikelse is 4, but redovisat - budget is 3".len(),
            ..Fields::for_tests()
        };
        assert_eq!(f.label(), "avvikelse is 4, but redovisat - budget is 3");
        // A length past the message, or inside a letter, labels with the whole message.
        for label_len in [500, 1] {
            let f = Fields {
                message: "é".repeat(3),
                label_len,
                ..Fields::for_tests()
            };
            assert_eq!(f.label(), "ééé");
        }
    }

    #[test]
    fn a_hash_is_written_as_format_writes_it() {
        for v in [
            0,
            1,
            0xF,
            0x10,
            0xABCD,
            u64::MAX,
            u64::MAX / 3,
            0x8000_0000_0000_0000,
        ] {
            assert_eq!(super::hex(v), format!("{v:016x}"));
        }
    }

    #[test]
    fn fingerprints_are_stable_and_keep_parts_apart() {
        let p = |v: &[&str]| fingerprint(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        // Fixed: a baseline written today must match tomorrow.
        assert_eq!(p(&[]), "cbf29ce484222325");
        assert_eq!(p(&["a"]), p(&["a"]));
        assert_ne!(p(&["ab", "c"]), p(&["a", "bc"]));
        assert_eq!(p(&["a"]).len(), 16);
    }

    /// What `FindingJson` wrote when it flattened the finding's own `Serialize`.
    #[derive(serde::Serialize)]
    struct Flattened<'a> {
        #[serde(flatten)]
        finding: &'a super::Finding,
        fingerprint: String,
    }

    #[test]
    fn the_json_of_a_finding_is_its_fields_then_its_fingerprint() {
        let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
        let mut seen = (0, 0, 0, 0);
        for example in ["linkoping-vss", "linkoping-vss-xlsx"] {
            let run = crate::run::check(&[examples.join(example)], &[]);
            for f in &run.outcome.findings {
                let written = serde_json::to_string_pretty(&super::FindingJson::from(f)).unwrap();
                let flattened = Flattened {
                    finding: f,
                    fingerprint: f.fingerprint(),
                };
                assert_eq!(written, serde_json::to_string_pretty(&flattened).unwrap());
                // Hashed in place, the identity's fingerprint.
                assert_eq!(f.fingerprint(), fingerprint(&f.identity()));
                seen.3 += usize::from(!f.bindings.is_empty());
                seen.0 += 1;
                seen.1 += usize::from(f.cell.is_some());
                seen.2 += usize::from(f.fix.is_some());
            }
        }
        // Findings with and without a sheet cell, with and without a fix.
        assert!(seen.1 > 0 && seen.1 < seen.0, "{seen:?}");
        assert!(seen.2 > 0 && seen.2 < seen.0, "{seen:?}");
        assert!(seen.3 > 0 && seen.3 < seen.0, "{seen:?}");
    }
}
