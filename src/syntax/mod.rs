//! Rule files: grammar (`grammar/rules.pest`) → syntax tree with spans.

pub mod ast;
pub mod parse;

pub use parse::parse_file;
