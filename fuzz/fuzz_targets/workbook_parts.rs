//! A workbook from parts written as text (see `fuzz/bodies/workbook_parts.rs`): never a
//! panic, never a runaway allocation; every span lies inside its sheet's text. Run with
//! `-dict=workbook.dict`, the names and attributes the readers act on and counts that size
//! their buffers. A panic inside calamine is left to rimlig's handler
//! (`fuzz/bodies/calamine_hook.rs`).
#![no_main]

#[path = "../bodies/workbook.rs"]
mod workbook;
#[path = "../bodies/workbook_parts.rs"]
mod workbook_parts;
#[path = "../bodies/calamine_hook.rs"]
mod calamine_hook;

libfuzzer_sys::fuzz_target!(
    init: calamine_hook::install(),
    |data: &[u8]| workbook::run(&workbook_parts::zip_of(data))
);
