//! `rimlig.toml`: the settings of a report repository.
//!
//! The file is found the way Cargo finds `Cargo.toml`: in the current folder or the nearest
//! folder above it (up to the root of the file system; the first one found wins).
//! `--config FILE` names it instead, `--no-config` reads none. Without a file every setting
//! has its default, and rimlig behaves as it always has.
//!
//! ```toml
//! rules   = ["rules"]          # rule paths, relative to this file (default: the built-in library)
//! reports = ["rapporter/**"]   # report globs, when no PATH is given (default: the current folder)
//! ignore  = ["**/gammalt/**"]  # never checked
//!
//! [data]
//! missing    = ["..", ".", "I.U.", "N/A"]   # missing-value markers (an empty cell always is one)
//! zero       = ["-", "–"]                   # markers of an exact zero
//! header_row = 3                            # the header is on line 3 (default: the first non-empty)
//!
//! [check]
//! tolerance = "rounding"       # of `==` comparisons that give none (default: exact)
//! max_findings_per_rule = 1000 # findings listed per rule, the rest counted (default 100 000)
//! fixes     = false            # suggest no fixes (default: true, see docs/localisation.md)
//!
//! [severity]
//! drift-prognos-finns = "info"
//!
//! [[allow]]
//! rule   = "prognos-avvikelse"
//! report = "rapporter/2020-10"
//! key    = "Kontakt Linköping"
//! reason = "Avvikelsen är avrundad i den tryckta rapporten"
//! ```
//!
//! Every key is checked: an unknown key, a wrong type or an unknown rule id is a problem at
//! its place in the file (kind `config`, exit 2), and the rest of the file still counts.

use crate::check::RuleSet;
use crate::finding::{Finding, Shared};
use crate::input::{ReadError, not_a_file, read_regular};
use crate::problem::{Problem, ProblemKind, Severity};
use crate::report::normalise_name;
use crate::source::{SourceFile, SourceId, Sources, Span};
use crate::suggest::did_you_mean;
use crate::syntax::ast::{Level, Tolerance, UnitName};
use rust_decimal::Decimal;
use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use std::path::{Component, Path, PathBuf};
use std::sync::LazyLock;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// The name of the file.
pub const FILE_NAME: &str = "rimlig.toml";

/// A larger file is not read: settings are written by hand, and 4 MiB is what a rule file
/// may hold too.
pub const MAX_FILE_BYTES: u64 = 4 << 20;

/// Which `rimlig.toml` a run reads.
#[derive(Clone, Debug)]
pub enum Choice {
    /// The nearest `rimlig.toml` in this folder or above it, if there is one.
    Search(PathBuf),
    /// This file (`--config FILE`); that it does not exist is an error.
    File(PathBuf),
    /// None (`--no-config`): the defaults.
    Off,
}

/// The settings of a run. [`Config::default`] is the behaviour without a `rimlig.toml`.
#[derive(Clone, Debug)]
pub struct Config {
    /// The file read, as shown in messages; `None` without one.
    pub file: Option<String>,
    /// The file's text in the run's sources, for problems that point into it.
    pub source: Option<SourceId>,
    /// The folder the paths and globs of the file are relative to (`.` without a file).
    pub dir: PathBuf,
    /// `rules`: rule files or folders, joined to `dir`; `None` when the key is not given.
    pub rules: Option<Vec<PathBuf>>,
    /// `reports`: globs selecting the report folders to check when no PATH is given.
    pub reports: Vec<PathGlob>,
    /// `ignore`: globs of files and folders that discovery never looks at.
    pub ignore: Vec<PathGlob>,
    pub data: DataConfig,
    pub check: CheckConfig,
    /// `[severity]`: rule id → severity, in file order.
    pub severity: Vec<SeverityOverride>,
    /// `[[allow]]`: findings that are known and accepted.
    pub allow: Vec<Allow>,
    /// `dir` as an absolute path (without touching the file system), to make report paths
    /// relative to it.
    abs_dir: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            file: None,
            source: None,
            dir: PathBuf::from("."),
            rules: None,
            reports: Vec::new(),
            ignore: Vec::new(),
            data: DataConfig::default(),
            check: CheckConfig::default(),
            severity: Vec::new(),
            allow: Vec::new(),
            abs_dir: None,
        }
    }
}

/// `[data]`: how cells and tables are read. Loaders (CSV, workbooks …) take it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataConfig {
    /// Markers of a missing value (case ignored); an empty cell is always missing.
    pub missing: Vec<String>,
    /// Markers of an exact zero, such as a lone dash.
    pub zero: Vec<String>,
    /// The 1-based row (line of a CSV file, row of a sheet) of the header: the rows above it
    /// are not read. `None`: the first non-empty row.
    pub header_row: Option<usize>,
}

/// The markers rimlig knows without a `rimlig.toml`: the symbols of Swedish official statistics.
pub const DEFAULT_MISSING: [&str; 4] = ["..", ".", "I.U.", "N/A"];
/// A lone hyphen, en dash, em dash or minus sign: an exact zero.
pub const DEFAULT_ZERO: [&str; 4] = ["-", "\u{2013}", "\u{2014}", "\u{2212}"];

impl Default for DataConfig {
    fn default() -> Self {
        DataConfig {
            missing: DEFAULT_MISSING.iter().map(|s| s.to_string()).collect(),
            zero: DEFAULT_ZERO.iter().map(|s| s.to_string()).collect(),
            header_row: None,
        }
    }
}

impl DataConfig {
    /// The defaults, shared (cell parsing without a configuration allocates nothing).
    pub fn defaults() -> &'static DataConfig {
        static DEFAULTS: LazyLock<DataConfig> = LazyLock::new(DataConfig::default);
        &DEFAULTS
    }
}

/// `[check]`: how comparisons are judged.
#[derive(Clone, Debug, Default)]
pub struct CheckConfig {
    /// `tolerance`: the tolerance of an `==` comparison written without `within`.
    pub tolerance: Option<Tolerance>,
    /// `max_findings_per_rule`: findings listed per rule; `None`: the default
    /// ([`crate::eval::MAX_FINDINGS_PER_RULE`]).
    pub max_findings_per_rule: Option<usize>,
    /// `fixes = false`: no error localisation (which cell to fix, and how).
    pub no_fixes: bool,
}

/// One `"rule-id" = "warning"` of `[severity]`.
#[derive(Clone, Debug)]
pub struct SeverityOverride {
    pub rule: String,
    pub level: Level,
    /// The key in the file.
    pub span: Span,
}

/// One `[[allow]]` entry: findings it matches are *suppressed*, not failing the run.
#[derive(Clone, Debug)]
pub struct Allow {
    /// A rule id, or a rule instance such as `drift-summa[budget]`.
    pub rule: String,
    pub rule_span: Span,
    /// A glob on the report's path relative to the config file.
    pub report: Option<PathGlob>,
    /// A glob on the table's name.
    pub table: Option<String>,
    /// A glob on the row's key (case ignored).
    pub key: Option<String>,
    /// A glob on the column's header, or the rule's name for the column.
    pub column: Option<String>,
    pub reason: String,
    /// The entry in the file (its `[[allow]]` header).
    pub span: Span,
}

/// A glob on paths relative to the config file: `/` separates folders, `**` stands for any
/// number of folders, and `*`, `?`, `{a,b}` work within a name (case ignored).
#[derive(Clone, Debug)]
pub struct PathGlob {
    /// As written.
    pub text: String,
    segments: Vec<String>,
    /// Where it is written.
    pub span: Span,
}

