//! An exact feasibility check for small systems of linear constraints: equalities are solved
//! away by substitution, then Fourier–Motzkin elimination decides the inequalities, strict
//! ones included. Numbers are rationals of `i128` with checked arithmetic, so an overflow is an
//! answer ("not decided"), never a panic or a wrong verdict.

use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// A rational number `n / d` in lowest terms with `d > 0`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Rat {
    n: i128,
    d: i128,
}

fn gcd(a: i128, b: i128) -> i128 {
    // On magnitudes: `unsigned_abs` avoids the overflow of `abs(i128::MIN)`. A gcd of 2^127
    // (both numbers i128::MIN or 0) does not fit back; 1 is then a safe, unreduced answer.
    let (mut x, mut y) = (a.unsigned_abs(), b.unsigned_abs());
    while y != 0 {
        (x, y) = (y, x % y);
    }
    i128::try_from(x).unwrap_or(1).max(1)
}

// The operations are checked and return `Option`, which the `std::ops` traits cannot.
#[allow(clippy::should_implement_trait)]
impl Rat {
    pub const ZERO: Rat = Rat { n: 0, d: 1 };
    pub const ONE: Rat = Rat { n: 1, d: 1 };

    /// `n / d`, reduced; `None` for a zero denominator or a value out of range.
    pub fn new(n: i128, d: i128) -> Option<Rat> {
        if d == 0 {
            return None;
        }
        if d == 1 {
            // The common case (whole numbers): nothing to reduce.
            return Some(Rat { n, d });
        }
        let g = gcd(n, d);
        let (mut n, mut d) = (n / g, d / g);
        if d < 0 {
            n = n.checked_neg()?;
            d = d.checked_neg()?;
        }
        Some(Rat { n, d })
    }

    pub fn int(n: i128) -> Rat {
        Rat { n, d: 1 }
    }

    /// A decimal exactly: its mantissa over a power of ten.
    pub fn from_decimal(x: Decimal) -> Option<Rat> {
        let d = 10i128.checked_pow(x.scale())?;
        Rat::new(x.mantissa(), d)
    }

    pub fn is_zero(self) -> bool {
        self.n == 0
    }
    pub fn is_positive(self) -> bool {
        self.n > 0
    }
    pub fn is_negative(self) -> bool {
        self.n < 0
    }

    pub fn neg(self) -> Option<Rat> {
        Some(Rat {
            n: self.n.checked_neg()?,
            d: self.d,
        })
    }

    pub fn add(self, o: Rat) -> Option<Rat> {
        if self.d == 1 && o.d == 1 {
            return Some(Rat::int(self.n.checked_add(o.n)?));
        }
        // Over the least common multiple of the denominators, to keep numbers small.
        let g = gcd(self.d, o.d);
        let l = (self.d / g).checked_mul(o.d)?;
        let a = self.n.checked_mul(l / self.d)?;
        let b = o.n.checked_mul(l / o.d)?;
        Rat::new(a.checked_add(b)?, l)
    }

    pub fn sub(self, o: Rat) -> Option<Rat> {
        self.add(o.neg()?)
    }

    pub fn mul(self, o: Rat) -> Option<Rat> {
        if self.d == 1 && o.d == 1 {
            return Some(Rat::int(self.n.checked_mul(o.n)?));
        }
        // Cross-reduce first so intermediate products stay as small as possible.
        let g1 = gcd(self.n, o.d);
        let g2 = gcd(o.n, self.d);
        let n = (self.n / g1).checked_mul(o.n / g2)?;
        let d = (self.d / g2).checked_mul(o.d / g1)?;
        Rat::new(n, d)
    }

    pub fn div(self, o: Rat) -> Option<Rat> {
        if o.n == 0 {
            return None;
        }
        self.mul(Rat::new(o.d, o.n)?)
    }

    pub fn abs(self) -> Option<Rat> {
        if self.n < 0 { self.neg() } else { Some(self) }
    }
}

