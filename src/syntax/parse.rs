//! Rule file text → syntax tree, with every syntax error of the file reported in words.
//!
//! pest stops at the first error, so on failure the file is cut into items (lines that start
//! with `use`, `let`, `table` or `rule` in the first column) and each item is parsed on its
//! own: every broken item gets its own diagnostic and the good ones still load.

use super::ast::*;
use crate::problem::{Problem, ProblemKind, Severity};
use crate::report::number::grouped;
use crate::source::{SourceFile, SourceId, Span};
use pest::Parser;
use pest::iterators::Pair;
use rust_decimal::Decimal;

#[derive(pest_derive::Parser)]
#[grammar = "grammar/rules.pest"]
struct RulesParser;

/// Deepest bracket nesting accepted; deeper input is refused before parsing so that no rule
/// file can exhaust the stack.
pub const MAX_NESTING: usize = 64;
/// Most scopes (`in`, `each`, `for`, `if`) in one item.
pub const MAX_SCOPES: usize = 256;
/// Most operands in one chain of `+ - * / and or`.
pub const MAX_CHAIN: usize = 256;
/// Column combinations that the nested `for` lists of one rule may give: each is checked on
/// every row, so `for` lists of 100 columns nested four deep (10⁸ combinations per row)
/// would run for days.
pub const MAX_COMBINATIONS: u64 = 1_024;
/// Largest rule file accepted.
pub const MAX_RULE_FILE_BYTES: usize = 4 * 1024 * 1024;
/// Most tokens (names, figures, strings, signs and brackets) in one rule file. pest lays out
/// the whole file before the first rule is built, at some 300 bytes a token where the grammar
/// nests deepest (the operands of `1+1+1…`): 4 MB of such sums, in rules each within the
/// limits above, took 1,3 GB. A million tokens are some 90 000 one-line rules such as
/// `rule r1 { each prognos: prognos == 1 }`, 4 MB.
pub const MAX_TOKENS: usize = 1_000_000;
/// Longest title a rule may have, in characters. A rule's title, help and tags are written
/// into every finding it makes: a 3 MB title on a rule with 45 findings made 137 MB of
/// output.
pub const MAX_TITLE_CHARS: usize = 500;
/// Longest `help` of a rule, in characters: a paragraph or two.
pub const MAX_HELP_CHARS: usize = 4_000;
/// Longest tag, in characters, and most tags on one rule.
pub const MAX_TAG_CHARS: usize = 100;
pub const MAX_TAGS: usize = 32;

/// Parse one rule file. Items that parse are returned even when others do not.
pub fn parse_file(source: SourceId, file: &SourceFile) -> (RuleFile, Vec<Problem>) {
    let text = file.text.as_str();
    let mut problems = Vec::new();
    let mut items = Vec::new();
    if text.len() > MAX_RULE_FILE_BYTES {
        problems.push(
            Problem::new(
                ProblemKind::Rules,
                Severity::Error,
                "rules::too-large",
                format!(
                    "rule file is {} bytes; at most {} are accepted",
                    text.len(),
                    MAX_RULE_FILE_BYTES
                ),
            )
            .with_path(file.name.clone()),
        );
        return (RuleFile { source, items }, problems);
    }
    if let Some(span) = too_deep(text) {
        problems.push(
            Problem::new(
                ProblemKind::Rules,
                Severity::Error,
                "rules::too-deep",
                format!("brackets nested more than {MAX_NESTING} deep, or more than {MAX_SCOPES} scopes in one rule"),
            )
            .with_label(source, span, "nesting limit reached here")
            .with_help("split the expression with `let` or simplify it"),
        );
        return (RuleFile { source, items }, problems);
    }

    if let Some(span) = too_many_tokens(text) {
        problems.push(
            Problem::new(
                ProblemKind::Rules,
                Severity::Error,
                "rules::too-long",
                "more than a million names, figures and signs in one rule file",
            )
            .with_label(source, span, "the millionth is here")
            .with_help("split the rules into several files"),
        );
        return (RuleFile { source, items }, problems);
    }

    // `2E3`: the grammar would read `2` and a name `E3`; say what was meant instead, and
    // leave the items that hold such a number out rather than report their follow-on errors.
    let exponents = exponent_numbers(text);
    for &span in &exponents {
        problems.push(exponent_problem(source, text, span));
    }
    let whole = if exponents.is_empty() {
        RulesParser::parse(Rule::file, text).ok()
    } else {
        None
    };
    match whole {
        Some(mut pairs) => {
            let file_pair = pairs.next().expect("pest returns the file rule");
            let mut b = Builder {
                source,
                offset: 0,
                problems: &mut problems,
            };
            for pair in file_pair.into_inner() {
                if pair.as_rule() != Rule::EOI
                    && let Some(item) = b.item(pair)
                {
                    items.push(item);
                }
            }
        }
        None => {
            for (start, end) in item_chunks(text) {
                let chunk = &text[start..end];
                if chunk.trim().is_empty()
                    || only_comments(chunk)
                    || exponents.iter().any(|s| (start..end).contains(&s.start))
                {
                    continue;
                }
                match RulesParser::parse(Rule::single_item, chunk) {
                    Ok(mut pairs) => {
                        let top = pairs.next().expect("pest returns the item rule");
                        let mut b = Builder {
                            source,
                            offset: start,
                            problems: &mut problems,
                        };
                        for pair in top.into_inner() {
                            if pair.as_rule() != Rule::EOI
                                && let Some(item) = b.item(pair)
                            {
                                items.push(item);
                            }
                        }
                    }
                    Err(e) => problems.push(syntax_problem(source, text, start, &e)),
                }
            }
        }
    }
    (RuleFile { source, items }, problems)
}

fn only_comments(chunk: &str) -> bool {
    chunk
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
}

/// Byte ranges of the items of a file: an item starts at a line whose first column holds
/// `use`, `let`, `table` or `rule`.
fn item_chunks(text: &str) -> Vec<(usize, usize)> {
    let mut starts = vec![0];
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let is_start = ["use", "let", "table", "rule"].iter().any(|kw| {
            line.strip_prefix(kw)
                .is_some_and(|rest| rest.starts_with([' ', '\t', '"']))
        });
        if is_start && offset != 0 {
            starts.push(offset);
        }
        offset += line.len();
    }
    starts.push(text.len());
    starts.windows(2).map(|w| (w[0], w[1])).collect()
}

