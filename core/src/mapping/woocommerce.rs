//! WooCommerce order `status` values.

use crate::catalog::OrderStatus;

pub fn order_status(status: &str) -> Option<OrderStatus> {
    Some(match status {
        "pending" | "on-hold" => OrderStatus::Initiated,
        "processing" => OrderStatus::Processing,
        "ready-for-pickup" => OrderStatus::Ready,
        "completed" => OrderStatus::Delivered,
        "cancelled" | "failed" => OrderStatus::Cancelled,
        "refunded" => OrderStatus::Returned,
        // checkout-draft, trash, custom statuses: no notification.
        _ => return None,
    })
}
