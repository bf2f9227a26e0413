//! Does a corrected figure look like a slip of the hand on the written one? The kinds of
//! typo that R's `deductive::correct_typos` knows (one digit wrong, two adjacent digits
//! swapped, the sign flipped), and those a report adds: a digit dropped or written twice, a
//! factor of 1 000 (kr written where tkr was meant), a rounding step.

use rust_decimal::Decimal;
use serde::Serialize;

/// In order of how likely a slip is thought to be, likeliest first (ties between
/// explanations are broken in this order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FixKind {
    /// The sign is the wrong way round: `-15 000` for `15 000`.
    Sign,
    /// Two adjacent digits swapped: `243` for `234`.
    Transposition,
    /// One unit of the last printed decimal: a rounding step, `1 235` for `1 234`.
    Rounding,
    /// One digit wrong: `1 284` for `1 234`.
    Digit,
    /// A digit left out: `134` for `1 234`.
    DroppedDigit,
    /// A digit too many, often one written twice: `12 234` for `1 234`.
    ExtraDigit,
    /// Off by a factor of 1 000: kr written where tkr was meant, or the other way.
    Thousands,
    /// None of the above: the value the other figures call for.
    Value,
    /// Two figures of a row each written in the other's column: `60 000` under Prognos and
    /// `45 000` under Ram for `45 000` and `60 000`. Always a pair of changes.
    Swap,
}

impl FixKind {
    /// For a message: "two digits swapped".
    pub fn describe(self) -> &'static str {
        match self {
            FixKind::Sign => "the sign flipped",
            FixKind::Thousands => "a factor of 1 000 (kr and tkr mixed up)",
            FixKind::Transposition => "two digits swapped",
            FixKind::Digit => "one digit wrong",
            FixKind::DroppedDigit => "a digit dropped",
            FixKind::ExtraDigit => "a digit too many",
            FixKind::Rounding => "a rounding step",
            FixKind::Value => "the value the other figures call for",
            FixKind::Swap => "two figures swapped",
        }
    }

    /// The weight of the slip when explanations are ranked, lighter first, in the order the
    /// kinds were first ranked in; a swap weighs what two swapped digits do.
    pub fn weight(self) -> usize {
        match self {
            FixKind::Sign => 0,
            FixKind::Transposition | FixKind::Swap => 1,
            FixKind::Rounding => 2,
            FixKind::Digit => 3,
            FixKind::DroppedDigit => 4,
            FixKind::ExtraDigit => 5,
            FixKind::Thousands => 6,
            FixKind::Value => 7,
        }
    }

    /// A slip of the hand, rather than a figure that is simply wrong.
    pub fn is_typo(self) -> bool {
        self != FixKind::Value
    }

    /// How likely the slip is, in tiers: 0 for the slips that keep every digit (a sign
    /// flip, two digits swapped), 1 for those that change digits, 2 for no slip at all.
    /// Explanations of the same tier are as likely as each other.
    pub fn tier(self) -> usize {
        match self {
            FixKind::Sign | FixKind::Transposition | FixKind::Swap => 0,
            FixKind::Value => 2,
            _ => 1,
        }
    }
}

/// The digits of |x| written with `scale` decimals, without the comma: 2,1 at 1 → "21".
/// `None` when x has more decimals than that.
fn digits(x: Decimal, scale: u32) -> Option<String> {
    let factor = Decimal::from_i128_with_scale(10i128.checked_pow(scale)?, 0);
    let m = x.abs().checked_mul(factor)?;
    if !m.fract().is_zero() {
        return None;
    }
    // A whole number: its digits are its mantissa's, without formatting a decimal.
    let whole = m.trunc().normalize();
    if whole.scale() != 0 {
        return Some(whole.to_string());
    }
    Some(whole.mantissa().unsigned_abs().to_string())
}

/// The value of a digit string at `scale` decimals, with a sign.
fn value_of(digits: &str, scale: u32, negative: bool) -> Option<Decimal> {
    let m: i128 = digits.parse().ok()?;
    let d = Decimal::try_from_i128_with_scale(m, scale.min(28)).ok()?;
    Some(if negative { -d } else { d })
}

/// `b` is `a` with one character left out. (If any left out gives `b`, the first where
/// the two differ does: compared in place, without making each shortened string.)
fn one_deleted(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() + 1 {
        return false;
    }
    let same = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    a.get(same + 1..) == b.get(same..)
}

