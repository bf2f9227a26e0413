//! Checks whose outcome is fixed before any report is read: a comparison of two fixed values
//! (`1 == 1`), of a value with itself (`x == x`), `x is missing or x is present`, an `if` or
//! `where` that is always or never true, and a tolerance so wide that almost anything passes.
//! Warnings only: the rule still runs, it just cannot tell the reader anything.

use super::RuleSet;
use super::statics::{text_of, unparen};
use crate::glob;
use crate::problem::{Problem, ProblemKind, Severity};
use crate::source::{SourceId, Sources, Span};
use crate::syntax::ast::*;
use rust_decimal::Decimal;

/// Why a condition's value is fixed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Why {
    /// It compares or tests fixed values (literals).
    Literals,
    /// It compares a value with the very same expression.
    Itself,
    /// It asks whether a value is missing or present (or both).
    MissingOrPresent,
}

/// A condition whose value is known, and the part of it that decides.
#[derive(Clone, Copy, Debug)]
struct Constant {
    value: bool,
    why: Why,
    cause: Span,
}

/// Warn about the fixed conditions of every enabled rule (a disabled rule already has an
/// error that says more).
pub fn check_constant(set: &RuleSet, sources: &Sources, problems: &mut Vec<Problem>) {
    for r in set.rules.iter().filter(|r| r.enabled) {
        let mut l = Lint {
            sources,
            source: r.source,
            problems,
        };
        for a in &r.rule.body {
            l.assertion(a);
        }
    }
}

struct Lint<'a> {
    sources: &'a Sources,
    source: SourceId,
    problems: &'a mut Vec<Problem>,
}

/// Where a fixed condition stands: decides the code and the words of the warning.
#[derive(Clone, Copy)]
enum Place {
    Assertion,
    If,
    Where,
    Filter,
    /// A part of `and` / `or` that does not change the whole.
    Part,
}

