//! What a workbook cell shows: its value printed the way its number format prints it, as the
//! text a Swedish reader sees (`1 000`, `4,3 %`, `-`), never through floating-point arithmetic.
//!
//! A float from the file is turned into text once, by its shortest round-trip representation
//! (`994.6`, not `994.60000000000002`), and that text is read as an exact [`Decimal`]. Scaling
//! for `%` and rounding to the format's decimals happen on the decimal.

use calamine::{CellErrorType, Data, ExcelDateTime};
use rust_decimal::{Decimal, RoundingStrategy};

use crate::report::number::{format_decimal, parse_cell};
use crate::report::{CellValue, Missing};

/// A cell as it appears: the text, and the value rimlig reads from it.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Shown {
    /// On one line: line breaks and tabs inside the cell are spaces.
    pub text: String,
    pub value: CellValue,
    /// The cell shows a spreadsheet error (`#DIV/0!`): what it means.
    pub error: Option<&'static str>,
}

impl Default for Shown {
    fn default() -> Shown {
        Shown::empty()
    }
}

impl Shown {
    pub fn empty() -> Shown {
        Shown {
            text: String::new(),
            value: CellValue::Missing(Missing::Empty),
            error: None,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.text.trim().is_empty()
    }

    fn of_text(text: String) -> Shown {
        let value = parse_cell(&text);
        Shown {
            text,
            value,
            error: None,
        }
    }

    /// Text that is never read as a figure (a date, TRUE).
    fn plain_text(text: String) -> Shown {
        Shown {
            value: CellValue::Text(text.trim().to_string()),
            text,
            error: None,
        }
    }
}

/// A cell's value as shown with `format` (the format code of the cell's number format;
/// `None` or `General` for none).
pub(super) fn show(data: &Data, format: Option<&str>) -> Shown {
    match data {
        Data::Empty => Shown::empty(),
        Data::String(s) => match error_text(s.trim()) {
            // An error as text: how .ods files (and copied values) hold them.
            Some(meaning) => Shown {
                text: s.trim().to_string(),
                value: CellValue::Text(s.trim().to_string()),
                error: Some(meaning),
            },
            None => Shown::of_text(one_line(s)),
        },
        Data::Int(i) => show_number(Decimal::from(*i), format),
        // `1e400` in a file reads as infinity: Excel shows a number it cannot hold as #NUM!.
        Data::Float(f) if f.is_infinite() => Shown {
            text: "#NUM!".to_string(),
            value: CellValue::Text("#NUM!".to_string()),
            error: Some("a number too large for a spreadsheet to hold (beyond 10³⁰⁸)"),
        },
        Data::Float(f) => match decimal_of(*f) {
            Some(d) => show_number(d, format),
            // Beyond what a decimal holds (±7.9e28): text, as a CSV file would give it.
            None => Shown::of_text(format!("{f}")),
        },
        Data::Bool(b) => Shown::plain_text(if *b { "TRUE" } else { "FALSE" }.to_string()),
        Data::DateTime(dt) => Shown::plain_text(date_time(dt)),
        Data::DurationIso(s) => Shown::plain_text(iso_duration(s).unwrap_or_else(|| one_line(s))),
        Data::DateTimeIso(s) => Shown::plain_text(one_line(s)),
        Data::Error(e) => Shown {
            text: e.to_string(),
            value: CellValue::Text(e.to_string()),
            error: Some(describe_error(e)),
        },
    }
}

/// An OpenDocument cell that holds a percentage (`office:value-type="percentage"`), whose
/// value calamine gives as the bare fraction (0,08 for 8 %): shown as per cent with
/// `decimals` decimals, as an `.xlsx` cell formatted `0.0%` is; with as many as the value
/// needs where the file does not say.
pub(super) fn show_percent(data: &Data, decimals: Option<u32>) -> Shown {
    let value = match data {
        Data::Float(f) => decimal_of(*f),
        Data::Int(i) => Some(Decimal::from(*i)),
        _ => None,
    };
    let Some(value) = value else {
        return show(data, None);
    };
    let decimals = decimals.unwrap_or_else(|| {
        value
            .checked_mul(Decimal::ONE_HUNDRED)
            .map_or(0, |v| v.normalize().scale())
    });
    let digits = Digits {
        decimals,
        grouping: false,
        percent: true,
        thousands: 0,
        suffix: String::new(),
    };
    show_digits(&digits, value)
}

/// Whether number format `code` (as an `.xls` file stores it) shows a number as per cent:
/// `None` if not; `Some(decimals)` if its first section (the one for positive numbers, and
/// for all numbers when it is the only one) has a `%` that is neither quoted, escaped nor
/// in brackets. `Some(None)` where the decimals cannot be told: a format whose section is
/// picked by a condition (`[>=1]0%`) or that is no plain number (a fraction).
pub(super) fn percent_decimals(code: &str) -> Option<Option<u32>> {
    let sections = split_sections(code);
    let first = sections.first().map_or("", String::as_str);
    let mut chars = first.chars();
    let mut percent = false;
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                for q in chars.by_ref() {
                    if q == '"' {
                        break;
                    }
                }
            }
            '[' => {
                for b in chars.by_ref() {
                    if b == ']' {
                        break;
                    }
                }
            }
            // An escaped character, or one whose width pads (`_`) or that fills (`*`): text.
            '\\' | '_' | '*' => {
                chars.next();
            }
            '%' => percent = true,
            _ => {}
        }
    }
    if !percent {
        return None;
    }
    if sections.iter().any(|s| has_condition(s)) {
        return Some(None);
    }
    match parse_section(first) {
        NumberFormat::Digits(d) if d.percent => Some(Some(d.decimals.min(28))),
        _ => Some(None),
    }
}

