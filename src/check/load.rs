//! Reading rule files: from paths or the embedded library, following `use`, collecting
//! declarations, and refusing duplicate rule ids and paths that leave the rules tree.

use crate::input::{ReadError, not_a_file, read_regular};
use crate::library;
use crate::problem::{Problem, ProblemKind, Severity};
use crate::source::{SourceFile, SourceId, Sources, Span};
use crate::syntax::ast::{self, Item};
use crate::syntax::parse::MAX_RULE_FILE_BYTES;
use crate::syntax::parse_file;
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

/// Where rule files come from.
#[derive(Clone, Debug)]
pub enum RuleRoot {
    /// A `.rules` file or a folder of them, from `--rules`.
    Path(PathBuf),
    /// The standard library compiled into the binary.
    Embedded,
}

/// A rule and the file it was written in.
#[derive(Clone, Debug)]
pub struct LoadedRule {
    pub rule: ast::Rule,
    pub source: SourceId,
    /// False when the rule names something that does not exist; it is then not evaluated.
    pub enabled: bool,
}

#[derive(Clone, Debug)]
pub struct LoadedTable {
    pub decl: ast::TableDecl,
    pub source: SourceId,
}

/// Everything the rule files declare.
#[derive(Debug, Default)]
pub struct RuleSet {
    pub tables: Vec<LoadedTable>,
    pub lets: Vec<(ast::Let, SourceId)>,
    pub rules: Vec<LoadedRule>,
    pub files: Vec<SourceId>,
    /// Where each let is in `lets`, by name (the first of a name), made at the first lookup
    /// ([`RuleSet::let_named`]) with the number of lets it covers: looking a name up is done
    /// for every name a rule or let reads, and a set may have a hundred thousand lets.
    pub let_index: std::sync::OnceLock<(usize, HashMap<String, usize>)>,
}

impl RuleSet {
    /// The declarations and rules of one parsed file, every rule enabled; its `use` items are
    /// not followed (for rules built in memory: tests, fuzzing).
    pub fn of_file(file: ast::RuleFile, source: SourceId) -> RuleSet {
        let mut set = RuleSet {
            files: vec![source],
            ..RuleSet::default()
        };
        for item in file.items {
            match item {
                Item::Use(_) => {}
                Item::Let(l) => set.lets.push((l, source)),
                Item::Table(decl) => set.tables.push(LoadedTable { decl, source }),
                Item::Rule(rule) => set.rules.push(LoadedRule {
                    rule,
                    source,
                    enabled: true,
                }),
            }
        }
        set
    }

    pub fn table(&self, name: &str) -> Option<&LoadedTable> {
        self.tables.iter().find(|t| t.decl.name.text == name)
    }
    pub fn constant(&self, name: &str) -> Option<&ast::Let> {
        self.let_named(name).map(|(l, _)| l)
    }

    /// The let named `name` and the file it is in.
    pub fn let_named(&self, name: &str) -> Option<&(ast::Let, SourceId)> {
        let (covered, index) = self.let_index.get_or_init(|| {
            let mut index = HashMap::with_capacity(self.lets.len());
            for (i, (l, _)) in self.lets.iter().enumerate() {
                index.entry(l.name.text.clone()).or_insert(i);
            }
            (self.lets.len(), index)
        });
        if *covered == self.lets.len() {
            index.get(name).and_then(|&i| self.lets.get(i))
        } else {
            // Lets were added after the index was made: look through them all.
            self.lets.iter().find(|(l, _)| l.name.text == name)
        }
    }
}

/// A virtual file system over either real paths or the embedded library.
struct Loader<'a> {
    sources: &'a mut Sources,
    problems: &'a mut Vec<Problem>,
    set: RuleSet,
    seen: HashMap<PathBuf, SourceId>,
    rule_ids: HashMap<String, (SourceId, Span)>,
    /// Where each `let` and table name was first declared: a set of a hundred thousand lets
    /// is not searched through for each new one.
    let_names: HashMap<String, (SourceId, Span)>,
    table_names: HashMap<String, (SourceId, Span)>,
    /// Rule ids written with a Cyrillic or Greek letter, by their Latin form.
    look_alike_ids: HashMap<String, String>,
}