impl std::fmt::Display for Rat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.d == 1 {
            write!(f, "{}", self.n)
        } else {
            write!(f, "{}/{}", self.n, self.d)
        }
    }
}

/// `Σ coef·x + constant`, over variables numbered by the caller.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Lin {
    pub coef: BTreeMap<usize, Rat>,
    pub constant: Rat,
}

impl Default for Rat {
    fn default() -> Self {
        Rat::ZERO
    }
}

impl Lin {
    pub fn constant(c: Rat) -> Lin {
        Lin {
            coef: BTreeMap::new(),
            constant: c,
        }
    }

    pub fn var(v: usize) -> Lin {
        Lin {
            coef: BTreeMap::from([(v, Rat::ONE)]),
            constant: Rat::ZERO,
        }
    }

    pub fn is_constant(&self) -> bool {
        self.coef.is_empty()
    }

    /// `self + k·o`
    pub fn add_scaled(&self, o: &Lin, k: Rat) -> Option<Lin> {
        let mut out = self.clone();
        for (v, c) in &o.coef {
            let add = c.mul(k)?;
            let sum = out.coef.get(v).copied().unwrap_or(Rat::ZERO).add(add)?;
            if sum.is_zero() {
                out.coef.remove(v);
            } else {
                out.coef.insert(*v, sum);
            }
        }
        out.constant = out.constant.add(o.constant.mul(k)?)?;
        Some(out)
    }

    pub fn add(&self, o: &Lin) -> Option<Lin> {
        self.add_scaled(o, Rat::ONE)
    }

    pub fn sub(&self, o: &Lin) -> Option<Lin> {
        self.add_scaled(o, Rat::int(-1))
    }

    pub fn scale(&self, k: Rat) -> Option<Lin> {
        Lin::default().add_scaled(self, k)
    }
}

/// How a linear expression relates to zero.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rel {
    /// `e == 0`
    Eq,
    /// `e <= 0`
    Le,
    /// `e < 0`
    Lt,
}

/// One linear constraint: `lin REL 0`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Atom {
    pub lin: Lin,
    pub rel: Rel,
}

impl Atom {
    /// `l OP r` as `l - r OP 0`; `>`/`>=` become `r - l < 0` / `<= 0`.
    pub fn le(l: &Lin, r: &Lin) -> Option<Atom> {
        Some(Atom {
            lin: l.sub(r)?,
            rel: Rel::Le,
        })
    }
    pub fn lt(l: &Lin, r: &Lin) -> Option<Atom> {
        Some(Atom {
            lin: l.sub(r)?,
            rel: Rel::Lt,
        })
    }
    pub fn eq(l: &Lin, r: &Lin) -> Option<Atom> {
        Some(Atom {
            lin: l.sub(r)?,
            rel: Rel::Eq,
        })
    }

    /// The variables the constraint reads.
    pub fn vars(&self) -> impl Iterator<Item = usize> + '_ {
        self.lin.coef.keys().copied()
    }
}

/// The answer of a feasibility check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Feas {
    Feasible,
    Infeasible,
    /// Too large to decide within the bounds, or a number overflowed.
    Unknown,
}

/// How many inequalities elimination may hold at once before it gives up.
pub const MAX_CONSTRAINTS: usize = 4000;

/// Whether some assignment of rationals to the variables satisfies every atom.
pub fn feasible(atoms: &[Atom]) -> Feas {
    feasible_within(atoms, &mut (MAX_CONSTRAINTS * 16))
}

/// [`feasible`], spending at most `work` steps (a constraint read, substituted into or
/// combined; shared by the caller across many checks, so that a whole analysis stays
/// bounded); `Unknown` when it runs out.
pub fn feasible_within(atoms: &[Atom], work: &mut usize) -> Feas {
    match solve(atoms, work) {
        Some(true) => Feas::Feasible,
        Some(false) => Feas::Infeasible,
        None => Feas::Unknown,
    }
}

