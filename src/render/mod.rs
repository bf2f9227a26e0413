//! Views of a run's findings and problems: pure functions from the run to text.

pub mod html;
pub mod human;
pub mod json;
