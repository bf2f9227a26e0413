//! The standard rule library in `rules/`, compiled into the binary so `rimlig check` works
//! from any folder. Paths are relative to `rules/`; a test checks that every file is listed.
//! The rule tests (`*.test.toml`) are embedded too, so `rimlig explain` can show a worked
//! example of a failure for the built-in rules.

pub const FILES: &[(&str, &str)] = &[
    ("drift.rules", include_str!("../rules/drift.rules")),
    ("ekonomi.rules", include_str!("../rules/ekonomi.rules")),
    (
        "indikatorer.rules",
        include_str!("../rules/indikatorer.rules"),
    ),
    (
        "investeringar.rules",
        include_str!("../rules/investeringar.rules"),
    ),
    ("personal.rules", include_str!("../rules/personal.rules")),
    ("prognos.rules", include_str!("../rules/prognos.rules")),
    (
        "rakenskaper.rules",
        include_str!("../rules/rakenskaper.rules"),
    ),
    ("tabeller.rules", include_str!("../rules/tabeller.rules")),
    ("volymer.rules", include_str!("../rules/volymer.rules")),
];

/// The tests of the library's rules (`rimlig test rules/`), relative to `rules/`.
pub const TEST_FILES: &[(&str, &str)] = &[
    ("drift.test.toml", include_str!("../rules/drift.test.toml")),
    (
        "ekonomi.test.toml",
        include_str!("../rules/ekonomi.test.toml"),
    ),
    (
        "indikatorer.test.toml",
        include_str!("../rules/indikatorer.test.toml"),
    ),
    (
        "investeringar.test.toml",
        include_str!("../rules/investeringar.test.toml"),
    ),
    (
        "personal.test.toml",
        include_str!("../rules/personal.test.toml"),
    ),
    (
        "prognos.test.toml",
        include_str!("../rules/prognos.test.toml"),
    ),
    (
        "rakenskaper.test.toml",
        include_str!("../rules/rakenskaper.test.toml"),
    ),
    (
        "volymer.test.toml",
        include_str!("../rules/volymer.test.toml"),
    ),
];

#[cfg(test)]
mod tests {
    fn on_disk(suffix: &str) -> Vec<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(suffix))
            .collect();
        names.sort();
        names
    }

    #[test]
    fn every_rule_file_is_embedded() {
        let embedded: Vec<String> = super::FILES.iter().map(|(n, _)| n.to_string()).collect();
        assert_eq!(on_disk(".rules"), embedded);
    }

    /// A library rule speaks to a unit head: a Swedish title, help saying what to do, tags.
    #[test]
    fn every_library_rule_has_a_title_help_and_tags() {
        use crate::check::{RuleRoot, load_rules};
        let mut sources = crate::source::Sources::default();
        let mut problems = Vec::new();
        let set = load_rules(&[RuleRoot::Embedded], &mut sources, &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        assert!(set.rules.len() >= 30, "{} rules", set.rules.len());
        for r in &set.rules {
            let id = &r.rule.id.text;
            assert!(r.rule.title.is_some(), "{id} has no title");
            assert!(
                r.rule.help.as_ref().is_some_and(|h| h.text.len() > 40),
                "{id} has no help worth the name"
            );
            assert!(!r.rule.tags.is_empty(), "{id} has no tags");
        }
    }

    #[test]
    fn every_test_file_is_embedded() {
        let embedded: Vec<String> = super::TEST_FILES
            .iter()
            .map(|(n, _)| n.to_string())
            .collect();
        assert_eq!(on_disk(".test.toml"), embedded);
    }
}
