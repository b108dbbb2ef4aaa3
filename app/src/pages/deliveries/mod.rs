//! The delivery log (the page itself comes with the Customer Notifications
//! pages); its server function is here, beside where the page will live.

pub mod server_fns;