/// An error value of a newer Excel (`#SPILL!`), which calamine does not read: what it means.
fn newer_error(s: &str) -> Option<&'static str> {
    Some(match s {
        "#SPILL!" => "a formula result that would spill into cells that are not empty",
        "#CALC!" => "a calculation Excel cannot do (such as an empty array)",
        "#GETTING_DATA" | "#BUSY!" => "data that was still being fetched",
        "#FIELD!" => "a field that does not exist in linked data",
        "#BLOCKED!" => "an external resource that was blocked",
        "#CONNECT!" => "a connection to an external source that failed",
        "#UNKNOWN!" => "a data type this version of Excel does not know",
        "#EXTERNAL!" => "an external reference that could not be read",
        "#PYTHON!" => "a Python formula that failed",
        _ => return None,
    })
}

/// A cell of an `.xlsx` file holding error value `value`, which calamine does not read.
pub(super) fn show_error_text(value: &str) -> Shown {
    let text = one_line(value.trim());
    Shown {
        value: CellValue::Text(text.clone()),
        error: Some(newer_error(&text).unwrap_or("an error value rimlig does not know")),
        text,
    }
}

/// A spreadsheet error written as text (`#DIV/0!`, LibreOffice's `Err:502`): what it means.
fn error_text(s: &str) -> Option<&'static str> {
    if let Some(meaning) = newer_error(s) {
        return Some(meaning);
    }
    let e = match s {
        "#DIV/0!" => CellErrorType::Div0,
        "#N/A" => CellErrorType::NA,
        "#NAME?" => CellErrorType::Name,
        "#NULL!" => CellErrorType::Null,
        "#NUM!" => CellErrorType::Num,
        "#REF!" => CellErrorType::Ref,
        "#VALUE!" => CellErrorType::Value,
        _ => {
            let code = s.strip_prefix("Err:")?;
            return (!code.is_empty() && code.bytes().all(|b| b.is_ascii_digit()))
                .then_some("an error in a LibreOffice formula");
        }
    };
    Some(describe_error(&e))
}

