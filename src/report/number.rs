//! Swedish figures as they are printed in follow-up reports: `8 486`, `−1 116`, `4,3 %`,
//! `6,3 mkr`, `165 616*`, `–` (an exact zero), `..` (not available) and friends.
//!
//! Parsing never panics and never uses floating point: the value is built from an `i128`
//! mantissa and a scale with checked arithmetic, so a figure too large for a [`Decimal`]
//! is simply text.

use super::{CellValue, Figure, Missing, Parsed, Unit};
use crate::config::DataConfig;
use rust_decimal::Decimal;

/// The characters trimmed from both ends of a cell and accepted as thousands separators:
/// ASCII whitespace, no-break space, narrow no-break space and thin space.
fn is_space(c: char) -> bool {
    c.is_ascii_whitespace() || matches!(c, '\u{00A0}' | '\u{202F}' | '\u{2009}')
}

/// A minus or plus sign as printers write it: hyphen-minus, minus sign, en dash, plus.
fn sign_of(c: char) -> Option<bool> {
    match c {
        '-' | '\u{2212}' | '\u{2013}' => Some(true),
        '+' => Some(false),
        _ => None,
    }
}

/// Footnote marks that may follow a figure or its unit.
fn is_footnote_mark(c: char) -> bool {
    matches!(c, '*' | '†' | '¹' | '²' | '³')
}

/// A cell's text without the spaces around it (ASCII whitespace, NBSP, NNBSP, thin space).
pub(crate) fn trim_cell(s: &str) -> &str {
    // Most cells start and end with a visible ASCII character: nothing to trim, and no
    // character to decode.
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(a), Some(z)) if a.is_ascii_graphic() && z.is_ascii_graphic() => s,
        _ => s.trim_matches(is_space),
    }
}

/// `str::trim` (Unicode white space), without decoding a character when the text starts and
/// ends with a visible ASCII one: row keys and group names are trimmed once per row.
pub(crate) fn trim_text(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(a), Some(z)) if a.is_ascii_graphic() && z.is_ascii_graphic() => s,
        _ => s.trim(),
    }
}

/// Read one cell's text (after CSV unquoting) as a figure, a missing-value symbol or text,
/// with the default markers: `..`, `.`, `I.U.` and `N/A` are missing, a lone dash is zero.
pub fn parse_cell(raw: &str) -> CellValue {
    parse_cell_with(raw, DataConfig::defaults())
}

/// [`parse_cell`] with the missing-value and zero markers of `data` (`[data]` in
/// `rimlig.toml`). An empty cell is always missing.
pub fn parse_cell_with(raw: &str, data: &DataConfig) -> CellValue {
    parse_cell_borrowed(raw, data).to_owned_value()
}

/// [`parse_cell_with`] without allocating: a text value borrows from `raw`.
pub(crate) fn parse_cell_borrowed<'a>(raw: &'a str, data: &DataConfig) -> Parsed<'a> {
    let trimmed = trim_cell(raw);
    if let Some(inner) = strip_italics(trimmed) {
        match parse_trimmed(trim_cell(inner), data) {
            Parsed::Text(_) => {}
            other => return other,
        }
    }
    parse_trimmed(trimmed, data)
}

/// The text inside `<i>…</i>` when a whole cell is wrapped in it (spaces around it allowed),
/// as word-processor exports write italic rows such as "varav" rows; `None` otherwise.
pub(crate) fn italic_inner(raw: &str) -> Option<&str> {
    strip_italics(trim_cell(raw)).map(trim_cell)
}

/// `<i>…</i>` around a cell, as word-processor exports write italic figures.
fn strip_italics(s: &str) -> Option<&str> {
    let open = s.get(..3)?;
    if !open.eq_ignore_ascii_case("<i>") {
        return None;
    }
    let rest = s.get(3..)?;
    let cut = rest.len().checked_sub(4)?;
    let close = rest.get(cut..)?;
    if !close.eq_ignore_ascii_case("</i>") {
        return None;
    }
    rest.get(..cut)
}

