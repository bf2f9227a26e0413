//! The quick pass: a check that an instance plainly holds, in `i128` integers, before the full
//! evaluation runs. Nearly every instance of a report holds, and the full evaluation builds
//! exact `Decimal` intervals, operands with their cells and messages for each one; this pass
//! reads the same cells and computes the same intervals, but only answers "holds".
//!
//! It is a filter, never a judge: it answers `true` only where the full evaluation would count
//! a pass, and anything it does not cover (a missing cell, a text, units to convert, a
//! product, a `let`, a condition, a figure too large or too precise) makes it answer `false`,
//! and the full evaluation decides. Findings and not-applicable instances therefore always
//! come from the full evaluation, with every word of their messages.
//!
//! Values are integers at a fixed scale of [`SCALE`] decimals: a figure printed with `d`
//! decimals stands for `[v − ½·10⁻ᵈ, v + ½·10⁻ᵈ]`, which needs `d + 1` decimals; sums and
//! differences of such intervals are exact in integers, and so are their comparisons. The
//! results are bounded by [`LIMIT`], well inside what `Decimal` holds, so where this pass
//! computes a value the full evaluation cannot overflow either.

use super::view::{RowKind, View};
use super::{Env, Evaluator, to_unit, within};
use crate::report::Unit;
use crate::syntax::ast::*;

/// A column of figures and its declared unit.
type ColumnAt = (usize, Option<Unit>);

/// Decimals of every value here.
const SCALE: u32 = 8;

/// The largest magnitude at [`SCALE`] this pass works with: `10²⁷` at 8 decimals is `10¹⁹`,
/// far beyond any report, and its mantissa at any scale up to 8 is below `Decimal`'s 96 bits.
const LIMIT: i128 = 10i128.pow(27);

/// `10ⁿ` for `n` up to [`SCALE`]: every figure read is scaled by one of these.
const POW10: [i64; SCALE as usize + 1] = {
    let mut p = [1i64; SCALE as usize + 1];
    let mut i = 1;
    while i < p.len() {
        p[i] = p[i - 1] * 10;
        i += 1;
    }
    p
};

/// A value with its rounding interval, all at [`SCALE`] decimals.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Fx {
    v: i128,
    lo: i128,
    hi: i128,
    unit: Option<Unit>,
}

impl Fx {
    /// A figure: mantissa `m` at `scale`, printed with `scale` decimals (`printed`), or exact.
    fn figure(m: i128, scale: u32, printed: bool, unit: Option<Unit>) -> Option<Fx> {
        // The interval needs one decimal more than the figure has.
        if scale + u32::from(printed) > SCALE {
            return None;
        }
        let v = m.checked_mul(i128::from(POW10[(SCALE - scale) as usize]))?;
        let half = if printed {
            5 * i128::from(POW10[(SCALE - scale - 1) as usize])
        } else {
            0
        };
        Fx {
            v,
            lo: v - half,
            hi: v + half,
            unit,
        }
        .bounded()
    }

    /// [`Fx::figure`] of a cell's `i32` mantissa: in `i64`, where it cannot overflow
    /// (`2³¹ · 10⁸ < 2⁶³`), rather than in `i128` with an overflow check, which is a call.
    fn cell(m: i32, scale: u32, printed: bool, unit: Option<Unit>) -> Option<Fx> {
        let up = SCALE.checked_sub(scale + u32::from(printed))?;
        let v = i64::from(m) * POW10[(up + u32::from(printed)) as usize];
        let half = if printed { 5 * POW10[up as usize] } else { 0 };
        // Far inside `LIMIT`: no bound to check.
        Some(Fx {
            v: i128::from(v),
            lo: i128::from(v - half),
            hi: i128::from(v + half),
            unit,
        })
    }

    fn bounded(self) -> Option<Fx> {
        let ok = |x: i128| (-LIMIT..=LIMIT).contains(&x);
        (ok(self.v) && ok(self.lo) && ok(self.hi)).then_some(self)
    }

    /// The unit of a sum or comparison of `a` and `b`: as `Num::align` gives it, where that
    /// needs no conversion.
    fn unit_with(a: Option<Unit>, b: Option<Unit>) -> Option<Option<Unit>> {
        match (a, b) {
            (Some(x), Some(y)) if x != y => None,
            (x, y) => Some(x.or(y)),
        }
    }

    fn add(self, o: Fx) -> Option<Fx> {
        Fx {
            v: self.v + o.v,
            lo: self.lo + o.lo,
            hi: self.hi + o.hi,
            unit: Fx::unit_with(self.unit, o.unit)?,
        }
        .bounded()
    }

    fn neg(self) -> Fx {
        Fx {
            v: -self.v,
            lo: -self.hi,
            hi: -self.lo,
            unit: self.unit,
        }
    }
}

