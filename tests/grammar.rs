//! The rule language's grammar, through the public parser API: every form the language
//! reference promises parses to the syntax tree it should, and every kind of mistake gets a
//! `rules::syntax` problem that says in words what was expected, at the right line and column.

use rimlig::problem::Problem;
use rimlig::source::{SourceFile, Sources};
use rimlig::syntax::ast::*;
use rimlig::syntax::parse_file;
use std::path::PathBuf;
use std::process::Command;

// ------------------------------------------------------------------ helpers

struct Parsed {
    sources: Sources,
    id: rimlig::source::SourceId,
    file: RuleFile,
    problems: Vec<Problem>,
}

impl Parsed {
    fn src(&self) -> &SourceFile {
        self.sources.get(self.id)
    }
    fn rules(&self) -> Vec<&Rule> {
        self.file
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Rule(r) => Some(r),
                _ => None,
            })
            .collect()
    }
    fn rule_ids(&self) -> Vec<&str> {
        self.rules().iter().map(|r| r.id.text.as_str()).collect()
    }
}

fn parse(text: &str) -> Parsed {
    let mut sources = Sources::default();
    let id = sources.add(SourceFile::new("t.rules", text));
    let (file, problems) = parse_file(id, sources.get(id));
    Parsed {
        sources,
        id,
        file,
        problems,
    }
}

/// Parse and insist there is no problem.
fn ok(text: &str) -> Parsed {
    let p = parse(text);
    let msgs: Vec<String> = p
        .problems
        .iter()
        .map(|x| format!("[{}] {}", x.code, x.message))
        .collect();
    assert!(msgs.is_empty(), "{text:?} should parse, got {msgs:#?}");
    p
}

/// The one assertion of `rule r { A }`.
fn assertion(a: &str) -> Assertion {
    let p = ok(&format!("rule r {{ {a} }}"));
    let rules = p.rules();
    assert_eq!(rules.len(), 1);
    assert_eq!(rules[0].body.len(), 1, "{a:?} should be one assertion");
    rules[0].body[0].clone()
}

/// An expression as an s-expression: `each t: E` parsed, `E` printed.
fn expr(e: &str) -> String {
    match assertion(&format!("each t: {e}")) {
        Assertion::Each { body, .. } => match *body {
            Assertion::Check(x) => sx(&x),
            other => panic!("{e:?}: expected a check, got {other:?}"),
        },
        other => panic!("{e:?}: expected `each`, got {other:?}"),
    }
}

fn tol(t: &Tolerance) -> String {
    match t {
        Tolerance::Absolute(n, None) => format!("within {n}"),
        Tolerance::Absolute(n, Some(u)) => format!("within {n} {}", u.name()),
        Tolerance::Relative(n) => format!("within {n}%"),
        Tolerance::Rounding => "within rounding".into(),
    }
}

/// The first condition inside an assertion, through its scopes.
fn check_of(a: &Assertion) -> &Expr {
    match a {
        Assertion::Check(e) => e,
        Assertion::In { body, .. }
        | Assertion::Each { body, .. }
        | Assertion::For { body, .. }
        | Assertion::If { body, .. } => check_of(body),
        Assertion::Block(items, _) => check_of(&items[0]),
    }
}

/// The right side of the first comparison of the first rule.
fn first_right_side(p: &Parsed) -> &ExprKind {
    match &check_of(&p.rules()[0].body[0]).kind {
        ExprKind::Compare { rest, .. } => &rest[0].1.kind,
        other => panic!("not a comparison: {other:?}"),
    }
}

/// A compact, unambiguous rendering of an expression tree.
fn sx(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Number(n, None) => n.to_string(),
        ExprKind::Number(n, Some(u)) => format!("{n}{}", u.name()),
        ExprKind::Text(t) => format!("{t:?}"),
        ExprKind::Ref {
            previous,
            reference,
        } => {
            let r = match reference {
                Reference::Name(n) => n.text.clone(),
                Reference::Parent { column } => format!("parent.{}", column.text),
                Reference::Column { table, column } => format!("{}.{}", table.text, column.text),
                Reference::Total {
                    table: None,
                    column,
                } => format!("total.{}", column.text),
                Reference::Total {
                    table: Some(t),
                    column,
                } => {
                    format!("{}.total.{}", t.text, column.text)
                }
                Reference::Keyed { table, key, column } => {
                    format!("{}[{}].{}", table.text, sx(key), column.text)
                }
            };
            if *previous {
                format!("previous.{r}")
            } else {
                r
            }
        }
        ExprKind::Neg(x) => format!("(neg {})", sx(x)),
        ExprKind::Arith(op, a, b) => {
            let op = match op {
                ArithOp::Add => "+",
                ArithOp::Sub => "-",
                ArithOp::Mul => "*",
                ArithOp::Div => "/",
            };
            format!("({op} {} {})", sx(a), sx(b))
        }
        ExprKind::Call {
            name, args, filter, ..
        } => {
            let mut s = format!("({}", name.text);
            for a in args {
                s.push(' ');
                s.push_str(&sx(a));
            }
            if let Some(f) = filter {
                s.push_str(&format!(" where {}", sx(f)));
            }
            s + ")"
        }
        ExprKind::Compare {
            first,
            rest,
            tolerance,
            ..
        } => {
            let mut s = format!("(cmp {}", sx(first));
            for (op, x) in rest {
                s.push_str(&format!(" {} {}", op.symbol(), sx(x)));
            }
            if let Some((t, _)) = tolerance {
                s.push_str(&format!(" {}", tol(t)));
            }
            s + ")"
        }
        ExprKind::IsMissing { value, negated } => {
            format!(
                "({} {})",
                if *negated {
                    "is-not-missing"
                } else {
                    "is-missing"
                },
                sx(value)
            )
        }
        ExprKind::IsPresent { value, negated } => {
            format!(
                "({} {})",
                if *negated {
                    "is-not-present"
                } else {
                    "is-present"
                },
                sx(value)
            )
        }
        ExprKind::Matches { value, glob } => format!("(matches {} {:?})", sx(value), glob.text),
        ExprKind::And(a, b) => format!("(and {} {})", sx(a), sx(b)),
        ExprKind::Or(a, b) => format!("(or {} {})", sx(a), sx(b)),
        ExprKind::Not(x) => format!("(not {})", sx(x)),
        ExprKind::Paren(x) => sx(x),
    }
}