fn parse_trimmed<'a>(s: &'a str, data: &DataConfig) -> Parsed<'a> {
    if let Some(missing) = missing_symbol(s, data) {
        return Parsed::Missing(missing);
    }
    if data.zero.iter().any(|z| z == s) {
        return Parsed::Number(Figure {
            value: Decimal::ZERO,
            decimals: None,
            unit: None,
        });
    }
    match plain_integer(s).or_else(|| parse_figure(s)) {
        Some(figure) => Parsed::Number(figure),
        None => Parsed::Text(s),
    }
}

/// Whether `raw` reads as a text without being parsed: it starts with an ASCII letter (so it
/// is neither a figure, which starts with a sign or a digit, nor in italics) and is none of
/// the markers of `data`. Where this says so, [`parse_cell_borrowed`] reads `raw` as the text
/// `trim_cell(raw)`: most texts of a large file are row labels.
pub(crate) fn plainly_text(raw: &str, data: &DataConfig) -> bool {
    raw.as_bytes().first().is_some_and(u8::is_ascii_alphabetic) && {
        let t = trim_cell(raw);
        !data.missing.iter().any(|m| m.eq_ignore_ascii_case(t)) && !data.zero.iter().any(|z| z == t)
    }
}

/// Whether a marker of `data` reads as a plain integer (`plain_integer_value`): then a cell
/// that looks like one may be a marker, and readers must not take the shortcut of reading it
/// as a figure straight away.
pub(crate) fn markers_look_like_integers(data: &DataConfig) -> bool {
    data.missing
        .iter()
        .chain(&data.zero)
        .any(|m| plain_integer_value(m).is_some())
}

/// The missing-value marker `s` is, if any: an empty cell always; else one of `data.missing`
/// (case ignored), named after the official symbol when it is one.
fn missing_symbol(s: &str, data: &DataConfig) -> Option<Missing> {
    if s.is_empty() {
        return Some(Missing::Empty);
    }
    let marker = data.missing.iter().find(|m| m.eq_ignore_ascii_case(s))?;
    Some(match marker.as_str() {
        ".." => Missing::NotAvailable,
        "." => Missing::CannotOccur,
        m if m.eq_ignore_ascii_case("I.U.") => Missing::NoData,
        m if m.eq_ignore_ascii_case("N/A") => Missing::NotApplicable,
        _ => Missing::Marker,
    })
}

/// A small cursor over the characters of a cell.
struct Cursor<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<char> {
        self.s.get(self.pos..)?.chars().next()
    }
    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }
    fn rest(&self) -> &'a str {
        self.s.get(self.pos..).unwrap_or("")
    }
    /// Consume ASCII digits, appending them to `mantissa`; returns how many were read,
    /// or `None` if the mantissa overflowed.
    fn digits(&mut self, mantissa: &mut i128) -> Option<usize> {
        let mut n = 0;
        while let Some(c) = self.peek() {
            let Some(d) = c.to_digit(10) else {
                break;
            };
            *mantissa = mantissa.checked_mul(10)?.checked_add(i128::from(d))?;
            self.pos += 1;
            n += 1;
        }
        Some(n)
    }
    /// Number of ASCII digits starting at byte offset `at`.
    fn digits_at(&self, at: usize) -> usize {
        self.s
            .get(at..)
            .map(|r| r.bytes().take_while(u8::is_ascii_digit).count())
            .unwrap_or(0)
    }
}

/// The common case of [`parse_figure`] without its cursor: an optional hyphen-minus and a
/// whole number in ASCII digits, optionally grouped by single ASCII spaces (`-44 097`).
/// `None` for anything else, which `parse_figure` then reads; where this reads a figure,
/// `parse_figure` reads the same one.
pub(crate) fn plain_integer_value(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let (negative, digits) = match b.split_first()? {
        (b'-', rest) => (true, rest),
        _ => (false, b),
    };
    let digit = |c: u8| i64::from(c - b'0');
    // The first group: the digits up to the first space, or all of them. 18 digits always
    // fit an i64; longer numbers take the general path.
    let mut mantissa = 0;
    let mut first = 0;
    while let Some(&c) = digits.get(first).filter(|c| c.is_ascii_digit()) {
        if first == 18 {
            return None;
        }
        mantissa = mantissa * 10 + digit(c);
        first += 1;
    }
    // Then groups of a space and exactly three digits, after a first group of one to three.
    let groups = digits.get(first..).unwrap_or_default();
    if first == 0
        || (!groups.is_empty() && (first > 3 || groups.len() % 4 != 0))
        || first + groups.len() / 4 * 3 > 18
    {
        return None;
    }
    for group in groups.chunks_exact(4) {
        let &[b' ', x, y, z] = group else {
            return None;
        };
        if !(x.is_ascii_digit() && y.is_ascii_digit() && z.is_ascii_digit()) {
            return None;
        }
        mantissa = mantissa * 1000 + digit(x) * 100 + digit(y) * 10 + digit(z);
    }
    Some(if negative { -mantissa } else { mantissa })
}

