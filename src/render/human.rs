//! The terminal view: miette's graphical diagnostics, one per finding and problem, then a
//! summary line.

use super::visible::{into_visible, into_visible_line as line, visible_line};
use crate::finding::Finding;
use crate::problem::{Problem, Severity};
use crate::render::plural;
use crate::run::Run;
use crate::source::{SourceFile, Sources};
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceSpan, SpanContents,
};
use std::collections::HashMap;
use std::fmt;

/// How the terminal view is drawn.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub color: bool,
    pub width: usize,
    /// List the instances that were not applicable, and why.
    pub verbose: bool,
}

/// A source file for miette whose `file:line:col` header counts columns in characters
/// (miette counts bytes, which puts every column after an å, ä or ö one too far right).
///
/// It is the file as shown ([`SourceFile::shown`]): control characters in a report's text or
/// name are drawn as pictures, never sent to the terminal. A label's span into it is made
/// with [`SourceFile::shown_span`].
#[derive(Debug)]
struct Src<'f> {
    file: &'f SourceFile,
}

impl<'f> Src<'f> {
    fn of(file: &'f SourceFile) -> Src<'f> {
        Src { file: file.shown() }
    }
}

impl miette::SourceCode for Src<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let text = self.file.text.as_str();
        let offset = span.offset().min(text.len());
        // miette finds the lines around a span by reading the text from its start, which
        // for every finding of a large file took longer than the whole check: it is given
        // only the lines around the span (a line more on each side), from a line start.
        let (from, to) = lines_around(text, offset, offset + span.len(), before + 1, after + 2);
        let window = text.get(from..to).ok_or(MietteError::OutOfBounds)?;
        let inner = window.read_span(
            &SourceSpan::new((offset - from).into(), span.len()),
            before,
            after,
        )?;
        let first_line = self.file.line_col(from).0 - 1;
        let line_start = text
            .get(..offset)
            .and_then(|t| t.rfind('\n'))
            .map_or(0, |i| i + 1);
        let column = if inner.column() == 0 {
            0
        } else {
            text.get(line_start..offset)
                .map_or(inner.column(), |t| t.chars().count())
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.file.name.clone(),
            inner.data(),
            SourceSpan::new((inner.span().offset() + from).into(), inner.span().len()),
            inner.line() + first_line,
            column,
            inner.line_count() + first_line,
        )))
    }
}

/// The stretch of `text` from the start of the line `before` lines above the one `start` is
/// on, to the end of the line `after` lines below the one `end` is on (or the text's ends).
fn lines_around(
    text: &str,
    start: usize,
    end: usize,
    before: usize,
    after: usize,
) -> (usize, usize) {
    let b = text.as_bytes();
    let start = start.min(b.len());
    let mut from = memchr::memrchr(b'\n', &b[..start]).map_or(0, |i| i + 1);
    for _ in 0..before {
        if from == 0 {
            break;
        }
        from = memchr::memrchr(b'\n', &b[..from - 1]).map_or(0, |i| i + 1);
    }
    let mut to = end.clamp(start, b.len());
    for _ in 0..=after {
        match memchr::memchr(b'\n', &b[to..]) {
            Some(i) => to += i + 1,
            None => return (from, b.len()),
        }
    }
    (from, to)
}

/// One miette diagnostic built from a finding or a problem.
#[derive(Debug)]
struct Diag<'f> {
    message: String,
    code: Option<String>,
    severity: miette::Severity,
    help: Option<String>,
    source: Option<Src<'f>>,
    labels: Vec<LabeledSpan>,
    related: Vec<Diag<'f>>,
}

impl fmt::Display for Diag<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Diag<'_> {}

impl Diagnostic for Diag<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code
            .as_ref()
            .map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(self.related.iter().map(|d| d as &dyn Diagnostic)))
        }
    }
}

fn miette_severity(s: Severity) -> miette::Severity {
    match s {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    }
}

/// A label on a cell of a workbook sheet starts with the cell's name: `D6: …`.
fn cell_label(file: &SourceFile, span: crate::source::Span, text: &str, sep: &str) -> String {
    match file.cell_ref_short(span) {
        Some(cell) => format!("{cell}{sep}{text}"),
        None => text.to_string(),
    }
}