/// Numbers written with an exponent (`2E3`, `1.5e-2`, `1e400`), outside strings, comments
/// and backtick names.
fn exponent_numbers(text: &str) -> Vec<Span> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut prev = '\0';
    while let Some((i, c)) = chars.next() {
        match c {
            '#' => while chars.next_if(|&(_, c)| c != '\n').is_some() {},
            '"' => {
                while let Some((_, c)) = chars.next_if(|&(_, c)| c != '\n') {
                    match c {
                        '"' => break,
                        '\\' => {
                            chars.next_if(|&(_, c)| c != '\n');
                        }
                        _ => {}
                    }
                }
            }
            '`' => {
                while chars
                    .next_if(|&(_, c)| c != '\n')
                    .is_some_and(|(_, c)| c != '`')
                {}
            }
            c if c.is_alphabetic() || c == '_' => {
                while chars
                    .next_if(|&(_, c)| c.is_alphanumeric() || c == '_' || c == '-')
                    .is_some()
                {}
            }
            c if c.is_ascii_digit() => {
                // A digit after a lone `.` is a (mistaken) name such as `t.2019`, not a number.
                let accessor = prev == '.';
                let mut end = i + 1;
                let digits = |end: &mut usize| {
                    while *end < bytes.len()
                        && (bytes[*end].is_ascii_digit() || bytes[*end] == b'_')
                    {
                        *end += 1;
                    }
                };
                digits(&mut end);
                if bytes.get(end) == Some(&b'.')
                    && bytes.get(end + 1).is_some_and(u8::is_ascii_digit)
                {
                    end += 1;
                    digits(&mut end);
                }
                if !accessor && matches!(bytes.get(end), Some(b'e' | b'E')) {
                    let mut e = end + 1;
                    if matches!(bytes.get(e), Some(b'+' | b'-')) {
                        e += 1;
                    }
                    if bytes.get(e).is_some_and(u8::is_ascii_digit) {
                        while bytes.get(e).is_some_and(u8::is_ascii_digit) {
                            e += 1;
                        }
                        found.push(Span::new(i, e));
                        end = e;
                    }
                }
                while chars.next_if(|&(j, _)| j < end).is_some() {}
                prev = '0';
                continue;
            }
            _ => {}
        }
        prev = c;
    }
    found
}

/// `2E3` → "write 2000 for 2E3", when the number written out fits a rule number.
fn exponent_problem(source: SourceId, text: &str, span: Span) -> Problem {
    let written = &text[span.start..span.end];
    let plain = written
        .split_once(['e', 'E'])
        .and_then(|(mantissa, exponent)| expand_exponent(mantissa, exponent))
        .filter(|plain| Decimal::from_str_exact(plain).is_ok());
    let message = match plain {
        Some(plain) => {
            format!("numbers are written without an exponent: write {plain} for {written}")
        }
        None => format!(
            "numbers are written without an exponent, and {written} written out has more digits than a number in a rule may have"
        ),
    };
    Problem::new(ProblemKind::Rules, Severity::Error, "rules::number", message)
        .with_label(source, span, "a number with an exponent")
        .with_help("write the number out in digits with a decimal point, such as `2000` or `0.0025`; numbers have at most 28 significant digits")
}

/// `mantissa × 10^exponent` written out as a plain decimal; `None` when it would be very long.
fn expand_exponent(mantissa: &str, exponent: &str) -> Option<String> {
    let exponent: i64 = exponent.parse().ok().filter(|e: &i64| e.abs() <= 60)?;
    let mantissa: String = mantissa.chars().filter(|c| *c != '_').collect();
    let (int, frac) = mantissa.split_once('.').unwrap_or((&mantissa, ""));
    let digits = format!("{int}{frac}");
    let point = int.len() as i64 + exponent;
    let (int, frac) = if point <= 0 {
        (
            "0".to_string(),
            format!("{}{digits}", "0".repeat(point.unsigned_abs() as usize)),
        )
    } else if point as usize >= digits.len() {
        (
            format!("{digits}{}", "0".repeat(point as usize - digits.len())),
            String::new(),
        )
    } else {
        let (a, b) = digits.split_at(point as usize);
        (a.to_string(), b.to_string())
    };
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let frac = frac.trim_end_matches('0');
    Some(if frac.is_empty() {
        int.to_string()
    } else {
        format!("{int}.{frac}")
    })
}

/// The first place where brackets nest deeper than [`MAX_NESTING`], if any.
fn too_deep(text: &str) -> Option<Span> {
    let mut depth = 0usize;
    let mut scopes = 0usize;
    let mut in_string = false;
    let mut in_comment = false;
    let mut prev = '\0';
    for (i, ch) in text.char_indices() {
        if in_comment {
            in_comment = ch != '\n';
        } else if in_string {
            if ch == '"' && prev != '\\' {
                in_string = false;
            }
        } else {
            match ch {
                '#' => in_comment = true,
                '"' => in_string = true,
                '(' | '[' | '{' => {
                    depth += 1;
                    if depth > MAX_NESTING {
                        return Some(Span::new(i, i + 1));
                    }
                }
                // Scopes nest without brackets (`if … then`, `each T:`): bound them per item.
                ':' => {
                    scopes += 1;
                    if scopes > MAX_SCOPES {
                        return Some(Span::new(i, i + 1));
                    }
                }
                'n' if text[..i].ends_with("the")
                    && !text[i + 1..]
                        .starts_with(|c: char| c.is_alphanumeric() || c == '_' || c == '-') =>
                {
                    scopes += 1;
                    if scopes > MAX_SCOPES {
                        return Some(Span::new(i, i + 1));
                    }
                }
                '\n' if ["use ", "let ", "table ", "rule "]
                    .iter()
                    .any(|k| text[i + 1..].starts_with(k)) =>
                {
                    scopes = 0
                }
                ')' | ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        prev = if prev == '\\' && ch == '\\' { '\0' } else { ch };
    }
    None
}

/// Where the file passes [`MAX_TOKENS`], if it does. Counted generously: a name with dots
/// (`previous.t.c`) or a string is one token, every other sign one more.
fn too_many_tokens(text: &str) -> Option<Span> {
    let mut tokens = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '#' => {
                while chars.next_if(|&(_, c)| c != '\n').is_some() {}
                continue;
            }
            c if c.is_whitespace() => continue,
            '"' | '`' => {
                let mut escaped = false;
                for (_, d) in chars.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if d == '\\' {
                        escaped = true;
                    } else if d == c {
                        break;
                    }
                }
            }
            c if c.is_alphanumeric() || c == '_' => {
                while chars
                    .next_if(|&(_, c)| c.is_alphanumeric() || matches!(c, '_' | '.'))
                    .is_some()
                {}
            }
            _ => {}
        }
        tokens += 1;
        if tokens == MAX_TOKENS {
            return Some(Span::new(i, i + c.len_utf8()));
        }
    }
    None
}