fn plain_integer(s: &str) -> Option<Figure> {
    Some(Figure {
        value: Decimal::new(plain_integer_value(s)?, 0),
        decimals: Some(0),
        unit: None,
    })
}

fn parse_figure(s: &str) -> Option<Figure> {
    let mut cur = Cursor { s, pos: 0 };

    // Sign, optionally followed by spaces ("− 1 116").
    let mut negative = false;
    if let Some(neg) = cur.peek().and_then(sign_of) {
        negative = neg;
        cur.bump();
        while cur.peek().is_some_and(is_space) {
            cur.bump();
        }
    }

    // Integer part, with optional thousands grouping.
    let mut mantissa: i128 = 0;
    let first = cur.digits(&mut mantissa)?;
    if first == 0 {
        return None;
    }
    let mut grouped = false;
    // A separator is a single space character followed directly by a digit.
    while let Some(c) = cur.peek() {
        if !is_space(c) {
            break;
        }
        let after = cur.pos + c.len_utf8();
        let n = cur.digits_at(after);
        if n == 0 {
            break; // e.g. the space before a unit: "74 %"
        }
        if n != 3 {
            return None; // "12 34"
        }
        grouped = true;
        cur.pos = after;
        cur.digits(&mut mantissa)?;
    }
    if grouped && first > 3 {
        return None; // "1234 567"
    }

    // Decimal part.
    let mut scale: u32 = 0;
    if matches!(cur.peek(), Some(',' | '.')) && cur.digits_at(cur.pos + 1) > 0 {
        cur.bump();
        let n = cur.digits(&mut mantissa)?;
        scale = u32::try_from(n).ok()?;
    }

    // Unit and footnote marks.
    let unit = parse_suffix(cur.rest())?;

    if negative {
        mantissa = mantissa.checked_neg()?;
    }
    let value = Decimal::try_from_i128_with_scale(mantissa, scale).ok()?;
    Some(Figure {
        value,
        decimals: Some(scale),
        unit,
    })
}

/// What may follow the digits: footnote marks directly after the number, or optional spaces,
/// a unit and footnote marks directly after the unit. `None` if anything else follows.
fn parse_suffix(rest: &str) -> Option<Option<Unit>> {
    let without_marks = rest.trim_end_matches(is_footnote_mark);
    if without_marks.is_empty() {
        return Some(None);
    }
    // Marks must follow the unit directly: "74 %*" but not "74 % *".
    if without_marks.len() != rest.len() && without_marks.ends_with(is_space) {
        return None;
    }
    let unit_text = without_marks.trim_start_matches(is_space);
    let unit = if unit_text == "%" {
        Unit::Pct
    } else if unit_text.eq_ignore_ascii_case("tkr") {
        Unit::Tkr
    } else if unit_text.eq_ignore_ascii_case("mkr") || unit_text.eq_ignore_ascii_case("mnkr") {
        Unit::Mkr
    } else if unit_text.eq_ignore_ascii_case("kr") {
        Unit::Kr
    } else {
        return None;
    };
    Some(Some(unit))
}

/// A count as a message gives it, grouped as a report's figures are: `25 000`.
pub(crate) fn grouped(n: impl Into<Decimal>) -> String {
    format_decimal(&n.into())
}

/// A decimal as a Swedish reader expects it in a message: thousands grouped with a space,
/// decimal comma, `-` for minus; the decimal's scale is kept (`1.50` → `1,50`).
pub fn format_decimal(d: &Decimal) -> String {
    format_decimal_compact(d).into_string()
}