/// `examples/x/2020-10.xlsx` of the rendered sheet `examples/x/2020-10.xlsx[prognos]`.
fn workbook_of(file: &str) -> &str {
    file.rfind('[').map_or(file, |i| &file[..i])
}

fn finding_diag<'f>(f: &Finding, sources: &'f Sources, grouped: bool) -> Diag<'f> {
    let file: &SourceFile = sources.get(f.source);
    // Every text from a report or a file name is shown one line each, its control
    // characters as pictures; only the rule's help may have lines of its own.
    let mut labels = vec![LabeledSpan::new_primary_with_span(
        Some(line(cell_label(file, f.primary, f.label(), ": "))),
        file.shown_span(f.primary),
    )];
    for r in f.related.iter().filter(|r| r.source == f.source) {
        labels.push(LabeledSpan::new_with_span(
            Some(line(cell_label(file, r.span, &r.text, " "))),
            file.shown_span(r.span),
        ));
    }
    let mut help = Vec::new();
    if let Some(cell) = &f.cell {
        help.push(line(format!("cell {cell} of {}", workbook_of(&f.file))));
    }
    if let Some(rest) = f.message.get(f.label_len..).filter(|r| !r.is_empty()) {
        // The part of the message the label has no room for (which rows were summed).
        help.push(line(rest.trim_start_matches("; ").to_string()));
    }
    for r in f.related.iter().filter(|r| r.source != f.source) {
        help.push(line(match &r.cell {
            Some(cell) => format!("{} (at {cell} of {})", r.text, workbook_of(&r.file)),
            None => format!("{} (at {}:{}:{})", r.text, r.file, r.line, r.column),
        }));
    }
    match &f.fix {
        // Under the head of its group: the change is shown there.
        Some(fix) if grouped && !fix.changes.is_empty() => help.push(line(format!(
            "explained by the {} above: {}",
            if fix.changes.len() == 1 {
                "change"
            } else {
                "changes"
            },
            fix.changes
                .iter()
                .map(|c| format!(
                    "{} → {}",
                    c.describe_named(fix.name_tables),
                    c.suggested_text
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
        // An info finding is a note, not an error: that no typo explains it is no news.
        Some(fix)
            if fix.status == crate::locate::FixStatus::NotLocalised
                && f.severity == crate::problem::Severity::Info => {}
        Some(fix) => help.push(line(fix.summary_in(Some(&f.file)))),
        None => {}
    }
    if let Some(h) = &f.help {
        help.push(into_visible(h.to_string()));
    }
    if let Some(reason) = &f.suppression_reason {
        help.push(line(format!("allowed in rimlig.toml: {reason}")));
    }
    // A rule without a title has its id for one: said once, not as `r1: r1`.
    let titled = f.title != f.rule;
    help.push(line(if titled {
        format!(
            "rule {} at {}:{} — {}",
            f.instance_name(),
            f.rule_file,
            f.rule_line,
            f.title
        )
    } else {
        format!(
            "rule {} at {}:{}",
            f.instance_name(),
            f.rule_file,
            f.rule_line
        )
    }));
    let heading = if titled {
        format!("{}: {}", f.instance_name(), f.title)
    } else {
        f.instance_name()
    };
    Diag {
        message: line(if f.suppressed {
            format!("{heading} (allowed)")
        } else if f.baselined {
            format!("{heading} (baseline)")
        } else {
            heading
        }),
        code: None,
        severity: miette_severity(f.severity),
        help: Some(help.join("\n")),
        source: Some(Src::of(file)),
        labels,
        related: Vec::new(),
    }
}

/// The head of a group of findings one change explains: the change, at its cell.
fn fix_diag<'f>(
    fix: &crate::locate::Fix,
    findings: usize,
    sources: &'f Sources,
) -> Option<Diag<'f>> {
    let first = fix.changes.first()?;
    let file = sources.get(first.source);
    let labels = fix
        .changes
        .iter()
        .filter(|c| c.source == first.source)
        .map(|c| {
            LabeledSpan::new_primary_with_span(
                Some(line(cell_label(
                    file,
                    c.primary,
                    &format!("{} → {}", c.written, c.suggested_text),
                    ": ",
                ))),
                file.shown_span(c.primary),
            )
        })
        .collect();
    let cells = if fix.changes.len() == 1 {
        "one cell".to_string()
    } else {
        format!("{} cells", fix.changes.len())
    };
    Some(Diag {
        message: format!(
            "{cells} explain{} the next {findings} findings",
            if fix.changes.len() == 1 { "s" } else { "" }
        ),
        code: None,
        severity: miette::Severity::Advice,
        help: Some(line(fix.summary_in(Some(&first.file)))),
        source: Some(Src::of(file)),
        labels,
        related: Vec::new(),
    })
}

fn problem_diag<'f>(p: &Problem, sources: &'f Sources) -> Diag<'f> {
    let main = p.labels.first().map(|l| l.source);
    let labels = p
        .labels
        .iter()
        .filter(|l| Some(l.source) == main)
        .enumerate()
        .map(|(i, l)| {
            let file = sources.get(l.source);
            let text = line(cell_label(file, l.span, &l.text, ": "));
            if i == 0 {
                LabeledSpan::new_primary_with_span(Some(text), file.shown_span(l.span))
            } else {
                LabeledSpan::new_with_span(Some(text), file.shown_span(l.span))
            }
        })
        .collect();
    let related = p
        .labels
        .iter()
        .filter(|l| Some(l.source) != main)
        .map(|l| {
            let file = sources.get(l.source);
            Diag {
                message: line(l.text.clone()),
                code: None,
                severity: miette::Severity::Advice,
                help: None,
                source: Some(Src::of(file)),
                labels: vec![LabeledSpan::new_primary_with_span(
                    Some(line(l.text.clone())),
                    file.shown_span(l.span),
                )],
                related: Vec::new(),
            }
        })
        .collect();
    let message = match (&p.path, main) {
        (Some(path), None) if !p.message.contains(path.as_str()) => {
            format!("{path}: {}", p.message)
        }
        _ => p.message.clone(),
    };
    Diag {
        message: line(message),
        code: Some(p.code.to_string()),
        severity: miette_severity(p.severity),
        help: p.help.clone().map(into_visible),
        source: main.map(|s| Src::of(sources.get(s))),
        labels,
        related,
    }
}