/// Decide a constant constraint; `None` when it still has variables.
fn constant_holds(a: &Atom) -> Option<bool> {
    if !a.lin.is_constant() {
        return None;
    }
    let c = a.lin.constant;
    Some(match a.rel {
        Rel::Eq => c.is_zero(),
        Rel::Le => !c.is_positive(),
        Rel::Lt => c.is_negative(),
    })
}

/// Scale a constraint so its first coefficient is ±1: equal constraints then compare equal.
fn normalise(a: Atom) -> Option<Atom> {
    let Some((_, first)) = a.lin.coef.iter().next() else {
        return Some(a);
    };
    if *first == Rat::ONE || *first == Rat::int(-1) {
        return Some(a);
    }
    let k = Rat::ONE.div(first.abs()?)?;
    Some(Atom {
        lin: a.lin.scale(k)?,
        rel: a.rel,
    })
}

/// `Some(feasible?)`, or `None` when undecided.
fn solve(atoms: &[Atom], work: &mut usize) -> Option<bool> {
    // Every constraint handled is a step of work, not only the combinations: a check of a
    // few hundred constraints, made ten thousand times, otherwise took minutes unbounded.
    *work = work.checked_sub(atoms.len())?;
    let mut eqs: Vec<Atom> = Vec::new();
    let mut ineqs: Vec<Atom> = Vec::new();
    for a in atoms {
        if a.rel == Rel::Eq {
            eqs.push(a.clone());
        } else {
            ineqs.push(a.clone());
        }
    }
    // Gaussian elimination: each equality with a variable solves for that variable, which is
    // then substituted everywhere else. No equality is lost, so this is exact.
    while let Some(e) = eqs.pop() {
        if let Some(holds) = constant_holds(&e) {
            if !holds {
                return Some(false);
            }
            continue;
        }
        let (&v, &c) = e.lin.coef.iter().next()?;
        // x = -(rest)/c: substituting means adding k·e with k = -(coef of x)/c.
        let subst = |a: &Atom| -> Option<Atom> {
            match a.lin.coef.get(&v) {
                None => Some(a.clone()),
                Some(&cv) => Some(Atom {
                    lin: a.lin.add_scaled(&e.lin, cv.div(c)?.neg()?)?,
                    rel: a.rel,
                }),
            }
        };
        *work = work.checked_sub(eqs.len() + ineqs.len())?;
        eqs = eqs.iter().map(subst).collect::<Option<_>>()?;
        ineqs = ineqs.iter().map(subst).collect::<Option<_>>()?;
    }
    let mut set = Bounds::default();
    for a in ineqs {
        if !set.insert(a)? {
            return Some(false);
        }
    }
    loop {
        if set.0.is_empty() {
            return Some(true);
        }
        *work = work.checked_sub(set.0.len())?;
        // Eliminate the variable that makes the fewest new constraints.
        let mut counts: BTreeMap<usize, (usize, usize)> = BTreeMap::new();
        for coef in set.0.keys() {
            for (v, c) in coef {
                let e = counts.entry(*v).or_default();
                if c.is_positive() {
                    e.0 += 1;
                } else {
                    e.1 += 1;
                }
            }
        }
        let (&v, _) = counts.iter().min_by_key(|(_, (p, n))| p * n)?;
        let (with, without): (Vec<Atom>, Vec<Atom>) = set
            .atoms()
            .into_iter()
            .partition(|a| a.lin.coef.contains_key(&v));
        let mut next = Bounds::default();
        for a in without {
            next.insert(a)?;
        }
        let pos: Vec<&Atom> = with
            .iter()
            .filter(|a| a.lin.coef[&v].is_positive())
            .collect();
        let neg: Vec<&Atom> = with
            .iter()
            .filter(|a| a.lin.coef[&v].is_negative())
            .collect();
        // A variable bounded on one side only can always be chosen to satisfy its
        // constraints, which then drop out.
        for p in &pos {
            for n in &neg {
                *work = work.checked_sub(1)?;
                let a = p.lin.coef[&v];
                let b = n.lin.coef[&v].neg()?;
                // b·p + a·n: both multipliers are positive, so the direction is kept and v
                // cancels. Strict when either is strict.
                let lin = p.lin.scale(b)?.add_scaled(&n.lin, a)?;
                let rel = if p.rel == Rel::Lt || n.rel == Rel::Lt {
                    Rel::Lt
                } else {
                    Rel::Le
                };
                if !next.insert(Atom { lin, rel })? {
                    return Some(false);
                }
                if next.0.len() > MAX_CONSTRAINTS {
                    return None;
                }
            }
        }
        set = next;
    }
}

