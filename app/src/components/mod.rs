//! Small building blocks shared by the pages.

pub mod switch;

pub use switch::Switch;
