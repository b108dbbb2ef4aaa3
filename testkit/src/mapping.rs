//! The product's status mapping table (PLATFORMS.md, "Mapping to the seven
//! order statuses") as the tests check it: every status a platform names,
//! with the status we notify (`None`: no notification).
//!
//! Shopify has no such column: its status is derived from a whole order
//! snapshot, so each test builds its own snapshots in the shape it feeds.

use notify_core::OrderStatus::{self, *};

/// Every BigCommerce status id (0 Incomplete … 14 Partially Refunded).
pub const BIGCOMMERCE: [(u64, Option<OrderStatus>); 15] = [
    (0, None),
    (1, Some(Initiated)),
    (2, Some(Ready)),
    (3, Some(Processing)),
    (4, Some(Returned)),
    (5, Some(Cancelled)),
    (6, Some(Cancelled)),
    (7, Some(Initiated)),
    (8, Some(Ready)),
    (9, Some(Processing)),
    (10, Some(Delivered)),
    (11, Some(SentForProcessing)),
    (12, Some(Initiated)),
    (13, None),
    (14, None),
];

/// Every WooCommerce order status.
pub const WOOCOMMERCE: [(&str, Option<OrderStatus>); 9] = [
    ("pending", Some(Initiated)),
    ("on-hold", Some(Initiated)),
    ("processing", Some(Processing)),
    ("ready-for-pickup", Some(Ready)),
    ("completed", Some(Delivered)),
    ("cancelled", Some(Cancelled)),
    ("failed", Some(Cancelled)),
    ("refunded", Some(Returned)),
    ("checkout-draft", None),
];
