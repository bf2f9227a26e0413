//! Rule sets before evaluation: loading (with `use`), name resolution against the
//! declarations and the tables of the reports being checked, and static checks of the rules
//! (types, arity, checks that cannot fail, unused declarations).

mod coverage;
mod figures;
mod lets;
mod lint;
mod load;
mod names;
mod previous;
mod statics;
mod tables_read;
mod types;
mod unused;

pub use coverage::{check_columns_found, check_row_globs_found, check_tables_found};
pub use figures::check_figures_read;
pub use load::{LoadedRule, LoadedTable, RuleRoot, RuleSet, load_rules};
pub(crate) use load::{confined, leaves_through_link};
pub use names::check_names;
pub use previous::check_previous_tables;
pub use statics::check_static;
