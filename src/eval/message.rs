//! Turning a failed instance into a finding a controller can act on: which cell, both sides'
//! values, the difference, the tolerance, and which rows an aggregate summed.

use super::view::RowKind;
use super::{CellAt, Env, Evaluator, Operand, Val};
use crate::finding::{CellLabel, Fields, Finding, Shared, SpanJson, Values};
use crate::problem::Severity;
use crate::render::visible::shortened;
use crate::report::Unit;
use crate::report::number::{format_decimal_compact, plain_decimal_compact};
use crate::syntax::ast::{CmpOp, Expr, ExprKind, Level};
use compact_str::CompactString;
use rust_decimal::Decimal;

/// The difference and tolerance of a failed comparison.
#[derive(Clone, Default, Debug)]
pub(crate) struct Detail {
    pub difference: Option<Decimal>,
    /// In words, kept in place when short (`rounding allows ±1,5`).
    pub tolerance: Option<CompactString>,
    pub unit: Option<Unit>,
}

/// The pair of a comparison chain that failed.
#[derive(Clone)]
pub(crate) struct Failed<'a> {
    pub left_expr: &'a Expr,
    pub left: Operand,
    pub op: CmpOp,
    pub right_expr: &'a Expr,
    pub right: Operand,
    pub detail: Detail,
    /// The pair holds after all (used where both ways round of a comparison are kept).
    pub holds: bool,
}

/// A value as a message shows it: `1 234,5`, `12 %`, `"text"`. Kept in place when short, as
/// nearly every figure is: a large run says this twice for each of its findings.
fn show(v: &Val) -> CompactString {
    match v {
        Val::Num(n) if n.unit == Some(Unit::Pct) => {
            let mut shown = format_decimal_compact(&n.v.normalize());
            shown.push_str(" %");
            shown
        }
        Val::Num(n) => format_decimal_compact(&n.v.normalize()),
        Val::Text(t) => compact_str::format_compact!("\"{t}\""),
    }
}

/// A value for machines: `-1030`, `2.1`, or the text itself.
fn canonical(v: &Val) -> CompactString {
    match v {
        Val::Num(n) => plain_decimal_compact(&n.v.normalize()),
        Val::Text(t) => CompactString::new(t),
    }
}

fn show_amount(d: Decimal) -> CompactString {
    format_decimal_compact(&d.abs().normalize())
}

/// Where a finding points: the operand that is a single cell, else any cell involved.
fn primary_cell(f: &Failed<'_>) -> (Option<CellAt>, bool) {
    // A cell of the checked report before one of the previous report.
    let here =
        |o: &Operand| o.direct && o.agg.is_none() && o.cells.first().is_some_and(|c| !c.prev);
    if here(&f.left) {
        return (f.left.cells.first().copied(), true);
    }
    if here(&f.right) {
        return (f.right.cells.first().copied(), false);
    }
    if f.left.direct && f.left.agg.is_none() {
        return (f.left.cells.first().copied(), true);
    }
    if f.right.direct && f.right.agg.is_none() {
        return (f.right.cells.first().copied(), false);
    }
    if f.left.agg.is_none()
        && let Some(c) = f.left.cells.first()
    {
        return (Some(*c), true);
    }
    if f.right.agg.is_none()
        && let Some(c) = f.right.cells.first()
    {
        return (Some(*c), false);
    }
    // Only aggregates: no one cell is to blame (the finding points at the row in scope, or
    // at the table's header).
    (None, true)
}

