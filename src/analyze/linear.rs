//! From a rule's syntax tree to linear constraints over symbolic variables.
//!
//! Each comparison the rule asserts becomes a *fact*: the cases in which it holds and the
//! cases in which it fails, both as a disjunction of conjunctions of linear constraints
//! (`x == y` fails when `x < y` or `x > y`). What cannot be written so — `abs`, `min`/`max` of
//! several values, a product of two values, text, `previous.`, conditions — is left out with a
//! reason.
//!
//! Variables are named by what they stand for, so that the same cell in two rules is the same
//! variable. Inside `each T:` a column `c` is `T.c`, one generic row that every `each T` rule
//! constrains. Totals, keyed rows and aggregates are variables of their own. Wherever it is
//! not certain that two references mean the same value (a grouped table, `by`), they get
//! different names: a missing identification only loses findings, a wrong one would invent
//! them.

use super::solver::{Atom, Lin, Rat};
use crate::check::{LoadedRule, RuleSet};
use crate::source::{Sources, Span};
use crate::syntax::ast::*;
use std::collections::{BTreeSet, HashMap};

/// A disjunction of conjunctions: `[]` is false, `[[]]` is true.
pub type Dnf = Vec<Vec<Atom>>;

/// How many cases a formula may have before it is left out (`and`/`or` multiply them).
const MAX_CASES: usize = 64;
/// How deep expressions (and `let`s within them) are followed.
const MAX_DEPTH: usize = 200;

/// One analysable comparison of a rule (one per column of a `for`).
#[derive(Clone, Debug)]
pub struct Fact {
    pub holds: Dnf,
    pub fails: Dnf,
    /// The assertion as written.
    pub span: Span,
    /// The assertion as written, `for` variables replaced by their columns.
    pub text: String,
    /// A `within rounding` was read as an exact comparison.
    pub rounding: bool,
    pub vars: BTreeSet<usize>,
}

/// An `if` or `where` condition that could be written as linear constraints.
#[derive(Clone, Debug)]
pub struct Condition {
    pub holds: Dnf,
    pub span: Span,
    pub text: String,
    /// `if` or `where`.
    pub keyword: &'static str,
}

/// A part of a rule that is not analysed, and why.
#[derive(Clone, Debug)]
pub struct Skipped {
    pub span: Span,
    pub reason: String,
}

/// What the analysis can read of one rule.
#[derive(Clone, Debug, Default)]
pub struct RuleFacts {
    pub facts: Vec<Fact>,
    pub skipped: Vec<Skipped>,
    pub conditions: Vec<Condition>,
}

/// The symbolic variables, by name.
#[derive(Debug, Default)]
pub struct Vars {
    names: Vec<String>,
    index: HashMap<String, usize>,
}

impl Vars {
    pub fn id(&mut self, name: String) -> usize {
        if let Some(i) = self.index.get(&name) {
            return *i;
        }
        self.names.push(name.clone());
        self.index.insert(name, self.names.len() - 1);
        self.names.len() - 1
    }
    pub fn name(&self, i: usize) -> &str {
        self.names.get(i).map_or("?", String::as_str)
    }
}

#[derive(Clone, Debug)]
enum ScopeKind {
    Each,
    In { by: Option<String> },
}

#[derive(Clone, Debug)]
struct Scope {
    table: String,
    kind: ScopeKind,
}

#[derive(Clone, Debug, Default)]
struct Ctx {
    scope: Option<Scope>,
    bindings: Vec<(String, String)>,
}

impl Ctx {
    /// The column a name stands for: a `for` variable's column, or the name itself.
    fn bound(&self, name: &str) -> String {
        self.bindings
            .iter()
            .rev()
            .find(|(v, _)| v == name)
            .map_or_else(|| name.to_string(), |(_, c)| c.clone())
    }
    fn is_var(&self, name: &str) -> bool {
        self.bindings.iter().any(|(v, _)| v == name)
    }
}

type Res<T> = Result<T, String>;

fn too_large() -> String {
    "its numbers are too large to analyse".to_string()
}

/// Translate one rule.
pub fn translate(lr: &LoadedRule, set: &RuleSet, sources: &Sources, vars: &mut Vars) -> RuleFacts {
    let text = sources.get(lr.source).text.as_str();
    let mut t = Tr {
        set,
        text,
        vars,
        lets: Vec::new(),
        defs: Vec::new(),
        out: RuleFacts::default(),
    };
    for a in &lr.rule.body {
        t.assertion(a, &Ctx::default(), 0);
    }
    t.out
}

struct Tr<'a> {
    set: &'a RuleSet,
    /// The rule file's text, for the assertions as written.
    text: &'a str,
    vars: &'a mut Vars,
    /// The `let`s being followed, against a `let` that names itself.
    lets: Vec<String>,
    /// Definitions of the fresh variables that stand for `abs`, `min` and `max` in the
    /// formula being read: each holds for every value of its arguments, so adding them to
    /// both the holding and the failing cases is exact.
    defs: Vec<Dnf>,
    out: RuleFacts,
}

