//! The standard rule library in `rules/`, compiled into the binary so `rimlig check` works
//! from any folder. Paths are relative to `rules/`.

pub const FILES: &[(&str, &str)] = &[
    ("forvaltning.rules", include_str!("../rules/forvaltning.rules")),
];
