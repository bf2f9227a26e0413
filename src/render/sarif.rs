//! `--format sarif`: SARIF 2.1.0, the static-analysis format of GitHub code scanning
//! (`github/codeql-action/upload-sarif`), Azure DevOps and most IDE viewers.
//!
//! One run. `tool.driver.rules` holds every loaded rule (disabled ones with
//! `defaultConfiguration.enabled: false`), then one descriptor per code of a problem that is a
//! result (`rules::syntax`, `data::ragged-row` …). Each finding is a result of its rule; each
//! problem about a file or folder is a result of its code, so a broken rule file or a ragged
//! row shows where the findings do (code scanning ignores `toolExecutionNotifications`). A
//! problem about a file or folder but no place in it is at line 1 of it (`region.startLine`:
//! code scanning shows an alert at a line). `invocations[0]` records the exit code and whether
//! the run itself worked (`executionSuccessful`: exit code below 2).
//!
//! Code scanning rejects a whole upload with a result that has no location (codeql-action
//! issue 2459: "locationFromSarifResult: expected at least one location"), so what has no
//! place is not a result but one of `invocations[0].toolExecutionNotifications`:
//!
//! - a problem about no file or folder (`check::nothing-decided`, which is about the run as a
//!   whole): `descriptor.id` its code, its level, and its message and help as `message.text`;
//! - failing instances counted beyond `[check] max_findings_per_rule`, which fail the run too,
//!   but of which the run keeps only their number per rule: one notification per rule,
//!   `descriptor.id` `check::unlisted`, `associatedRule` (`id`, `index`), the rule's level
//!   (`note` when they do not fail the run: an `[[allow]]` of the whole rule,
//!   `--update-baseline`, see [`crate::run::Unlisted::excused`]), a message with the count,
//!   and the count as `properties.unlisted`.
//!
//! A run has at most [`MAX_RESULTS`] results, the most severe first: code scanning rejects a
//! larger one whole. Those left out are counted in one more notification,
//! `sarif::results-left-out`.
//!
//! Positions: `artifactLocation.uri` is the file's path as rimlig shows it, with forward
//! slashes, relative when it was given relative (percent-encoded where a URI needs it: spaces,
//! `%`, non-ASCII letters); an absolute path becomes a `file://` URI. Regions are 1-based, in
//! characters (`columnKind: unicodeCodePoints`), `endColumn` just after the cell. The cell's
//! table, row and column are a logical location `table!row key/column` (kind `element`), the
//! way a workbook cell will be `Sheet!B12`. The cells a finding compared with are
//! `relatedLocations`. `partialFingerprints["rimlig/v1"]` is [`Finding::fingerprint`] (rule
//! instance, report, table, row key, column: stable when lines move or values change); for a
//! problem, [`super::problem_fingerprint`].
//!
//! [`Finding::fingerprint`]: crate::finding::Finding::fingerprint

