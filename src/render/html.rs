//! The page for a unit head: one self-contained HTML document (inline CSS, a few lines of
//! inline JS for printing, no external assets), in Swedish. A summary first, then every table
//! of every report as the spreadsheet it came from, with the cells that findings point at
//! marked by severity (colour, outline style and a symbol) and explained beside the table.
//!
//! The output depends on the run only (no clock, no environment), so it can be snapshot-tested.

use crate::finding::Finding;
use crate::problem::{Problem, Severity};
use crate::render::plural;
use crate::report::number::grouped;
use crate::report::{CellValue, Report, Table};
use crate::run::Run;
use crate::source::{SourceId, Span};
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::str::FromStr;

/// Escape text for HTML content and attribute values (`& < > " '`), and show its control
/// characters but tab as pictures (see [`super::visible`]): a line break too, since the page
/// would show it as a space (see [`text_with_breaks`] for text whose lines are kept).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(super::visible::picture(c).unwrap_or(c)),
        }
    }
    out
}

fn sev_class(s: Severity) -> &'static str {
    s.name()
}

/// The marker that says the severity without colour.
fn sev_symbol(s: Severity) -> &'static str {
    match s {
        Severity::Error => "✖",
        Severity::Warning => "▲",
        Severity::Info => "ℹ",
    }
}

fn sev_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "Fel",
        Severity::Warning => "Varning",
        Severity::Info => "Info",
    }
}

/// `3 fel`, `1 varning`, `2 varningar`, `4 info`.
fn sev_count(s: Severity, n: usize) -> String {
    match s {
        Severity::Error => format!("{n} fel"),
        Severity::Warning if n == 1 => "1 varning".to_string(),
        Severity::Warning => format!("{n} varningar"),
        Severity::Info => format!("{n} info"),
    }
}

/// What in a rendered table a finding can stand on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Target {
    /// The header row's line number: a finding about the whole table.
    Header,
    /// A row's line number: a finding about the whole row.
    Row(usize),
    /// A cell: row index, cell index.
    Cell(usize, usize),
}

/// Where the findings landed on the page, worked out before anything is written.
struct Layout {
    /// Per finding: its number on the page (1-based, in page order), the id of its cell and
    /// what it stands on (none for a finding outside the tables).
    placed: Vec<Option<(usize, String, Option<Target>)>>,
    /// Per (table number, target): the findings standing there, in page order.
    at: HashMap<(usize, Target), Vec<usize>>,
    /// Per (table number, target): the findings the cell takes part in (related cells).
    related_at: HashMap<(usize, Target), Vec<usize>>,
    /// The id of every rendered cell that a finding points at or relates to.
    cell_ids: HashMap<(SourceId, Span), String>,
    /// Per table number: its findings in page order.
    by_table: Vec<Vec<usize>>,
    /// Findings that stand on no rendered cell, numbered after the others.
    unplaced: Vec<usize>,
}

/// Every target of a table, in page order, with its source span: the header, then each row's
/// cells and the row itself. A lone cell spans its whole row: the cell, coming first, takes
/// the finding.
fn targets(table: &Table) -> impl Iterator<Item = (Target, Span)> + '_ {
    let header = match (table.headers.first(), table.headers.last()) {
        (Some(first), Some(last)) => Some((Target::Header, first.span.join(last.span))),
        _ => None,
    };
    let rows = table.iter_rows().enumerate().flat_map(|(r, row)| {
        let cells: Vec<(Target, Span)> = row
            .cells
            .iter()
            .enumerate()
            .map(|(c, cell)| (Target::Cell(r, c), cell.span()))
            .collect();
        cells
            .into_iter()
            .chain(std::iter::once((Target::Row(r), row.span)))
    });
    header.into_iter().chain(rows)
}

fn target_id(table_no: usize, t: Target) -> String {
    match t {
        Target::Header => format!("t{table_no}-h"),
        Target::Row(r) => format!("t{table_no}-r{r}"),
        Target::Cell(r, c) => format!("t{table_no}-r{r}-c{c}"),
    }
}

fn layout(run: &Run) -> Layout {
    let findings = &run.outcome.findings;
    let mut primary: HashMap<(SourceId, Span), Vec<usize>> = HashMap::new();
    let mut related: HashMap<(SourceId, Span), Vec<usize>> = HashMap::new();
    for (i, f) in findings.iter().enumerate() {
        primary.entry((f.source, f.primary)).or_default().push(i);
        for r in &f.related {
            if (r.source, r.span) != (f.source, f.primary) {
                related.entry((r.source, r.span)).or_default().push(i);
            }
        }
    }
    let mut l = Layout {
        placed: vec![None; findings.len()],
        at: HashMap::new(),
        related_at: HashMap::new(),
        cell_ids: HashMap::new(),
        by_table: Vec::new(),
        unplaced: Vec::new(),
    };
    let mut number = 0;
    let mut table_no = 0;
    for report in &run.reports {
        for table in &report.tables {
            let mut here = Vec::new();
            for (t, span) in targets(table) {
                let key = (table.source, span);
                if !primary.contains_key(&key) && !related.contains_key(&key) {
                    // Most cells: no finding is about them.
                    continue;
                }
                let id = target_id(table_no, t);
                let mut hits = Vec::new();
                for &i in primary.get(&key).into_iter().flatten() {
                    if l.placed[i].is_none() {
                        number += 1;
                        l.placed[i] = Some((number, id.clone(), Some(t)));
                        hits.push(i);
                    }
                }
                let rel: Vec<usize> = related
                    .get(&key)
                    .into_iter()
                    .flatten()
                    .copied()
                    .filter(|i| !hits.contains(i))
                    .collect();
                if !hits.is_empty() || !rel.is_empty() {
                    l.cell_ids.entry(key).or_insert(id);
                }
                if !hits.is_empty() {
                    here.extend(hits.iter().copied());
                    l.at.insert((table_no, t), hits);
                }
                if !rel.is_empty() {
                    l.related_at.insert((table_no, t), rel);
                }
            }
            l.by_table.push(here);
            table_no += 1;
        }
    }
    for i in 0..findings.len() {
        if l.placed[i].is_none() {
            number += 1;
            l.placed[i] = Some((number, format!("f-{number}"), None));
            l.unplaced.push(i);
        }
    }
    l
}

