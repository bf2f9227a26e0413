//! Types and units of rule expressions, and the use of functions, known from declarations and
//! literals alone. Only what is certain is an error: a column declared without a unit, or not
//! declared at all, may hold anything, and is never the cause of one.
//!
//! An error here means the rule could not work on any report (the evaluator would stop it, or
//! find every instance not applicable), so the rule is disabled, as for an unknown name.

use super::RuleSet;
use super::statics::{aggregate_table, text_of, unparen};
use crate::problem::{Problem, ProblemKind, Severity};
use crate::source::{SourceId, Sources, Span};
use crate::syntax::ast::*;
use std::collections::{HashMap, HashSet};

/// Kinds of unit that never convert into one another. kr, tkr and mkr are one kind: they
/// convert exactly, so comparing tkr with mkr is fine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dim {
    Money,
    Pct,
    Count,
}

impl Dim {
    fn of(u: UnitName) -> Option<Dim> {
        match u {
            UnitName::Kr | UnitName::Tkr | UnitName::Mkr => Some(Dim::Money),
            UnitName::Pct => Some(Dim::Pct),
            UnitName::Count => Some(Dim::Count),
            UnitName::Text => None,
        }
    }

    fn words(self) -> &'static str {
        match self {
            Dim::Money => "an amount of money",
            Dim::Pct => "a percentage",
            Dim::Count => "a count",
        }
    }
}

/// What an expression is, as far as the rule files tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ty {
    Text,
    /// A figure, with its kind of unit when that is certain.
    Figure(Option<Dim>),
    /// A comparison, a test (`is missing`, `matches`) or a combination with and/or/not.
    Cond,
    /// A value that may be text or a figure: only the data will tell.
    Unknown,
}

impl Ty {
    fn dim(self) -> Option<Dim> {
        match self {
            Ty::Figure(d) => d,
            _ => None,
        }
    }
}

/// Where a condition is expected, for the wording of "this is a value, not a condition".
#[derive(Clone, Copy)]
enum Place {
    Assertion,
    If,
    Where,
    Logic,
}

/// Check every `let` and every rule; disable the rules with errors.
pub fn check_types(set: &mut RuleSet, sources: &Sources, problems: &mut Vec<Problem>) {
    let mut disabled = Vec::new();
    {
        let mut c = Types::new(set, sources);
        c.all_lets();
        problems.append(&mut c.let_problems);
        for (i, r) in set.rules.iter().enumerate() {
            c.source = r.source;
            c.uses_broken_let = false;
            for a in &r.rule.body {
                c.assertion(a);
            }
            // A rule that reads a broken `let` cannot work either; the let's own error says why.
            if !c.problems.is_empty() || c.uses_broken_let {
                disabled.push(i);
            }
            problems.append(&mut c.problems);
        }
    }
    for i in disabled {
        set.rules[i].enabled = false;
    }
}

struct Types<'a> {
    set: &'a RuleSet,
    sources: &'a Sources,
    source: SourceId,
    /// Table scopes, innermost last; `None` for a table without a declaration.
    tables: Vec<Option<&'a TableDecl>>,
    /// `for` variables, innermost last, with the columns they stand for.
    vars: Vec<(&'a str, &'a [Name])>,
    lets: HashMap<String, Ty>,
    /// Lets being typed (a `let` that names itself, directly or not, is typed `Unknown`).
    visiting: HashSet<String>,
    /// Lets with a type error.
    broken: HashSet<String>,
    uses_broken_let: bool,
    problems: Vec<Problem>,
    /// Errors in lets, reported once and apart from the rules that use them.
    let_problems: Vec<Problem>,
}

impl<'a> Types<'a> {
    fn new(set: &'a RuleSet, sources: &'a Sources) -> Self {
        Types {
            set,
            sources,
            source: SourceId(0),
            tables: Vec::new(),
            vars: Vec::new(),
            lets: HashMap::new(),
            visiting: HashSet::new(),
            broken: HashSet::new(),
            uses_broken_let: false,
            problems: Vec::new(),
            let_problems: Vec::new(),
        }
    }

