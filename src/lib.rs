//! rimlig — a rules-driven plausibility linter for the tables of financial follow-up reports.
//!
//! The pipeline, one folder each: `syntax` (rule files → syntax tree), `check` (rule set,
//! names), `report` (report files → tables of cells with their origins), `eval` (exact
//! evaluation → findings), `render` (findings → terminal or JSON).
// Four modules may use `unsafe`, each call saying why it is sound: `report::utf8` (bytes
// checked as UTF-8, then taken as text), `report::mapped` (a large file mapped, not copied),
// `report::scan` (a function compiled for AVX2, called where the processor has it) and
// `words` (one compiled for SSE2, which every x86_64 processor has).
#![deny(unsafe_code)]

pub mod analyze;
pub mod baseline;
pub mod catalog;
pub mod check;
pub mod config;
pub mod eval;
pub mod finding;
pub mod glob;
pub mod init;
pub mod input;
pub mod library;
pub mod locate;
pub mod output;
pub mod problem;
pub mod progress;
pub mod render;
pub mod report;
pub mod ruletest;
pub mod run;
pub mod source;
pub mod suggest;
pub mod syntax;
mod words;