pub(crate) fn finding<'a>(
    ev: &Evaluator<'a>,
    env: &Env<'a>,
    whole: &Expr,
    f: Failed<'a>,
) -> Finding {
    let (cell, primary_is_left) = primary_cell(&f);
    let (lt, rt) = (
        ev.finding_expr(f.left_expr, &env.bindings),
        ev.finding_expr(f.right_expr, &env.bindings),
    );
    // Both sides in the unit the difference was computed in.
    let (left_val, right_val) = match (&f.left.val, &f.right.val) {
        (Val::Num(a), Val::Num(b)) => match super::value::Num::align(a, b) {
            Ok((a, b)) => (Val::Num(a), Val::Num(b)),
            Err(_) => (f.left.val.clone(), f.right.val.clone()),
        },
        _ => (f.left.val.clone(), f.right.val.clone()),
    };
    let (lv, rv) = (show(&left_val), show(&right_val));
    let diff = f.detail.difference;
    let tol = f.detail.tolerance.as_deref();
    let unit = match f.detail.unit {
        // A difference of two percentages is in points, not per cent of anything.
        Some(Unit::Pct) => " percentage points",
        Some(Unit::Tkr) => " tkr",
        Some(Unit::Mkr) => " mkr",
        Some(Unit::Kr) => " kr",
        _ => "",
    };
    // Say it of the offending cell: `0 <= c` failing reads "c is -4, less than 0".
    let (pt, pv, ot, ov, op) = if primary_is_left {
        (&lt, &lv, &rt, &rv, f.op)
    } else {
        (&rt, &rv, &lt, &lv, flipped(f.op))
    };
    let other_expr = if primary_is_left {
        f.right_expr
    } else {
        f.left_expr
    };
    // A plain number or text is shown as itself, an expression with its value: "more than
    // ram = 45 000".
    let same_figure = |a: &str, b: &str| {
        let norm = |s: &str| {
            s.chars()
                .filter(|c| !c.is_whitespace() && *c != '%')
                .map(|c| if c == ',' { '.' } else { c })
                .collect::<String>()
                .replace("pct", "")
        };
        norm(a) == norm(b)
    };
    let other_is_value = matches!(
        other_expr.kind,
        ExprKind::Number(_, None) | ExprKind::Text(_)
    ) || (matches!(other_expr.kind, ExprKind::Number(..))
        && same_figure(ot, ov));
    // "klar" against "Klar": say that only the case differs.
    let case_note = match (&f.left.val, &f.right.val) {
        (Val::Text(a), Val::Text(b)) if a != b && a.to_lowercase() == b.to_lowercase() => {
            " (only upper/lower case differs: `matches` ignores case)"
        }
        _ => "",
    };
    // Written piece by piece rather than with `format!`: every failing row of an `each`
    // says this, and a large table fails on tens of thousands of rows.
    let mut text = String::with_capacity(pt.len() + pv.len() + ot.len() + ov.len() + 64);
    let push_other = |text: &mut String| {
        if !other_is_value {
            text.push_str(ot);
            text.push_str(" = ");
        }
        text.push_str(ov);
    };
    // " (off by 3 tkr; rounding allows ±1)"
    let push_by = |text: &mut String, words: &str| {
        text.push_str(" (");
        text.push_str(words);
        text.push_str(" by ");
        if let Some(d) = diff {
            text.push_str(&show_amount(d));
            text.push_str(if d.abs() == Decimal::ONE && unit == " percentage points" {
                " percentage point"
            } else {
                unit
            });
        }
        if let Some(t) = tol {
            text.push_str("; ");
            text.push_str(t);
        }
        text.push(')');
    };
    let push_tol = |text: &mut String| {
        if let Some(t) = tol {
            text.push_str(" (");
            text.push_str(t);
            text.push(')');
        }
    };
    text.push_str(pt);
    text.push_str(" is ");
    text.push_str(pv);
    match op {
        CmpOp::Eq => {
            if other_is_value {
                text.push_str(", not ");
                text.push_str(ov);
            } else {
                text.push_str(", but ");
                text.push_str(ot);
                text.push_str(" is ");
                text.push_str(ov);
            }
            match diff {
                Some(_) => push_by(&mut text, "off"),
                None => text.push_str(case_note),
            }
        }
        CmpOp::Ne => {
            text.push_str(" and ");
            text.push_str(ot);
            text.push_str(" is ");
            text.push_str(ov);
            text.push_str(", but they must differ");
            if let Some(t) = tol {
                text.push_str("; ");
                text.push_str(t);
            }
        }
        CmpOp::Le => {
            text.push_str(", more than ");
            push_other(&mut text);
            push_by(&mut text, "over");
        }
        CmpOp::Lt => {
            text.push_str(", not less than ");
            push_other(&mut text);
            push_tol(&mut text);
        }
        CmpOp::Ge => {
            text.push_str(", less than ");
            push_other(&mut text);
            push_by(&mut text, "short");
        }
        CmpOp::Gt => {
            text.push_str(", not more than ");
            push_other(&mut text);
            push_tol(&mut text);
        }
    }
    let label_len = text.len();
    let mut message = text;
    let mut summed: Vec<String> = Vec::new();
    for o in [&f.left, &f.right] {
        if let Some(agg) = &o.agg {
            // Both sides may run over the same rows (`count(ram) == count()`): say it once.
            let s = summed_rows(env, agg);
            if !summed.contains(&s) {
                message.push_str("; ");
                message.push_str(&s);
                summed.push(s);
            }
        }
    }
    // What every finding of the rule says alike is kept once ([`Evaluator::shared`]).
    let values = Values {
        left_expr: lt.clone(),
        left: canonical(&left_val),
        right_expr: rt.clone(),
        right: canonical(&right_val),
        difference: diff.map(|d| plain_decimal_compact(&d.normalize())),
        op: ev.shared(f.op.symbol()),
        tolerance: f.detail.tolerance.as_deref().map(|t| ev.shared(t)),
    };
    // Cells of a plain operand are worth labelling; an aggregate's rows are named in the help.
    let mut others: Vec<CellAt> = [&f.left, &f.right]
        .into_iter()
        .filter(|o| o.agg.is_none())
        .flat_map(|o| o.cells.iter().copied())
        .collect();
    others.retain(|c| Some(*c) != cell);
    build(
        ev,
        env,
        whole,
        cell,
        message,
        label_len,
        Some(values),
        &others,
    )
}