use super::{
    Place, finding_place, problem_fingerprint, problem_place, problem_related, related_places,
};
use crate::catalog;
use crate::finding::Finding;
use crate::problem::{Problem, ProblemKind, Severity};
use crate::report::number::grouped;
use crate::run::Run;
use serde_json::{Map, Value, json};
use std::collections::HashMap;

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// SARIF's level for a severity.
pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A path as a URI reference: forward slashes; spaces, `%`, `:`, `#`, `?`, non-ASCII and the
/// other characters a URI path cannot hold percent-encoded (UTF-8); absolute paths as
/// `file:///…`.
pub fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let bytes = path.as_bytes();
    let drive =
        bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'/';
    let (prefix, rest) = if drive {
        ("file:///", &path[..])
    } else if let Some(rest) = path.strip_prefix('/') {
        ("file:///", rest)
    } else {
        ("", &path[..])
    };
    let mut out = String::from(prefix);
    for (i, b) in rest.bytes().enumerate() {
        // Unreserved characters, sub-delimiters, `@` and `/` may stand in a path; `:` only
        // after a drive letter (in a first segment it would read as a scheme).
        let keep = b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/' | b'@')
            || matches!(
                b,
                b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b','
            )
            || matches!(b, b';' | b'=')
            || (drive && i == 1 && b == b':');
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn physical(place: &Place) -> Value {
    let mut loc = json!({ "artifactLocation": { "uri": uri(&place.file) } });
    if let Some(r) = place.region {
        loc["region"] = json!({
            "startLine": r.start_line,
            "startColumn": r.start_column,
            "endLine": r.end_line,
            "endColumn": r.end_column,
        });
    }
    loc
}

/// `driftsammandrag!Kontakt Linköping/Avvikelse`: table, row key, column; parts that are not
/// known are left out (`driftsammandrag!/Avvikelse` for a column without a row).
pub fn logical_name(f: &Finding) -> String {
    let mut s = f.table.to_string();
    if f.row_key.is_some() || f.column_name.is_some() {
        s.push('!');
        s.push_str(f.row_key.as_deref().unwrap_or(""));
    }
    if let Some(c) = &f.column_name {
        s.push('/');
        s.push_str(c);
    }
    s
}

fn related(places: Vec<(Place, String)>) -> Vec<Value> {
    places
        .iter()
        .enumerate()
        .map(|(i, (p, text))| {
            json!({
                "id": i + 1,
                "physicalLocation": physical(p),
                "message": { "text": text },
            })
        })
        .collect()
}

fn kind_name(k: ProblemKind) -> &'static str {
    match k {
        ProblemKind::Data => "data",
        ProblemKind::Rules => "rules",
        ProblemKind::Config => "config",
        ProblemKind::Io => "io",
    }
}

fn kind_description(k: ProblemKind) -> &'static str {
    match k {
        ProblemKind::Data => "A report file that cannot be read as the data it claims to be",
        ProblemKind::Rules => {
            "A rule file with a problem: it does not parse, names something that does not exist, or has a check that cannot work as written"
        }
        ProblemKind::Config => "A report.toml or other configuration that cannot be used",
        ProblemKind::Io => "A path that does not exist or a file that cannot be read",
    }
}

fn rule_descriptors(run: &Run) -> Vec<Value> {
    let mut rules = Vec::new();
    for lr in &run.rules.rules {
        let info = catalog::rule_info(lr, &run.rules, &run.sources);
        let help = info.help.clone().unwrap_or_else(|| info.title.clone());
        let severity = match info.severity {
            "warning" => Severity::Warning,
            "info" => Severity::Info,
            _ => Severity::Error,
        };
        let mut config = json!({ "level": level(severity) });
        if !lr.enabled {
            config["enabled"] = json!(false);
        }
        rules.push(json!({
            "id": info.id,
            "name": info.id,
            "shortDescription": { "text": info.title },
            "fullDescription": { "text": help },
            "help": { "text": help },
            "defaultConfiguration": config,
            "properties": { "tags": info.tags },
        }));
    }
    rules
}

fn problem_descriptor(p: &Problem) -> Value {
    let text = kind_description(p.kind);
    json!({
        "id": p.code,
        "name": p.code,
        "shortDescription": { "text": format!("{}: {text}", p.code) },
        "fullDescription": { "text": text },
        "help": { "text": text },
        "defaultConfiguration": { "level": level(p.severity) },
        "properties": { "tags": ["rimlig-problem", kind_name(p.kind)] },
    })
}