/// The number of finding `i` on the page.
fn num(l: &Layout, i: usize) -> usize {
    l.placed[i].as_ref().map_or(0, |p| p.0)
}

fn worst(findings: &[Finding], idx: &[usize]) -> Severity {
    idx.iter()
        .map(|&i| findings[i].severity)
        .min()
        .unwrap_or(Severity::Info)
}

fn report_name(r: &Report) -> String {
    r.path.to_string_lossy().replace('\\', "/")
}

/// `Verksamhetsstöd och service · 2020-10`, or the folder.
fn report_title(r: &Report) -> String {
    match (&r.meta.unit, &r.meta.period) {
        (Some(u), Some(p)) => format!("{u} · {p}"),
        (Some(u), None) => u.clone(),
        (None, Some(p)) => format!("{} · {p}", report_name(r)),
        (None, None) => report_name(r),
    }
}

/// A plain decimal of the JSON view (`-1030`, `2.1`) as a Swedish figure (`−1 030`, `2,1`);
/// text stays as it is.
fn figure(s: &str) -> String {
    match Decimal::from_str(s) {
        Ok(d) => crate::report::number::format_decimal(&d)
            .replace(' ', "\u{a0}")
            .replacen('-', "−", 1),
        Err(_) => s.to_string(),
    }
}

