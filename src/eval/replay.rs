//! Checking single rule instances again with some cells changed: what error localisation
//! (`crate::locate`) needs. A [`Collector`] records, during a normal evaluation of one
//! report, every instance that reads a cell of interest; [`Replayer::measure`] re-checks one
//! of them with other values in some cells.

use super::{CellAt, Env, Evaluator, Operand, Options, Val, value::Num};
use crate::check::{LoadedRule, RuleSet};
use crate::finding::Finding;
use crate::report::Report;
use crate::source::{Sources, Span};
use crate::syntax::ast::{Assertion, CmpOp, Expr, ExprKind, Func, Reference, Tolerance};
use foldhash::HashSet;
use rust_decimal::Decimal;

/// What tells a finding apart from every other of the same run.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct FindingKey {
    instance: String,
    file: String,
    primary: (usize, usize),
    message: String,
}

impl FindingKey {
    /// The finding's primary span in its source.
    pub(crate) fn primary_span(&self) -> (usize, usize) {
        self.primary
    }

    pub(crate) fn of(f: &Finding) -> FindingKey {
        FindingKey {
            instance: f.instance_name(),
            file: f.file.to_string(),
            primary: (f.primary.start, f.primary.end),
            message: f.message.clone(),
        }
    }
}

/// One checked instance of a rule: the assertion, where it was checked, and what it read.
pub(crate) struct Instance<'a> {
    pub rule: &'a LoadedRule,
    expr: &'a Expr,
    env: Env<'a>,
    /// For `a == b either sign`: the way round that must hold (`Some(true)`: as written,
    /// `Some(false)`: with the opposite sign), or `None`: either way.
    way: Option<bool>,
    /// The cells of the checked report it read, without repeats.
    pub reads: Vec<CellAt>,
    /// The finding it gave, when it failed.
    pub finding: Option<FindingKey>,
}

impl Instance<'_> {
    pub(crate) fn failed(&self) -> bool {
        self.finding.is_some()
    }

    /// `drift-summa[budget]` and the row: what a reader calls this instance.
    pub(crate) fn describe(&self) -> String {
        let name = crate::finding::instance_name(&self.rule.rule.id.text, &self.env.bindings);
        match (&self.env.scope, self.env.row) {
            (Some(v), Some(r)) => format!(
                "{name} ({})",
                crate::render::visible::shortened(&v.key_text(r), crate::locate::KEY_CHARS)
            ),
            _ => name,
        }
    }
}

/// What every rule's [`Collector`] asks of the cells being watched: made once for all the
/// rules, and shared, so that a rule file of thousands of rules does not copy it for each.
struct Watched {
    watch: HashSet<CellAt>,
    /// Per table of the checked report, per row: does the row hold a watched cell? Most reads
    /// are of unwatched rows, and this answers without hashing.
    rows: Vec<Vec<bool>>,
    /// Rules whose row-local instances over unwatched rows are not evaluated at all (see
    /// [`Collector::skips`]): every enabled rule but those that stopped with a rule error in
    /// the check, whose instances must stop where they stopped then.
    may_skip: HashSet<String>,
}

impl Watched {
    fn new(watch: HashSet<CellAt>, may_skip: HashSet<String>) -> Self {
        let mut rows: Vec<Vec<bool>> = Vec::new();
        for c in watch.iter().filter(|c| !c.prev) {
            if rows.len() <= c.table {
                rows.resize(c.table + 1, Vec::new());
            }
            let t = &mut rows[c.table];
            if t.len() <= c.row {
                t.resize(c.row + 1, false);
            }
            t[c.row] = true;
        }
        Watched {
            watch,
            rows,
            may_skip,
        }
    }
}

/// Records the instances that read a watched cell while a report is evaluated.
pub(crate) struct Collector<'a> {
    watched: std::sync::Arc<Watched>,
    set: &'a RuleSet,
    /// [`Collector::skips`] per body (by address) and kind of scope.
    local: std::cell::RefCell<std::collections::HashMap<(usize, bool), bool>>,
    pub instances: Vec<Instance<'a>>,
}

impl<'a> Collector<'a> {
    fn new(set: &'a RuleSet, watched: std::sync::Arc<Watched>) -> Self {
        Collector {
            watched,
            set,
            local: Default::default(),
            instances: Vec::new(),
        }
    }

