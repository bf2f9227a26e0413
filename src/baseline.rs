//! Baselines: the findings a team already knows about, kept in a JSON file in the repository,
//! so that `check` fails on new findings only.
//!
//! The file is written by `--update-baseline`:
//!
//! ```json
//! {
//!   "version": 1,
//!   "findings": [
//!     {
//!       "fingerprint": "96be04ef95d5fe93",
//!       "rule": "prognos-avvikelse",
//!       "report": "reports/2020-10",
//!       "table": "prognos",
//!       "row_key": "Kontakt Linköping",
//!       "column": "Avvikelse",
//!       "message": "avvikelse is 995, but prognos - budget is 1 000 …"
//!     }
//!   ]
//! }
//! ```
//!
//! one entry per finding, sorted by report, table, rule, row and column, so that it diffs well.
//! Only `fingerprint` ([`Finding::fingerprint`]: rule instance, report, table, row key, column)
//! is matched; the other fields are there for the reader. Entries count: a baseline with one
//! entry of a fingerprint absorbs one finding of it, not more. Entries that match no finding
//! are *fixed since the baseline*.

use crate::finding::Finding;
use crate::input::{ReadError, not_a_file, read_regular};
use crate::problem::{Problem, ProblemKind, Severity};
use crate::render::plural;
use crate::render::visible::visible_line;
use crate::run::Run;
use crate::source::{SourceFile, Span};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// The version of the baseline file this rimlig reads and writes.
pub const VERSION: u32 = 1;

/// A larger baseline is not read. rimlig writes a few hundred bytes per finding, so this is
/// room for about a million findings; a report file may be as large.
pub const MAX_BYTES: u64 = 256 << 20;

/// The baseline file.
#[derive(Debug, Serialize, Deserialize)]
pub struct BaselineFile {
    pub version: u32,
    pub findings: Vec<Entry>,
}

/// One known finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// [`Finding::fingerprint`]: what is matched.
    pub fingerprint: String,
    // Only the fingerprint is matched: a file written by hand or by another tool may leave
    // the rest out.
    /// The rule instance: `drift-summa[budget]` for an instance of a `for`, else the rule id.
    #[serde(default)]
    pub rule: String,
    #[serde(default)]
    pub report: String,
    #[serde(default)]
    pub table: String,
    #[serde(default)]
    pub row_key: Option<String>,
    /// The cell's column header, as written.
    #[serde(default)]
    pub column: Option<String>,
    /// What was wrong when the baseline was written (not matched: values may change).
    #[serde(default)]
    pub message: String,
}

impl Entry {
    pub fn of(f: &Finding) -> Entry {
        Entry {
            fingerprint: f.fingerprint(),
            rule: f.instance_name(),
            report: f.report.to_string(),
            table: f.table.to_string(),
            row_key: f.row_key.as_deref().map(str::to_string),
            column: f.column_name.as_deref().map(str::to_string),
            message: f.message.clone(),
        }
    }

    /// The order of the file: by place first, so that a report's findings stay together.
    fn sort_key(&self) -> impl Ord + '_ {
        (
            &self.report,
            &self.table,
            &self.rule,
            &self.row_key,
            &self.column,
            &self.fingerprint,
            &self.message,
        )
    }

    /// `drift-summa[budget] · reports/2020-10 · drift · LKDATA · Budget: message`.
    pub fn describe(&self) -> String {
        let mut at = vec![
            self.rule.as_str(),
            self.report.as_str(),
            self.table.as_str(),
        ];
        at.extend(self.row_key.as_deref());
        at.extend(self.column.as_deref());
        format!("{}: {}", at.join(" · "), self.message)
    }
}

/// What comparing a run with its baseline came to; on [`Run::baseline`].
#[derive(Clone, Debug, Serialize)]
pub struct Applied {
    /// The baseline file, as given.
    pub file: String,
    /// Written by `--update-baseline`: this run's findings are the baseline now.
    pub updated: bool,
    /// Entries in the baseline file (after `--update-baseline`, in the one written).
    pub entries: usize,
    /// Findings of this run the baseline read did not know (with `--update-baseline`, the
    /// baseline before it was written; all findings when there was none).
    pub new: usize,
    /// Entries of the baseline read that no finding of this run matches, of the reports and
    /// rules this run checked.
    pub fixed: Vec<Entry>,
    /// Entries of the baseline read about a report or rule this run did not check (a run
    /// over one report of several): neither fixed nor dropped by `--update-baseline`.
    pub elsewhere: usize,
    /// With `updated`: whether there was a readable baseline before.
    #[serde(skip)]
    pub replaced: bool,
}