pub fn load_rules(
    roots: &[RuleRoot],
    sources: &mut Sources,
    problems: &mut Vec<Problem>,
) -> RuleSet {
    let mut l = Loader {
        sources,
        problems,
        set: RuleSet::default(),
        seen: HashMap::new(),
        rule_ids: HashMap::new(),
        let_names: HashMap::new(),
        table_names: HashMap::new(),
        look_alike_ids: HashMap::new(),
    };
    for root in roots {
        match root {
            RuleRoot::Embedded => {
                for (name, _) in library::FILES {
                    l.load(Path::new("rules"), &Path::new("rules").join(name), true);
                }
            }
            RuleRoot::Path(p) => {
                if p.is_dir() {
                    let mut files: Vec<PathBuf> = Vec::new();
                    for e in walkdir::WalkDir::new(p)
                        .follow_links(false)
                        .sort_by_file_name()
                        .into_iter()
                        .filter_map(Result::ok)
                        .filter(|e| e.path().extension().is_some_and(|x| x == "rules"))
                    {
                        if e.file_type().is_file() {
                            files.push(e.into_path());
                        } else if e.path_is_symlink() && !leaves_through_link(p, e.path()) {
                            // A link to a rule file elsewhere in the tree is that file.
                            if e.path().is_file() {
                                files.push(e.into_path());
                            } else if !e.path().is_dir() {
                                l.problems.push(skipped_entry(p, e.path(), false));
                            }
                        } else if !e.file_type().is_dir() {
                            l.problems
                                .push(skipped_entry(p, e.path(), e.path_is_symlink()));
                        }
                    }
                    files.sort();
                    if files.is_empty() {
                        l.problems.push(
                            Problem::new(
                                ProblemKind::Io,
                                Severity::Error,
                                "io::no-rules",
                                "no .rules files in this folder",
                            )
                            .with_path(display(p)),
                        );
                    }
                    for f in files {
                        l.load(p, &f, false);
                    }
                } else if p.is_file() && data_file_kind(p).is_some() {
                    // `--rules data.csv` (an argument in the wrong place): read as rules it
                    // gives a syntax error about its first word, which tells nothing.
                    let shown = display(p);
                    l.problems.push(
                        Problem::new(
                            ProblemKind::Io,
                            Severity::Error,
                            "io::not-rules",
                            format!(
                                "{shown} is {}, not a rule file",
                                data_file_kind(p).unwrap_or_default()
                            ),
                        )
                        .with_path(shown)
                        .with_help(
                            "--rules takes a .rules file or a folder of them; reports are given without an option: rimlig check REPORT --rules RULES",
                        ),
                    );
                } else if p.is_file() {
                    let root = p.parent().map(Path::to_path_buf).unwrap_or_default();
                    l.load(&root, p, false);
                } else if std::fs::metadata(p).is_ok() {
                    // Not read: a named pipe would make the run wait for ever, a device never end.
                    let shown = display(p);
                    l.problems.push(
                        not_a_file(&format!("the rule path {shown}"), &shown, false).with_help(
                            "give a .rules file or a folder of them; rimlig reads only regular files, so that no input can make it wait",
                        ),
                    );
                } else {
                    l.problems.push(
                        Problem::new(
                            ProblemKind::Io,
                            Severity::Error,
                            "io::not-found",
                            "rule path does not exist",
                        )
                        .with_path(display(p)),
                    );
                }
            }
        }
    }
    l.lets_named_as_columns();
    l.set
}

/// What a file named as rules is instead, by its name: a table, a workbook, a report or a
/// settings file.
fn data_file_kind(path: &Path) -> Option<&'static str> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "csv" | "tsv" => "a table (CSV)",
        "xlsx" | "xlsm" | "xls" | "ods" => "a workbook",
        "json" | "md" | "markdown" => "a report or other document",
        "toml" => "a settings file (TOML)",
        _ => return None,
    })
}