/// Replace whole-word `for` variables by their columns, and collapse white space.
fn substitute(text: &str, bindings: &[(String, String)]) -> String {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    let mut out = text.to_string();
    for (var, col) in bindings.iter().rev() {
        let chars: Vec<char> = out.chars().collect();
        let v: Vec<char> = var.chars().collect();
        let mut result = String::new();
        let mut i = 0;
        while i < chars.len() {
            let hit = chars[i..].starts_with(&v)
                && (i == 0 || !is_ident(chars[i - 1]))
                && chars.get(i + v.len()).is_none_or(|c| !is_ident(*c));
            if hit && !v.is_empty() {
                result.push_str(col);
                i += v.len();
            } else {
                result.push(chars[i]);
                i += 1;
            }
        }
        out = result;
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every combination of one case of `a` with one of `b`.
fn product(a: &Dnf, b: &Dnf) -> Res<Dnf> {
    if a.len().saturating_mul(b.len()) > MAX_CASES {
        return Err("it has too many cases (and/or) to analyse".into());
    }
    let mut out = Vec::new();
    for x in a {
        for y in b {
            out.push(x.iter().chain(y).cloned().collect());
        }
    }
    Ok(out)
}

fn union(mut a: Dnf, b: Dnf) -> Res<Dnf> {
    a.extend(b);
    if a.len() > MAX_CASES {
        return Err("it has too many cases (and/or) to analyse".into());
    }
    Ok(a)
}

fn money_exponent(u: UnitName) -> Option<u32> {
    match u {
        UnitName::Kr => Some(0),
        UnitName::Tkr => Some(3),
        UnitName::Mkr => Some(6),
        _ => None,
    }
}

/// When one pair of a comparison holds and when it fails, for `d = left − right` and a
/// tolerance `t >= 0` (as the evaluator reads it: `<=` widens upwards, `>=` downwards).
fn pair(d: &Lin, op: CmpOp, t: &Lin) -> Option<(Dnf, Dnf)> {
    let zero = Lin::default();
    let nd = zero.sub(d)?;
    if t.is_constant() && t.constant.is_zero() {
        let eq = Atom::eq(d, &zero)?;
        let lt = Atom::lt(d, &zero)?;
        let gt = Atom::lt(&nd, &zero)?;
        let le = Atom::le(d, &zero)?;
        let ge = Atom::le(&nd, &zero)?;
        return Some(match op {
            CmpOp::Eq => (vec![vec![eq]], vec![vec![lt], vec![gt]]),
            CmpOp::Ne => (vec![vec![lt], vec![gt]], vec![vec![eq]]),
            CmpOp::Le => (vec![vec![le]], vec![vec![gt]]),
            CmpOp::Lt => (vec![vec![lt]], vec![vec![ge]]),
            CmpOp::Ge => (vec![vec![ge]], vec![vec![lt]]),
            CmpOp::Gt => (vec![vec![gt]], vec![vec![le]]),
        });
    }
    // d <= t, d > t, -d <= t, -d > t …
    let d_le = Atom::le(d, t)?;
    let d_lt = Atom::lt(d, t)?;
    let d_gt = Atom::lt(t, d)?;
    let d_ge = Atom::le(t, d)?;
    let n_le = Atom::le(&nd, t)?;
    let n_lt = Atom::lt(&nd, t)?;
    let n_gt = Atom::lt(t, &nd)?;
    let n_ge = Atom::le(t, &nd)?;
    Some(match op {
        CmpOp::Eq => (
            vec![vec![d_le.clone(), n_le.clone()]],
            vec![vec![d_gt.clone()], vec![n_gt.clone()]],
        ),
        CmpOp::Ne => (vec![vec![d_gt], vec![n_gt]], vec![vec![d_le, n_le]]),
        CmpOp::Le => (vec![vec![d_le]], vec![vec![d_gt]]),
        CmpOp::Lt => (vec![vec![d_lt]], vec![vec![d_ge]]),
        CmpOp::Ge => (vec![vec![n_le]], vec![vec![n_gt]]),
        CmpOp::Gt => (vec![vec![n_lt]], vec![vec![n_ge]]),
    })
}

/// Add `extra` to every case.
fn with_case(dnf: Dnf, extra: &Atom) -> Dnf {
    dnf.into_iter()
        .map(|mut c| {
            c.push(extra.clone());
            c
        })
        .collect()
}

/// A formula and whether a `within rounding` was read as exact in it.
struct Formula {
    holds: Dnf,
    fails: Dnf,
    rounding: bool,
}

impl Tr<'_> {
    fn skip(&mut self, span: Span, reason: impl Into<String>) {
        self.out.skipped.push(Skipped {
            span,
            reason: reason.into(),
        });
    }

    fn written(&self, span: Span, ctx: &Ctx) -> String {
        substitute(
            self.text.get(span.start..span.end).unwrap_or(""),
            &ctx.bindings,
        )
    }

    fn assertion(&mut self, a: &Assertion, ctx: &Ctx, depth: usize) {
        if depth > MAX_DEPTH {
            return self.skip(assertion_span(a), "it is nested too deeply to analyse");
        }
        match a {
            Assertion::In {
                table, by, body, ..
            } => {
                if table.previous {
                    return self.skip(table.span, "it reads the previous report");
                }
                let mut inner = ctx.clone();
                inner.scope = Some(Scope {
                    table: table.name.text.clone(),
                    kind: ScopeKind::In {
                        by: by.as_ref().map(|b| ctx.bound(&b.text)),
                    },
                });
                self.assertion(body, &inner, depth + 1);
            }
            Assertion::Each {
                table,
                filter,
                body,
                span,
            } => {
                if table.previous {
                    return self.skip(table.span, "it reads the previous report");
                }
                let mut inner = ctx.clone();
                inner.scope = Some(Scope {
                    table: table.name.text.clone(),
                    kind: ScopeKind::Each,
                });
                match filter {
                    Some(f) => {
                        self.condition(f, "where", &inner, depth);
                        self.skip(*span, "it has a `where` condition");
                    }
                    None => self.assertion(body, &inner, depth + 1),
                }
            }
            Assertion::For {
                var, columns, body, ..
            } => {
                for c in columns {
                    let mut inner = ctx.clone();
                    inner.bindings.push((var.text.clone(), ctx.bound(&c.text)));
                    self.assertion(body, &inner, depth + 1);
                }
            }
            Assertion::If { cond, span, .. } => {
                self.condition(cond, "if", ctx, depth);
                self.skip(*span, "it has an `if` condition");
            }
            Assertion::Block(items, _) => {
                for i in items {
                    self.assertion(i, ctx, depth + 1);
                }
            }
            Assertion::Check(e) => match self.defined(e, ctx, depth) {
                Ok(f) => {
                    let vars = f
                        .holds
                        .iter()
                        .chain(&f.fails)
                        .flatten()
                        .flat_map(Atom::vars)
                        .collect();
                    let text = self.written(e.span, ctx);
                    self.out.facts.push(Fact {
                        holds: f.holds,
                        fails: f.fails,
                        span: e.span,
                        text,
                        rounding: f.rounding,
                        vars,
                    });
                }
                Err(reason) => self.skip(e.span, reason),
            },
        }
    }

    /// Keep a linear `if`/`where` condition, to see whether it can hold at all.
    fn condition(&mut self, cond: &Expr, keyword: &'static str, ctx: &Ctx, depth: usize) {
        if let Ok(f) = self.defined(cond, ctx, depth) {
            let text = self.written(cond.span, ctx);
            self.out.conditions.push(Condition {
                holds: f.holds,
                span: cond.span,
                text,
                keyword,
            });
        }
    }

    /// A formula with the definitions of its `abs`, `min` and `max` added to every case.
    fn defined(&mut self, e: &Expr, ctx: &Ctx, depth: usize) -> Res<Formula> {
        self.defs.clear();
        let mut f = self.formula(e, ctx, depth + 1)?;
        for d in std::mem::take(&mut self.defs) {
            f.holds = product(&f.holds, &d)?;
            f.fails = product(&f.fails, &d)?;
        }
        Ok(f)
    }

    /// A fresh variable, named so that no reference can share it.
    fn fresh(&mut self, what: &str) -> (usize, Lin) {
        let n = self.vars.names.len();
        let id = self.vars.id(format!("#{what}{n}"));
        (id, Lin::var(id))
    }

    /// `abs(x)` as a fresh `y` with `x >= 0 and y == x, or x < 0 and y == -x`.
    fn abs(&mut self, x: Lin) -> Res<Lin> {
        let (_, y) = self.fresh("abs");
        let zero = Lin::default();
        let neg = zero.sub(&x).ok_or_else(too_large)?;
        let def = vec![
            vec![
                Atom::le(&zero, &x).ok_or_else(too_large)?,
                Atom::eq(&y, &x).ok_or_else(too_large)?,
            ],
            vec![
                Atom::lt(&x, &zero).ok_or_else(too_large)?,
                Atom::eq(&y, &neg).ok_or_else(too_large)?,
            ],
        ];
        self.defs.push(def);
        Ok(y)
    }

    /// `min(a, b, …)` (or `max`) as a fresh `m` equal to one argument that is at most (at
    /// least) all the others.
    fn extreme(&mut self, args: Vec<Lin>, max: bool) -> Res<Lin> {
        let (_, m) = self.fresh(if max { "max" } else { "min" });
        let mut def = Vec::new();
        for (i, a) in args.iter().enumerate() {
            let mut case = vec![Atom::eq(&m, a).ok_or_else(too_large)?];
            for (j, b) in args.iter().enumerate() {
                if i != j {
                    let (lo, hi) = if max { (b, a) } else { (a, b) };
                    case.push(Atom::le(lo, hi).ok_or_else(too_large)?);
                }
            }
            def.push(case);
        }
        if def.len() > MAX_CASES {
            return Err("it has too many cases (and/or) to analyse".into());
        }
        self.defs.push(def);
        Ok(m)
    }

    fn formula(&mut self, e: &Expr, ctx: &Ctx, depth: usize) -> Res<Formula> {
        if depth > MAX_DEPTH {
            return Err("it is nested too deeply to analyse".into());
        }
        match &e.kind {
            ExprKind::Paren(x) => self.formula(x, ctx, depth + 1),
            ExprKind::Not(x) => {
                let f = self.formula(x, ctx, depth + 1)?;
                Ok(Formula {
                    holds: f.fails,
                    fails: f.holds,
                    rounding: f.rounding,
                })
            }
            ExprKind::And(a, b) => {
                let (a, b) = (
                    self.formula(a, ctx, depth + 1)?,
                    self.formula(b, ctx, depth + 1)?,
                );
                Ok(Formula {
                    holds: product(&a.holds, &b.holds)?,
                    fails: union(a.fails, b.fails)?,
                    rounding: a.rounding || b.rounding,
                })
            }
            ExprKind::Or(a, b) => {
                let (a, b) = (
                    self.formula(a, ctx, depth + 1)?,
                    self.formula(b, ctx, depth + 1)?,
                );
                Ok(Formula {
                    holds: union(a.holds, b.holds)?,
                    fails: product(&a.fails, &b.fails)?,
                    rounding: a.rounding || b.rounding,
                })
            }
            ExprKind::Compare {
                first,
                rest,
                tolerance,
                either_sign,
            } => {
                if either_sign.is_some() {
                    return Err("it uses `either sign`".into());
                }
                self.compare(first, rest, tolerance.as_ref().map(|t| &t.0), ctx, depth)
            }
            ExprKind::IsMissing { .. } | ExprKind::IsPresent { .. } => {
                Err("it tests whether a value is missing".into())
            }
            ExprKind::Matches { .. } => Err("it matches text against a pattern".into()),
            _ => Err("it is not a comparison".into()),
        }
    }

    fn compare(
        &mut self,
        first: &Expr,
        rest: &[(CmpOp, Expr)],
        tol: Option<&Tolerance>,
        ctx: &Ctx,
        depth: usize,
    ) -> Res<Formula> {
        let mut units = Vec::new();
        let mut sides = vec![self.lin(first, ctx, depth + 1, &mut units)?];
        for (_, x) in rest {
            sides.push(self.lin(x, ctx, depth + 1, &mut units)?);
        }
        units.sort_by_key(|u| *u as u8);
        units.dedup();
        if units.len() > 1 {
            return Err("it mixes units".into());
        }
        let unit = units.first().copied();
        let mut rounding = false;
        // The absolute tolerance, or the relative one as a fraction.
        let (abs, rel) = match tol {
            None => (Rat::ZERO, None),
            Some(Tolerance::Rounding) => {
                rounding = true;
                (Rat::ZERO, None)
            }
            Some(Tolerance::Absolute(n, u)) => {
                let mut t = Rat::from_decimal(*n)
                    .and_then(Rat::abs)
                    .ok_or_else(too_large)?;
                if let (Some(u), Some(s)) = (*u, unit)
                    && u != s
                {
                    match (money_exponent(u), money_exponent(s)) {
                        (Some(from), Some(to)) => {
                            let k = if from >= to {
                                Rat::int(10i128.pow(from - to))
                            } else {
                                Rat::new(1, 10i128.pow(to - from)).ok_or_else(too_large)?
                            };
                            t = t.mul(k).ok_or_else(too_large)?;
                        }
                        _ => return Err("its tolerance is in another unit".into()),
                    }
                }
                (t, None)
            }
            Some(Tolerance::Relative(p)) => {
                let p = Rat::from_decimal(*p)
                    .and_then(Rat::abs)
                    .and_then(|p| p.div(Rat::int(100)))
                    .ok_or_else(too_large)?;
                (Rat::ZERO, Some(p))
            }
        };
        let mut holds: Dnf = vec![Vec::new()];
        let mut fails: Dnf = Vec::new();
        for (i, (op, _)) in rest.iter().enumerate() {
            let (l, r) = (&sides[i], &sides[i + 1]);
            let d = l.sub(r).ok_or_else(too_large)?;
            let (h, f) = match rel {
                None => pair(&d, *op, &Lin::constant(abs)).ok_or_else(too_large)?,
                // p·|r|: linear on each side of r = 0, so split there.
                Some(p) => {
                    let zero = Lin::default();
                    let pos = Atom::le(&zero, r).ok_or_else(too_large)?;
                    let neg = Atom::lt(r, &zero).ok_or_else(too_large)?;
                    let t_pos = r.scale(p).ok_or_else(too_large)?;
                    let t_neg = r
                        .scale(p.neg().ok_or_else(too_large)?)
                        .ok_or_else(too_large)?;
                    let (hp, fp) = pair(&d, *op, &t_pos).ok_or_else(too_large)?;
                    let (hn, fneg) = pair(&d, *op, &t_neg).ok_or_else(too_large)?;
                    (
                        union(with_case(hp, &pos), with_case(hn, &neg))?,
                        union(with_case(fp, &pos), with_case(fneg, &neg))?,
                    )
                }
            };
            holds = product(&holds, &h)?;
            fails = union(fails, f)?;
        }
        Ok(Formula {
            holds,
            fails,
            rounding,
        })
    }

    fn decl(&self, table: &str) -> Option<&TableDecl> {
        self.set.table(table).map(|t| &t.decl)
    }

    /// Whether a column holds text: a `text` column, or the key.
    fn is_text(&self, table: &str, col: &str) -> bool {
        self.decl(table).is_some_and(|d| {
            d.key.as_ref().is_some_and(|(k, _)| k.text == col)
                || d.columns
                    .iter()
                    .any(|c| c.name.text == col && c.unit == Some(UnitName::Text))
        })
    }

    fn unit_of(&self, table: &str, col: &str) -> Option<UnitName> {
        self.decl(table)?
            .columns
            .iter()
            .find(|c| c.name.text == col)
            .and_then(|c| c.unit)
    }

    /// A column read as a figure: refuses text, notes the unit.
    fn figure(&self, table: &str, col: &str, units: &mut Vec<UnitName>) -> Res<()> {
        if self.is_text(table, col) {
            return Err("it compares text".into());
        }
        units.extend(self.unit_of(table, col));
        Ok(())
    }

    /// What tells references to `table` apart by scope: the group or `by` they are read in.
    fn tag(&self, table: &str, ctx: &Ctx) -> String {
        let grouped = self.decl(table).is_some_and(|d| d.group.is_some());
        match &ctx.scope {
            Some(s) if s.table == table => match &s.kind {
                ScopeKind::In { by: Some(b) } => format!(" [by {b}]"),
                _ if grouped => " [group]".into(),
                _ => String::new(),
            },
            _ if grouped => " [table]".into(),
            _ => String::new(),
        }
    }

    fn var(&mut self, name: String) -> Lin {
        Lin::var(self.vars.id(name))
    }

    /// A value as a linear expression; the units it reads go to `units`.
    fn lin(&mut self, e: &Expr, ctx: &Ctx, depth: usize, units: &mut Vec<UnitName>) -> Res<Lin> {
        if depth > MAX_DEPTH {
            return Err("it is nested too deeply to analyse".into());
        }
        match &e.kind {
            ExprKind::Number(n, u) => {
                if let Some(u) = u {
                    units.push(*u);
                }
                Ok(Lin::constant(Rat::from_decimal(*n).ok_or_else(too_large)?))
            }
            ExprKind::Text(_) => Err("it compares text".into()),
            ExprKind::Paren(x) => self.lin(x, ctx, depth + 1, units),
            ExprKind::Neg(x) => self
                .lin(x, ctx, depth + 1, units)?
                .scale(Rat::int(-1))
                .ok_or_else(too_large),
            ExprKind::Arith(op, a, b) => {
                let a = self.lin(a, ctx, depth + 1, units)?;
                let b = self.lin(b, ctx, depth + 1, units)?;
                match op {
                    ArithOp::Add => a.add(&b).ok_or_else(too_large),
                    ArithOp::Sub => a.sub(&b).ok_or_else(too_large),
                    ArithOp::Mul if b.is_constant() => a.scale(b.constant).ok_or_else(too_large),
                    ArithOp::Mul if a.is_constant() => b.scale(a.constant).ok_or_else(too_large),
                    ArithOp::Mul => Err("it multiplies two values".into()),
                    ArithOp::Div if b.is_constant() && b.constant.is_zero() => {
                        Err("it divides by zero".into())
                    }
                    ArithOp::Div if b.is_constant() => a
                        .scale(Rat::ONE.div(b.constant).ok_or_else(too_large)?)
                        .ok_or_else(too_large),
                    ArithOp::Div => Err("it divides by a value".into()),
                }
            }
            ExprKind::Ref { previous: true, .. } => Err("it reads the previous report".into()),
            ExprKind::Ref { reference, .. } => self.reference(reference, ctx, depth, units),
            ExprKind::Call {
                func, args, filter, ..
            } => match func {
                Func::Abs => match args.as_slice() {
                    [x] => {
                        let x = self.lin(x, ctx, depth + 1, units)?;
                        self.abs(x)
                    }
                    _ => Err("it calls `abs` wrongly".into()),
                },
                Func::Round => Err("it uses `round`".into()),
                Func::Agg(agg @ (Aggregate::Min | Aggregate::Max)) if args.len() > 1 => {
                    let mut xs = Vec::new();
                    for a in args {
                        xs.push(self.lin(a, ctx, depth + 1, units)?);
                    }
                    self.extreme(xs, *agg == Aggregate::Max)
                }
                Func::Agg(agg) => self.aggregate(*agg, args, filter.as_deref(), ctx, depth, units),
            },
            _ => Err("it uses a condition as a value".into()),
        }
    }

    fn reference(
        &mut self,
        r: &Reference,
        ctx: &Ctx,
        depth: usize,
        units: &mut Vec<UnitName>,
    ) -> Res<Lin> {
        match r {
            Reference::Name(n) => {
                // Resolved as the name checker does: `key`, a `for` variable, a `let`, then a
                // column of the innermost table.
                if n.text == "key" && ctx.scope.is_some() && !ctx.is_var(&n.text) {
                    return Err("it compares text".into());
                }
                if !ctx.is_var(&n.text)
                    && let Some(l) = self.set.constant(&n.text)
                {
                    if self.lets.contains(&n.text) {
                        return Err("a `let` names itself".into());
                    }
                    self.lets.push(n.text.clone());
                    let value = l.value.clone();
                    let out = self.lin(&value, ctx, depth + 1, units);
                    self.lets.pop();
                    return out;
                }
                let col = ctx.bound(&n.text);
                match &ctx.scope {
                    Some(Scope {
                        table,
                        kind: ScopeKind::Each,
                    }) => {
                        let table = table.clone();
                        self.figure(&table, &col, units)?;
                        let tag = self.tag(&table, ctx);
                        Ok(self.var(format!("{table}.{col}{tag}")))
                    }
                    _ => Err("it reads a whole column outside an aggregate".into()),
                }
            }
            Reference::Column { table, column } => {
                let col = ctx.bound(&column.text);
                let t = &table.text;
                self.figure(t, &col, units)?;
                let tag = self.tag(t, ctx);
                let in_row =
                    matches!(&ctx.scope, Some(Scope { table: s, kind: ScopeKind::Each }) if s == t);
                // Outside a row of T, `T.c` is the cell of a table of one row.
                let name = if in_row {
                    format!("{t}.{col}{tag}")
                } else {
                    format!("{t}.{col} (one-row table){tag}")
                };
                Ok(self.var(name))
            }
            Reference::Total { table, column } => {
                let t = match (table, &ctx.scope) {
                    (Some(t), _) => t.text.clone(),
                    (None, Some(s)) => s.table.clone(),
                    (None, None) => return Err("`total` outside any table".into()),
                };
                let col = ctx.bound(&column.text);
                self.figure(&t, &col, units)?;
                let tag = self.tag(&t, ctx);
                Ok(self.var(format!("{t}.total.{col}{tag}")))
            }
            Reference::Parent { column } => match &ctx.scope {
                Some(Scope {
                    table,
                    kind: ScopeKind::Each,
                }) => {
                    let table = table.clone();
                    let col = ctx.bound(&column.text);
                    self.figure(&table, &col, units)?;
                    let tag = self.tag(&table, ctx);
                    Ok(self.var(format!("{table}.parent.{col}{tag}")))
                }
                _ => Err("`parent` outside a row".into()),
            },
            Reference::Keyed { table, key, column } => {
                let row = self.row_table(ctx);
                let k = self
                    .canon(key, row.as_deref(), ctx, depth + 1)
                    .ok_or("its row key is not a plain text")?;
                let t = &table.text;
                let col = ctx.bound(&column.text);
                self.figure(t, &col, units)?;
                let tag = self.tag(t, ctx);
                Ok(self.var(format!("{t}[{k}].{col}{tag}")))
            }
        }
    }

    /// The table whose row bare names read, in `each T:`.
    fn row_table(&self, ctx: &Ctx) -> Option<String> {
        match &ctx.scope {
            Some(Scope {
                table,
                kind: ScopeKind::Each,
            }) => Some(table.clone()),
            _ => None,
        }
    }

    /// An aggregate is one opaque variable, named by the table it runs over, its argument
    /// and its filter.
    fn aggregate(
        &mut self,
        agg: Aggregate,
        args: &[Expr],
        filter: Option<&Expr>,
        ctx: &Ctx,
        depth: usize,
        units: &mut Vec<UnitName>,
    ) -> Res<Lin> {
        let table = args
            .first()
            .and_then(|a| aggregate_table(a).map(str::to_string))
            .or_else(|| ctx.scope.as_ref().map(|s| s.table.clone()))
            .ok_or("an aggregate outside any table")?;
        let mut parts = Vec::new();
        for a in args {
            parts.push(
                self.canon(a, Some(&table), ctx, depth + 1)
                    .ok_or("its aggregate is too complex to analyse")?,
            );
            if agg != Aggregate::Count {
                self.arg_units(a, &table, ctx, units, depth + 1)?;
            }
        }
        if let Some(f) = filter {
            parts.push(format!(
                "where {}",
                self.canon(f, Some(&table), ctx, depth + 1)
                    .ok_or("its aggregate is too complex to analyse")?
            ));
        }
        if agg == Aggregate::Count {
            units.push(UnitName::Count);
        }
        let name = match agg {
            Aggregate::Sum => "sum",
            Aggregate::Count => "count",
            Aggregate::Min => "min",
            Aggregate::Max => "max",
            Aggregate::Mean => "mean",
        };
        let tag = self.tag(&table, ctx);
        Ok(self.var(format!("{name}[{table}]({}){tag}", parts.join(" "))))
    }

    /// The units of the columns an aggregate's argument reads; text there is refused.
    fn arg_units(
        &self,
        e: &Expr,
        table: &str,
        ctx: &Ctx,
        units: &mut Vec<UnitName>,
        depth: usize,
    ) -> Res<()> {
        if depth > MAX_DEPTH {
            return Err("it is nested too deeply to analyse".into());
        }
        match &e.kind {
            ExprKind::Ref {
                reference: Reference::Name(n),
                ..
            } if ctx.is_var(&n.text)
                || (n.text != "key" && self.set.constant(&n.text).is_none()) =>
            {
                self.figure(table, &ctx.bound(&n.text), units)
            }
            ExprKind::Ref {
                reference: Reference::Column { table, column },
                ..
            } => self.figure(&table.text, &ctx.bound(&column.text), units),
            ExprKind::Number(_, Some(u)) => {
                units.push(*u);
                Ok(())
            }
            ExprKind::Text(_) => Err("it compares text".into()),
            ExprKind::Call { .. } => Err("it nests aggregates".into()),
            _ => e
                .children()
                .into_iter()
                .try_for_each(|x| self.arg_units(x, table, ctx, units, depth + 1)),
        }
    }

    /// An expression written out with its references resolved, to name what it stands for;
    /// `row` is the table whose row bare names read. `None` when it is too deep.
    fn canon(&self, e: &Expr, row: Option<&str>, ctx: &Ctx, depth: usize) -> Option<String> {
        if depth > MAX_DEPTH {
            return None;
        }
        let c = |x: &Expr| self.canon(x, row, ctx, depth + 1);
        Some(match &e.kind {
            ExprKind::Number(n, u) => {
                let unit = u.map_or(String::new(), |u| format!(" {u:?}"));
                format!("{}{unit}", n.normalize())
            }
            ExprKind::Text(s) => format!("{s:?}"),
            ExprKind::Ref {
                previous,
                reference,
            } => {
                let prev = if *previous { "previous." } else { "" };
                let r = match reference {
                    Reference::Name(n) if ctx.is_var(&n.text) => {
                        format!("{}.{}", row?, ctx.bound(&n.text))
                    }
                    Reference::Name(n) if n.text == "key" => format!("{}.key", row?),
                    Reference::Name(n) => match self.set.constant(&n.text) {
                        // Deep enough for any honest `let`; a `let` naming itself stops at
                        // the depth limit.
                        Some(l) => format!("({})", c(&l.value)?),
                        None => format!("{}.{}", row?, n.text),
                    },
                    Reference::Column { table, column } => {
                        format!("{}.{}", table.text, ctx.bound(&column.text))
                    }
                    Reference::Total { table, column } => {
                        let t = match table {
                            Some(t) => t.text.clone(),
                            None => ctx.scope.as_ref()?.table.clone(),
                        };
                        format!("{t}.total.{}", ctx.bound(&column.text))
                    }
                    Reference::Parent { column } => {
                        format!("{}.parent.{}", row?, ctx.bound(&column.text))
                    }
                    Reference::Keyed { table, key, column } => {
                        format!("{}[{}].{}", table.text, c(key)?, ctx.bound(&column.text))
                    }
                };
                format!("{prev}{r}")
            }
            ExprKind::Neg(x) => format!("-({})", c(x)?),
            ExprKind::Paren(x) => format!("({})", c(x)?),
            ExprKind::Arith(op, a, b) => format!("({} {} {})", c(a)?, op.symbol(), c(b)?),
            ExprKind::Call {
                name, args, filter, ..
            } => {
                let mut parts = Vec::new();
                for a in args {
                    parts.push(c(a)?);
                }
                if let Some(f) = filter {
                    parts.push(format!("where {}", c(f)?));
                }
                format!("{}({})", name.text, parts.join(", "))
            }
            ExprKind::Compare {
                first,
                rest,
                tolerance,
                either_sign,
            } => {
                let mut s = c(first)?;
                for (op, x) in rest {
                    s.push_str(&format!(" {} {}", op.symbol(), c(x)?));
                }
                if let Some((t, _)) = tolerance {
                    s.push_str(&format!(" within {t:?}"));
                }
                if either_sign.is_some() {
                    s.push_str(" either sign");
                }
                s
            }
            ExprKind::IsMissing { value, negated } => {
                format!(
                    "{} is{} missing",
                    c(value)?,
                    if *negated { " not" } else { "" }
                )
            }
            ExprKind::IsPresent { value, negated } => {
                format!(
                    "{} is{} present",
                    c(value)?,
                    if *negated { " not" } else { "" }
                )
            }
            ExprKind::Matches { value, glob } => format!("{} matches {:?}", c(value)?, glob.text),
            ExprKind::And(a, b) => format!("({} and {})", c(a)?, c(b)?),
            ExprKind::Or(a, b) => format!("({} or {})", c(a)?, c(b)?),
            ExprKind::Not(x) => format!("not ({})", c(x)?),
        })
    }
}

/// `T` when an aggregate's argument reads `T.c`: the aggregate then runs over T's rows (as in
/// the evaluator and the static checks).
fn aggregate_table(e: &Expr) -> Option<&str> {
    match &e.kind {
        ExprKind::Ref {
            reference: Reference::Column { table, .. },
            ..
        } => Some(&table.text),
        ExprKind::Neg(x) | ExprKind::Paren(x) => aggregate_table(x),
        ExprKind::Arith(_, a, b) => aggregate_table(a).or_else(|| aggregate_table(b)),
        ExprKind::Call { args, .. } => args.iter().find_map(aggregate_table),
        _ => None,
    }
}

fn assertion_span(a: &Assertion) -> Span {
    match a {
        Assertion::In { span, .. }
        | Assertion::Each { span, .. }
        | Assertion::For { span, .. }
        | Assertion::If { span, .. }
        | Assertion::Block(_, span) => *span,
        Assertion::Check(e) => e.span,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;
    use crate::syntax::parse_file;

    /// The variable names of each fact of the one rule in `text`, and the skip reasons.
    fn names(text: &str) -> (Vec<Vec<String>>, Vec<String>) {
        let mut sources = Sources::default();
        let full = format!(
            "table t \"t\" {{\n key k \"K\"\n column x \"X\" tkr\n column y \"Y\" tkr\n column n \"N\" text\n total \"Summa\"\n}}\n{text}"
        );
        let id = sources.add(SourceFile::new("t.rules", full));
        let (file, problems) = parse_file(id, sources.get(id));
        assert!(problems.is_empty(), "{problems:?}");
        let set = RuleSet::of_file(file, id);
        let mut vars = Vars::default();
        let rf = translate(&set.rules[0], &set, &sources, &mut vars);
        let facts = rf
            .facts
            .iter()
            .map(|f| f.vars.iter().map(|v| vars.name(*v).to_string()).collect())
            .collect();
        (facts, rf.skipped.into_iter().map(|s| s.reason).collect())
    }

    #[test]
    fn variables_are_named_by_scope() {
        assert_eq!(
            names("rule r { each t: x == t.x * 2 + y }").0,
            [["t.x", "t.y"]]
        );
        assert_eq!(
            names("rule r { in t: for c in [x, y]: sum(c) == total.c }").0,
            [["sum[t](t.x)", "t.total.x"], ["sum[t](t.y)", "t.total.y"]]
        );
        assert_eq!(
            names("rule r { in t by n: sum(x where x > 0) == t[\"A\"].x }").0,
            [["sum[t](t.x where t.x > 0) [by n]", "t[\"A\"].x [by n]"]]
        );
        assert_eq!(
            names("rule r { each t: parent.x >= t[k].y }").0,
            [["t.parent.x", "t[t.k].y"]]
        );
        assert_eq!(
            names("rule r { t.total.x >= t.x }").0,
            [["t.total.x", "t.x (one-row table)"]]
        );
    }

    #[test]
    fn what_cannot_be_read_says_why() {
        assert_eq!(
            names("rule r { each t: n == \"a\" }").1,
            ["it compares text"]
        );
        assert_eq!(
            names("rule r { each t: key == \"a\" }").1,
            ["it compares text"]
        );
        assert_eq!(
            names("rule r { each t: round(x) == y }").1,
            ["it uses `round`"]
        );
        assert_eq!(
            names("rule r { in t: x == 1 }").1,
            ["it reads a whole column outside an aggregate"]
        );
        assert_eq!(
            names("rule r { each t: x / 0 == 1 }").1,
            ["it divides by zero"]
        );
        assert_eq!(
            names("let a = b\nlet b = a\nrule r { each t: a == 1 }").1,
            ["a `let` names itself"]
        );
    }

    #[test]
    fn for_variables_are_replaced_in_the_text() {
        assert_eq!(
            substitute("sum(c) ==\n  total.c", &[("c".into(), "budget".into())]),
            "sum(budget) == total.budget"
        );
        assert_eq!(substitute("cc + c", &[("c".into(), "x".into())]), "cc + x");
    }
}