fn finding_result(f: &Finding, index: usize, run: &Run) -> Value {
    let place = finding_place(f, run);
    let mut location = json!({
        "physicalLocation": physical(&place),
        "logicalLocations": [{
            "name": f.column_name.as_deref().or(f.row_key.as_deref()).unwrap_or(&f.table),
            // A workbook cell is known by its sheet and A1 reference (`prognos!D6`).
            "fullyQualifiedName": place.cell.clone().unwrap_or_else(|| logical_name(f)),
            "kind": "element",
        }],
    });
    if !f.label().is_empty() && f.label() != f.message {
        location["message"] = json!({ "text": f.label() });
    }
    let mut result = json!({
        "ruleId": f.rule,
        "ruleIndex": index,
        "level": level(f.severity),
        "message": { "text": f.message },
        "locations": [location],
        "partialFingerprints": { "rimlig/v1": f.fingerprint() },
    });
    let rel = related(related_places(f, run));
    if !rel.is_empty() {
        result["relatedLocations"] = Value::Array(rel);
    }
    if let Some(fix) = f.fix.as_deref().and_then(sarif_fix) {
        result["fixes"] = json!([fix]);
    }
    // With a baseline, SARIF viewers tell new findings from known ones.
    if run.baseline.is_some() {
        result["baselineState"] = json!(if f.baselined { "unchanged" } else { "new" });
    }
    // Allowed by an `[[allow]]` entry of rimlig.toml: suppressed outside the source.
    if f.suppressed {
        result["suppressions"] = json!([{
            "kind": "external",
            "justification": f.suppression_reason.clone().unwrap_or_default(),
        }]);
    }
    result
}

/// A suggested fix as SARIF has them: what to replace, byte for byte, in the stored file.
/// `None` when there is nothing to replace that way (no fix, or only workbook cells, which
/// cannot be changed by bytes; SARIF wants at least one change).
fn sarif_fix(fix: &crate::locate::Fix) -> Option<Value> {
    let mut changes: Vec<Value> = Vec::new();
    for c in fix.changes.iter().filter(|c| c.cell.is_none()) {
        let replacement = json!({
            "deletedRegion": { "byteOffset": c.span.offset, "byteLength": c.span.length },
            "insertedContent": { "text": c.suggested_text },
        });
        match changes
            .iter_mut()
            .find(|x| x["artifactLocation"]["uri"] == json!(uri(&c.file)))
        {
            Some(x) => {
                if let Some(r) = x["replacements"].as_array_mut() {
                    r.push(replacement);
                }
            }
            None => changes.push(json!({
                "artifactLocation": { "uri": uri(&c.file) },
                "replacements": [replacement],
            })),
        }
    }
    if changes.is_empty() {
        return None;
    }
    Some(json!({
        "description": { "text": fix.summary() },
        "artifactChanges": changes,
    }))
}

/// A problem's message, then its help on the next line.
fn problem_text(p: &Problem) -> String {
    let mut text = p.message.clone();
    if let Some(h) = &p.help {
        text.push('\n');
        text.push_str(h);
    }
    text
}

/// A problem at `place`: its first label, or the file or folder it is about. Code scanning
/// wants a line to show an alert at, so a file or folder without one is given line 1.
fn problem_result(p: &Problem, place: &Place, index: usize, run: &Run) -> Value {
    let mut physical_location = physical(place);
    if place.region.is_none() && place.cell.is_none() {
        physical_location["region"] = json!({ "startLine": 1 });
    }
    let mut location = json!({ "physicalLocation": physical_location });
    if let Some(l) = p.labels.first().filter(|l| !l.text.is_empty()) {
        location["message"] = json!({ "text": l.text });
    }
    let mut result = json!({
        "ruleId": p.code,
        "ruleIndex": index,
        "level": level(p.severity),
        "message": { "text": problem_text(p) },
        "locations": [location],
        "partialFingerprints": { "rimlig/v1": problem_fingerprint(p, run) },
    });
    let rel = related(problem_related(p, run));
    if !rel.is_empty() {
        result["relatedLocations"] = Value::Array(rel);
    }
    result
}

/// The failing instances counted but not listed, one notification per rule (see the module
/// documentation for why these are not results).
fn unlisted_notifications(run: &Run, index: &HashMap<String, usize>) -> Vec<Value> {
    run.unlisted()
        .into_iter()
        .map(|u| {
            let shown_level = match u.excused {
                None => level(u.severity),
                Some(_) => "note",
            };
            let mut associated = json!({ "id": u.rule });
            if let Some(i) = index.get(u.rule) {
                associated["index"] = json!(i);
            }
            json!({
                "descriptor": { "id": "check::unlisted" },
                "associatedRule": associated,
                "level": shown_level,
                "message": { "text": u.text() },
                "properties": { "unlisted": u.count },
            })
        })
        .collect()
}