impl Lint<'_> {
    fn assertion(&mut self, a: &Assertion) {
        match a {
            Assertion::In { body, .. } | Assertion::For { body, .. } => self.assertion(body),
            Assertion::Each { filter, body, .. } => {
                if let Some(f) = filter {
                    self.condition(f, Place::Where);
                }
                self.assertion(body);
            }
            Assertion::If { cond, body, .. } => {
                self.condition(cond, Place::If);
                self.assertion(body);
            }
            Assertion::Block(items, _) => items.iter().for_each(|i| self.assertion(i)),
            Assertion::Check(e) => self.condition(e, Place::Assertion),
        }
    }

    /// A condition at `place`: report it if fixed, else look for fixed parts inside it.
    fn condition(&mut self, e: &Expr, place: Place) {
        self.expressions(e);
        match constant(e) {
            Some(c) => self.report(c, place),
            None => self.parts(e),
        }
    }

    /// The parts of a non-constant `and` / `or` that are fixed anyway.
    fn parts(&mut self, e: &Expr) {
        let e = unparen(e);
        let (is_or, list) = match &e.kind {
            ExprKind::Or(..) => (true, chain(e, true)),
            ExprKind::And(..) => (false, chain(e, false)),
            ExprKind::Not(x) => return self.parts(x),
            _ => return,
        };
        for p in list {
            match constant(p) {
                // In `or` a true part would make the whole true (and in `and` a false one
                // false), so only the other value can be met here: a part that changes nothing.
                Some(c) if c.value != is_or => self.report(c, Place::Part),
                Some(_) => {}
                None => self.parts(p),
            }
        }
    }

    /// Tolerances and aggregate filters anywhere inside an expression.
    fn expressions(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Number(..) | ExprKind::Text(_) => {}
            ExprKind::Ref { reference, .. } => {
                if let Reference::Keyed { key, .. } = reference {
                    self.expressions(key);
                }
            }
            ExprKind::Neg(x) | ExprKind::Paren(x) | ExprKind::Not(x) => self.expressions(x),
            ExprKind::IsMissing { value, .. }
            | ExprKind::IsPresent { value, .. }
            | ExprKind::Matches { value, .. } => self.expressions(value),
            ExprKind::Arith(op, a, b) => {
                if *op == ArithOp::Div && matches!(literal(b), Some(Lit::Num(n, _)) if n.is_zero())
                {
                    self.divides_by_zero(b);
                }
                self.expressions(a);
                self.expressions(b);
            }
            ExprKind::And(a, b) | ExprKind::Or(a, b) => {
                self.expressions(a);
                self.expressions(b);
            }
            ExprKind::Compare {
                first,
                rest,
                tolerance,
                ..
            } => {
                self.expressions(first);
                rest.iter().for_each(|(_, x)| self.expressions(x));
                self.wide_tolerance(rest, tolerance.as_ref());
            }
            ExprKind::Call { args, filter, .. } => {
                args.iter().for_each(|x| self.expressions(x));
                if let Some(f) = filter {
                    // Reported here, not by condition(): that would walk `f` a second time.
                    match constant(f) {
                        Some(c) => self.report(c, Place::Filter),
                        None => self.parts(f),
                    }
                    self.expressions(f);
                }
            }
        }
    }

    /// `within N%` with N ≥ 100 on `==`, `<=` or `>=`: the right side's own size is allowed
    /// as a difference, so almost any value passes.
    fn wide_tolerance(&mut self, rest: &[(CmpOp, Expr)], tolerance: Option<&(Tolerance, Span)>) {
        let Some((Tolerance::Relative(pct), span)) = tolerance else {
            return;
        };
        if *pct < Decimal::ONE_HUNDRED
            || !rest
                .iter()
                .any(|(op, _)| matches!(op, CmpOp::Eq | CmpOp::Le | CmpOp::Ge))
        {
            return;
        }
        self.problems.push(
            Problem::new(
                ProblemKind::Rules,
                Severity::Warning,
                "rules::always-true",
                format!(
                    "a tolerance of {} % lets almost anything pass",
                    pct.normalize()
                ),
            )
            .with_label(self.source, *span, "allows a difference as large as the right side itself")
            .with_help("`within N%` allows N % of the right-hand side: write a small share such as `within 2%`, or an amount such as `within 5 tkr`"),
        );
    }

    /// `x / 0`: every instance that gets there is not applicable, so the rule never tells
    /// anything about the data.
    fn divides_by_zero(&mut self, zero: &Expr) {
        self.problems.push(
            Problem::new(
                ProblemKind::Rules,
                Severity::Warning,
                "rules::never-decided",
                "this divides by 0, so it is never decided: every instance that gets here is not applicable",
            )
            .with_label(self.source, zero.span, "always 0")
            .with_help("divide by a column or a computed figure, or by the fixed number meant (a share of 100 is `/ 100`)"),
        );
    }

    fn report(&mut self, c: Constant, place: Place) {
        let cause = text_of(self.sources, self.source, c.cause);
        let reason = match c.why {
            Why::Literals => format!("`{cause}` only involves fixed values"),
            Why::Itself => format!("`{cause}` compares a value with itself"),
            Why::MissingOrPresent => "a value is always either missing or present".to_string(),
        };
        let (code, what) = match (place, c.value) {
            (Place::Assertion, true) => ("rules::always-true", "this check cannot fail"),
            (Place::Assertion, false) => ("rules::never-true", "this check can never pass"),
            (Place::If, true) => (
                "rules::always-true",
                "this `if` is always true, so it changes nothing",
            ),
            (Place::If, false) => (
                "rules::unreachable",
                "this `if` is never true, so what follows `then` never runs",
            ),
            (Place::Where, true) => (
                "rules::always-true",
                "this `where` keeps every row, so it changes nothing",
            ),
            (Place::Where, false) => (
                "rules::unreachable",
                "this `where` keeps no row, so the assertion after it never runs",
            ),
            (Place::Filter, true) => (
                "rules::always-true",
                "this `where` keeps every row, so it changes nothing",
            ),
            (Place::Filter, false) => (
                "rules::unreachable",
                "this `where` keeps no row, so the aggregate runs over nothing",
            ),
            (Place::Part, true) => (
                "rules::always-true",
                "this part of the condition is always true, so it changes nothing",
            ),
            (Place::Part, false) => (
                "rules::never-true",
                "this part of the condition is never true, so it changes nothing",
            ),
        };
        let help = match c.why {
            Why::Literals => {
                "a condition on fixed values is decided before any report is read: compare or test a column or a computed figure instead"
            }
            Why::Itself => {
                "compare the value with another one, e.g. `avvikelse == redovisat - budget`"
            }
            Why::MissingOrPresent => {
                "to require a value, write `x is present`; to allow a missing one, leave the test out"
            }
        };
        self.problems.push(
            Problem::new(
                ProblemKind::Rules,
                Severity::Warning,
                code,
                format!("{what}: {reason}"),
            )
            .with_label(
                self.source,
                c.cause,
                if c.value { "always true" } else { "never true" },
            )
            .with_help(help),
        );
    }
}