/// A pest error in words a controller reads: what was expected, and what was found.
fn syntax_problem(
    source: SourceId,
    text: &str,
    offset: usize,
    e: &pest::error::Error<Rule>,
) -> Problem {
    let pos = match e.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    } + offset;
    let pos = pos.min(text.len());
    if let Some(p) = string_problem(source, text, pos) {
        return p;
    }
    let found = found_token(&text[pos..]);
    let span = Span::new(
        pos,
        pos + found.len().max(if pos < text.len() { 1 } else { 0 }),
    );
    let mut expected: Vec<&str> = Vec::new();
    if let pest::error::ErrorVariant::ParsingError { positives, .. } = &e.variant {
        for r in positives {
            if let Some(word) = describe(*r)
                && !expected.contains(&word)
            {
                expected.push(word);
            }
        }
    }
    // After a complete value the useful hints are how to go on, not how to start a new one.
    if expected.iter().any(|e| e.starts_with("a comparison")) {
        expected.retain(|e| !matches!(*e, "`in`" | "`[`" | "`(`" | "`{`" | "an expression"));
    }
    // Between items, pest expects nothing in particular: say what an item starts with.
    let between_items = {
        let before = text[..pos].trim_end();
        before.is_empty() || before.ends_with('}') || before.ends_with('"')
    };
    // "the end of the file" alone there means: another item, or nothing more.
    if between_items && expected == ["the end of the file"] {
        expected.clear();
    }
    let expected_text = match expected.len() {
        0 if between_items => "`rule`, `table`, `let` or `use`".to_string(),
        0 => "something else".to_string(),
        1 => expected[0].to_string(),
        n => format!("{} or {}", expected[..n - 1].join(", "), expected[n - 1]),
    };
    let found_text = if found.is_empty() {
        "the end of the file".to_string()
    } else {
        format!("`{found}`")
    };
    let mut p = Problem::new(
        ProblemKind::Rules,
        Severity::Error,
        "rules::syntax",
        format!("syntax error: expected {expected_text}, found {found_text}"),
    )
    .with_label(source, span, format!("expected {expected_text} here"));
    // `0,5`: a Swedish decimal comma, which the rule language does not read.
    let digit_before = text[..pos]
        .chars()
        .next_back()
        .is_some_and(|c| c.is_ascii_digit());
    let digit_after = text[pos..]
        .chars()
        .nth(1)
        .is_some_and(|c| c.is_ascii_digit());
    if found == "," && digit_before && digit_after {
        // After the last character that is not a digit, which may take several bytes.
        let start = text[..pos]
            .char_indices()
            .rfind(|(_, c)| !c.is_ascii_digit())
            .map_or(0, |(i, c)| i + c.len_utf8());
        let end = pos
            + 1
            + text[pos + 1..]
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(text.len() - pos - 1);
        let written = &text[start..end];
        p = p.with_help(format!(
            "numbers in rules take a decimal point: write `{}`, not `{written}` (report cells may use a comma)",
            written.replace(',', ".")
        ));
    } else if let Some(help) = syntax_help(found, &expected) {
        p = p.with_help(help);
    }
    p
}

/// The escapes a string may hold, as the help lists them.
const STRING_ESCAPES: &str =
    "`\\\"` (a double quote), `\\\\` (a backslash), `\\n` (a line break) and `\\t` (a tab)";

/// When the parser stops at the opening quote of a string, what is wrong with the string:
/// an escape the language does not have, or no closing quote on the line. `None` when the
/// string itself is well formed and the mistake lies elsewhere.
fn string_problem(source: SourceId, text: &str, pos: usize) -> Option<Problem> {
    let rest = text[pos..].strip_prefix('"')?;
    let mut chars = rest.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return None,
            '\\' => match chars.next() {
                Some((_, '"' | '\\' | 'n' | 't')) => {}
                Some((j, e)) if e != '\n' && e != '\r' => {
                    let start = pos + 1 + i;
                    let end = pos + 1 + j + e.len_utf8();
                    let escape = &text[start..end];
                    return Some(
                        Problem::new(
                            ProblemKind::Rules,
                            Severity::Error,
                            "rules::syntax",
                            format!("unknown escape `{escape}` in a string"),
                        )
                        .with_label(source, Span::new(start, end), "unknown escape")
                        .with_help(format!("the escapes a string knows are {STRING_ESCAPES}")),
                    );
                }
                _ => return Some(unclosed_string(source, text, pos)),
            },
            '\n' | '\r' => return Some(unclosed_string(source, text, pos)),
            _ => {}
        }
    }
    Some(unclosed_string(source, text, pos))
}

fn unclosed_string(source: SourceId, text: &str, pos: usize) -> Problem {
    let end = text[pos..]
        .find(['\n', '\r'])
        .map_or(text.len(), |i| pos + i);
    Problem::new(
        ProblemKind::Rules,
        Severity::Error,
        "rules::syntax",
        "this string is not closed on its line",
    )
    .with_label(source, Span::new(pos, end), "no closing `\"` before the end of the line")
    .with_help("close the string with `\"` on the same line; a line break inside a string is written `\\n`")
}

fn syntax_help(found: &str, expected: &[&str]) -> Option<String> {
    let keywords = [
        "use", "let", "table", "key", "column", "total", "skip", "group", "rule", "severity",
        "help", "in", "each", "where", "for", "if", "then", "by", "within", "rounding", "and",
        "or", "not", "is", "missing", "present", "matches", "previous", "error", "warning", "info",
    ];
    if keywords.contains(&found)
        && (expected.contains(&"a name") || expected.contains(&"an expression"))
    {
        return Some(format!(
            "`{found}` is a keyword; write a column or table of that name in backticks: `{found}`"
        ));
    }
    if found.starts_with('=') && !found.starts_with("==") {
        return Some("compare with `==`; a single `=` only appears in `let NAME = …`".into());
    }
    if found.starts_with(|c: char| c.is_ascii_digit()) && expected.contains(&"a name") {
        return Some("a name that starts with a digit (a year column such as 2019) is written in backticks: `2019`".into());
    }
    None
}

/// The word or symbol at the start of `rest`, for "found …".
fn found_token(rest: &str) -> &str {
    let mut chars = rest.char_indices();
    match chars.next() {
        None => "",
        Some((_, c)) if c.is_alphanumeric() || c == '_' => {
            let end = rest
                .char_indices()
                .find(|(_, c)| !(c.is_alphanumeric() || *c == '_' || *c == '-'))
                .map(|(i, _)| i)
                .unwrap_or(rest.len());
            &rest[..end]
        }
        Some((_, c)) => {
            let two: String = rest.chars().take(2).collect();
            if ["==", "!=", "<=", ">=", "+-"].contains(&two.as_str()) {
                &rest[..2]
            } else {
                &rest[..c.len_utf8()]
            }
        }
    }
}

