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
    DivisionByZero,
    Units(Unit, Unit),
}

impl Failure {
    pub fn describe(&self) -> String {
        match self {
            Failure::Overflow => "a result is too large to compute exactly (overflow)".into(),
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
}

type R = Result<Num, Failure>;

fn ck(x: Option<Decimal>) -> Result<Decimal, Failure> {
    x.ok_or(Failure::Overflow)
}

/// Half a unit of the last printed decimal: 0 decimals → 0.5, 1 → 0.05.
pub fn half_unit(decimals: u32) -> Decimal {
    Decimal::new(5, decimals.min(27) + 1)
}

impl Num {
    pub fn exact(v: Decimal, unit: Option<Unit>) -> Num {
        Num {
            v,
            lo: Some(v),
            hi: Some(v),
            unit,
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
        let v = ck(self.v.checked_mul(k))?;
        let a = self.lo.map(|x| ck(x.checked_mul(k))).transpose()?;
        let b = self.hi.map(|x| ck(x.checked_mul(k))).transpose()?;
        let (lo, hi) = if k.is_sign_negative() { (b, a) } else { (a, b) };
        Ok(Num {
            v,
            lo,
            hi,
            unit: self.unit,
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
        Ok(Num {
            v: ck(add_exact(a.v, b.v))?,
            lo: bound(a.lo, b.lo, add_exact)?,
            hi: bound(a.hi, b.hi, add_exact)?,
            unit: a.unit,
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
        Ok(Num {
            v: ck(sub_exact(a.v, b.v))?,
            lo: bound(a.lo, b.hi, sub_exact)?,
            hi: bound(a.hi, b.lo, sub_exact)?,
            unit: a.unit,
        })
    }

    pub fn neg(&self) -> Num {
        Num {
            v: -self.v,
            lo: self.hi.map(|x| -x),
            hi: self.lo.map(|x| -x),
            unit: self.unit,
        }
    }

    pub fn mul(&self, o: &Num) -> R {
        let unit = match (self.unit, o.unit) {
            (Some(a), Some(b)) if a != Unit::Count && b != Unit::Count => {
                return Err(Failure::Units(a, b));
            }
            (a, b) => a.filter(|u| *u != Unit::Count).or(b),
        };
        let v = ck(self.v.checked_mul(o.v))?;
        let (lo, hi) = match (self.lo, self.hi, o.lo, o.hi) {
            (Some(a), Some(b), Some(c), Some(d)) => {
                let p = [
                    ck(a.checked_mul(c))?,
                    ck(a.checked_mul(d))?,
                    ck(b.checked_mul(c))?,
                    ck(b.checked_mul(d))?,
                ];
                (p.iter().min().copied(), p.iter().max().copied())
            }
            _ => (None, None),
        };
        Ok(Num { v, lo, hi, unit })
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
        let v = ck(self.v.checked_div(o.v))?;
        let straddles_zero = match (o.lo, o.hi) {
            (Some(l), Some(h)) => l <= Decimal::ZERO && h >= Decimal::ZERO,
            _ => true,
        };
        let (lo, hi) = match (self.lo, self.hi, o.lo, o.hi) {
            (Some(a), Some(b), Some(c), Some(d)) if !straddles_zero => {
                let q = [
                    ck(a.checked_div(c))?,
                    ck(a.checked_div(d))?,
                    ck(b.checked_div(c))?,
                    ck(b.checked_div(d))?,
                ];
                (q.iter().min().copied(), q.iter().max().copied())
            }
            _ => (None, None),
        };
        Ok(Num { v, lo, hi, unit })
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
            },
            (l, h) => Num {
                v: self.v.abs(),
                lo: Some(Decimal::ZERO),
                hi: match (l, h) {
                    (Some(l), Some(h)) => Some(l.abs().max(h.abs())),
                    _ => None,
                },
                unit: self.unit,
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
        }
    }
}

/// `a + b` as `Decimal::checked_add` gives it, in integers when both fit: the mantissas at
/// the larger of the two scales, added as `i128`. Sums of figures are the bulk of a run's
/// arithmetic and `Decimal`'s general path is several times slower. Anything that does not
/// fit (a mantissa beyond `i64`, a result beyond 96 bits, where `Decimal` would round) takes
/// the general path, so results are identical.
pub(crate) fn add_exact(a: Decimal, b: Decimal) -> Option<Decimal> {
    integer_sum(a, b, false).or_else(|| a.checked_add(b))
}

/// `a − b`, as [`add_exact`].
pub(crate) fn sub_exact(a: Decimal, b: Decimal) -> Option<Decimal> {
    integer_sum(a, b, true).or_else(|| a.checked_sub(b))
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

fn bound(
    a: Option<Decimal>,
    b: Option<Decimal>,
    op: fn(Decimal, Decimal) -> Option<Decimal>,
) -> Result<Option<Decimal>, Failure> {
    match (a, b) {
        (Some(a), Some(b)) => Ok(Some(ck(op(a, b))?)),
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
                    (add_exact(x, y), x.checked_add(y)),
                    (sub_exact(x, y), x.checked_sub(y)),
                ] {
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
}