// ---------------------------------------------------------------- constant conditions

/// The value of a condition when it does not depend on the data (not applicable instances
/// aside: `x == x` cannot fail, but is not decided when x is missing).
fn constant(e: &Expr) -> Option<Constant> {
    let e = unparen(e);
    let fixed = |value, why| {
        Some(Constant {
            value,
            why,
            cause: e.span,
        })
    };
    match &e.kind {
        // `either sign` also holds for `a == −a`: not decided here.
        ExprKind::Compare {
            either_sign: Some(_),
            ..
        } => None,
        ExprKind::Compare {
            first,
            rest,
            tolerance,
            either_sign: None,
        } => compare(first, rest, tolerance.as_ref().map(|t| &t.0), e.span),
        // A literal is never missing.
        ExprKind::IsMissing { value, negated } if literal(value).is_some() => {
            fixed(*negated, Why::Literals)
        }
        ExprKind::IsPresent { value, negated } if literal(value).is_some() => {
            fixed(!*negated, Why::Literals)
        }
        ExprKind::Matches { value, glob: g } => match literal(value) {
            Some(Lit::Text(t)) => fixed(glob::matches(&g.text, &t), Why::Literals),
            _ => None,
        },
        ExprKind::Not(x) => constant(x).map(|c| Constant {
            value: !c.value,
            ..c
        }),
        ExprKind::Or(..) => logic(e, true),
        ExprKind::And(..) => logic(e, false),
        _ => None,
    }
}

/// The operands of a chain of `or` (or of `and`), in order.
fn chain(e: &Expr, is_or: bool) -> Vec<&Expr> {
    let e = unparen(e);
    match (&e.kind, is_or) {
        (ExprKind::Or(a, b), true) | (ExprKind::And(a, b), false) => {
            let mut v = chain(a, is_or);
            v.extend(chain(b, is_or));
            v
        }
        _ => vec![e],
    }
}

/// `a or b or …` (`is_or`) or `a and b and …`.
fn logic(e: &Expr, is_or: bool) -> Option<Constant> {
    let parts = chain(e, is_or);
    let consts: Vec<Option<Constant>> = parts.iter().map(|p| constant(p)).collect();
    // One part with the deciding value decides the whole: `true or …`, `false and …`.
    if let Some(c) = consts.iter().flatten().find(|c| c.value == is_or) {
        return Some(Constant {
            cause: e.span,
            ..*c
        });
    }
    if consts.iter().all(Option::is_some) {
        return consts.first().copied().flatten().map(|c| Constant {
            value: !is_or,
            cause: e.span,
            ..c
        });
    }
    // `x is missing or x is present` is always true; with `and`, never.
    let complementary = parts.iter().enumerate().any(|(i, p)| {
        parts[i + 1..]
            .iter()
            .any(|q| match (presence(p), presence(q)) {
                (Some((a, pa)), Some((b, pb))) => pa != pb && same(a, b),
                _ => false,
            })
    });
    complementary.then_some(Constant {
        value: is_or,
        why: Why::MissingOrPresent,
        cause: e.span,
    })
}

/// `x is missing` → (x, false); `x is present` → (x, true); `not` and `is not` flip it.
fn presence(e: &Expr) -> Option<(&Expr, bool)> {
    match &unparen(e).kind {
        ExprKind::IsMissing { value, negated } => Some((value, *negated)),
        ExprKind::IsPresent { value, negated } => Some((value, !*negated)),
        ExprKind::Not(x) => presence(x).map(|(v, p)| (v, !p)),
        _ => None,
    }
}

/// A comparison chain holds when every pair does: fixed when every pair is fixed and true,
/// or when any pair is fixed and false.
fn compare(
    first: &Expr,
    rest: &[(CmpOp, Expr)],
    tol: Option<&Tolerance>,
    span: Span,
) -> Option<Constant> {
    let mut left = first;
    let mut why = None;
    let mut all = true;
    for (op, right) in rest {
        match pair(left, *op, right, tol) {
            Some((false, w)) => {
                return Some(Constant {
                    value: false,
                    why: w,
                    cause: span,
                });
            }
            Some((true, w)) => why = why.or(Some(w)),
            None => all = false,
        }
        left = right;
    }
    let why = why.filter(|_| all)?;
    Some(Constant {
        value: true,
        why,
        cause: span,
    })
}