/// Compare `run` with the baseline at `path`: mark the findings it knows as baselined and note
/// the entries that no longer occur. With `update`, first write this run's findings to `path`
/// (all of them are then baselined), unless the run is broken. Problems with the file go to
/// `run.problems`; a missing or malformed baseline is an error (exit 2).
pub fn apply(run: &mut Run, path: &Path, update: bool) {
    let file = path.display().to_string().replace('\\', "/");
    if update {
        update_baseline(run, path, file);
        return;
    }
    let entries = match read(path, &file, run) {
        Ok(entries) => entries,
        Err(problem) => {
            run.problems.push(*problem);
            return;
        }
    };
    let (new, unmatched) = mark(&mut run.outcome.findings, &entries);
    let (fixed, elsewhere) = split_elsewhere(run, unmatched);
    run.baseline = Some(Applied {
        file,
        updated: false,
        entries: entries.len(),
        new,
        fixed,
        elsewhere: elsewhere.len(),
        replaced: false,
    });
}

fn update_baseline(run: &mut Run, path: &Path, file: String) {
    if run.problems.iter().any(Problem::is_fatal) {
        run.problems.push(
            Problem::new(
                ProblemKind::Config,
                Severity::Warning,
                "baseline::not-written",
                format!("the baseline {file} was not written: the run is broken"),
            )
            .with_path(file)
            .with_help("fix the errors above first: a broken run does not find everything"),
        );
        return;
    }
    // Writing into a named pipe would wait for a reader, and into a device goes nowhere.
    if let Ok(meta) = std::fs::metadata(path)
        && !meta.is_file()
    {
        let is = if meta.is_dir() {
            "a folder"
        } else {
            "a named pipe, a socket or a device"
        };
        run.problems.push(
            Problem::new(
                ProblemKind::Io,
                Severity::Error,
                "io::not-a-file",
                format!("the baseline {file} is {is}, not a regular file, so it is not written"),
            )
            .with_path(file)
            .with_help("give the path of a JSON file, e.g. --baseline rimlig-baseline.json"),
        );
        return;
    }
    // The baseline before, if there is one: to tell what is new and what was fixed. A file
    // there that is no baseline at all (a report table, a rule file given by mistake) is not
    // written over: it would be lost.
    let old = if path.exists() {
        match read(path, &file, run) {
            Ok(entries) => Some(entries),
            // A baseline of rimlig's that is malformed (a merge left in it, another version)
            // is written anew; so is an empty file.
            Err(_)
                if crate::input::start_of(path)
                    .is_some_and(|s| s.is_empty() || crate::input::is_rimlig_json(&s)) =>
            {
                None
            }
            Err(why) => {
                // Said as why it is not written, at the place the reading stopped.
                let mut p = *why;
                p.code = "baseline::not-written";
                p.message = format!(
                    "{}; it is not written over, which would lose what it holds",
                    p.message
                );
                p.help = Some(
                    "give --baseline a file of its own, such as rimlig-baseline.json; a broken \
                     baseline can be removed first and written anew"
                        .into(),
                );
                run.problems.push(p);
                return;
            }
        }
    } else {
        None
    };
    let replaced = old.is_some();
    let old = old.unwrap_or_default();
    let (new, unmatched) = mark(&mut run.outcome.findings, &old);
    let (fixed, elsewhere) = split_elsewhere(run, unmatched);
    let mut entries = entries_of(&run.outcome.findings);
    let kept = elsewhere.len();
    entries.extend(elsewhere);
    entries.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    if let Err(e) = write_whole(path, to_json(&entries).as_bytes()) {
        run.problems.push(
            Problem::new(
                ProblemKind::Io,
                Severity::Error,
                "baseline::write",
                format!("cannot write the baseline {file}: {e}"),
            )
            .with_path(file),
        );
        return;
    }
    for f in run.outcome.findings.iter_mut().filter(|f| !f.suppressed) {
        f.baselined = true;
    }
    run.baseline = Some(Applied {
        file,
        updated: true,
        entries: entries.len(),
        new,
        fixed,
        elsewhere: kept,
        replaced,
    });
}