/// [`format_decimal`] kept in place, without an allocation, as nearly every figure of a
/// message can be (up to 24 bytes): a finding's message shows three.
pub fn format_decimal_compact(d: &Decimal) -> compact_str::CompactString {
    // Minus zero is shown as zero.
    decimal_text(d, d.mantissa() < 0, b',', true)
}

/// A decimal for machines, as `Decimal`'s `Display` writes it (`-1030`, `2.10`, `0.05`):
/// what the JSON's `values` hold. Written here rather than through `fmt`: a run with a
/// hundred thousand findings writes three for each.
pub fn plain_decimal(d: &Decimal) -> String {
    plain_decimal_compact(d).into_string()
}

/// [`plain_decimal`] kept in place, without an allocation, as nearly every figure can be
/// (up to 24 bytes).
pub fn plain_decimal_compact(d: &Decimal) -> compact_str::CompactString {
    decimal_text(d, d.is_sign_negative(), b'.', false)
}

/// The digits of `d` with `point` before the last `scale` of them (and at least one digit
/// before it), a space between each three digits before it if `grouped`, after a `-` if
/// `minus`. Written in one pass from the last digit back, in `u64` arithmetic once the rest
/// fits (nearly always: `u128` division is a library call); a large run writes six for each
/// finding.
fn decimal_text(d: &Decimal, minus: bool, point: u8, grouped: bool) -> compact_str::CompactString {
    // 29 digits, 9 spaces, the point, the sign and the zeros after it fit.
    let mut text = [0u8; 2 * DIGITS_ROOM];
    let mut at = text.len();
    let mut put = |c: u8| {
        if let Some(slot) = at.checked_sub(1).and_then(|i| text.get_mut(i)) {
            *slot = c;
            at -= 1;
        }
    };
    let scale = usize::try_from(d.scale()).unwrap_or(0);
    let (mut written, mut in_group) = (0usize, 0u8);
    let mut digit = |digit: u64| {
        if written == scale && scale > 0 {
            put(point);
        }
        if written >= scale {
            if grouped && in_group == 3 {
                put(b' ');
                in_group = 0;
            }
            in_group += 1;
        }
        put(b'0' + digit as u8);
        written += 1;
        written
    };
    let mut big = d.mantissa().unsigned_abs();
    while u64::try_from(big).is_err() {
        digit((big % 10) as u64);
        big /= 10;
    }
    let mut n = u64::try_from(big).unwrap_or(0);
    loop {
        let written = digit(n % 10);
        n /= 10;
        if n == 0 && written > scale {
            break;
        }
    }
    if minus {
        put(b'-');
    }
    // Only ASCII digits, a sign, spaces and a point or comma were written.
    std::str::from_utf8(text.get(at..).unwrap_or_default())
        .map(compact_str::CompactString::new)
        .unwrap_or_default()
}

/// Writes the decimal digits of `n` into `buf` so that they end just before `end` (which
/// leaves room for them: 20 bytes hold any `u64`), and gives where they start. Without
/// `fmt`: a run with a hundred thousand findings writes several numbers for each.
pub(crate) fn digits_before(mut n: u64, buf: &mut [u8], end: usize) -> usize {
    let mut at = end;
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return at;
        }
    }
}

/// Room for every digit of a decimal: a mantissa of up to 29 digits, or a scale of up to 28
/// with its leading zero.
const DIGITS_ROOM: usize = 40;

