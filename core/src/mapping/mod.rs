//! How each platform's own order status fields map onto our seven order
//! statuses (the product's table in PLATFORMS.md). `None` means "no
//! notification". Pure functions, so the page can explain them and the
//! server can apply them.

pub mod bigcommerce;
pub mod shopify;
pub mod woocommerce;