/// Rule names in words; `None` for rules that never help the reader.
fn describe(r: Rule) -> Option<&'static str> {
    Some(match r {
        Rule::ident | Rule::plain_ident | Rule::quoted_ident | Rule::ref_head => "a name",
        Rule::string | Rule::string_inner => "a quoted string",
        Rule::number | Rule::literal => "a number",
        Rule::unit => "a unit (tkr, mkr, kr, pct, count, text)",
        Rule::level => "a severity (error, warning or info)",
        Rule::expr
        | Rule::or_expr
        | Rule::and_expr
        | Rule::not_expr
        | Rule::comparison
        | Rule::arith
        | Rule::term
        | Rule::unary
        | Rule::reference
        | Rule::call
        | Rule::paren => "an expression",
        Rule::cmp_op | Rule::compare_tail => "a comparison (== != < <= > >=)",
        Rule::add_op | Rule::mul_op => "an operator",
        Rule::tolerance => "a tolerance (`within …` or `± …`)",
        Rule::either_sign => "`either sign`",
        Rule::in_scope | Rule::each_scope | Rule::for_each | Rule::if_then | Rule::block => {
            "an assertion"
        }
        Rule::use_item | Rule::let_item | Rule::table_item | Rule::rule_item => {
            "an item (use, let, table or rule)"
        }
        Rule::key_decl
        | Rule::column_decl
        | Rule::total_decl
        | Rule::skip_decl
        | Rule::group_decl => "a table entry (key, column, total, skip or group)",
        Rule::severity_attr => "`severity`",
        Rule::help_attr => "`help`",
        Rule::tags_attr => "`tags`",
        Rule::colon => "`:`",
        Rule::equals => "`=`",
        Rule::comma => "`,`",
        Rule::open_brace => "`{`",
        Rule::close_brace => "`}`",
        Rule::open_bracket => "`[`",
        Rule::close_bracket => "`]`",
        Rule::open_paren => "`(`",
        Rule::close_paren => "`)`",
        Rule::kw_use | Rule::kw_let | Rule::kw_table | Rule::kw_rule => {
            "an item (use, let, table or rule)"
        }
        Rule::kw_key | Rule::kw_column | Rule::kw_total | Rule::kw_skip | Rule::kw_group => {
            "a table entry (key, column, total, skip or group)"
        }
        Rule::kw_each | Rule::kw_for | Rule::kw_if => {
            "an assertion (in, each, for, if or a comparison)"
        }
        Rule::table_ref | Rule::kw_previous => "a table name",
        Rule::kw_in => "`in`",
        Rule::kw_then => "`then`",
        Rule::kw_by => "`by`",
        Rule::kw_where => "`where`",
        Rule::kw_within => "`within`",
        Rule::kw_rounding => "`rounding`",
        Rule::kw_is => "`is`",
        Rule::kw_missing | Rule::kw_present => "`missing` or `present`",
        Rule::accessor => "`.` or `[`",
        Rule::EOI => "the end of the file",
        _ => return None,
    })
}

/// Turns pest pairs into the syntax tree; `offset` shifts spans when parsing a chunk.
struct Builder<'p> {
    source: SourceId,
    offset: usize,
    problems: &'p mut Vec<Problem>,
}

fn is_punct(r: Rule) -> bool {
    matches!(
        r,
        Rule::colon
            | Rule::equals
            | Rule::comma
            | Rule::open_brace
            | Rule::close_brace
            | Rule::open_bracket
            | Rule::close_bracket
            | Rule::open_paren
            | Rule::close_paren
    )
}

fn is_keyword(r: Rule) -> bool {
    matches!(
        r,
        Rule::kw_use
            | Rule::kw_let
            | Rule::kw_table
            | Rule::kw_key
            | Rule::kw_column
            | Rule::kw_total
            | Rule::kw_skip
            | Rule::kw_group
            | Rule::kw_rule
            | Rule::kw_severity
            | Rule::kw_help
            | Rule::kw_tags
            | Rule::kw_in
            | Rule::kw_each
            | Rule::kw_where
            | Rule::kw_for
            | Rule::kw_if
            | Rule::kw_then
            | Rule::kw_by
            | Rule::kw_within
            | Rule::kw_rounding
            | Rule::kw_and
            | Rule::kw_or
            | Rule::kw_not
            | Rule::kw_is
            | Rule::kw_missing
            | Rule::kw_present
            | Rule::kw_matches
            | Rule::kw_previous
            | Rule::kw_parent
            | Rule::kw_either
            | Rule::kw_sign
    )
}