/// A `.rules` entry of the folder `root` that is not read: a link out of the folder, or
/// not a regular file (a named pipe would make the run wait for ever).
fn skipped_entry(root: &Path, path: &Path, link: bool) -> Problem {
    let shown = display(path);
    let (code, message, help) = if link {
        (
            "io::link-outside",
            format!(
                "{shown} links to a file outside the rules folder {}; it is not read",
                display(root)
            ),
            "rules are read only from inside the folder given: copy the file in, or give its own folder as another --rules",
        )
    } else {
        (
            "io::not-a-file",
            format!("{shown} is not a regular file; it is not read"),
            "rimlig reads only regular files, so that no input can make it wait",
        )
    };
    Problem::new(ProblemKind::Io, Severity::Warning, code, message)
        .with_path(&shown)
        .with_help(help)
}

fn display(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

/// Why the rule file at `path` was not read, as a problem.
fn unreadable(path: &Path, e: ReadError) -> Problem {
    let shown = display(path);
    let io = |message: String| {
        Problem::new(ProblemKind::Io, Severity::Error, "io::read", message).with_path(&shown)
    };
    match e {
        ReadError::TooLarge { size } => Problem::new(
            ProblemKind::Rules,
            Severity::Error,
            "rules::too-large",
            format!("rule file is {size} bytes; at most {MAX_RULE_FILE_BYTES} are accepted"),
        )
        .with_path(&shown),
        ReadError::Folder => not_a_file(&shown, &shown, true),
        ReadError::NotAFile => not_a_file(&shown, &shown, false),
        ReadError::NotFound => io("cannot read rule file: it does not exist".to_string()),
        ReadError::Io(e) => io(format!("cannot read rule file: {e}")),
    }
}

/// Join `rel` to `base` lexically and make sure the result stays inside `root`. (Also what
/// keeps the `report = …` of a rule test inside the tree being tested.)
pub(crate) fn confined(root: &Path, base: &Path, rel: &str) -> Option<PathBuf> {
    let relp = Path::new(rel);
    if relp.is_absolute() || rel.starts_with('/') || rel.starts_with('\\') {
        return None;
    }
    let mut out: Vec<Component> = base.components().collect();
    let root_len = root.components().count();
    for c in relp.components() {
        match c {
            Component::Normal(_) => out.push(c),
            Component::CurDir => {}
            Component::ParentDir => {
                if out.len() <= root_len {
                    return None;
                }
                out.pop();
            }
            _ => return None,
        }
    }
    Some(out.iter().collect())
}

/// Whether `target`, inside `root` by its words, is really elsewhere: a symbolic link on the
/// way points out of the rules tree. A target that does not exist does not leave.
pub(crate) fn leaves_through_link(root: &Path, target: &Path) -> bool {
    let root = if root.as_os_str().is_empty() {
        Path::new(".")
    } else {
        root
    };
    match (std::fs::canonicalize(root), std::fs::canonicalize(target)) {
        (Ok(root), Ok(target)) => !target.starts_with(root),
        _ => false,
    }
}

impl Loader<'_> {
    fn load(&mut self, root: &Path, path: &Path, embedded: bool) -> Option<SourceId> {
        // A file reached under two names (through a link, `./`, `d/../`) is read once, so
        // that links cannot make `use` recurse.
        let key = if embedded {
            path.to_path_buf()
        } else {
            std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
        };
        if let Some(id) = self.seen.get(&key) {
            return Some(*id);
        }
        // Where a file that is not UTF-8 first has a byte read otherwise, and that byte.
        let mut not_utf8 = None;
        let text = if embedded {
            let rel = path.strip_prefix("rules").ok()?;
            let rel = display(rel);
            library::FILES
                .iter()
                .find(|(n, _)| *n == rel)
                .map(|(_, t)| t.to_string())?
        } else {
            // A huge file is refused before it is read (the parser would refuse it anyway).
            match read_regular(path, MAX_RULE_FILE_BYTES as u64) {
                Ok(bytes) => match String::from_utf8(bytes) {
                    Ok(t) => t,
                    Err(e) => {
                        let (text, stray) = rule_text(&e.into_bytes());
                        not_utf8 = stray;
                        text
                    }
                },
                Err(e) => {
                    self.problems.push(unreadable(path, e));
                    return None;
                }
            }
        };
        // A file saved with old Macintosh line ends (a lone CR) is read line by line, as an
        // editor shows it; otherwise its first comment would run to its end.
        let text = if crate::source::has_lone_cr(&text) {
            crate::source::lone_crs_as_line_feeds(&text)
        } else {
            text
        };
        let id = self.sources.add(SourceFile::new(display(path), text));
        if let Some((at, byte)) = not_utf8 {
            self.problems
                .push(not_utf8_problem(self.sources.get(id), id, at, byte));
        }
        self.seen.insert(key, id);
        self.set.files.push(id);
        let (file, problems) = parse_file(id, self.sources.get(id));
        self.problems.extend(problems);
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        for item in file.items {
            match item {
                Item::Use(s) => match confined(root, &base, &s.text)
                    .filter(|target| embedded || !leaves_through_link(root, target))
                {
                    Some(target) => {
                        let exists = if embedded {
                            target
                                .strip_prefix("rules")
                                .ok()
                                .is_some_and(|r| library::FILES.iter().any(|(n, _)| *n == display(r)))
                        } else {
                            target.is_file()
                        };
                        if exists {
                            self.load(root, &target, embedded);
                        } else {
                            self.problems.push(
                                Problem::new(ProblemKind::Rules, Severity::Error, "rules::use-not-found", format!("no rule file `{}`", s.text))
                                    .with_label(id, s.span, format!("looked for {}", display(&target))),
                            );
                        }
                    }
                    None => self.problems.push(
                        Problem::new(
                            ProblemKind::Rules,
                            Severity::Error,
                            "rules::use-outside",
                            format!("`use \"{}\"` leaves the rules folder", s.text),
                        )
                        .with_label(id, s.span, "this path is outside the rules tree")
                        .with_help(format!(
                            "a rule file may only include files inside {}; use a relative path without `..` above it",
                            if root.as_os_str().is_empty() { ".".to_string() } else { display(root) }
                        )),
                    ),
                },
                Item::Let(l) => {
                    if let Some((prev_src, prev_span)) = self.let_names.get(&l.name.text).copied() {
                        self.duplicate("rules::duplicate-let", &format!("`let {}` is defined twice", l.name.text), id, l.name.span, prev_src, prev_span);
                    } else {
                        self.let_names.insert(l.name.text.clone(), (id, l.name.span));
                        self.set.lets.push((l, id));
                    }
                }
                Item::Table(t) => {
                    if let Some((prev_src, prev_span)) = self.table_names.get(&t.name.text).copied() {
                        self.duplicate("rules::duplicate-table", &format!("table `{}` is declared twice", t.name.text), id, t.name.span, prev_src, prev_span);
                    } else {
                        self.duplicate_columns(&t, id);
                        self.table_names.insert(t.name.text.clone(), (id, t.name.span));
                        self.set.tables.push(LoadedTable { decl: t, source: id });
                    }
                }
                Item::Rule(r) => {
                    if let Some((prev_src, prev_span)) = self.rule_ids.get(&r.id.text).copied() {
                        self.duplicate("rules::duplicate-rule", &format!("rule id `{}` is used twice", r.id.text), id, r.id.span, prev_src, prev_span);
                    } else {
                        self.look_alike_id(&r.id, id);
                        self.rule_ids.insert(r.id.text.clone(), (id, r.id.span));
                        self.set.rules.push(LoadedRule { rule: r, source: id, enabled: true });
                    }
                }
            }
        }
        Some(id)
    }

    /// A `let` named as a declared column (or key) would stand for that column's cell in
    /// every rule over its table: the name means two things. The let is not kept, so the
    /// name is the column's, and a rule outside the table that uses it says so.
    fn lets_named_as_columns(&mut self) {
        let before = self.problems.len();
        for (l, let_src) in &self.set.lets {
            for t in &self.set.tables {
                let key = t.decl.key.as_ref().map(|(name, _)| name);
                let Some(col) = t
                    .decl
                    .columns
                    .iter()
                    .map(|c| &c.name)
                    .chain(key)
                    .find(|c| c.text == l.name.text)
                else {
                    continue;
                };
                self.problems.push(
                    Problem::new(
                        ProblemKind::Rules,
                        Severity::Error,
                        "rules::let-is-a-column",
                        format!(
                            "`let {}` has the name of a column of table `{}`: in a rule over that table the name would mean the let, not the cell",
                            l.name.text, t.decl.name.text
                        ),
                    )
                    .with_label(*let_src, l.name.span, "this let")
                    .with_label(t.source, col.span, "the column")
                    .with_help("rename the let (`let budget_tak = …`): lets are shared by every rule of every file"),
                );
            }
        }
        if self.problems.len() > before {
            let columns: std::collections::HashSet<&str> = self
                .set
                .tables
                .iter()
                .flat_map(|t| {
                    let key = t.decl.key.as_ref().map(|(name, _)| name.text.as_str());
                    t.decl
                        .columns
                        .iter()
                        .map(|c| c.name.text.as_str())
                        .chain(key)
                })
                .collect();
            let kept: Vec<_> = std::mem::take(&mut self.set.lets)
                .into_iter()
                .filter(|(l, _)| !columns.contains(l.name.text.as_str()))
                .collect();
            self.set.lets = kept;
        }
    }

    /// A rule id that reads as one already given but is written with a Cyrillic or Greek
    /// letter (`r1а` beside `r1`): the two look the same in every list and message.
    fn look_alike_id(&mut self, name: &ast::Name, id: SourceId) {
        // Only ids with such a letter are kept by their Latin form: the others are their own.
        let Some((mine, _)) = crate::suggest::without_look_alikes(&name.text) else {
            if let Some(other) = self.look_alike_ids.get(&name.text).cloned() {
                self.said_look_alike(name, id, &other);
            }
            return;
        };
        self.look_alike_ids.insert(mine.clone(), name.text.clone());
        if self.rule_ids.contains_key(&mine) {
            self.said_look_alike(name, id, &mine);
        }
    }

    fn said_look_alike(&mut self, name: &ast::Name, id: SourceId, other: &str) {
        let Some(&(other_src, other_span)) = self.rule_ids.get(other) else {
            return;
        };
        let letter = crate::suggest::without_look_alikes(&name.text)
            .or_else(|| crate::suggest::without_look_alikes(other))
            .map_or_else(String::new, |(_, c)| crate::suggest::describe_look_alike(c));
        self.problems.push(
            Problem::new(
                ProblemKind::Rules,
                Severity::Warning,
                "rules::look-alike-id",
                format!(
                    "rule ids `{}` and `{other}` look the same: one is written with {letter}",
                    name.text
                ),
            )
            .with_label(id, name.span, "this id")
            .with_label(other_src, other_span, "looks the same")
            .with_help("write rule ids in Latin letters, so that each can be told apart in a list"),
        );
    }

    /// A column name declared twice in one table: the second would never be reached.
    fn duplicate_columns(&mut self, t: &ast::TableDecl, id: SourceId) {
        let key = t.key.as_ref().map(|(name, _)| name);
        let names: Vec<&ast::Name> = key
            .into_iter()
            .chain(t.columns.iter().map(|c| &c.name))
            .collect();
        for (i, n) in names.iter().enumerate() {
            if let Some(first) = names[..i].iter().find(|m| m.text == n.text) {
                self.problems.push(
                    Problem::new(
                        ProblemKind::Rules,
                        Severity::Error,
                        "rules::duplicate-column",
                        format!(
                            "column `{}` is declared twice in table `{}`",
                            n.text, t.name.text
                        ),
                    )
                    .with_label(id, n.span, "declared again here")
                    .with_label(id, first.span, "first declared here")
                    .with_help(
                        "a name in a table stands for one column: rename or remove one of them",
                    ),
                );
            }
        }
    }

    fn duplicate(
        &mut self,
        code: &'static str,
        msg: &str,
        src: SourceId,
        span: Span,
        prev_src: SourceId,
        prev_span: Span,
    ) {
        let (line, col) = self.sources.get(prev_src).line_col(prev_span.start);
        let prev_name = self.sources.get(prev_src).name.clone();
        self.problems.push(
            Problem::new(ProblemKind::Rules, Severity::Error, code, msg)
                .with_label(src, span, "defined again here")
                .with_label(prev_src, prev_span, "first defined here")
                .with_help(format!("ids are unique across all loaded rule files; the first is at {prev_name}:{line}:{col} — rename one of them")),
        );
    }
}

