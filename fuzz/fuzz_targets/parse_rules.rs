//! The rule parser and the static checks on arbitrary text: never a panic, never a hang.
//!
//! The body is in `fuzz/bodies/parse_rules.rs`, which `tests/fuzz_bodies.rs` also runs.
#![no_main]

#[path = "../bodies/parse_rules.rs"]
mod body;

libfuzzer_sys::fuzz_target!(|data: &[u8]| body::run(data));