impl PathGlob {
    pub fn new(text: &str, span: Span) -> PathGlob {
        let segments = text
            .replace('\\', "/")
            .split('/')
            .filter(|s| !s.is_empty() && *s != ".")
            .map(str::to_string)
            .collect();
        PathGlob {
            text: text.to_string(),
            segments,
            span,
        }
    }

    /// The folders before the first name with a wildcard: where a walk for it starts.
    fn literal_prefix(&self) -> PathBuf {
        self.segments
            .iter()
            .take_while(|s| !s.contains(['*', '?', '{', '[']))
            .collect()
    }

    /// Whether the glob matches `path` (as names) or one of the folders above it: `reports`
    /// and `reports/**` both select `reports/2020-10` and everything in it.
    pub fn matches_or_parent(&self, path: &[String]) -> bool {
        // m[j]: the pattern read so far matches path[..j].
        let n = path.len();
        let mut m = vec![false; n + 1];
        m[0] = true;
        for seg in &self.segments {
            let mut next = vec![false; n + 1];
            if seg == "**" {
                let mut any = false;
                for j in 0..=n {
                    any |= m[j];
                    next[j] = any;
                }
            } else {
                for j in 1..=n {
                    next[j] = m[j - 1] && crate::glob::matches(seg, &path[j - 1]);
                }
            }
            m = next;
        }
        m.iter().any(|&x| x)
    }
}

/// `a/./b/../c` → `a/c`, lexically (a path stays relative if it was).
pub(crate) fn tidy_path(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// A path for display, with forward slashes.
fn shown(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// The nearest `rimlig.toml` in `start` or a folder above it, as a path relative to `start`
/// when `start` is relative (`rimlig.toml`, `../rimlig.toml` …). One that is a named pipe, a
/// socket or a device is passed over with a warning (`io::not-a-file`).
pub fn find(start: &Path, problems: &mut Vec<Problem>) -> Option<PathBuf> {
    let abs = if start.is_absolute() {
        start.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(start)
    };
    let abs = tidy_path(&abs);
    for (up, folder) in abs.ancestors().enumerate() {
        let Ok(meta) = std::fs::metadata(folder.join(FILE_NAME)) else {
            continue;
        };
        let path = if start.is_absolute() {
            folder.join(FILE_NAME)
        } else {
            let mut rel = start.to_path_buf();
            for _ in 0..up {
                rel.push("..");
            }
            rel.push(FILE_NAME);
            tidy_path(&rel)
        };
        if meta.is_file() {
            return Some(path);
        }
        // A folder, a named pipe or a device of that name: reading a pipe could wait for
        // ever, and saying nothing would leave the settings silently unread.
        let name = shown(&path);
        let mut warning = not_a_file(&name, &name, meta.is_dir()).with_help(
            "rimlig reads only regular files, so that no input can make it wait; \
             the settings of a folder above, if any, are used instead",
        );
        warning.severity = Severity::Warning;
        problems.push(warning);
    }
    None
}

/// Read the configuration `choice` asks for. Problems go to `problems`; whatever could be read
/// is used.
pub fn load(choice: &Choice, sources: &mut Sources, problems: &mut Vec<Problem>) -> Config {
    let path = match choice {
        Choice::Off => return Config::default(),
        Choice::Search(start) => match find(start, problems) {
            Some(p) => p,
            None => return Config::default(),
        },
        Choice::File(p) => p.clone(),
    };
    let name = shown(&path);
    let bytes = match read_regular(&path, MAX_FILE_BYTES) {
        Ok(b) => b,
        Err(e) => {
            problems.push(unreadable(&name, e));
            return Config::default();
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            problems.push(
                Problem::new(
                    ProblemKind::Config,
                    Severity::Error,
                    "config::toml",
                    format!("{name} is not UTF-8; unreadable bytes were replaced"),
                )
                .with_path(name.clone())
                .with_help("save rimlig.toml as UTF-8"),
            );
            String::from_utf8_lossy(e.as_bytes()).into_owned()
        }
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    parse(&name, text, &dir, sources, problems)
}

/// Why the config file `name` was not read, as a problem (exit 2).
fn unreadable(name: &str, e: ReadError) -> Problem {
    let what = format!("the config file {name}");
    let problem = |code, message| {
        Problem::new(ProblemKind::Config, Severity::Error, code, message).with_path(name)
    };
    let write_one = "write one with `rimlig init`, or leave out --config";
    match e {
        ReadError::NotFound => {
            problem("config::not-found", format!("{what} does not exist")).with_help(write_one)
        }
        ReadError::Folder => not_a_file(&what, name, true)
            .with_help("give the file itself, e.g. --config rimlig.toml"),
        ReadError::NotAFile => not_a_file(&what, name, false),
        ReadError::TooLarge { size } => problem(
            "config::too-large",
            format!("{what} is {size} bytes; at most {MAX_FILE_BYTES} are read"),
        )
        .with_help("a rimlig.toml holds settings, not data; is this the right file?"),
        ReadError::Io(e) => problem("io::read", format!("cannot read {what}: {e}")),
    }
}

/// The keys of the file, for messages and "did you mean".
const TOP_KEYS: [&str; 7] = [
    "rules", "reports", "ignore", "data", "check", "severity", "allow",
];
const DATA_KEYS: [&str; 3] = ["missing", "zero", "header_row"];
const CHECK_KEYS: [&str; 3] = ["tolerance", "max_findings_per_rule", "fixes"];
const ALLOW_KEYS: [&str; 6] = ["rule", "report", "table", "key", "column", "reason"];

/// The entries of a TOML table, in the order of the file.
type Entries<'v, 'i> = Vec<(&'v Spanned<Cow<'i, str>>, &'v Spanned<DeValue<'i>>)>;

/// Reads one file's keys into a [`Config`], pushing problems.
struct Reader<'p> {
    name: String,
    source: SourceId,
    len: usize,
    problems: &'p mut Vec<Problem>,
}

impl Reader<'_> {
    fn span(&self, r: Range<usize>) -> Span {
        let start = r.start.min(self.len);
        Span::new(start, r.end.min(self.len).max(start))
    }

    fn error(&mut self, code: &'static str, message: String, at: Range<usize>, label: &str) {
        self.push(Severity::Error, code, message, at, label, None);
    }

    fn push(
        &mut self,
        severity: Severity,
        code: &'static str,
        message: String,
        at: Range<usize>,
        label: &str,
        help: Option<String>,
    ) {
        let span = self.span(at);
        let mut p = Problem::new(ProblemKind::Config, severity, code, message)
            .with_path(self.name.clone())
            .with_label(self.source, span, label);
        if let Some(h) = help {
            p = p.with_help(h);
        }
        self.problems.push(p);
    }

    fn unknown_key(&mut self, key: &Spanned<Cow<'_, str>>, known: &[&str], place: &str) {
        let name: &str = key.get_ref();
        let list = known
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let help = match did_you_mean(name, known.iter().copied()) {
            Some(s) => format!("did you mean `{s}`? {place} knows {list}"),
            None => format!("{place} knows {list}"),
        };
        self.push(
            Severity::Error,
            "config::unknown-key",
            format!("unknown key `{name}` in {}", self.name),
            key.span(),
            "unknown key",
            Some(help),
        );
    }

    fn wrong_type(
        &mut self,
        key: &str,
        value: &Spanned<DeValue<'_>>,
        expected: &str,
        example: &str,
    ) {
        self.push(
            Severity::Error,
            "config::type",
            format!(
                "`{key}` in {} must be {expected}, not {}",
                self.name,
                describe_type(value.get_ref())
            ),
            value.span(),
            &format!("expected {expected}"),
            Some(format!("e.g. {example}")),
        );
    }

    /// A whole number. A negative one too large for the reader comes back as `i64::MIN`, for
    /// the caller's "at least" message; a positive one too large is reported here.
    fn whole_number(
        &mut self,
        key: &str,
        value: &Spanned<DeValue<'_>>,
        example: &str,
    ) -> Option<i64> {
        let Some(i) = value.get_ref().as_integer() else {
            self.wrong_type(key, value, "a whole number", example);
            return None;
        };
        match i64::from_str_radix(i.as_str(), i.radix()) {
            Ok(n) => Some(n),
            Err(_) if i.as_str().starts_with('-') => Some(i64::MIN),
            Err(_) => {
                self.push(
                    Severity::Error,
                    "config::value",
                    format!(
                        "`{key}` in {} is too large: at most {}",
                        self.name,
                        i64::MAX
                    ),
                    value.span(),
                    "too large",
                    Some(format!("e.g. {example}")),
                );
                None
            }
        }
    }

    /// A string, or a list of strings (a lone string is a list of one).
    fn strings(
        &mut self,
        key: &str,
        value: &Spanned<DeValue<'_>>,
        example: &str,
    ) -> Option<Vec<(String, Range<usize>)>> {
        match value.get_ref() {
            DeValue::String(s) => Some(vec![(s.to_string(), value.span())]),
            DeValue::Array(items) => {
                let mut out = Vec::new();
                for item in items.iter() {
                    match item.get_ref().as_str() {
                        Some(s) => out.push((s.to_string(), item.span())),
                        None => self.wrong_type(key, item, "a list of strings", example),
                    }
                }
                Some(out)
            }
            _ => {
                self.wrong_type(key, value, "a list of strings", example);
                None
            }
        }
    }

    fn string(&mut self, key: &str, value: &Spanned<DeValue<'_>>, example: &str) -> Option<String> {
        match value.get_ref().as_str() {
            Some(s) => Some(s.to_string()),
            None => {
                self.wrong_type(key, value, "a string", example);
                None
            }
        }
    }

    fn table<'v, 'i>(
        &mut self,
        key: &str,
        value: &'v Spanned<DeValue<'i>>,
        example: &str,
    ) -> Option<Entries<'v, 'i>> {
        match value.get_ref().as_table() {
            Some(t) => {
                let mut entries: Vec<_> = t.iter().collect();
                entries.sort_by_key(|(k, _)| k.span().start);
                Some(entries)
            }
            None => {
                self.wrong_type(key, value, "a table", example);
                None
            }
        }
    }
}

/// A TOML value's kind in the words of the messages ("a decimal number", not "a float").
fn describe_type(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(..) => "a string",
        DeValue::Integer(..) => "a whole number",
        DeValue::Float(..) => "a decimal number",
        DeValue::Boolean(..) => "true or false",
        DeValue::Datetime(..) => "a date",
        DeValue::Array(..) => "a list",
        DeValue::Table(..) => "a table",
    }
}