/// Inequalities `Σ coef·x + c REL 0`, by their coefficients: of two constraints with the
/// same coefficients only the tighter one is kept (the larger `c`; `<` over `<=` on a tie),
/// since it implies the other. This keeps the many parallel bounds of real rule sets
/// (`x >= 0`, `x >= 10`, …) from multiplying under elimination.
#[derive(Default)]
struct Bounds(BTreeMap<BTreeMap<usize, Rat>, (Rat, Rel)>);

impl Bounds {
    /// Add a constraint. `Some(false)` when it has no variables and does not hold; `None`
    /// on overflow.
    fn insert(&mut self, a: Atom) -> Option<bool> {
        if let Some(holds) = constant_holds(&a) {
            return Some(holds);
        }
        let a = normalise(a)?;
        let c = a.lin.constant;
        match self.0.get(&a.lin.coef) {
            Some(&(old, rel)) => {
                let diff = c.sub(old)?;
                if diff.is_positive() || (diff.is_zero() && a.rel == Rel::Lt && rel == Rel::Le) {
                    self.0.insert(a.lin.coef, (c, a.rel));
                }
            }
            None => {
                self.0.insert(a.lin.coef, (c, a.rel));
            }
        }
        Some(true)
    }

    fn atoms(&self) -> Vec<Atom> {
        self.0
            .iter()
            .map(|(coef, (c, rel))| Atom {
                lin: Lin {
                    coef: coef.clone(),
                    constant: *c,
                },
                rel: *rel,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn x(v: usize) -> Lin {
        Lin::var(v)
    }
    fn k(n: i128) -> Lin {
        Lin::constant(Rat::int(n))
    }
    fn plus(a: &Lin, b: &Lin) -> Lin {
        a.add(b).unwrap()
    }

    #[test]
    fn rationals_reduce_and_refuse_overflow() {
        assert_eq!(Rat::new(6, -4), Rat::new(-3, 2));
        assert_eq!(
            Rat::new(1, 3).unwrap().add(Rat::new(1, 6).unwrap()),
            Rat::new(1, 2)
        );
        assert_eq!(Rat::new(1, 0), None);
        assert_eq!(Rat::int(i128::MAX).add(Rat::ONE), None);
        assert_eq!(Rat::int(i128::MIN).neg(), None);
        assert_eq!(Rat::int(i128::MIN).abs(), None);
        assert_eq!(
            Rat::from_decimal(Decimal::new(125, 2)),
            Rat::new(5, 4),
            "1.25"
        );
        assert_eq!(
            Rat::from_decimal(Decimal::MAX).map(|r| r.is_positive()),
            Some(true)
        );
    }

    #[test]
    fn bounds_that_cross_are_infeasible() {
        // x >= 10 and x <= 5
        let a = [
            Atom::le(&k(10), &x(0)).unwrap(),
            Atom::le(&x(0), &k(5)).unwrap(),
        ];
        assert_eq!(feasible(&a), Feas::Infeasible);
        // x >= 5 and x <= 5: just feasible; x > 5 and x <= 5 not
        let a = [
            Atom::le(&k(5), &x(0)).unwrap(),
            Atom::le(&x(0), &k(5)).unwrap(),
        ];
        assert_eq!(feasible(&a), Feas::Feasible);
        let a = [
            Atom::lt(&k(5), &x(0)).unwrap(),
            Atom::le(&x(0), &k(5)).unwrap(),
        ];
        assert_eq!(feasible(&a), Feas::Infeasible);
    }

    #[test]
    fn strictness_survives_elimination() {
        // a > b, b > a
        let a = [
            Atom::lt(&x(1), &x(0)).unwrap(),
            Atom::lt(&x(0), &x(1)).unwrap(),
        ];
        assert_eq!(feasible(&a), Feas::Infeasible);
        // a >= b, b >= a: a == b is fine
        let a = [
            Atom::le(&x(1), &x(0)).unwrap(),
            Atom::le(&x(0), &x(1)).unwrap(),
        ];
        assert_eq!(feasible(&a), Feas::Feasible);
        // a < b < c < a
        let a = [
            Atom::lt(&x(0), &x(1)).unwrap(),
            Atom::lt(&x(1), &x(2)).unwrap(),
            Atom::lt(&x(2), &x(0)).unwrap(),
        ];
        assert_eq!(feasible(&a), Feas::Infeasible);
    }

    #[test]
    fn equalities_are_substituted() {
        // a == b - c, a > b - c + 3
        let bc = x(1).sub(&x(2)).unwrap();
        let a = [
            Atom::eq(&x(0), &bc).unwrap(),
            Atom::lt(&plus(&bc, &k(3)), &x(0)).unwrap(),
        ];
        assert_eq!(feasible(&a), Feas::Infeasible);
        // sum == total, total == 7, sum == 8
        let a = [
            Atom::eq(&x(0), &x(1)).unwrap(),
            Atom::eq(&x(1), &k(7)).unwrap(),
            Atom::eq(&x(0), &k(8)).unwrap(),
        ];
        assert_eq!(feasible(&a), Feas::Infeasible);
        // 0 == 0 and nothing else
        assert_eq!(feasible(&[Atom::eq(&k(0), &k(0)).unwrap()]), Feas::Feasible);
        assert_eq!(feasible(&[]), Feas::Feasible);
    }

    #[test]
    fn parallel_bounds_keep_only_the_tightest() {
        // 500 lower and 500 upper bounds on x - y: elimination would make 250 000
        // combinations; only the tightest of each side matter.
        let d = x(0).sub(&x(1)).unwrap();
        let mut a = Vec::new();
        for i in 0..500 {
            a.push(Atom::le(&k(i), &d).unwrap());
            a.push(Atom::le(&d, &k(1000 + i)).unwrap());
        }
        assert_eq!(feasible(&a), Feas::Feasible);
        a.push(Atom::lt(&k(1000), &d).unwrap());
        a.push(Atom::le(&d, &k(1000)).unwrap());
        assert_eq!(feasible(&a), Feas::Infeasible);
    }

    #[test]
    fn running_out_of_work_is_unknown() {
        // x0 < x1 < x2 < x0 needs a combination step; with no work left it is not decided.
        let a = [
            Atom::lt(&x(0), &x(1)).unwrap(),
            Atom::lt(&x(1), &x(2)).unwrap(),
            Atom::lt(&x(2), &x(0)).unwrap(),
        ];
        assert_eq!(feasible_within(&a, &mut 0), Feas::Unknown);
        assert_eq!(feasible_within(&a, &mut 100), Feas::Infeasible);
    }

    #[test]
    fn huge_coefficients_give_unknown_not_a_panic() {
        let big = Lin::constant(Rat::int(i128::MAX / 3));
        let t = x(0).scale(Rat::int(i128::MAX / 5)).unwrap();
        let a = [
            Atom::le(&t, &big).unwrap(),
            Atom::le(&big, &x(0).scale(Rat::int(i128::MAX / 7)).unwrap()).unwrap(),
            Atom::lt(&x(1).scale(Rat::int(i128::MAX / 11)).unwrap(), &t).unwrap(),
            Atom::lt(&x(0).scale(Rat::int(i128::MAX / 13)).unwrap(), &x(1)).unwrap(),
        ];
        // Whatever the answer, it comes back.
        let _ = feasible(&a);
    }
}