fn pair(l: &Expr, op: CmpOp, r: &Expr, tol: Option<&Tolerance>) -> Option<(bool, Why)> {
    if let (Some(a), Some(b)) = (literal(l), literal(r)) {
        return literals(a, op, b, tol).map(|v| (v, Why::Literals));
    }
    if same(l, r) {
        return itself(op, tol).map(|v| (v, Why::Itself));
    }
    None
}

fn literals(a: Lit, op: CmpOp, b: Lit, tol: Option<&Tolerance>) -> Option<bool> {
    match (a, b) {
        (Lit::Text(a), Lit::Text(b)) => match op {
            CmpOp::Eq => Some(a == b),
            CmpOp::Ne => Some(a != b),
            // Ordering text is a type error, reported by the type check.
            _ => None,
        },
        (Lit::Num(a, u), Lit::Num(b, v)) => numbers((a, u), op, (b, v), tol),
        _ => None,
    }
}

/// `x OP x`: equal to itself whatever the tolerance; `x < x` is false without one (with one,
/// it depends on the tolerance and on how x was rounded).
fn itself(op: CmpOp, tol: Option<&Tolerance>) -> Option<bool> {
    match op {
        CmpOp::Eq | CmpOp::Le | CmpOp::Ge => Some(true),
        CmpOp::Ne => Some(false),
        CmpOp::Lt | CmpOp::Gt => tol.is_none().then_some(false),
    }
}

/// Two number literals compared as the evaluator does (literals are exact, so `within
/// rounding` adds nothing). Amounts in different money units are compared in kr; other
/// mixes of units are the type check's.
fn numbers(
    a: (Decimal, Option<UnitName>),
    op: CmpOp,
    b: (Decimal, Option<UnitName>),
    tol: Option<&Tolerance>,
) -> Option<bool> {
    let (a, b, unit) = match (a.1, b.1) {
        (Some(u), Some(v)) if u != v => {
            // A tolerance would be in the evaluator's common unit: not decided here.
            if !matches!(tol, None | Some(Tolerance::Rounding)) {
                return None;
            }
            (in_kr(a.0, u)?, in_kr(b.0, v)?, None)
        }
        (u, v) => (a.0, b.0, u.or(v)),
    };
    let t = match tol {
        None | Some(Tolerance::Rounding) => Decimal::ZERO,
        Some(Tolerance::Absolute(t, u)) if u.is_none() || *u == unit => t.abs(),
        Some(Tolerance::Absolute(..)) => return None,
        Some(Tolerance::Relative(p)) => p
            .checked_mul(b.abs())?
            .checked_div(Decimal::ONE_HUNDRED)?
            .abs(),
    };
    let diff = a.checked_sub(b)?;
    Some(crate::eval::within(op, a, b, diff, t))
}

/// An amount in kr; `None` for a unit that is not money (or on overflow).
fn in_kr(n: Decimal, u: UnitName) -> Option<Decimal> {
    let factor = match u {
        UnitName::Kr => 1,
        UnitName::Tkr => 1_000,
        UnitName::Mkr => 1_000_000,
        _ => return None,
    };
    n.checked_mul(Decimal::from(factor))
}

enum Lit {
    Num(Decimal, Option<UnitName>),
    Text(String),
}

/// A literal value, possibly negated or in parentheses.
fn literal(e: &Expr) -> Option<Lit> {
    match &unparen(e).kind {
        ExprKind::Number(n, u) => Some(Lit::Num(*n, *u)),
        ExprKind::Text(t) => Some(Lit::Text(t.clone())),
        ExprKind::Neg(x) => match literal(x)? {
            Lit::Num(n, u) => Some(Lit::Num(-n, u)),
            Lit::Text(_) => None,
        },
        _ => None,
    }
}

// ---------------------------------------------------------------- the same expression