/// Whether `expr` plainly holds in `env`; `false` means "ask the full evaluation".
pub(super) fn holds<'a>(ev: &Evaluator<'a>, expr: &'a Expr, env: &Env<'a>) -> bool {
    compile(ev, expr, env)
        .is_some_and(|c| c.holds(env.scope.as_deref(), env.row, env.rows.as_slice()))
}

/// `a OP b` under `tol`, as `Evaluator::compare_pair` decides it.
fn pair_holds(a: Fx, op: CmpOp, b: Fx, tol: Option<&Tolerance>) -> Option<bool> {
    let unit = Fx::unit_with(a.unit, b.unit)?;
    let diff = a.v - b.v;
    Some(match tol {
        Some(Tolerance::Rounding) => match op {
            CmpOp::Eq => a.lo <= b.hi && a.hi >= b.lo,
            CmpOp::Ne => !(a.lo <= b.hi && a.hi >= b.lo),
            CmpOp::Le => a.lo <= b.hi,
            CmpOp::Lt => a.lo < b.hi,
            CmpOp::Ge => a.hi >= b.lo,
            CmpOp::Gt => a.hi > b.lo,
        },
        Some(Tolerance::Absolute(n, u)) => {
            // The tolerance is converted to the compared unit when both have one: only the
            // case with nothing to convert is handled here.
            let tu = u.and_then(to_unit);
            if tu.is_some() && unit.is_some() && tu != unit {
                return None;
            }
            let t = Fx::figure(n.mantissa(), n.scale(), false, None)?.v.abs();
            within(op, a.v, b.v, diff, t)
        }
        Some(Tolerance::Relative(_)) => return None,
        None => within(op, a.v, b.v, diff, 0),
    })
}

/// One step of a [`Compiled`] side, run on a small stack of values.
#[derive(Clone, Copy, Debug)]
enum Op {
    /// The cell of the row in a column (with its declared unit).
    Cell(ColumnAt),
    /// `sum(c)` over the scope's normal rows.
    Sum(ColumnAt),
    /// `total.c`: the one total row of the scope.
    Total(ColumnAt),
    Figure(Fx),
    Neg,
    Add,
    Sub,
}

/// The deepest stack a compiled side may need.
const STACK: usize = 8;

/// A comparison compiled once for a view and its `for` bindings, then checked for row after
/// row or group after group without an `Env` or a walk of the expression: the same values in
/// the same order as [`holds`] computes them, so it answers "holds" exactly where
/// [`holds`] does.
#[derive(Debug)]
pub(super) struct Compiled {
    first: Vec<Op>,
    rest: Vec<(CmpOp, Vec<Op>, Option<Tolerance>)>,
    /// The values of a side being run: one vector for every run, not one per row.
    stack: std::cell::RefCell<Vec<Fx>>,
}

/// `expr` compiled for the scope of `env` (its view, its bindings); `None` where [`holds`]
/// would never answer "holds" or the expression has a shape this pass does not cover.
pub(super) fn compile<'a>(ev: &Evaluator<'a>, expr: &'a Expr, env: &Env<'a>) -> Option<Compiled> {
    let ExprKind::Compare {
        first,
        rest,
        tolerance,
        either_sign: None,
    } = &expr.unparen().kind
    else {
        return None;
    };
    let side = |e: &'a Expr| {
        let mut ops = Vec::new();
        let depth = compile_side(ev, e, env, &mut ops)?;
        (depth <= STACK).then_some(ops)
    };
    let mut out = Compiled {
        first: side(first)?,
        rest: Vec::new(),
        stack: std::cell::RefCell::new(Vec::with_capacity(STACK)),
    };
    for (op, e) in rest {
        let tol = match tolerance {
            None if *op == CmpOp::Eq => ev.options.default_tolerance.clone(),
            given => given.as_ref().map(|t| t.0.clone()),
        };
        out.rest.push((*op, side(e)?, tol));
    }
    Some(out)
}

