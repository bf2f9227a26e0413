//! The rule parser and the static checks on arbitrary text: never a panic, never a hang.

use rimlig::check::{RuleRoot, RuleSet, check_static};
use rimlig::source::{SourceFile, Sources};
use rimlig::syntax::parse_file;

pub fn run(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut sources = Sources::default();
    let id = sources.add(SourceFile::new("fuzz.rules", text));
    let (file, mut problems) = parse_file(id, sources.get(id));
    let mut set = RuleSet::of_file(file, id);
    check_static(
        &mut set,
        &[RuleRoot::Path("fuzz.rules".into())],
        &sources,
        &mut problems,
    );
    let style = rimlig::render::human::Style {
        color: false,
        width: 100,
        verbose: true,
    };
    for p in &problems {
        let _ = rimlig::render::human::render_problem(p, &sources, style);
    }
}