/// Whether two expressions are the same, as written (spacing and parentheses aside).
pub(crate) fn same(a: &Expr, b: &Expr) -> bool {
    use ExprKind as K;
    let (a, b) = (unparen(a), unparen(b));
    match (&a.kind, &b.kind) {
        (K::Number(x, u), K::Number(y, v)) => x == y && u == v,
        (K::Text(x), K::Text(y)) => x == y,
        (
            K::Ref {
                previous: p,
                reference: r,
            },
            K::Ref {
                previous: q,
                reference: s,
            },
        ) => p == q && same_reference(r, s),
        (K::Neg(x), K::Neg(y)) | (K::Not(x), K::Not(y)) => same(x, y),
        (K::Arith(o, x1, x2), K::Arith(p, y1, y2)) => o == p && same(x1, y1) && same(x2, y2),
        (K::And(x1, x2), K::And(y1, y2)) | (K::Or(x1, x2), K::Or(y1, y2)) => {
            same(x1, y1) && same(x2, y2)
        }
        (
            K::Call {
                func: f,
                args: x,
                filter: g,
                ..
            },
            K::Call {
                func: h,
                args: y,
                filter: k,
                ..
            },
        ) => f == h && all_same(x, y) && same_opt(g.as_deref(), k.as_deref()),
        (
            K::Compare {
                first: f1,
                rest: r1,
                tolerance: t1,
                either_sign: s1,
            },
            K::Compare {
                first: f2,
                rest: r2,
                tolerance: t2,
                either_sign: s2,
            },
        ) => {
            s1.is_some() == s2.is_some()
                && same(f1, f2)
                && r1.len() == r2.len()
                && r1
                    .iter()
                    .zip(r2)
                    .all(|(x, y)| x.0 == y.0 && same(&x.1, &y.1))
                && t1.as_ref().map(|t| &t.0) == t2.as_ref().map(|t| &t.0)
        }
        (
            K::IsMissing {
                value: x,
                negated: m,
            },
            K::IsMissing {
                value: y,
                negated: n,
            },
        )
        | (
            K::IsPresent {
                value: x,
                negated: m,
            },
            K::IsPresent {
                value: y,
                negated: n,
            },
        ) => m == n && same(x, y),
        (K::Matches { value: x, glob: g }, K::Matches { value: y, glob: h }) => {
            g.text == h.text && same(x, y)
        }
        _ => false,
    }
}

fn all_same(x: &[Expr], y: &[Expr]) -> bool {
    x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
}

fn same_opt(x: Option<&Expr>, y: Option<&Expr>) -> bool {
    match (x, y) {
        (None, None) => true,
        (Some(a), Some(b)) => same(a, b),
        _ => false,
    }
}

