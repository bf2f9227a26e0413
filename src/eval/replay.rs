//! Checking single rule instances again with some cells changed: what error localisation
//! (`crate::locate`) needs. A [`Collector`] records, during a normal evaluation of one
//! report, every instance that reads a cell of interest; [`Replayer::measure`] re-checks one
//! of them with other values in some cells.

use super::{CellAt, Env, Evaluator, Operand, Options, Val, value::Num};
use crate::check::{LoadedRule, RuleSet};
use crate::finding::Finding;
use crate::report::Report;
use crate::source::{Sources, Span};
use crate::syntax::ast::{CmpOp, Expr, ExprKind, Tolerance};
use rust_decimal::Decimal;
use std::collections::HashSet;
use std::rc::Rc;

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
            file: f.file.clone(),
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
            (Some(v), Some(r)) => format!("{name} ({})", v.key_text(r)),
            _ => name,
        }
    }
}

/// Records the instances that read a watched cell while a report is evaluated.
pub(crate) struct Collector<'a> {
    watch: HashSet<CellAt>,
    pub instances: Vec<Instance<'a>>,
}

impl<'a> Collector<'a> {
    /// Record the instance just checked if it read a watched cell; its index.
    pub(super) fn instance(
        &mut self,
        rule: &'a LoadedRule,
        expr: &'a Expr,
        env: &Env<'a>,
        reads: &[CellAt],
        finding: Option<&Finding>,
    ) -> Option<usize> {
        if !reads.iter().any(|c| !c.prev && self.watch.contains(c)) {
            return None;
        }
        // An aggregate reads a whole column: repeats are dropped with a set, not a scan.
        let mut seen: HashSet<CellAt> = HashSet::with_capacity(reads.len());
        let own: Vec<CellAt> = reads
            .iter()
            .filter(|c| !c.prev && seen.insert(**c))
            .copied()
            .collect();
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
    ) -> Vec<Instance<'a>> {
        let mut collector = Collector {
            watch,
            instances: Vec::new(),
        };
        for lr in self.set.rules.iter().filter(|r| r.enabled) {
            let mut ev = self.evaluator(lr, Vec::new(), Some(collector));
            let env = Env {
                report,
                current: report,
                previous,
                in_previous: false,
                scope: None,
                rows: Rc::new(Vec::new()),
                row: None,
                bindings: Vec::new(),
            };
            for a in &lr.rule.body {
                ev.assertion(a, &env);
            }
            ev.settle_votes(0);
            collector = ev.collect.take().unwrap_or_else(|| Collector {
                watch: HashSet::new(),
                instances: Vec::new(),
            });
        }
        collector.instances
    }

    /// Check `inst` again as if the cells in `overrides` held those values. `None` when it
    /// cannot be decided then (a missing cell, a division by zero).
    pub(crate) fn measure(
        &self,
        inst: &Instance<'a>,
        overrides: &[(CellAt, Decimal)],
    ) -> Option<Measure> {
        let mut ev = self.evaluator(inst.rule, overrides.to_vec(), None);
        let env = &inst.env;
        let mut e = inst.expr;
        while let ExprKind::Paren(inner) = &e.kind {
            e = inner;
        }
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
            let n = ev.num(&right, right_expr).ok()?;
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

/// What a cell of `report` is.
pub(crate) fn place(report: &Report, set: &RuleSet, c: &CellAt) -> Option<CellPlace> {
    let t = report.tables.get(c.table)?;
    let cell = t.rows.get(c.row)?.cells.get(c.col)?;
    // The key column of the table as its declaration says (else the first column).
    let names = set
        .tables
        .iter()
        .map(|d| d.decl.name.text.clone())
        .chain(std::iter::once(crate::report::normalise_name(&t.name)));
    let key_col = names
        .flat_map(|name| super::view::views(set, report, &name))
        .find(|v| v.index == c.table)
        .map_or(0, |v| v.key_col);
    let row_key = t.rows[c.row]
        .cells
        .get(key_col)
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
