//! One module per platform, each owning everything about it; registered in
//! [`crate::platform::ALL`].

pub mod bigcommerce;
pub mod events;
pub mod shopify;
pub mod woocommerce;
