//! Sign-up and login.

mod log_in;
pub mod server_fns;
mod sign_up;

pub use log_in::LogInPage;
pub use sign_up::SignUpPage;