/// The meaningful children of a pair: keywords and punctuation dropped.
fn children(pair: Pair<'_, Rule>) -> Vec<Pair<'_, Rule>> {
    pair.into_inner()
        .filter(|p| !is_punct(p.as_rule()) && !is_keyword(p.as_rule()))
        .collect()
}

impl Builder<'_> {
    /// The pair's span, without the whitespace pest lets a rule swallow at its end.
    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        let trimmed = pair.as_str().trim_end().len();
        Span::new(s.start() + self.offset, s.start() + trimmed + self.offset)
    }

    fn error(&mut self, span: Span, code: &'static str, message: String, label: &str) {
        self.problems.push(
            Problem::new(ProblemKind::Rules, Severity::Error, code, message).with_label(
                self.source,
                span,
                label,
            ),
        );
    }

    fn item(&mut self, pair: Pair<'_, Rule>) -> Option<Item> {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::use_item => {
                let s = children(pair).into_iter().next()?;
                Some(Item::Use(self.string(s)))
            }
            Rule::let_item => {
                let mut it = children(pair).into_iter();
                let name = self.name(it.next()?);
                let value = self.expr(it.next()?)?;
                Some(Item::Let(Let { name, value, span }))
            }
            Rule::table_item => self.table(pair, span).map(Item::Table),
            Rule::rule_item => self.rule(pair, span).map(Item::Rule),
            _ => None,
        }
    }

    fn name(&self, pair: Pair<'_, Rule>) -> Name {
        let span = self.span(&pair);
        let raw = pair.as_str();
        let text = raw
            .strip_prefix('`')
            .and_then(|r| r.strip_suffix('`'))
            .unwrap_or(raw)
            .to_string();
        Name { text, span }
    }

    fn string(&self, pair: Pair<'_, Rule>) -> Str {
        let span = self.span(&pair);
        let inner = pair.as_str();
        let inner = &inner[1..inner.len() - 1];
        let mut text = String::with_capacity(inner.len());
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n') => text.push('\n'),
                    Some('t') => text.push('\t'),
                    Some(other) => text.push(other),
                    None => {}
                }
            } else {
                text.push(c);
            }
        }
        Str { text, span }
    }

    /// Whether a rule's title, help and tags are within [`MAX_TITLE_CHARS`],
    /// [`MAX_HELP_CHARS`], [`MAX_TAG_CHARS`] and [`MAX_TAGS`]; each that is not is an error at
    /// its string, and the rule is not checked.
    fn texts_within_limits(
        &mut self,
        title: Option<&Str>,
        help: Option<&Str>,
        tags: &[Str],
    ) -> bool {
        let mut within = true;
        let texts = [
            ("title", title, MAX_TITLE_CHARS),
            ("help", help, MAX_HELP_CHARS),
        ]
        .into_iter()
        .chain(tags.iter().map(|t| ("tag", Some(t), MAX_TAG_CHARS)));
        for (what, text, limit) in texts {
            let Some(text) = text else { continue };
            let chars = text.text.chars().count();
            if chars > limit {
                self.error(
                    text.span,
                    "rules::too-long",
                    format!(
                        "this {what} is {} characters long; a rule's {what} may be at most {} (it is written into every finding of the rule)",
                        grouped(chars),
                        grouped(limit)
                    ),
                    "too long",
                );
                within = false;
            }
        }
        if let Some(extra) = tags.get(MAX_TAGS) {
            self.error(
                extra.span,
                "rules::too-long",
                format!(
                    "this rule has {} tags; a rule may have at most {MAX_TAGS}",
                    tags.len()
                ),
                "one tag too many",
            );
            within = false;
        }
        within
    }

    fn unit(pair: &Pair<'_, Rule>) -> UnitName {
        match pair.as_str() {
            "tkr" => UnitName::Tkr,
            "mkr" => UnitName::Mkr,
            "kr" => UnitName::Kr,
            "pct" => UnitName::Pct,
            "count" => UnitName::Count,
            _ => UnitName::Text,
        }
    }

    fn number(&mut self, pair: &Pair<'_, Rule>) -> Option<Decimal> {
        let text: String = pair.as_str().chars().filter(|c| *c != '_').collect();
        match Decimal::from_str_exact(&text) {
            Ok(d) => Some(d),
            Err(_) => {
                let span = self.span(pair);
                self.error(
                    span,
                    "rules::number",
                    format!("the number {} is too large or too precise", pair.as_str()),
                    "numbers have at most 28 significant digits",
                );
                None
            }
        }
    }

    fn table(&mut self, pair: Pair<'_, Rule>, span: Span) -> Option<TableDecl> {
        let mut it = children(pair).into_iter();
        let name = self.name(it.next()?);
        let glob = self.string(it.next()?);
        let mut decl = TableDecl {
            name,
            glob,
            key: None,
            columns: Vec::new(),
            totals: Vec::new(),
            skips: Vec::new(),
            group: None,
            span,
        };
        for entry in it {
            let espan = self.span(&entry);
            let rule = entry.as_rule();
            let mut parts = children(entry).into_iter();
            match rule {
                Rule::key_decl => {
                    let n = self.name(parts.next()?);
                    let g = self.string(parts.next()?);
                    if decl.key.is_some() {
                        self.error(
                            espan,
                            "rules::duplicate-key",
                            "a table has one key column".into(),
                            "second `key` here",
                        );
                    } else {
                        decl.key = Some((n, g));
                    }
                }
                Rule::column_decl => {
                    let n = self.name(parts.next()?);
                    let g = self.string(parts.next()?);
                    let unit = parts.next().map(|u| Self::unit(&u));
                    decl.columns.push(ColumnDecl {
                        name: n,
                        glob: g,
                        unit,
                        span: espan,
                    });
                }
                Rule::total_decl => decl.totals.push(self.string(parts.next()?)),
                Rule::skip_decl => decl.skips.push(self.string(parts.next()?)),
                Rule::group_decl => decl.group = Some(self.name(parts.next()?)),
                _ => {}
            }
        }
        Some(decl)
    }

    fn rule(&mut self, pair: Pair<'_, Rule>, span: Span) -> Option<Rule_> {
        let mut id = None;
        let mut title = None;
        let mut severity = None;
        let mut help = None;
        let mut tags = Vec::new();
        let mut body = Vec::new();
        for p in children(pair) {
            match p.as_rule() {
                Rule::ident if id.is_none() => id = Some(self.name(p)),
                Rule::string if title.is_none() && body.is_empty() => title = Some(self.string(p)),
                Rule::severity_attr => {
                    let l = children(p).into_iter().next()?;
                    let level = match l.as_str() {
                        "warning" => Level::Warning,
                        "info" => Level::Info,
                        _ => Level::Error,
                    };
                    severity = Some((level, self.span(&l)));
                }
                Rule::help_attr => help = Some(self.string(children(p).into_iter().next()?)),
                Rule::tags_attr => tags.extend(
                    children(p)
                        .into_iter()
                        .filter(|t| t.as_rule() == Rule::string)
                        .map(|t| self.string(t)),
                ),
                _ => {
                    if let Some(a) = self.assertion(p) {
                        body.push(a);
                    }
                }
            }
        }
        if !self.texts_within_limits(title.as_ref(), help.as_ref(), &tags) {
            return None;
        }
        let combinations = body.iter().map(combinations).max().unwrap_or(1);
        if combinations > MAX_COMBINATIONS {
            self.error(
                span,
                "rules::too-long",
                format!(
                    "the nested `for` lists of this rule give {combinations} combinations of columns, each checked on every row; at most {MAX_COMBINATIONS} are accepted"
                ),
                "this rule",
            );
            return None;
        }
        Some(Rule_ {
            id: id?,
            title,
            severity,
            help,
            tags,
            body,
            span,
        })
    }

    fn table_ref(&self, pair: Pair<'_, Rule>) -> TableRef {
        let span = self.span(&pair);
        let previous = pair.as_str().trim_start().starts_with("previous");
        let name = self.name(
            children(pair)
                .into_iter()
                .next()
                .expect("table_ref has a name"),
        );
        TableRef {
            previous,
            name,
            span,
        }
    }

    fn assertion(&mut self, pair: Pair<'_, Rule>) -> Option<Assertion> {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::in_scope => {
                let mut it = children(pair).into_iter().peekable();
                let table = self.table_ref(it.next()?);
                let by = if it.peek().map(|p| p.as_rule()) == Some(Rule::ident) {
                    Some(self.name(it.next()?))
                } else {
                    None
                };
                let body = Box::new(self.assertion(it.next()?)?);
                Some(Assertion::In {
                    table,
                    by,
                    body,
                    span,
                })
            }
            Rule::each_scope => {
                let parts = children(pair);
                let n = parts.len();
                let mut it = parts.into_iter();
                let table = self.table_ref(it.next()?);
                let filter = if n == 3 {
                    Some(self.expr(it.next()?)?)
                } else {
                    None
                };
                let body = Box::new(self.assertion(it.next()?)?);
                Some(Assertion::Each {
                    table,
                    filter,
                    body,
                    span,
                })
            }
            Rule::for_each => {
                let mut parts = children(pair);
                let body_pair = parts.pop()?;
                let mut it = parts.into_iter();
                let var = self.name(it.next()?);
                let columns = it.map(|p| self.name(p)).collect();
                let body = Box::new(self.assertion(body_pair)?);
                Some(Assertion::For {
                    var,
                    columns,
                    body,
                    span,
                })
            }
            Rule::if_then => {
                let mut it = children(pair).into_iter();
                let cond = self.expr(it.next()?)?;
                let body = Box::new(self.assertion(it.next()?)?);
                Some(Assertion::If { cond, body, span })
            }
            Rule::block => {
                let items: Vec<_> = children(pair)
                    .into_iter()
                    .filter_map(|p| self.assertion(p))
                    .collect();
                Some(Assertion::Block(items, span))
            }
            Rule::expr => Some(Assertion::Check(self.expr(pair)?)),
            _ => None,
        }
    }

    fn expr(&mut self, pair: Pair<'_, Rule>) -> Option<Expr> {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::expr => self.expr(pair.into_inner().next()?),
            Rule::or_expr | Rule::and_expr => {
                let rule = pair.as_rule();
                let parts = children(pair);
                if parts.len() > MAX_CHAIN {
                    self.error(
                        span,
                        "rules::too-long",
                        format!("more than {MAX_CHAIN} operands in one expression"),
                        "this expression",
                    );
                    return None;
                }
                let mut it = parts.into_iter();
                let mut acc = self.expr(it.next()?)?;
                for p in it {
                    let rhs = self.expr(p)?;
                    let s = acc.span.join(rhs.span);
                    let kind = if rule == Rule::or_expr {
                        ExprKind::Or(Box::new(acc), Box::new(rhs))
                    } else {
                        ExprKind::And(Box::new(acc), Box::new(rhs))
                    };
                    acc = Expr { kind, span: s };
                }
                Some(acc)
            }
            Rule::not_expr => {
                let nots = pair
                    .clone()
                    .into_inner()
                    .filter(|p| p.as_rule() == Rule::kw_not)
                    .count();
                let inner = children(pair).into_iter().next()?;
                let mut e = self.expr(inner)?;
                // `not not x` is `x`: one level at most, so no input builds a deep tree.
                if nots % 2 == 1 {
                    e = Expr {
                        kind: ExprKind::Not(Box::new(e)),
                        span,
                    };
                }
                Some(e)
            }
            Rule::comparison => {
                let mut it = children(pair).into_iter();
                let first = self.expr(it.next()?)?;
                let Some(tail) = it.next() else {
                    return Some(first);
                };
                match tail.as_rule() {
                    Rule::compare_tail => {
                        // `a < b < c …`: each operand is checked against the next, so the
                        // chain is bounded as `+` and `and` chains are.
                        let operands = tail
                            .clone()
                            .into_inner()
                            .filter(|p| {
                                !matches!(
                                    p.as_rule(),
                                    Rule::cmp_op | Rule::tolerance | Rule::either_sign
                                )
                            })
                            .count();
                        if operands >= MAX_CHAIN {
                            self.error(
                                span,
                                "rules::too-long",
                                format!("more than {MAX_CHAIN} operands in one expression"),
                                "this comparison",
                            );
                            return None;
                        }
                        let mut rest = Vec::new();
                        let mut tolerance = None;
                        let mut either_sign = None;
                        let mut op = CmpOp::Eq;
                        for p in children(tail) {
                            match p.as_rule() {
                                Rule::cmp_op => {
                                    op = match p.as_str() {
                                        "==" => CmpOp::Eq,
                                        "!=" => CmpOp::Ne,
                                        "<=" => CmpOp::Le,
                                        ">=" => CmpOp::Ge,
                                        "<" => CmpOp::Lt,
                                        _ => CmpOp::Gt,
                                    }
                                }
                                Rule::tolerance => tolerance = Some(self.tolerance(p)?),
                                Rule::either_sign => either_sign = Some(self.span(&p)),
                                _ => rest.push((op, self.expr(p)?)),
                            }
                        }
                        Some(Expr {
                            kind: ExprKind::Compare {
                                first: Box::new(first),
                                rest,
                                tolerance,
                                either_sign,
                            },
                            span,
                        })
                    }
                    Rule::is_tail => {
                        let negated = tail
                            .clone()
                            .into_inner()
                            .any(|p| p.as_rule() == Rule::kw_not);
                        let present = tail.into_inner().any(|p| p.as_rule() == Rule::kw_present);
                        let value = Box::new(first);
                        let kind = if present {
                            ExprKind::IsPresent { value, negated }
                        } else {
                            ExprKind::IsMissing { value, negated }
                        };
                        Some(Expr { kind, span })
                    }
                    Rule::matches_tail => {
                        let glob = self.string(children(tail).into_iter().next()?);
                        Some(Expr {
                            kind: ExprKind::Matches {
                                value: Box::new(first),
                                glob,
                            },
                            span,
                        })
                    }
                    _ => Some(first),
                }
            }
            Rule::arith | Rule::term => {
                let parts: Vec<_> = pair.into_inner().collect();
                if parts.len() > 2 * MAX_CHAIN {
                    self.error(
                        span,
                        "rules::too-long",
                        format!("more than {MAX_CHAIN} operands in one expression"),
                        "this expression",
                    );
                    return None;
                }
                let mut it = parts.into_iter();
                let mut acc = self.expr(it.next()?)?;
                while let Some(op) = it.next() {
                    let rhs = self.expr(it.next()?)?;
                    let op = match op.as_str() {
                        "+" => ArithOp::Add,
                        "*" => ArithOp::Mul,
                        "/" => ArithOp::Div,
                        _ => ArithOp::Sub,
                    };
                    let s = acc.span.join(rhs.span);
                    acc = Expr {
                        kind: ExprKind::Arith(op, Box::new(acc), Box::new(rhs)),
                        span: s,
                    };
                }
                Some(acc)
            }
            Rule::unary => {
                let parts: Vec<_> = pair.into_inner().collect();
                let negs = parts.iter().filter(|p| p.as_rule() == Rule::neg).count();
                let inner = parts.into_iter().find(|p| p.as_rule() != Rule::neg)?;
                let mut e = self.expr(inner)?;
                // `- - x` is `x`: one level at most, as for `not`.
                if negs % 2 == 1 {
                    e = Expr {
                        kind: ExprKind::Neg(Box::new(e)),
                        span,
                    };
                }
                Some(e)
            }
            Rule::literal => {
                let mut it = pair.into_inner();
                let num = it.next()?;
                let value = self.number(&num)?;
                let unit = match it.next() {
                    Some(u) if u.as_rule() == Rule::unit => Some(Self::unit(&u)),
                    // `5%` as a value is five percent.
                    Some(_) => Some(UnitName::Pct),
                    None => None,
                };
                Some(Expr {
                    kind: ExprKind::Number(value, unit),
                    span,
                })
            }
            Rule::string => {
                let s = self.string(pair);
                Some(Expr {
                    kind: ExprKind::Text(s.text),
                    span,
                })
            }
            Rule::paren => {
                let inner = children(pair).into_iter().next()?;
                let e = self.expr(inner)?;
                Some(Expr {
                    kind: ExprKind::Paren(Box::new(e)),
                    span,
                })
            }
            Rule::call => self.call(pair, span),
            Rule::reference => self.reference(pair, span),
            _ => None,
        }
    }

    fn call(&mut self, pair: Pair<'_, Rule>, span: Span) -> Option<Expr> {
        let mut it = children(pair).into_iter();
        let name = self.name(it.next()?);
        let Some(func) = Func::from_name(&name.text) else {
            let suggestion = function_synonym(&name.text).or_else(|| {
                crate::suggest::did_you_mean(&name.text, FUNCTION_NAMES.iter().copied())
            });
            let mut p = Problem::new(
                ProblemKind::Rules,
                Severity::Error,
                "rules::unknown-function",
                format!("unknown function `{}`", name.text),
            )
            .with_label(self.source, name.span, "no function of this name");
            p = p.with_help(match suggestion {
                Some(s) => format!(
                    "did you mean `{s}`? The functions are: {}",
                    FUNCTION_NAMES.join(", ")
                ),
                None => format!("the functions are: {}", FUNCTION_NAMES.join(", ")),
            });
            self.problems.push(p);
            return None;
        };
        let mut args = Vec::new();
        let mut filter = None;
        if let Some(arg_pair) = it.next() {
            let has_where = arg_pair
                .clone()
                .into_inner()
                .any(|p| p.as_rule() == Rule::kw_where);
            let parts = children(arg_pair);
            let n = parts.len();
            for (i, p) in parts.into_iter().enumerate() {
                let e = self.expr(p)?;
                if has_where && i == n - 1 {
                    filter = Some(Box::new(e));
                } else {
                    args.push(e);
                }
            }
        }
        Some(Expr {
            kind: ExprKind::Call {
                func,
                name,
                args,
                filter,
            },
            span,
        })
    }

    fn reference(&mut self, pair: Pair<'_, Rule>, span: Span) -> Option<Expr> {
        let previous = pair.as_str().trim_start().starts_with("previous");
        let mut parts = children(pair).into_iter();
        let head = parts.next()?;
        let head_inner = head.into_inner().next()?;
        let head_is_total = head_inner.as_rule() == Rule::kw_total;
        let head_is_parent = head_inner.as_rule() == Rule::kw_parent;
        let head_name = self.name(head_inner);
        // Accessors: `.name`, `.total` or `[expr]`.
        enum Acc {
            Field(Name, bool),
            Index(Expr),
        }
        let mut accs = Vec::new();
        for a in parts {
            let inner = a.into_inner().find(|p| !is_punct(p.as_rule()))?;
            match inner.as_rule() {
                Rule::kw_total => accs.push(Acc::Field(
                    Name {
                        text: "total".into(),
                        span: self.span(&inner),
                    },
                    true,
                )),
                Rule::ident => accs.push(Acc::Field(self.name(inner), false)),
                _ => accs.push(Acc::Index(self.expr(inner)?)),
            }
        }
        let bad = |b: &mut Self, what: &str| {
            b.error(
                span,
                "rules::reference",
                format!("cannot read this reference: {what}"),
                "here",
            );
            None
        };
        if head_is_parent {
            let reference = match accs.as_slice() {
                [Acc::Field(c, false)] => Reference::Parent { column: c.clone() },
                _ => return bad(self, "write `parent.COLUMN`"),
            };
            return Some(Expr {
                kind: ExprKind::Ref {
                    previous,
                    reference,
                },
                span,
            });
        }
        let reference = match (head_is_total, accs.as_slice()) {
            (false, []) => Reference::Name(head_name),
            (true, [Acc::Field(c, false)]) => Reference::Total {
                table: None,
                column: c.clone(),
            },
            (true, _) => return bad(self, "write `total.COLUMN`"),
            (false, [Acc::Field(c, false)]) => Reference::Column {
                table: head_name,
                column: c.clone(),
            },
            (false, [Acc::Field(_, true), Acc::Field(c, false)]) => Reference::Total {
                table: Some(head_name),
                column: c.clone(),
            },
            (false, [Acc::Index(_), Acc::Field(_, false)]) => {
                let mut accs = accs;
                let Some(Acc::Field(c, _)) = accs.pop() else {
                    return None;
                };
                let Some(Acc::Index(k)) = accs.pop() else {
                    return None;
                };
                Reference::Keyed {
                    table: head_name,
                    key: Box::new(k),
                    column: c,
                }
            }
            (false, [Acc::Index(_)]) => {
                return bad(self, "a row needs a column: write `T[KEY].COLUMN`");
            }
            _ => {
                return bad(
                    self,
                    "references are `c`, `T.c`, `total.c`, `T.total.c` or `T[KEY].c`",
                );
            }
        };
        Some(Expr {
            kind: ExprKind::Ref {
                previous,
                reference,
            },
            span,
        })
    }

    fn tolerance(&mut self, pair: Pair<'_, Rule>) -> Option<(Tolerance, Span)> {
        let span = self.span(&pair);
        let inner = children(pair).into_iter().next();
        let tol = match inner {
            None => Tolerance::Rounding,
            Some(p) => match p.as_rule() {
                Rule::percent => {
                    let n = p.into_inner().next()?;
                    Tolerance::Relative(self.number(&n)?)
                }
                Rule::tol_amount => {
                    let mut it = p.into_inner();
                    let n = it.next()?;
                    let value = self.number(&n)?;
                    Tolerance::Absolute(value, it.next().map(|u| Self::unit(&u)))
                }
                _ => Tolerance::Rounding,
            },
        };
        Some((tol, span))
    }
}

