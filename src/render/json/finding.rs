//! One finding's JSON, written by hand exactly as serde_json's pretty printer lays it out two
//! levels deep (an item of the document's `findings` list). A run may list a hundred
//! thousand findings, and serde's escaping of their two dozen strings each cost more than the
//! rest of the output together; here a string with nothing to escape, nearly all of them, is
//! copied as it is. Tests compare the two writers byte for byte.

use crate::finding::{CellLabel, Finding, Values};

/// `f` as its JSON object, `depth` levels deep; `false` (nothing written) for a finding with
/// a fix, whose nested explanation is left to serde.
pub(super) fn write(f: &Finding, fingerprint: &str, depth: usize, out: &mut Vec<u8>) -> bool {
    if f.fix.is_some() {
        return false;
    }
    let mut o = Object::open(out, depth);
    o.string("rule", &f.rule);
    o.string("severity", f.severity.name());
    o.string("title", &f.title);
    o.string("message", &f.message);
    o.optional("help", f.help.as_deref());
    o.string("report", &f.report);
    o.string("table", &f.table);
    o.string("file", &f.file);
    o.number("line", f.line);
    o.number("column", f.column);
    {
        let mut span = o.object("span");
        span.number("offset", f.span.offset);
        span.number("length", f.span.length);
        span.close();
    }
    if let Some(cell) = &f.cell {
        o.string("cell", cell);
    }
    o.optional("row_key", f.row_key.as_deref());
    o.optional("column_name", f.column_name.as_deref());
    match &f.values {
        Some(v) => values(o.object("values"), v),
        None => o.null("values"),
    }
    {
        let mut bindings = o.array("bindings");
        for (var, column) in &f.bindings {
            let mut pair = bindings.array();
            pair.string(var);
            pair.string(column);
            pair.close();
        }
        bindings.close();
    }
    {
        let mut related = o.array("related");
        for label in &f.related {
            cell_label(related.object(), label);
        }
        related.close();
    }
    o.string("rule_file", &f.rule_file);
    o.number("rule_line", f.rule_line);
    {
        let mut tags = o.array("tags");
        for t in &f.tags {
            tags.string(t);
        }
        tags.close();
    }
    o.boolean("baselined", f.baselined);
    o.boolean("suppressed", f.suppressed);
    o.optional("suppression_reason", f.suppression_reason.as_deref());
    o.string("fingerprint", fingerprint);
    o.close();
    true
}

fn values(mut o: Object<'_>, v: &Values) {
    o.string("left_expr", &v.left_expr);
    o.string("left", &v.left);
    o.string("right_expr", &v.right_expr);
    o.string("right", &v.right);
    o.optional("difference", v.difference.as_deref());
    o.string("op", &v.op);
    o.optional("tolerance", v.tolerance.as_deref());
    o.close();
}

fn cell_label(mut o: Object<'_>, c: &CellLabel) {
    o.string("file", &c.file);
    o.number("line", c.line);
    o.number("column", c.column);
    o.string("text", &c.text);
    if let Some(cell) = &c.cell {
        o.string("cell", cell);
    }
    o.close();
}

/// The start of a value inside an object or a list `depth` levels deep: a comma after the
/// value before it, a new line and the indent, copied from one slice in one go.
#[inline(always)]
fn next_line(out: &mut Vec<u8>, first: bool, depth: usize) {
    const BREAK: &[u8] = b",\n                                ";
    let end = 2 + 2 * depth;
    match BREAK.get(usize::from(first)..end) {
        Some(slice) => out.extend_from_slice(slice),
        None => {
            out.extend_from_slice(if first { b"\n" } else { b",\n" });
            for _ in 0..depth {
                out.extend_from_slice(b"  ");
            }
        }
    }
}

/// An object or a list being written: its opening bracket, its members one per line, its
/// closing bracket.
struct Nest<'o> {
    out: &'o mut Vec<u8>,
    /// The depth of its members.
    depth: usize,
    empty: bool,
    closing: u8,
}