/// The entries no finding matched, parted into those of a report and rule this run checked
/// (fixed) and the others: a run over `reports/2020-10` says nothing about the findings of
/// `reports/2020-08` in the same baseline.
fn split_elsewhere(run: &Run, unmatched: Vec<Entry>) -> (Vec<Entry>, Vec<Entry>) {
    let reports: HashSet<String> = run
        .reports
        .iter()
        .map(|r| r.path.to_string_lossy().replace('\\', "/"))
        .collect();
    let rules: HashSet<&str> = run
        .rules
        .rules
        .iter()
        .map(|r| r.rule.id.text.as_str())
        .collect();
    unmatched.into_iter().partition(|e| {
        let rule = e.rule.split('[').next().unwrap_or_default();
        // An entry that does not say where it is from is taken as this run's.
        (e.report.is_empty() || reports.contains(&e.report))
            && (rule.is_empty() || rules.contains(rule))
    })
}

/// Write `bytes` to `path` so that the file is whole at every moment: into a file beside it,
/// then renamed over it. Writing in place would leave a cut-off baseline if the disk filled
/// up, and a run reading it meanwhile would find it malformed.
fn write_whole(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    // A baseline kept elsewhere and linked here is written where it is: renaming over the
    // link would replace the link with a file and leave the baseline as it was.
    let linked = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    let resolved = if linked {
        std::fs::canonicalize(path).ok()
    } else {
        None
    };
    let path = resolved.as_deref().unwrap_or(path);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    // The file keeps who may read and write it.
    let permissions = std::fs::metadata(path).ok().map(|m| m.permissions());
    let written = std::fs::write(&temporary, bytes)
        .and_then(|()| match permissions {
            Some(p) => std::fs::set_permissions(&temporary, p),
            None => Ok(()),
        })
        .and_then(|()| std::fs::rename(&temporary, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

/// The baseline of these findings, sorted. Findings that `rimlig.toml` allows are not in it:
/// the allow entry stands for them.
pub fn entries_of(findings: &[Finding]) -> Vec<Entry> {
    let mut entries: Vec<Entry> = findings
        .iter()
        .filter(|f| !f.suppressed)
        .map(Entry::of)
        .collect();
    entries.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    entries
}

/// The file's text: pretty-printed JSON with a final newline.
pub fn to_json(entries: &[Entry]) -> String {
    let doc = BaselineFile {
        version: VERSION,
        findings: entries.to_vec(),
    };
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// Mark the findings that `entries` know as baselined, each entry absorbing one finding of its
/// fingerprint, in the order of the findings. Returns the number of findings left unmarked
/// and the entries that absorbed none, in file order. Findings that `rimlig.toml` allows are
/// neither marked nor counted.
pub fn mark(findings: &mut [Finding], entries: &[Entry]) -> (usize, Vec<Entry>) {
    let mut known: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, e) in entries.iter().enumerate().rev() {
        known.entry(e.fingerprint.as_str()).or_default().push(i);
    }
    let mut used = vec![false; entries.len()];
    let mut new = 0;
    for f in findings.iter_mut().filter(|f| !f.suppressed) {
        match known.get_mut(f.fingerprint().as_str()).and_then(Vec::pop) {
            Some(i) => {
                used[i] = true;
                f.baselined = true;
            }
            None => new += 1,
        }
    }
    let fixed = entries
        .iter()
        .zip(used)
        .filter(|(_, used)| !used)
        .map(|(e, _)| e.clone())
        .collect();
    (new, fixed)
}

/// Why the baseline `file` was not read, as a problem (exit 2).
fn unreadable(file: &str, e: ReadError) -> Problem {
    let what = format!("the baseline {file}");
    match e {
        ReadError::NotFound => Problem::new(
            ProblemKind::Config,
            Severity::Error,
            "baseline::missing",
            format!("{what} does not exist"),
        )
        .with_path(file)
        .with_help(format!(
            "create it from today's findings with `--baseline {file} --update-baseline`"
        )),
        ReadError::Folder => not_a_file(&what, file, true)
            .with_help("give the baseline's JSON file, e.g. --baseline rimlig-baseline.json"),
        ReadError::NotAFile => not_a_file(&what, file, false),
        ReadError::TooLarge { size } => Problem::new(
            ProblemKind::Config,
            Severity::Error,
            "baseline::too-large",
            format!(
                "{what} is {size} bytes; at most {} MiB are read",
                MAX_BYTES >> 20
            ),
        )
        .with_path(file)
        .with_help(
            "a baseline is the JSON that `--update-baseline` writes; is this the right file?",
        ),
        ReadError::Io(e) => Problem::new(
            ProblemKind::Io,
            Severity::Error,
            "io::read",
            format!("cannot read {what}: {e}"),
        )
        .with_path(file),
    }
}

/// Read the baseline at `path` (`file` as shown). A malformed file is added to the run's
/// sources, so that the problem points at the position.
fn read(path: &Path, file: &str, run: &mut Run) -> Result<Vec<Entry>, Box<Problem>> {
    let text = read_regular(path, MAX_BYTES)
        .map_err(|e| Box::new(unreadable(file, e)))
        .and_then(|bytes| {
            String::from_utf8(bytes).map_err(|_| {
                Box::new(
                    Problem::new(
                        ProblemKind::Io,
                        Severity::Error,
                        "io::read",
                        format!("cannot read the baseline {file}: it is not UTF-8"),
                    )
                    .with_path(file),
                )
            })
        })?;
    let malformed = |message: String, at: Option<(usize, usize)>, run: &mut Run| {
        let mut p = Problem::new(
            ProblemKind::Config,
            Severity::Error,
            "baseline::malformed",
            format!("the baseline {file} is malformed: {message}"),
        )
        .with_path(file)
        .with_help(format!(
            "a baseline is the JSON that `--update-baseline` writes: \
             {{\"version\": {VERSION}, \"findings\": [{{\"fingerprint\": …}}, …]}}; \
             write it anew with `--baseline {file} --update-baseline`"
        ));
        if let Some((line, column)) = at {
            let source = SourceFile::new(file, text.clone());
            let offset = offset_of(&source, line, column);
            let end = text[offset..]
                .chars()
                .next()
                .map_or(offset, |c| offset + c.len_utf8());
            let id = run.sources.add(source);
            p = p.with_label(id, Span::new(offset, end), "here");
        }
        Box::new(p)
    };
    // Notepad begins a UTF-8 file with a byte order mark: read as three spaces, so that
    // positions stay the file's.
    let json = match text.strip_prefix('\u{feff}') {
        Some(rest) => std::borrow::Cow::Owned(format!("   {rest}")),
        None => std::borrow::Cow::Borrowed(text.as_str()),
    };
    let doc: BaselineFile = serde_json::from_str(&json).map_err(|e| {
        let at = (e.line() > 0).then(|| (e.line(), e.column()));
        malformed(plain_serde(&e), at, run)
    })?;
    if doc.version != VERSION {
        return Err(malformed(
            format!(
                "version {} is not one this rimlig reads (it reads version {VERSION})",
                doc.version
            ),
            None,
            run,
        ));
    }
    // A fingerprint rimlig did not write matches no finding: the entry would excuse nothing,
    // and the finding it was meant for would fail the run with no word of why.
    if let Some((i, e)) = doc
        .findings
        .iter()
        .enumerate()
        .find(|(_, e)| !is_fingerprint(&e.fingerprint))
    {
        let quoted = serde_json::to_string(&e.fingerprint).unwrap_or_default();
        let at = json.find(&quoted).map(|offset| {
            let before = &json[..offset];
            let line = before.matches('\n').count() + 1;
            let column = offset - before.rfind('\n').map_or(0, |n| n + 1) + 1;
            (line, column)
        });
        return Err(malformed(
            format!(
                "finding {} has the fingerprint {quoted}, which is none rimlig writes \
                 (16 digits and letters a to f) and so matches no finding",
                i + 1
            ),
            at,
            run,
        ));
    }
    Ok(doc.findings)
}

/// Whether `s` is a fingerprint as [`Finding::fingerprint`] writes it: 16 lower-case
/// hexadecimal digits.
fn is_fingerprint(s: &str) -> bool {
    s.len() == 16 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// serde's words for what is wrong with a baseline's JSON, in the terms of the file.
fn plain_serde(e: &serde_json::Error) -> String {
    let said = e.to_string();
    // serde_json adds " at line L column C": the label shows the place.
    let said = said.split(" at line ").next().unwrap_or(&said);
    if e.is_syntax() || e.is_eof() {
        return format!("it is not valid JSON ({said})");
    }
    let expected = [
        ("expected u32", "`version` must be the number 1"),
        (
            "struct BaselineFile",
            "the file must be one object: {\"version\": 1, \"findings\": […]}",
        ),
        (
            "struct Entry",
            "each finding must be an object with a \"fingerprint\"",
        ),
        ("expected a sequence", "`findings` must be a list: […]"),
        (
            "expected a string",
            "the fields of a finding are texts (\"…\")",
        ),
    ];
    match expected.iter().find(|(serde, _)| said.contains(serde)) {
        Some((_, plain)) => plain.to_string(),
        None if said.starts_with("missing field") => {
            format!("{} is missing", said.trim_start_matches("missing field "))
        }
        None => said.to_string(),
    }
}

/// The byte offset of serde_json's 1-based line and column (a column counts bytes).
fn offset_of(source: &SourceFile, line: usize, column: usize) -> usize {
    let text = source.text.as_str();
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let mut offset = (start + column.saturating_sub(1)).min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The terminal's lines about the baseline, before the summary line: what was written, the
/// known findings not shown (`verbose` shows them), and what was fixed (`verbose` lists it).
pub fn human_lines(run: &Run, verbose: bool) -> String {
    let Some(b) = &run.baseline else {
        return String::new();
    };
    let mut out = String::new();
    let known = run.outcome.findings.iter().filter(|f| f.baselined).count();
    let fixed = b.fixed.len();
    if b.updated {
        let change = if b.replaced {
            format!(
                " ({} new, {} fixed since the baseline before)",
                b.new, fixed
            )
        } else {
            String::new()
        };
        out.push_str(&format!(
            "wrote the baseline {}: {}{change}\n",
            visible_line(&b.file),
            plural(b.entries, "finding", "findings"),
        ));
    }
    if known > 0 && !verbose {
        out.push_str(&format!(
            "{} from the baseline {} not shown (--verbose shows them)\n",
            plural(known, "known finding", "known findings"),
            visible_line(&b.file),
        ));
    }
    if fixed > 0 && !b.updated {
        out.push_str(&format!(
            "{} of the baseline {} fixed since the baseline{}; --update-baseline drops {} from it\n",
            plural(fixed, "finding", "findings"),
            visible_line(&b.file),
            if verbose { "" } else { " (--verbose lists them)" },
            if fixed == 1 { "it" } else { "them" },
        ));
    }
    if b.elsewhere > 0 {
        out.push_str(&format!(
            "{} of the baseline {} about reports or rules this run did not check: kept\n",
            plural(b.elsewhere, "entry", "entries"),
            visible_line(&b.file),
        ));
    }
    if verbose {
        for e in &b.fixed {
            out.push_str(&format!(
                "fixed since the baseline: {}\n",
                visible_line(&e.describe())
            ));
        }
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(fingerprint: &str, report: &str) -> Entry {
        Entry {
            fingerprint: fingerprint.into(),
            rule: "r".into(),
            report: report.into(),
            table: "t".into(),
            row_key: None,
            column: None,
            message: "m".into(),
        }
    }

    #[test]
    fn the_file_is_pretty_sorted_and_round_trips() {
        let entries = vec![entry("b", "2020-10"), entry("a", "2020-08")];
        let mut sorted = entries.clone();
        sorted.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        assert_eq!(sorted[0].report, "2020-08");
        let text = to_json(&sorted);
        assert!(text.starts_with("{\n  \"version\": 1,\n  \"findings\": [\n"));
        assert!(text.ends_with("}\n"));
        let back: BaselineFile = serde_json::from_str(&text).unwrap();
        assert_eq!(back.findings, sorted);
    }

    #[test]
    fn the_documented_example_has_its_fingerprint() {
        let parts = [
            "prognos-avvikelse",
            "reports/2020-10",
            "prognos",
            "Kontakt Linköping",
            "Avvikelse",
        ];
        let parts: Vec<String> = parts.iter().map(|p| p.to_string()).collect();
        assert_eq!(crate::finding::fingerprint(&parts), "96be04ef95d5fe93");
        let readme = include_str!("../README.md");
        assert!(readme.contains("\"fingerprint\": \"96be04ef95d5fe93\""));
    }

    #[test]
    fn offsets_of_serde_positions() {
        let s = SourceFile::new("b.json", "{\n  \"å\": x\n}");
        assert_eq!(offset_of(&s, 1, 1), 0);
        assert_eq!(offset_of(&s, 2, 3), 4);
        assert_eq!(&s.text[offset_of(&s, 2, 9)..], "x\n}");
        assert_eq!(offset_of(&s, 9, 9), s.text.len());
    }
}