/// Parse the text of a `rimlig.toml` (shown as `name`) whose paths are relative to `dir`. The
/// text is added to `sources`.
pub fn parse(
    name: &str,
    text: String,
    dir: &Path,
    sources: &mut Sources,
    problems: &mut Vec<Problem>,
) -> Config {
    let text = match text.strip_prefix('\u{FEFF}') {
        Some(rest) => rest.to_string(),
        None => text,
    };
    let source = sources.add(SourceFile::new(name, text));
    let text = sources.get(source).text.clone();
    let abs_dir = std::env::current_dir()
        .ok()
        .map(|cwd| tidy_path(&cwd.join(dir)));
    let mut config = Config {
        file: Some(name.to_string()),
        source: Some(source),
        dir: tidy_path(dir),
        abs_dir,
        ..Config::default()
    };
    let mut r = Reader {
        name: name.to_string(),
        source,
        len: text.len(),
        problems,
    };

    let (root, errors) = DeTable::parse_recoverable(&text);
    if let Some(e) = errors.first() {
        // After a syntax error keys may be missing or misread, and later errors follow from
        // the first: say that one, and read nothing from the file.
        let at = e.span().unwrap_or(0..0);
        r.error(
            "config::toml",
            format!("{name} is not valid TOML: {}", e.message().trim()),
            at,
            "here",
        );
        return config;
    }

    let mut entries: Vec<_> = root.get_ref().iter().collect();
    entries.sort_by_key(|(k, _)| k.span().start);
    let mut zero_given = false;
    let mut missing_given = false;
    for (key, value) in entries {
        let k: &str = key.get_ref();
        match k {
            "rules" => {
                let mut paths = Vec::new();
                for (s, at) in r
                    .strings(k, value, "rules = [\"rules\"]")
                    .unwrap_or_default()
                {
                    let path = tidy_path(&config.dir.join(&s));
                    if path.exists() {
                        paths.push(path);
                    } else {
                        r.push(
                            Severity::Error,
                            "config::not-found",
                            format!("the rules path `{s}` in {name} does not exist"),
                            at,
                            "no such file or folder",
                            Some(format!(
                                "paths in {FILE_NAME} are relative to the folder it is in ({})",
                                shown(&config.dir)
                            )),
                        );
                    }
                }
                config.rules = Some(paths);
            }
            "reports" | "ignore" => {
                let example = if k == "reports" {
                    "reports = [\"rapporter/**\"]"
                } else {
                    "ignore = [\"**/gammalt/**\"]"
                };
                let mut globs = Vec::new();
                for (s, at) in r.strings(k, value, example).unwrap_or_default() {
                    if s.trim().is_empty() || Path::new(&s).is_absolute() {
                        r.push(
                            Severity::Error,
                            "config::value",
                            format!("`{k}` in {name} takes globs relative to the file, not `{s}`"),
                            at,
                            "not a relative glob",
                            Some(format!("e.g. {example}")),
                        );
                        continue;
                    }
                    let span = r.span(at);
                    globs.push(PathGlob::new(&s, span));
                }
                if k == "reports" {
                    config.reports = globs;
                } else {
                    config.ignore = globs;
                }
            }
            "data" => {
                let Some(table) = r.table(k, value, "[data] header_row = 3") else {
                    continue;
                };
                for (dk, dv) in table {
                    match dk.get_ref().as_ref() {
                        "missing" | "zero" => {
                            let which: &str = dk.get_ref();
                            let example = if which == "missing" {
                                "missing = [\"..\", \".\", \"I.U.\", \"N/A\"]"
                            } else {
                                "zero = [\"-\", \"–\"]"
                            };
                            let Some(items) = r.strings(which, dv, example) else {
                                continue;
                            };
                            let mut markers = Vec::new();
                            for (s, at) in items {
                                let m = crate::report::number::trim_cell(&s).to_string();
                                if m.is_empty() {
                                    if which == "zero" {
                                        r.push(
                                            Severity::Error,
                                            "config::value",
                                            "an empty cell is always missing; it cannot be a zero marker".to_string(),
                                            at,
                                            "empty marker",
                                            None,
                                        );
                                    }
                                    continue;
                                }
                                markers.push((m, at));
                            }
                            if which == "missing" {
                                missing_given = true;
                                config.data.missing = markers.into_iter().map(|(m, _)| m).collect();
                            } else {
                                zero_given = true;
                                // Both lists are in the file: a marker in both is a contradiction.
                                for (m, at) in &markers {
                                    if missing_given
                                        && config
                                            .data
                                            .missing
                                            .iter()
                                            .any(|x| x.eq_ignore_ascii_case(m))
                                    {
                                        r.push(
                                            Severity::Error,
                                            "config::value",
                                            format!("`{m}` is both a missing-value marker and a zero marker in {name}"),
                                            at.clone(),
                                            "also in `missing`",
                                            Some("a marker means one thing: keep it in `missing` or in `zero`".to_string()),
                                        );
                                    }
                                }
                                config.data.zero = markers.into_iter().map(|(m, _)| m).collect();
                            }
                        }
                        "header_row" => {
                            let n = r.whole_number("header_row", dv, "header_row = 3");
                            match n {
                                Some(n) if n >= 1 => {
                                    config.data.header_row = usize::try_from(n).ok();
                                }
                                Some(_) => r.push(
                                    Severity::Error,
                                    "config::value",
                                    format!("`header_row` in {name} counts rows from 1"),
                                    dv.span(),
                                    "not a row number",
                                    Some(
                                        "e.g. header_row = 3: the header is on the third row"
                                            .to_string(),
                                    ),
                                ),
                                None => {}
                            }
                        }
                        _ => r.unknown_key(dk, &DATA_KEYS, "[data]"),
                    }
                }
            }
            "check" => {
                let Some(table) = r.table(k, value, "[check] tolerance = \"rounding\"") else {
                    continue;
                };
                for (ck, cv) in table {
                    match ck.get_ref().as_ref() {
                        "tolerance" => config.check.tolerance = tolerance(&mut r, cv),
                        "max_findings_per_rule" => {
                            let n = r.whole_number(
                                "max_findings_per_rule",
                                cv,
                                "max_findings_per_rule = 1000",
                            );
                            match n {
                                Some(n) if n >= 1 => {
                                    config.check.max_findings_per_rule =
                                        Some(usize::try_from(n).unwrap_or(usize::MAX));
                                }
                                Some(_) => r.push(
                                    Severity::Error,
                                    "config::value",
                                    format!("`max_findings_per_rule` in {name} must be at least 1"),
                                    cv.span(),
                                    "not a number of findings",
                                    Some(
                                        "e.g. max_findings_per_rule = 1000: list 1 000 findings of each rule, count the rest"
                                            .to_string(),
                                    ),
                                ),
                                None => {}
                            }
                        }
                        "fixes" => match cv.get_ref() {
                            DeValue::Boolean(b) => config.check.no_fixes = !*b,
                            _ => r.wrong_type("fixes", cv, "true or false", "fixes = false"),
                        },
                        _ => r.unknown_key(ck, &CHECK_KEYS, "[check]"),
                    }
                }
            }
            "severity" => {
                let Some(table) = r.table(k, value, "[severity] drift-prognos-finns = \"info\"")
                else {
                    continue;
                };
                for (rk, rv) in table {
                    let Some(s) = r.string(rk.get_ref(), rv, "drift-prognos-finns = \"warning\"")
                    else {
                        continue;
                    };
                    let level = match s.as_str() {
                        "error" => Level::Error,
                        "warning" => Level::Warning,
                        "info" => Level::Info,
                        other => {
                            let help = match did_you_mean(other, ["error", "warning", "info"]) {
                                Some(s) => format!("did you mean \"{s}\"?"),
                                None => {
                                    "a severity is \"error\", \"warning\" or \"info\"".to_string()
                                }
                            };
                            r.push(
                                Severity::Error,
                                "config::value",
                                format!("unknown severity \"{other}\" in {name}"),
                                rv.span(),
                                "not a severity",
                                Some(help),
                            );
                            continue;
                        }
                    };
                    let span = r.span(rk.span());
                    config.severity.push(SeverityOverride {
                        rule: rk.get_ref().to_string(),
                        level,
                        span,
                    });
                }
            }
            "allow" => {
                let example = "[[allow]] rule = \"…\" key = \"…\" reason = \"…\"";
                let Some(items) = value.get_ref().as_array() else {
                    r.wrong_type(k, value, "a list of `[[allow]]` tables", example);
                    continue;
                };
                for item in items.iter() {
                    if let Some(a) = allow_entry(&mut r, item) {
                        config.allow.push(a);
                    }
                }
            }
            _ => r.unknown_key(key, &TOP_KEYS, FILE_NAME),
        }
    }
    // `zero` given alone keeps the default missing markers, and the other way round; a
    // default zero marker that `missing` names is missing (the file said so).
    if missing_given && !zero_given {
        let missing = config.data.missing.clone();
        config
            .data
            .zero
            .retain(|z| !missing.iter().any(|m| m.eq_ignore_ascii_case(z)));
    }
    if zero_given && !missing_given {
        let zero = config.data.zero.clone();
        config
            .data
            .missing
            .retain(|m| !zero.iter().any(|z| z.eq_ignore_ascii_case(m)));
    }
    config
}

