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
use crate::report::{EMPTY, Unit};
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

/// A whole number printed as such, at [`SCALE`]: `m` stands for `[m − ½, m + ½]`.
const WHOLE: i64 = POW10[SCALE as usize];
const HALF: i64 = 5 * POW10[SCALE as usize - 1];

/// A value `v` and the half-width `h` of its rounding interval `[v − h, v + h]`, both at
/// [`SCALE`] decimals. Every interval here is of that form: a printed figure's is, and
/// sums, differences and negations of such intervals are too (their widths add).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Fx {
    v: i128,
    h: i128,
    unit: Option<Unit>,
}

impl Fx {
    const ZERO: Fx = Fx {
        v: 0,
        h: 0,
        unit: None,
    };

    /// A figure: mantissa `m` at `scale`, printed with `scale` decimals (`printed`), or exact.
    fn figure(m: i128, scale: u32, printed: bool, unit: Option<Unit>) -> Option<Fx> {
        // The interval needs one decimal more than the figure has.
        if scale + u32::from(printed) > SCALE {
            return None;
        }
        let v = m.checked_mul(i128::from(POW10[(SCALE - scale) as usize]))?;
        let h = if printed {
            5 * i128::from(POW10[(SCALE - scale - 1) as usize])
        } else {
            0
        };
        Fx { v, h, unit }.bounded()
    }

    /// [`Fx::figure`] of a cell's `i32` mantissa: in `i64`, where it cannot overflow
    /// (`2³¹ · 10⁸ < 2⁶³`), rather than in `i128` with an overflow check, which is a call.
    fn cell(m: i32, scale: u32, printed: bool, unit: Option<Unit>) -> Option<Fx> {
        let up = SCALE.checked_sub(scale + u32::from(printed))?;
        let v = i64::from(m) * POW10[(up + u32::from(printed)) as usize];
        let h = if printed { 5 * POW10[up as usize] } else { 0 };
        // Far inside `LIMIT`: no bound to check.
        Some(Fx {
            v: i128::from(v),
            h: i128::from(h),
            unit,
        })
    }

    fn bounded(self) -> Option<Fx> {
        let ok = |x: i128| (-LIMIT..=LIMIT).contains(&x);
        (ok(self.v - self.h) && ok(self.v + self.h)).then_some(self)
    }

    /// The unit of a sum or comparison of `a` and `b`: as `Num::align` gives it, where that
    /// needs no conversion.
    fn unit_with(a: Option<Unit>, b: Option<Unit>) -> Option<Option<Unit>> {
        match (a, b) {
            (Some(x), Some(y)) if x != y => None,
            (x, y) => Some(x.or(y)),
        }
    }

    /// `self + o` (`self − o` when `negated`): the values add or subtract, the widths add.
    fn plus(self, o: Fx, negated: bool) -> Option<Fx> {
        Some(Fx {
            v: if negated { self.v - o.v } else { self.v + o.v },
            h: self.h + o.h,
            unit: Fx::unit_with(self.unit, o.unit)?,
        })
    }
}

/// Whether `expr` plainly holds in `env`; `false` means "ask the full evaluation".
pub(super) fn holds<'a>(ev: &Evaluator<'a>, expr: &'a Expr, env: &Env<'a>) -> bool {
    compile(ev, expr, env)
        .is_some_and(|c| c.holds(env.scope.as_deref(), env.row, env.rows.as_slice()))
}

/// Whether `left OP right` holds under `tol`, as `Evaluator::compare_pair` decides it, from
/// `d = left − right` alone. With rounding the two intervals meet (`==`) or one reaches
/// below the other (`<=` …) exactly where `d`'s interval does so with zero.
fn decide(op: CmpOp, tol: &Tol, d: Fx) -> Option<bool> {
    let (v, h) = (d.v, d.h);
    Some(match tol {
        Tol::Rounding => match op {
            CmpOp::Eq => v.abs() <= h,
            CmpOp::Ne => v.abs() > h,
            CmpOp::Le => v <= h,
            CmpOp::Lt => v < h,
            CmpOp::Ge => v >= -h,
            CmpOp::Gt => v > -h,
        },
        Tol::Absolute(t, tu) => {
            // The tolerance is converted to the compared unit when both have one: only the
            // case with nothing to convert is handled here.
            if tu.is_some() && d.unit.is_some() && *tu != d.unit {
                return None;
            }
            within(op, v, 0, v, *t)
        }
        Tol::Exact => within(op, v, 0, v, 0),
    })
}