    /// Whether row `r` of `v` holds a watched cell (never, in the previous report).
    pub(super) fn row_watched(&self, v: &super::View<'_>, r: usize) -> bool {
        !v.previous
            && self
                .watched
                .rows
                .get(v.index)
                .and_then(|t| t.get(r))
                .copied()
                .unwrap_or(false)
    }

    fn watched(&self, c: &CellAt) -> bool {
        !c.prev
            && self
                .watched
                .rows
                .get(c.table)
                .and_then(|t| t.get(c.row))
                .copied()
                .unwrap_or(false)
            && self.watched.watch.contains(c)
    }

    /// Whether instances of `body` read only cells of the rows they are checked on: the row
    /// itself in `each`, the group's rows in `in … by` (`group`). Such instances over rows
    /// without a watched cell cannot be recorded, and evaluating them again is most of the
    /// cost of collecting. Rules that stopped with an error in the check never skip, nor do
    /// `either sign` rules (their rows vote together). Worked out once per body.
    pub(super) fn skips(&self, rule: &LoadedRule, body: &Assertion, group: bool) -> bool {
        if !self.watched.may_skip.contains(&rule.rule.id.text) {
            return false;
        }
        let key = (std::ptr::from_ref(body) as usize, group);
        *self
            .local
            .borrow_mut()
            .entry(key)
            .or_insert_with(|| local_body(body, self.set, group))
    }

    /// Record the instance just checked if it read a watched cell; its index.
    pub(super) fn instance(
        &mut self,
        rule: &'a LoadedRule,
        expr: &'a Expr,
        env: &Env<'a>,
        reads: &[CellAt],
        finding: Option<&Finding>,
    ) -> Option<usize> {
        if !reads.iter().any(|c| self.watched(c)) {
            return None;
        }
        // An aggregate reads a whole column: repeats are dropped with a set, not a scan.
        let mut seen: HashSet<CellAt> =
            HashSet::with_capacity_and_hasher(reads.len(), Default::default());
        let mut own: Vec<CellAt> = reads
            .iter()
            .filter(|c| !c.prev && seen.insert(**c))
            .copied()
            .collect();
        // Kept for the whole localisation, for tens of thousands of instances: without the
        // room the collecting left (a third more).
        own.shrink_to_fit();
        self.instances.push(Instance {
            rule,
            expr,
            env: env.clone(),
            way: None,
            reads: own,
            finding: finding.map(FindingKey::of),
        });
        Some(self.instances.len() - 1)
    }

    /// A row of an `either sign` rule that goes against the other rows: it failed, and must
    /// hold the way round `way`.
    pub(super) fn failed_vote(&mut self, i: usize, way: bool, f: &Finding) {
        if let Some(x) = self.instances.get_mut(i) {
            x.way = Some(way);
            x.finding = Some(FindingKey::of(f));
        }
    }
}

/// A re-check of one instance.
#[derive(Clone, Debug)]
pub(crate) struct Measure {
    pub holds: bool,
    /// Each comparison of the instance: its operator, `left − right`, and whether it holds.
    pub pairs: Vec<(CmpOp, Decimal, bool)>,
}

impl Measure {
    /// How far the `==` comparisons are from exact: the sum of their differences' sizes.
    pub fn residual(&self) -> Decimal {
        self.pairs
            .iter()
            .filter(|(op, _, _)| *op == CmpOp::Eq)
            .fold(Decimal::ZERO, |acc, (_, d, _)| {
                acc.checked_add(d.abs()).unwrap_or(Decimal::MAX)
            })
    }
}

/// Re-evaluates instances of one run's rules.
pub(crate) struct Replayer<'a> {
    pub set: &'a RuleSet,
    pub sources: &'a Sources,
    pub options: &'a Options,
}