/// `tolerance = "rounding"`, `"5"`, `"5 tkr"`, `"2%"`, or a number.
fn tolerance(r: &mut Reader<'_>, value: &Spanned<DeValue<'_>>) -> Option<Tolerance> {
    let text = match value.get_ref() {
        DeValue::String(s) => s.to_string(),
        DeValue::Integer(i) => i.as_str().to_string(),
        DeValue::Float(f) => f.as_str().to_string(),
        _ => {
            r.wrong_type("tolerance", value, "a string", "tolerance = \"rounding\"");
            return None;
        }
    };
    let t = text.trim();
    let parsed = tolerance_text(t);
    match &parsed {
        Err(why) => r.push(
            Severity::Error,
            "config::value",
            format!("`tolerance` in {} cannot be \"{t}\": {why}", r.name),
            value.span(),
            "not a tolerance",
            Some(
                "write \"rounding\" (as printed), a number (\"1\", \"0,5 tkr\") or a percentage (\"2%\"), as after `within` in a rule"
                    .to_string(),
            ),
        ),
        // As `rules::always-true` says of `within 100%` in a rule.
        Ok(Tolerance::Relative(p)) if *p >= Decimal::ONE_HUNDRED => r.push(
            Severity::Warning,
            "config::value",
            format!(
                "`tolerance` in {} is \"{t}\": a difference of {t} or more of the right side passes every `==`, `<=` and `>=` check without its own tolerance",
                r.name
            ),
            value.span(),
            "every check passes",
            Some("a relative tolerance is usually a few per cent: \"2%\"".to_string()),
        ),
        Ok(_) => {}
    }
    parsed.ok()
}

/// A tolerance as written in `rimlig.toml`, or why it is none.
fn tolerance_text(t: &str) -> Result<Tolerance, String> {
    if t.eq_ignore_ascii_case("rounding") {
        return Ok(Tolerance::Rounding);
    }
    if let Some(pct) = t.strip_suffix('%') {
        return number(pct).map(Tolerance::Relative);
    }
    // A unit is the last word, if it is letters: "1 000" is a number.
    let (n, unit) = match t.rsplit_once([' ', '\u{a0}']) {
        Some((n, u)) if u.chars().all(char::is_alphabetic) => (n, Some(u)),
        _ => (t, None),
    };
    let unit = match unit.map(str::to_lowercase).as_deref() {
        None => None,
        Some("kr") => Some(UnitName::Kr),
        Some("tkr") => Some(UnitName::Tkr),
        Some("mkr" | "mnkr") => Some(UnitName::Mkr),
        Some(other) => {
            return Err(format!(
                "`{other}` is not a unit of money (kr, tkr, mkr); a percentage is written \"2%\""
            ));
        }
    };
    Ok(Tolerance::Absolute(number(n)?, unit))
}