/// A syntax problem as a user meets it.
#[derive(Debug)]
struct SyntaxError {
    message: String,
    label: String,
    help: Option<String>,
    line: usize,
    col: usize,
    /// The text under the label.
    at: String,
}

/// Words of the grammar's internals that must never reach a user.
const PEST_NAMES: &[&str] = &[
    "kw_",
    "cmp_op",
    "or_expr",
    "and_expr",
    "not_expr",
    "EOI",
    "SOI",
    "compare_tail",
    "is_tail",
    "plain_ident",
    "quoted_ident",
    "ref_head",
    "single_item",
    "rule_item",
    "table_item",
    "_decl",
    "open_",
    "close_",
    "tol_amount",
    "call_args",
    "add_op",
    "mul_op",
    "Rule::",
];

fn assert_in_words(text: &str) {
    for name in PEST_NAMES {
        assert!(
            !text.contains(name),
            "grammar rule name {name:?} leaks into {text:?}"
        );
    }
}

/// The syntax problems of a text: each checked to speak in words.
fn syntax_errors(text: &str) -> (Parsed, Vec<SyntaxError>) {
    let p = parse(text);
    let mut out = Vec::new();
    for prob in &p.problems {
        assert_eq!(prob.code, "rules::syntax", "{text:?}: {prob:?}");
        assert!(
            prob.message.contains("expected"),
            "{:?} does not say what was expected",
            prob.message
        );
        assert_in_words(&prob.message);
        let label = prob
            .labels
            .first()
            .unwrap_or_else(|| panic!("{text:?}: syntax problem without a label"));
        assert_eq!(label.source, p.id);
        assert_in_words(&label.text);
        let (line, col) = p.src().line_col(label.span.start);
        out.push(SyntaxError {
            message: prob.message.clone(),
            label: label.text.clone(),
            help: prob.help.clone(),
            line,
            col,
            at: p.src().slice(label.span).to_string(),
        });
    }
    (p, out)
}

/// The one syntax problem of a text.
fn syntax_error(text: &str) -> SyntaxError {
    let (p, mut errs) = syntax_errors(text);
    assert_eq!(
        errs.len(),
        1,
        "{text:?}: expected one problem, got {:#?}",
        p.problems
    );
    errs.remove(0)
}

// ------------------------------------------------------------------ items

