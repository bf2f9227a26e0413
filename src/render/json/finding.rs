//! One finding's JSON, written by hand exactly as serde_json's pretty printer lays it out two
//! levels deep (an item of the document's `findings` list). A run may list a hundred
//! thousand findings, and serde's escaping of their two dozen strings each cost more than the
//! rest of the output together; here a string with nothing to escape, nearly all of them, is
//! copied as it is. Tests compare the two writers byte for byte.

use crate::finding::{CellLabel, Finding, FingerprintHead, Shared, Values};
use crate::problem::Severity;

/// The start of a member of a finding's object, one level inside it: the comma after the
/// member before, a new line, the indent and the member's name. Each is one literal, copied
/// in one go: a large run writes fifty of them per finding.
macro_rules! member {
    ($key:literal) => {
        concat!(",\n      \"", $key, "\": ").as_bytes()
    };
}

/// [`member!`] two levels inside the finding (the members of `span` and `values`).
macro_rules! member2 {
    ($key:literal) => {
        concat!(",\n        \"", $key, "\": ").as_bytes()
    };
}

/// [`member!`] three levels inside the finding (the members of a related cell).
macro_rules! member3 {
    ($key:literal) => {
        concat!(",\n          \"", $key, "\": ").as_bytes()
    };
}

/// Where an item of a list that is a member of the finding starts: the first, and the others.
const ITEM: [&[u8]; 2] = [b"\n        ", b",\n        "];
/// Where an item of a list inside such an item starts (a `for` binding's two texts).
const INNER_ITEM: [&[u8]; 2] = [b"\n          ", b",\n          "];

/// Stretches of a finding's JSON that the findings of one rule in one file write alike (its
/// rule and title; its report, table and file; its rule file and flags), as the finding
/// before wrote them: copied at once where the next finding has the same, instead of being
/// written again string by string. Findings come rule by rule, so nearly every one does.
/// (Shared texts compare by pointer first, as `Arc`s of the same text do.)
#[derive(Default)]
pub(super) struct Repeats {
    head: Repeat<(Shared, Severity, Shared)>,
    place: Repeat<(Option<Shared>, Shared, Shared, Shared)>,
    tail: Repeat<Tail>,
    /// The fingerprint hash's head ([`crate::finding::Fields::fingerprint_head`]), with its
    /// rule, `for` bindings, report and table.
    fingerprint: Option<(Head, FingerprintHead)>,
}

/// What a fingerprint's head is hashed from.
type Head = (Shared, Vec<(String, String)>, Shared, Shared);

/// What the last stretch of a finding's JSON is written from: its rule file and line, tags,
/// flags and the reason it is allowed.
type Tail = (Shared, usize, Vec<String>, bool, bool, Option<String>);

/// A stretch of JSON and what it was written from.
struct Repeat<K> {
    from: Option<K>,
    bytes: Vec<u8>,
}

impl<K> Default for Repeat<K> {
    fn default() -> Self {
        Repeat {
            from: None,
            bytes: Vec::new(),
        }
    }
}

impl<K> Repeat<K> {
    /// Write the stretch: a copy of the one kept, if `same` says this finding has what that
    /// one was written from; else as `write` writes it, then kept with what `key` gives.
    fn write(
        &mut self,
        out: &mut Vec<u8>,
        same: impl FnOnce(&K) -> bool,
        key: impl FnOnce() -> K,
        write: impl FnOnce(&mut Vec<u8>),
    ) {
        if self.from.as_ref().is_some_and(same) {
            out.extend_from_slice(&self.bytes);
            return;
        }
        let start = out.len();
        write(out);
        self.bytes.clear();
        self.bytes
            .extend_from_slice(out.get(start..).unwrap_or_default());
        self.from = Some(key());
    }
}

