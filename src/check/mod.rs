//! From rule files to a checked rule set: loading (with `use`), and name resolution against
//! the declarations and the tables of the reports being checked.

mod load;
mod names;

pub use load::{LoadedRule, LoadedTable, RuleRoot, RuleSet, load_rules};
pub use names::check_names;