/// A problem about no file or folder (the run as a whole, an argument): a notification, since
/// a result needs a location (see the module documentation).
fn problem_notification(p: &Problem) -> Value {
    json!({
        "descriptor": { "id": p.code },
        "level": level(p.severity),
        "message": { "text": problem_text(p) },
    })
}

/// Results of one run that GitHub code scanning takes: it rejects an upload with more, whole
/// ("Analysis SARIF file rejected due to result limits"), and shows the 5 000 most severe.
pub const MAX_RESULTS: usize = 25_000;

/// Which of the results of `severities` (in order) a run of at most `max` results holds: the
/// most severe first (errors, then warnings, then notes), each kept in its order; and, when
/// some are left out, a notification that counts them, at the level of the most severe of
/// them. Worked out before any result is made: a run of 250 000 findings made every one as a
/// JSON value first, and took 4 GB.
fn within_limit(severities: &[Severity], max: usize) -> (Vec<bool>, Option<Value>) {
    let total = severities.len();
    if total <= max {
        return (vec![true; total], None);
    }
    let mut order: Vec<usize> = (0..total).collect();
    // Stable: results of one severity keep their order. `Severity` orders errors first.
    order.sort_by_key(|&i| severities[i]);
    let mut keep = vec![false; total];
    for &i in order.iter().take(max) {
        keep[i] = true;
    }
    let left_out = total - max;
    let worst = order.get(max).map_or(Severity::Info, |&i| severities[i]);
    let text = format!(
        "{} of the run's {} results are not in this file: GitHub code scanning rejects a run \
         of more than {max} results, so the {max} most severe are kept; the JSON output \
         (--format json) lists every one",
        grouped(left_out),
        grouped(total),
        max = grouped(max),
    );
    let note = json!({
        "descriptor": { "id": "sarif::results-left-out" },
        "level": level(worst),
        "message": { "text": text },
        "properties": { "left_out": left_out },
    });
    (keep, Some(note))
}

pub fn render(run: &Run, gate: impl Into<crate::run::Gate>) -> String {
    render_at_most(run, gate, MAX_RESULTS)
}

