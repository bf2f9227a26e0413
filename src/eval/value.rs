//! Exact figures with their rounding interval.
//!
//! A figure printed with k decimals stands for every value within ½·10⁻ᵏ of it (XBRL
//! Calculations 1.1). Arithmetic carries the interval along, so `within rounding` can ask
//! whether two sides' intervals meet. All arithmetic is checked: overflow is an error value,
//! never a panic.

use crate::report::{Figure, Unit};
use rust_decimal::Decimal;

/// Why a value could not be computed. Makes the instance not applicable.
#[derive(Clone, Debug, PartialEq)]
pub enum Failure {
    Overflow,
    /// A sum, difference or product whose exact value has more digits than a decimal of
    /// 96 bits holds (about 28): rounding it would give a wrong answer, not a close one.
    Inexact,
    DivisionByZero,
    Units(Unit, Unit),
}

impl Failure {
    pub fn describe(&self) -> String {
        match self {
            Failure::Overflow => "a result is too large to compute exactly (overflow)".into(),
            Failure::Inexact => {
                "a result has more digits than can be computed exactly (at most 28)".into()
            }
            Failure::DivisionByZero => "division by zero".into(),
            Failure::Units(a, b) => format!("cannot combine {} with {}", a.name(), b.name()),
        }
    }
}

/// An exact value `v`, the interval `[lo, hi]` it stands for (`None` = unbounded), and a unit.
#[derive(Clone, Debug, PartialEq)]
pub struct Num {
    pub v: Decimal,
    pub lo: Option<Decimal>,
    pub hi: Option<Decimal>,
    pub unit: Option<Unit>,
    /// `v` was rounded: it is, or was computed from, a quotient that does not end (1/3).
    /// Arithmetic on it rounds at the last digit too, where on exact values a result with
    /// more digits than a decimal holds is refused.
    pub rounded: bool,
}

type R = Result<Num, Failure>;

fn ck(x: Option<Decimal>) -> Result<Decimal, Failure> {
    x.ok_or(Failure::Overflow)
}

/// Half a unit of the last printed decimal: 0 decimals → 0.5, 1 → 0.05. Past 27 decimals
/// the half unit has more digits than a decimal holds: the smallest one, 10⁻²⁸, which is
/// wider, not narrower.
pub fn half_unit(decimals: u32) -> Decimal {
    if decimals >= 28 {
        return Decimal::new(1, 28);
    }
    Decimal::new(5, decimals + 1)
}

impl Num {
    pub fn exact(v: Decimal, unit: Option<Unit>) -> Num {
        Num {
            v,
            lo: Some(v),
            hi: Some(v),
            unit,
            rounded: false,
        }
    }

    pub fn from_figure(f: &Figure) -> Num {
        match f.decimals {
            None => Num::exact(f.value, f.unit),
            // Every figure read from a cell comes here: the bounds `m·10 ∓ 5` at one more
            // decimal are what the checked subtraction and addition below give, without
            // their rescaling.
            Some(d) if d < 28 && f.value.scale() == d => {
                let m = f.value.mantissa();
                let at = |x: i128| Decimal::try_from_i128_with_scale(x, d + 1).ok();
                let lo = m.checked_mul(10).and_then(|x| at(x - 5));
                let hi = m.checked_mul(10).and_then(|x| at(x + 5));
                match (lo, hi) {
                    (Some(lo), Some(hi)) => Num {
                        v: f.value,
                        lo: Some(lo),
                        hi: Some(hi),
                        unit: f.unit,
                        rounded: false,
                    },
                    // Beyond 96 bits: the checked general path.
                    _ => Num::exact(f.value, f.unit).with_half_unit(d),
                }
            }
            Some(d) => {
                let h = half_unit(d);
                Num {
                    v: f.value,
                    lo: f.value.checked_sub(h),
                    hi: f.value.checked_add(h),
                    unit: f.unit,
                    rounded: false,
                }
            }
        }
    }

    /// An exact value widened by half a unit of `d` decimals either side, checked.
    fn with_half_unit(self, d: u32) -> Num {
        let h = half_unit(d);
        Num {
            lo: self.v.checked_sub(h),
            hi: self.v.checked_add(h),
            ..self
        }
    }

