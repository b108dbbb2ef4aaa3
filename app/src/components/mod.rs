//! Small building blocks shared by the pages.

pub mod field;
pub mod form_answer;
pub mod format;
mod hydrated;
pub mod layout;
mod load_error;
pub mod switch;

pub use field::TextField;
pub use hydrated::hydrated_marker;
pub use layout::{AppLayout, AuthLayout};
pub use load_error::{LoadError, not_found_status};
pub use switch::Switch;