type Rule_ = super::ast::Rule;

/// The function a controller may mean by a Swedish or spreadsheet name (`summa`, `avg`).
fn function_synonym(name: &str) -> Option<&'static str> {
    Some(match name.to_lowercase().as_str() {
        "summa" | "summera" | "total" => "sum",
        "antal" | "räkna" => "count",
        "medel" | "medelvärde" | "avg" | "average" | "medelv" => "mean",
        "minsta" | "lägsta" | "minimum" => "min",
        "största" | "högsta" | "maximum" => "max",
        "absolut" | "absolutbelopp" => "abs",
        "avrunda" => "round",
        _ => return None,
    })
}

/// The most combinations of columns the nested `for` lists of `a` give on one path: the
/// lengths of nested lists multiply (saturating).
fn combinations(a: &Assertion) -> u64 {
    match a {
        Assertion::For { columns, body, .. } => {
            (columns.len() as u64).saturating_mul(combinations(body))
        }
        Assertion::In { body, .. } | Assertion::Each { body, .. } | Assertion::If { body, .. } => {
            combinations(body)
        }
        Assertion::Block(items, _) => items.iter().map(combinations).max().unwrap_or(1),
        Assertion::Check(_) => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Sources;

    fn parse(text: &str) -> (RuleFile, Vec<Problem>) {
        let mut sources = Sources::default();
        let id = sources.add(SourceFile::new("t.rules", text));
        parse_file(id, sources.get(id))
    }

    #[test]
    fn the_language_example_parses() {
        let (file, problems) = parse(include_str!("../../tests/rules/language_example.rules"));
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(file.items.len(), 4);
    }

    #[test]
    fn a_file_of_more_than_a_million_tokens_is_refused_unparsed() {
        // 7 700 rules of 250 operands each, within every other limit: 1,3 GB in pest.
        let rule = format!("rule r {{ each t: a == 1{} }}\n", "+1".repeat(250));
        let (file, problems) = parse(&rule.repeat(2_000));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(
            problems[0].message,
            "more than a million names, figures and signs in one rule file"
        );
        assert!(file.items.is_empty());
        // Strings and comments are a token each, or none.
        let text = format!(
            "# {}\nrule r \"{}\" {{ each t: a == 1 }}\n",
            "+".repeat(2_000_000),
            "+".repeat(2_000_000)
        );
        assert!(too_many_tokens(&text).is_none());
        let (file, problems) = parse(&rule.repeat(100));
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(file.items.len(), 100);
    }

    #[test]
    fn a_chain_of_comparisons_is_bounded() {
        let chain = |n: usize| format!("rule r {{ each t: a{} }}", " < a".repeat(n - 1));
        assert!(parse(&chain(MAX_CHAIN)).1.is_empty());
        let (_, problems) = parse(&chain(MAX_CHAIN + 1));
        assert_eq!(problems[0].code, "rules::too-long", "{problems:?}");
    }

    #[test]
    fn a_rules_title_help_and_tags_are_bounded_and_the_other_rules_kept() {
        let rule = |title: usize, help: usize, tag: usize, tags: usize| {
            let tag_list = vec![format!("\"{}\"", "t".repeat(tag)); tags].join(", ");
            format!(
                "rule long \"{}\" {{\n  help \"{}\"\n  tags {tag_list}\n  each t: a == b\n}}\n\
                 rule short {{ each t: a == b }}\n",
                "é".repeat(title),
                "h".repeat(help),
            )
        };
        let rules = |(file, _): &(RuleFile, Vec<Problem>)| file.items.len();
        let at_limits = parse(&rule(
            MAX_TITLE_CHARS,
            MAX_HELP_CHARS,
            MAX_TAG_CHARS,
            MAX_TAGS,
        ));
        assert!(at_limits.1.is_empty(), "{:?}", at_limits.1);
        assert_eq!(rules(&at_limits), 2);
        for (text, said) in [
            (
                rule(MAX_TITLE_CHARS + 1, 1, 1, 1),
                "this title is 501 characters long",
            ),
            (
                rule(1, MAX_HELP_CHARS + 1, 1, 1),
                "this help is 4 001 characters long",
            ),
            (
                rule(1, 1, MAX_TAG_CHARS + 1, 1),
                "this tag is 101 characters long",
            ),
            (rule(1, 1, 1, MAX_TAGS + 1), "this rule has 33 tags"),
        ] {
            let parsed = parse(&text);
            let problems = &parsed.1;
            assert_eq!(problems.len(), 1, "{problems:?}");
            assert_eq!(problems[0].code, "rules::too-long");
            assert!(
                problems[0].message.starts_with(said),
                "{}",
                problems[0].message
            );
            // The rule is left out; the next one is kept.
            assert_eq!(rules(&parsed), 1);
        }
    }

    #[test]
    fn between_items_what_an_item_starts_with_is_expected() {
        for text in [
            "Key;A\nx;1\n",
            "rule a { each t: x > 0 }\nfoo\n",
            "use \"a.rules\"\n42",
        ] {
            let (_, problems) = parse(text);
            assert!(
                problems[0]
                    .message
                    .contains("expected `rule`, `table`, `let` or `use`"),
                "{text}: {}",
                problems[0].message
            );
        }
    }

    #[test]
    fn a_decimal_comma_gets_a_hint() {
        let (_, problems) = parse("rule r { each t: a == b within 0,5 mkr }");
        assert_eq!(
            problems[0].help.as_deref(),
            Some(
                "numbers in rules take a decimal point: write `0.5`, not `0,5` (report cells may use a comma)"
            )
        );
    }

    /// The figure is found back from the comma to the last character that is not a digit,
    /// which may be wider than a byte (the fuzzer's input had a BOM there; it panicked).
    #[test]
    fn a_decimal_comma_after_a_wide_character_gets_a_hint() {
        for before in ["\u{feff}", "ä", "−"] {
            let (_, problems) = parse(&format!("rule r {{ each t: a == {before}0,5 }}"));
            let help = problems
                .first()
                .and_then(|p| p.help.as_deref())
                .unwrap_or("");
            assert!(help.contains("not `0,5`"), "{before}: {help}");
        }
    }

    #[test]
    fn swedish_and_spreadsheet_function_names_get_a_suggestion() {
        for (written, meant) in [("summa", "sum"), ("avg", "mean"), ("Antal", "count")] {
            let (_, problems) = parse(&format!("rule r {{ in t: {written}(c) == 1 }}"));
            let help = problems[0].help.as_deref().unwrap_or("");
            assert!(
                help.starts_with(&format!("did you mean `{meant}`?")),
                "{help}"
            );
        }
    }
}
