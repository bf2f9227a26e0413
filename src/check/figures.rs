//! Cells of a column declared as figures (`tkr`, `mkr`, `kr`, `pct`, `count`) that are not
//! read as figures. Every check that reads such a cell is not applicable, which alone shows
//! only as a count in the summary: the controller sees `1.234,5` in the file and is told
//! nothing. Said once per cell, where it is written, with what the text most likely is.

use crate::eval::view::{View, reaches};
use crate::problem::{Problem, ProblemKind, Severity};
use crate::report::{CellValue, Report, Unit};
use crate::source::SourceId;
use crate::syntax::ast::UnitName;

use super::RuleSet;

/// Cells said one by one per table and column; the rest are counted in one more warning.
const SAID_PER_COLUMN: usize = 5;

/// Characters of a cell or header a message quotes, at most. A cell can hold megabytes (a
/// table's figures run together on one line); quoted whole, each message about it was as
/// large, in every output.
const QUOTED_CHARS: usize = 60;

/// One `data::not-a-figure` warning per text cell of a declared figure column, up to
/// [`SAID_PER_COLUMN`] per table and column, then one that counts the rest.
pub fn check_figures_read(set: &RuleSet, reports: &[Report], problems: &mut Vec<Problem>) {
    // A cell the reader already said is no figure (a spreadsheet error in a workbook, a JSON
    // number too large or too precise) is said once, by the reader.
    let said: foldhash::HashSet<(SourceId, usize)> = problems
        .iter()
        .filter(|p| matches!(p.code, "data::cell-error" | "data::json-number"))
        .flat_map(|p| p.labels.iter().map(|l| (l.source, l.span.start)))
        .collect();
    for t in &set.tables {
        let figures = t
            .decl
            .columns
            .iter()
            .any(|c| c.unit.is_some_and(|u| u != UnitName::Text));
        if !figures {
            continue;
        }
        // Reports of one kind have the same tables: each table name and its headers are
        // matched to the declaration once (ten thousand reports would otherwise make ten
        // thousand views).
        // The reports are looked through on every core, each keeping what it matched, and
        // what they say is put together in report order.
        type Columns<'a> = Option<Vec<(&'a str, usize, UnitName)>>;
        type Matched<'a> = foldhash::HashMap<(&'a str, Vec<&'a str>), Columns<'a>>;
        use rayon::prelude::*;
        let said_per_report: Vec<Vec<Problem>> = reports
            .par_iter()
            .map_init(Matched::default, |matched, report| {
                let mut said_here = Vec::new();
                for (index, table) in report.tables.iter().enumerate() {
                    let headers: Vec<&str> =
                        table.headers.iter().map(|h| h.text.as_str()).collect();
                    let columns = matched
                        .entry((table.name.as_str(), headers))
                        .or_insert_with(|| {
                            reaches(&t.decl, table).then(|| {
                                View::matched(index, table, Some(&t.decl))
                                    .declared_columns()
                                    .iter()
                                    .filter_map(|&(name, col, unit)| {
                                        Some((name, col, unit.filter(|u| *u != UnitName::Text)?))
                                    })
                                    .collect()
                            })
                        });
                    for &(name, col, unit) in columns.iter().flatten() {
                        if !table.only_integers(col) {
                            column_texts(table, col, name, unit, &said, &mut said_here);
                        }
                    }
                }
                said_here
            })
            .collect();
        problems.extend(said_per_report.into_iter().flatten());
    }
}

