//! The standard rule library in `rules/`, compiled into the binary so `rimlig check` works
//! from any folder. Paths are relative to `rules/`; a test checks that every file is listed.

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

#[cfg(test)]
mod tests {
    #[test]
    fn every_rule_file_is_embedded() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".rules"))
            .collect();
        on_disk.sort();
        let embedded: Vec<String> = super::FILES.iter().map(|(n, _)| n.to_string()).collect();
        assert_eq!(on_disk, embedded);
    }
}
