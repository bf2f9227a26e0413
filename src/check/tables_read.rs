//! Which tables a rule reads: those of the report being checked, or those of its previous
//! report (`previous.`). Two checks ask: whether a rule can apply to any checked report
//! (`coverage`), and whether a previous report has what the rules compare with (`previous`).

use crate::syntax::ast::*;

/// Which report's tables a walk collects.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Of {
    /// The report being checked: `T.c`, `T[KEY].c`, `T.total.c`, `in T`, `each T`.
    Checked,
    /// Its previous report: `previous.T.c` and the like, `in previous.T`, and `previous.c` or
    /// `previous.total.c` in the table the assertion goes over.
    Previous,
}

/// The tables `a` reads in the report `of` says, by the name the rule gives them (repeats
/// kept), in the order written.
pub(super) fn assertion_tables<'a>(a: &'a Assertion, of: Of, out: &mut Vec<&'a Name>) {
    walk(a, of, None, out);
}

/// [`assertion_tables`] inside the table `within` (an `in` or `each` around `a`).
fn walk<'a>(a: &'a Assertion, of: Of, within: Option<&'a Name>, out: &mut Vec<&'a Name>) {
    match a {
        Assertion::In { table, body, .. } => {
            if table.previous == (of == Of::Previous) {
                out.push(&table.name);
            }
            walk(body, of, Some(&table.name), out);
        }
        Assertion::Each {
            table,
            filter,
            body,
            ..
        } => {
            if table.previous == (of == Of::Previous) {
                out.push(&table.name);
            }
            let within = Some(&table.name);
            if let Some(f) = filter {
                expr_tables(f, of, within, out);
            }
            walk(body, of, within, out);
        }
        Assertion::For { body, .. } => walk(body, of, within, out),
        Assertion::If { cond, body, .. } => {
            expr_tables(cond, of, within, out);
            walk(body, of, within, out);
        }
        Assertion::Block(items, _) => items.iter().for_each(|i| walk(i, of, within, out)),
        Assertion::Check(e) => expr_tables(e, of, within, out),
    }
}

fn expr_tables<'a>(e: &'a Expr, of: Of, within: Option<&'a Name>, out: &mut Vec<&'a Name>) {
    match &e.kind {
        ExprKind::Ref {
            previous,
            reference,
        } => {
            if let Reference::Keyed { key, .. } = reference {
                expr_tables(key, of, within, out);
            }
            if *previous != (of == Of::Previous) {
                return;
            }
            match reference {
                Reference::Column { table, .. }
                | Reference::Keyed { table, .. }
                | Reference::Total {
                    table: Some(table), ..
                } => out.push(table),
                // A column of the table gone over: of the checked report, that table is
                // already counted at its `in` or `each`; of the previous one, it is read here.
                Reference::Name(_) | Reference::Parent { .. } | Reference::Total { .. } => {
                    if of == Of::Previous {
                        out.extend(within);
                    }
                }
            }
        }
        _ => e
            .children()
            .into_iter()
            .for_each(|x| expr_tables(x, of, within, out)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(rules: &str, of: Of) -> Vec<String> {
        let (set, _) = crate::check::statics::testing::rule_set(rules);
        let mut out = Vec::new();
        for r in &set.rules {
            for a in &r.rule.body {
                assertion_tables(a, of, &mut out);
            }
        }
        out.into_iter().map(|n| n.text.clone()).collect()
    }

    const RULES: &str = r#"
rule a "a" { each prognos: bokslut == previous.bokslut }
rule b "b" { in drift: total.netto == previous.total.netto }
rule c "c" { in personal: antal >= previous.personal["Summa"].antal }
rule d "d" { in previous.invest: sum(netto) >= 0 }
rule e "e" { each ekonomi: utfall <= previous.budget.total.ram }
rule f "f" { each ekonomi: utfall <= budget.total.ram and invest["x"].netto >= 0 }
"#;

    #[test]
    fn the_tables_read_in_the_previous_report_are_found_in_every_form() {
        assert_eq!(
            read(RULES, Of::Previous),
            ["prognos", "drift", "personal", "invest", "budget"]
        );
    }

    #[test]
    fn the_tables_read_in_the_checked_report_leave_the_previous_ones_out() {
        assert_eq!(
            read(RULES, Of::Checked),
            [
                "prognos", "drift", "personal", "ekonomi", "ekonomi", "budget", "invest"
            ]
        );
    }
}