/// A figure for display: [`format_decimal`] of its value and its unit (` %`, ` tkr`, …).
pub fn format_figure(f: &Figure) -> String {
    let mut s = format_decimal(&f.value);
    let suffix = match f.unit {
        Some(Unit::Pct) => " %",
        Some(Unit::Tkr) => " tkr",
        Some(Unit::Mkr) => " mkr",
        Some(Unit::Kr) => " kr",
        Some(Unit::Count) | None => "",
    };
    s.push_str(suffix);
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn num(value: &str, decimals: Option<u32>, unit: Option<Unit>) -> CellValue {
        CellValue::Number(Figure {
            value: Decimal::from_str(value).expect("test decimal"),
            decimals,
            unit,
        })
    }

    fn text(s: &str) -> CellValue {
        CellValue::Text(s.to_string())
    }

    fn missing(m: Missing) -> CellValue {
        CellValue::Missing(m)
    }

    /// Decimals at the edges: zero and minus zero, every scale, the largest mantissas, values
    /// either side of `u64::MAX`, and a spread of ordinary ones.
    fn edge_decimals() -> Vec<Decimal> {
        let mut mantissas: Vec<i128> = vec![0, 1, 9, 10, 99, 100, 999, 1000, 1_000_000];
        mantissas.extend([u64::MAX as i128 - 1, u64::MAX as i128, u64::MAX as i128 + 1]);
        mantissas.extend([10i128.pow(19), 10i128.pow(20) - 1, (1i128 << 96) - 1]);
        mantissas.extend((0..40).map(|i| 7i128.pow(i) % (1i128 << 96)));
        let mut out = Vec::new();
        for m in mantissas {
            for scale in 0..=28 {
                for sign in [1i128, -1] {
                    if let Ok(d) = Decimal::try_from_i128_with_scale(sign * m, scale) {
                        out.push(d);
                    }
                }
            }
        }
        out.push(-Decimal::ZERO);
        out
    }

    #[test]
    fn plain_decimal_is_what_display_writes() {
        for d in edge_decimals() {
            for d in [d, d.normalize()] {
                assert_eq!(plain_decimal(&d), d.to_string(), "{d:?}");
                let compact = plain_decimal_compact(&d);
                assert_eq!(compact, d.to_string(), "{d:?}");
                // Up to 24 bytes, as every figure of a report is, held without an allocation.
                assert_eq!(compact.is_heap_allocated(), compact.len() > 24, "{d:?}");
            }
        }
    }

    #[test]
    fn format_decimal_groups_what_display_writes() {
        for d in edge_decimals() {
            let shown = d.to_string();
            let (sign, digits) = match shown.strip_prefix('-') {
                Some(rest) => ("-", rest),
                None => ("", shown.as_str()),
            };
            let (int_part, frac_part) = digits.split_once('.').unwrap_or((digits, ""));
            let mut grouped = String::new();
            for (i, c) in int_part.chars().enumerate() {
                if i > 0 && (int_part.len() - i) % 3 == 0 {
                    grouped.push(' ');
                }
                grouped.push(c);
            }
            let sign = if d.mantissa() < 0 { sign } else { "" };
            let want = if frac_part.is_empty() {
                format!("{sign}{grouped}")
            } else {
                format!("{sign}{grouped},{frac_part}")
            };
            assert_eq!(format_decimal(&d), want, "{d:?}");
        }
        assert_eq!(format_decimal(&Decimal::new(-1234567, 2)), "-12 345,67");
        assert_eq!(format_decimal(&Decimal::new(5, 3)), "0,005");
    }

    #[test]
    fn cells_parse_as_the_swedish_print_them() {
        let forty_digits = "1234567890123456789012345678901234567890";
        let cases: Vec<(&str, CellValue)> = vec![
            // Missing-value symbols.
            ("", missing(Missing::Empty)),
            ("   ", missing(Missing::Empty)),
            ("..", missing(Missing::NotAvailable)),
            (".", missing(Missing::CannotOccur)),
            ("I.U.", missing(Missing::NoData)),
            ("i.u.", missing(Missing::NoData)),
            ("N/A", missing(Missing::NotApplicable)),
            ("n/a", missing(Missing::NotApplicable)),
            // Lone dashes are exact zeros.
            ("-", num("0", None, None)),
            ("\u{2013}", num("0", None, None)),
            ("\u{2014}", num("0", None, None)),
            ("\u{2212}", num("0", None, None)),
            (" \u{00A0}-\u{00A0}", num("0", None, None)),
            // Plain and grouped integers.
            ("166760", num("166760", Some(0), None)),
            ("8 486", num("8486", Some(0), None)),
            ("297 560", num("297560", Some(0), None)),
            ("1 234 567", num("1234567", Some(0), None)),
            ("8\u{00A0}486", num("8486", Some(0), None)),
            ("8\u{202F}486", num("8486", Some(0), None)),
            ("8\u{2009}486", num("8486", Some(0), None)),
            ("\u{00A0}12 345\u{202F}", num("12345", Some(0), None)),
            // Signs.
            ("-1 116", num("-1116", Some(0), None)),
            ("\u{2212}1 116", num("-1116", Some(0), None)),
            ("\u{2212} 1 116", num("-1116", Some(0), None)),
            ("\u{2013}1 116", num("-1116", Some(0), None)),
            ("+25", num("25", Some(0), None)),
            ("-0", num("0", Some(0), None)),
            // Decimals.
            ("4,3", num("4.3", Some(1), None)),
            ("4.3", num("4.3", Some(1), None)),
            ("0,91", num("0.91", Some(2), None)),
            ("10,54", num("10.54", Some(2), None)),
            ("1 030,50", num("1030.50", Some(2), None)),
            ("-2,1", num("-2.1", Some(1), None)),
            // Units.
            ("74 %", num("74", Some(0), Some(Unit::Pct))),
            ("74%", num("74", Some(0), Some(Unit::Pct))),
            ("4,3 %", num("4.3", Some(1), Some(Unit::Pct))),
            ("74\u{00A0}%", num("74", Some(0), Some(Unit::Pct))),
            ("6,3 mkr", num("6.3", Some(1), Some(Unit::Mkr))),
            ("6,3 Mkr", num("6.3", Some(1), Some(Unit::Mkr))),
            ("6,3 mnkr", num("6.3", Some(1), Some(Unit::Mkr))),
            ("2 600 tkr", num("2600", Some(0), Some(Unit::Tkr))),
            ("2 600tkr", num("2600", Some(0), Some(Unit::Tkr))),
            ("150 kr", num("150", Some(0), Some(Unit::Kr))),
            ("150 KR", num("150", Some(0), Some(Unit::Kr))),
            // Footnote marks.
            ("165 616*", num("165616", Some(0), None)),
            ("165 616**", num("165616", Some(0), None)),
            ("12†", num("12", Some(0), None)),
            ("12¹", num("12", Some(0), None)),
            ("3,5 %²", num("3.5", Some(1), Some(Unit::Pct))),
            ("100 tkr³", num("100", Some(0), Some(Unit::Tkr))),
            // Italics markup.
            ("<i>297 560</i>", num("297560", Some(0), None)),
            ("<I>-4,3 %</I>", num("-4.3", Some(1), Some(Unit::Pct))),
            ("<i>..</i>", missing(Missing::NotAvailable)),
            // Text.
            ("12 34", text("12 34")),
            ("1234 567", text("1234 567")),
            ("1 0OO", text("1 0OO")),
            ("74 % (leverantörstrohet)", text("74 % (leverantörstrohet)")),
            ("<5 %", text("<5 %")),
            ("Noll- resultat", text("Noll- resultat")),
            ("LKDATA", text("LKDATA")),
            ("  Förvaltning  ", text("Förvaltning")),
            ("4,", text("4,")),
            (",5", text(",5")),
            ("1,2,3", text("1,2,3")),
            ("74 % *", text("74 % *")),
            ("--5", text("--5")),
            ("<i>abc</i>", text("<i>abc</i>")),
            ("<i>", text("<i>")),
            ("å<i>", text("å<i>")),
            ("12 kr kr", text("12 kr kr")),
            (forty_digits, text(forty_digits)),
            (
                "0,12345678901234567890123456789",
                text("0,12345678901234567890123456789"),
            ),
        ];
        assert!(cases.len() >= 35);
        for (input, expected) in cases {
            assert_eq!(parse_cell(input), expected, "parsing {input:?}");
        }
    }

    #[test]
    fn decimals_keep_their_printed_scale() {
        let CellValue::Number(f) = parse_cell("4,30") else {
            panic!("not a number");
        };
        assert_eq!(f.value.scale(), 2);
        assert_eq!(f.decimals, Some(2));
        assert_eq!(format_figure(&f), "4,30");
    }

    #[test]
    fn decimals_format_the_swedish_way() {
        let cases = [
            ("1000", "1 000"),
            ("-1030", "-1 030"),
            ("2.1", "2,1"),
            ("6874", "6 874"),
            ("0.05", "0,05"),
            ("1.50", "1,50"),
            ("0", "0"),
            ("-0.5", "-0,5"),
            ("999", "999"),
            ("1234567.891", "1 234 567,891"),
            ("100000", "100 000"),
        ];
        for (input, expected) in cases {
            let d = Decimal::from_str(input).expect("test decimal");
            assert_eq!(format_decimal(&d), expected, "formatting {input}");
        }
        assert_eq!(
            format_decimal(&Decimal::MAX),
            "79 228 162 514 264 337 593 543 950 335"
        );
    }

    #[test]
    fn figures_format_with_their_unit() {
        let f = |s: &str, unit| Figure {
            value: Decimal::from_str(s).expect("test decimal"),
            decimals: None,
            unit,
        };
        assert_eq!(format_figure(&f("4.3", Some(Unit::Pct))), "4,3 %");
        assert_eq!(format_figure(&f("2600", Some(Unit::Tkr))), "2 600 tkr");
        assert_eq!(format_figure(&f("6.3", Some(Unit::Mkr))), "6,3 mkr");
        assert_eq!(format_figure(&f("150", Some(Unit::Kr))), "150 kr");
        assert_eq!(format_figure(&f("12", Some(Unit::Count))), "12");
        assert_eq!(format_figure(&f("-1116", None)), "-1 116");
    }

    #[test]
    fn markers_come_from_the_data_settings() {
        let data = DataConfig {
            missing: vec!["..".into(), "-".into(), "saknas".into()],
            zero: vec!["\u{2013}".into()],
            header_row: None,
        };
        assert_eq!(parse_cell_with("-", &data), missing(Missing::Marker));
        assert_eq!(parse_cell_with(" SAKNAS ", &data), missing(Missing::Marker));
        assert_eq!(parse_cell_with("..", &data), missing(Missing::NotAvailable));
        assert_eq!(parse_cell_with("\u{2013}", &data), num("0", None, None));
        assert_eq!(parse_cell_with("<i>-</i>", &data), missing(Missing::Marker));
        // No longer markers: text.
        assert_eq!(parse_cell_with("N/A", &data), text("N/A"));
        assert_eq!(parse_cell_with("\u{2212}", &data), text("\u{2212}"));
        // An empty cell is always missing; figures are read as ever.
        assert_eq!(parse_cell_with("", &data), missing(Missing::Empty));
        assert_eq!(
            parse_cell_with("-1 116", &data),
            num("-1116", Some(0), None)
        );
        // The defaults are the behaviour without a configuration.
        for s in ["-", "..", ".", "I.U.", "n/a", "", "8 486", "x"] {
            assert_eq!(parse_cell(s), parse_cell_with(s, &DataConfig::default()));
        }
    }

    #[test]
    fn odd_input_never_panics() {
        for s in [
            "\u{2212}",
            "\u{2212} ",
            "+",
            "<i></i>",
            "<i>\u{00A0}</i>",
            "1\u{00A0}",
            "1 \u{2009}000",
            "9".repeat(200).as_str(),
            "1,",
            "1,.",
            "ö",
            "1 ö00",
            "<i>ö</i>",
        ] {
            let _ = parse_cell(s);
        }
    }
}