/// A non-negative decimal, `0,5` or `0.5`, with spaces between thousands, kept exactly.
fn number(s: &str) -> Result<Decimal, String> {
    // The minus sign as figures are printed (−) is a minus.
    let s: String = s
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .map(|c| if c == '\u{2212}' { '-' } else { c })
        .collect();
    if s.is_empty() {
        return Err("there is no number".to_string());
    }
    let s = s.replace(',', ".");
    // A TOML float may be written with an exponent (`1e2`).
    let exact = if s.contains(['e', 'E']) {
        Decimal::from_scientific(&s)
            .ok()
            .filter(|d| d.scale() <= 28)
    } else {
        Decimal::from_str_exact(&s).ok()
    };
    let d = exact.ok_or(()).map_err(|()| {
        if s.chars().filter(char::is_ascii_digit).count() > 28 {
            "a tolerance has at most 28 digits".to_string()
        } else {
            "not a number".to_string()
        }
    })?;
    if d.is_sign_negative() && !d.is_zero() {
        return Err(
            "a tolerance is not negative: it is how far the sides may differ either way"
                .to_string(),
        );
    }
    Ok(d)
}

fn allow_entry(r: &mut Reader<'_>, item: &Spanned<DeValue<'_>>) -> Option<Allow> {
    let span = r.span(item.span());
    let Some(table) = item.get_ref().as_table() else {
        r.wrong_type(
            "allow",
            item,
            "a table",
            "[[allow]] rule = \"…\" key = \"…\" reason = \"…\"",
        );
        return None;
    };
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(k, _)| k.span().start);
    let mut rule = None;
    let mut reason = None;
    let mut allow = Allow {
        rule: String::new(),
        rule_span: span,
        report: None,
        table: None,
        key: None,
        column: None,
        reason: String::new(),
        span,
    };
    let mut ok = true;
    for (k, v) in entries {
        let name: &str = k.get_ref();
        if !ALLOW_KEYS.contains(&name) {
            r.unknown_key(k, &ALLOW_KEYS, "[[allow]]");
            ok = false;
            continue;
        }
        let Some(s) = r.string(name, v, &format!("{name} = \"…\"")) else {
            ok = false;
            continue;
        };
        match name {
            "rule" => {
                rule = Some(s);
                allow.rule_span = r.span(v.span());
            }
            "reason" => reason = Some((s, v.span())),
            "report" => allow.report = Some(PathGlob::new(&s, r.span(v.span()))),
            "table" => allow.table = Some(s),
            "key" => allow.key = Some(s),
            _ => allow.column = Some(s),
        }
    }
    let missing = |what: &str, r: &mut Reader<'_>, help: &str| {
        r.push(
            Severity::Error,
            "config::missing-key",
            format!("an `[[allow]]` entry in {} has no `{what}`", r.name),
            item.span(),
            &format!("`{what}` missing"),
            Some(help.to_string()),
        );
    };
    match rule {
        // `nest[a, b]` as findings name it: `nest[a,b]`.
        Some(rule) if !rule.trim().is_empty() => {
            allow.rule = rule.chars().filter(|c| !c.is_whitespace()).collect()
        }
        _ => {
            missing(
                "rule",
                r,
                "name the rule whose findings are allowed: rule = \"drift-avvikelse\"",
            );
            ok = false;
        }
    }
    match reason {
        Some((reason, _)) if !reason.trim().is_empty() => allow.reason = reason.trim().to_string(),
        Some((_, at)) => {
            r.push(
                Severity::Error,
                "config::missing-key",
                format!(
                    "the `reason` of an `[[allow]]` entry in {} is empty",
                    r.name
                ),
                at,
                "empty reason",
                Some("say why the finding is accepted, for the next reader".to_string()),
            );
            ok = false;
        }
        None => {
            missing(
                "reason",
                r,
                "say why the finding is accepted, for the next reader: reason = \"…\"",
            );
            ok = false;
        }
    }
    ok.then_some(allow)
}

impl Config {
    /// `path` as names relative to the config file's folder, if it is inside it.
    pub fn relative_names(&self, path: &Path) -> Option<Vec<String>> {
        self.relative_names_from(path, std::env::current_dir().ok().as_deref())
    }

    /// [`Config::relative_names`] with the current folder `cwd` already asked for (`None`:
    /// it could not be).
    fn relative_names_from(&self, path: &Path, cwd: Option<&Path>) -> Option<Vec<String>> {
        let base = self.abs_dir.as_ref()?;
        let abs = if path.is_absolute() {
            tidy_path(path)
        } else {
            tidy_path(&cwd?.join(path))
        };
        let rel = abs.strip_prefix(base).ok()?;
        Some(
            rel.components()
                .filter_map(|c| match c {
                    Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
                    _ => None,
                })
                .collect(),
        )
    }

    /// Whether `path` (a file or folder met while looking for reports) is under an `ignore`
    /// glob.
    pub fn is_ignored(&self, path: &Path) -> bool {
        if self.ignore.is_empty() {
            return false;
        }
        self.relative_names(path)
            .is_some_and(|names| self.ignore.iter().any(|g| g.matches_or_parent(&names)))
    }

    /// Where to look for the reports of a `reports` glob: its literal folders, joined to the
    /// config file's folder.
    pub fn glob_root(&self, glob: &PathGlob) -> PathBuf {
        tidy_path(&self.dir.join(glob.literal_prefix()))
    }

    /// Whether the report at `path` is one that `glob` selects.
    pub fn selects(&self, glob: &PathGlob, path: &Path) -> bool {
        self.relative_names(path)
            .is_some_and(|names| glob.matches_or_parent(&names))
    }

    /// A problem pointing into the config file.
    fn problem(
        &self,
        severity: Severity,
        code: &'static str,
        message: String,
        span: Span,
        label: &str,
    ) -> Problem {
        let mut p = Problem::new(ProblemKind::Config, severity, code, message);
        if let Some(f) = &self.file {
            p = p.with_path(f.clone());
        }
        if let Some(s) = self.source {
            p = p.with_label(s, span, label);
        }
        p
    }

    fn unknown_rule(&self, id: &str, span: Span, rules: &RuleSet, what: &str) -> Problem {
        let ids = rules.rules.iter().map(|r| r.rule.id.text.as_str());
        let help = match did_you_mean(id, ids) {
            Some(s) => format!("did you mean `{s}`? `rimlig rules` lists the rule ids"),
            None => "`rimlig rules` lists the rule ids".to_string(),
        };
        self.problem(
            Severity::Error,
            "config::unknown-rule",
            format!("{what} names the rule `{id}`, which is not among the loaded rules",),
            span,
            "unknown rule",
        )
        .with_help(help)
    }