/// A rule file that is not UTF-8, as an editor most likely saved it: UTF-16 after its byte
/// order mark (Notepad's "Unicode"), else Windows-1252 (Notepad's "ANSI", as Swedish
/// Windows saves text) for each byte that is not part of a UTF-8 letter, so that a few
/// stray bytes in a UTF-8 file leave its other letters as they are. With the text's offset
/// of the first byte so read, and that byte; `None` for UTF-16, which is read as written.
fn rule_text(bytes: &[u8]) -> (String, Option<(usize, u8)>) {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes)
        && encoding != encoding_rs::UTF_8
    {
        let (text, _) = encoding.decode_without_bom_handling(bytes.get(bom..).unwrap_or_default());
        return (text.into_owned(), None);
    }
    let mut text = String::with_capacity(bytes.len() + bytes.len() / 2);
    let mut first = None;
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        for &byte in chunk.invalid() {
            first.get_or_insert((text.len(), byte));
            let one = [byte];
            let (letter, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&one);
            text.push_str(&letter);
        }
    }
    (text, first)
}

/// The warning for a rule file read as Windows-1252 from offset `at`, where `byte` stands.
fn not_utf8_problem(file: &SourceFile, id: SourceId, at: usize, byte: u8) -> Problem {
    let letter = file
        .text
        .get(at..)
        .and_then(|t| t.chars().next())
        .unwrap_or('?');
    let end = at + letter.len_utf8();
    Problem::new(
        ProblemKind::Rules,
        Severity::Warning,
        "rules::encoding",
        format!(
            "{} is not UTF-8: it is read as Windows-1252 where it is not, the first time here (0x{byte:02X}, `{letter}`)",
            file.name
        ),
    )
    .with_path(file.name.clone())
    .with_label(id, Span::new(at, end), format!("0x{byte:02X}, read as `{letter}`"))
    .with_help(
        "save the rule file as UTF-8 (in Notepad: Save as, then Encoding: UTF-8), and see that its å, ä and ö read right",
    )
}