    /// Half the interval's width (how far the exact value may lie from `v`), if bounded.
    pub fn half_width(&self) -> Option<Decimal> {
        let w = self.hi?.checked_sub(self.lo?)?;
        w.checked_div(Decimal::TWO)
    }

    /// Scale by an exact factor (unit conversion), interval included.
    fn scale(&self, k: Decimal) -> R {
        let v = value(product(self.v, k), self.rounded)?;
        let up = !k.is_sign_negative();
        let a = self.lo.map(|x| outward(product(x, k), !up)).transpose()?;
        let b = self.hi.map(|x| outward(product(x, k), up)).transpose()?;
        let (lo, hi) = if up { (a, b) } else { (b, a) };
        Ok(Num {
            v,
            lo,
            hi,
            unit: self.unit,
            rounded: self.rounded,
        })
    }

    /// This value in `unit`, converting kr/tkr/mkr exactly; other units must already agree.
    pub fn convert(&self, unit: Unit) -> R {
        let Some(from) = self.unit else {
            return Ok(Num {
                unit: Some(unit),
                ..self.clone()
            });
        };
        if from == unit {
            return Ok(self.clone());
        }
        match (money_exponent(from), money_exponent(unit)) {
            (Some(a), Some(b)) => {
                let k = if a >= b {
                    Decimal::from(10i64.pow((a - b) as u32))
                } else {
                    Decimal::ONE / Decimal::from(10i64.pow((b - a) as u32))
                };
                let mut n = self.scale(k)?;
                n.unit = Some(unit);
                Ok(n)
            }
            _ => Err(Failure::Units(from, unit)),
        }
    }

    /// Bring two values to a common unit: the smaller money unit, so conversion stays exact.
    pub fn align(a: &Num, b: &Num) -> Result<(Num, Num), Failure> {
        match (a.unit, b.unit) {
            (Some(x), Some(y)) if x != y => {
                let target = match (money_exponent(x), money_exponent(y)) {
                    (Some(ex), Some(ey)) => {
                        if ex <= ey {
                            x
                        } else {
                            y
                        }
                    }
                    _ => return Err(Failure::Units(x, y)),
                };
                Ok((a.convert(target)?, b.convert(target)?))
            }
            (Some(x), None) => Ok((
                a.clone(),
                Num {
                    unit: Some(x),
                    ..b.clone()
                },
            )),
            (None, Some(y)) => Ok((
                Num {
                    unit: Some(y),
                    ..a.clone()
                },
                b.clone(),
            )),
            _ => Ok((a.clone(), b.clone())),
        }
    }

    pub fn add(&self, o: &Num) -> R {
        // The same unit (nearly always): nothing to convert, no copies.
        if self.unit == o.unit {
            return Num::add_aligned(self, o);
        }
        let (a, b) = Num::align(self, o)?;
        Num::add_aligned(&a, &b)
    }

    fn add_aligned(a: &Num, b: &Num) -> R {
        let rounded = a.rounded || b.rounded;
        Ok(Num {
            v: value(sum(a.v, b.v, false), rounded)?,
            lo: bound(a.lo, b.lo, false, false)?,
            hi: bound(a.hi, b.hi, false, true)?,
            unit: a.unit,
            rounded,
        })
    }

    pub fn sub(&self, o: &Num) -> R {
        if self.unit == o.unit {
            return Num::sub_aligned(self, o);
        }
        let (a, b) = Num::align(self, o)?;
        Num::sub_aligned(&a, &b)
    }

    fn sub_aligned(a: &Num, b: &Num) -> R {
        let rounded = a.rounded || b.rounded;
        Ok(Num {
            v: value(sum(a.v, b.v, true), rounded)?,
            lo: bound(a.lo, b.hi, true, false)?,
            hi: bound(a.hi, b.lo, true, true)?,
            unit: a.unit,
            rounded,
        })
    }

    /// `self.v − o.v`, the values alone (of two values in one unit), as [`Num::sub`] has it.
    pub fn difference(&self, o: &Num) -> Result<Decimal, Failure> {
        value(sum(self.v, o.v, true), self.rounded || o.rounded)
    }

    pub fn neg(&self) -> Num {
        Num {
            v: -self.v,
            lo: self.hi.map(|x| -x),
            hi: self.lo.map(|x| -x),
            unit: self.unit,
            rounded: self.rounded,
        }
    }