    /// Apply `[severity]` to the loaded rules; an unknown rule id is an error with "did you
    /// mean". Also checks the rule ids of `[[allow]]`.
    pub fn apply_to_rules(&self, rules: &mut RuleSet, problems: &mut Vec<Problem>) {
        for o in &self.severity {
            let mut found = false;
            for lr in rules
                .rules
                .iter_mut()
                .filter(|lr| lr.rule.id.text == o.rule)
            {
                let span = lr.rule.severity.map_or(lr.rule.id.span, |(_, s)| s);
                lr.rule.severity = Some((o.level, span));
                found = true;
            }
            if !found {
                problems.push(self.unknown_rule(&o.rule, o.span, rules, "[severity]"));
            }
        }
        for a in &self.allow {
            let id = a.rule.split('[').next().unwrap_or("").trim();
            let Some(lr) = rules.rules.iter().find(|lr| lr.rule.id.text == id) else {
                // `[r]`: no id before the brackets; the entry is shown as written.
                let named = if id.is_empty() { a.rule.trim() } else { id };
                problems.push(self.unknown_rule(named, a.rule_span, rules, "an [[allow]] entry"));
                continue;
            };
            let rest = a.rule.trim().strip_prefix(id).unwrap_or_default().trim();
            if rest.is_empty() {
                continue;
            }
            // `drift-summa[budget]`: each name in the brackets must be a column of a `for`.
            let Some(inside) = rest.strip_prefix('[').and_then(|r| r.strip_suffix(']')) else {
                // `r[` or `r[budget`: it would match no finding, without a word.
                problems.push(
                    self.problem(
                        Severity::Error,
                        "config::value",
                        format!(
                            "an [[allow]] entry names the rule instance `{}`, which is not \
                             written as a rule and its columns in brackets",
                            a.rule.trim()
                        ),
                        a.rule_span,
                        "not a rule instance",
                    )
                    .with_help(format!(
                        "write the rule, `rule = \"{id}\"`, or one instance of it, such as \
                         `rule = \"{id}[budget]\"`"
                    )),
                );
                continue;
            };
            let mut columns = Vec::new();
            for assertion in &lr.rule.body {
                for_columns(assertion, &mut columns);
            }
            let unknown: Vec<&str> = inside
                .split(',')
                .map(str::trim)
                .filter(|c| !columns.iter().any(|k| k.eq_ignore_ascii_case(c)))
                .collect();
            if !unknown.is_empty() {
                let help = if columns.is_empty() {
                    format!("`{id}` has no `for`, so it has one instance: write rule = \"{id}\"")
                } else {
                    format!("the columns of its `for`: {}", columns.join(", "))
                };
                problems.push(
                    self.problem(
                        Severity::Warning,
                        "config::unknown-instance",
                        format!(
                            "an [[allow]] entry names the instance `{}` of `{id}`, which has none for {}",
                            a.rule.trim(),
                            unknown.join(", ")
                        ),
                        a.rule_span,
                        "no such instance",
                    )
                    .with_help(help),
                );
            }
        }
    }

    /// Mark the findings an `[[allow]]` entry covers as suppressed (the first entry that
    /// matches gives the reason). An entry that matches no finding is an info note: the
    /// finding it was written for is gone.
    pub fn apply_allow(&self, findings: &mut [Finding], problems: &mut Vec<Problem>) {
        if self.allow.is_empty() {
            return;
        }
        let entries = AllowEntries::new(self);
        // The findings of one rule instance in one table are many (a row each) and share the
        // entries that can match them: worked out once, not for every finding.
        let mut groups: HashMap<(Shared, String, Shared, Shared), Candidates> = HashMap::new();
        let mut used = vec![0usize; self.allow.len()];
        for f in findings.iter_mut() {
            let key = (
                f.rule.clone(),
                f.instance_name(),
                f.report.clone(),
                f.table.clone(),
            );
            let candidates = groups
                .entry(key)
                .or_insert_with_key(|(_, instance, _, _)| entries.candidates(f, instance));
            if let Some(i) = entries.first_allowing(candidates, f) {
                used[i] += 1;
                f.suppressed = true;
                f.suppression_reason = Some(self.allow[i].reason.clone());
            }
        }
        for (a, n) in self.allow.iter().zip(used) {
            if n == 0 {
                problems.push(
                    self.problem(
                        Severity::Info,
                        "config::unused-allow",
                        format!("this [[allow]] entry for `{}` matches no finding", a.rule),
                        a.span,
                        "matches nothing",
                    )
                    .with_help("the finding it was written for is gone: remove the entry"),
                );
            }
        }
    }
}

/// The `[[allow]]` entries of a [`Config`], made ready to be tried on the findings of a run.
/// An entry covers a finding when its rule, report, table, key and column all match (those
/// it does not give match anything).
struct AllowEntries<'c> {
    config: &'c Config,
    /// The entries naming each rule id or rule instance, in file order: a finding is tried
    /// only on those of its rule, found without looking at the others.
    by_rule: HashMap<&'c str, Vec<usize>>,
    /// Each entry's `key` and `column` as [`normalise_name`] makes them, for the comparison
    /// that is made besides the glob.
    keys: Vec<Option<String>>,
    /// Each entry's `key`, if it has no wildcard, as [`key_sign`] makes it.
    signs: Vec<Option<String>>,
    columns: Vec<Option<String>>,
    /// The current folder, which relative report paths start from: asked once, not for
    /// every finding.
    cwd: Option<PathBuf>,
}

