//! The rule language's syntax tree. Every node keeps its span in its rule file.

use crate::source::{SourceId, Span};
use rust_decimal::Decimal;

/// A name as written, with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Name {
    pub text: String,
    pub span: Span,
}

/// A string literal (escapes resolved) with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Str {
    pub text: String,
    pub span: Span,
}

/// One parsed rule file.
#[derive(Clone, Debug)]
pub struct RuleFile {
    pub source: SourceId,
    pub items: Vec<Item>,
}

#[derive(Clone, Debug)]
pub enum Item {
    Use(Str),
    Let(Let),
    Table(TableDecl),
    Rule(Rule),
}

#[derive(Clone, Debug)]
pub struct Let {
    pub name: Name,
    pub value: Expr,
    pub span: Span,
}

/// `table NAME "GLOB" { … }`
#[derive(Clone, Debug)]
pub struct TableDecl {
    pub name: Name,
    pub glob: Str,
    pub key: Option<(Name, Str)>,
    pub columns: Vec<ColumnDecl>,
    pub totals: Vec<Str>,
    pub skips: Vec<Str>,
    pub group: Option<Name>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct ColumnDecl {
    pub name: Name,
    pub glob: Str,
    pub unit: Option<UnitName>,
    pub span: Span,
}

/// A unit as written in a rule file; `text` marks a text column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnitName {
    Kr,
    Tkr,
    Mkr,
    Pct,
    Count,
    Text,
}

impl UnitName {
    /// The unit as a rule file writes it.
    pub fn name(self) -> &'static str {
        match self {
            UnitName::Kr => "kr",
            UnitName::Tkr => "tkr",
            UnitName::Mkr => "mkr",
            UnitName::Pct => "pct",
            UnitName::Count => "count",
            UnitName::Text => "text",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Error,
    Warning,
    Info,
}

/// `rule ID ["TITLE"] { … }`
#[derive(Clone, Debug)]
pub struct Rule {
    pub id: Name,
    pub title: Option<Str>,
    pub severity: Option<(Level, Span)>,
    pub help: Option<Str>,
    /// `tags "drift", "summa"`: for listing and selecting rules.
    pub tags: Vec<Str>,
    pub body: Vec<Assertion>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct TableRef {
    pub previous: bool,
    pub name: Name,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum Assertion {
    /// `in T [by c]: A`
    In {
        table: TableRef,
        by: Option<Name>,
        body: Box<Assertion>,
        span: Span,
    },
    /// `each T [where C]: A`
    Each {
        table: TableRef,
        filter: Option<Expr>,
        body: Box<Assertion>,
        span: Span,
    },
    /// `for x in [a, b]: A`
    For {
        var: Name,
        columns: Vec<Name>,
        body: Box<Assertion>,
        span: Span,
    },
    /// `if C then A`
    If {
        cond: Expr,
        body: Box<Assertion>,
        span: Span,
    },
    /// `{ A A … }`
    Block(Vec<Assertion>, Span),
    /// A condition that must hold: a comparison, a predicate, or a combination.
    Check(Expr),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
}

impl ArithOp {
    pub fn symbol(self) -> &'static str {
        match self {
            ArithOp::Add => "+",
            ArithOp::Sub => "−",
            ArithOp::Mul => "×",
            ArithOp::Div => "/",
        }
    }
}

/// How far apart two sides of a comparison may be.
#[derive(Clone, Debug, PartialEq)]
pub enum Tolerance {
    /// `within N [unit]`, `± N`
    Absolute(Decimal, Option<UnitName>),
    /// `within N%`: relative to the right-hand side.
    Relative(Decimal),
    /// `within rounding`: printed precision, as intervals (XBRL Calculations 1.1).
    Rounding,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Aggregate {
    Sum,
    Count,
    Min,
    Max,
    Mean,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Func {
    Agg(Aggregate),
    Abs,
    Round,
}

pub const FUNCTION_NAMES: &[&str] = &["sum", "count", "min", "max", "mean", "abs", "round"];

impl Func {
    pub fn from_name(s: &str) -> Option<Func> {
        Some(match s {
            "sum" => Func::Agg(Aggregate::Sum),
            "count" => Func::Agg(Aggregate::Count),
            "min" => Func::Agg(Aggregate::Min),
            "max" => Func::Agg(Aggregate::Max),
            "mean" => Func::Agg(Aggregate::Mean),
            "abs" => Func::Abs,
            "round" => Func::Round,
            _ => return None,
        })
    }
}

/// A reference to data.
#[derive(Clone, Debug)]
pub enum Reference {
    /// `c`: a cell of the current row, a column of the current table, a `let` or `for` name.
    Name(Name),
    /// `T.c`
    Column { table: Name, column: Name },
    /// `total.c` (table: None) or `T.total.c`
    Total { table: Option<Name>, column: Name },
    /// `parent.c`: in a row, the nearest row above it that is not a `skip` row (the row a
    /// 'varav' row is part of).
    Parent { column: Name },
    /// `T[KEY].c`
    Keyed {
        table: Name,
        key: Box<Expr>,
        column: Name,
    },
}

#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    Number(Decimal, Option<UnitName>),
    Text(String),
    Ref {
        previous: bool,
        reference: Reference,
    },
    Neg(Box<Expr>),
    Arith(ArithOp, Box<Expr>, Box<Expr>),
    Call {
        func: Func,
        name: Name,
        args: Vec<Expr>,
        filter: Option<Box<Expr>>,
    },
    /// `a OP b [OP c …] [tolerance]`
    Compare {
        first: Box<Expr>,
        rest: Vec<(CmpOp, Expr)>,
        tolerance: Option<(Tolerance, Span)>,
        /// `either sign`: `a == b` or `a == −b`, one way for all rows of a table.
        either_sign: Option<Span>,
    },
    IsMissing {
        value: Box<Expr>,
        negated: bool,
    },
    IsPresent {
        value: Box<Expr>,
        negated: bool,
    },
    Matches {
        value: Box<Expr>,
        glob: Str,
    },
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Paren(Box<Expr>),
}

impl Expr {
    /// The expression inside any parentheses around this one.
    pub fn unparen(&self) -> &Expr {
        let mut e = self;
        while let ExprKind::Paren(inner) = &e.kind {
            e = inner;
        }
        e
    }

    /// The expressions directly inside this one, in source order. A reference's own parts
    /// (the key of `T[KEY].c`) are not included: walkers treat references themselves.
    pub fn children(&self) -> Vec<&Expr> {
        match &self.kind {
            ExprKind::Number(..) | ExprKind::Text(_) | ExprKind::Ref { .. } => Vec::new(),
            ExprKind::Neg(x) | ExprKind::Paren(x) | ExprKind::Not(x) => vec![x],
            ExprKind::IsMissing { value, .. }
            | ExprKind::IsPresent { value, .. }
            | ExprKind::Matches { value, .. } => vec![value],
            ExprKind::Arith(_, a, b) | ExprKind::And(a, b) | ExprKind::Or(a, b) => vec![a, b],
            ExprKind::Compare { first, rest, .. } => std::iter::once(&**first)
                .chain(rest.iter().map(|(_, x)| x))
                .collect(),
            ExprKind::Call { args, filter, .. } => args.iter().chain(filter.as_deref()).collect(),
        }
    }
}