/// [`render`] with at most `max` results.
fn render_at_most(run: &Run, gate: impl Into<crate::run::Gate>, max: usize) -> String {
    let mut rules = rule_descriptors(run);
    let mut index: HashMap<String, usize> = HashMap::new();
    for (i, r) in rules.iter().enumerate() {
        if let Some(id) = r["id"].as_str() {
            index.entry(id.to_string()).or_insert(i);
        }
    }
    // Problems with a place are results; those without one, notifications.
    let (mut placed, mut placeless) = (Vec::new(), Vec::new());
    for p in &run.problems {
        match problem_place(p, run) {
            Some(place) => placed.push((p, place)),
            None => placeless.push(p),
        }
    }
    for (p, _) in &placed {
        if !index.contains_key(p.code) {
            index.insert(p.code.to_string(), rules.len());
            rules.push(problem_descriptor(p));
        }
    }
    let severities: Vec<Severity> = run
        .outcome
        .findings
        .iter()
        .map(|f| f.severity)
        .chain(placed.iter().map(|(p, _)| p.severity))
        .collect();
    let (keep, left_out) = within_limit(&severities, max);
    let (keep_finding, keep_problem) = keep.split_at(run.outcome.findings.len());
    let mut results = Vec::new();
    for (f, _) in run
        .outcome
        .findings
        .iter()
        .zip(keep_finding)
        .filter(|(_, k)| **k)
    {
        let i = match index.get(f.rule.as_str()) {
            Some(i) => *i,
            // Every finding's rule is loaded; should one not be, it still gets a descriptor.
            None => {
                let i = rules.len();
                rules.push(json!({ "id": f.rule, "name": f.rule,
                    "shortDescription": { "text": f.title } }));
                index.insert(f.rule.to_string(), i);
                i
            }
        };
        results.push(finding_result(f, i, run));
    }
    for ((p, place), _) in placed.iter().zip(keep_problem).filter(|(_, k)| **k) {
        results.push(problem_result(p, place, index[p.code], run));
    }
    let exit_code = run.exit_code(gate);
    let mut driver = Map::new();
    driver.insert("name".into(), json!("rimlig"));
    driver.insert("version".into(), json!(env!("CARGO_PKG_VERSION")));
    driver.insert("semanticVersion".into(), json!(env!("CARGO_PKG_VERSION")));
    driver.insert("rules".into(), Value::Array(rules));
    let mut invocation = json!({
        "executionSuccessful": exit_code < 2,
        "exitCode": exit_code,
    });
    let mut notifications = unlisted_notifications(run, &index);
    notifications.extend(placeless.into_iter().map(problem_notification));
    notifications.extend(left_out);
    if !notifications.is_empty() {
        invocation["toolExecutionNotifications"] = Value::Array(notifications);
    }
    let doc = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": driver },
            "columnKind": "unicodeCodePoints",
            "invocations": [invocation],
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".to_string());
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::{render_at_most, uri, within_limit};
    use serde_json::Value;

    #[test]
    fn past_the_limit_the_most_severe_results_are_kept_in_their_order() {
        use crate::problem::Severity::{Error, Info, Warning};
        let severities = [Info, Error, Warning, Error, Info, Warning];
        let (keep, note) = within_limit(&severities, 6);
        assert!(keep.iter().all(|k| *k));
        assert!(note.is_none());
        let (keep, note) = within_limit(&severities, 3);
        // Both errors, then the first warning; in the order they came.
        assert_eq!(keep, [false, true, true, true, false, false]);
        let note = note.expect("a notification counts those left out");
        assert_eq!(note["descriptor"]["id"], "sarif::results-left-out");
        assert_eq!(note["properties"]["left_out"], 3);
        // The most severe left out is the second warning.
        assert_eq!(note["level"], "warning");
        assert!(
            note["message"]["text"]
                .as_str()
                .is_some_and(|t| t.starts_with("3 of the run's 6 results are not in this file")),
            "{note}"
        );
    }

    #[test]
    fn a_run_of_more_results_than_the_limit_keeps_its_errors_and_says_how_many_are_left_out() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/linkoping-vss");
        let run = crate::run::check(&[dir], &[]);
        let whole: Value = serde_json::from_str(&render_at_most(&run, false, usize::MAX)).unwrap();
        let all = whole["runs"][0]["results"].as_array().unwrap().clone();
        let errors = all.iter().filter(|r| r["level"] == "error").count();
        assert!(
            errors > 0 && errors < all.len(),
            "{errors} of {}",
            all.len()
        );
        let cut: Value = serde_json::from_str(&render_at_most(&run, false, errors)).unwrap();
        let kept = cut["runs"][0]["results"].as_array().unwrap();
        assert_eq!(kept.len(), errors);
        assert!(kept.iter().all(|r| r["level"] == "error"));
        let notes = cut["runs"][0]["invocations"][0]["toolExecutionNotifications"]
            .as_array()
            .unwrap();
        let note = notes
            .iter()
            .find(|n| n["descriptor"]["id"] == "sarif::results-left-out")
            .expect("a notification");
        assert_eq!(note["properties"]["left_out"], all.len() - errors);
        assert_eq!(note["level"], "warning");
    }

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(
            uri("examples/linkoping-vss/2020-10/prognos.csv"),
            "examples/linkoping-vss/2020-10/prognos.csv"
        );
        assert_eq!(
            uri("a b\\Drift, 100% (å).csv"),
            "a%20b/Drift,%20100%25%20(%C3%A5).csv"
        );
        assert_eq!(uri("x#1?.csv"), "x%231%3F.csv");
        assert_eq!(uri("Kök.csv"), "K%C3%B6k.csv");
        assert_eq!(uri("a:b/c.csv"), "a%3Ab/c.csv");
        assert_eq!(uri("/tmp/x.csv"), "file:///tmp/x.csv");
        assert_eq!(uri("C:\\data\\x.csv"), "file:///C:/data/x.csv");
    }
}