fn same_reference(r: &Reference, s: &Reference) -> bool {
    use Reference as R;
    let name = |x: &Name, y: &Name| x.text == y.text;
    match (r, s) {
        (R::Name(x), R::Name(y)) => name(x, y),
        (
            R::Column {
                table: t,
                column: c,
            },
            R::Column {
                table: u,
                column: d,
            },
        ) => name(t, u) && name(c, d),
        (
            R::Total {
                table: t,
                column: c,
            },
            R::Total {
                table: u,
                column: d,
            },
        ) => {
            name(c, d)
                && match (t, u) {
                    (None, None) => true,
                    (Some(t), Some(u)) => name(t, u),
                    _ => false,
                }
        }
        (
            R::Keyed {
                table: t,
                key: k,
                column: c,
            },
            R::Keyed {
                table: u,
                key: l,
                column: d,
            },
        ) => name(t, u) && name(c, d) && same(k, l),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::check_constant;
    use crate::check::statics::testing::{found, rule_set};
    use crate::problem::Severity;

    fn check(rules: &str) -> Vec<(&'static str, String)> {
        let (set, sources) = rule_set(rules);
        let mut problems = Vec::new();
        check_constant(&set, &sources, &mut problems);
        assert!(problems.iter().all(|p| p.severity == Severity::Warning));
        found(&problems, &sources)
    }

    fn w(code: &'static str, text: &str) -> (&'static str, String) {
        (code, text.to_string())
    }

    #[test]
    fn comparisons_of_fixed_values() {
        assert_eq!(
            check(
                r#"rule a { 1 == 1 }
                   rule b { each t: 2 < 1 }
                   rule c { "a" != "b" }
                   rule d { 6.3 mkr == 6300 tkr }
                   rule e { 100 == 104 within 5 }
                   rule f { 1 <= 2 <= 3 }
                   rule ok { each t: a == 1 and 1 <= a <= 3 }"#
            ),
            [
                w("rules::always-true", "1 == 1"),
                w("rules::never-true", "2 < 1"),
                w("rules::always-true", "\"a\" != \"b\""),
                w("rules::always-true", "6.3 mkr == 6300 tkr"),
                w("rules::always-true", "100 == 104 within 5"),
                w("rules::always-true", "1 <= 2 <= 3"),
            ]
        );
    }

    #[test]
    fn a_value_compared_with_itself() {
        assert_eq!(
            check(
                r#"rule a { each t: x == x }
                   rule b { each t: a - b == (a - b) }
                   rule c { each t: T["k"].c >= T["k"].c }
                   rule d { each t: x != x within rounding }
                   rule e { each t: x < x }
                   rule ok1 { each t: x < x within 5 }
                   rule ok2 { each t: a - b == b - a }
                   rule ok3 { each t: T["k"].c == T["j"].c and x == previous.x }"#
            ),
            [
                w("rules::always-true", "x == x"),
                w("rules::always-true", "a - b == (a - b)"),
                w("rules::always-true", "T[\"k\"].c >= T[\"k\"].c"),
                w("rules::never-true", "x != x within rounding"),
                w("rules::never-true", "x < x"),
            ]
        );
    }

    #[test]
    fn missing_or_present_and_fixed_parts() {
        assert_eq!(
            check(
                r#"rule a { each t: x is missing or x is present }
                   rule b { each t: y > 0 or x is present or not x is present }
                   rule c { each t: x is missing and x is not missing }
                   rule d { each t: y > 0 and 1 == 1 }
                   rule e { each t: y > 0 or 1 == 2 }
                   rule ok { each t: x is missing or y is present }"#
            ),
            [
                w("rules::always-true", "x is missing or x is present"),
                w(
                    "rules::always-true",
                    "y > 0 or x is present or not x is present"
                ),
                w("rules::never-true", "x is missing and x is not missing"),
                w("rules::always-true", "1 == 1"),
                w("rules::never-true", "1 == 2"),
            ]
        );
    }

    #[test]
    fn if_and_where_that_are_fixed() {
        assert_eq!(
            check(
                r#"rule a { each t: if 1 == 2 then x > 0 }
                   rule b { each t: if x == x then y > 0 }
                   rule c { each t where "Summa" matches "varav*": x > 0 }
                   rule d { in t: sum(x where 1 == 1) > 0 }
                   rule e { in t: count(x where 2 < 1) == 0 }
                   rule ok { each t where key matches "varav*": if x > 0 then y > 0 }"#
            ),
            [
                w("rules::unreachable", "1 == 2"),
                w("rules::always-true", "x == x"),
                w("rules::unreachable", "\"Summa\" matches \"varav*\""),
                w("rules::always-true", "1 == 1"),
                w("rules::unreachable", "2 < 1"),
            ]
        );
    }

    #[test]
    fn tolerances_of_a_hundred_percent_or_more() {
        assert_eq!(
            check(
                r#"rule a { each t: x == y within 100% }
                   rule b { each t: x <= y within 250% }
                   rule ok1 { each t: x == y within 99% }
                   rule ok2 { each t: x < y within 100% }
                   rule ok3 { each t: x == y within 100 }"#
            ),
            [
                w("rules::always-true", "within 100%"),
                w("rules::always-true", "within 250%"),
            ]
        );
    }

    #[test]
    fn a_division_by_a_fixed_zero() {
        assert_eq!(
            check(
                r#"rule a { each t: a / 0 == b }
                   rule b { each t: a / (-0.00) <= 1 }
                   rule c { each t: abs(a / 0 tkr) <= 1 and a / b > 0 }
                   rule ok { each t: a / 10 == b / (c - d) }"#
            ),
            [
                w("rules::never-decided", "0"),
                w("rules::never-decided", "(-0.00)"),
                w("rules::never-decided", "0 tkr"),
            ]
        );
    }

    #[test]
    fn disabled_rules_are_left_alone() {
        let (mut set, sources) = rule_set("rule a { 1 == 1 }");
        set.rules[0].enabled = false;
        let mut problems = Vec::new();
        check_constant(&set, &sources, &mut problems);
        assert!(problems.is_empty());
    }
}