impl<'c> AllowEntries<'c> {
    fn new(config: &'c Config) -> Self {
        let mut by_rule: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, a) in config.allow.iter().enumerate() {
            by_rule.entry(a.rule.as_str()).or_default().push(i);
        }
        let normalised = |s: &Option<String>| s.as_deref().map(normalise_name);
        AllowEntries {
            config,
            by_rule,
            keys: config.allow.iter().map(|a| normalised(&a.key)).collect(),
            signs: config
                .allow
                .iter()
                .map(|a| {
                    a.key
                        .as_deref()
                        .filter(|k| !k.contains(['*', '?', '{']))
                        .map(key_sign)
                })
                .collect(),
            columns: config.allow.iter().map(|a| normalised(&a.column)).collect(),
            cwd: std::env::current_dir().ok(),
        }
    }

    /// The entries, in file order, that can cover a finding of `f`'s rule instance
    /// (`instance`), report and table: those whose rule, report and table match. Only the
    /// row key and the column are left to look at for each finding.
    fn candidates(&self, f: &Finding, instance: &str) -> Candidates {
        let of_rule = |rule: &str| self.by_rule.get(rule).into_iter().flatten().copied();
        let mut ids: Vec<usize> = of_rule(&f.rule).collect();
        // An entry names one rule or instance, so the two lists have no entry in common.
        if instance != f.rule.as_str() {
            ids.extend(of_rule(instance));
            ids.sort_unstable();
        }
        if ids.is_empty() {
            return Candidates::default();
        }
        // A report glob is tried on the report's path relative to the config file, and on
        // the path as written.
        let relative = self
            .config
            .relative_names_from(Path::new(f.report.as_str()), self.cwd.as_deref());
        let report_names = [relative, Some(names_of(&f.report))];
        ids.retain(|&i| {
            let a = &self.config.allow[i];
            let report_ok = a.report.as_ref().is_none_or(|g| {
                report_names
                    .iter()
                    .flatten()
                    .any(|names| g.matches_or_parent(names))
            });
            let table_ok = a
                .table
                .as_ref()
                .is_none_or(|t| crate::glob::matches(t, &f.table));
            report_ok && table_ok
        });
        // Entries with a plain key, by its sign: tens of thousands of entries that differ
        // only in their key were each tried on every finding (20 000: seven seconds).
        let mut c = Candidates::default();
        for i in ids {
            match &self.signs[i] {
                Some(sign) => c.by_sign.entry(sign.clone()).or_default().push(i),
                None => c.open.push(i),
            }
        }
        c
    }

    /// The first of `candidates` (from [`AllowEntries::candidates`] for `f`) whose key and
    /// column match `f`.
    fn first_allowing(&self, candidates: &Candidates, f: &Finding) -> Option<usize> {
        if candidates.open.is_empty() && candidates.by_sign.is_empty() {
            return None;
        }
        let row_key = f.row_key.as_deref().map(|k| (k, normalise_name(k)));
        let header = f.column_name.as_deref().map(|h| (h, normalise_name(h)));
        // Only entries of the key's sign can match it by a plain key.
        let keyed = f
            .row_key
            .as_deref()
            .and_then(|k| candidates.by_sign.get(&key_sign(k)))
            .map_or(&[][..], Vec::as_slice);
        let allows = |i: usize| {
            let a = &self.config.allow[i];
            let key_ok = a.key.as_ref().is_none_or(|k| {
                row_key.as_ref().is_some_and(|(rk, rk_name)| {
                    crate::glob::matches(k, rk) || self.keys[i].as_ref() == Some(rk_name)
                })
            });
            let column_ok = a.column.as_ref().is_none_or(|c| {
                let by_header = header.as_ref().is_some_and(|(h, h_name)| {
                    crate::glob::matches(c, h) || self.columns[i].as_ref() == Some(h_name)
                });
                by_header || named_by_rule(f, c)
            });
            key_ok && column_ok
        };
        // Both lists are in file order: the first entry of either that allows `f`.
        let first = |ids: &[usize]| ids.iter().copied().find(|&i| allows(i));
        match (first(&candidates.open), first(keyed)) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

/// The `[[allow]]` entries that can cover the findings of one rule instance, report and
/// table, in file order: those whose key has a wildcard or that have none, and those with a
/// plain key by its [`key_sign`].
#[derive(Default)]
struct Candidates {
    open: Vec<usize>,
    by_sign: HashMap<String, Vec<usize>>,
}

/// The letters and digits of `key`, lower case, and nothing else (a final sigma as any
/// other). Equal for two keys whenever a plain `key` glob of one matches the other (which
/// ignores case, spacing and dashes) or their [`normalise_name`]s are equal, so an entry
/// need only be tried on the keys of its sign.
fn key_sign(key: &str) -> String {
    key.chars()
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        .map(|c| if c == 'ς' { 'σ' } else { c })
        .collect()
}

/// Whether the finding `f` names the column `c` as the rule does: a `for` binding
/// (`drift-summa[budget]`), or the left side of its comparison.
fn named_by_rule(f: &Finding, c: &str) -> bool {
    f.bindings
        .iter()
        .any(|(_, col)| col.eq_ignore_ascii_case(c))
        || f.values
            .as_ref()
            .is_some_and(|v| v.left_expr.eq_ignore_ascii_case(c))
}

/// The column names of the `for`s in `a`, in order, each once.
fn for_columns(a: &crate::syntax::ast::Assertion, out: &mut Vec<String>) {
    use crate::syntax::ast::Assertion;
    match a {
        Assertion::For { columns, body, .. } => {
            for c in columns {
                if !out.contains(&c.text) {
                    out.push(c.text.clone());
                }
            }
            for_columns(body, out);
        }
        Assertion::In { body, .. } | Assertion::Each { body, .. } | Assertion::If { body, .. } => {
            for_columns(body, out)
        }
        Assertion::Block(items, _) => items.iter().for_each(|i| for_columns(i, out)),
        Assertion::Check(_) => {}
    }
}

/// A report path as written, split into names.
fn names_of(path: &str) -> Vec<String> {
    path.split(['/', '\\'])
        .filter(|s| !s.is_empty() && *s != ".")
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(p: &str) -> Vec<String> {
        names_of(p)
    }

    #[test]
    fn path_globs_match_folders_and_what_is_in_them() {
        let g = |s: &str| PathGlob::new(s, Span::new(0, 0));
        assert!(g("reports/**").matches_or_parent(&names("reports/2020-10")));
        assert!(g("reports/**").matches_or_parent(&names("reports")));
        assert!(g("reports").matches_or_parent(&names("reports/a/b")));
        assert!(!g("reports").matches_or_parent(&names("other/reports")));
        assert!(g("**/old/**").matches_or_parent(&names("reports/old/2019")));
        assert!(g("**/old/**").matches_or_parent(&names("old")));
        assert!(!g("**/old/**").matches_or_parent(&names("reports/older")));
        assert!(g("reports/*/2020-*").matches_or_parent(&names("reports/vss/2020-10")));
        assert!(!g("reports/*/2020-*").matches_or_parent(&names("reports/vss/2019-10")));
        assert!(g("**/*.bak.csv").matches_or_parent(&names("a/b/x.bak.csv")));
        assert!(g("./Reports/**").matches_or_parent(&names("reports/x")));
        assert_eq!(
            g("reports/*/2020").literal_prefix(),
            PathBuf::from("reports")
        );
        assert_eq!(g("**/old").literal_prefix(), PathBuf::new());
    }

    /// Whether `a` covers `f`, worked out for the pair alone: what [`Config::apply_allow`]
    /// must agree with, however it narrows down the entries it tries.
    fn allows_alone(config: &Config, a: &Allow, f: &Finding) -> bool {
        let rule_ok = f.rule == a.rule || f.instance_name() == a.rule;
        let report_ok = a.report.as_ref().is_none_or(|g| {
            config.selects(g, Path::new(f.report.as_str()))
                || g.matches_or_parent(&names_of(&f.report))
        });
        let table_ok = a
            .table
            .as_ref()
            .is_none_or(|t| crate::glob::matches(t, &f.table));
        let key_ok = a.key.as_ref().is_none_or(|k| {
            f.row_key.as_ref().is_some_and(|rk| {
                crate::glob::matches(k, rk) || normalise_name(k) == normalise_name(rk)
            })
        });
        let column_ok = a.column.as_ref().is_none_or(|c| {
            let by_header = f.column_name.as_ref().is_some_and(|h| {
                crate::glob::matches(c, h) || normalise_name(c) == normalise_name(h)
            });
            by_header || named_by_rule(f, c)
        });
        rule_ok && report_ok && table_ok && key_ok && column_ok
    }

    #[test]
    fn allow_entries_cover_the_findings_each_pair_says_they_do() {
        // A small generator, so that every run tries the same mix.
        let mut seed = 7u64;
        let mut pick = |options: &[&str]| -> String {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            options[(seed >> 33) as usize % options.len()].to_string()
        };
        let cwd = std::env::current_dir().unwrap();
        let absolute = cwd.join("rapporter/2020-10").to_string_lossy().into_owned();
        let reports = [
            "rapporter/2020-10",
            "./rapporter/2021-10",
            "rapporter/../x",
            "../utanför/2020-10",
            "x",
            absolute.as_str(),
        ];
        let fields: [(&str, &[&str]); 4] = [
            (
                "report",
                &[
                    "",
                    "rapporter/**",
                    "rapporter/2020-*",
                    "x",
                    "utanför/**",
                    "**/2020-10",
                ],
            ),
            ("table", &["", "Drift*", "balans", "driftsammandrag"]),
            (
                "key",
                &[
                    "",
                    "k1",
                    "K 2",
                    "k*",
                    "k-3",
                    "Kontakt Linköping",
                    "k{1,4}",
                    "ΟΔΟΣ",
                    "Kontakt  Linköping",
                    "k\u{2013}3",
                    "İstanbul",
                    "k_1",
                ],
            ),
            (
                "column",
                &["", "Budget", "utfall", "avvikelse", "Budget 2020"],
            ),
        ];
        let mut text = String::new();
        for i in 0..400 {
            let rule = pick(&["r", "s", "r[budget]", "r[utfall]", "r [budget]", "q"]);
            text.push_str(&format!("[[allow]]\nrule = \"{rule}\"\n"));
            for (key, options) in fields {
                let value = pick(options);
                if !value.is_empty() {
                    text.push_str(&format!("{key} = \"{value}\"\n"));
                }
            }
            text.push_str(&format!("reason = \"entry {i}\"\n\n"));
        }
        let mut sources = Sources::default();
        let mut problems = Vec::new();
        let config = parse(
            "rimlig.toml",
            text,
            Path::new("."),
            &mut sources,
            &mut problems,
        );
        assert_eq!(problems.len(), 0, "{problems:?}");
        assert_eq!(config.allow.len(), 400);

        let mut findings: Vec<Finding> = (0..1000)
            .map(|_| {
                let mut f = Finding::for_tests();
                f.rule = pick(&["r", "s", "t"]).into();
                let column = pick(&["", "budget", "Utfall"]);
                if !column.is_empty() {
                    f.bindings = vec![("c".to_string(), column)];
                }
                f.report = pick(&reports).into();
                f.table = pick(&["Driftsammandrag", "Balans", "Drift 2020"]).into();
                let key = pick(&[
                    "",
                    "k1",
                    "k 2",
                    "K4",
                    "k\u{2013}3",
                    "kontakt linköping",
                    "x",
                    "οδος",
                    "ΟΔΟΣ",
                    "k-3",
                    "i\u{307}stanbul",
                    "İSTANBUL",
                    "K.1",
                ]);
                f.row_key = (!key.is_empty()).then_some(key.into());
                let header = pick(&["", "Budget", "Budget  2020", "Utfall", "Prognos"]);
                f.column_name = (!header.is_empty()).then(|| header.into());
                f
            })
            .collect();
        let expected: Vec<Option<usize>> = findings
            .iter()
            .map(|f| {
                config
                    .allow
                    .iter()
                    .position(|a| allows_alone(&config, a, f))
            })
            .collect();
        config.apply_allow(&mut findings, &mut problems);

        for (f, e) in findings.iter().zip(&expected) {
            let reason = e.map(|i| config.allow[i].reason.clone());
            assert_eq!(f.suppression_reason, reason, "{f:?}");
            assert_eq!(f.suppressed, e.is_some());
        }
        let unused: Vec<Span> = problems.iter().map(|p| p.labels[0].span).collect();
        let expected_unused: Vec<Span> = (0..config.allow.len())
            .filter(|i| !expected.contains(&Some(*i)))
            .map(|i| config.allow[i].span)
            .collect();
        assert_eq!(unused, expected_unused);
        // The mix has findings allowed and not, and entries used and not.
        let allowed = expected.iter().flatten().count();
        assert!(allowed > 100 && allowed < 900, "{allowed}");
        assert!(unused.len() > 20 && unused.len() < 380, "{}", unused.len());
    }

    #[test]
    fn tidy_paths_keep_leading_parents() {
        assert_eq!(
            tidy_path(Path::new("./../rimlig.toml")),
            PathBuf::from("../rimlig.toml")
        );
        assert_eq!(tidy_path(Path::new("a/../b")), PathBuf::from("b"));
        assert_eq!(tidy_path(Path::new(".")), PathBuf::from("."));
    }

    #[test]
    fn whole_numbers_out_of_range_say_so() {
        let read = |text: &str| {
            let mut sources = Sources::default();
            let mut problems = Vec::new();
            let c = parse(
                "c.toml",
                text.to_string(),
                Path::new("."),
                &mut sources,
                &mut problems,
            );
            let messages: Vec<String> = problems.iter().map(|p| p.message.clone()).collect();
            (c, messages)
        };
        let (c, m) = read("[data]\nheader_row = 18446744073709551616\n");
        assert_eq!(c.data.header_row, None);
        assert_eq!(
            m,
            ["`header_row` in c.toml is too large: at most 9223372036854775807"]
        );
        let (_, m) = read("[data]\nheader_row = -18446744073709551617\n");
        assert_eq!(m, ["`header_row` in c.toml counts rows from 1"]);
        let (_, m) = read("[check]\nmax_findings_per_rule = 99999999999999999999\n");
        assert_eq!(
            m,
            ["`max_findings_per_rule` in c.toml is too large: at most 9223372036854775807"]
        );
        let (_, m) = read("[check]\nmax_findings_per_rule = -99999999999999999999\n");
        assert_eq!(m, ["`max_findings_per_rule` in c.toml must be at least 1"]);
        let (_, m) = read("[data]\nheader_row = 2.5\n");
        assert_eq!(
            m,
            ["`header_row` in c.toml must be a whole number, not a decimal number"]
        );
        let (c, m) = read("[data]\nheader_row = 3\n");
        assert_eq!((c.data.header_row, m.len()), (Some(3), 0));
    }

    /// `[check] tolerance = T` read: the tolerance and the problems.
    fn read_tolerance(t: &str) -> (Option<Tolerance>, Vec<Problem>) {
        let mut sources = Sources::default();
        let mut problems = Vec::new();
        let c = parse(
            "rimlig.toml",
            format!("[check]\ntolerance = {t}\n"),
            Path::new("."),
            &mut sources,
            &mut problems,
        );
        (c.check.tolerance, problems)
    }

    #[test]
    fn tolerances_read_as_in_rules() {
        let read = |t: &str| {
            let (tolerance, problems) = read_tolerance(t);
            let codes: Vec<&str> = problems.iter().map(|p| p.code).collect();
            (tolerance, codes)
        };
        assert_eq!(read("\"rounding\""), (Some(Tolerance::Rounding), vec![]));
        assert_eq!(
            read("\"2%\""),
            (Some(Tolerance::Relative(Decimal::from(2))), vec![])
        );
        assert_eq!(
            read("\"0,5 tkr\""),
            (
                Some(Tolerance::Absolute(Decimal::new(5, 1), Some(UnitName::Tkr))),
                vec![]
            )
        );
        assert_eq!(
            read("1"),
            (Some(Tolerance::Absolute(Decimal::ONE, None)), vec![])
        );
        assert_eq!(read("\"ungefär\""), (None, vec!["config::value"]));
        assert_eq!(read("true"), (None, vec!["config::type"]));
        // Thousands written as in a report.
        assert_eq!(
            read("\"1 000 kr\""),
            (
                Some(Tolerance::Absolute(Decimal::from(1000), Some(UnitName::Kr))),
                vec![]
            )
        );
        assert_eq!(
            read("\"1 000\""),
            (Some(Tolerance::Absolute(Decimal::from(1000), None)), vec![])
        );
        // A TOML float with an exponent.
        assert_eq!(
            read("1e2"),
            (Some(Tolerance::Absolute(Decimal::from(100), None)), vec![])
        );
        // A tolerance that makes every check pass is said to.
        assert_eq!(
            read("\"150%\""),
            (
                Some(Tolerance::Relative(Decimal::from(150))),
                vec!["config::value"]
            )
        );
    }

    #[test]
    fn a_tolerance_that_is_none_says_why() {
        for (t, says) in [
            ("-1", "is not negative"),
            ("\"\u{2212}1\"", "is not negative"),
            ("\"-2%\"", "is not negative"),
            ("\"5 pct\"", "`pct` is not a unit of money"),
            ("\"\"", "there is no number"),
            ("\"abc\"", "not a number"),
            ("\"0.00000000000000000000000000001\"", "at most 28 digits"),
        ] {
            let (tolerance, problems) = read_tolerance(t);
            assert_eq!(tolerance, None, "{t}");
            assert!(
                problems[0].message.contains(says),
                "{t}: {}",
                problems[0].message
            );
        }
    }
}