/// Push the steps of `e` to `ops`, as [`value`] would compute it; returns the stack depth
/// it needs.
fn compile_side<'a>(
    ev: &Evaluator<'a>,
    e: &'a Expr,
    env: &Env<'a>,
    ops: &mut Vec<Op>,
) -> Option<usize> {
    let view = || env.scope.as_deref();
    Some(match &e.kind {
        ExprKind::Paren(inner) => compile_side(ev, inner, env, ops)?,
        ExprKind::Number(n, unit) => {
            ops.push(Op::Figure(Fx::figure(
                n.mantissa(),
                n.scale(),
                unit.is_some(),
                unit.and_then(to_unit),
            )?));
            1
        }
        ExprKind::Neg(inner) => {
            let d = compile_side(ev, inner, env, ops)?;
            ops.push(Op::Neg);
            d
        }
        ExprKind::Arith(op @ (ArithOp::Add | ArithOp::Sub), a, b) => {
            let da = compile_side(ev, a, env, ops)?;
            let db = compile_side(ev, b, env, ops)?;
            ops.push(if *op == ArithOp::Sub {
                Op::Sub
            } else {
                Op::Add
            });
            da.max(db + 1)
        }
        ExprKind::Ref {
            previous: false,
            reference: Reference::Name(n),
        } => {
            ops.push(Op::Cell(column(ev, view()?, &n.text, env)?));
            1
        }
        ExprKind::Ref {
            previous: false,
            reference:
                Reference::Total {
                    table: None,
                    column: c,
                },
        } => {
            ops.push(Op::Total(column(ev, view()?, &c.text, env)?));
            1
        }
        ExprKind::Call {
            func: Func::Agg(Aggregate::Sum),
            args,
            filter: None,
            ..
        } => {
            let [arg] = args.as_slice() else {
                return None;
            };
            let ExprKind::Ref {
                previous: false,
                reference: Reference::Name(n),
            } = &arg.kind
            else {
                return None;
            };
            ops.push(Op::Sum(column(ev, view()?, &n.text, env)?));
            1
        }
        _ => return None,
    })
}

impl Compiled {
    /// Whether a side reads the scope's rows (a sum or a total), not only the row.
    pub(super) fn reads_scope(&self) -> bool {
        std::iter::once(&self.first)
            .chain(self.rest.iter().map(|(_, ops, _)| ops))
            .flatten()
            .any(|op| matches!(op, Op::Sum(_) | Op::Total(_)))
    }

    /// Whether the comparison plainly holds for row `row` (if any) of `view`, with `rows`
    /// (the scope's rows) for sums and totals; `false` means "ask the full evaluation".
    pub(super) fn holds<R: RowIndex>(
        &self,
        view: Option<&View<'_>>,
        row: Option<usize>,
        rows: &[R],
    ) -> bool {
        let mut stack = self.stack.borrow_mut();
        let mut side = |ops: &[Op]| run(ops, view, row, rows, &mut stack);
        let Some(mut left) = side(&self.first) else {
            return false;
        };
        for (op, ops, tol) in &self.rest {
            let Some(right) = side(ops) else {
                return false;
            };
            if pair_holds(left, *op, right, tol.as_ref()) != Some(true) {
                return false;
            }
            left = right;
        }
        true
    }
}

/// A row's number as a list of rows holds it: `usize` in an `Env`, `u32` in the groups of a
/// view.
pub(super) trait RowIndex: Copy {
    fn index(self) -> usize;
}

impl RowIndex for usize {
    fn index(self) -> usize {
        self
    }
}

impl RowIndex for u32 {
    fn index(self) -> usize {
        self as usize
    }
}

/// The value of a compiled side.
fn run<R: RowIndex>(
    ops: &[Op],
    view: Option<&View<'_>>,
    row: Option<usize>,
    rows: &[R],
    stack: &mut Vec<Fx>,
) -> Option<Fx> {
    let zero = Fx {
        v: 0,
        lo: 0,
        hi: 0,
        unit: None,
    };
    stack.clear();
    for op in ops {
        let x = match *op {
            Op::Cell(col) => cell(view?, row?, col)?,
            Op::Figure(f) => f,
            Op::Sum(col) => {
                let view = view?;
                let kinds = view.kinds();
                let mut acc: Option<Fx> = None;
                for r in rows {
                    let r = r.index();
                    if kinds.get(r) != Some(&RowKind::Normal) {
                        continue;
                    }
                    let x = cell(view, r, col)?;
                    acc = Some(match acc {
                        None => x,
                        Some(a) => a.add(x)?,
                    });
                }
                acc.unwrap_or(zero)
            }
            Op::Total(col) => {
                let view = view?;
                let kinds = view.kinds();
                let mut totals = rows
                    .iter()
                    .filter(|r| kinds.get(r.index()) == Some(&RowKind::Total));
                let (Some(r), None) = (totals.next(), totals.next()) else {
                    return None;
                };
                cell(view, r.index(), col)?
            }
            Op::Neg | Op::Add | Op::Sub => {
                let b = stack.pop()?;
                if let Op::Neg = op {
                    b.neg()
                } else {
                    let a = stack.pop()?;
                    if let Op::Sub = op {
                        a.add(b.neg())?
                    } else {
                        a.add(b)?
                    }
                }
            }
        };
        stack.push(x);
    }
    match stack.as_slice() {
        [x] => Some(*x),
        _ => None,
    }
}