    pub fn mul(&self, o: &Num) -> R {
        let unit = match (self.unit, o.unit) {
            (Some(a), Some(b)) if a != Unit::Count && b != Unit::Count => {
                return Err(Failure::Units(a, b));
            }
            (a, b) => a.filter(|u| *u != Unit::Count).or(b),
        };
        let rounded = self.rounded || o.rounded;
        let v = value(product(self.v, o.v), rounded)?;
        let (lo, hi) = match (self.lo, self.hi, o.lo, o.hi) {
            (Some(a), Some(b), Some(c), Some(d)) => {
                let p = [product(a, c), product(a, d), product(b, c), product(b, d)];
                extremes(p)?
            }
            _ => (None, None),
        };
        Ok(Num {
            v,
            lo,
            hi,
            unit,
            rounded,
        })
    }

    pub fn div(&self, o: &Num) -> R {
        if o.v.is_zero() {
            return Err(Failure::DivisionByZero);
        }
        let unit = match (self.unit, o.unit) {
            (Some(a), Some(b)) if a == b => None,
            (Some(a), Some(b)) => match (money_exponent(a), money_exponent(b)) {
                (Some(_), Some(_)) => {
                    let (x, y) = Num::align(self, o)?;
                    return x.div(&y);
                }
                _ if b == Unit::Count => Some(a),
                _ => return Err(Failure::Units(a, b)),
            },
            (a, _) => a,
        };
        // A quotient may not end (1/3): the value is rounded at its last digit, as it must
        // be, and the interval's bounds outward.
        let (v, exact) = quotient(self.v, o.v).ok_or(Failure::Overflow)?;
        let rounded = self.rounded || o.rounded || !exact;
        let straddles_zero = match (o.lo, o.hi) {
            (Some(l), Some(h)) => l <= Decimal::ZERO && h >= Decimal::ZERO,
            _ => true,
        };
        let (lo, hi) = match (self.lo, self.hi, o.lo, o.hi) {
            (Some(a), Some(b), Some(c), Some(d)) if !straddles_zero => {
                let q = [
                    quotient(a, c),
                    quotient(a, d),
                    quotient(b, c),
                    quotient(b, d),
                ];
                extremes(q)?
            }
            _ => (None, None),
        };
        Ok(Num {
            v,
            lo,
            hi,
            unit,
            rounded,
        })
    }

    pub fn abs(&self) -> Num {
        if self.v.is_sign_negative() && self.hi.is_some_and(|h| h <= Decimal::ZERO) {
            return self.neg();
        }
        match (self.lo, self.hi) {
            (Some(l), Some(_)) if l >= Decimal::ZERO => self.clone(),
            (Some(l), Some(h)) if h <= Decimal::ZERO => Num {
                v: self.v.abs(),
                lo: Some(-h),
                hi: Some(-l),
                unit: self.unit,
                rounded: self.rounded,
            },
            (l, h) => Num {
                v: self.v.abs(),
                lo: Some(Decimal::ZERO),
                hi: match (l, h) {
                    (Some(l), Some(h)) => Some(l.abs().max(h.abs())),
                    _ => None,
                },
                unit: self.unit,
                rounded: self.rounded,
            },
        }
    }

    /// Round half away from zero to `dp` decimals (Swedish "avrundning").
    pub fn round(&self, dp: u32) -> Num {
        let r = |x: Decimal| {
            x.round_dp_with_strategy(
                dp.min(28),
                rust_decimal::RoundingStrategy::MidpointAwayFromZero,
            )
        };
        Num {
            v: r(self.v),
            lo: self.lo.map(r),
            hi: self.hi.map(r),
            unit: self.unit,
            rounded: self.rounded,
        }
    }
}