impl<'a> Replayer<'a> {
    fn evaluator(
        &self,
        rule: &'a LoadedRule,
        overrides: Vec<(CellAt, Decimal)>,
        collect: Option<Collector<'a>>,
    ) -> Evaluator<'a> {
        Evaluator {
            overrides,
            collect,
            // Re-checks keep every finding: they are matched with the check's findings.
            max_findings: usize::MAX,
            ..Evaluator::new(self.set, self.sources, self.options, rule)
        }
    }

    /// Evaluate every enabled rule on `report` again, recording the instances that read a
    /// cell of `watch`.
    pub(crate) fn collect(
        &self,
        report: &'a Report,
        previous: Option<&'a Report>,
        watch: HashSet<CellAt>,
        broken: &[String],
    ) -> Vec<Instance<'a>> {
        let may_skip: HashSet<String> = self
            .set
            .rules
            .iter()
            .map(|r| r.rule.id.text.clone())
            .filter(|id| !broken.contains(id))
            .collect();
        // Rule by rule, in parallel: a rule's instances do not depend on another's. Listed in
        // the order of the rules.
        use rayon::prelude::*;
        let rules: Vec<&LoadedRule> = self.set.rules.iter().filter(|r| r.enabled).collect();
        let watched = std::sync::Arc::new(Watched::new(watch, may_skip));
        let per_rule: Vec<Vec<Instance<'a>>> = rules
            .par_iter()
            .map(|lr| {
                let collector = Collector::new(self.set, watched.clone());
                let mut ev = self.evaluator(lr, Vec::new(), Some(collector));
                ev.run(report, previous);
                ev.collect.take().map(|c| c.instances).unwrap_or_default()
            })
            .collect();
        per_rule.into_iter().flatten().collect()
    }

    /// Check `inst` again as if the cells in `overrides` held those values. `None` when it
    /// cannot be decided then (a missing cell, a division by zero).
    pub(crate) fn measure(
        &self,
        inst: &Instance<'a>,
        overrides: &[(CellAt, Decimal)],
    ) -> Option<Measure> {
        let mut ev = self.evaluator(inst.rule, overrides.to_vec(), None);
        ev.no_reads = true;
        let env = &inst.env;
        let e = inst.expr.unparen();
        let ExprKind::Compare {
            first,
            rest,
            tolerance,
            either_sign,
        } = &e.kind
        else {
            let (holds, _) = ev.truth(e, env).ok()?;
            return Some(Measure {
                holds,
                pairs: Vec::new(),
            });
        };
        let tol = tolerance.as_ref().map(|t| &t.0);
        if either_sign.is_some() {
            let [(CmpOp::Eq, right_expr)] = rest.as_slice() else {
                return None;
            };
            let left = ev.eval(first, env).ok()?;
            let right = ev.eval(right_expr, env).ok()?;
            let n = ev.num(&right, right_expr, env).ok()?;
            let negated = Operand {
                val: Val::Num(n.neg()),
                direct: false,
                ..right.clone()
            };
            let written = pair(&ev, &left, CmpOp::Eq, &right, tol, right_expr)?;
            let opposite = pair(&ev, &left, CmpOp::Eq, &negated, tol, right_expr)?;
            let chosen = match inst.way {
                Some(true) => written,
                Some(false) => opposite,
                // Either way: measured the way that is nearer.
                None if written.2 || (!opposite.2 && written.1.abs() <= opposite.1.abs()) => {
                    written
                }
                None => opposite,
            };
            return Some(Measure {
                holds: chosen.2,
                pairs: vec![chosen],
            });
        }
        let mut pairs = Vec::new();
        let mut left = ev.eval(first, env).ok()?;
        for (op, right_expr) in rest {
            let right = ev.eval(right_expr, env).ok()?;
            pairs.push(pair(&ev, &left, *op, &right, tol, right_expr)?);
            left = right;
        }
        Some(Measure {
            holds: pairs.iter().all(|p| p.2),
            pairs,
        })
    }
}

/// One comparison: its operator, `left − right`, and whether it holds.
fn pair(
    ev: &Evaluator<'_>,
    left: &Operand,
    op: CmpOp,
    right: &Operand,
    tol: Option<&Tolerance>,
    at: &Expr,
) -> Option<(CmpOp, Decimal, bool)> {
    let holds = ev.compare_pair(left, op, right, tol, at).ok()?.is_none();
    let diff = match (&left.val, &right.val) {
        (Val::Num(a), Val::Num(b)) => {
            let (a, b) = Num::align(a, b).ok()?;
            a.v.checked_sub(b.v)?
        }
        // Texts: no distance, only whether they hold.
        _ => Decimal::ZERO,
    };
    Some((op, diff, holds))
}