/// A comparison's tolerance, as this pass reads it.
#[derive(Clone, Copy, Debug)]
enum Tol {
    Exact,
    Rounding,
    /// At [`SCALE`], in its unit.
    Absolute(i128, Option<Unit>),
}

/// What a term of a compiled comparison reads.
#[derive(Clone, Copy, Debug)]
enum Term<'t> {
    /// The cell of the row in a column (with its declared unit); `whole` is the column's
    /// whole numbers when it keeps nothing else ([`crate::report::Table::integer_column`]).
    Cell(ColumnAt, Option<&'t [i32]>),
    /// `sum(c)` over the scope's normal rows.
    Sum(ColumnAt, Option<&'t [i32]>),
    /// `total.c`: the one total row of the scope.
    Total(ColumnAt),
}

/// One comparison of a chain (`a OP b` of `a OP b OP c`), compiled as `a − b`: a constant
/// and the terms added (or, `negated`, subtracted).
#[derive(Debug)]
struct Pair<'t> {
    op: CmpOp,
    tol: Tol,
    constant: Fx,
    terms: Vec<(bool, Term<'t>)>,
}

/// A comparison compiled once for a view and its `for` bindings, then checked for row after
/// row or group after group without an `Env` or a walk of the expression. Each side of a
/// comparison this pass covers is a sum of cells, column sums, totals and figures, so each
/// pair compares as one difference.
#[derive(Debug)]
pub(super) struct Compiled<'t> {
    pairs: Vec<Pair<'t>>,
    /// The sums and totals of the scope asked about last. Every row of an `each` shares its
    /// scope (the table, or its group), and worked out again for each row, a sum over the
    /// whole table took a time that grew with the square of its rows.
    scoped: std::cell::RefCell<Scoped>,
}

/// Sums and totals of one scope, told apart by where its list of rows is and its length:
/// (pair, term, value).
#[derive(Debug, Default)]
struct Scoped {
    scope: (usize, usize),
    values: Vec<(usize, usize, Option<Fx>)>,
}

/// `expr` compiled for the scope of `env` (its view, its bindings); `None` where [`holds`]
/// would never answer "holds" or the expression has a shape this pass does not cover.
pub(super) fn compile<'a>(
    ev: &Evaluator<'a>,
    expr: &'a Expr,
    env: &Env<'a>,
) -> Option<Compiled<'a>> {
    let ExprKind::Compare {
        first,
        rest,
        tolerance,
        either_sign: None,
    } = &expr.unparen().kind
    else {
        return None;
    };
    let mut pairs = Vec::with_capacity(rest.len());
    let mut left: &Expr = first;
    for (op, right) in rest {
        let tol = match tolerance {
            // A tolerance of `rimlig.toml` in a unit is left out where the unit does not
            // fit: the full evaluation sees to that.
            None if *op == CmpOp::Eq => match &ev.options.default_tolerance {
                Some(Tolerance::Absolute(_, Some(_))) => return None,
                other => other.clone(),
            },
            given => given.as_ref().map(|t| t.0.clone()),
        };
        let tol = match tol {
            None => Tol::Exact,
            Some(Tolerance::Rounding) => Tol::Rounding,
            Some(Tolerance::Absolute(n, u)) => Tol::Absolute(
                Fx::figure(n.mantissa(), n.scale(), false, None)?.v.abs(),
                u.and_then(to_unit),
            ),
            Some(Tolerance::Relative(_)) => return None,
        };
        let mut pair = Pair {
            op: *op,
            tol,
            constant: Fx::ZERO,
            terms: Vec::new(),
        };
        compile_side(ev, left, env, false, &mut pair)?;
        compile_side(ev, right, env, true, &mut pair)?;
        pair.constant = pair.constant.bounded()?;
        pairs.push(pair);
        left = right;
    }
    Some(Compiled {
        pairs,
        scoped: Default::default(),
    })
}