/// `min(a, b, …)` (`least`) or `max(a, b, …)`: the values are first taken to one unit, the
/// smallest money unit among them (a value without a unit takes it too), so the result's unit
/// does not depend on which value wins. Its interval is that of the least (greatest) of all
/// the values the arguments stand for: from the least (greatest) lower bound to the least
/// (greatest) upper bound.
pub fn extreme(values: &[Num], least: bool) -> R {
    let mut unit: Option<Unit> = None;
    for n in values {
        unit = match (unit, n.unit) {
            (Some(x), Some(y)) if x != y => match (money_exponent(x), money_exponent(y)) {
                (Some(ex), Some(ey)) => Some(if ex <= ey { x } else { y }),
                _ => return Err(Failure::Units(x, y)),
            },
            (x, y) => x.or(y),
        };
    }
    let mut best: Option<Num> = None;
    for n in values {
        let n = match unit {
            Some(u) => n.convert(u)?,
            None => n.clone(),
        };
        best = Some(match best {
            None => n,
            Some(b) => {
                let wins = if least { n.v < b.v } else { n.v > b.v };
                let pick = |x: Option<Decimal>, y: Option<Decimal>, below: bool| match (x, y) {
                    (Some(x), Some(y)) => Some(if least { x.min(y) } else { x.max(y) }),
                    // An unbounded end (`None`) is −∞ below and +∞ above: the least of the
                    // lower ends, the greatest of the upper ends.
                    _ if below == least => None,
                    (x, y) => x.or(y),
                };
                let lo = pick(n.lo, b.lo, true);
                let hi = pick(n.hi, b.hi, false);
                let winner = if wins { n } else { b };
                Num { lo, hi, ..winner }
            }
        });
    }
    best.ok_or(Failure::Overflow)
}

/// A result as the value of a [`Num`]: exact, or refused, unless computed from a value
/// already `rounded`, which is rounded at its last digit again.
fn value(result: Option<(Decimal, bool)>, rounded: bool) -> Result<Decimal, Failure> {
    match result {
        Some((r, _)) if rounded => Ok(r),
        _ => exact(result),
    }
}

/// `a + b` (or `a − b`) and whether it is exact; `None` on overflow. In integers when both
/// fit: the mantissas at the larger of the two scales, added as `i128`. Sums of figures are
/// the bulk of a run's arithmetic and `Decimal`'s general path is several times slower.
/// Anything that does not fit (a mantissa beyond `i64`, a result beyond 96 bits) takes the
/// general path, which gives the same results.
fn sum(a: Decimal, b: Decimal, negate_b: bool) -> Option<(Decimal, bool)> {
    if let Some(r) = integer_sum(a, b, negate_b) {
        return Some((r, true));
    }
    let r = if negate_b {
        a.checked_sub(b)
    } else {
        a.checked_add(b)
    }?;
    // `Decimal` makes room for a large result by dropping decimals, rounding: exact only
    // if every decimal the exact sum has, without its trailing zeros, is kept.
    let exact = r.scale() >= a.scale().max(b.scale()) || r.scale() >= sum_scale(a, b, negate_b);
    Some((r, exact))
}

/// The decimals the exact `a ± b` needs (its scale without trailing zeros). Of two operands
/// that need different numbers of decimals, the sum needs the larger; of two that need the
/// same, the last digits may cancel (0,5 + 0,5 = 1), so the mantissas are added, at most
/// 97 bits, in `i128`.
fn sum_scale(a: Decimal, b: Decimal, negate_b: bool) -> u32 {
    let (a, b) = (a.normalize(), b.normalize());
    if a.scale() != b.scale() {
        return a.scale().max(b.scale());
    }
    let s = if negate_b {
        a.mantissa() - b.mantissa()
    } else {
        a.mantissa() + b.mantissa()
    };
    a.scale().saturating_sub(tens(s))
}

/// How many times 10 divides `m` (`u32::MAX` for zero, which needs no decimals).
fn tens(m: i128) -> u32 {
    if m == 0 {
        return u32::MAX;
    }
    let m = m.unsigned_abs();
    m.trailing_zeros().min(fives(m))
}

/// How many times 5 divides `m`, not zero.
fn fives(mut m: u128) -> u32 {
    let mut n = 0;
    while m.is_multiple_of(5) {
        m /= 5;
        n += 1;
    }
    n
}

/// `a × b` and whether it is exact, as [`sum`].
fn product(a: Decimal, b: Decimal) -> Option<(Decimal, bool)> {
    let r = a.checked_mul(b)?;
    let exact = r.scale() >= a.scale() + b.scale() || r.scale() >= product_scale(a, b);
    Some((r, exact))
}