/// Where a cell is, for a reader: its table, row key, column, and place in the file.
pub(crate) struct CellPlace {
    pub table: String,
    pub row_key: String,
    pub column: String,
    /// The cell as written.
    pub written: String,
    /// Its value, when it is a figure: the value and its printed decimals.
    pub figure: Option<(Decimal, Option<u32>)>,
    pub source: crate::source::SourceId,
    pub span: Span,
}

/// The key column of table `table` of `report` as its declaration says (else the first
/// column). Builds a view per declaration: callers keep the answer per table.
pub(crate) fn key_column(report: &Report, set: &RuleSet, table: usize) -> usize {
    let Some(t) = report.tables.get(table) else {
        return 0;
    };
    let names = set
        .tables
        .iter()
        .map(|d| d.decl.name.text.clone())
        .chain(std::iter::once(crate::report::normalise_name(&t.name)));
    names
        .flat_map(|name| super::view::views(set, report, &name))
        .find(|v| v.index == table)
        .map_or(0, |v| v.key_col)
}

/// What a cell of `report` is; `key_col` is its table's [`key_column`].
pub(crate) fn place(report: &Report, c: &CellAt, key_col: usize) -> Option<CellPlace> {
    let t = report.tables.get(c.table)?;
    let cell = t.cell(c.row, c.col)?;
    let row_key = t
        .cell(c.row, key_col)
        .map(|k| k.raw(t).trim().to_string())
        .unwrap_or_default();
    Some(CellPlace {
        table: t.name.clone(),
        row_key,
        column: t
            .headers
            .get(c.col)
            .map(|h| h.text.clone())
            .unwrap_or_default(),
        written: cell.raw(t).trim().to_string(),
        figure: match cell.value(t) {
            crate::report::CellValue::Number(f) => Some((f.value, f.decimals)),
            _ => None,
        },
        source: t.source,
        span: cell.span(),
    })
}

/// Whether an assertion's instances read only cells of their own rows (see
/// [`Collector::skips`]): `group` allows what reads the scope's rows (aggregates, `total.c`,
/// `count()`), as in `in T by c:`; without it only the row's own cells, as in `each T:`.
fn local_body(a: &Assertion, set: &RuleSet, group: bool) -> bool {
    match a {
        Assertion::Check(e) => local_expr(e, set, group),
        Assertion::Block(items, _) => items.iter().all(|i| local_body(i, set, group)),
        Assertion::For { body, .. } => local_body(body, set, group),
        Assertion::If { cond, body, .. } => {
            local_expr(cond, set, group) && local_body(body, set, group)
        }
        // A nested scope reads other rows.
        Assertion::In { .. } | Assertion::Each { .. } => false,
    }
}

/// [`local_body`] for an expression.
pub(super) fn local_expr(e: &Expr, set: &RuleSet, group: bool) -> bool {
    let local = |x: &Expr| local_expr(x, set, group);
    match &e.kind {
        ExprKind::Number(..) | ExprKind::Text(_) => true,
        ExprKind::Paren(x) | ExprKind::Neg(x) | ExprKind::Not(x) => local(x),
        ExprKind::IsMissing { value, .. }
        | ExprKind::IsPresent { value, .. }
        | ExprKind::Matches { value, .. } => local(value),
        ExprKind::Arith(_, a, b) | ExprKind::And(a, b) | ExprKind::Or(a, b) => local(a) && local(b),
        ExprKind::Compare {
            first,
            rest,
            either_sign,
            ..
        } => either_sign.is_none() && local(first) && rest.iter().all(|(_, x)| local(x)),
        // A `let` is evaluated at the report's root and may read anything.
        ExprKind::Ref {
            previous: false,
            reference: Reference::Name(n),
        } => set.constant(&n.text).is_none(),
        ExprKind::Ref {
            previous: false,
            reference: Reference::Total { table: None, .. },
        } => group,
        ExprKind::Ref { .. } => false,
        ExprKind::Call {
            func, args, filter, ..
        } => match func {
            Func::Abs | Func::Round => args.iter().all(local),
            // Over the scope's rows, unless the argument names another table.
            Func::Agg(_) => {
                group
                    && args
                        .iter()
                        .all(|a| super::other_table(a).is_none() && local_expr(a, set, false))
                    && filter.as_deref().is_none_or(|f| local_expr(f, set, false))
            }
        },
    }
}