#[cfg(test)]
pub(crate) mod fast_path_tests {
    use super::*;

    /// Whole numbers and near misses in the forms reports write them, for the tests of the
    /// shortcuts that read them without the general parser.
    pub(crate) const WHOLE_NUMBER_FORMS: &[&str] = &[
        "0",
        "-0",
        "7",
        "007",
        "44 097",
        "-1 286",
        "1 234 567",
        "2147483647",
        "-2147483648",
        "2147483648",
        "999999999999999999",
        "1000000000000000000",
        "12 34",
        "1234 567",
        "1 2345",
        "1  234",
        "- 5",
        "+5",
        "5 ",
        " 5",
        "1 234 ",
        "-",
        "",
        "1 000 000 000 000 000 000",
    ];

    /// Digit by digit, as whole numbers were first read: the reference for the grouped
    /// reading of [`plain_integer_value`].
    fn integer_digit_by_digit(s: &str) -> Option<i64> {
        let b = s.as_bytes();
        let (negative, digits) = match b.split_first()? {
            (b'-', rest) => (true, rest),
            _ => (false, b),
        };
        let (mut mantissa, mut run, mut grouped, mut total) = (0i64, 0, false, 0);
        for (i, &c) in digits.iter().enumerate() {
            match c {
                b'0'..=b'9' if total < 18 => {
                    mantissa = mantissa * 10 + i64::from(c - b'0');
                    run += 1;
                    total += 1;
                }
                b' ' if run > 0
                    && (if grouped { run == 3 } else { run <= 3 })
                    && i + 1 < digits.len() =>
                {
                    grouped = true;
                    run = 0;
                }
                _ => return None,
            }
        }
        if run == 0 || (grouped && run != 3) {
            return None;
        }
        Some(if negative { -mantissa } else { mantissa })
    }