/// The decimals the exact `a × b` needs (its scale without trailing zeros): those of the
/// operands together, less the tens the product of their mantissas ends in (0,5 × 0,2 =
/// 0,1; 0,5 × 1000 = 500). A product with zero is zero and needs none. `Decimal` rounds a
/// product at some number of decimals: it is exact when that is at least these.
fn product_scale(a: Decimal, b: Decimal) -> u32 {
    if a.is_zero() || b.is_zero() {
        return 0;
    }
    let (a, b) = (a.normalize(), b.normalize());
    let (ma, mb) = (a.mantissa().unsigned_abs(), b.mantissa().unsigned_abs());
    let twos = ma.trailing_zeros() + mb.trailing_zeros();
    let fives = fives(ma) + fives(mb);
    (a.scale() + b.scale()).saturating_sub(twos.min(fives))
}

/// `a ÷ b` and whether it is exact, as [`sum`].
fn quotient(a: Decimal, b: Decimal) -> Option<(Decimal, bool)> {
    let q = a.checked_div(b)?;
    let exact = product(q, b).is_some_and(|(p, exact)| exact && p == a);
    Some((q, exact))
}

/// The least and the greatest of the results, each rounded outward if need be: the bounds
/// of a product or quotient of two intervals.
fn extremes(
    results: [Option<(Decimal, bool)>; 4],
) -> Result<(Option<Decimal>, Option<Decimal>), Failure> {
    let (mut lo, mut hi): (Option<Decimal>, Option<Decimal>) = (None, None);
    for r in results {
        let (l, h) = (outward(r, false)?, outward(r, true)?);
        lo = Some(lo.map_or(l, |m| m.min(l)));
        hi = Some(hi.map_or(h, |m| m.max(h)));
    }
    Ok((lo, hi))
}

fn exact(result: Option<(Decimal, bool)>) -> Result<Decimal, Failure> {
    match result {
        Some((r, true)) => Ok(r),
        Some((_, false)) => Err(Failure::Inexact),
        None => Err(Failure::Overflow),
    }
}

/// A bound of an interval: a rounded result is moved one unit of its last decimal outward
/// (`up` for an upper bound), so the interval still holds the exact value.
fn outward(result: Option<(Decimal, bool)>, up: bool) -> Result<Decimal, Failure> {
    match result {
        Some((r, true)) => Ok(r),
        Some((r, false)) => {
            let unit = Decimal::new(1, r.scale());
            ck(if up {
                r.checked_add(unit)
            } else {
                r.checked_sub(unit)
            })
        }
        None => Err(Failure::Overflow),
    }
}

fn integer_sum(a: Decimal, b: Decimal, negate_b: bool) -> Option<Decimal> {
    let (sa, sb) = (a.scale(), b.scale());
    let (ma, mb) = (a.mantissa(), b.mantissa());
    // Within `i64`, a rescale by up to 10¹⁸ stays far inside `i128`.
    let small = |m: i128| i64::try_from(m).is_ok();
    if !small(ma) || !small(mb) || sa.abs_diff(sb) > 18 {
        return None;
    }
    let scale = sa.max(sb);
    let up = |m: i128, s: u32| m * 10i128.pow(scale - s);
    let (x, y) = (up(ma, sa), up(mb, sb));
    let sum = if negate_b { x - y } else { x + y };
    if sum == 0 {
        // `Decimal` keeps the sign of a zero result in ways not worth copying: let it say.
        return None;
    }
    Decimal::try_from_i128_with_scale(sum, scale).ok()
}

/// The bound `a ± b` of an interval (`None`: unbounded), rounded outward if need be.
fn bound(
    a: Option<Decimal>,
    b: Option<Decimal>,
    negate_b: bool,
    up: bool,
) -> Result<Option<Decimal>, Failure> {
    match (a, b) {
        (Some(a), Some(b)) => Ok(Some(outward(sum(a, b, negate_b), up)?)),
        _ => Ok(None),
    }
}