#[test]
fn use_and_let() {
    let p = ok(
        "use \"tabeller.rules\"\nuse \"delad/gemensam.rules\"\nlet gräns = 45_000\nlet andel = 4.3\n",
    );
    let mut it = p.file.items.iter();
    match it.next() {
        Some(Item::Use(s)) => {
            assert_eq!(s.text, "tabeller.rules");
            assert_eq!(p.src().slice(s.span), "\"tabeller.rules\"");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(it.next(), Some(Item::Use(s)) if s.text == "delad/gemensam.rules"));
    match it.next() {
        Some(Item::Let(l)) => {
            assert_eq!(l.name.text, "gräns");
            assert_eq!(sx(&l.value), "45000");
        }
        other => panic!("{other:?}"),
    }
    match it.next() {
        Some(Item::Let(l)) => {
            assert_eq!(l.name.text, "andel");
            assert_eq!(sx(&l.value), "4.3");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn table_declaration_with_every_entry() {
    let p = ok(r#"
table indikatorer "Indikatorer*" {
  key    indikator  "Nämndindikator"
  column grupp      "Indikatorgrupp"  text
  column belopp     "Belopp"          tkr
  column miljoner   "Mkr"             mkr
  column kronor     "Kronor"          kr
  column andel      "Andel*"          pct
  column antal      "Antal"           count
  column fritt      "Övrigt"
  column `2019`     "2019"
  column `total`    "Total"
  total  "Summa*"
  total  "Totalt"
  skip   "varav*"
  group  grupp
}
"#);
    let Some(Item::Table(t)) = p.file.items.first() else {
        panic!("{:?}", p.file.items)
    };
    assert_eq!(t.name.text, "indikatorer");
    assert_eq!(t.glob.text, "Indikatorer*");
    let (k, kg) = t.key.as_ref().expect("key");
    assert_eq!(
        (k.text.as_str(), kg.text.as_str()),
        ("indikator", "Nämndindikator")
    );
    let cols: Vec<(&str, &str, Option<&str>)> = t
        .columns
        .iter()
        .map(|c| {
            (
                c.name.text.as_str(),
                c.glob.text.as_str(),
                c.unit.map(UnitName::name),
            )
        })
        .collect();
    assert_eq!(
        cols,
        [
            ("grupp", "Indikatorgrupp", Some("text")),
            ("belopp", "Belopp", Some("tkr")),
            ("miljoner", "Mkr", Some("mkr")),
            ("kronor", "Kronor", Some("kr")),
            ("andel", "Andel*", Some("pct")),
            ("antal", "Antal", Some("count")),
            ("fritt", "Övrigt", None),
            ("2019", "2019", None),
            ("total", "Total", None),
        ]
    );
    let totals: Vec<&str> = t.totals.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(totals, ["Summa*", "Totalt"]);
    let skips: Vec<&str> = t.skips.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(skips, ["varav*"]);
    assert_eq!(t.group.as_ref().map(|g| g.text.as_str()), Some("grupp"));
    // Spans point at the text written.
    assert_eq!(p.src().slice(t.name.span), "indikatorer");
    assert_eq!(p.src().slice(t.columns[7].name.span), "`2019`");
    assert!(p.src().slice(t.span).starts_with("table indikatorer"));
    assert!(p.src().slice(t.span).ends_with('}'));
}

#[test]
fn empty_table_declaration() {
    let p = ok("table t \"T\" { }");
    let Some(Item::Table(t)) = p.file.items.first() else {
        panic!()
    };
    assert!(t.key.is_none() && t.columns.is_empty() && t.totals.is_empty() && t.group.is_none());
}

#[test]
fn rule_with_title_severity_and_help() {
    let p = ok(r#"
rule drift-summa "Verksamheternas summa" {
  severity warning
  help "Kontrollera summaraden."
  each t: a == 1
  each t: b == 2
}
rule utan-titel { severity info each t: a == 1 }
rule fel { severity error help "h" each t: a == 1 }
"#);
    let rules = p.rules();
    assert_eq!(p.rule_ids(), ["drift-summa", "utan-titel", "fel"]);
    let r = rules[0];
    assert_eq!(
        r.title.as_ref().map(|t| t.text.as_str()),
        Some("Verksamheternas summa")
    );
    assert_eq!(r.severity.map(|s| s.0), Some(Level::Warning));
    assert_eq!(p.src().slice(r.severity.unwrap().1), "warning");
    assert_eq!(
        r.help.as_ref().map(|h| h.text.as_str()),
        Some("Kontrollera summaraden.")
    );
    assert_eq!(r.body.len(), 2);
    assert_eq!(p.src().line_col(r.span.start), (2, 1));
    assert!(rules[1].title.is_none() && rules[1].help.is_none());
    assert_eq!(rules[1].severity.map(|s| s.0), Some(Level::Info));
    assert_eq!(rules[2].severity.map(|s| s.0), Some(Level::Error));
    assert_eq!(rules[2].help.as_ref().map(|h| h.text.as_str()), Some("h"));
}

#[test]
fn the_language_reference_example_parses() {
    let p = ok(include_str!("rules/language_example.rules"));
    assert_eq!(p.file.items.len(), 4);
    let Some(Item::Table(t)) = p.file.items.first() else {
        panic!()
    };
    assert_eq!(t.name.text, "drift");
    assert_eq!(
        t.key.as_ref().map(|k| k.0.text.as_str()),
        Some("verksamhet")
    );
    let cols: Vec<&str> = t.columns.iter().map(|c| c.name.text.as_str()).collect();
    assert_eq!(cols, ["redovisat", "budget", "avvikelse", "foreg"]);
    assert!(t.columns.iter().all(|c| c.unit == Some(UnitName::Tkr)));
    assert_eq!(t.totals[0].text, "Summa*");

    assert_eq!(
        p.rule_ids(),
        ["drift-summa", "drift-avvikelse", "investering-ram"]
    );
    let rules = p.rules();
    assert!(rules[0].help.is_some());
    match &rules[0].body[0] {
        Assertion::In {
            table,
            by: None,
            body,
            ..
        } => {
            assert_eq!(table.name.text, "drift");
            assert!(!table.previous);
            match body.as_ref() {
                Assertion::For {
                    var, columns, body, ..
                } => {
                    assert_eq!(var.text, "c");
                    let cols: Vec<&str> = columns.iter().map(|c| c.text.as_str()).collect();
                    assert_eq!(cols, ["redovisat", "budget", "avvikelse", "foreg"]);
                    let Assertion::Check(e) = body.as_ref() else {
                        panic!("{body:?}")
                    };
                    assert_eq!(sx(e), "(cmp (sum c) == total.c within rounding)");
                }
                other => panic!("{other:?}"),
            }
        }
        other => panic!("{other:?}"),
    }
    match &rules[1].body[0] {
        Assertion::Each {
            table,
            filter: None,
            body,
            ..
        } => {
            assert_eq!(table.name.text, "drift");
            let Assertion::Check(e) = body.as_ref() else {
                panic!()
            };
            assert_eq!(
                sx(e),
                "(cmp avvikelse == (- redovisat budget) within rounding)"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(rules[2].severity.map(|s| s.0), Some(Level::Warning));
    match &rules[2].body[0] {
        Assertion::Each {
            filter: Some(f),
            body,
            ..
        } => {
            assert_eq!(sx(f), "(cmp projekt != \"Summa\")");
            let Assertion::Check(e) = body.as_ref() else {
                panic!()
            };
            assert_eq!(sx(e), "(cmp prognos_netto <= ram)");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_readme_example_parses() {
    let readme = include_str!("../README.md");
    let start = readme
        .find("```text\n# drift.rules\n")
        .expect("the rule example in README.md")
        + "```text\n".len();
    let len = readme[start..].find("```").unwrap();
    let p = ok(&readme[start..start + len]);
    assert_eq!(p.rule_ids(), ["drift-summa", "drift-avvikelse"]);
}

// ------------------------------------------------------------------ assertions

#[test]
fn table_scope_with_and_without_by() {
    match assertion("in drift: sum(a) == total.a") {
        Assertion::In {
            table, by: None, ..
        } => assert_eq!(table.name.text, "drift"),
        other => panic!("{other:?}"),
    }
    match assertion("in indikatorer by grupp: sum(a) == total.a") {
        Assertion::In {
            table, by: Some(b), ..
        } => {
            assert_eq!(
                (table.name.text.as_str(), b.text.as_str()),
                ("indikatorer", "grupp")
            );
        }
        other => panic!("{other:?}"),
    }
    match assertion("in previous.drift: sum(a) == total.a") {
        Assertion::In { table, .. } => assert!(table.previous && table.name.text == "drift"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn row_scope_with_and_without_where() {
    match assertion("each drift: a == b") {
        Assertion::Each {
            table,
            filter: None,
            ..
        } => assert_eq!(table.name.text, "drift"),
        other => panic!("{other:?}"),
    }
    match assertion("each investeringar where not projekt matches \"varav*\": netto <= ram") {
        Assertion::Each {
            filter: Some(f),
            body,
            ..
        } => {
            assert_eq!(sx(&f), "(not (matches projekt \"varav*\"))");
            let Assertion::Check(e) = *body else { panic!() };
            assert_eq!(sx(&e), "(cmp netto <= ram)");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn for_over_a_list_of_columns() {
    for text in [
        "for c in [redovisat, budget, avvikelse]: sum(c) == total.c",
        "for c in [redovisat, budget, avvikelse,]: sum(c) == total.c",
    ] {
        match assertion(&format!("in drift: {text}")) {
            Assertion::In { body, .. } => match *body {
                Assertion::For { var, columns, .. } => {
                    assert_eq!(var.text, "c");
                    let cols: Vec<String> = columns.into_iter().map(|c| c.text).collect();
                    assert_eq!(cols, ["redovisat", "budget", "avvikelse"]);
                }
                other => panic!("{other:?}"),
            },
            other => panic!("{other:?}"),
        }
    }
    match assertion("for y in [`2019`]: a == 1") {
        Assertion::For { columns, .. } => assert_eq!(columns[0].text, "2019"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn if_then_and_blocks() {
    match assertion("each t: if a is present then a <= b") {
        Assertion::Each { body, .. } => match *body {
            Assertion::If { cond, body, .. } => {
                assert_eq!(sx(&cond), "(is-present a)");
                let Assertion::Check(e) = *body else { panic!() };
                assert_eq!(sx(&e), "(cmp a <= b)");
            }
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
    match assertion("each t: { a == 1  b == 2  if c > 0 then { d == 3 } }") {
        Assertion::Each { body, .. } => match *body {
            Assertion::Block(items, _) => {
                assert_eq!(items.len(), 3);
                assert!(
                    matches!(&items[2], Assertion::If { body, .. } if matches!(body.as_ref(), Assertion::Block(b, _) if b.len() == 1))
                );
            }
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
    // Several assertions directly in a rule, and a block at the top.
    let p = ok("rule r { each t: a == 1 in t: sum(a) == 3 { each t: b == 2 } }");
    let body = &p.rules()[0].body;
    assert_eq!(body.len(), 3);
    assert!(matches!(body[0], Assertion::Each { .. }));
    assert!(matches!(body[1], Assertion::In { .. }));
    assert!(matches!(body[2], Assertion::Block(..)));
}

// ------------------------------------------------------------------ comparisons and tolerances

#[test]
fn every_comparison_operator() {
    assert_eq!(expr("a == b"), "(cmp a == b)");
    assert_eq!(expr("a != b"), "(cmp a != b)");
    assert_eq!(expr("a < b"), "(cmp a < b)");
    assert_eq!(expr("a <= b"), "(cmp a <= b)");
    assert_eq!(expr("a > b"), "(cmp a > b)");
    assert_eq!(expr("a >= b"), "(cmp a >= b)");
}

#[test]
fn comparison_chains() {
    assert_eq!(
        expr("min(m, k) <= t <= max(m, k)"),
        "(cmp (min m k) <= t <= (max m k))"
    );
    assert_eq!(
        expr("0 <= a < b <= 100 within rounding"),
        "(cmp 0 <= a < b <= 100 within rounding)"
    );
}

#[test]
fn tolerances() {
    assert_eq!(expr("a == b within 5"), "(cmp a == b within 5)");
    assert_eq!(expr("a == b within 5 tkr"), "(cmp a == b within 5 tkr)");
    assert_eq!(expr("a == b within 0.5"), "(cmp a == b within 0.5)");
    assert_eq!(expr("a == b within 2%"), "(cmp a == b within 2%)");
    assert_eq!(expr("a == b within 2 %"), "(cmp a == b within 2%)");
    assert_eq!(
        expr("a == b within rounding"),
        "(cmp a == b within rounding)"
    );
    assert_eq!(expr("a == b ± 5"), "(cmp a == b within 5)");
    assert_eq!(expr("a == b ±5"), "(cmp a == b within 5)");
    assert_eq!(expr("a == b +- 5"), "(cmp a == b within 5)");
    assert_eq!(expr("a == b ± 2%"), "(cmp a == b within 2%)");
    // `+ -5` is arithmetic, `+-` is a tolerance.
    assert_eq!(expr("a == b + -5"), "(cmp a == (+ b (neg 5)))");
    // The tolerance's span covers what was written.
    let p = ok("rule r { each t: a == b within rounding }");
    let ExprKind::Compare {
        tolerance: Some((_, span)),
        ..
    } = &check_of(&p.rules()[0].body[0]).kind
    else {
        panic!()
    };
    assert_eq!(p.src().slice(*span), "within rounding");
}

// ------------------------------------------------------------------ expressions

#[test]
fn arithmetic_precedence_and_associativity() {
    assert_eq!(expr("x == a + b * c"), "(cmp x == (+ a (* b c)))");
    assert_eq!(expr("x == (a + b) * c"), "(cmp x == (* (+ a b) c))");
    assert_eq!(expr("x == a - b - c"), "(cmp x == (- (- a b) c))");
    assert_eq!(expr("x == a / b / c"), "(cmp x == (/ (/ a b) c))");
    assert_eq!(
        expr("x == a - b * c / d + e"),
        "(cmp x == (+ (- a (/ (* b c) d)) e))"
    );
    // The minus sign U+2212 is a minus too.
    assert_eq!(expr("x == a − b"), "(cmp x == (- a b))");
}

#[test]
fn unary_minus() {
    assert_eq!(expr("a == -1030"), "(cmp a == (neg 1030))");
    assert_eq!(expr("a == −1030"), "(cmp a == (neg 1030))");
    assert_eq!(expr("-a == b"), "(cmp (neg a) == b)");
    assert_eq!(expr("a == -b * c"), "(cmp a == (* (neg b) c))");
    assert_eq!(expr("a == b - -c"), "(cmp a == (- b (neg c)))");
    assert_eq!(expr("a == -(b + c)"), "(cmp a == (neg (+ b c)))");
}

#[test]
fn numbers_and_literals() {
    assert_eq!(expr("a == 45_000"), "(cmp a == 45000)");
    assert_eq!(expr("a == 4.3"), "(cmp a == 4.3)");
    assert_eq!(expr("a == 0.05"), "(cmp a == 0.05)");
    assert_eq!(expr("a == 6.3 mkr"), "(cmp a == 6.3mkr)");
    assert_eq!(expr("a <= 5%"), "(cmp a <= 5pct)");
    // The value keeps the decimals it was written with.
    let p = ok("rule r { each t: a == 4.30 }");
    let ExprKind::Number(n, None) = first_right_side(&p) else {
        panic!()
    };
    assert_eq!(n.scale(), 2);
}

#[test]
fn strings_with_escapes() {
    assert_eq!(expr(r#"a == "Summa""#), r#"(cmp a == "Summa")"#);
    let p = ok(r#"rule r { each t: a == "säger \"hej\" \\ slut" }"#);
    let ExprKind::Text(t) = first_right_side(&p) else {
        panic!()
    };
    assert_eq!(t, r#"säger "hej" \ slut"#);
    // `#` inside a string is not a comment.
    assert_eq!(expr(r#"a matches "Nr # 1*""#), r#"(matches a "Nr # 1*")"#);
}

#[test]
fn functions() {
    assert_eq!(expr("sum(c) == total.c"), "(cmp (sum c) == total.c)");
    assert_eq!(expr("count(c) > 0"), "(cmp (count c) > 0)");
    assert_eq!(expr("min(c) >= 0"), "(cmp (min c) >= 0)");
    assert_eq!(expr("max(c) <= 100"), "(cmp (max c) <= 100)");
    assert_eq!(expr("mean(c) <= 5"), "(cmp (mean c) <= 5)");
    assert_eq!(expr("abs(a) <= 10"), "(cmp (abs a) <= 10)");
    assert_eq!(expr("round(a, 1) == b"), "(cmp (round a 1) == b)");
    assert_eq!(
        expr("sum(T.c) == T.total.c"),
        "(cmp (sum T.c) == T.total.c)"
    );
    assert_eq!(expr("max(a, b, c) > 0"), "(cmp (max a b c) > 0)");
    assert_eq!(
        expr("sum(c where c > 0) > 0"),
        "(cmp (sum c where (cmp c > 0)) > 0)"
    );
    assert_eq!(expr("abs(a - b) <= 1"), "(cmp (abs (- a b)) <= 1)");
}

#[test]
fn references() {
    assert_eq!(expr("c == 1"), "(cmp c == 1)");
    assert_eq!(expr("T.c == 1"), "(cmp T.c == 1)");
    assert_eq!(expr("total.c == 1"), "(cmp total.c == 1)");
    assert_eq!(expr("T.total.c == 1"), "(cmp T.total.c == 1)");
    assert_eq!(expr(r#"T["LKDATA"].c == 1"#), r#"(cmp T["LKDATA"].c == 1)"#);
    assert_eq!(
        expr("prognos[verksamhet].budget == 1"),
        "(cmp prognos[verksamhet].budget == 1)"
    );
    assert_eq!(expr("previous.T.c == 1"), "(cmp previous.T.c == 1)");
    assert_eq!(
        expr("previous.T.total.c == 1"),
        "(cmp previous.T.total.c == 1)"
    );
    assert_eq!(
        expr(r#"previous.T["x"].c == c"#),
        r#"(cmp previous.T["x"].c == c)"#
    );
    assert_eq!(expr("`total` == `2019`"), "(cmp total == 2019)");
    assert_eq!(expr("T.`2019` == T.`total`"), "(cmp T.2019 == T.total)");
    assert_eq!(expr(r#"T["x"].`2019` == 1"#), r#"(cmp T["x"].2019 == 1)"#);
}

#[test]
fn backtick_names_are_names() {
    match assertion("each t: `total` == `2019`") {
        Assertion::Each { body, .. } => {
            let Assertion::Check(Expr {
                kind: ExprKind::Compare { first, rest, .. },
                ..
            }) = *body
            else {
                panic!()
            };
            assert!(
                matches!(&first.kind, ExprKind::Ref { reference: Reference::Name(n), .. } if n.text == "total")
            );
            assert!(
                matches!(&rest[0].1.kind, ExprKind::Ref { reference: Reference::Name(n), .. } if n.text == "2019")
            );
        }
        other => panic!("{other:?}"),
    }
    // A keyword in backticks names a table, a rule, a `let`.
    let p =
        ok("table `group` \"G\" { }\nlet `in` = 1\nrule `rule` { each `group`: `key` == `in` }");
    assert_eq!(p.rule_ids(), ["rule"]);
}

#[test]
fn identifiers_with_swedish_letters_and_dashes() {
    assert_eq!(
        expr("förvaltning == överskott_år"),
        "(cmp förvaltning == överskott_år)"
    );
    assert_eq!(expr("Ärenden == ÅÄÖ"), "(cmp Ärenden == ÅÄÖ)");
    // `-` inside a name is part of it; with spaces it subtracts.
    assert_eq!(expr("x == a-b"), "(cmp x == a-b)");
    assert_eq!(expr("x == a - b"), "(cmp x == (- a b))");
    assert_eq!(
        ok("rule drift-summa-2 { each t: a == 1 }").rule_ids(),
        ["drift-summa-2"]
    );
    // Names that start with a keyword are plain names.
    assert_eq!(
        expr("innan == isolering + orter + android + notering + totalt + index + format + byggnad"),
        "(cmp innan == (+ (+ (+ (+ (+ (+ (+ isolering orter) android) notering) totalt) index) format) byggnad))"
    );
}

#[test]
fn conditions_and_predicates() {
    assert_eq!(expr("x is missing"), "(is-missing x)");
    assert_eq!(expr("x is present"), "(is-present x)");
    assert_eq!(expr("x is not missing"), "(is-not-missing x)");
    assert_eq!(expr("T.total.x is present"), "(is-present T.total.x)");
    assert_eq!(
        expr(r#"projekt matches "Summa*""#),
        r#"(matches projekt "Summa*")"#
    );
    assert_eq!(
        expr(r#"not projekt matches "varav*""#),
        r#"(not (matches projekt "varav*"))"#
    );
    assert_eq!(
        expr(r#"`key` matches "{a,b}?*""#),
        r#"(matches key "{a,b}?*")"#
    );
    // `and` binds tighter than `or`; `not` tighter than both; comparisons tighter still.
    assert_eq!(
        expr("a > 0 or b > 0 and c > 0"),
        "(or (cmp a > 0) (and (cmp b > 0) (cmp c > 0)))"
    );
    assert_eq!(
        expr("(a > 0 or b > 0) and c > 0"),
        "(and (or (cmp a > 0) (cmp b > 0)) (cmp c > 0))"
    );
    assert_eq!(
        expr("not a is missing and b == 1"),
        "(and (not (is-missing a)) (cmp b == 1))"
    );
    assert_eq!(
        expr("a + 1 > b * 2 and c != \"x\""),
        "(and (cmp (+ a 1) > (* b 2)) (cmp c != \"x\"))"
    );
}

#[test]
fn key_matches_as_written_in_the_reference() {
    assert_eq!(expr(r#"key matches "Summa*""#), r#"(matches key "Summa*")"#);
}

#[test]
fn comments_and_whitespace() {
    let p = ok("# rubrik\n\
                table t \"T\" { # kommentar\n\
                  column a \"A\" tkr # belopp\n\
                }\n\
                # mellan\n\
                rule r # efter id\n\
                  \"titel\" {\n\
                  each t: # här\n\
                    a == 1 # och här\n\
                }\n\
                # sist, utan radslut");
    assert_eq!(p.file.items.len(), 2);
    assert_eq!(p.rule_ids(), ["r"]);
    // Tabs, CRLF line ends and no-break spaces separate tokens too.
    let p = ok("rule r {\r\n\teach t:\u{a0}a == 1\r\n}\r\n");
    assert_eq!(p.rule_ids(), ["r"]);
    // An empty file and a file of comments are fine.
    assert!(ok("").file.items.is_empty());
    assert!(ok("# bara en kommentar\n\n# till\n").file.items.is_empty());
}

#[test]
fn moderate_nesting_parses() {
    let n = 8;
    assert_eq!(
        expr(&format!("{}a{} == 1", "(".repeat(n), ")".repeat(n))),
        "(cmp a == 1)"
    );
}

// ------------------------------------------------------------------ mistakes

#[test]
fn missing_colon_after_each() {
    let e = syntax_error("rule r { each drift avvikelse == 1 }");
    assert!(e.message.contains("`:`"), "{e:?}");
    assert!(e.message.contains("`where`"), "{e:?}");
    assert!(e.message.contains("`avvikelse`"), "found is named: {e:?}");
    assert_eq!((e.line, e.col, e.at.as_str()), (1, 21, "avvikelse"));
    assert!(e.label.contains("expected"), "{e:?}");
}

#[test]
fn missing_colon_after_in() {
    let e = syntax_error("rule r { in drift sum(x) == 1 }");
    assert!(
        e.message.contains("`:`") && e.message.contains("`by`"),
        "{e:?}"
    );
    assert_eq!((e.line, e.col, e.at.as_str()), (1, 19, "sum"));
}

#[test]
fn rule_without_assertion() {
    let e = syntax_error("rule r \"titel\" { }");
    assert!(e.message.contains("expression"), "{e:?}");
    assert_eq!((e.line, e.col, e.at.as_str()), (1, 18, "}"));
}

#[test]
fn column_without_header_glob() {
    let e = syntax_error("table t \"x\" {\n  column a\n}");
    assert!(e.message.contains("a quoted string"), "{e:?}");
    assert_eq!((e.line, e.col, e.at.as_str()), (3, 1, "}"));
}

#[test]
fn unknown_severity() {
    let e = syntax_error("rule r {\n  severity fatal\n  each t: a == 1\n}");
    assert!(
        e.message.contains("error") && e.message.contains("warning") && e.message.contains("info"),
        "{e:?}"
    );
    assert_eq!((e.line, e.col, e.at.as_str()), (2, 12, "fatal"));
}

#[test]
fn comparison_without_right_side() {
    let e = syntax_error("rule r { each t: a == }");
    assert!(e.message.contains("an expression"), "{e:?}");
    assert_eq!((e.line, e.col, e.at.as_str()), (1, 23, "}"));
    let e = syntax_error("rule r { each t: a == b and }");
    assert!(e.message.contains("an expression"), "{e:?}");
    assert_eq!((e.line, e.col), (1, 29));
}

#[test]
fn unclosed_parenthesis() {
    let e = syntax_error("rule r { each t: (a == 1 }");
    assert!(e.message.contains("`)`"), "{e:?}");
    assert_eq!((e.line, e.col, e.at.as_str()), (1, 26, "}"));
}

#[test]
fn list_without_comma() {
    let e = syntax_error("rule r { for c in [a b]: sum(c) == 1 }");
    assert!(
        e.message.contains("`,`") && e.message.contains("`]`"),
        "{e:?}"
    );
    assert_eq!((e.line, e.col, e.at.as_str()), (1, 22, "b"));
    let e = syntax_error("rule r { for c in []: a == 1 }");
    assert!(e.message.contains("a name"), "{e:?}");
}

#[test]
fn if_without_then() {
    let e = syntax_error("rule r { each t: if a == 1 a == 2 }");
    assert!(e.message.contains("`then`"), "{e:?}");
    assert_eq!((e.line, e.col, e.at.as_str()), (1, 28, "a"));
}

#[test]
fn within_without_amount() {
    let e = syntax_error("rule r { each t: a == 1 within }");
    assert!(
        e.message.contains("a number") && e.message.contains("rounding"),
        "{e:?}"
    );
    assert_eq!((e.line, e.col), (1, 32));
}

#[test]
fn is_and_matches_need_their_words() {
    let e = syntax_error("rule r { each t: a is b }");
    assert!(
        e.message.contains("`missing`") && e.message.contains("`present`"),
        "{e:?}"
    );
    assert_eq!((e.line, e.col, e.at.as_str()), (1, 23, "b"));
    let e = syntax_error("rule r { each t: a matches b }");
    assert!(e.message.contains("a quoted string"), "{e:?}");
    assert_eq!((e.line, e.col, e.at.as_str()), (1, 28, "b"));
}

#[test]
fn use_and_let_mistakes() {
    let e = syntax_error("use tabeller.rules");
    assert!(e.message.contains("a quoted string"), "{e:?}");
    assert_eq!((e.line, e.col, e.at.as_str()), (1, 5, "tabeller"));
    let e = syntax_error("let x 5");
    assert!(e.message.contains("`=`"), "{e:?}");
    assert_eq!((e.line, e.col, e.at.as_str()), (1, 7, "5"));
}

#[test]
fn unclosed_rule_at_end_of_file() {
    let e = syntax_error("rule r {\n  each t: a == 1\n");
    assert!(e.message.contains("`}`"), "{e:?}");
    assert!(e.message.contains("end of the file"), "{e:?}");
    assert_eq!(e.line, 3);
}

/// The one problem of a text, with the text its label points at.
fn one_problem(text: &str) -> (Problem, (usize, usize), String) {
    let p = parse(text);
    assert_eq!(p.problems.len(), 1, "{text:?}: {:#?}", p.problems);
    let prob = p.problems[0].clone();
    assert_in_words(&prob.message);
    let label = prob.labels.first().expect("a label");
    let at = p.src().slice(label.span).to_string();
    let line_col = p.src().line_col(label.span.start);
    (prob, line_col, at)
}

#[test]
fn unclosed_string_is_reported_from_its_opening_quote_to_the_end_of_the_line() {
    let (prob, at, text) = one_problem("rule r \"Avvikelse { each t: a == 1 }");
    assert_eq!(prob.code, "rules::syntax");
    assert_eq!(prob.message, "this string is not closed on its line");
    assert_eq!(at, (1, 8));
    assert_eq!(text, "\"Avvikelse { each t: a == 1 }");

    // A string that goes on on the next line is not closed either.
    let (prob, at, text) =
        one_problem("rule x {\n  each t: key == \"ab\r\nc\" }\n}\nrule y { each t: a == 1 }\n");
    assert_eq!(prob.message, "this string is not closed on its line");
    assert_eq!(at, (2, 18));
    assert_eq!(text, "\"ab");
    assert!(prob.help.is_some_and(|h| h.contains("`\\n`")));
}

#[test]
fn unknown_escape_is_named_and_the_known_ones_listed() {
    let (prob, at, text) = one_problem("rule r { each t: key == \"a\\\"b\\\\c\\qd\" }");
    assert_eq!(prob.code, "rules::syntax");
    assert_eq!(prob.message, "unknown escape `\\q` in a string");
    assert_eq!(at, (1, 33));
    assert_eq!(text, "\\q");
    let help = prob.help.expect("a help");
    for escape in ["`\\\"`", "`\\\\`", "`\\n`", "`\\t`"] {
        assert!(help.contains(escape), "{help}");
    }
    let (prob, _, text) = one_problem("rule r \"Windows: C:\\Data\" { each t: a == 1 }");
    assert_eq!(prob.message, "unknown escape `\\D` in a string");
    assert_eq!(text, "\\D");
}

#[test]
fn a_number_with_an_exponent_is_one_error_that_says_how_to_write_it() {
    for (written, plain) in [
        ("2E3", "2000"),
        ("1.5e-3", "0.0015"),
        ("4_5e+2", "4500"),
        ("12.5e1", "125"),
    ] {
        let (prob, _, at) = one_problem(&format!("rule r {{ each t: a <= {written} }}"));
        assert_eq!(prob.code, "rules::number");
        assert_eq!(
            prob.message,
            format!("numbers are written without an exponent: write {plain} for {written}")
        );
        assert_eq!(at, written);
    }
    let (prob, at, text) = one_problem("rule x { each t: a <= 1e400 }");
    assert!(
        prob.message
            .starts_with("numbers are written without an exponent"),
        "{prob:?}"
    );
    assert_eq!((at, text.as_str()), ((1, 23), "1e400"));

    // The rule with the exponent is left out; the others still load.
    let p = parse(
        "rule ok-1 { each t: a == 1 }\nrule bad { each t: a == 2E3 }\nrule ok-2 { each t: a == 2 }\n",
    );
    assert_eq!(p.problems.len(), 1, "{:#?}", p.problems);
    assert_eq!(p.rule_ids(), ["ok-1", "ok-2"]);
}

#[test]
fn exponent_like_text_outside_numbers_is_not_an_exponent() {
    ok(
        "rule r \"1e3\" {\n  # 2E3 in a comment\n  each t: a-1e3 == `2E3` and key matches \"5e5\"\n}\n",
    );
}

#[test]
fn single_equals_gets_a_help() {
    let e = syntax_error("rule r {\n  each t: avvikelse = redovisat - budget\n}");
    assert_eq!((e.line, e.col, e.at.as_str()), (2, 21, "="));
    let help = e.help.expect("a help for `=`");
    assert!(help.contains("=="), "{help}");
}

#[test]
fn keyword_as_name_suggests_backticks() {
    let e = syntax_error("table key \"Nyckel\" { }");
    assert!(e.message.contains("a name"), "{e:?}");
    assert_eq!((e.line, e.col, e.at.as_str()), (1, 7, "key"));
    let help = e.help.expect("a help for the keyword");
    assert!(help.contains("keyword") && help.contains("`key`"), "{help}");

    let e = syntax_error("rule total { each t: a == 1 }");
    assert_eq!((e.line, e.col, e.at.as_str()), (1, 6, "total"));
    assert!(e.help.is_some_and(|h| h.contains("backticks")));

    let e = syntax_error("table t \"T\" { column total \"Total\" }");
    assert_eq!(e.at, "total");
    assert!(e.help.is_some_and(|h| h.contains("backticks")));

    let e = syntax_error("rule r { in t by group: a == 1 }");
    assert_eq!(e.at, "group");
    assert!(e.help.is_some_and(|h| h.contains("backticks")));
}

#[test]
fn digit_name_suggests_backticks() {
    let e = syntax_error("rule r { in t: t.2019 == 1 }");
    assert_eq!((e.line, e.col, e.at.as_str()), (1, 18, "2019"));
    assert!(e.help.is_some_and(|h| h.contains("`2019`")));
}

#[test]
fn keyword_as_column_in_expression_suggests_backticks() {
    // A column headed "Total" or "Rounding" is a natural thing to write.
    for (text, word) in [
        ("rule r { each t: rounding == 1 }", "rounding"),
        ("rule r { each t: a == column }", "column"),
    ] {
        let e = syntax_error(text);
        assert_eq!(e.at, word);
        let help = e.help.unwrap_or_default();
        assert!(
            help.contains("backticks"),
            "{text:?}: no backtick help in {help:?}"
        );
    }
}

#[test]
#[ignore = "bug: keywords that start an item, a table entry or an assertion are left out of the expectation"]
fn expected_item_and_entry_keywords_are_named() {
    // Today: "expected something else, found `regel`".
    let e = syntax_error("regel r { each t: a == 1 }");
    assert_eq!((e.line, e.col, e.at.as_str()), (1, 1, "regel"));
    assert!(!e.message.contains("something else"), "{e:?}");
    assert!(
        e.message.contains("rule") && e.message.contains("table"),
        "{e:?}"
    );
    // Today: "expected `}`, found `kolumn`".
    let e = syntax_error("table t \"T\" {\n  kolumn a \"A\"\n}");
    assert_eq!((e.line, e.col, e.at.as_str()), (2, 3, "kolumn"));
    assert!(e.message.contains("column"), "{e:?}");
    // Today: "expected `in`, an expression or `{`, found `}`".
    let e = syntax_error("rule r { }");
    assert!(
        e.message.contains("each") && e.message.contains("for") && e.message.contains("if"),
        "{e:?}"
    );
}

#[test]
fn broken_rules_are_reported_one_by_one_and_good_ones_still_load() {
    let text = "\
table t \"T\" { column a \"A\" }

rule ok-1 { each t: a == 1 }
rule bad-1 {
  each t a == 1
}
rule ok-2 \"Titel\" {
  each t: a <= 2
}
rule bad-2 { each t: a == }
let gräns = 3
rule ok-3 { each t: a >= gräns }
rule bad-3 {
  for c in [a b]: a == 1
}
rule ok-4 { each t: a != 3 }
";
    let (p, errs) = syntax_errors(text);
    let at: Vec<(usize, usize, &str)> = errs
        .iter()
        .map(|e| (e.line, e.col, e.at.as_str()))
        .collect();
    assert_eq!(at, [(5, 10, "a"), (10, 27, "}"), (14, 15, "b")]);
    assert_eq!(p.rule_ids(), ["ok-1", "ok-2", "ok-3", "ok-4"]);
    assert!(
        p.file
            .items
            .iter()
            .any(|i| matches!(i, Item::Table(t) if t.name.text == "t"))
    );
    assert!(
        p.file
            .items
            .iter()
            .any(|i| matches!(i, Item::Let(l) if l.name.text == "gräns"))
    );
    // The good rules keep their real positions in the file.
    let ok2 = p.rules()[1];
    assert_eq!(p.src().line_col(ok2.span.start), (7, 1));
}

#[test]
fn deep_nesting_is_refused_without_overflowing_the_stack() {
    let n = 1000;
    let text = format!(
        "rule r {{\n  each t: {}a{} == 1\n}}",
        "(".repeat(n),
        ")".repeat(n)
    );
    let p = parse(&text);
    assert!(p.file.items.is_empty());
    assert_eq!(p.problems.len(), 1, "{:?}", p.problems);
    let prob = &p.problems[0];
    assert!(prob.code.starts_with("rules::"), "{prob:?}");
    assert!(prob.message.contains("nested"), "{prob:?}");
    assert_in_words(&prob.message);
    let label = prob.labels.first().expect("points at the nesting");
    assert_eq!(p.src().slice(label.span), "(");
    assert_eq!(p.src().line_col(label.span.start).0, 2);
}

#[test]
fn very_long_chains_are_refused_not_overflowing() {
    let text = format!("rule r {{ each t: a == 1{} }}", " + 1".repeat(20_000));
    let p = parse(&text);
    let codes: Vec<&str> = p.problems.iter().map(|x| x.code).collect();
    assert_eq!(codes, ["rules::too-long"]);
    assert!(
        p.problems[0].message.contains("operands"),
        "{:?}",
        p.problems[0]
    );
    assert!(p.rules().iter().all(|r| r.body.is_empty()));
}

/// A rule file that stops the `rimlig` binary with a signal (stack overflow) rather than a
/// diagnostic is a crash; this runs the binary so a crash does not take the tests down.
fn binary_survives(name: &str, rules: &str) {
    let dir = std::env::temp_dir().join(format!("rimlig-grammar-{}-{name}", std::process::id()));
    let report = dir.join("rapport");
    std::fs::create_dir_all(&report).unwrap();
    std::fs::write(report.join("t.csv"), "Rad;A\nx;1\n").unwrap();
    let rules_path: PathBuf = dir.join("deep.rules");
    std::fs::write(&rules_path, rules).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_rimlig"))
        .args(["check", "--color", "never", "--rules"])
        .arg(&rules_path)
        .arg(&report)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        matches!(out.status.code(), Some(0..=2)),
        "{name}: rimlig ended with {:?}: {}",
        out.status,
        stderr.lines().take(3).collect::<Vec<_>>().join(" / ")
    );
}

#[test]
fn nesting_just_below_the_limit_does_not_crash_the_binary() {
    let n = 63;
    binary_survives(
        "parens",
        &format!(
            "rule r {{ each t: {}a{} == 1 }}",
            "(".repeat(n),
            ")".repeat(n)
        ),
    );
}

#[test]
fn deeply_nested_assertions_do_not_crash_the_binary() {
    let n = 5000;
    binary_survives(
        "if",
        &format!("rule r {{ each t: {}a == 1 }}", "if a == 1 then ".repeat(n)),
    );
    binary_survives(
        "each",
        &format!("rule r {{ {}a == 1 }}", "each t: ".repeat(n)),
    );
    binary_survives(
        "for",
        &format!("rule r {{ each t: {}a == 1 }}", "for c in [a]: ".repeat(n)),
    );
}

/// Runs `f` in a child process (this test binary, filtered to `test`), so that a stack
/// overflow fails the test instead of aborting every test.
fn in_child_process(test: &str, f: impl FnOnce()) {
    const CHILD: &str = "RIMLIG_GRAMMAR_CHILD";
    if std::env::var_os(CHILD).is_some() {
        f();
        return;
    }
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            test,
            "--exact",
            "--include-ignored",
            "--test-threads=1",
            "--nocapture",
        ])
        .env(CHILD, "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{test} failed in its child process ({:?}): {}",
        out.status,
        stderr
            .lines()
            .filter(|l| !l.trim().is_empty())
            .take(3)
            .collect::<Vec<_>>()
            .join(" / ")
    );
}

#[test]
#[ignore = "bug: parse_file called directly (not through run::check) overflows a 2 MiB thread stack on 20 nested parentheses in a debug build, although up to 63 are accepted"]
fn parse_file_affords_the_nesting_it_accepts_on_an_ordinary_thread() {
    in_child_process(
        "parse_file_affords_the_nesting_it_accepts_on_an_ordinary_thread",
        || {
            let n = 63;
            let text = format!(
                "rule r {{ each t: {}a{} == 1 }}",
                "(".repeat(n),
                ")".repeat(n)
            );
            let ok = std::thread::Builder::new()
                .stack_size(2 * 1024 * 1024)
                .spawn(move || parse(&text).problems.is_empty())
                .unwrap()
                .join()
                .unwrap();
            assert!(ok);
        },
    );
}