/// `a OP b` said of b: `a <= b` is `b >= a`.
fn flipped(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Le => CmpOp::Ge,
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::Ge => CmpOp::Le,
        CmpOp::Gt => CmpOp::Lt,
        other => other,
    }
}

/// A failed condition that is not a plain comparison (`x is present`, `a and b`).
pub(crate) fn condition_finding<'a>(
    ev: &Evaluator<'a>,
    env: &Env<'a>,
    e: &Expr,
    cells: &[CellAt],
) -> Finding {
    let whole = substitute(&ev.expr_text(e), &env.bindings);
    let first = cells.first().copied();
    let rest: Vec<CellAt> = cells.iter().skip(1).copied().collect();
    // `x is missing` / `x is present`: say what the cell holds instead.
    let predicate = match &e.kind {
        ExprKind::IsMissing { value, negated } => Some((value, !*negated)),
        ExprKind::IsPresent { value, negated } => Some((value, *negated)),
        _ => None,
    };
    if let Some((value, want_missing)) = predicate {
        let what = substitute(&ev.expr_text(value), &env.bindings);
        let cell = first.and_then(|c| {
            let t = &env.report_of(&c).tables[c.table];
            t.cell(c.row, c.col).map(|cell| (cell, t))
        });
        let (shown, canonical_value) = match cell {
            Some((c, t)) if !want_missing => (
                format!("'{}'", c.raw(t).trim()),
                c.raw(t).trim().to_string(),
            ),
            Some((c, t)) => (
                c.raw(t).trim().to_string(),
                match c.figure(t) {
                    Some(f) => f.value.normalize().to_string(),
                    None => c.raw(t).trim().to_string(),
                },
            ),
            None => ("not there".to_string(), String::new()),
        };
        let text = if want_missing {
            format!("{what} is {shown}, but must be empty (`{whole}`)")
        } else {
            format!(
                "{what} is {}, but must be given (`{whole}`)",
                if cell.is_some() {
                    format!("missing ({shown})")
                } else {
                    shown.clone()
                }
            )
        };
        let values = Values {
            left_expr: ev.shared(&what),
            left: canonical_value.into(),
            right_expr: Shared::default(),
            right: CompactString::default(),
            difference: None,
            op: ev.shared(if want_missing {
                "is missing"
            } else {
                "is present"
            }),
            tolerance: None,
        };
        let label_len = text.len();
        return build(ev, env, e, first, text, label_len, Some(values), &rest);
    }
    let text = format!("`{whole}` does not hold");
    let label_len = text.len();
    build(ev, env, e, first, text, label_len, None, &rest)
}