/// Powers of ten of the money units, relative to kr.
fn money_exponent(u: Unit) -> Option<i32> {
    match u {
        Unit::Kr => Some(0),
        Unit::Tkr => Some(3),
        Unit::Mkr => Some(6),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros_free::d;

    mod rust_decimal_macros_free {
        pub fn d(s: &str) -> rust_decimal::Decimal {
            s.parse().unwrap()
        }
    }

    fn fig(s: &str, decimals: u32) -> Num {
        Num::from_figure(&Figure {
            value: d(s),
            decimals: Some(decimals),
            unit: None,
        })
    }

    #[test]
    fn integer_sums_are_what_decimal_gives() {
        let values = [
            "0",
            "1",
            "-1",
            "0.5",
            "-0.05",
            "12345678901234567",
            "-999999999999999999",
            "79228162514264337593543950335",
            "-7.9228162514264337593543950335",
            "1.000",
            "3.14",
        ];
        for a in values {
            for b in values {
                let (x, y) = (d(a), d(b));
                for (fast, slow) in [
                    (exact(sum(x, y, false)).ok(), x.checked_add(y)),
                    (exact(sum(x, y, true)).ok(), x.checked_sub(y)),
                ] {
                    // Where `Decimal` rounds, the exact sum is refused (tested below).
                    if fast.is_none() && slow.is_some() {
                        assert!(a.len() + b.len() > 30, "{a} ± {b} refused");
                        continue;
                    }
                    assert_eq!(fast, slow, "{a} ± {b}");
                    assert_eq!(
                        fast.map(|v| (v.scale(), v.is_sign_negative(), v.to_string())),
                        slow.map(|v| (v.scale(), v.is_sign_negative(), v.to_string())),
                        "{a} ± {b}"
                    );
                }
            }
        }
    }

    #[test]
    fn figure_bounds_are_what_decimal_gives() {
        for (v, dec) in [("442", 0), ("-3.5", 1), ("0", 0), ("0.00", 2), ("-0.7", 1)] {
            let f = Figure {
                value: d(v),
                decimals: Some(dec),
                unit: None,
            };
            let n = Num::from_figure(&f);
            let h = half_unit(dec);
            let (lo, hi) = (d(v).checked_sub(h), d(v).checked_add(h));
            assert_eq!((n.lo, n.hi), (lo, hi));
            assert_eq!(n.lo.map(|x| x.to_string()), lo.map(|x| x.to_string()));
            assert_eq!(n.hi.map(|x| x.to_string()), hi.map(|x| x.to_string()));
        }
    }

    #[test]
    fn intervals_add_up() {
        let s = fig("192", 0).sub(&fig("129", 0)).unwrap();
        assert_eq!(s.v, d("63"));
        assert_eq!((s.lo, s.hi), (Some(d("62")), Some(d("64"))));
    }

    #[test]
    fn mkr_converts_exactly_to_tkr() {
        let m = Num::from_figure(&Figure {
            value: d("6.3"),
            decimals: Some(1),
            unit: Some(Unit::Mkr),
        });
        let t = m.convert(Unit::Tkr).unwrap();
        assert_eq!(t.v, d("6300"));
        assert_eq!((t.lo, t.hi), (Some(d("6250")), Some(d("6350"))));
    }

    #[test]
    fn overflow_and_division_by_zero_are_values_not_panics() {
        let big = Num::exact(Decimal::MAX, None);
        assert_eq!(big.add(&big), Err(Failure::Overflow));
        assert_eq!(big.mul(&big), Err(Failure::Overflow));
        assert_eq!(
            fig("1", 0).div(&Num::exact(Decimal::ZERO, None)),
            Err(Failure::DivisionByZero)
        );
    }

    #[test]
    fn dividing_by_an_interval_around_zero_is_unbounded() {
        let q = fig("10", 0).div(&fig("0.3", 0)).unwrap();
        assert_eq!((q.lo, q.hi), (None, None));
    }

    /// `Decimal` rounds a result of more digits than it holds without saying so; rimlig's
    /// arithmetic refuses it, and an interval's bounds are rounded outward instead.
    #[test]
    fn results_with_more_digits_than_a_decimal_holds_are_refused_not_rounded() {
        let x = |s: &str| Num::exact(d(s), None);
        for (a, b) in [
            ("8", "0.0000000000000000000000000001"),
            ("100000000000000", "0.00000000000000001"),
            ("7922816251426433759354395034", "0.5"),
        ] {
            assert_eq!(x(a).add(&x(b)), Err(Failure::Inexact), "{a} + {b}");
        }
        assert_eq!(
            x("0.0000000000000000000000000001").sub(&x("8")),
            Err(Failure::Inexact)
        );
        // …033,5 has a mantissa of 2⁹⁶ − 1: it just fits, and is exact.
        assert_eq!(
            x("7922816251426433759354395034")
                .sub(&x("0.5"))
                .map(|n| n.v),
            Ok(d("7922816251426433759354395033.5"))
        );
        assert_eq!(
            x("0.0000000000001").mul(&x("0.0000000000000001")),
            Err(Failure::Inexact)
        );
        // Trailing zeros are not digits lost: these are exact.
        let big = "7900000000000000000000000000";
        assert_eq!(x(big).add(&x("0.00")).map(|n| n.v), Ok(d(big)));
        let tenth = "0.10000000000000000000";
        assert_eq!(x(tenth).mul(&x(tenth)).map(|n| n.v), Ok(d("0.01")));
        // A kr figure in mkr has six more decimals: exact up to 28 of them.
        let kr = |s: &str| Num::exact(d(s), Some(Unit::Kr));
        assert!(kr("0.00000000000000000000001").convert(Unit::Mkr).is_err());
        assert_eq!(
            kr("1.5").convert(Unit::Mkr).map(|n| n.v),
            Ok(d("0.0000015"))
        );
    }

    /// A result is refused only where `Decimal` really rounded: by the decimals the exact
    /// result needs, not the scales the operands happen to have.
    #[test]
    fn exact_results_are_kept_whatever_the_scales() {
        let x = |s: &str| Num::exact(d(s), None);
        for (a, b, p) in [
            ("0", "0.1", "0"),
            ("0.0", "0.5", "0"),
            ("-0", "0.001", "0"),
            (
                "11111111111111111111111111.5",
                "1000",
                "11111111111111111111111111500",
            ),
            ("0.5", "0.2", "0.1"),
            (
                "2.5",
                "0.0000000000000000000000000004",
                "0.000000000000000000000000001",
            ),
        ] {
            assert_eq!(x(a).mul(&x(b)).map(|n| n.v), Ok(d(p)), "{a} × {b}");
            assert_eq!(x(b).mul(&x(a)).map(|n| n.v), Ok(d(p)), "{b} × {a}");
        }
        for (a, b) in [
            ("0.0000000000000000000000000001", "0.5"),
            ("11111111111111111111111111.5", "1000.1"),
            ("0.000000000000001", "0.00000000000001"),
        ] {
            assert_eq!(x(a).mul(&x(b)), Err(Failure::Inexact), "{a} × {b}");
        }
        // Last digits that cancel: …,5 + …,5 ends at the point.
        assert_eq!(
            x("7922816251426433759354395033.5")
                .add(&x("0.5"))
                .map(|n| n.v),
            Ok(d("7922816251426433759354395034"))
        );
        assert_eq!(
            x("7922816251426433759354395033.5").add(&x("0.25")),
            Err(Failure::Inexact)
        );
        assert_eq!(x("0").add(&x("0.0")).map(|n| n.v), Ok(d("0")));
        // 0 kr in tkr is 0.
        let kr = Num::exact(d("0.0"), Some(Unit::Kr));
        assert_eq!(kr.convert(Unit::Tkr).map(|n| n.v), Ok(d("0")));
    }

    #[test]
    fn a_rounded_bound_is_moved_outward() {
        // 1 ± 0.5 divided by 3: the bounds 0.1666… and 0.5 hold the exact quotients.
        let q = fig("1", 0).div(&Num::exact(d("3"), None)).unwrap();
        let (lo, hi) = (q.lo.unwrap(), q.hi.unwrap());
        assert!(lo * d("3") <= d("0.5"), "{lo}");
        assert!(hi * d("3") >= d("1.5"), "{hi}");
        assert!(hi - lo < d("1.0000000000000000000000001"));
        // An exact quotient keeps exact bounds.
        let h = fig("10", 0).div(&Num::exact(d("2"), None)).unwrap();
        assert_eq!((h.lo, h.hi), (Some(d("4.75")), Some(d("5.25"))));
    }

    #[test]
    fn past_27_decimals_half_a_unit_is_the_smallest_decimal() {
        assert_eq!(half_unit(27), d("0.0000000000000000000000000005"));
        assert_eq!(half_unit(28), d("0.0000000000000000000000000001"));
        assert_eq!(half_unit(40), d("0.0000000000000000000000000001"));
    }
}