fn handler(style: Style) -> GraphicalReportHandler {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false)
        .with_word_separator(textwrap::WordSeparator::Custom(figure_words))
        // A name with a hyphen (`drift-avvikelse`, `jan-aug`) is kept whole: a reader copies
        // a rule id from the text.
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
}

/// The words of a line as the wrapping of a help text takes them: the words miette's wrapping
/// finds by default (it may break after a space, or after the `/` of a path), save that a
/// figure's groups of digits (`45 000`, `-1 234 567,5`) are kept together, so that no figure
/// of a suggested fix is broken across two lines ("45" at the end of one, "000" at the start
/// of the next).
fn figure_words(line: &str) -> Box<dyn Iterator<Item = textwrap::core::Word<'_>> + '_> {
    let at = |w: &textwrap::core::Word<'_>| w.word.as_ptr() as usize - line.as_ptr() as usize;
    let mut words: Vec<textwrap::core::Word<'_>> = Vec::new();
    for w in textwrap::WordSeparator::new().find_words(line) {
        let group = w.word.as_bytes();
        let continues = group.len() >= 3
            && group[..3].iter().all(u8::is_ascii_digit)
            && !group.get(3).is_some_and(u8::is_ascii_digit);
        match words.last_mut() {
            Some(last)
                if continues
                    && last.whitespace == " "
                    && last.word.ends_with(|c: char| c.is_ascii_digit()) =>
            {
                let end = at(&w) + w.word.len() + w.whitespace.len();
                *last = textwrap::core::Word::from(&line[at(last)..end]);
            }
            _ => words.push(w),
        }
    }
    Box::new(words.into_iter())
}

/// Lines longer than this (in bytes) are not drawn. miette draws whole lines, and a JSON
/// report is often one line of megabytes; a label past column 65 535 made it panic.
const LONGEST_LINE_DRAWN: usize = 2_000;

/// Whether every line `d` would draw (its labels' lines and the lines around them) is short
/// enough to draw.
fn drawable(d: &Diag<'_>) -> bool {
    let Some(src) = &d.source else {
        return true;
    };
    let file = src.file;
    let lines = file.line_count();
    d.labels.iter().all(|l| {
        let first = file.line_col(l.offset()).0;
        let last = file.line_col(l.offset() + l.len()).0;
        (first.saturating_sub(1).max(1)..=(last + 1).min(lines))
            .all(|line| file.line_text(line).len() <= LONGEST_LINE_DRAWN)
    })
}