fn column_texts(
    table: &crate::report::Table,
    col: usize,
    name: &str,
    unit: UnitName,
    said_by_reader: &foldhash::HashSet<(SourceId, usize)>,
    problems: &mut Vec<Problem>,
) {
    let header = quoted(table.headers.get(col).map_or("", |h| h.text.as_str()));
    let mut more = 0;
    let mut said = 0;
    for row in 0..table.rows.len() {
        let Some(cell) = table.cell(row, col) else {
            continue;
        };
        let text = match cell.value(table) {
            CellValue::Text(text) => text,
            // A figure in a unit the column's does not convert to (`995 %` in tkr): the
            // checks that read it are not applicable either.
            CellValue::Number(f) if !fits(unit, f.unit) => {
                if said == SAID_PER_COLUMN {
                    more += 1;
                    continue;
                }
                said += 1;
                let shown = quoted(cell.raw(table).trim());
                problems.push(
                    not_a_figure(format!(
                        "\"{shown}\" in column {header} of {} is in {}, but the column is \
                         declared {}, so the checks that read it are not applicable",
                        table.name,
                        unit_words(f.unit),
                        unit.name()
                    ))
                    .with_label(
                        table.source,
                        cell.span(),
                        format!("{name} is declared {}", unit.name()),
                    )
                    .with_help(format!(
                        "write the figure in {} (without its unit), or declare the column {}",
                        unit.name(),
                        f.unit.map_or("", |u| match u {
                            Unit::Pct => "pct",
                            Unit::Count => "count",
                            Unit::Kr => "kr",
                            Unit::Tkr => "tkr",
                            Unit::Mkr => "mkr",
                        })
                    )),
                );
                continue;
            }
            // `1.234` in money: read with a decimal point, as the figure 1,234; written so it
            // is more often a thousand and more, with a dot between thousands.
            CellValue::Number(_)
                if matches!(unit, UnitName::Kr | UnitName::Tkr | UnitName::Mkr)
                    && dot_between_thousands(cell.raw(table)) =>
            {
                if said == SAID_PER_COLUMN {
                    more += 1;
                    continue;
                }
                said += 1;
                let raw = cell.raw(table).trim();
                let thousands = raw.replace('.', " ");
                problems.push(
                    Problem::new(
                        ProblemKind::Data,
                        Severity::Warning,
                        "data::ambiguous-figure",
                        format!(
                            "\"{raw}\" in column {header} of {} is read as {}, with a decimal \
                         point; if the dot separates thousands, the figure is {thousands}",
                            table.name,
                            raw.replacen('.', ",", 1)
                        ),
                    )
                    .with_label(table.source, cell.span(), "a dot before three digits")
                    .with_help(format!(
                        "write {thousands} (thousands with a space) or {} (decimals with a comma)",
                        raw.replacen('.', ",", 1)
                    )),
                );
                continue;
            }
            _ => continue,
        };
        if said_by_reader.contains(&(table.source, cell.span().start)) {
            continue;
        }
        if said == SAID_PER_COLUMN {
            more += 1;
            continue;
        }
        said += 1;
        let shown = quoted(&text);
        problems.push(
            not_a_figure(format!(
                "\"{shown}\" in column {header} of {} is not a figure, so the checks that read it are not applicable",
                table.name
            ))
            .with_label(
                table.source,
                cell.span(),
                format!("{name} is declared {}: not read as one", unit.name()),
            )
            .with_help(looks_like(&text)),
        );
    }
    if more > 0 {
        problems.push(
            not_a_figure(format!(
                "{more} more cells in column {header} of {} are not figures either",
                table.name
            ))
            .with_label(
                table.source,
                table.headers.get(col).map(|h| h.span).unwrap_or_default(),
                format!("{name}: {more} more texts"),
            )
            .with_help("rimlig -v lists the checks they made not applicable"),
        );
    }
}

/// `1.234`, `-12.500`: one to three digits, then a dot and three digits, as a figure with a
/// dot between thousands is written.
fn dot_between_thousands(raw: &str) -> bool {
    let t = raw.trim();
    let t = t.strip_prefix(['-', '−']).unwrap_or(t);
    let Some((head, tail)) = t.split_once('.') else {
        return false;
    };
    (1..=3).contains(&head.len())
        && head.bytes().all(|b| b.is_ascii_digit())
        && tail.len() == 3
        && tail.bytes().all(|b| b.is_ascii_digit())
}

/// Whether a figure written in `unit` can be read in a column declared `declared`: money
/// converts between kr, tkr and mkr; a figure without a unit takes the column's.
fn fits(declared: UnitName, unit: Option<Unit>) -> bool {
    match unit {
        None => true,
        Some(Unit::Kr | Unit::Tkr | Unit::Mkr) => {
            matches!(declared, UnitName::Kr | UnitName::Tkr | UnitName::Mkr)
        }
        Some(Unit::Pct) => declared == UnitName::Pct,
        Some(Unit::Count) => declared == UnitName::Count,
    }
}

fn unit_words(unit: Option<Unit>) -> &'static str {
    match unit {
        Some(Unit::Pct) => "per cent",
        Some(Unit::Count) => "a count",
        Some(Unit::Kr) => "kr",
        Some(Unit::Tkr) => "tkr",
        Some(Unit::Mkr) => "mkr",
        None => "no unit",
    }
}