const CSS: &str = r#"
:root { --err:#b3261e; --err-bg:#fde7e7; --warn:#8a5300; --warn-line:#c77700; --warn-bg:#fff1d0;
  --info:#0b57d0; --info-bg:#e3ecfd; --ok:#1e6b35; --muted:#5f6368; --line:#c9ccd1; --focus:#1a4fd6; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; padding: 1.5rem 2rem 3rem; font: 15px/1.45 system-ui, "Segoe UI", Roboto, "Liberation Sans", "DejaVu Sans", Arial, sans-serif; color: #1f1f1f; background: #fff; }
h1 { font-size: 1.7rem; margin: 0 0 .25rem; }
h2 { font-size: 1.35rem; margin: 2rem 0 .5rem; padding-top: .5rem; border-top: 3px solid #1f1f1f; }
h3 { font-size: 1.1rem; margin: 1.2rem 0 .3rem; }
summary h3 { display: inline; margin: 0; }
h4 { font-size: 1rem; margin: 1rem 0 .3rem; }
p { margin: .3rem 0; }
code, .path { font-family: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: .88em; }
.path { color: var(--muted); }
.units { font-size: 1.15rem; margin: 0; }
.lead { font-size: 1.05rem; margin: .4rem 0 1rem; }
a { color: var(--focus); }
.sym { display: inline-block; min-width: 1.1em; text-align: center; font-weight: 700; }
.error .sym, .sym.error { color: var(--err); }
.warning .sym, .sym.warning { color: var(--warn-line); }
.info .sym, .sym.info { color: var(--info); }
.tiles { display: flex; flex-wrap: wrap; gap: .6rem; margin: .8rem 0 1rem; padding: 0; list-style: none; }
.tiles li { border: 1px solid var(--line); border-left-width: 6px; border-radius: 4px; padding: .35rem .9rem; min-width: 8.5rem; }
.tiles b { display: block; font-size: 1.6rem; line-height: 1.2; }
.tiles .error { border-left-color: var(--err); } .tiles .warning { border-left-color: var(--warn-line); }
.tiles .info { border-left-color: var(--info); } .tiles .ok { border-left-color: var(--ok); }
.tiles .na { border-left-color: var(--muted); }
table.grid { border-collapse: collapse; margin: .4rem 0 .8rem; }
table.grid th, table.grid td { border: 1px solid var(--line); padding: .25rem .6rem; text-align: left; vertical-align: top; }
table.grid thead th { background: #f1f3f4; }
table.grid td.n, table.grid th.n { text-align: right; font-variant-numeric: tabular-nums; }
table.grid tr.quiet td { color: var(--muted); }
.legend { display: flex; flex-wrap: wrap; gap: .4rem 1.4rem; margin: .6rem 0; padding: .5rem .8rem; background: #f8f9fa; border: 1px solid var(--line); border-radius: 4px; font-size: .92rem; }
.legend span.sample { display: inline-block; padding: 0 .45rem; margin-right: .3rem; }
.allclear { color: var(--ok); font-weight: 600; }
details.index > summary { font-weight: 600; margin-top: .8rem; }
td.nw { white-space: nowrap; }
.problems { padding-left: 1.2rem; }
.problems li { margin: .3rem 0; }
details > summary { cursor: pointer; padding: .2rem 0; }
details.tbl { margin: 1.2rem 0; border: 1px solid var(--line); border-radius: 6px; padding: .4rem .9rem .6rem; }
details.tbl[open] { padding-bottom: .9rem; }
details.tbl > summary .count { margin-left: .6rem; font-size: .92rem; }
details.tbl > summary .none { color: var(--ok); }
.sheet-wrap { margin-top: .6rem; }
table.sheet { border-collapse: collapse; font-variant-numeric: tabular-nums; }
table.sheet th, table.sheet td { border: 1px solid var(--line); padding: .2rem .55rem; vertical-align: top; }
table.sheet thead th { background: #eef0f2; text-align: left; font-weight: 600; }
table.sheet th.ln { background: #f6f7f8; color: var(--muted); font-weight: 400; text-align: right; font-size: .85em; min-width: 2.4em; }
table.sheet td.n { text-align: right; white-space: nowrap; }
table.sheet td.m { color: var(--muted); }
table.sheet tr.gap td { color: var(--muted); font-style: italic; text-align: center; }
.hit { position: relative; }
.hit.error { background: var(--err-bg); outline: 2px solid var(--err); outline-offset: -2px; }
.hit.warning { background: var(--warn-bg); outline: 2px dashed var(--warn-line); outline-offset: -2px; }
.hit.info { background: var(--info-bg); outline: 2px dotted var(--info); outline-offset: -2px; }
.hit:focus { box-shadow: 0 0 0 3px var(--focus); z-index: 2; }
.hit:focus:not(:focus-visible) { box-shadow: none; }
.hit:focus-visible { box-shadow: 0 0 0 3px var(--focus); }
.rel { background-image: repeating-linear-gradient(135deg, transparent 0 5px, rgba(0,0,0,.07) 5px 7px); }
.rel.error { box-shadow: inset 0 0 0 1px rgba(179,38,30,.45); }
.rel.warning { box-shadow: inset 0 0 0 1px rgba(199,119,0,.5); }
.rel.info { box-shadow: inset 0 0 0 1px rgba(11,87,208,.4); }
a.badge { display: inline-block; margin-right: .4rem; padding: 0 .3rem; border-radius: 3px; font-size: .78em; font-weight: 700; line-height: 1.5; text-decoration: none; color: #fff; white-space: nowrap; }
a.badge.error { background: var(--err); } a.badge.warning { background: var(--warn-line); color: #1f1f1f; } a.badge.info { background: var(--info); }
.tip { display: none; position: absolute; top: 100%; left: 0; z-index: 20; width: 30rem; max-width: 80vw; padding: .5rem .7rem; background: #fff; color: #1f1f1f; border: 1px solid #777; border-radius: 4px; box-shadow: 0 4px 14px rgba(0,0,0,.22); text-align: left; white-space: normal; font-weight: 400; font-size: .9rem; }
td.n > .tip { left: auto; right: 0; }
.tip > span { display: block; }
.tip small { color: var(--muted); }
.tip > span + span { margin-top: .4rem; padding-top: .4rem; border-top: 1px solid var(--line); }
.hit:hover > .tip, .hit:focus > .tip { display: block; }
.hit.tipoff > .tip.tip { display: none; }
ol.findings { list-style: none; padding: 0; margin: .8rem 0 0; }
li.finding { border: 1px solid var(--line); border-left: 6px solid; border-radius: 4px; padding: .5rem .8rem; margin: .5rem 0; max-width: 62rem; }
li.finding.error { border-left-color: var(--err); }
li.finding.warning { border-left-color: var(--warn-line); }
li.finding.info { border-left-color: var(--info); }
li.finding:target, .hit:target { box-shadow: 0 0 0 3px var(--focus); }
.fhead { font-weight: 600; }
.fhead .no { display: inline-block; min-width: 2.2em; color: var(--muted); }
.sev { text-transform: uppercase; font-size: .8em; letter-spacing: .04em; }
.where { color: var(--muted); font-size: .92rem; }
.msg { font-size: 1.02rem; }
table.values { border-collapse: collapse; margin: .35rem 0; font-size: .92rem; }
table.values th, table.values td { border: 1px solid var(--line); padding: .1rem .5rem; text-align: left; }
table.values th { background: #f6f7f8; font-weight: 400; color: #3c4043; max-width: 22rem; overflow-wrap: anywhere; }
table.values td { font-variant-numeric: tabular-nums; white-space: nowrap; }
.fix { background: #eef7ee; border-left: 3px solid #2e7d32; padding: .3rem .6rem; margin: .4rem 0; }
.help { background: #f8f9fa; border-left: 3px solid var(--line); padding: .3rem .6rem; margin: .4rem 0; }
.rule { color: var(--muted); font-size: .85rem; }
p.related { font-size: .92rem; }
.skipnote { color: var(--muted); font-size: .92rem; }
@media print {
  body { padding: 0; font-size: 10pt; }
  h2 { break-after: avoid; }
  a { color: inherit; text-decoration: none; }
  .tip, .noprint { display: none !important; }
  details > summary { list-style: none; }
  details > summary::-webkit-details-marker { display: none; }
  details::details-content { content-visibility: visible; display: contents; }
  details.tbl { border: none; padding: 0; }
  table.sheet tr, li.finding { break-inside: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"#;

/// Opens every `<details>` before printing, so the printout holds everything, and the one
/// around a cell or finding that a link leads to; Escape hides a cell's tooltip.
const JS: &str = r#"
window.addEventListener("beforeprint", function () {
  document.querySelectorAll("details").forEach(function (d) { d.open = true; });
});
function rimligReveal() {
  var e = location.hash && document.getElementById(location.hash.slice(1));
  for (; e; e = e.parentElement) { if (e.tagName === "DETAILS") { e.open = true; } }
}
window.addEventListener("hashchange", rimligReveal);
document.addEventListener("keydown", function (e) {
  var a = document.activeElement;
  if (e.key === "Escape" && a && a.classList.contains("hit")) { a.classList.add("tipoff"); }
});
document.addEventListener("focusout", function (e) {
  if (e.target.classList && e.target.classList.contains("hit")) { e.target.classList.remove("tipoff"); }
});
window.addEventListener("DOMContentLoaded", rimligReveal);
"#;

/// The whole page.
pub fn render(run: &Run) -> String {
    let l = layout(run);
    let mut out = String::with_capacity(64 * 1024);
    // Whose reports: `Verksamhetsstöd och service · 2020-08, 2020-10`, each unit once.
    let units: Vec<String> = {
        let mut u: Vec<(String, Vec<String>)> = Vec::new();
        // Where each unit is in `u`: a tree of ten thousand reports has as many units.
        let mut at: HashMap<String, usize> = HashMap::new();
        for r in &run.reports {
            let (unit, period) = match (&r.meta.unit, &r.meta.period) {
                (Some(unit), Some(p)) => (unit.clone(), Some(p.clone())),
                _ => (report_title(r), None),
            };
            match at.get(&unit) {
                Some(&i) => u[i].1.extend(period),
                None => {
                    at.insert(unit.clone(), u.len());
                    u.push((unit, period.into_iter().collect()));
                }
            }
        }
        u.into_iter()
            .map(|(unit, periods)| {
                if periods.is_empty() {
                    unit
                } else {
                    format!("{unit} · {}", periods.join(", "))
                }
            })
            .collect()
    };
    let title = if units.is_empty() {
        "Rimlighetskontroll".to_string()
    } else {
        format!("Rimlighetskontroll – {}", units.join("; "))
    };
    out.push_str("<!DOCTYPE html>\n<html lang=\"sv\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(out, "<title>{}</title>", escape(&title));
    let _ = writeln!(out, "<style>{CSS}</style>");
    let _ = writeln!(out, "<script>{JS}</script>");
    out.push_str("</head>\n<body>\n");
    summary(run, &l, &units, &mut out);
    let mut table_no = 0;
    for (ri, report) in run.reports.iter().enumerate() {
        let _ = writeln!(
            out,
            "<section class=\"report\" id=\"r{ri}\">\n<h2>{}</h2>\n<p class=\"path\">{}</p>",
            escape(&report_title(report)),
            escape(&report_name(report))
        );
        if report.tables.is_empty() {
            out.push_str("<p>Rapporten har inga tabeller.</p>\n");
        }
        for table in &report.tables {
            render_table(run, &l, table_no, table, &mut out);
            table_no += 1;
        }
        out.push_str("</section>\n");
    }
    if !l.unplaced.is_empty() {
        out.push_str("<section id=\"ovriga\">\n<h2>Fynd utanför tabellerna</h2>\n");
        out.push_str(
            "<p>De här fynden pekar inte på någon cell i de kontrollerade tabellerna \
             (till exempel en cell i en tidigare rapport, eller en hel regel).</p>\n",
        );
        out.push_str("<ol class=\"findings\">\n");
        for &i in &l.unplaced {
            finding_item(run, &l, i, &mut out);
        }
        out.push_str("</ol>\n</section>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

fn summary(run: &Run, l: &Layout, units: &[String], out: &mut String) {
    let s = run.summary();
    out.push_str("<header>\n<h1>Rimlighetskontroll</h1>\n");
    if !units.is_empty() {
        let _ = writeln!(out, "<p class=\"units\">{}</p>", escape(&units.join("; ")));
    }
    let _ = writeln!(
        out,
        "<p class=\"lead\">Kontrollerade {} ({}) mot {}: {}, {}, {}; {} godkända, {} ej tillämpliga{}.</p>",
        plural(s.reports, "rapport", "rapporter"),
        plural(s.tables, "tabell", "tabeller"),
        plural(s.rules, "regel", "regler"),
        sev_count(Severity::Error, s.findings.error),
        sev_count(Severity::Warning, s.findings.warning),
        sev_count(Severity::Info, s.findings.info),
        plural(s.instances.passed, "kontroll", "kontroller"),
        s.instances.not_applicable,
        {
            let n = s.problems.error + s.problems.warning + s.problems.info;
            if n > 0 {
                format!("; {n} problem i indata")
            } else {
                String::new()
            }
        }
    );
    out.push_str("</header>\n<section id=\"sammanfattning\">\n<h2>Sammanfattning</h2>\n");
    out.push_str("<ul class=\"tiles\">\n");
    for (sev, n) in [
        (Severity::Error, s.findings.error),
        (Severity::Warning, s.findings.warning),
        (Severity::Info, s.findings.info),
    ] {
        let word = match sev {
            Severity::Error => "Fel",
            Severity::Warning => "Varningar",
            Severity::Info => "Info",
        };
        let _ = writeln!(
            out,
            "<li class=\"{c}\" data-count=\"{c}\"><b>{n}</b><span class=\"sym\" aria-hidden=\"true\">{}</span> {word}</li>",
            sev_symbol(sev),
            c = sev_class(sev),
        );
    }
    let _ = writeln!(
        out,
        "<li class=\"ok\" data-count=\"passed\"><b>{}</b>Godkända kontroller</li>\n\
         <li class=\"na\" data-count=\"not_applicable\"><b>{}</b>Ej tillämpliga</li>",
        s.instances.passed, s.instances.not_applicable
    );
    out.push_str("</ul>\n");

    // Input problems, plainly.
    out.push_str("<h3>Problem i indata</h3>\n");
    if run.problems.is_empty() {
        out.push_str("<p>Inga problem: alla datafiler och regelfiler kunde läsas.</p>\n");
    } else {
        out.push_str("<ul class=\"problems\">\n");
        for p in &run.problems {
            problem_item(run, p, out);
        }
        out.push_str("</ul>\n");
    }

    // Per report: totals, then per rule.
    out.push_str("<h3>Per rapport</h3>\n");
    out.push_str(
        "<table class=\"grid\"><thead><tr><th>Rapport</th><th class=\"n\">Tabeller</th>\
         <th class=\"n\">Fel</th><th class=\"n\">Varningar</th><th class=\"n\">Info</th>\
         <th class=\"n\">Godkända</th><th class=\"n\">Ej tillämpliga</th></tr></thead>\n<tbody>\n",
    );
    let by_report = ByReport::of(run);
    for (ri, report) in run.reports.iter().enumerate() {
        let name = report_name(report);
        let c = by_report.findings(&name, None);
        let (passed, na) = by_report
            .stats(&name)
            .iter()
            .fold((0, 0), |(p, n), (_, st)| {
                (p + st.passed, n + st.not_applicable)
            });
        let _ = writeln!(
            out,
            "<tr data-report=\"{}\"><td><a href=\"#r{ri}\">{}</a><br><span class=\"path\">{}</span></td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{passed}</td><td class=\"n\">{na}</td></tr>",
            escape(&name),
            escape(&report_title(report)),
            escape(&name),
            report.tables.len(),
            c[0],
            c[1],
            c[2],
        );
    }
    out.push_str("</tbody></table>\n");
    for report in &run.reports {
        rule_table(run, &by_report, report, out);
    }
    finding_index(run, l, out);
    legend(out);
    out.push_str("</section>\n");
}

/// The findings and rule counts of each report, gathered in one pass: looked up report by
/// report, a tree of ten thousand reports took seconds.
struct ByReport<'a> {
    /// Errors, warnings and info per report, and per report and rule.
    findings: HashMap<(&'a str, Option<&'a str>), [usize; 3]>,
    /// The counts of each rule in each report, in the run's order.
    stats: HashMap<&'a str, Vec<(&'a str, &'a crate::eval::Stats)>>,
}

impl<'a> ByReport<'a> {
    fn of(run: &'a Run) -> ByReport<'a> {
        let mut findings: HashMap<_, [usize; 3]> = HashMap::new();
        for f in &run.outcome.findings {
            for key in [(&*f.report, None), (&*f.report, Some(&*f.rule))] {
                findings.entry(key).or_default()[f.severity as usize] += 1;
            }
        }
        let mut stats: HashMap<&str, Vec<_>> = HashMap::new();
        for (rule, report, st) in &run.outcome.stats_by_report {
            stats
                .entry(report.as_str())
                .or_default()
                .push((rule.as_str(), st));
        }
        ByReport { findings, stats }
    }

    /// Errors, warnings and info of `report`, or of one rule in it.
    fn findings(&self, report: &str, rule: Option<&str>) -> [usize; 3] {
        self.findings
            .get(&(report, rule))
            .copied()
            .unwrap_or_default()
    }

    fn stats(&self, report: &str) -> &[(&'a str, &'a crate::eval::Stats)] {
        self.stats.get(report).map_or(&[], Vec::as_slice)
    }
}

/// Every finding on one line, the most serious first, each a link to where it is written
/// out: the list of what to fix.
fn finding_index(run: &Run, l: &Layout, out: &mut String) {
    let findings = &run.outcome.findings;
    if findings.is_empty() {
        out.push_str("<p class=\"allclear\">✓ Inga fynd: alla kontroller som kunde avgöras gick igenom.</p>\n");
        return;
    }
    let mut order: Vec<usize> = (0..findings.len()).collect();
    order.sort_by_key(|&i| (findings[i].severity, num(l, i)));
    // One unit's reports are told apart by their period.
    let one_unit = run.reports.iter().all(|r| {
        r.meta.unit.is_some() && r.meta.period.is_some() && r.meta.unit == run.reports[0].meta.unit
    });
    let reports: HashMap<String, String> = run
        .reports
        .iter()
        .map(|r| {
            let short = match (&r.meta.period, one_unit) {
                (Some(p), true) => p.clone(),
                _ => report_title(r),
            };
            (report_name(r), short)
        })
        .collect();
    // A long list starts folded.
    let open = if findings.len() <= 50 { " open" } else { "" };
    let _ = writeln!(
        out,
        "<details class=\"index\"{open}><summary>Alla fynd ({}), de allvarligaste först</summary>\n\
         <table class=\"grid\"><thead><tr><th class=\"n\">Nr</th><th>Allvar</th><th>Rapport</th>\
         <th>Tabell</th><th>Rad</th><th>Kolumn</th><th>Kontroll</th></tr></thead>\n<tbody>",
        findings.len()
    );
    for i in order {
        let f = &findings[i];
        let n = num(l, i);
        let row = match &f.row_key {
            Some(k) if !k.is_empty() => format!("{} ({})", f.line, k),
            _ => f.line.to_string(),
        };
        let row = match l.placed[i].as_ref().and_then(|p| p.2) {
            Some(Target::Header) => "hela tabellen".to_string(),
            Some(Target::Row(_)) => format!("{row}, hela raden"),
            _ => row,
        };
        let _ = writeln!(
            out,
            "<tr class=\"{c}\"><td class=\"n\"><a href=\"#f-{n}\">{n}</a></td>\
             <td class=\"nw\"><span class=\"sym\" aria-hidden=\"true\">{}</span> {}</td><td class=\"nw\">{}</td><td>{}</td>\
             <td>{}</td><td>{}</td><td>{}</td></tr>",
            sev_symbol(f.severity),
            sev_word(f.severity),
            escape(
                reports
                    .get(f.report.as_str())
                    .map_or(f.report.as_str(), |s| s.as_str())
            ),
            escape(&f.table),
            escape(&row),
            escape(f.column_name.as_deref().unwrap_or("")),
            escape(&f.title),
            c = sev_class(f.severity),
        );
    }
    out.push_str("</tbody></table>\n</details>\n");
}

fn legend(out: &mut String) {
    out.push_str(
        "<div class=\"legend\" role=\"note\"><strong>Så läser du tabellerna:</strong>\
         <span><span class=\"sample hit error\"><span class=\"sym\">✖</span></span>Fel (hel ram)</span>\
         <span><span class=\"sample hit warning\"><span class=\"sym\">▲</span></span>Varning (streckad ram)</span>\
         <span><span class=\"sample hit info\"><span class=\"sym\">ℹ</span></span>Info (prickad ram)</span>\
         <span><span class=\"sample rel\">&nbsp;&nbsp;&nbsp;</span>Randig cell: ingår i jämförelsen</span>\
         <span>Håll muspekaren över en markerad cell, eller gå dit med Tab, för att se fyndet. \
         Alla fynd står också under sin tabell.</span></div>\n",
    );
}

fn problem_item(run: &Run, p: &Problem, out: &mut String) {
    let at = match p.labels.first() {
        Some(label) => {
            let file = run.sources.get(label.source);
            let (line, col) = file.line_col(label.span.start);
            format!("{}:{line}:{col}", file.name)
        }
        None => p.path.clone().unwrap_or_default(),
    };
    let kind = match p.kind {
        crate::problem::ProblemKind::Data => "Datafil",
        crate::problem::ProblemKind::Rules => "Regelfil",
        crate::problem::ProblemKind::Config => "Inställningar",
        crate::problem::ProblemKind::Io => "Fil",
    };
    let _ = write!(
        out,
        "<li class=\"{c}\" data-problem=\"{code}\" data-severity=\"{c}\"><span class=\"sym\" aria-hidden=\"true\">{sym}</span> \
         <strong>{word}</strong> · {kind} · <code>{code}</code>",
        c = sev_class(p.severity),
        sym = sev_symbol(p.severity),
        word = sev_word(p.severity),
        code = escape(p.code),
    );
    if !at.is_empty() {
        let _ = write!(out, " · <span class=\"path\">{}</span>", escape(&at));
    }
    let _ = write!(out, "<br>{}", escape(&p.message));
    if let Some(h) = &p.help {
        let _ = write!(out, "<div class=\"help\">{}</div>", text_with_breaks(h));
    }
    out.push_str("</li>\n");
}

/// Escaped text whose line breaks stay line breaks.
fn text_with_breaks(s: &str) -> String {
    s.split('\n')
        .map(|line| escape(line.strip_suffix('\r').unwrap_or(line)))
        .collect::<Vec<_>>()
        .join("<br>")
}

/// Per rule: findings by severity, passed and not applicable in one report.
fn rule_table(run: &Run, by_report: &ByReport<'_>, report: &Report, out: &mut String) {
    let name = report_name(report);
    let titles: HashMap<&str, &str> = run
        .rules
        .rules
        .iter()
        .map(|r| {
            (
                r.rule.id.text.as_str(),
                r.rule.title.as_ref().map_or("", |t| t.text.as_str()),
            )
        })
        .collect();
    struct RuleRow<'a> {
        rule: &'a str,
        c: [usize; 3],
        passed: usize,
        na: usize,
    }
    let mut rows: Vec<RuleRow> = Vec::new();
    let mut untouched = 0;
    for &(rule, st) in by_report.stats(&name) {
        let c = by_report.findings(&name, Some(rule));
        if st.passed + st.failed + st.not_applicable == 0 && c == [0; 3] {
            untouched += 1;
            continue;
        }
        rows.push(RuleRow {
            rule,
            c,
            passed: st.passed,
            na: st.not_applicable,
        });
    }
    // Rules with findings first, the most serious first; otherwise in rule order.
    rows.sort_by_key(|r| {
        if r.c[0] > 0 {
            0
        } else if r.c[1] > 0 {
            1
        } else if r.c[2] > 0 {
            2
        } else {
            3
        }
    });
    let with = rows.iter().filter(|r| r.c != [0; 3]).count();
    let _ = writeln!(
        out,
        "<details class=\"rules\" data-report=\"{}\"><summary>Kontroller per regel i <strong>{}</strong>: \
         {} som gällde rapporten, {} med fynd</summary>",
        escape(&name),
        escape(&report_title(report)),
        plural(rows.len(), "regel", "regler"),
        with
    );
    out.push_str(
        "<table class=\"grid\"><thead><tr><th>Regel</th><th class=\"n\">Fel</th>\
         <th class=\"n\">Varningar</th><th class=\"n\">Info</th><th class=\"n\">Godkända</th>\
         <th class=\"n\">Ej tillämpliga</th></tr></thead>\n<tbody>\n",
    );
    for r in &rows {
        let quiet = if r.c == [0; 3] {
            " class=\"quiet\""
        } else {
            ""
        };
        let title = titles.get(r.rule).copied().unwrap_or("");
        let _ = write!(
            out,
            "<tr{quiet} data-rule=\"{}\"><td><code>{}</code>",
            escape(r.rule),
            escape(r.rule)
        );
        if !title.is_empty() {
            let _ = write!(out, " {}", escape(title));
        }
        out.push_str("</td>");
        for (k, sev) in [Severity::Error, Severity::Warning, Severity::Info]
            .into_iter()
            .enumerate()
        {
            if r.c[k] > 0 {
                let _ = write!(
                    out,
                    "<td class=\"n {c}\"><span class=\"sym\" aria-hidden=\"true\">{}</span> {}</td>",
                    sev_symbol(sev),
                    r.c[k],
                    c = sev_class(sev)
                );
            } else {
                out.push_str("<td class=\"n\">0</td>");
            }
        }
        let _ = writeln!(
            out,
            "<td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            r.passed, r.na
        );
    }
    out.push_str("</tbody></table>\n");
    if untouched > 0 {
        let _ = writeln!(
            out,
            "<p class=\"skipnote\">{} gällde inga tabeller i rapporten.</p>",
            plural(untouched, "regel", "regler")
        );
    }
    let na: Vec<_> = run
        .outcome
        .not_applicable
        .iter()
        .filter(|n| n.report == name)
        .collect();
    if !na.is_empty() {
        let _ = writeln!(
            out,
            "<details class=\"na\"><summary>Kontroller som inte kunde avgöras ({}{})</summary><ul>",
            na.len(),
            // Past the first thousand of a rule they are counted, not listed.
            if run.outcome.not_applicable_unlisted.is_empty() {
                ""
            } else {
                " listade; de första 1 000 per regel"
            }
        );
        for n in na {
            let at = match (&n.table, &n.row_key) {
                (Some(t), Some(k)) => format!(" · {t} · {k}"),
                (Some(t), None) => format!(" · {t}"),
                _ => String::new(),
            };
            let _ = writeln!(
                out,
                "<li><code>{}</code>{}: {}</li>",
                escape(&n.rule),
                escape(&at),
                escape(&n.reason)
            );
        }
        out.push_str("</ul></details>\n");
    }
    out.push_str("</details>\n");
}

fn render_table(run: &Run, l: &Layout, table_no: usize, table: &Table, out: &mut String) {
    let findings = &run.outcome.findings;
    let mine = &l.by_table[table_no];
    let file = run.sources.get(table.source);
    let ncols = (0..table.rows.len())
        .map(|r| table.cell_count(r))
        .chain(std::iter::once(table.headers.len()))
        .max()
        .unwrap_or(0);
    let open = if mine.is_empty() { "" } else { " open" };
    let _ = write!(
        out,
        "<details class=\"tbl\" id=\"t{table_no}\" data-table=\"{}\"{open}><summary><h3>{}</h3> \
         <span class=\"path\">{}</span>",
        escape(&table.name),
        escape(&table.name),
        escape(&file.name)
    );
    if mine.is_empty() {
        let _ = write!(
            out,
            "<span class=\"count none\">✓ Inga fynd · {}</span>",
            plural(table.rows.len(), "rad", "rader")
        );
    } else {
        let mut c = [0; 3];
        for &i in mine {
            c[findings[i].severity as usize] += 1;
        }
        let parts: Vec<String> = [Severity::Error, Severity::Warning, Severity::Info]
            .into_iter()
            .zip(c)
            .filter(|(_, n)| *n > 0)
            .map(|(s, n)| {
                format!(
                    "<span class=\"{}\"><span class=\"sym\" aria-hidden=\"true\">{}</span> {}</span>",
                    sev_class(s),
                    sev_symbol(s),
                    sev_count(s, n)
                )
            })
            .collect();
        let _ = write!(out, "<span class=\"count\">{}</span>", parts.join(", "));
    }
    let shown = rows_shown(l, table_no, table.rows.len());
    if let Some(shown) = &shown {
        let _ = write!(
            out,
            " <span class=\"path\">visar {} av {} rader: de som fynden gäller och {ROWS_AROUND} runt var och en</span>",
            grouped(shown.iter().filter(|s| **s).count()),
            grouped(table.rows.len()),
        );
    }
    out.push_str("</summary>\n<div class=\"sheet-wrap\">\n<table class=\"sheet\">\n<thead><tr>");
    // The header row: its line number stands for the whole table.
    let header_line = table
        .headers
        .first()
        .map_or(1, |h| file.line_col(h.span.start).0);
    line_head(
        run,
        l,
        (table_no, table),
        Target::Header,
        header_line,
        "col",
        out,
    );
    for c in 0..ncols {
        let text = table.headers.get(c).map_or("", |h| h.text.as_str());
        let _ = write!(out, "<th scope=\"col\">{}</th>", escape(text));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    let mut left_out = 0;
    for (r, row) in table.rows.iter().enumerate() {
        if !shown.as_ref().is_none_or(|s| s[r]) {
            left_out += 1;
            continue;
        }
        if left_out > 0 {
            rows_left_out(left_out, ncols, out);
            left_out = 0;
        }
        out.push_str("<tr>");
        line_head(
            run,
            l,
            (table_no, table),
            Target::Row(r),
            row.line(),
            "row",
            out,
        );
        let cells = table.row_cells(r);
        for c in 0..ncols {
            match cells.get(c).copied() {
                Some(cell) => {
                    let class = match cell.value(table) {
                        CellValue::Number(_) => "n",
                        CellValue::Missing(_) => "m",
                        CellValue::Text(_) => "t",
                    };
                    let t = Target::Cell(r, c);
                    open_marked(run, l, (table_no, table), t, "td", class, out);
                    let _ = write!(out, "{}</td>", escape(cell.raw(table)));
                }
                None => out.push_str("<td class=\"m\"></td>"),
            }
        }
        out.push_str("</tr>\n");
    }
    if left_out > 0 {
        rows_left_out(left_out, ncols, out);
    }
    out.push_str("</tbody>\n</table>\n</div>\n");
    if !mine.is_empty() {
        let _ = writeln!(
            out,
            "<h4 id=\"t{table_no}-fynd\">Fynd i {} ({})</h4>\n<ol class=\"findings\">",
            escape(&table.name),
            mine.len()
        );
        for &i in mine {
            finding_item(run, l, i, out);
        }
        out.push_str("</ol>\n");
    }
    out.push_str("</details>\n");
}

/// Rows of a table the page shows whole. A report's tables have tens or hundreds of rows; a
/// table of a million (266 MB of HTML, more than a browser opens) shows only the rows that
/// findings point at, with [`ROWS_AROUND`] rows above and below each.
const ROWS_SHOWN_WHOLE: usize = 2_000;

/// Rows shown above and below a row that a finding points at, in a table too large to show
/// whole.
const ROWS_AROUND: usize = 2;

/// Which rows of table `table_no` (of `rows` rows) are shown: `None` for all of them.
fn rows_shown(l: &Layout, table_no: usize, rows: usize) -> Option<Vec<bool>> {
    if rows <= ROWS_SHOWN_WHOLE {
        return None;
    }
    let mut shown = vec![false; rows];
    let marked =
        l.at.keys()
            .chain(l.related_at.keys())
            .filter(|(n, _)| *n == table_no);
    for (_, t) in marked {
        let r = match *t {
            Target::Header => continue,
            Target::Row(r) | Target::Cell(r, _) => r,
        };
        let around = r.saturating_sub(ROWS_AROUND)..(r + ROWS_AROUND + 1).min(rows);
        shown[around].fill(true);
    }
    Some(shown)
}

/// The row that stands for `n` rows not shown.
fn rows_left_out(n: usize, ncols: usize, out: &mut String) {
    let _ = writeln!(
        out,
        "<tr class=\"gap\"><th class=\"ln\">⋯</th><td colspan=\"{}\">{} {} utan fynd visas inte</td></tr>",
        ncols.max(1),
        grouped(n),
        if n == 1 { "rad" } else { "rader" }
    );
}

/// A rendered table: its number on the page, and the table.
type TableAt<'a> = (usize, &'a Table);

/// The span in the table's file that a target stands for.
fn target_span(table: &Table, t: Target) -> Span {
    match t {
        Target::Header => table
            .headers
            .first()
            .zip(table.headers.last())
            .map(|(a, b)| a.span.join(b.span))
            .unwrap_or_default(),
        Target::Row(r) => table.rows[r].span(),
        Target::Cell(r, c) => table.cell(r, c).map(|x| x.span()).unwrap_or_default(),
    }
}

/// The line-number cell of the header row or of a row.
fn line_head(
    run: &Run,
    l: &Layout,
    at: TableAt,
    t: Target,
    line: usize,
    scope: &str,
    out: &mut String,
) {
    let tag = format!("th scope=\"{scope}\"");
    open_marked(run, l, at, t, &tag, "ln", out);
    let _ = write!(out, "{line}</th>");
}

/// Open a cell (`<td …>` or `<th …>`), with its marks, badges and tooltip when findings
/// point at it; the caller writes its text and closes it.
fn open_marked(
    run: &Run,
    l: &Layout,
    (table_no, table): TableAt,
    t: Target,
    tag: &str,
    class: &str,
    out: &mut String,
) {
    let findings = &run.outcome.findings;
    if let Some(hits) = l.at.get(&(table_no, t)) {
        let sev = worst(findings, hits);
        let file = run.sources.get(table.source);
        let (line, col) = file.line_col(target_span(table, t).start);
        let rules: Vec<&str> = hits.iter().map(|&i| findings[i].rule.as_str()).collect();
        let described: Vec<String> = hits.iter().map(|&i| format!("f-{}", num(l, i))).collect();
        let rel = l
            .related_at
            .get(&(table_no, t))
            .map(|r| {
                let nums: Vec<String> = r.iter().map(|&i| num(l, i).to_string()).collect();
                format!(" data-related=\"{}\"", nums.join(" "))
            })
            .unwrap_or_default();
        let _ = write!(
            out,
            "<{tag} id=\"{id}\" class=\"{class} hit {c}\" tabindex=\"0\" data-finding=\"{}\" \
             data-severity=\"{c}\" data-cell=\"{}\"{rel} aria-describedby=\"{}\">",
            escape(&rules.join(" ")),
            escape(&format!("{}:{line}:{col}", file.name)),
            described.join(" "),
            id = target_id(table_no, t),
            c = sev_class(sev),
        );
        for &i in hits {
            let f = &findings[i];
            let _ = write!(
                out,
                "<a class=\"badge {c}\" href=\"#f-{n}\" tabindex=\"-1\" aria-hidden=\"true\">{} {n}</a>",
                sev_symbol(f.severity),
                c = sev_class(f.severity),
                n = num(l, i),
            );
        }
        out.push_str("<span class=\"tip\" aria-hidden=\"true\">");
        for &i in hits {
            let f = &findings[i];
            let _ = write!(
                out,
                "<span><b class=\"{c}\">{n}. <span class=\"sym\">{}</span> {} · {}</b><br>{}\
                 <br><small>Regel {} · mer under tabellen</small></span>",
                sev_symbol(f.severity),
                sev_word(f.severity),
                escape(&f.title),
                escape(&f.message),
                escape(&f.instance_name()),
                c = sev_class(f.severity),
                n = num(l, i),
            );
        }
        out.push_str("</span>");
    } else if let Some(rel) = l.related_at.get(&(table_no, t)) {
        let sev = worst(findings, rel);
        let nums: Vec<String> = rel.iter().map(|&i| num(l, i).to_string()).collect();
        let _ = write!(
            out,
            "<{tag} id=\"{}\" class=\"{class} rel {c}\" data-related=\"{}\" title=\"Ingår i fynd {}\">",
            target_id(table_no, t),
            nums.join(" "),
            nums.join(", "),
            c = sev_class(sev),
        );
    } else {
        let _ = write!(out, "<{tag} class=\"{class}\">");
    }
}

/// One finding, in full: where, what, the two sides, help and the rule.
fn finding_item(run: &Run, l: &Layout, i: usize, out: &mut String) {
    let f = &run.outcome.findings[i];
    let (n, cell_id, target) = l.placed[i].clone().unwrap_or((0, String::new(), None));
    let c = sev_class(f.severity);
    let _ = write!(
        out,
        "<li class=\"finding {c}\" id=\"f-{n}\" data-rule=\"{}\" data-severity=\"{c}\" data-fingerprint=\"{}\">\
         <p class=\"fhead\"><span class=\"no\">{n}.</span><span class=\"sym\" aria-hidden=\"true\">{}</span> \
         <span class=\"sev\">{}</span> · {}</p>",
        escape(&f.rule),
        f.fingerprint(),
        sev_symbol(f.severity),
        sev_word(f.severity),
        escape(&f.title),
    );
    let row = match &f.row_key {
        Some(k) if !k.is_empty() => format!("{} ({})", f.line, escape(k)),
        _ => f.line.to_string(),
    };
    let mut at = match target {
        Some(Target::Header) => "Hela tabellen".to_string(),
        Some(Target::Row(_)) => format!("Hela rad {row}"),
        _ => {
            let mut at = format!("Rad {row}");
            if let Some(col) = &f.column_name {
                let _ = write!(at, " · kolumn {}", escape(col));
            }
            at
        }
    };
    match target {
        Some(Target::Cell(..)) => {
            let _ = write!(
                at,
                "<span class=\"noprint\"> · <a href=\"#{cell_id}\">visa cellen</a></span>"
            );
        }
        Some(_) => {
            let _ = write!(
                at,
                "<span class=\"noprint\"> · <a href=\"#{cell_id}\">visa i tabellen</a></span>"
            );
        }
        None => {}
    }
    let _ = write!(out, "<p class=\"where\">{at}</p>");
    let _ = write!(out, "<p class=\"msg\">{}</p>", escape(&f.message));
    if let Some(v) = &f.values {
        // The check written over its values: `avvikelse == prognos - budget` above
        // `995 | 1 000`, then the difference and the tolerance.
        let mut head = vec![format!("<code>{}</code>", escape(&v.left_expr))];
        let mut body = vec![escape(&figure(&v.left))];
        head.push(format!("<code>{}</code>", escape(&v.op)));
        body.push(String::new());
        if !v.right_expr.is_empty() {
            head.push(format!("<code>{}</code>", escape(&v.right_expr)));
            body.push(escape(&figure(&v.right)));
        }
        if let Some(d) = &v.difference {
            head.push("Skillnad".to_string());
            body.push(escape(&figure(d)));
        }
        if let Some(t) = &v.tolerance {
            head.push("Tolerans".to_string());
            body.push(escape(t));
        }
        let _ = write!(
            out,
            "<table class=\"values\"><tr><th>{}</th></tr><tr><td>{}</td></tr></table>",
            head.join("</th><th>"),
            body.join("</td><td>")
        );
    }
    if !f.related.is_empty() {
        let items: Vec<String> = f
            .related
            .iter()
            .map(|r| {
                let pos = escape(&format!("{}:{}:{}", r.file, r.line, r.column));
                match l.cell_ids.get(&(r.source, r.span)) {
                    Some(id) => {
                        format!("<a href=\"#{id}\" title=\"{pos}\">{}</a>", escape(&r.text))
                    }
                    None => format!("{} <span class=\"path\">({pos})</span>", escape(&r.text)),
                }
            })
            .collect();
        let _ = write!(
            out,
            "<p class=\"related\">Jämfört med: {}</p>",
            items.join(" · ")
        );
    }
    // The likeliest correction, in front of the rule's advice.
    if let Some(fix) = f.fix.as_ref().filter(|x| !x.changes.is_empty()) {
        let _ = write!(
            out,
            "<p class=\"fix\"><strong>Förslag:</strong> {}</p>",
            escape(&fix.summary_in(Some(&f.file)))
        );
    }
    if let Some(h) = &f.help {
        let _ = write!(out, "<div class=\"help\">{}</div>", text_with_breaks(h));
    }
    let _ = writeln!(
        out,
        "<p class=\"rule\">Regel <code>{}</code> ({}:{}) · {}</p></li>",
        escape(&f.instance_name()),
        escape(&f.rule_file),
        f.rule_line,
        escape(&format!("{}:{}:{}", f.file, f.line, f.column)),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_the_five_characters() {
        assert_eq!(
            escape(r#"<a href="x">Tom & 'Jerry'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;"
        );
        assert_eq!(escape("Linköping"), "Linköping");
    }

    #[test]
    fn control_characters_are_shown() {
        assert_eq!(escape("a\x1b[2K\x07\rb\nc\td"), "a␛[2K␇␍b␊c\td");
        assert_eq!(text_with_breaks("a\nb\r\n\x1b"), "a<br>b<br>␛");
    }

    #[test]
    fn figures_are_written_the_swedish_way() {
        assert_eq!(figure("-1030"), "−1\u{a0}030");
        assert_eq!(figure("2.1"), "2,1");
        assert_eq!(figure("Summa"), "Summa");
    }
}