/// Add the terms of `e` (subtracted when `negated`) to `pair`.
fn compile_side<'a>(
    ev: &Evaluator<'a>,
    e: &'a Expr,
    env: &Env<'a>,
    negated: bool,
    pair: &mut Pair<'a>,
) -> Option<()> {
    let view = || env.scope.as_deref();
    let whole = |col: ColumnAt| view().and_then(|v| v.table.integer_column(col.0));
    match &e.kind {
        ExprKind::Paren(inner) => compile_side(ev, inner, env, negated, pair)?,
        ExprKind::Number(n, unit) => {
            let f = Fx::figure(
                n.mantissa(),
                n.scale(),
                unit.is_some(),
                unit.and_then(to_unit),
            )?;
            pair.constant = pair.constant.plus(f, negated)?.bounded()?;
        }
        ExprKind::Neg(inner) => compile_side(ev, inner, env, !negated, pair)?,
        ExprKind::Arith(op @ (ArithOp::Add | ArithOp::Sub), a, b) => {
            compile_side(ev, a, env, negated, pair)?;
            compile_side(ev, b, env, negated ^ (*op == ArithOp::Sub), pair)?;
        }
        ExprKind::Ref {
            previous: false,
            reference: Reference::Name(n),
        } => {
            let col = column(ev, view()?, &n.text, env)?;
            pair.terms.push((negated, Term::Cell(col, whole(col))));
        }
        ExprKind::Ref {
            previous: false,
            reference:
                Reference::Total {
                    table: None,
                    column: c,
                },
        } => {
            let col = column(ev, view()?, &c.text, env)?;
            pair.terms.push((negated, Term::Total(col)));
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
            let col = column(ev, view()?, &n.text, env)?;
            pair.terms.push((negated, Term::Sum(col, whole(col))));
        }
        _ => return None,
    }
    Some(())
}

impl Compiled<'_> {
    /// Whether a comparison reads the scope's rows (a sum or a total), not only the row.
    pub(super) fn reads_scope(&self) -> bool {
        self.pairs
            .iter()
            .flat_map(|p| &p.terms)
            .any(|(_, t)| matches!(t, Term::Sum(..) | Term::Total(_)))
    }

    /// Whether the comparison plainly holds for row `row` (if any) of `view`, with `rows`
    /// (the scope's rows) for sums and totals; `false` means "ask the full evaluation".
    pub(super) fn holds<R: RowIndex>(
        &self,
        view: Option<&View<'_>>,
        row: Option<usize>,
        rows: &[R],
    ) -> bool {
        self.decides(view, row, rows) == Some(true)
    }

    /// Whether the comparison holds for row `row` (if any) of `view`, with `rows` (the
    /// scope's rows) for sums and totals, where every side of it is plain enough to tell
    /// either way; `None`: ask the full evaluation (which may find it not applicable).
    pub(super) fn decides<R: RowIndex>(
        &self,
        view: Option<&View<'_>>,
        row: Option<usize>,
        rows: &[R],
    ) -> Option<bool> {
        let mut scoped = self.scoped.borrow_mut();
        let scope = (rows.as_ptr() as usize, rows.len());
        if scoped.scope != scope {
            scoped.scope = scope;
            scoped.values.clear();
        }
        let mut all = true;
        for (i, p) in self.pairs.iter().enumerate() {
            all &= p.holds(view, row, rows, |t| (i, t), &mut scoped.values)?;
        }
        Some(all)
    }
}

impl<'t> Compiled<'t> {
    /// Whether the comparison plainly holds on each row of `rows`, as [`Compiled::holds`]
    /// answers row by row, worked out column by column; `None` unless every term is a cell
    /// of a column of whole numbers. Most instances of a large table are of that kind
    /// (`avvikelse == redovisat - budget`), and a loop over columns spends a few
    /// nanoseconds on a row where the row-by-row walk spends tens.
    pub(super) fn holds_on_rows(&self, rows: std::ops::Range<usize>) -> Option<Vec<bool>> {
        let mut holds = vec![true; rows.len()];
        for pair in &self.pairs {
            let mut unit = Some(pair.constant.unit);
            let mut columns = Vec::with_capacity(pair.terms.len());
            for &(negated, term) in &pair.terms {
                let Term::Cell((_, u), Some(whole)) = term else {
                    return None;
                };
                unit = unit.and_then(|x| Fx::unit_with(x, u));
                columns.push((negated, whole));
            }
            // Terms of units that need converting: the row-by-row walk never answers "holds".
            let Some(unit) = unit else {
                return Some(vec![false; rows.len()]);
            };
            let h = pair.constant.h + i128::from(HALF) * columns.len() as i128;
            for (r, holds) in rows.clone().zip(holds.iter_mut()) {
                if !*holds {
                    continue;
                }
                // The whole numbers added up first, then scaled once: each is an `i32`, and
                // an `i64` holds the sum of four billion of them, more terms than a rule
                // file within its size limit can write.
                let mut sum: Option<i64> = Some(0);
                for &(negated, whole) in &columns {
                    let m = whole.get(r).copied().unwrap_or(EMPTY);
                    if m == EMPTY {
                        sum = None;
                        break;
                    }
                    let m = i64::from(m);
                    sum = sum.map(|s| if negated { s - m } else { s + m });
                }
                *holds = sum.is_some_and(|s| {
                    let v = pair.constant.v + i128::from(s) * i128::from(WHOLE);
                    Fx { v, h, unit }
                        .bounded()
                        .and_then(|d| decide(pair.op, &pair.tol, d))
                        == Some(true)
                });
            }
        }
        Some(holds)
    }
}