#[cfg(test)]
mod tests {
    use super::confined;

    use std::path::{Path, PathBuf};

    #[test]
    fn a_rule_file_not_in_utf8_is_read_as_an_editor_saved_it() {
        use super::rule_text;
        // Notepad's "ANSI" on Swedish Windows: each letter one byte.
        let ansi = encoding_rs::WINDOWS_1252
            .encode("rule r \"Förvaltning\" {}")
            .0;
        assert_eq!(
            rule_text(&ansi),
            ("rule r \"Förvaltning\" {}".to_string(), Some((9, 0xF6)))
        );
        // UTF-8 with one stray byte: the letters around it are left as they are.
        let mut stray = "rule å \"".as_bytes().to_vec();
        stray.push(0xE4);
        stray.extend_from_slice("\" ö".as_bytes());
        assert_eq!(
            rule_text(&stray),
            ("rule å \"ä\" ö".to_string(), Some((9, 0xE4)))
        );
        // Notepad's "Unicode": UTF-16 after its byte order mark, read as written.
        let mut utf16 = vec![0xFF, 0xFE];
        for unit in "rule ö".encode_utf16() {
            utf16.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(rule_text(&utf16), ("rule ö".to_string(), None));
    }

    #[test]
    fn use_paths_stay_inside_the_rules_tree() {
        let root = Path::new("rules");
        assert_eq!(
            confined(root, Path::new("rules/a"), "b.rules"),
            Some(PathBuf::from("rules/a/b.rules"))
        );
        assert_eq!(
            confined(root, Path::new("rules/a"), "../c.rules"),
            Some(PathBuf::from("rules/c.rules"))
        );
        assert_eq!(confined(root, Path::new("rules"), "../x.rules"), None);
        assert_eq!(confined(root, Path::new("rules"), "/etc/passwd"), None);
    }
}