    fn text(&self, span: Span) -> &'a str {
        text_of(self.sources, self.source, span)
    }

    fn error(&mut self, code: &'static str, msg: String, labels: &[(Span, &str)], help: &str) {
        let mut p = Problem::new(ProblemKind::Rules, Severity::Error, code, msg);
        for (span, text) in labels {
            p = p.with_label(self.source, *span, *text);
        }
        self.problems.push(p.with_help(help));
    }

    // ------------------------------------------------------------ lets

    fn all_lets(&mut self) {
        for (l, _) in &self.set.lets {
            self.let_type(&l.name.text);
        }
    }

    /// The type of a `let`, typing it (and reporting its errors, once) on first use.
    fn let_type(&mut self, name: &str) -> Ty {
        if let Some(t) = self.lets.get(name) {
            return *t;
        }
        if self.visiting.contains(name) {
            return Ty::Unknown;
        }
        let Some((l, source)) = self.set.let_named(name) else {
            return Ty::Unknown;
        };
        // A let is evaluated on its own, outside any table: type it so.
        let saved = (
            self.source,
            std::mem::take(&mut self.tables),
            std::mem::take(&mut self.vars),
            // The let's errors are its own, not those of the rule that first used it.
            std::mem::take(&mut self.problems),
            self.uses_broken_let,
        );
        self.source = *source;
        self.uses_broken_let = false;
        self.visiting.insert(name.to_string());
        let mut t = self.infer(&l.value);
        self.visiting.remove(name);
        if t == Ty::Cond {
            self.error(
                "rules::type",
                format!("`let {name}` names a condition, but a let names a value"),
                &[(l.value.span, "a condition")],
                "a let holds a number, a text or a computed figure (`let tak = 105`); write the comparison in the rule itself",
            );
            t = Ty::Unknown;
        }
        if !self.problems.is_empty() || self.uses_broken_let {
            self.broken.insert(name.to_string());
        }
        let mut own = std::mem::take(&mut self.problems);
        self.let_problems.append(&mut own);
        (
            self.source,
            self.tables,
            self.vars,
            self.problems,
            self.uses_broken_let,
        ) = saved;
        self.lets.insert(name.to_string(), t);
        t
    }

    // ------------------------------------------------------------ assertions

    fn decl(&self, table: &str) -> Option<&'a TableDecl> {
        self.set.table(table).map(|t| &t.decl)
    }

    fn assertion(&mut self, a: &'a Assertion) {
        match a {
            Assertion::In { table, body, .. } => {
                self.tables.push(self.decl(&table.name.text));
                self.assertion(body);
                self.tables.pop();
            }
            Assertion::Each {
                table,
                filter,
                body,
                ..
            } => {
                self.tables.push(self.decl(&table.name.text));
                if let Some(f) = filter {
                    self.condition(f, Place::Where);
                }
                self.assertion(body);
                self.tables.pop();
            }
            Assertion::For {
                var, columns, body, ..
            } => {
                self.vars.push((&var.text, columns));
                self.assertion(body);
                self.vars.pop();
            }
            Assertion::If { cond, body, .. } => {
                self.condition(cond, Place::If);
                self.assertion(body);
            }
            Assertion::Block(items, _) => items.iter().for_each(|i| self.assertion(i)),
            Assertion::Check(e) => self.condition(e, Place::Assertion),
        }
    }

    /// `e` must be a condition.
    fn condition(&mut self, e: &'a Expr, place: Place) {
        if self.infer(e) == Ty::Cond {
            return;
        }
        let help = match place {
            Place::Assertion => {
                "an assertion compares values or tests them: `x == y`, `x <= 100`, `x is present`, `key matches \"varav*\"`"
            }
            Place::If | Place::Where | Place::Logic => {
                "write a condition: compare the value (`x > 0`, `x == \"Summa\"`) or test it (`x is present`)"
            }
        };
        let where_ = match place {
            Place::Assertion => "an assertion",
            Place::If => "`if`",
            Place::Where => "`where`",
            Place::Logic => "`and`, `or` and `not`",
        };
        self.error(
            "rules::type",
            format!(
                "`{}` is a value, but {where_} needs a condition",
                self.text(e.span)
            ),
            &[(e.span, "a value, not a condition")],
            help,
        );
    }

    /// `e` must be a value; its type (`Unknown` after an error).
    fn value(&mut self, e: &'a Expr) -> Ty {
        let t = self.infer(e);
        if t != Ty::Cond {
            return t;
        }
        self.error(
            "rules::type",
            format!(
                "`{}` is a condition, but a value is needed here",
                self.text(e.span)
            ),
            &[(e.span, "a condition, not a value")],
            "a comparison or test is true or false, not a figure: compute with the values themselves, and assert the condition on its own",
        );
        Ty::Unknown
    }

    /// A value that must be a figure (`what` it is used for, in words); text is an error.
    fn figure(&mut self, e: &'a Expr, what: &str) -> Ty {
        let t = self.value(e);
        self.figure_of(e, t, what)
    }

    /// As [`Self::figure`], for an expression whose type is already known.
    fn figure_of(&mut self, e: &'a Expr, t: Ty, what: &str) -> Ty {
        if t != Ty::Text {
            return t;
        }
        self.error(
            "rules::type",
            format!("`{}` is text, and text cannot be {what}", self.text(e.span)),
            &[(e.span, "text")],
            "arithmetic and sum/mean/min/max work on figures; compare text with `==`, `!=` or `matches`",
        );
        Ty::Unknown
    }

    // ------------------------------------------------------------ expressions

    fn infer(&mut self, e: &'a Expr) -> Ty {
        match &e.kind {
            ExprKind::Number(_, unit) => Ty::Figure(unit.and_then(Dim::of)),
            ExprKind::Text(_) => Ty::Text,
            ExprKind::Paren(x) => self.infer(x),
            ExprKind::Neg(x) => Ty::Figure(self.figure(x, "negated").dim()),
            ExprKind::Arith(op, a, b) => self.arith(*op, a, b, e),
            ExprKind::Call {
                func,
                name,
                args,
                filter,
            } => self.call(*func, name, args, filter.as_deref(), e),
            ExprKind::Ref {
                previous: _,
                reference,
            } => self.reference(reference),
            ExprKind::Compare {
                first,
                rest,
                tolerance,
                either_sign,
            } => {
                if let Some(sign) = either_sign
                    && !matches!(rest.as_slice(), [(CmpOp::Eq, _)])
                {
                    self.error(
                        "rules::either-sign",
                        "`either sign` needs exactly one `==` comparison".to_string(),
                        &[(*sign, "here")],
                        "write it as one equality, `a == b either sign`: e.g. `avvikelse == utfall - budget either sign`",
                    );
                }
                self.compare(first, rest, tolerance.as_ref());
                Ty::Cond
            }
            ExprKind::IsMissing { value, .. } | ExprKind::IsPresent { value, .. } => {
                self.value(value);
                Ty::Cond
            }
            ExprKind::Matches { value, glob } => {
                self.matches(value, glob);
                Ty::Cond
            }
            ExprKind::And(a, b) | ExprKind::Or(a, b) => {
                self.condition(a, Place::Logic);
                self.condition(b, Place::Logic);
                Ty::Cond
            }
            ExprKind::Not(x) => {
                self.condition(x, Place::Logic);
                Ty::Cond
            }
        }
    }

    fn arith(&mut self, op: ArithOp, a: &'a Expr, b: &'a Expr, e: &'a Expr) -> Ty {
        let what = match op {
            ArithOp::Add => "added",
            ArithOp::Sub => "subtracted",
            ArithOp::Mul => "multiplied",
            ArithOp::Div => "divided",
        };
        let (ta, tb) = (self.value(a), self.value(b));
        // `+` also joins texts ("Ärenden " + indikator), e.g. to build a row key.
        if op == ArithOp::Add {
            match (ta, tb) {
                (Ty::Text, Ty::Text) => return Ty::Text,
                (Ty::Text, Ty::Unknown) | (Ty::Unknown, Ty::Text) => return Ty::Unknown,
                (Ty::Text, Ty::Figure(_)) | (Ty::Figure(_), Ty::Text) => {
                    let (text, figure) = if ta == Ty::Text { (a, b) } else { (b, a) };
                    self.error(
                        "rules::type",
                        format!(
                            "`{}` joins the text `{}` with the figure `{}`",
                            self.text(e.span),
                            self.text(text.span),
                            self.text(figure.span)
                        ),
                        &[(text.span, "text"), (figure.span, "a figure")],
                        "`+` joins two texts (\"Ärenden \" + indikator) or adds two figures, not one of each",
                    );
                    return Ty::Unknown;
                }
                _ => {}
            }
        }
        let (x, y) = (
            self.figure_of(a, ta, what).dim(),
            self.figure_of(b, tb, what).dim(),
        );
        Ty::Figure(match op {
            ArithOp::Add | ArithOp::Sub => {
                if let (Some(p), Some(q)) = (x, y)
                    && p != q
                {
                    self.mixed(op, (a, p), (b, q), e);
                }
                x.or(y)
            }
            // As the evaluator does: a count scales a unit; two other units have no product
            // (money × percentage, money × money), and the evaluator refuses them on every
            // row, so the rule could never decide anything.
            ArithOp::Mul => match (x, y) {
                (Some(p), Some(q)) if p != Dim::Count && q != Dim::Count => {
                    self.no_unit(op, (a, p), (b, q), e);
                    None
                }
                (p, q) => p.filter(|d| *d != Dim::Count).or(q),
            },
            ArithOp::Div => match (x, y) {
                (Some(p), Some(q)) if p == q => None,
                (Some(p), Some(Dim::Count)) => Some(p),
                (Some(p), Some(q)) => {
                    self.no_unit(op, (a, p), (b, q), e);
                    None
                }
                (p, _) => p,
            },
        })
    }

    /// `a + b` or `a − b` of two kinds of unit that do not convert.
    fn mixed(&mut self, op: ArithOp, a: (&'a Expr, Dim), b: (&'a Expr, Dim), e: &'a Expr) {
        let verb = if op == ArithOp::Add {
            "adds"
        } else {
            "subtracts"
        };
        let what = format!(
            "{verb} {} and {}, which do not convert into one another",
            a.1.words(),
            b.1.words()
        );
        self.units_error(&what, a, b, e, "add and subtract like with like: kr, tkr and mkr convert, percentages and counts only go with their own kind");
    }

    /// `a * b` or `a / b` of two units whose product or quotient is no unit rimlig has.
    fn no_unit(&mut self, op: ArithOp, a: (&'a Expr, Dim), b: (&'a Expr, Dim), e: &'a Expr) {
        let (verb, result) = if op == ArithOp::Mul {
            ("multiplies", "product")
        } else {
            ("divides", "quotient")
        };
        let what = format!(
            "{verb} {} by {}, whose {result} has no unit: it could never be worked out",
            a.1.words(),
            b.1.words()
        );
        self.units_error(&what, a, b, e, "multiply a figure by a plain number (`budget * 0.1`, not `budget * 10 %`), and divide like by like or by a count");
    }

    /// `rules::type` at `e`, which `what` two operands of these units.
    fn units_error(
        &mut self,
        what: &str,
        a: (&'a Expr, Dim),
        b: (&'a Expr, Dim),
        e: &'a Expr,
        help: &str,
    ) {
        self.error(
            "rules::type",
            format!("`{}` {what}", self.text(e.span)),
            &[(a.0.span, a.1.words()), (b.0.span, b.1.words())],
            help,
        );
    }

    // ------------------------------------------------------------ comparisons

    fn compare(
        &mut self,
        first: &'a Expr,
        rest: &'a [(CmpOp, Expr)],
        tolerance: Option<&'a (Tolerance, Span)>,
    ) {
        let before = self.problems.len();
        let mut operands = vec![(first, self.value(first))];
        for (op, right) in rest {
            let r = (right, self.value(right));
            if let Some(&l) = operands.last() {
                self.compare_pair(l, *op, r);
            }
            operands.push(r);
        }
        // One error per comparison is enough: a wrong tolerance on a wrong comparison is noise.
        if self.problems.len() > before {
            return;
        }
        if let Some((tol, span)) = tolerance {
            self.tolerance(tol, *span, &operands);
        }
    }

    fn compare_pair(&mut self, l: (&'a Expr, Ty), op: CmpOp, r: (&'a Expr, Ty)) {
        match (l.1, r.1) {
            (Ty::Text, Ty::Figure(_)) => self.text_vs_figure(l.0, r.0),
            (Ty::Figure(_), Ty::Text) => self.text_vs_figure(r.0, l.0),
            (Ty::Text, _) | (_, Ty::Text) if !matches!(op, CmpOp::Eq | CmpOp::Ne) => {
                let text = if l.1 == Ty::Text { l.0 } else { r.0 };
                self.error(
                    "rules::type",
                    format!(
                        "`{}` is text, and text cannot be compared with `{}`",
                        self.text(text.span),
                        op.symbol()
                    ),
                    &[(text.span, "text")],
                    "text is compared with `==`, `!=` or `matches`; `<`, `<=`, `>` and `>=` order figures",
                );
            }
            (Ty::Figure(Some(p)), Ty::Figure(Some(q))) if p != q => {
                self.error(
                    "rules::type",
                    format!(
                        "`{}` is {} and `{}` is {}: they cannot be compared",
                        self.text(l.0.span),
                        p.words(),
                        self.text(r.0.span),
                        q.words()
                    ),
                    &[(l.0.span, p.words()), (r.0.span, q.words())],
                    "compare like with like: kr, tkr and mkr convert, percentages and counts only compare with their own kind",
                );
            }
            _ => {}
        }
    }

    fn text_vs_figure(&mut self, text: &'a Expr, figure: &'a Expr) {
        let help = match &unparen(figure).kind {
            ExprKind::Number(n, None) => format!(
                "text is never equal to a figure; to compare with the text {n}, quote it: \"{n}\""
            ),
            _ => "compare text with text and figures with figures; `matches` tests the text of a cell".to_string(),
        };
        self.error(
            "rules::type",
            format!(
                "`{}` is text and `{}` is a figure: they cannot be compared",
                self.text(text.span),
                self.text(figure.span)
            ),
            &[(text.span, "text"), (figure.span, "a figure")],
            &help,
        );
    }

    /// A tolerance is about figures: on text it does nothing, and an amount in one kind of
    /// unit cannot widen a comparison of another.
    fn tolerance(&mut self, tol: &Tolerance, span: Span, operands: &[(&'a Expr, Ty)]) {
        if let Some((text, _)) = operands.iter().find(|(_, t)| *t == Ty::Text) {
            self.error(
                "rules::type",
                format!(
                    "a tolerance on text: `{}` is text, which is equal or not",
                    self.text(text.span)
                ),
                &[(span, "a tolerance"), (text.span, "text")],
                "remove the tolerance; a tolerance widens comparisons of figures",
            );
            return;
        }
        let Tolerance::Absolute(_, Some(unit)) = tol else {
            return;
        };
        let Some(t) = Dim::of(*unit) else { return };
        if let Some((e, d)) = operands
            .iter()
            .find_map(|(e, ty)| ty.dim().filter(|d| *d != t).map(|d| (*e, d)))
        {
            self.error(
                "rules::type",
                format!(
                    "the tolerance is {} but `{}` is {}",
                    t.words(),
                    self.text(e.span),
                    d.words()
                ),
                &[(span, t.words()), (e.span, d.words())],
                "give the tolerance in the unit of the values compared, or as a share: `within 2%`",
            );
        }
    }

    fn matches(&mut self, value: &'a Expr, glob: &Str) {
        if let Ty::Figure(_) = self.value(value) {
            self.error(
                "rules::type",
                format!(
                    "`{}` is a figure; `matches` tests text against the pattern \"{}\"",
                    self.text(value.span),
                    glob.text
                ),
                &[(value.span, "a figure")],
                "use `matches` on a text column or `key`; compare figures with `==`, `<=` …",
            );
        }
    }

    // ------------------------------------------------------------ functions

    fn call(
        &mut self,
        func: Func,
        name: &'a Name,
        args: &'a [Expr],
        filter: Option<&'a Expr>,
        e: &'a Expr,
    ) -> Ty {
        if !self.arity(func, name, args, filter, e) {
            for a in args {
                self.value(a);
            }
            return Ty::Figure(None);
        }
        let what = format!("passed to `{}`", name.text);
        match (func, args) {
            (Func::Abs | Func::Round, [x, ..]) => Ty::Figure(self.figure(x, &what).dim()),
            (Func::Agg(Aggregate::Min | Aggregate::Max), [_, _, ..]) => {
                self.min_max_values(name, args)
            }
            (Func::Agg(agg), _) => self.aggregate(agg, &what, args.first(), filter),
            // Not reached: arity() made sure abs and round have a value.
            _ => Ty::Figure(None),
        }
    }

    /// `sum count min max mean` over rows: the argument (and filter) is read per row, from the
    /// table the argument names (`sum(T.c)`), else from the current scope.
    fn aggregate(
        &mut self,
        agg: Aggregate,
        what: &str,
        arg: Option<&'a Expr>,
        filter: Option<&'a Expr>,
    ) -> Ty {
        let Some(arg) = arg else {
            // `count()`: the number of rows.
            return Ty::Figure(Some(Dim::Count));
        };
        let other = aggregate_table(arg).map(|t| self.decl(t));
        if let Some(d) = other {
            self.tables.push(d);
        }
        let t = if agg == Aggregate::Count {
            self.value(arg)
        } else {
            self.figure(arg, what)
        };
        if let Some(f) = filter {
            self.condition(f, Place::Where);
        }
        if other.is_some() {
            self.tables.pop();
        }
        match agg {
            Aggregate::Count => Ty::Figure(Some(Dim::Count)),
            _ => Ty::Figure(t.dim()),
        }
    }

    /// `min(a, b, …)`, `max(a, b, …)`: the values are compared with one another.
    fn min_max_values(&mut self, name: &Name, args: &'a [Expr]) -> Ty {
        let mut known: Option<(&'a Expr, Dim)> = None;
        for a in args {
            let Some(d) = self.figure(a, &format!("passed to `{}`", name.text)).dim() else {
                continue;
            };
            match known {
                Some((first, k)) if k != d => self.error(
                    "rules::type",
                    format!(
                        "`{}` compares {} with {}",
                        name.text,
                        k.words(),
                        d.words()
                    ),
                    &[(first.span, k.words()), (a.span, d.words())],
                    "compare like with like: kr, tkr and mkr convert, percentages and counts only compare with their own kind",
                ),
                Some(_) => {}
                None => known = Some((a, d)),
            }
        }
        Ty::Figure(known.map(|(_, d)| d))
    }

    /// Whether the call has the arguments its function takes; reports `rules::arity` if not.
    fn arity(
        &mut self,
        func: Func,
        name: &'a Name,
        args: &'a [Expr],
        filter: Option<&'a Expr>,
        e: &'a Expr,
    ) -> bool {
        let n = args.len();
        let f = name.text.as_str();
        let (ok, takes, usage) = match func {
            Func::Abs => (n == 1, "one value", "abs(x)".to_string()),
            // The evaluator reads a missing number of decimals as 0.
            Func::Round => (
                n == 1 || n == 2,
                "a value and a number of decimals",
                "round(x, 0)".to_string(),
            ),
            Func::Agg(Aggregate::Sum | Aggregate::Mean) => (
                n == 1,
                "one column",
                format!("{f}(c), {f}(T.c) or {f}(c where COND)"),
            ),
            Func::Agg(Aggregate::Count) => (
                n <= 1,
                "one column, or nothing to count the rows",
                "count(c), count(c where COND) or count()".to_string(),
            ),
            Func::Agg(Aggregate::Min | Aggregate::Max) => (
                n >= 1,
                "one column, or several values",
                format!("{f}(c) or {f}(a, b)"),
            ),
        };
        if !ok {
            self.error(
                "rules::arity",
                format!(
                    "`{f}` takes {takes}, but is given {n} argument{}",
                    if n == 1 { "" } else { "s" }
                ),
                &[(e.span, "wrong number of arguments")],
                &format!("write {usage}"),
            );
            return false;
        }
        let mut ok = true;
        if let (Func::Abs | Func::Round, Some(f)) = (func, filter) {
            self.error(
                "rules::arity",
                format!(
                    "`{}` works on one value and cannot take `where`",
                    name.text
                ),
                &[(f.span, "a row filter")],
                "`where` selects rows for sum, count, min, max and mean: write e.g. abs(sum(c where COND))",
            );
            ok = false;
        }
        if let (Func::Round, Some(d)) = (func, args.get(1)) {
            ok &= self.decimals(d);
        }
        ok
    }

    /// The second argument of `round`: a whole number of decimals, written as a number.
    fn decimals(&mut self, d: &'a Expr) -> bool {
        let max = rust_decimal::Decimal::from(28);
        if let ExprKind::Number(n, None) = &unparen(d).kind
            && n.fract().is_zero()
            && !n.is_sign_negative()
            && *n <= max
        {
            return true;
        }
        self.error(
            "rules::arity",
            format!(
                "`{}` is not a number of decimals for `round`",
                self.text(d.span)
            ),
            &[(d.span, "not a whole number from 0 to 28")],
            "write the number of decimals as a whole number: round(x, 0), round(x, 1)",
        );
        false
    }

    // ------------------------------------------------------------ references

    fn reference(&mut self, r: &'a Reference) -> Ty {
        match r {
            Reference::Name(n) => self.name(&n.text),
            // Another row of the scope's table: the column's type.
            Reference::Parent { column } => match self.tables.last().copied() {
                Some(d) => self.column(d, &column.text),
                None => Ty::Unknown,
            },
            Reference::Column { table, column }
            | Reference::Total {
                table: Some(table),
                column,
            } => {
                let d = self.decl(&table.text);
                self.column(d, &column.text)
            }
            Reference::Total {
                table: None,
                column,
            } => match self.tables.last().copied() {
                Some(d) => self.column(d, &column.text),
                None => Ty::Unknown,
            },
            Reference::Keyed { table, key, column } => {
                self.value(key);
                let d = self.decl(&table.text);
                self.column(d, &column.text)
            }
        }
    }

    /// A bare name: a `for` variable, a `let`, or a column of the innermost table (in that
    /// order, as the evaluator resolves it).
    fn name(&mut self, name: &str) -> Ty {
        if self.vars.iter().any(|(v, _)| *v == name) {
            return match self.tables.last().copied() {
                Some(d) => self.column(d, name),
                None => Ty::Unknown,
            };
        }
        if self.set.constant(name).is_some() {
            let t = self.let_type(name);
            if self.broken.contains(name) {
                self.uses_broken_let = true;
            }
            return t;
        }
        match self.tables.last().copied() {
            Some(Some(d)) if name == "key" && !declares(d, "key") => Ty::Text,
            Some(d) => self.column(d, name),
            None => Ty::Unknown,
        }
    }

    /// The type of column `name` of a table (`name` may be a `for` variable: then the type
    /// all its columns share).
    fn column(&self, decl: Option<&'a TableDecl>, name: &str) -> Ty {
        let Some(d) = decl else { return Ty::Unknown };
        let columns: Vec<&str> = match self.vars.iter().rev().find(|(v, _)| *v == name) {
            Some((_, cols)) => cols.iter().map(|c| c.text.as_str()).collect(),
            None => vec![name],
        };
        let mut types = columns.iter().map(|c| declared_type(d, c));
        let first = types.next().unwrap_or(Ty::Unknown);
        if types.all(|t| t == first) {
            first
        } else {
            Ty::Unknown
        }
    }
}

/// Whether a declaration names a column or key `name`.
fn declares(d: &TableDecl, name: &str) -> bool {
    d.columns.iter().any(|c| c.name.text == name)
        || d.key.as_ref().is_some_and(|k| k.0.text == name)
}

/// A declared column's type: from its unit; the key is text. Anything else is a header read
/// by its normalised name, whose type the data decides.
fn declared_type(d: &TableDecl, name: &str) -> Ty {
    if let Some(c) = d.columns.iter().find(|c| c.name.text == name) {
        return match c.unit {
            Some(UnitName::Text) => Ty::Text,
            Some(u) => Ty::Figure(Dim::of(u)),
            None => Ty::Unknown,
        };
    }
    if d.key.as_ref().is_some_and(|k| k.0.text == name) {
        return Ty::Text;
    }
    Ty::Unknown
}

#[cfg(test)]
mod tests {
    use super::check_types;
    use crate::check::statics::testing::{found, rule_set};

    const DECL: &str = r#"
table budget "Budget" {
  key    post     "Post"
  column utfall   "Utfall"  tkr
  column ram      "Ram"     mkr
  column andel    "Andel"   pct
  column antal    "Antal"   count
  column status   "Status"  text
  column fri      "Fri"
  total  "Summa"
}
table drift "Drift" {
  key    verksamhet "Verksamhet"
  column redovisat  "Redovisat" tkr
}
"#;

    /// (code, labelled text) of the problems, and which rules stay enabled.
    fn check(rules: &str) -> (Vec<(&'static str, String)>, Vec<bool>) {
        let (mut set, sources) = rule_set(&format!("{DECL}{rules}"));
        let mut problems = Vec::new();
        check_types(&mut set, &sources, &mut problems);
        let enabled = set.rules.iter().map(|r| r.enabled).collect();
        (found(&problems, &sources), enabled)
    }

    fn codes(rules: &str) -> Vec<(&'static str, String)> {
        check(rules).0
    }

    fn e(code: &'static str, text: &str) -> (&'static str, String) {
        (code, text.to_string())
    }

    #[test]
    fn arithmetic_on_text_is_an_error_and_disables_the_rule() {
        let (p, enabled) = check(
            r#"rule a { each budget: post + 1 == 2 }
               rule b { each budget: status - utfall == 0 }
               rule c { each budget: "x" * 2 == 2 }
               rule d { in budget: sum(status) == 0 }
               rule ok { each budget: utfall + 1 > utfall }"#,
        );
        assert_eq!(
            p,
            [
                e("rules::type", "post"),
                e("rules::type", "status"),
                e("rules::type", "\"x\""),
                e("rules::type", "status"),
            ]
        );
        assert_eq!(enabled, [false, false, false, false, true]);
    }

    #[test]
    fn products_and_quotients_without_a_unit_are_errors() {
        let (p, enabled) = check(
            r#"rule a { each budget: utfall * 10 % > 0 }
               rule b { each budget: utfall * ram > 0 }
               rule c { each budget: utfall / andel > 0 }
               rule d { each budget: andel * andel > 0 }
               rule ok { each budget: utfall * 0.1 > 0 and utfall / ram > 0 and utfall / antal > 0 and andel * antal > 0 }"#,
        );
        assert_eq!(
            p,
            [
                e("rules::type", "utfall"),
                e("rules::type", "utfall"),
                e("rules::type", "utfall"),
                e("rules::type", "andel"),
            ]
        );
        assert_eq!(enabled, [false, false, false, false, true]);
    }

    #[test]
    fn texts_are_joined_with_plus_and_either_sign_needs_one_equality() {
        let (p, enabled) = check(
            r#"rule a { each budget: budget["Rad " + post].utfall == 1 }
               rule b { each budget: utfall <= 5 either sign }
               rule c { each budget: 1 == utfall == ram either sign }
               rule ok { each budget: utfall == ram - utfall either sign }"#,
        );
        assert_eq!(
            p,
            [
                e("rules::either-sign", "either sign"),
                e("rules::either-sign", "either sign"),
            ]
        );
        assert_eq!(enabled, [true, false, false, true]);
    }

    #[test]
    fn text_is_not_ordered_nor_compared_with_figures() {
        assert_eq!(
            codes(
                r#"rule a { each budget: "a" < "b" }
                   rule b { each budget: key == 5 }
                   rule c { each drift: verksamhet == 100 }
                   rule d { each budget: status >= fri }
                   rule e { each budget: fri < "x" }
                   rule ok { each budget: key == "Summa" and status != fri }"#
            ),
            [
                e("rules::type", "\"a\""),
                e("rules::type", "key"),
                e("rules::type", "verksamhet"),
                e("rules::type", "status"),
                e("rules::type", "\"x\""),
            ]
        );
    }

    #[test]
    fn conditions_and_values_keep_their_places() {
        assert_eq!(
            codes(
                r#"rule a { each budget: (utfall == ram) + 1 == 2 }
                   rule b { each budget: if utfall then ram > 0 }
                   rule c { each budget where fri: utfall > 0 }
                   rule d { each budget: utfall }
                   rule e { each budget: utfall > 0 and fri }
                   rule f { in budget: sum(utfall where fri) > 0 }"#
            ),
            [
                e("rules::type", "(utfall == ram)"),
                e("rules::type", "utfall"),
                e("rules::type", "fri"),
                e("rules::type", "utfall"),
                e("rules::type", "fri"),
                e("rules::type", "fri"),
            ]
        );
    }

    #[test]
    fn matches_wants_text_and_tolerances_want_figures() {
        assert_eq!(
            codes(
                r#"rule a { each budget: utfall matches "1*" }
                   rule b { each budget: status == "klar" within 5% }
                   rule c { each budget: antal <= 10 within 2 tkr }
                   rule ok { each budget: key matches "varav*" or fri matches "x" }"#
            ),
            [
                e("rules::type", "utfall"),
                e("rules::type", "within 5%"),
                e("rules::type", "within 2 tkr"),
            ]
        );
    }

    #[test]
    fn percentages_counts_and_money_do_not_mix_but_money_units_do() {
        assert_eq!(
            codes(
                r#"rule a { each budget: andel + utfall > 0 }
                   rule b { each budget: andel <= ram }
                   rule c { each budget: antal == utfall - 1 }
                   rule d { each budget: max(andel, utfall) > 0 }
                   rule e { in budget: count(utfall) <= sum(utfall) }
                   rule ok1 { each budget: utfall <= ram within rounding }
                   rule ok2 { each budget: utfall + 6.3 mkr > 1 kr }
                   rule ok3 { each budget: andel <= 5% and utfall / ram * 100 <= andel + 1 }
                   rule ok4 { in budget: sum(utfall) / count(utfall) <= 100 tkr }"#
            ),
            [
                e("rules::type", "andel"),
                e("rules::type", "andel"),
                e("rules::type", "antal"),
                e("rules::type", "andel"),
                e("rules::type", "count(utfall)"),
            ]
        );
    }

    #[test]
    fn undeclared_columns_and_columns_without_unit_are_never_errors() {
        assert_eq!(
            codes(
                r#"rule a { each budget: fri + 1 > fri * 2 and fri < 5 and fri == "x" }
                   rule b { each okand: a + b == c - 1 and d matches "x*" }
                   rule c { each budget: okand_kolumn == 5 and okand_kolumn == "x" }"#
            ),
            []
        );
    }

    #[test]
    fn for_variables_take_the_type_their_columns_share() {
        assert_eq!(
            codes(
                r#"rule a { each budget: for c in [utfall, ram]: c matches "1*" }
                   rule ok { each budget: for c in [utfall, status]: c == 1 }"#
            ),
            [e("rules::type", "c")]
        );
    }

    #[test]
    fn lets_are_typed_once_and_their_users_disabled() {
        let (p, enabled) = check(
            r#"let namn = "Summa"
               let villkor = 1 == 1
               let trasig = "a" + 1
               let tak = 105
               rule a { each budget: utfall == namn }
               rule b { each budget: utfall <= trasig * 2 }
               rule ok { each budget: utfall <= tak and key == namn }"#,
        );
        assert_eq!(
            p,
            [
                e("rules::type", "1 == 1"),
                e("rules::type", "\"a\""),
                e("rules::type", "namn"),
            ]
        );
        assert_eq!(enabled, [false, false, true]);
    }

    #[test]
    fn a_let_that_names_itself_does_not_loop() {
        assert_eq!(codes("let a = b + 1\nlet b = a\nrule r { a > 0 }"), []);
    }

    #[test]
    fn functions_take_their_arguments() {
        let (p, enabled) = check(
            r#"rule a { in budget: abs(utfall, ram) > 0 }
               rule b { in budget: sum(utfall, ram) > 0 }
               rule c { in budget: mean() > 0 }
               rule d { in budget: count(utfall, ram) > 0 }
               rule e { in budget: max() > 0 }
               rule f { each budget: abs(utfall where utfall > 0) > 0 }
               rule g { in budget: round(sum(utfall), 1.5) > 0 }
               rule h { in budget: round(sum(utfall), -1) > 0 }
               rule i { in budget: round(sum(utfall), antal) > 0 }
               rule ok { in budget: round(sum(utfall), 0) + round(mean(utfall)) + min(utfall) + max(utfall, 1) + abs(total.utfall) > 0 and count() >= count(utfall where utfall > 0) }"#,
        );
        assert_eq!(
            p,
            [
                e("rules::arity", "abs(utfall, ram)"),
                e("rules::arity", "sum(utfall, ram)"),
                e("rules::arity", "mean()"),
                e("rules::arity", "count(utfall, ram)"),
                e("rules::arity", "max()"),
                e("rules::arity", "utfall > 0"),
                e("rules::arity", "1.5"),
                e("rules::arity", "-1"),
                e("rules::arity", "antal"),
            ]
        );
        assert_eq!(enabled.iter().filter(|e| **e).count(), 1);
    }

    #[test]
    fn aggregates_over_another_table_read_its_columns() {
        // Inside sum(drift.redovisat …) bare names are drift's: `verksamhet` is its text key.
        assert_eq!(
            codes(
                r#"rule a { in budget: sum(drift.redovisat where verksamhet > 1) > 0 }
                   rule ok { in budget: sum(drift.redovisat where verksamhet == "x") > 0 }"#
            ),
            [e("rules::type", "verksamhet")]
        );
    }

    #[test]
    fn an_unknown_function_is_left_to_the_parser() {
        let mut s = crate::source::Sources::default();
        let id = s.add(crate::source::SourceFile::new(
            "t.rules",
            "rule a { sumx(x) > 0 }",
        ));
        let (_, problems) = crate::syntax::parse_file(id, s.get(id));
        let codes: Vec<_> = problems.iter().map(|p| p.code).collect();
        assert_eq!(codes, ["rules::unknown-function"]);
    }
}