/// How `written` (printed with `scale` decimals) becomes `suggested`.
pub fn classify(written: Decimal, suggested: Decimal, scale: u32) -> FixKind {
    if !written.is_zero() && suggested == -written {
        return FixKind::Sign;
    }
    let thousand = Decimal::ONE_THOUSAND;
    if !written.is_zero()
        && (written.checked_mul(thousand) == Some(suggested)
            || suggested.checked_mul(thousand) == Some(written))
    {
        return FixKind::Thousands;
    }
    let unit = Decimal::new(1, scale.min(28));
    if written.checked_sub(suggested).map(|d| d.abs()) == Some(unit) {
        return FixKind::Rounding;
    }
    // Digit slips keep the sign.
    let opposite = (written.is_sign_negative() && !written.is_zero())
        != (suggested.is_sign_negative() && !suggested.is_zero());
    let (Some(w), Some(s)) = (digits(written, scale), digits(suggested, scale)) else {
        return FixKind::Value;
    };
    // A slip of the hand turns a figure into another; a figure written where none was (0)
    // is no slip.
    if opposite || w == s || written.is_zero() || suggested.is_zero() {
        return FixKind::Value;
    }
    if w.len() == s.len() {
        let diff: Vec<usize> = (0..w.len())
            .filter(|&i| w.as_bytes()[i] != s.as_bytes()[i])
            .collect();
        match diff.as_slice() {
            [_] => return FixKind::Digit,
            [i, j]
                if *j == i + 1
                    && w.as_bytes()[*i] == s.as_bytes()[*j]
                    && w.as_bytes()[*j] == s.as_bytes()[*i] =>
            {
                return FixKind::Transposition;
            }
            _ => {}
        }
    }
    if one_deleted(&s, &w) {
        return FixKind::DroppedDigit;
    }
    if one_deleted(&w, &s) {
        return FixKind::ExtraDigit;
    }
    FixKind::Value
}

