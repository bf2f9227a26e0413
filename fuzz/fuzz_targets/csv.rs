//! One CSV table from arbitrary bytes: never a panic; every span lies inside the decoded text;
//! a row's cells read at once are its cells read one by one.
//!
//! The body is in `fuzz/bodies/csv.rs`, which `tests/fuzz_bodies.rs` also runs.
#![no_main]

#[path = "../bodies/csv.rs"]
mod body;

libfuzzer_sys::fuzz_target!(|data: &[u8]| body::run(data));