fn not_a_figure(message: String) -> Problem {
    Problem::new(
        ProblemKind::Data,
        Severity::Warning,
        "data::not-a-figure",
        message,
    )
}

/// What a text in a figure column most likely is, and how to write it as a figure.
fn looks_like(text: &str) -> String {
    let t = text.trim();
    if let Some(c) = t.chars().find(|c| invisible(*c)) {
        return format!(
            "the cell holds an invisible character (U+{:04X}) beside the figure; delete it",
            u32::from(c)
        );
    }
    let digits_and =
        |extra: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit() || extra.contains(c));
    if t.len() > 1 && t.ends_with('-') && digits_and(" ,-") {
        return format!(
            "a minus sign goes before the figure: -{}",
            quoted(t.trim_end_matches('-').trim())
        );
    }
    if let Some(rest) = t.strip_prefix(['\'', '\u{2019}'])
        && rest.starts_with(|c: char| c.is_ascii_digit() || c == '-')
        && rest
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | ',' | '-' | '\u{a0}' | '\u{202f}'))
    {
        return format!(
            "the ' before the figure makes a spreadsheet keep it as text: write {}",
            quoted(rest.trim())
        );
    }
    if t.starts_with('(') && t.ends_with(')') && digits_and(" ,()") {
        return format!(
            "a negative figure is written with a minus sign: -{}",
            quoted(t.trim_matches(|c| c == '(' || c == ')').trim())
        );
    }
    if let Some(said) = spreadsheet_text(t) {
        return said;
    }
    let digits = t.chars().filter(char::is_ascii_digit).count();
    if digits > 28 && digits_and(" ,-\u{a0}\u{202f}") {
        return format!(
            "{digits} digits: a figure holds at most 28, so figures may have run together in this cell"
        );
    }
    if digits_and(".,") && t.contains('.') && t.ends_with(|c: char| c.is_ascii_digit()) {
        let (dot, comma) = (t.find('.'), t.find(','));
        return match (dot, comma) {
            (Some(d), Some(c)) if d < c => format!(
                "written with a dot between thousands: write {}",
                quoted(&t.replace('.', " "))
            ),
            (Some(_), Some(_)) => format!(
                "written the English way: write {}",
                quoted(&t.replace(',', " ").replace('.', ","))
            ),
            _ => "a decimal comma, not a point, in a Swedish figure (or spaces between thousands)"
                .to_string(),
        };
    }
    if let Some(unit) = unknown_unit(t) {
        let unit = quoted(unit);
        return format!(
            "\"{unit}\" is not a unit rimlig reads: write kr, tkr, mkr (or mnkr) or %, or leave the unit out and let the column's declaration give it"
        );
    }
    "a figure is digits with an optional minus sign and decimal comma, spaces between thousands and a unit such as tkr or %; a missing value is left empty or written .. or -".to_string()
}

/// What a spreadsheet shows in place of a figure, saved as the text of the cell: an error
/// value of a formula, `#####` for a figure too wide for its column, or a long figure in
/// exponent form.
fn spreadsheet_text(t: &str) -> Option<String> {
    if t.len() > 1 && t.bytes().all(|b| b == b'#') {
        return Some(
            "a spreadsheet shows ##### when a figure is too wide for its column, and the table was saved as it was shown: widen the column and save again".to_string(),
        );
    }
    let upper = t.to_uppercase();
    let error = (t.starts_with('#') && (t.ends_with('!') || t.ends_with('?') || upper == "#N/A"))
        || upper.starts_with("ERR:");
    if error {
        let what = match upper.as_str() {
            "#DIV/0!" | "#DIVISION/0!" => " (a division by zero)",
            "#REF!" | "#REFERENS!" => " (the formula refers to a cell that is gone)",
            "#N/A" | "#SAKNAS!" => " (a lookup that found nothing)",
            _ => "",
        };
        let t = quoted(t);
        return Some(format!(
            "{t} is a spreadsheet's error value{what}: the formula behind the cell failed. Correct it in the workbook the table came from, or leave the cell empty if there is no figure"
        ));
    }
    let (mantissa, exponent) = upper.split_once('E')?;
    let mantissa = mantissa.trim_start_matches(['-', '+']);
    let exponent = exponent.trim_start_matches(['-', '+']);
    let plain = |s: &str, extra: &[char]| {
        s.starts_with(|c: char| c.is_ascii_digit())
            && s.chars().all(|c| c.is_ascii_digit() || extra.contains(&c))
    };
    (plain(mantissa, &[',', '.']) && plain(exponent, &[])).then(|| {
        format!(
            "{} is a figure in exponent form, which rimlig does not read: write it out in full (a spreadsheet shows a long figure so in a narrow column; format the cells as numbers and save again)",
            quoted(t)
        )
    })
}