/// A term of a group's comparison read straight from a column of whole numbers: `sum(c)`
/// over the group's normal rows, or `total.c`.
#[derive(Clone, Copy)]
enum GroupTerm<'t> {
    Sum(&'t [i32], Option<Unit>),
    Total(&'t [i32], Option<Unit>),
}

/// Whether each group `g` of `range` plainly holds every comparison of `compiled`, as
/// [`Compiled::holds`] answers group by group; `None` unless every term is a sum or a total
/// of a column of whole numbers. Such a group's check (`sum(c) == total.c` for each column)
/// then costs a pass over its rows for their kinds and a few additions per column, where the
/// group-by-group walk looks each row's kind up again for every sum and total.
pub(super) fn holds_on_groups(
    compiled: &[Compiled<'_>],
    view: &View<'_>,
    groups: &super::view::Groups,
    range: std::ops::Range<usize>,
) -> Option<Vec<bool>> {
    let mut pairs = Vec::new();
    for pair in compiled.iter().flat_map(|c| &c.pairs) {
        let mut terms = Vec::with_capacity(pair.terms.len());
        for &(negated, term) in &pair.terms {
            terms.push((
                negated,
                match term {
                    Term::Sum((_, unit), Some(whole)) => GroupTerm::Sum(whole, unit),
                    Term::Total((col, unit)) => {
                        GroupTerm::Total(view.table.integer_column(col)?, unit)
                    }
                    _ => return None,
                },
            ));
        }
        pairs.push((pair, terms));
    }
    let kinds = view.kinds();
    let mut normal: Vec<u32> = Vec::new();
    Some(
        range
            .map(|g| {
                let rows = groups.row_slice(g);
                normal.clear();
                let mut total = None;
                let mut totals = 0;
                for &r in rows {
                    match kinds.get(r as usize) {
                        Some(RowKind::Normal) => normal.push(r),
                        Some(RowKind::Total) => {
                            totals += 1;
                            total = Some(r);
                        }
                        _ => {}
                    }
                }
                let total = if totals == 1 { total } else { None };
                pairs
                    .iter()
                    .all(|(pair, terms)| group_holds(pair, terms, &normal, total) == Some(true))
            })
            .collect(),
    )
}

/// [`Pair::holds`] for a group whose normal rows are `normal` and whose one total row (if it
/// has exactly one) is `total`.
fn group_holds(
    pair: &Pair<'_>,
    terms: &[(bool, GroupTerm<'_>)],
    normal: &[u32],
    total: Option<u32>,
) -> Option<bool> {
    let mut d = pair.constant;
    for &(negated, term) in terms {
        let x = match term {
            GroupTerm::Sum(whole, unit) => {
                whole_sum(whole, normal.iter().map(|&r| r as usize), unit)?
            }
            GroupTerm::Total(whole, unit) => whole_figure(*whole.get(total? as usize)?, unit)?,
        };
        d = d.plus(x, negated)?;
    }
    decide(pair.op, &pair.tol, d.bounded()?)
}

impl Pair<'_> {
    /// `known`: the sums and totals of `rows` worked out so far, each under `at(term)`.
    fn holds<R: RowIndex>(
        &self,
        view: Option<&View<'_>>,
        row: Option<usize>,
        rows: &[R],
        at: impl Fn(usize) -> (usize, usize),
        known: &mut Vec<(usize, usize, Option<Fx>)>,
    ) -> Option<bool> {
        let mut d = self.constant;
        for (t, &(negated, term)) in self.terms.iter().enumerate() {
            let x = match term {
                Term::Cell(col, whole) => match whole {
                    Some(w) => whole_figure(*w.get(row?)?, col.1)?,
                    None => cell(view?, row?, col)?,
                },
                Term::Sum(..) | Term::Total(_) => {
                    let key = at(t);
                    match known.iter().find(|(p, k, _)| (*p, *k) == key) {
                        Some(&(.., x)) => x?,
                        None => {
                            let x = scoped_value(term, view?, rows);
                            known.push((key.0, key.1, x));
                            x?
                        }
                    }
                }
            };
            d = d.plus(x, negated)?;
        }
        decide(self.op, &self.tol, d.bounded()?)
    }
}

/// A sum or total over the rows `rows` of `view`.
fn scoped_value<R: RowIndex>(term: Term<'_>, view: &View<'_>, rows: &[R]) -> Option<Fx> {
    match term {
        Term::Cell(..) => None,
        Term::Sum(col, whole) => sum(view, rows, col, whole),
        Term::Total(col) => {
            let kinds = view.kinds();
            let mut totals = rows
                .iter()
                .filter(|r| kinds.get(r.index()) == Some(&RowKind::Total));
            let (Some(r), None) = (totals.next(), totals.next()) else {
                return None;
            };
            cell(view, r.index(), col)
        }
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

/// A whole number of a column that keeps only those, in the column's unit.
fn whole_figure(m: i32, unit: Option<Unit>) -> Option<Fx> {
    if m == EMPTY {
        return None;
    }
    Fx::cell(m, 0, true, unit)
}

/// `sum(c)` over the normal rows of `rows`: without a normal row, zero.
fn sum<R: RowIndex>(
    view: &View<'_>,
    rows: &[R],
    col: ColumnAt,
    whole: Option<&[i32]>,
) -> Option<Fx> {
    let kinds = view.kinds();
    let normal = |r: &R| kinds.get(r.index()) == Some(&RowKind::Normal);
    if let Some(w) = whole {
        return whole_sum(
            w,
            rows.iter().filter(|r| normal(r)).map(|r| r.index()),
            col.1,
        );
    }
    let mut acc = Fx::ZERO;
    for r in rows.iter().filter(|r| normal(r)) {
        acc = acc.plus(cell(view, r.index(), col)?, false)?;
    }
    Some(acc)
}

/// The sum of the whole numbers `whole` of the rows `rows`, in `unit`: zero without a row,
/// `None` if a cell is empty. Summed as they are and scaled once: even 2³² of them stay far
/// inside an `i128` at `SCALE`.
fn whole_sum(whole: &[i32], rows: impl Iterator<Item = usize>, unit: Option<Unit>) -> Option<Fx> {
    let (mut total, mut n) = (0i64, 0i64);
    for r in rows {
        let m = *whole.get(r)?;
        if m == EMPTY {
            return None;
        }
        total += i64::from(m);
        n += 1;
    }
    Some(if n == 0 {
        Fx::ZERO
    } else {
        Fx {
            v: i128::from(total) * i128::from(WHOLE),
            h: i128::from(n) * i128::from(HALF),
            unit,
        }
    })
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

    /// Every tolerance the quick pass reads, one of them in a unit of its own.
    fn tolerances() -> [Tol; 4] {
        [
            Tol::Exact,
            Tol::Rounding,
            Tol::Absolute(2 * i128::from(WHOLE), None),
            Tol::Absolute(i128::from(WHOLE), Some(Unit::Kr)),
        ]
    }

    const OPERATORS: [CmpOp; 6] = [
        CmpOp::Eq,
        CmpOp::Ne,
        CmpOp::Le,
        CmpOp::Lt,
        CmpOp::Ge,
        CmpOp::Gt,
    ];

    fn fig(m: i128, d: u32) -> Fx {
        Fx::figure(m, d, true, None).unwrap()
    }

    #[test]
    fn a_printed_figure_stands_for_its_rounding_interval() {
        let x = fig(1234, 1); // 123,4 → [123,35, 123,45]
        assert_eq!((x.v, x.h), (12_340_000_000, 5_000_000));
        let exact = Fx::figure(7, 0, false, None).unwrap();
        assert_eq!((exact.v, exact.h), (700_000_000, 0));
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
        assert_eq!(tkr.plus(none, false).unwrap().unit, Some(Unit::Tkr));
        assert!(tkr.plus(kr, true).is_none());
    }

    #[test]
    fn rounding_comparisons_meet_like_intervals() {
        // 10 + 20 vs 31: [29, 31] meets [30.5, 31.5].
        let sum = fig(10, 0).plus(fig(20, 0), false).unwrap();
        let vs = |a: Fx, op, b: Fx, tol| decide(op, &tol, a.plus(b, true).unwrap());
        assert_eq!(vs(sum, CmpOp::Eq, fig(31, 0), Tol::Rounding), Some(true));
        assert_eq!(vs(sum, CmpOp::Eq, fig(32, 0), Tol::Rounding), Some(false));
        assert_eq!(vs(sum, CmpOp::Eq, fig(31, 0), Tol::Exact), Some(false));
        assert_eq!(vs(fig(32, 0), CmpOp::Le, sum, Tol::Rounding), Some(false));
        assert_eq!(vs(fig(31, 0), CmpOp::Le, sum, Tol::Rounding), Some(true));
        // Strictly: some value of one interval lies below some value of the other.
        assert_eq!(vs(fig(31, 0), CmpOp::Lt, sum, Tol::Rounding), Some(true));
        assert_eq!(vs(fig(32, 0), CmpOp::Lt, sum, Tol::Rounding), Some(false));
        assert_eq!(vs(sum, CmpOp::Ge, fig(31, 0), Tol::Rounding), Some(true));
        assert_eq!(vs(sum, CmpOp::Gt, fig(31, 0), Tol::Rounding), Some(true));
        assert_eq!(vs(sum, CmpOp::Gt, fig(32, 0), Tol::Rounding), Some(false));
        assert_eq!(vs(sum, CmpOp::Ne, fig(32, 0), Tol::Rounding), Some(true));
    }

    /// Groups with no total row, one, or two; skipped rows; empty cells in a summed row, a
    /// skipped row and a total row; figures at the `i32` edges; every operator and tolerance.
    #[test]
    fn groups_checked_together_agree_with_the_group_by_group_walk() {
        use crate::report::csv::load_csv;
        use crate::source::{Sources, Span};
        let mut csv = String::from("grupp;rad;a;b;c\n");
        let figures = ["0", "1", "-1", "44 097", "2147483647", "-2147483647", ""];
        let mut i = 0usize;
        for g in 0..40 {
            let totals = g % 3;
            for r in 0..(g % 5) + totals + 1 {
                let key = if r < totals {
                    "Summa"
                } else if r % 4 == 3 {
                    "Övrigt"
                } else {
                    "Rad"
                };
                let mut fig = || {
                    i += 1;
                    // Mostly small figures, so that many groups add up.
                    if i.is_multiple_of(5) {
                        figures[i / 5 % figures.len()]
                    } else {
                        "2"
                    }
                };
                let (a, b) = (fig(), fig());
                csv.push_str(&format!("G{g};{key};{a};{b};1,5\n"));
            }
        }
        let (mut sources, mut problems) = (Sources::default(), Vec::new());
        let table = load_csv("t.csv", "t", csv.as_bytes(), &mut sources, &mut problems).unwrap();
        let str_ = |t: &str| Str {
            text: t.into(),
            span: Span::default(),
        };
        let name = |t: &str| Name {
            text: t.into(),
            span: Span::default(),
        };
        let decl = TableDecl {
            name: name("t"),
            glob: str_("t"),
            key: Some((name("rad"), str_("rad"))),
            columns: Vec::new(),
            totals: vec![str_("Summa")],
            skips: vec![str_("Övrigt")],
            group: None,
            span: Span::default(),
        };
        let view = View::new(0, &table, Some(&decl));
        let groups = view.groups_of_rows_by(0);
        assert_eq!(groups.count(), 40);
        let (a, b) = (table.integer_column(2), table.integer_column(3));
        assert!(a.is_some() && b.is_some() && table.integer_column(4).is_none());
        let tkr = Some(Unit::Tkr);
        let mut answers = [0usize; 2];
        for tol in tolerances() {
            for op in OPERATORS {
                for constant in [Fx::ZERO, fig(3, 1)] {
                    let pair = |terms| Pair {
                        op,
                        tol,
                        constant,
                        terms,
                    };
                    let compiled = [
                        // sum(a) == total.a
                        Compiled {
                            pairs: vec![pair(vec![
                                (false, Term::Sum((2, tkr), a)),
                                (true, Term::Total((2, tkr))),
                            ])],
                            scoped: Default::default(),
                        },
                        // total.b - sum(a) == sum(b)
                        Compiled {
                            pairs: vec![pair(vec![
                                (false, Term::Total((3, None))),
                                (true, Term::Sum((2, tkr), a)),
                                (true, Term::Sum((3, None), b)),
                            ])],
                            scoped: Default::default(),
                        },
                    ];
                    for one in [&compiled[..1], &compiled[1..], &compiled[..]] {
                        let together = holds_on_groups(one, &view, &groups, 3..groups.count())
                            .expect("sums and totals of whole numbers");
                        for (g, holds) in (3..groups.count()).zip(together) {
                            let walked = one
                                .iter()
                                .all(|c| c.holds(Some(&view), None, groups.row_slice(g)));
                            assert_eq!(holds, walked, "group {g}, {op:?} {tol:?} {constant:?}");
                            answers[usize::from(holds)] += 1;
                        }
                    }
                    // A column that keeps more than whole numbers: left to the walk.
                    let decimals = Compiled {
                        pairs: vec![pair(vec![
                            (false, Term::Sum((4, None), None)),
                            (true, Term::Total((4, None))),
                        ])],
                        scoped: Default::default(),
                    };
                    assert!(holds_on_groups(&[decimals], &view, &groups, 0..1).is_none());
                }
            }
        }
        assert!(answers[0] > 100 && answers[1] > 100, "{answers:?}");
    }

    #[test]
    fn whole_number_columns_checked_together_agree_with_the_row_by_row_walk() {
        // Figures near the edges, empty cells, and every operator and tolerance.
        let values = [
            0,
            1,
            -1,
            2,
            3,
            44_097,
            -44_097,
            i32::MAX,
            i32::MIN + 1,
            EMPTY,
        ];
        let n = values.len();
        let a: Vec<i32> = (0..n * n * n).map(|i| values[i % n]).collect();
        let b: Vec<i32> = (0..n * n * n).map(|i| values[i / n % n]).collect();
        let c: Vec<i32> = (0..n * n * n).map(|i| values[i / n / n]).collect();
        let tkr = Some(Unit::Tkr);
        let constants = [
            Fx::ZERO,
            fig(3, 1),
            Fx::figure(5, 0, false, Some(Unit::Kr)).unwrap(),
        ];
        for tol in tolerances() {
            for op in OPERATORS {
                for constant in constants {
                    let compiled = Compiled {
                        pairs: vec![Pair {
                            op,
                            tol,
                            constant,
                            terms: vec![
                                (false, Term::Cell((0, tkr), Some(&a))),
                                (true, Term::Cell((1, tkr), Some(&b))),
                                (false, Term::Cell((2, None), Some(&c))),
                            ],
                        }],
                        scoped: Default::default(),
                    };
                    let rows = 3..a.len() + 2;
                    let together = compiled.holds_on_rows(rows.clone()).expect("cells only");
                    for (r, holds) in rows.zip(together) {
                        let walked = compiled.holds::<usize>(None, Some(r), &[]);
                        assert_eq!(holds, walked, "row {r}, {op:?} {tol:?} {constant:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn an_absolute_tolerance_is_read_in_the_compared_unit_only() {
        let a = Fx::figure(100, 0, false, Some(Unit::Tkr)).unwrap();
        let b = Fx::figure(98, 0, false, Some(Unit::Tkr)).unwrap();
        let d = a.plus(b, true).unwrap();
        let two = Fx::figure(2, 0, false, None).unwrap().v;
        assert_eq!(
            decide(CmpOp::Eq, &Tol::Absolute(two, Some(Unit::Tkr)), d),
            Some(true)
        );
        assert_eq!(
            decide(CmpOp::Eq, &Tol::Absolute(two - 1, None), d),
            Some(false)
        );
        assert_eq!(
            decide(CmpOp::Eq, &Tol::Absolute(two, Some(Unit::Kr)), d),
            None
        );
    }
}