    #[test]
    fn texts_are_trimmed_as_str_trim_trims_them() {
        let ends = [
            "", " ", "\t", "\u{a0}", "\u{2009}", "\u{3000}", "x", "Å", "-", "\u{7f}",
        ];
        for a in ends {
            for z in ends {
                for middle in ["", "Summa", "a b", " "] {
                    let s = format!("{a}{middle}{z}");
                    assert_eq!(trim_text(&s), s.trim(), "{s:?}");
                }
            }
        }
    }

    #[test]
    fn whole_numbers_read_by_groups_as_digit_by_digit() {
        // Every text of up to six characters of these, and long figures around 18 digits.
        let alphabet = ['0', '7', '9', '-', ' ', 'a', '\u{a0}'];
        let mut texts = vec![String::new()];
        for _ in 0..6 {
            let longer: Vec<String> = texts
                .iter()
                .filter(|t| t.chars().count() == texts.last().map_or(0, |l| l.chars().count()))
                .flat_map(|t| alphabet.iter().map(move |c| format!("{t}{c}")))
                .collect();
            texts.extend(longer);
        }
        for n in 15..22 {
            let digits = "9".repeat(n);
            texts.push(digits.clone());
            texts.push(format!("-{digits}"));
            let grouped: Vec<String> = (0..n / 3).map(|_| "999".to_string()).collect();
            texts.push(format!("{} {}", "9".repeat(n % 3 + 1), grouped.join(" ")));
        }
        assert!(texts.len() > 100_000);
        for t in &texts {
            assert_eq!(plain_integer_value(t), integer_digit_by_digit(t), "{t:?}");
        }
    }