impl<'o> Nest<'o> {
    fn open(out: &'o mut Vec<u8>, depth: usize, [opening, closing]: [u8; 2]) -> Nest<'o> {
        out.push(opening);
        Nest {
            out,
            depth: depth + 1,
            empty: true,
            closing,
        }
    }

    /// Where the next member goes, after a comma if it is not the first.
    fn next(&mut self) -> &mut Vec<u8> {
        next_line(self.out, self.empty, self.depth);
        self.empty = false;
        self.out
    }

    fn close(self) {
        if !self.empty {
            next_line(self.out, true, self.depth - 1);
        }
        self.out.push(self.closing);
    }
}

/// An object being written.
struct Object<'o>(Nest<'o>);

impl<'o> Object<'o> {
    fn open(out: &'o mut Vec<u8>, depth: usize) -> Object<'o> {
        Object(Nest::open(out, depth, *b"{}"))
    }

    #[inline(always)]
    fn key(&mut self, key: &str) -> &mut Vec<u8> {
        let out = self.0.next();
        // Keys are this file's own names: nothing to escape.
        out.push(b'"');
        out.extend_from_slice(key.as_bytes());
        out.extend_from_slice(b"\": ");
        out
    }

    #[inline(always)]
    fn string(&mut self, key: &str, value: &str) {
        string(self.key(key), value);
    }

    #[inline(always)]
    fn optional(&mut self, key: &str, value: Option<&str>) {
        match value {
            Some(v) => self.string(key, v),
            None => self.null(key),
        }
    }

    #[inline(always)]
    fn null(&mut self, key: &str) {
        self.key(key).extend_from_slice(b"null");
    }

    #[inline(always)]
    fn boolean(&mut self, key: &str, value: bool) {
        let text: &[u8] = if value { b"true" } else { b"false" };
        self.key(key).extend_from_slice(text);
    }

    #[inline(always)]
    fn number(&mut self, key: &str, value: usize) {
        number(self.key(key), value);
    }

    fn object(&mut self, key: &str) -> Object<'_> {
        let depth = self.0.depth;
        Object::open(self.key(key), depth)
    }

    fn array(&mut self, key: &str) -> List<'_> {
        let depth = self.0.depth;
        List::open(self.key(key), depth)
    }

    fn close(self) {
        self.0.close();
    }
}

/// A list being written.
struct List<'o>(Nest<'o>);

impl<'o> List<'o> {
    fn open(out: &'o mut Vec<u8>, depth: usize) -> List<'o> {
        List(Nest::open(out, depth, *b"[]"))
    }

    fn string(&mut self, value: &str) {
        string(self.0.next(), value);
    }

    fn object(&mut self) -> Object<'_> {
        let depth = self.0.depth;
        Object::open(self.0.next(), depth)
    }

    fn array(&mut self) -> List<'_> {
        let depth = self.0.depth;
        List::open(self.0.next(), depth)
    }

    fn close(self) {
        self.0.close();
    }
}

fn number(out: &mut Vec<u8>, value: usize) {
    let mut digits = [0u8; 20];
    let at = crate::report::number::digits_before(value as u64, &mut digits, 20);
    out.extend_from_slice(&digits[at..]);
}

/// `s` as a JSON string, escaped as serde_json escapes it: `"`, `\` and the control
/// characters below U+0020, the common ones by their short names, the others as `\u00XX`.
fn string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    // Nearly every text has nothing to escape: that is found eight bytes at a time, and the
    // text copied whole.
    match bytes.chunks(8).position(needs_escape) {
        None => out.extend_from_slice(bytes),
        Some(word) => escaped(out, bytes, word * 8),
    }
    out.push(b'"');
}

/// Whether any of the (at most eight) bytes of `bytes` is escaped in a JSON string: one
/// below U+0020, a `"` or a `\`.
fn needs_escape(bytes: &[u8]) -> bool {
    use crate::words::{bytes_below, bytes_equal, word};
    let w = word(bytes, b' ');
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
    fn numbers_are_written_as_serde_writes_them() {
        for n in [0, 1, 9, 10, 99, 100, 12_345, usize::MAX / 7, usize::MAX] {
            let mut ours = Vec::new();
            number(&mut ours, n);
            assert_eq!(String::from_utf8(ours).unwrap(), n.to_string());
        }
    }
}