/// `d` without its drawing where a line is too long to draw: each label's place and text
/// are said in words instead.
fn without_long_lines<'f>(d: &Diag<'f>) -> Diag<'f> {
    let mut help = Vec::new();
    if let Some(src) = d.source.as_ref().filter(|_| !drawable(d)) {
        for l in &d.labels {
            let (line, column) = src.file.line_col(l.offset());
            let text = l.label().map(|t| format!(": {t}")).unwrap_or_default();
            help.push(format!("at {}:{line}:{column}{text}", src.file.name));
        }
        help.push("(the line is too long to show here)".to_string());
    }
    let shown = help.is_empty();
    help.extend(d.help.clone());
    Diag {
        message: d.message.clone(),
        code: d.code.clone(),
        severity: d.severity,
        help: (!help.is_empty()).then(|| help.join("\n")),
        source: if shown {
            d.source.as_ref().map(|s| Src::of(s.file))
        } else {
            None
        },
        labels: if shown { d.labels.clone() } else { Vec::new() },
        related: d.related.iter().map(without_long_lines).collect(),
    }
}

fn render_diag(h: &GraphicalReportHandler, d: &Diag<'_>, out: &mut String) {
    let all_drawable = drawable(d) && d.related.iter().all(drawable);
    let fitted;
    let d = if all_drawable {
        d
    } else {
        fitted = without_long_lines(d);
        &fitted
    };
    if h.render_report(out, d).is_err() {
        out.push_str(&d.message);
        out.push('\n');
    }
}

/// Render one finding on its own (for tests and for streaming output).
pub fn render_finding(f: &Finding, sources: &Sources, style: Style) -> String {
    let mut out = String::new();
    render_diag(&handler(style), &finding_diag(f, sources, false), &mut out);
    out
}

pub fn render_problem(p: &Problem, sources: &Sources, style: Style) -> String {
    let mut out = String::new();
    render_diag(&handler(style), &problem_diag(p, sources), &mut out);
    out
}