    #[test]
    fn plain_integers_read_as_the_general_parser_reads_them() {
        for &s in WHOLE_NUMBER_FORMS {
            let fast = plain_integer(s);
            if fast.is_some() {
                assert_eq!(fast, parse_figure(s), "{s:?}");
                assert_eq!(
                    fast.map(|f| f.value.scale()),
                    parse_figure(s).map(|f| f.value.scale())
                );
            }
        }
        assert!(plain_integer("44 097").is_some());
        assert!(plain_integer("1000000000000000000").is_none());
    }

    #[test]
    fn plain_texts_read_as_the_general_parser_reads_them() {
        let custom = DataConfig {
            missing: vec!["saknas".into(), "I.U.".into()],
            zero: vec!["noll".into()],
            ..DataConfig::default()
        };
        let forms = [
            "Förvaltning 000123",
            "Summa ",
            "Verksamhet 1",
            "I.U.",
            "i.u.",
            "N/A",
            "n/a",
            "saknas",
            "SAKNAS",
            "noll",
            "Noll",
            "e5",
            "E12",
            "kr 100",
            "x",
            "Inf",
            "NaN",
            " Summa",
            "<i>varav</i>",
            "Ärende",
            "5 kr",
            "..",
        ];
        for data in [DataConfig::defaults(), &custom] {
            for raw in forms {
                if plainly_text(raw, data) {
                    assert_eq!(
                        parse_cell_borrowed(raw, data),
                        Parsed::Text(trim_cell(raw)),
                        "{raw:?}"
                    );
                }
            }
        }
        assert!(plainly_text("Förvaltning 000123", DataConfig::defaults()));
        assert!(!plainly_text("I.U.", DataConfig::defaults()));
        assert!(!plainly_text("saknas", &custom));
        assert!(!plainly_text("noll", &custom));
        assert!(!plainly_text("Ärende", DataConfig::defaults()));
    }
}
