//! A whole check in memory: the input is a rule file and a CSV table, split at the first
//! `\0` byte. Rules are parsed and checked statically, the table read, names resolved, every
//! rule evaluated, the findings localised (fix suggestions) and every finding rendered — never
//! a panic, never a hang.
//!
//! The body is in `fuzz/bodies/check.rs`, which `tests/fuzz_bodies.rs` also runs.
#![no_main]

#[path = "../bodies/check.rs"]
mod body;

libfuzzer_sys::fuzz_target!(|data: &[u8]| body::run(data));