/// The letters after a figure when they are no unit rimlig knows: `SEK` in `1 234 SEK`.
fn unknown_unit(t: &str) -> Option<&str> {
    let digits_end = t.find(|c: char| {
        !(c.is_ascii_digit() || matches!(c, ' ' | ',' | '-' | '\u{a0}' | '\u{202f}' | '\u{2212}'))
    })?;
    let (figure, unit) = t.split_at(digits_end);
    let unit = unit.trim();
    (figure.chars().any(|c| c.is_ascii_digit())
        && unit.starts_with(char::is_alphabetic)
        && unit.chars().all(|c| c.is_alphabetic() || c == '.'))
    .then_some(unit)
}

/// `text` as a message quotes it: control characters shown, and cut after [`QUOTED_CHARS`]
/// characters with `…`.
fn quoted(text: &str) -> String {
    use crate::render::visible::{shortened, visible};
    visible(&shortened(text, QUOTED_CHARS)).into_owned()
}

/// Characters that take no room on screen.
fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{feff}' | '\u{200b}'..='\u{200f}' | '\u{2060}' | '\u{00ad}'
    )
}

#[cfg(test)]
mod tests {
    use super::looks_like;

    #[test]
    fn texts_are_recognised_as_the_figures_they_almost_are() {
        for (text, says) in [
            ("1.234,5", "dot between thousands: write 1 234,5"),
            ("1,234.5", "English way: write 1 234,5"),
            ("500-", "before the figure: -500"),
            ("(100)", "with a minus sign: -100"),
            ("'1 234", "keep it as text: write 1 234"),
            ("'-12,5", "keep it as text: write -12,5"),
            ("'abc", "a figure is digits"),
            ("\u{feff}5", "invisible character (U+FEFF)"),
            ("12.5", "decimal comma"),
            ("12,5.", "a figure is digits"),
            ("tolv", "a figure is digits"),
            ("#DIV/0!", "error value (a division by zero)"),
            ("#VÄRDEFEL!", "#VÄRDEFEL! is a spreadsheet's error value:"),
            ("#N/A", "a lookup that found nothing"),
            ("Err:502", "error value: the formula"),
            ("#####", "too wide for its column"),
            ("1,5E+06", "exponent form"),
            ("-2.1e-3", "exponent form"),
            ("E5", "a figure is digits"),
            (
                "123456789012345678901234567890",
                "30 digits: a figure holds at most 28",
            ),
            ("1 234 SEK", "\"SEK\" is not a unit rimlig reads"),
            ("-12,5 Mkr.", "\"Mkr.\" is not a unit"),
            ("#1", "a figure is digits"),
        ] {
            let said = looks_like(text);
            assert!(said.contains(says), "{text}: {said}");
        }
    }

    #[test]
    fn a_long_text_is_quoted_in_part() {
        let long = "1".repeat(100_000);
        for (text, says) in [
            (long.clone(), "100000 digits: a figure holds at most 28"),
            (format!("{long}-"), "goes before the figure: -111"),
            (format!("({long})"), "with a minus sign: -111"),
            (format!("1 {}", "k".repeat(100_000)), "is not a unit"),
            (format!("1e{long}"), "exponent form"),
            (format!("#{long}!"), "error value"),
            (format!("1.{long}"), "decimal comma"),
            (
                format!("1.1,{long}"),
                "dot between thousands: write 1 1,111",
            ),
        ] {
            let said = looks_like(&text);
            assert!(said.contains(says), "{}", &said[..said.len().min(500)]);
            assert!(said.len() < 400, "{}", &said[..500]);
        }
        assert_eq!(
            super::quoted(&"å".repeat(61)),
            format!("{}…", "å".repeat(60))
        );
        assert_eq!(super::quoted("a\u{1b}b"), "a\u{241b}b");
    }
}