/// Every figure a typo of the kinds above could have turned into `written` — the candidates
/// for what was meant, each with its kind. Used where the rules only bound a figure
/// (`prognos <= ram`) and so do not say which value it should have.
pub fn variants(written: Decimal, scale: u32) -> Vec<(Decimal, FixKind)> {
    let mut out: Vec<(Decimal, FixKind)> = Vec::new();
    let add = |v: Option<Decimal>, out: &mut Vec<(Decimal, FixKind)>| {
        if let Some(v) = v
            && v != written
            && !out.iter().any(|(x, _)| *x == v)
        {
            out.push((v, classify(written, v, scale)));
        }
    };
    if !written.is_zero() {
        add(Some(-written), &mut out);
    }
    add(written.checked_mul(Decimal::ONE_THOUSAND), &mut out);
    add(
        written
            .checked_div(Decimal::ONE_THOUSAND)
            .filter(|v| v.scale() <= scale),
        &mut out,
    );
    let unit = Decimal::new(1, scale.min(28));
    add(written.checked_add(unit), &mut out);
    add(written.checked_sub(unit), &mut out);
    let Some(w) = digits(written, scale) else {
        return out;
    };
    // Long figures would give many candidates for little: typos are looked for in figures a
    // person types, up to 15 digits.
    if w.len() > 15 {
        return out;
    }
    let negative = written.is_sign_negative();
    let bytes = w.as_bytes();
    let leading_zero_ok = |s: &str| s.len() == 1 || !s.starts_with('0');
    for i in 0..bytes.len() {
        for d in b'0'..=b'9' {
            if d != bytes[i] {
                let mut s = bytes.to_vec();
                s[i] = d;
                let s = String::from_utf8(s).unwrap_or_default();
                if leading_zero_ok(&s) {
                    add(value_of(&s, scale, negative), &mut out);
                }
            }
        }
        if i + 1 < bytes.len() && bytes[i] != bytes[i + 1] {
            let mut s = bytes.to_vec();
            s.swap(i, i + 1);
            let s = String::from_utf8(s).unwrap_or_default();
            if leading_zero_ok(&s) {
                add(value_of(&s, scale, negative), &mut out);
            }
        }
        let deleted = w[..i].to_string() + &w[i + 1..];
        if !deleted.is_empty() && leading_zero_ok(&deleted) {
            add(value_of(&deleted, scale, negative), &mut out);
        }
    }
    for i in 0..=bytes.len() {
        for d in '0'..='9' {
            let s = format!("{}{d}{}", &w[..i], &w[i..]);
            if leading_zero_ok(&s) {
                add(value_of(&s, scale, negative), &mut out);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).expect("test decimal")
    }

    #[test]
    fn a_left_out_digit_and_the_digits_are_found_as_written_out_in_full() {
        let by_copies =
            |a: &str, b: &str| (0..a.len()).any(|i| a[..i].to_string() + &a[i + 1..] == b);
        let texts = [
            "", "1", "11", "12", "21", "112", "121", "211", "1234", "12234", "134",
        ];
        for a in texts {
            for b in texts {
                let want = a.len() == b.len() + 1 && by_copies(a, b);
                assert_eq!(super::one_deleted(a, b), want, "{a} {b}");
            }
        }
        for (x, scale) in [
            ("0", 0),
            ("1200", 0),
            ("-12.5", 1),
            ("12.50", 2),
            ("0.07", 2),
        ] {
            let x = d(x);
            let factor = Decimal::from_i128_with_scale(10i128.pow(scale), 0);
            let by_display = (x.abs() * factor).trunc().normalize().to_string();
            assert_eq!(super::digits(x, scale), Some(by_display), "{x}");
        }
        assert_eq!(super::digits(d("12.5"), 0), None, "decimals past the scale");
    }

    #[test]
    fn kinds_of_slip() {
        assert_eq!(classify(d("243"), d("234"), 0), FixKind::Transposition);
        assert_eq!(classify(d("1284"), d("1234"), 0), FixKind::Digit);
        assert_eq!(classify(d("134"), d("1234"), 0), FixKind::DroppedDigit);
        assert_eq!(classify(d("12234"), d("1234"), 0), FixKind::ExtraDigit);
        assert_eq!(classify(d("15000"), d("-15000"), 0), FixKind::Sign);
        assert_eq!(classify(d("1234000"), d("1234"), 0), FixKind::Thousands);
        assert_eq!(classify(d("1234"), d("1234000"), 0), FixKind::Thousands);
        assert_eq!(classify(d("1235"), d("1234"), 0), FixKind::Rounding);
        assert_eq!(classify(d("2.2"), d("2.1"), 1), FixKind::Rounding);
        assert_eq!(classify(d("995"), d("1000"), 0), FixKind::Value);
        assert_eq!(classify(d("-243"), d("-234"), 0), FixKind::Transposition);
        // A digit slip does not change the sign.
        assert_eq!(classify(d("-24"), d("25"), 0), FixKind::Value);
        assert_eq!(classify(d("4.35"), d("4.53"), 2), FixKind::Transposition);
        assert_eq!(classify(d("0"), d("4"), 0), FixKind::Value);
        assert_eq!(classify(d("40"), d("0"), 0), FixKind::Value);
    }

    #[test]
    fn variants_contain_the_slips_and_classify_them() {
        let v = variants(d("243"), 0);
        let kind_of = |x: &str| v.iter().find(|(y, _)| *y == d(x)).map(|(_, k)| *k);
        assert_eq!(kind_of("234"), Some(FixKind::Transposition));
        assert_eq!(kind_of("-243"), Some(FixKind::Sign));
        assert_eq!(kind_of("283"), Some(FixKind::Digit));
        assert_eq!(kind_of("2430"), Some(FixKind::DroppedDigit));
        assert_eq!(kind_of("23"), Some(FixKind::ExtraDigit));
        assert_eq!(kind_of("243000"), Some(FixKind::Thousands));
        assert_eq!(kind_of("244"), Some(FixKind::Rounding));
        assert_eq!(kind_of("243"), None);
        let mut seen = std::collections::HashSet::new();
        assert!(v.iter().all(|(x, _)| seen.insert(*x)), "no repeats");
    }

    #[test]
    fn variants_keep_the_decimals() {
        let v = variants(d("2.1"), 1);
        assert!(
            v.iter()
                .any(|(x, k)| *x == d("1.2") && *k == FixKind::Transposition)
        );
        assert!(v.iter().all(|(x, _)| x.scale() <= 1));
    }

    #[test]
    fn huge_and_odd_figures_do_not_panic() {
        for x in [
            Decimal::MAX,
            Decimal::MIN,
            Decimal::ZERO,
            d("0.0000000000000000000000000001"),
        ] {
            let _ = variants(x, 28);
            let _ = variants(x, 0);
            let _ = classify(x, Decimal::ONE, 0);
        }
    }
}
