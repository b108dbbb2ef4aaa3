//! BigCommerce order status ids (`status_id` on the order,
//! `new_status_id` in `store/order/statusUpdated`).

use crate::catalog::OrderStatus;

pub fn order_status(status_id: u64) -> Option<OrderStatus> {
    Some(match status_id {
        // Pending, Awaiting Payment, Manual Verification Required
        1 | 7 | 12 => OrderStatus::Initiated,
        // Awaiting Fulfillment
        11 => OrderStatus::SentForProcessing,
        // Awaiting Shipment, Partially Shipped
        9 | 3 => OrderStatus::Processing,
        // Awaiting Pickup, Shipped
        8 | 2 => OrderStatus::Ready,
        // Completed
        10 => OrderStatus::Delivered,
        // Cancelled, Declined
        5 | 6 => OrderStatus::Cancelled,
        // Refunded
        4 => OrderStatus::Returned,
        // Incomplete (0), Disputed (13), Partially Refunded (14), unknown
        _ => return None,
    })
}

/// BigCommerce's own name for a status id, for logs and the event log.
pub fn status_name(status_id: u64) -> Option<&'static str> {
    Some(match status_id {
        0 => "Incomplete",
        1 => "Pending",
        2 => "Shipped",
        3 => "Partially Shipped",
        4 => "Refunded",
        5 => "Cancelled",
        6 => "Declined",
        7 => "Awaiting Payment",
        8 => "Awaiting Pickup",
        9 => "Awaiting Shipment",
        10 => "Completed",
        11 => "Awaiting Fulfillment",
        12 => "Manual Verification Required",
        13 => "Disputed",
        14 => "Partially Refunded",
        _ => return None,
    })
}