/// "summed 8 rows: VSS ledning, …, LKDATA (lines 2–9)"
fn summed_rows(env: &Env<'_>, agg: &super::AggInfo) -> String {
    let (table, rows) = (agg.table, &agg.rows);
    let t = &env.report.tables[table];
    // (Aggregates run over the report being read, so `env.report` is the right one.)
    let key_col = env
        .scope
        .as_ref()
        .filter(|v| v.index == table)
        .map(|v| v.key_col)
        .unwrap_or(0);
    let key = |r: usize| {
        t.cell(r, key_col)
            .map(|c| c.raw(t).trim().to_string())
            .unwrap_or_default()
    };
    // Only the names shown are read: a sum over a whole table names thousands of rows, and
    // every failing row of an `each` says which.
    let names = |rows: &[usize]| rows.iter().map(|&r| key(r)).collect::<Vec<_>>().join(", ");
    let list = if rows.len() <= 10 {
        names(rows)
    } else {
        format!(
            "{}, … {}",
            names(rows.get(..4).unwrap_or_default()),
            names(rows.get(rows.len() - 2..).unwrap_or_default())
        )
    };
    // A range only when no row between was left out (a `where`, a part row).
    let contiguous = agg.contiguous;
    let lines = match (rows.first(), rows.last()) {
        (Some(&a), Some(&b)) if a != b && contiguous => {
            format!(" (lines {}–{})", t.rows[a].line(), t.rows[b].line())
        }
        (Some(_), Some(_)) if rows.len() > 1 && rows.len() <= 10 => format!(
            " (lines {})",
            rows.iter()
                .map(|&r| t.rows[r].line().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        (Some(&a), _) if rows.len() == 1 => format!(" (line {})", t.rows[a].line()),
        _ => String::new(),
    };
    format!(
        "{} {} row{}: {list}{lines}",
        agg.verb,
        rows.len(),
        if rows.len() == 1 { "" } else { "s" }
    )
}

/// Replace `for` variables by the column they stand for, so `sum(c)` reads `sum(budget)`.
pub(crate) fn substitute(text: &str, bindings: &[(String, String)]) -> String {
    let mut out = text.to_string();
    for (var, col) in bindings {
        let mut result = String::new();
        let chars: Vec<char> = out.chars().collect();
        let v: Vec<char> = var.chars().collect();
        let is_ident = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
        let mut i = 0;
        while i < chars.len() {
            let matches = chars[i..].starts_with(&v)
                && (i == 0 || !is_ident(chars[i - 1]))
                && chars.get(i + v.len()).is_none_or(|c| !is_ident(*c));
            if matches {
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

/// Other cells a finding names at most.
const RELATED_NAMED: usize = 6;

#[allow(clippy::too_many_arguments)]
fn build<'a>(
    ev: &Evaluator<'a>,
    env: &Env<'a>,
    whole: &Expr,
    cell: Option<CellAt>,
    message: String,
    label_len: usize,
    values: Option<Values>,
    others: &[CellAt],
) -> Finding {
    // The cell, or failing that the current row, or the table's header.
    // In a group of a grouped table, the group's total row (else its first row) stands for
    // the group, so the finding says which group it is about.
    let group_row = || {
        let v = env.scope.as_ref()?;
        if env.rows.len() >= v.table.rows.len() {
            return None; // the whole table, not a group
        }
        env.rows
            .iter()
            .copied()
            .find(|&r| v.kinds()[r] == RowKind::Total)
            .or_else(|| env.rows.first().copied())
    };
    let (table_idx, row, col) = match cell {
        Some(c) => (Some(c.table), Some(c.row), Some(c.col)),
        None => (
            env.scope.as_ref().map(|v| v.index),
            env.row.or_else(group_row),
            None,
        ),
    };
    let report = match &cell {
        Some(c) => env.report_of(c),
        None => env.report,
    };
    let cell_prev = cell.map(|c| c.prev).unwrap_or(env.in_previous);
    let table = table_idx.map(|i| &report.tables[i]);
    let (source, span) = match (table, row, col) {
        (Some(t), Some(r), Some(c)) => (
            t.source,
            t.cell(r, c).map(|x| x.span()).unwrap_or(t.rows[r].span()),
        ),
        (Some(t), Some(r), None) => (t.source, t.rows[r].span()),
        (Some(t), None, _) => (
            t.source,
            t.headers
                .first()
                .map(|h| {
                    h.span
                        .join(t.headers.last().map(|l| l.span).unwrap_or(h.span))
                })
                .unwrap_or_default(),
        ),
        (None, _, _) => (ev.rule.source, whole.span),
    };
    let file = ev.sources.get(source);
    let (line, column) = match table.zip(row) {
        Some((t, r)) => t.line_col(file, r, span.start),
        None => file.line_col(span.start),
    };
    let key_col = env
        .scope
        .as_ref()
        .filter(|v| Some(v.index) == table_idx && v.previous == cell_prev)
        .map(|v| v.key_col)
        .unwrap_or(0);
    let row_key = match (table, row) {
        (Some(t), Some(r)) => t
            .cell(r, key_col)
            .map(|c| CompactString::new(shortened(c.raw(t).trim(), crate::finding::ROW_KEY_CHARS))),
        _ => None,
    };
    let column_name = match (table, col) {
        (Some(t), Some(c)) => t.headers.get(c).map(|h| ev.shared(&h.text)),
        _ => None,
    };
    // Room for exactly the cells named: a finding of a large table is one of tens of
    // thousands, and each string or list made for it is an allocation of its own.
    let mut related = Vec::with_capacity(others.len().min(RELATED_NAMED));
    related.extend(others.iter().take(RELATED_NAMED).filter_map(|c| {
        let t = &env.report_of(c).tables[c.table];
        let x = t.cell(c.row, c.col)?;
        let f = ev.sources.get(t.source);
        let (l, co) = t.line_col(f, c.row, x.span().start);
        let header = t.headers.get(c.col).map(|h| h.text.as_str()).unwrap_or("");
        let before = if c.prev && !env.in_previous {
            "previous report · "
        } else {
            ""
        };
        let raw = x.raw(t).trim();
        let mut text = CompactString::with_capacity(before.len() + header.len() + 2 + raw.len());
        text.push_str(before);
        text.push_str(header);
        text.push_str(": ");
        text.push_str(raw);
        Some(CellLabel {
            source: t.source,
            span: x.span(),
            file: ev.shared(&f.name),
            line: l,
            column: co,
            text,
            cell: f.cell_ref(x.span()),
        })
    }));
    let parts = rule_parts(ev);
    Finding::from(Fields {
        rule: parts.rule.clone(),
        severity: parts.severity,
        title: parts.title.clone(),
        message,
        help: parts.help.clone(),
        report: report_name(ev, env.current),
        table: ev.shared(table.map_or("", |t| &t.name)),
        file: ev.shared(&file.name),
        line,
        column,
        span: {
            let (offset, length) = file.file_span(span);
            SpanJson { offset, length }
        },
        cell: file.cell_ref(span),
        row_key,
        column_name,
        values,
        bindings: env.bindings.to_vec(),
        related,
        rule_file: parts.rule_file.clone(),
        rule_line: parts.rule_line,
        tags: parts.tags.clone(),
        baselined: false,
        suppressed: false,
        suppression_reason: None,
        source,
        primary: span,
        label_len,
        reads: Vec::new(),
        fix: None,
    })
}

/// What every finding of a rule says alike: its id, title, help, severity, tags and where it
/// is written.
pub(crate) struct RuleParts {
    rule: Shared,
    title: Shared,
    help: Option<Shared>,
    severity: Severity,
    tags: Vec<String>,
    rule_file: Shared,
    rule_line: usize,
}

/// The [`RuleParts`] of the evaluator's rule, worked out for its first finding.
fn rule_parts<'e>(ev: &'e Evaluator<'_>) -> &'e RuleParts {
    ev.rule_parts.get_or_init(|| {
        let rule = &ev.rule.rule;
        let rule_file = ev.sources.get(ev.rule.source);
        RuleParts {
            rule: ev.shared(&rule.id.text),
            title: ev.shared(rule.title.as_ref().map_or(&rule.id.text, |t| &t.text)),
            help: rule.help.as_ref().map(|h| ev.shared(&h.text)),
            severity: match rule.severity.map(|s| s.0) {
                Some(Level::Warning) => Severity::Warning,
                Some(Level::Info) => Severity::Info,
                _ => Severity::Error,
            },
            tags: rule.tags.iter().map(|t| t.text.clone()).collect(),
            rule_file: ev.shared(&rule_file.name),
            rule_line: rule_file.line_col(rule.span.start).0,
        }
    })
}

/// The folder of `report` as findings name it (`/` between folders on every system): kept
/// for the report the evaluator's findings were last made for.
fn report_name(ev: &Evaluator<'_>, report: &crate::report::Report) -> Shared {
    let mut kept = ev.report_name.borrow_mut();
    if let Some((at, name)) = kept.as_ref()
        && std::ptr::eq(*at, report)
    {
        return name.clone();
    }
    let name = ev.shared(&report.path.to_string_lossy().replace('\\', "/"));
    *kept = Some((report, name.clone()));
    name
}