/// The column a (possibly `for`-bound) name reaches in `view`, with its declared unit: only a
/// column of figures, not a `let`, not the key.
fn column<'a>(
    ev: &Evaluator<'a>,
    view: &View<'a>,
    name: &'a str,
    env: &Env<'a>,
) -> Option<ColumnAt> {
    let bound = ev.bound(name, env);
    // What a name reaches depends on the name (after `for`) and on the table and its
    // declaration, which outlive the evaluation: looked up once, not once per cell.
    let table = std::ptr::from_ref(view.table) as usize;
    let decl = view.decl.map_or(0, |d| std::ptr::from_ref(d) as usize);
    let mut memo = ev.quick_columns.borrow_mut();
    if let Some(&(.., found)) = memo
        .0
        .iter()
        .find(|(t, d, b, _)| *t == table && *d == decl && b == bound)
    {
        return found;
    }
    let found = if bound == name && ev.set.constant(name).is_some() {
        None
    } else {
        match view.column(bound) {
            None | Some((_, Some(UnitName::Text))) => None,
            Some((col, unit)) => Some((col, unit.and_then(to_unit))),
        }
    };
    if memo.0.len() >= COLUMNS_REMEMBERED {
        memo.0.clear();
    }
    memo.0.push((table, decl, bound.to_string(), found));
    found
}

/// Columns the quick pass remembers at most (a rule names a few).
const COLUMNS_REMEMBERED: usize = 32;

/// Columns looked up: (table, declaration, name after `for`) → column and unit, if a column
/// of figures. Tables and declarations are told apart by address: both outlive the evaluator.
#[derive(Debug, Default)]
pub(super) struct Columns(Vec<(usize, usize, String, Option<ColumnAt>)>);

/// A cell's figure in the column's unit, where it is an inline figure needing no conversion.
fn cell(view: &View<'_>, row: usize, (col, declared): ColumnAt) -> Option<Fx> {
    let (m, decimals, unit) = view.table.inline_number(row, col)?;
    let unit = match (unit, declared) {
        (u, None) => u,
        (None, d) => d,
        (Some(u), Some(d)) if u == d => Some(d),
        _ => return None,
    };
    match decimals {
        Some(d) => Fx::cell(m, d, true, unit),
        None => Fx::cell(m, 0, false, unit),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fig(m: i128, d: u32) -> Fx {
        Fx::figure(m, d, true, None).unwrap()
    }

    #[test]
    fn a_printed_figure_stands_for_its_rounding_interval() {
        let x = fig(1234, 1); // 123,4 → [123,35, 123,45]
        assert_eq!(x.v, 12_340_000_000);
        assert_eq!((x.lo, x.hi), (12_335_000_000, 12_345_000_000));
        let exact = Fx::figure(7, 0, false, None).unwrap();
        assert_eq!(
            (exact.lo, exact.v, exact.hi),
            (700_000_000, 700_000_000, 700_000_000)
        );
    }

    #[test]
    fn a_cell_figure_is_the_figure_of_its_mantissa() {
        for m in [0, 1, -1, 44_097, i32::MAX, i32::MIN + 1] {
            for d in 0..=SCALE {
                for printed in [false, true] {
                    let unit = Some(Unit::Tkr);
                    assert_eq!(
                        Fx::cell(m, d, printed, unit),
                        Fx::figure(i128::from(m), d, printed, unit),
                        "{m} {d} {printed}"
                    );
                }
            }
        }
    }

    #[test]
    fn too_precise_or_too_large_is_left_to_the_full_evaluation() {
        assert!(Fx::figure(1, 8, true, None).is_none());
        assert!(Fx::figure(1, 9, false, None).is_none());
        assert!(Fx::figure(10i128.pow(20), 0, false, None).is_none());
    }

    #[test]
    fn units_combine_only_without_conversion() {
        let tkr = Fx::figure(1, 0, true, Some(Unit::Tkr)).unwrap();
        let kr = Fx::figure(1, 0, true, Some(Unit::Kr)).unwrap();
        let none = fig(1, 0);
        assert_eq!(tkr.add(none).unwrap().unit, Some(Unit::Tkr));
        assert!(tkr.add(kr).is_none());
    }

    #[test]
    fn rounding_comparisons_meet_like_intervals() {
        // 10 + 20 vs 31: [29, 31] meets [30.5, 31.5].
        let sum = fig(10, 0).add(fig(20, 0)).unwrap();
        let t = Some(&Tolerance::Rounding);
        assert_eq!(pair_holds(sum, CmpOp::Eq, fig(31, 0), t), Some(true));
        assert_eq!(pair_holds(sum, CmpOp::Eq, fig(32, 0), t), Some(false));
        assert_eq!(pair_holds(sum, CmpOp::Eq, fig(31, 0), None), Some(false));
        assert_eq!(pair_holds(fig(32, 0), CmpOp::Le, sum, t), Some(false));
        assert_eq!(pair_holds(fig(31, 0), CmpOp::Le, sum, t), Some(true));
    }
}