/// The whole terminal output of a run.
pub fn render(run: &Run, style: Style) -> String {
    let mut out = Vec::new();
    // Writing to memory cannot fail; the text is UTF-8, as every part of it is a `String`.
    let _ = write(run, style, &mut out);
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// [`render`] straight into `w`, the diagnostics drawn in parallel and written as they are
/// drawn: the output of a run with a hundred thousand findings is never held whole.
pub fn write(run: &Run, style: Style, w: &mut impl std::io::Write) -> std::io::Result<()> {
    let h = handler(style);
    super::write_in_order(
        &blocks(run, style),
        super::ITEMS_PER_BATCH,
        super::ITEMS_PER_PIECE,
        |_, block, out| {
            out.extend_from_slice(block_text(&h, block, &run.sources).as_bytes());
            Ok(())
        },
        w,
    )?;
    let mut tail = String::new();
    if style.verbose {
        for na in &run.outcome.not_applicable {
            let at = match (&na.table, &na.row_key) {
                (Some(t), Some(k)) if !k.is_empty() => format!(" {t} · {k}"),
                (Some(t), _) => format!(" {t}"),
                _ => String::new(),
            };
            tail.push_str(&line(format!(
                "not applicable: {} in {}{at}: {}",
                na.rule, na.report, na.reason
            )));
            tail.push('\n');
        }
        for (rule, n) in &run.outcome.not_applicable_unlisted {
            tail.push_str(&format!(
                "and {n} more not-applicable instances of rule {rule} not listed\n"
            ));
        }
        if !run.outcome.not_applicable.is_empty() {
            tail.push('\n');
        }
    }
    tail.push_str(&crate::baseline::human_lines(run, style.verbose));
    tail.push_str(&allowed_line(run, style.verbose));
    tail.push_str(&unlisted_lines(run));
    tail.push_str(&summary_line(run));
    tail.push('\n');
    w.write_all(tail.as_bytes())?;
    w.flush()
}

/// Problems of one code drawn at most, without `--verbose`: a tree of 100 000 report folders
/// with an empty table each drew 100 000 alike, half a million lines that hid the rest.
const PROBLEMS_DRAWN_PER_CODE: usize = 100;

/// What the terminal output draws, in order.
enum Block<'r> {
    Problem(&'r Problem),
    /// `count` more problems of `code` than were drawn.
    MoreProblems {
        code: &'static str,
        count: usize,
    },
    /// Findings, under the change that explains them all when one does (`head`).
    Findings {
        head: Option<&'r crate::locate::Fix>,
        members: Vec<&'r Finding>,
    },
}

/// The problems, then the findings shown: those that one cell change explains together,
/// under the change, where the first of them would be. Findings known from the baseline or
/// allowed in rimlig.toml only with --verbose; baseline.rs and `allowed_line` sum them up.
fn blocks(run: &Run, style: Style) -> Vec<Block<'_>> {
    let shown: Vec<&Finding> = run
        .outcome
        .findings
        .iter()
        .filter(|f| style.verbose || !(f.baselined || f.suppressed))
        .collect();
    // The findings of each fix, in order: looked up rather than searched for, since a run
    // may have a hundred thousand findings, each with a fix of its own.
    let mut by_fix: HashMap<usize, Vec<usize>> = HashMap::new();
    for (j, f) in shown.iter().enumerate() {
        if let Some(x) = &f.fix {
            by_fix.entry(x.group).or_default().push(j);
        }
    }
    let mut out: Vec<Block<'_>> = Vec::new();
    let mut drawn: HashMap<&str, usize> = HashMap::new();
    let mut more: Vec<(&'static str, usize)> = Vec::new();
    for p in &run.problems {
        let n = drawn.entry(p.code).or_default();
        *n += 1;
        if style.verbose || *n <= PROBLEMS_DRAWN_PER_CODE {
            out.push(Block::Problem(p));
        } else {
            match more.iter_mut().find(|(code, _)| *code == p.code) {
                Some((_, count)) => *count += 1,
                None => more.push((p.code, 1)),
            }
        }
    }
    out.extend(
        more.into_iter()
            .map(|(code, count)| Block::MoreProblems { code, count }),
    );
    let mut done = vec![false; shown.len()];
    for i in 0..shown.len() {
        if done[i] {
            continue;
        }
        let fix = shown[i].fix.as_ref();
        let members: Vec<usize> = match fix.filter(|x| !x.changes.is_empty()) {
            Some(x) => by_fix.get(&x.group).map_or_else(
                || vec![i],
                |all| all.iter().copied().filter(|&j| j >= i).collect(),
            ),
            None => vec![i],
        };
        for &j in &members {
            done[j] = true;
        }
        out.push(Block::Findings {
            head: fix.filter(|_| members.len() > 1).map(|x| &**x),
            members: members.into_iter().map(|j| shown[j]).collect(),
        });
    }
    out
}

/// A block drawn, each diagnostic followed by an empty line.
fn block_text(h: &GraphicalReportHandler, block: &Block<'_>, sources: &Sources) -> String {
    let mut out = String::new();
    match block {
        Block::Problem(p) => {
            render_diag(h, &problem_diag(p, sources), &mut out);
            out.push('\n');
        }
        Block::MoreProblems { code, count } => {
            let what = if *count == 1 { "problem" } else { "problems" };
            out.push_str(&format!(
                "and {} more {code} {what} like those above (--verbose draws them all; \
                 --format json lists them)\n\n",
                crate::report::number::grouped(*count as u64),
            ));
        }
        Block::Findings { head, members } => {
            let head = head.and_then(|x| fix_diag(x, members.len(), sources));
            if let Some(d) = &head {
                render_diag(h, d, &mut out);
                out.push('\n');
            }
            for f in members {
                render_diag(h, &finding_diag(f, sources, head.is_some()), &mut out);
                out.push('\n');
            }
        }
    }
    out
}

/// `2 findings allowed in rimlig.toml not shown (--verbose shows them)`, or nothing.
fn allowed_line(run: &Run, verbose: bool) -> String {
    let n = run.outcome.findings.iter().filter(|f| f.suppressed).count();
    if n == 0 || verbose {
        return String::new();
    }
    let file = run
        .config
        .file
        .as_deref()
        .unwrap_or(crate::config::FILE_NAME);
    format!(
        "{} allowed in {} not shown (--verbose shows them)\n\n",
        plural(n, "finding", "findings"),
        visible_line(file),
    )
}

/// `and 12 more findings of rule r1-avvikelse not listed ([check] max_findings_per_rule)`.
fn unlisted_lines(run: &Run) -> String {
    let mut out = String::new();
    for (rule, n) in &run.outcome.unlisted {
        out.push_str(&format!(
            "and {} of rule {rule} not listed ([check] max_findings_per_rule)\n",
            plural(*n, "more finding", "more findings"),
        ));
    }
    if let Some(cap) = run.outcome.run_cap {
        out.push_str(&format!(
            "a run lists at most {} findings: the rest are counted above\n",
            crate::report::number::format_decimal(&rust_decimal::Decimal::from(cap))
        ));
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

/// `checked 2 reports (13 tables) against 9 rules: 4 errors, 1 warning, 0 info; …`
pub fn summary_line(run: &Run) -> String {
    let s = run.summary();
    let known = match &run.baseline {
        Some(_) => format!(
            " ({} known from the baseline)",
            s.baselined.error + s.baselined.warning + s.baselined.info
        ),
        None => String::new(),
    };
    let allowed = s.suppressed.error + s.suppressed.warning + s.suppressed.info;
    let known = if allowed > 0 {
        format!("{known} ({allowed} allowed)")
    } else {
        known
    };
    let mut line = format!(
        "checked {} ({}) against {}: {}, {}, {}{known}; {} passed, {} not applicable",
        plural(s.reports, "report", "reports"),
        plural(s.tables, "table", "tables"),
        plural(s.rules, "rule", "rules"),
        plural(s.findings.error, "error", "errors"),
        plural(s.findings.warning, "warning", "warnings"),
        plural(s.findings.info, "info", "info"),
        plural(s.instances.passed, "instance", "instances"),
        s.instances.not_applicable,
    );
    let problems = s.problems.error + s.problems.warning + s.problems.info;
    if problems > 0 {
        line.push_str(&format!(
            "; {} in the input",
            plural(problems, "problem", "problems")
        ));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_figure_is_one_word_when_a_help_text_is_wrapped() {
        let words: Vec<String> = figure_words("ram: 45 000 → 1 234 567,5 (kvartal 3 2020)  x")
            .map(|w| format!("{}{}", w.word, w.whitespace))
            .collect();
        assert_eq!(
            words,
            [
                "ram: ",
                "45 000 ",
                "→ ",
                "1 234 567,5 ",
                "(kvartal ",
                "3 ",
                "2020)  ",
                "x"
            ]
        );
        let text = "fix: A · ram: 45 000 → 60 000 (swapped with prognos)";
        let options = textwrap::Options::new(17)
            .word_separator(textwrap::WordSeparator::Custom(figure_words));
        let lines = textwrap::wrap(text, options);
        assert!(lines.iter().any(|l| l.contains("45 000")), "{lines:?}");
        assert!(lines.iter().any(|l| l.contains("60 000")), "{lines:?}");
    }
    use miette::SourceCode;

    /// The lines around a span, read from near it, are those miette reads from the text's
    /// start: the same text, span, line and column for every span and context.
    #[test]
    fn lines_around_a_span_are_those_miette_finds() {
        let text = "a;b;c\nrad 1;12;3\r\n\nrad 2;4 5;6\n  indrag;7;8\r\nsista;9;10";
        let file = SourceFile::new("t.csv", text);
        let src = Src::of(&file);
        for start in 0..=text.len() {
            for len in [0, 1, 3, 8, 20] {
                let len = len.min(text.len() - start);
                let span = SourceSpan::new(start.into(), len);
                for (before, after) in [(0, 0), (1, 1), (2, 0), (0, 3), (4, 4)] {
                    let want = text.read_span(&span, before, after);
                    let got = src.read_span(&span, before, after);
                    let (Ok(want), Ok(got)) = (want, got) else {
                        panic!(
                            "span {start}+{len} ({before}, {after}) read by one and not the other"
                        );
                    };
                    let at = format!("span {start}+{len} ({before}, {after})");
                    assert_eq!(got.data(), want.data(), "{at}");
                    assert_eq!(got.span(), want.span(), "{at}");
                    assert_eq!(got.line(), want.line(), "{at}");
                    // (miette does not count the CR of a CRLF; no cell starts after one.)
                    if !text[..start].ends_with('\r') {
                        assert_eq!(got.column(), want.column(), "{at}");
                    }
                    assert_eq!(got.line_count(), want.line_count(), "{at}");
                }
            }
        }
    }
}