/// What a spreadsheet error means, for a message.
fn describe_error(e: &CellErrorType) -> &'static str {
    match e {
        CellErrorType::Div0 => "a division by zero",
        CellErrorType::NA => "a value that is not available to the formula",
        CellErrorType::Name => "a formula naming something that does not exist",
        CellErrorType::Null => "an empty intersection of ranges",
        CellErrorType::Num => "a number that cannot be computed",
        CellErrorType::Ref => "a reference to a cell that no longer exists",
        CellErrorType::Value => "a value of the wrong type in a formula",
        CellErrorType::GettingData => "data that was still being fetched",
    }
}

/// Line breaks and tabs inside a cell become spaces; other control characters are dropped, so
/// the rendered sheet keeps one line per row.
pub(super) fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => {}
            '\r' | '\n' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// An OpenDocument duration (`PT36H15M00S`, `P1DT2H`) as a spreadsheet shows it: `36:15:00`.
/// `None` for what is not such a duration (years and months have no fixed length).
fn iso_duration(s: &str) -> Option<String> {
    let s = s.trim();
    let (negative, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (days, time) = s
        .strip_prefix('P')?
        .split_once('T')
        .unwrap_or((&s[1..], ""));
    let days: u64 = match days {
        "" => 0,
        d => d.strip_suffix('D')?.parse().ok()?,
    };
    let (mut hours, mut minutes, mut seconds) = (0u64, 0u64, 0u64);
    let mut number = String::new();
    for c in time.chars() {
        match c {
            '0'..='9' => number.push(c),
            // Fractions of a second are not shown, as in a spreadsheet's h:mm:ss.
            '.' | ',' => number.push('.'),
            'H' | 'M' | 'S' => {
                let whole = number.split('.').next().unwrap_or("");
                let n: u64 = whole.parse().ok()?;
                match c {
                    'H' => hours = n,
                    'M' => minutes = n,
                    _ => seconds = n,
                }
                number.clear();
            }
            _ => return None,
        }
    }
    if !number.is_empty() {
        return None;
    }
    let total = days
        .checked_mul(86_400)?
        .checked_add(hours.checked_mul(3_600)?)?
        .checked_add(minutes.checked_mul(60)?)?
        .checked_add(seconds)?;
    let sign = if negative && total > 0 { "-" } else { "" };
    Some(format!(
        "{sign}{}:{:02}:{:02}",
        total / 3_600,
        total / 60 % 60,
        total % 60
    ))
}

/// The exact decimal written by the shortest representation that reads back as `f`.
pub(super) fn decimal_of(f: f64) -> Option<Decimal> {
    if !f.is_finite() {
        return None;
    }
    if f == 0.0 {
        return Some(Decimal::ZERO);
    }
    // `{:e}` is the shortest round-trip representation in scientific notation: `9.946e2`.
    let text = format!("{f:e}");
    match Decimal::from_scientific(&text) {
        Ok(d) => Some(d),
        // Smaller than a decimal's 28 places: that far from zero is zero.
        Err(_) if f.abs() < 1e-20 => Some(Decimal::ZERO),
        Err(_) => None,
    }
}

fn show_number(value: Decimal, format: Option<&str>) -> Shown {
    let format = format.map_or(NumberFormat::General, |code| {
        NumberFormat::parse(code, sign_of(&value))
    });
    match format {
        NumberFormat::General => Shown::of_text(general(value)),
        NumberFormat::Literal(text) => Shown::of_text(text),
        NumberFormat::Digits(d) => show_digits(&d, value),
    }
}

fn show_digits(d: &Digits, value: Decimal) -> Shown {
    let (number, text) = d.render(value);
    let mut shown = Shown::of_text(text);
    // A suffix parse_cell does not know ("st", "dagar"): the figure is still a figure.
    if !matches!(shown.value, CellValue::Number(_)) {
        shown.value = parse_cell(&number);
    }
    shown
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sign {
    Positive,
    Negative,
    Zero,
}

fn sign_of(d: &Decimal) -> Sign {
    if d.is_zero() {
        Sign::Zero
    } else if d.is_sign_negative() {
        Sign::Negative
    } else {
        Sign::Positive
    }
}

/// Excel's `General`: the value to 15 significant digits (what Excel keeps), no grouping.
fn general(value: Decimal) -> String {
    let v = value.round_sf(15).unwrap_or(value).normalize();
    without_grouping(&format_decimal(&v))
}

fn without_grouping(s: &str) -> String {
    s.replace(' ', "")
}

/// How one section of a number format prints a number.
#[derive(Debug, Clone, PartialEq)]
enum NumberFormat {
    General,
    /// A section without digits: `"-"` for zero, or nothing at all.
    Literal(String),
    Digits(Digits),
}

#[derive(Debug, Clone, PartialEq)]
struct Digits {
    decimals: u32,
    grouping: bool,
    percent: bool,
    /// Each `,` after the last digit divides by 1 000.
    thousands: u32,
    /// Text after the number: `tkr` in `#,##0 "tkr"`.
    suffix: String,
}

impl Digits {
    /// The number alone, and the whole text as shown (`4,3 %`, `1 000 tkr`).
    fn render(&self, value: Decimal) -> (String, String) {
        let mut v = value;
        if self.percent {
            v = v.checked_mul(Decimal::ONE_HUNDRED).unwrap_or(v);
        }
        for _ in 0..self.thousands {
            v = v.checked_div(Decimal::ONE_THOUSAND).unwrap_or(v);
        }
        // Excel rounds half away from zero.
        let mut v = v.round_dp_with_strategy(
            self.decimals.min(28),
            RoundingStrategy::MidpointAwayFromZero,
        );
        if v.is_zero() {
            v.set_sign_positive(true);
        }
        // Print exactly the format's decimals: 5 with `0.0` is `5,0`.
        v.rescale(self.decimals.min(28));
        let mut number = format_decimal(&v);
        if !self.grouping {
            number = without_grouping(&number);
        }
        let mut text = number.clone();
        if self.percent {
            text.push_str(" %");
        }
        if !self.suffix.is_empty() {
            text.push(' ');
            text.push_str(&self.suffix);
        }
        (number, text)
    }
}

impl NumberFormat {
    /// The section of `code` that prints a number of this sign (`pos;neg;zero;text`).
    fn parse(code: &str, sign: Sign) -> NumberFormat {
        let sections = split_sections(code);
        // `[>=100]0;[<100]0.0` picks its section by the value, not its sign; which one Excel
        // would print is not followed here, so the stored number is read as it is rather
        // than risk rounding it by the wrong section's decimals.
        if sections.iter().any(|s| has_condition(s)) {
            return NumberFormat::General;
        }
        let index = match (sign, sections.len()) {
            (Sign::Negative, n) if n >= 2 => 1,
            (Sign::Zero, n) if n >= 3 => 2,
            _ => 0,
        };
        let section = sections.get(index).map_or("", String::as_str);
        let mut parsed = parse_section(section);
        // The negative section writes its own sign, `-` or parentheses; rimlig always
        // writes `-`, so only its number and unit are taken.
        if index == 1 {
            if let NumberFormat::Digits(d) = &mut parsed {
                d.suffix = d.suffix.trim_end_matches(')').trim().to_string();
            }
            if let NumberFormat::Literal(_) = parsed {
                parsed = parse_section(sections.first().map_or("", String::as_str));
            }
        }
        // A section that prints nothing (`#,##0;-#,##0;` hides zeros, `;;;` everything)
        // would make a stored number a missing cell: the stored number is read.
        if matches!(&parsed, NumberFormat::Literal(text) if text.is_empty()) {
            return NumberFormat::General;
        }
        parsed
    }
}

/// Split a format code at `;` outside quotes, brackets and escapes.
fn split_sections(code: &str) -> Vec<String> {
    let mut sections = vec![String::new()];
    let mut chars = code.chars();
    let mut quoted = false;
    let mut bracket = false;
    while let Some(c) = chars.next() {
        let current = sections.last_mut().expect("one section at least");
        match c {
            '"' if !bracket => {
                quoted = !quoted;
                current.push(c);
            }
            '[' if !quoted => {
                bracket = true;
                current.push(c);
            }
            ']' if !quoted => {
                bracket = false;
                current.push(c);
            }
            '\\' if !quoted => {
                current.push(c);
                if let Some(next) = chars.next() {
                    current.push(next);
                }
            }
            ';' if !quoted && !bracket => sections.push(String::new()),
            c => current.push(c),
        }
    }
    sections
}

/// Whether a section starts with a condition (`[>=100]`, `[<0]`, `[=1]`), after any colour or
/// locale in brackets.
fn has_condition(section: &str) -> bool {
    let mut rest = section.trim_start();
    while let Some(inner) = rest.strip_prefix('[') {
        if inner.starts_with(['<', '>', '=']) {
            return true;
        }
        let Some(end) = inner.find(']') else {
            return false;
        };
        rest = inner[end + 1..].trim_start();
    }
    false
}

fn parse_section(section: &str) -> NumberFormat {
    if section.trim().eq_ignore_ascii_case("general") {
        return NumberFormat::General;
    }
    let mut chars = section.chars().peekable();
    let mut seen_digit = false;
    let mut in_decimals = false;
    let mut decimals = 0u32;
    let mut grouping = false;
    let mut commas = 0u32;
    let mut percent = false;
    let mut fraction = false;
    let mut before = String::new();
    let mut after = String::new();
    while let Some(c) = chars.next() {
        let literal = if seen_digit { &mut after } else { &mut before };
        match c {
            '"' => {
                let mut s = String::new();
                for q in chars.by_ref() {
                    if q == '"' {
                        break;
                    }
                    s.push(q);
                }
                literal.push_str(&s);
            }
            '\\' => {
                if let Some(next) = chars.next() {
                    literal.push(next);
                }
            }
            '[' => {
                for b in chars.by_ref() {
                    if b == ']' {
                        break;
                    }
                }
            }
            // Padding: the width of the next character, or the next character repeated.
            '_' | '*' => {
                chars.next();
            }
            '0' | '#' | '?' => {
                if commas > 0 {
                    grouping = true;
                    commas = 0;
                }
                seen_digit = true;
                after.clear();
                if in_decimals {
                    decimals += 1;
                }
            }
            '.' => in_decimals = true,
            ',' if seen_digit => commas += 1,
            '%' => percent = true,
            // A fraction (`# ?/?`, `# ??/100`): its digits are not decimals, and rounding by
            // them would make 0,5 a 1. The stored number is read instead.
            '/' => fraction = true,
            // Scientific (`0.0E+00`): what it prints (1,2E+03) is not a figure a report means;
            // the stored number is read instead.
            'E' | 'e' if matches!(chars.peek(), Some('+' | '-')) => {
                return NumberFormat::General;
            }
            '@' => return NumberFormat::General,
            'G' | 'g' => {
                // `General` inside a section (`General" st"`).
                let rest: String = std::iter::once(c).chain(chars.clone().take(6)).collect();
                if rest.eq_ignore_ascii_case("general") {
                    return NumberFormat::General;
                }
                literal.push(c);
            }
            c => literal.push(c),
        }
    }
    if !seen_digit {
        return NumberFormat::Literal(before.trim().to_string());
    }
    if fraction {
        return NumberFormat::General;
    }
    NumberFormat::Digits(Digits {
        decimals,
        grouping,
        percent,
        thousands: commas,
        suffix: after.trim().to_string(),
    })
}

/// A date as `2020-10-31`, a time as `12:30`, both as `2020-10-31 12:30`, a duration as
/// `36:15:00`.
fn date_time(dt: &ExcelDateTime) -> String {
    if dt.is_duration() {
        let total_ms = (dt.as_f64() * 86_400_000.0).round();
        // A duration of more than a few thousand years is not a duration.
        let total = if total_ms.abs() < 1e15 {
            total_ms as i64
        } else {
            0
        };
        let sign = if total < 0 { "-" } else { "" };
        let secs = total.abs() / 1000;
        return format!(
            "{sign}{}:{:02}:{:02}",
            secs / 3600,
            (secs / 60) % 60,
            secs % 60
        );
    }
    let (y, mo, d, h, mi, s, ms) = dt.to_ymd_hms_milli();
    let date = format!("{y:04}-{mo:02}-{d:02}");
    let time = if s == 0 && ms == 0 {
        format!("{h:02}:{mi:02}")
    } else {
        format!("{h:02}:{mi:02}:{s:02}")
    };
    let value = dt.as_f64();
    if (0.0..1.0).contains(&value) {
        time
    } else if h == 0 && mi == 0 && s == 0 && ms == 0 {
        date
    } else {
        format!("{date} {time}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Figure, Unit};
    use calamine::ExcelDateTimeType;
    use std::str::FromStr;

    fn number(v: &str, decimals: u32, unit: Option<Unit>) -> CellValue {
        CellValue::Number(Figure {
            value: Decimal::from_str(v).expect("test decimal"),
            decimals: Some(decimals),
            unit,
        })
    }

    fn shown(data: Data, format: Option<&str>) -> (String, CellValue) {
        let s = show(&data, format);
        (s.text, s.value)
    }

    #[test]
    fn floats_are_read_by_their_shortest_text() {
        assert_eq!(decimal_of(994.6), Decimal::from_str("994.6").ok());
        assert_eq!(
            decimal_of(0.1 + 0.2),
            Decimal::from_str("0.30000000000000004").ok()
        );
        assert_eq!(decimal_of(-1100.0), Decimal::from_str("-1100").ok());
        assert_eq!(decimal_of(1e-30), Some(Decimal::ZERO));
        assert_eq!(decimal_of(1e40), None);
        assert_eq!(decimal_of(f64::NAN), None);
    }

    #[test]
    fn general_shows_fifteen_significant_digits() {
        assert_eq!(
            shown(Data::Float(0.1 + 0.2), None),
            ("0,3".into(), number("0.3", 1, None))
        );
        assert_eq!(
            shown(Data::Float(1000.0), Some("General")),
            ("1000".into(), number("1000", 0, None))
        );
        assert_eq!(
            shown(Data::Float(-2.25), None),
            ("-2,25".into(), number("-2.25", 2, None))
        );
        assert_eq!(
            shown(Data::Int(-623), None),
            ("-623".into(), number("-623", 0, None))
        );
    }

    #[test]
    fn formats_decide_decimals_grouping_and_unit() {
        let cases: &[(f64, &str, &str, CellValue)] = &[
            (1000.0, "#,##0", "1 000", number("1000", 0, None)),
            (-1100.0, "#,##0", "-1 100", number("-1100", 0, None)),
            (994.6, "#,##0", "995", number("995", 0, None)),
            (0.5, "0", "1", number("1", 0, None)),
            (-0.5, "0", "-1", number("-1", 0, None)),
            (-0.4, "0", "0", number("0", 0, None)),
            (5.0, "0.0", "5,0", number("5.0", 1, None)),
            (3.45, "#,##0.0", "3,5", number("3.5", 1, None)),
            (1234.5, "0.00", "1234,50", number("1234.50", 2, None)),
            (0.043, "0.0%", "4,3 %", number("4.3", 1, Some(Unit::Pct))),
            (0.5, "0%", "50 %", number("50", 0, Some(Unit::Pct))),
            (6300.0, "#,##0.0,", "6,3", number("6.3", 1, None)),
            (
                2600.0,
                "#,##0\\ \"tkr\"",
                "2 600 tkr",
                number("2600", 0, Some(Unit::Tkr)),
            ),
            (12.0, "0\" st\"", "12 st", number("12", 0, None)),
            (-1100.0, "#,##0;-#,##0", "-1 100", number("-1100", 0, None)),
            (
                -1100.0,
                "#,##0_);(#,##0)",
                "-1 100",
                number("-1100", 0, None),
            ),
            (
                -1100.0,
                "#,##0;[Red]\\-#,##0",
                "-1 100",
                number("-1100", 0, None),
            ),
            (
                0.0,
                "#,##0;-#,##0;\"-\"",
                "-",
                CellValue::Number(Figure {
                    value: Decimal::ZERO,
                    decimals: None,
                    unit: None,
                }),
            ),
            // Hidden zeros, or a hidden value: the stored number all the same.
            (0.0, "#,##0;-#,##0;", "0", number("0", 0, None)),
            (1234.5, ";;;", "1234,5", number("1234.5", 1, None)),
            (-7.0, "0;;", "-7", number("-7", 0, None)),
            (1234.0, "[$-41D]#,##0", "1 234", number("1234", 0, None)),
            (1.5e-3, "0.00E+00", "0,0015", number("0.0015", 4, None)),
            (7.0, "@", "7", number("7", 0, None)),
        ];
        for (value, code, text, expected) in cases {
            let (t, v) = shown(Data::Float(*value), Some(code));
            assert_eq!(&t, text, "{value} with {code}");
            assert_eq!(&v, expected, "{value} with {code}");
        }
    }

    /// Fractions, scientific and conditional formats are not printed as rimlig would need to
    /// know their precision: each gives the stored number, never another one (`# ?/?` made
    /// 0,5 a 1; `[>=100]0;…` would have rounded 50,5 by the section for 100 and more).
    #[test]
    fn fraction_scientific_and_conditional_formats_give_the_stored_number() {
        let cases: &[(f64, &str, &str, CellValue)] = &[
            (0.5, "# ?/?", "0,5", number("0.5", 1, None)),
            (2.25, "# ??/??", "2,25", number("2.25", 2, None)),
            (0.75, "?/4", "0,75", number("0.75", 2, None)),
            (-1.5, "# ?/?;-# ?/?", "-1,5", number("-1.5", 1, None)),
            (1234.0, "0.0E+00", "1234", number("1234", 0, None)),
            (1234.5, "##0.0E-0", "1234,5", number("1234.5", 1, None)),
            (0.00015, "0.00e+00", "0,00015", number("0.00015", 5, None)),
            (50.0, "[>=100]0;[<100]0.0", "50", number("50", 0, None)),
            (50.5, "[>=100]0;[<100]0.0", "50,5", number("50.5", 1, None)),
            (
                150.5,
                "[>=100]0;[<100]0.0",
                "150,5",
                number("150.5", 1, None),
            ),
            (-3.25, "[Red][<0]0.0;0", "-3,25", number("-3.25", 2, None)),
            (7.5, r#"[=1]0\ "st";0.0"#, "7,5", number("7.5", 1, None)),
        ];
        for (value, code, text, expected) in cases {
            let (t, v) = shown(Data::Float(*value), Some(code));
            assert_eq!(&t, text, "{value} with {code}");
            assert_eq!(&v, expected, "{value} with {code}");
        }
    }

    #[test]
    fn ods_percentages_are_shown_as_per_cent() {
        let pct = |f: f64, decimals: Option<u32>| {
            let s = show_percent(&Data::Float(f), decimals);
            (s.text, s.value)
        };
        assert_eq!(
            pct(0.08, Some(1)),
            ("8,0 %".into(), number("8.0", 1, Some(Unit::Pct)))
        );
        assert_eq!(
            pct(0.08, None),
            ("8 %".into(), number("8", 0, Some(Unit::Pct)))
        );
        assert_eq!(
            pct(0.0425, None),
            ("4,25 %".into(), number("4.25", 2, Some(Unit::Pct)))
        );
        assert_eq!(
            pct(-0.125, Some(0)),
            ("-13 %".into(), number("-13", 0, Some(Unit::Pct)))
        );
        // Not a number: as any cell.
        assert_eq!(show_percent(&Data::String("x".into()), Some(1)).text, "x");
    }

    #[test]
    fn percent_formats_are_told_by_an_unquoted_percent_sign() {
        for (code, seen) in [
            ("0%", Some(Some(0))),
            ("0.00%", Some(Some(2))),
            ("#,##0.0%;[Red]-#,##0.0%", Some(Some(1))),
            ("[Blue]0.0 %", Some(Some(1))),
            ("0.0%\"!\"", Some(Some(1))),
            // The negative section alone does not make a format per cent.
            ("0.0;-0.0%", None),
            ("0.0\"%\"", None),
            ("0.0\\%", None),
            ("0.0_%", None),
            ("0.0*%", None),
            ("[$%-41D]0.0", None),
            ("General", None),
            ("", None),
            // Decimals that cannot be told.
            ("[>=1]0%;0.0%", Some(None)),
            ("# ?/?%", Some(None)),
            ("%", Some(None)),
        ] {
            assert_eq!(percent_decimals(code), seen, "{code}");
        }
    }

    #[test]
    fn a_slash_in_quotes_or_without_digits_is_no_fraction() {
        assert_eq!(
            shown(Data::Float(12.0), Some(r#"0\ "kr/st""#)).0,
            "12 kr/st"
        );
        assert_eq!(
            shown(Data::Float(1.26), Some(r"0.0\/")).1,
            number("1.3", 1, None)
        );
        assert!(!has_condition("[Red]0.0"));
        assert!(!has_condition("[$-41D]#,##0"));
        assert!(has_condition(" [Blue][>=100]0"));
    }

    #[test]
    fn text_cells_are_read_as_csv_cells() {
        assert_eq!(
            shown(Data::String("1 000".into()), None),
            ("1 000".into(), number("1000", 0, None))
        );
        assert_eq!(
            shown(Data::String("I.U.".into()), None).1,
            CellValue::Missing(Missing::NoData)
        );
        assert_eq!(
            shown(Data::String("Prognos\r\nhelår".into()), None).0,
            "Prognos helår"
        );
        assert_eq!(
            shown(Data::Empty, None).1,
            CellValue::Missing(Missing::Empty)
        );
    }

    #[test]
    fn dates_booleans_and_errors_are_text() {
        let date = ExcelDateTime::new(44135.0, ExcelDateTimeType::DateTime, false);
        assert_eq!(
            shown(Data::DateTime(date), None),
            ("2020-10-31".into(), CellValue::Text("2020-10-31".into()))
        );
        let time = ExcelDateTime::new(0.5, ExcelDateTimeType::DateTime, false);
        assert_eq!(shown(Data::DateTime(time), None).0, "12:00");
        let both = ExcelDateTime::new(44135.75, ExcelDateTimeType::DateTime, false);
        assert_eq!(shown(Data::DateTime(both), None).0, "2020-10-31 18:00");
        let duration = ExcelDateTime::new(1.5, ExcelDateTimeType::TimeDelta, false);
        assert_eq!(shown(Data::DateTime(duration), None).0, "36:00:00");
        // As an .ods file writes durations.
        for (iso, as_shown) in [
            ("PT36H15M00S", "36:15:00"),
            ("P1DT2H", "26:00:00"),
            ("PT0H0M1.5S", "0:00:01"),
            ("-PT1H", "-1:00:00"),
        ] {
            assert_eq!(
                shown(Data::DurationIso(iso.to_string()), None).0,
                as_shown,
                "{iso}"
            );
        }
        assert_eq!(shown(Data::DurationIso("P1Y".into()), None).0, "P1Y");
        // A number beyond a double reads as Excel's #NUM!, an error at the cell.
        assert_eq!(shown(Data::Float(f64::INFINITY), None).0, "#NUM!");
        assert_eq!(
            shown(Data::Bool(true), None),
            ("TRUE".into(), CellValue::Text("TRUE".into()))
        );
        let e = show(&Data::Error(CellErrorType::Div0), None);
        assert_eq!(e.text, "#DIV/0!");
        assert_eq!(e.error, Some("a division by zero"));
        let e = show(&Data::String("#REF!".into()), None);
        assert_eq!(e.error, Some("a reference to a cell that no longer exists"));
        assert_eq!(e.value, CellValue::Text("#REF!".into()));
        let e = show(&Data::String("Err:502".into()), None);
        assert_eq!(e.error, Some("an error in a LibreOffice formula"));
        assert_eq!(show(&Data::String("Err:".into()), None).error, None);
        assert_eq!(show(&Data::String("N/A".into()), None).error, None);
    }
}
