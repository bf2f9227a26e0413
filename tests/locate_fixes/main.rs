//! Error localisation: the fixes rimlig suggests for a finding, what each says it does, and
//! how they are shown. One test target; each module is one group of tests, and `helpers`
//! holds what they share.

#[path = "../common/mod.rs"]
mod common;
mod helpers;

mod alternatives;
mod json_number;
mod pieces;
mod still_holds;
mod swap;
mod tables;
mod together;
mod unmeasured;