/// `f` as its JSON object, as an item of the document's `findings` list (two levels deep,
/// as serde_json's pretty printer indents it); `false` (nothing written) for a finding with
/// a fix, whose nested explanation is left to serde.
pub(super) fn write(f: &Finding, out: &mut Vec<u8>, repeats: &mut Repeats) -> bool {
    if f.fix.is_some() {
        return false;
    }
    repeats.head.write(
        out,
        |(rule, severity, title)| *rule == f.rule && *severity == f.severity && *title == f.title,
        || (f.rule.clone(), f.severity, f.title.clone()),
        |out| {
            out.extend_from_slice(b"{\n      \"rule\": ");
            string(out, &f.rule);
            out.extend_from_slice(member!("severity"));
            string(out, f.severity.name());
            out.extend_from_slice(member!("title"));
            string(out, &f.title);
            out.extend_from_slice(member!("message"));
        },
    );
    string(out, &f.message);
    repeats.place.write(
        out,
        |(help, report, table, file)| {
            *help == f.help && *report == f.report && *table == f.table && *file == f.file
        },
        || {
            (
                f.help.clone(),
                f.report.clone(),
                f.table.clone(),
                f.file.clone(),
            )
        },
        |out| {
            out.extend_from_slice(member!("help"));
            optional(out, f.help.as_deref());
            out.extend_from_slice(member!("report"));
            string(out, &f.report);
            out.extend_from_slice(member!("table"));
            string(out, &f.table);
            out.extend_from_slice(member!("file"));
            string(out, &f.file);
            out.extend_from_slice(member!("line"));
        },
    );
    number(out, f.line);
    out.extend_from_slice(member!("column"));
    number(out, f.column);
    out.extend_from_slice(member!("span"));
    out.extend_from_slice(b"{\n        \"offset\": ");
    number(out, f.span.offset);
    out.extend_from_slice(member2!("length"));
    number(out, f.span.length);
    out.extend_from_slice(b"\n      }");
    if let Some(cell) = &f.cell {
        out.extend_from_slice(member!("cell"));
        string(out, cell);
    }
    out.extend_from_slice(member!("row_key"));
    optional(out, f.row_key.as_deref());
    out.extend_from_slice(member!("column_name"));
    optional(out, f.column_name.as_deref());
    out.extend_from_slice(member!("values"));
    match &f.values {
        Some(v) => values(out, v),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(member!("bindings"));
    list(out, &f.bindings, |out, (var, column)| {
        out.extend_from_slice(b"[");
        out.extend_from_slice(INNER_ITEM[0]);
        string(out, var);
        out.extend_from_slice(INNER_ITEM[1]);
        string(out, column);
        out.extend_from_slice(b"\n        ]");
    });
    out.extend_from_slice(member!("related"));
    list(out, &f.related, cell_label);
    repeats.tail.write(
        out,
        |(rule_file, rule_line, tags, baselined, suppressed, reason)| {
            *rule_file == f.rule_file
                && *rule_line == f.rule_line
                && *tags == f.tags
                && *baselined == f.baselined
                && *suppressed == f.suppressed
                && *reason == f.suppression_reason
        },
        || {
            (
                f.rule_file.clone(),
                f.rule_line,
                f.tags.clone(),
                f.baselined,
                f.suppressed,
                f.suppression_reason.clone(),
            )
        },
        |out| {
            out.extend_from_slice(member!("rule_file"));
            string(out, &f.rule_file);
            out.extend_from_slice(member!("rule_line"));
            number(out, f.rule_line);
            out.extend_from_slice(member!("tags"));
            list(out, &f.tags, |out, t| string(out, t));
            out.extend_from_slice(member!("baselined"));
            boolean(out, f.baselined);
            out.extend_from_slice(member!("suppressed"));
            boolean(out, f.suppressed);
            out.extend_from_slice(member!("suppression_reason"));
            optional(out, f.suppression_reason.as_deref());
            out.extend_from_slice(member!("fingerprint"));
            out.push(b'"');
        },
    );
    let head = match &repeats.fingerprint {
        Some(((rule, bindings, report, table), head))
            if *rule == f.rule
                && *bindings == f.bindings
                && *report == f.report
                && *table == f.table =>
        {
            *head
        }
        _ => {
            let head = f.fingerprint_head();
            let from = (
                f.rule.clone(),
                f.bindings.clone(),
                f.report.clone(),
                f.table.clone(),
            );
            repeats.fingerprint = Some((from, head));
            head
        }
    };
    out.extend_from_slice(&crate::finding::hex_digits(f.fingerprint_hash_after(head)));
    out.push(b'"');
    out.extend_from_slice(b"\n    }");
    true
}

fn values(out: &mut Vec<u8>, v: &Values) {
    out.extend_from_slice(b"{\n        \"left_expr\": ");
    string(out, &v.left_expr);
    out.extend_from_slice(member2!("left"));
    string(out, &v.left);
    out.extend_from_slice(member2!("right_expr"));
    string(out, &v.right_expr);
    out.extend_from_slice(member2!("right"));
    string(out, &v.right);
    out.extend_from_slice(member2!("difference"));
    optional(out, v.difference.as_deref());
    out.extend_from_slice(member2!("op"));
    string(out, &v.op);
    out.extend_from_slice(member2!("tolerance"));
    optional(out, v.tolerance.as_deref());
    out.extend_from_slice(b"\n      }");
}

fn cell_label(out: &mut Vec<u8>, c: &CellLabel) {
    out.extend_from_slice(b"{\n          \"file\": ");
    string(out, &c.file);
    out.extend_from_slice(member3!("line"));
    number(out, c.line);
    out.extend_from_slice(member3!("column"));
    number(out, c.column);
    out.extend_from_slice(member3!("text"));
    string(out, &c.text);
    if let Some(cell) = &c.cell {
        out.extend_from_slice(member3!("cell"));
        string(out, cell);
    }
    out.extend_from_slice(b"\n        }");
}

/// A list that is a member of the finding: `[]` when empty, else one item a line.
fn list<T>(out: &mut Vec<u8>, items: &[T], mut item: impl FnMut(&mut Vec<u8>, &T)) {
    if items.is_empty() {
        out.extend_from_slice(b"[]");
        return;
    }
    out.push(b'[');
    for (i, x) in items.iter().enumerate() {
        out.extend_from_slice(ITEM[usize::from(i > 0)]);
        item(out, x);
    }
    out.extend_from_slice(b"\n      ]");
}

fn optional(out: &mut Vec<u8>, value: Option<&str>) {
    match value {
        Some(v) => string(out, v),
        None => out.extend_from_slice(b"null"),
    }
}

fn boolean(out: &mut Vec<u8>, value: bool) {
    out.extend_from_slice(if value { b"true" } else { b"false" });
}

fn number(out: &mut Vec<u8>, value: usize) {
    let mut digits = [0u8; 20];
    let at = crate::report::number::digits_before(value as u64, &mut digits, 20);
    out.extend_from_slice(&digits[at..]);
}

/// `s` as a JSON string, escaped as serde_json escapes it: `"`, `\` and the control
/// characters below U+0020, the common ones by their short names, the others as `\u00XX`.
fn string(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    match first_to_escape(bytes) {
        None => out.extend_from_slice(bytes),
        Some(from) => escaped(out, bytes, from),
    }
    out.push(b'"');
}

/// Nearly every text has nothing to escape: that is found eight bytes at a time, the last
/// eight read as one word even where they overlap the word before (a text of 8 bytes or
/// more), so no byte is copied into a word first. `None` if nothing is escaped, else a
/// place at or before the first byte that is, with none to escape before it.
fn first_to_escape(bytes: &[u8]) -> Option<usize> {
    let n = bytes.len();
    if n < 8 {
        return bytes
            .iter()
            .position(|&b| b < 0x20 || b == b'"' || b == b'\\');
    }
    let word_at = |at: usize| {
        bytes
            .get(at..at + 8)
            .and_then(|w| <[u8; 8]>::try_from(w).ok())
            .map_or(0, u64::from_le_bytes)
    };
    let mut at = 0;
    while at + 8 <= n {
        if needs_escape(word_at(at)) {
            return Some(at);
        }
        at += 8;
    }
    (at < n && needs_escape(word_at(n - 8))).then_some(n - 8)
}

/// Whether any of the eight bytes of `w` is escaped in a JSON string: one below U+0020, a
/// `"` or a `\`.
fn needs_escape(w: u64) -> bool {
    use crate::words::{bytes_below, bytes_equal};
    bytes_below(w, 0x20) | bytes_equal(w, b'"') | bytes_equal(w, b'\\') != 0
}

/// `bytes` escaped, the first `from` of which need no escape.
fn escaped(out: &mut Vec<u8>, bytes: &[u8], from: usize) {
    let mut plain = 0;
    for (i, &b) in bytes.iter().enumerate().skip(from) {
        let short: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0C => b"\\f",
            0..0x20 => b"",
            _ => continue,
        };
        out.extend_from_slice(bytes.get(plain..i).unwrap_or_default());
        plain = i + 1;
        if short.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 0xF)]);
        } else {
            out.extend_from_slice(short);
        }
    }
    out.extend_from_slice(bytes.get(plain..).unwrap_or_default());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stretches_taken_over_from_the_finding_before_are_what_it_would_write() {
        // Findings that differ from the one before in each stretch, or in none.
        let base = Finding::for_tests();
        let changes: [&dyn Fn(&mut Finding); 11] = [
            &|_| {},
            &|f| f.bindings = vec![("c".into(), "budget".into())],
            &|f| f.table = "investeringar".into(),
            &|f| f.row_key = Some("Summa".into()),
            &|f| f.rule = "annan-regel".into(),
            &|f| f.title = "Ny \"titel\"".into(),
            &|f| f.help = Some("hjälp".into()),
            &|f| f.file = "b/drift.csv".into(),
            &|f| f.tags = vec!["tagg".into()],
            &|f| f.suppressed = true,
            &|f| f.rule_line = 99,
        ];
        let mut findings = Vec::new();
        for (i, change) in changes.iter().enumerate() {
            for _ in 0..=i % 3 {
                let mut f = base.clone();
                f.message = format!("meddelande {i}");
                change(&mut f);
                findings.push(f);
            }
        }
        findings.extend(findings.clone().into_iter().rev());
        let mut repeats = Repeats::default();
        for f in &findings {
            let (mut taken_over, mut alone) = (Vec::new(), Vec::new());
            assert!(write(f, &mut taken_over, &mut repeats));
            assert!(write(f, &mut alone, &mut Repeats::default()));
            assert_eq!(String::from_utf8(taken_over), String::from_utf8(alone));
            assert_eq!(crate::render::json::compare_finding_writers(f), Ok(()));
        }
    }

    #[test]
    fn strings_are_escaped_as_serde_escapes_them() {
        let mut all: String = (0u8..0x80).map(char::from).collect();
        all.push_str("å − \u{2028} \u{feff} ✓ \"quoted\" back\\slash");
        for s in [
            all.as_str(),
            "",
            "plain",
            "\"",
            "\\",
            "\u{1f}",
            "a\u{7f}b",
            "tab\there",
            "abcdefgh\u{1}",
            "abcdefghijklmnop\\",
            "åäö åäö \"",
            "ÿ\u{100}\u{ff00}",
        ] {
            let mut ours = Vec::new();
            string(&mut ours, s);
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                serde_json::to_string(s).unwrap(),
                "{s:?}"
            );
        }
    }

    #[test]
    fn a_byte_to_escape_is_found_at_every_place_of_every_short_length() {
        for len in 0..=24 {
            for at in 0..len {
                for odd in ['"', '\\', '\n', '\u{1}'] {
                    let s: String = (0..len).map(|i| if i == at { odd } else { 'x' }).collect();
                    let mut ours = Vec::new();
                    string(&mut ours, &s);
                    assert_eq!(
                        String::from_utf8(ours).unwrap(),
                        serde_json::to_string(&s).unwrap()
                    );
                }
            }
        }
    }

    #[test]
    fn numbers_are_written_as_serde_writes_them() {
        for n in [0, 1, 9, 10, 99, 100, 12_345, usize::MAX / 7, usize::MAX] {
            let mut ours = Vec::new();
            number(&mut ours, n);
            assert_eq!(String::from_utf8(ours).unwrap(), n.to_string());
        }
    }
}
