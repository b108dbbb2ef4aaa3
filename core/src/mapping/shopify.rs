//! Shopify: our status is derived from the order snapshot that every
//! `orders/*` webhook carries, except `returns/close`, which is a Return.

use serde::{Deserialize, Serialize};

use crate::catalog::OrderStatus;

/// The fields of a Shopify order that decide its status, named as in
/// Shopify's payload so the webhook body deserialises straight into it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderSnapshot {
    #[serde(default)]
    pub financial_status: Option<String>,
    #[serde(default)]
    pub fulfillment_status: Option<String>,
    #[serde(default)]
    pub cancelled_at: Option<String>,
    #[serde(default)]
    pub fulfillments: Vec<Fulfillment>,
    #[serde(default)]
    pub refunds: Vec<Refund>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fulfillment {
    /// success, pending, open, cancelled, error, failure
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub shipment_status: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refund {
    #[serde(default)]
    pub refund_line_items: Vec<RefundLineItem>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundLineItem {
    #[serde(default)]
    pub restock_type: Option<String>,
}

/// The topic whose payload is a closed Return rather than an order.
pub const RETURNS_CLOSE: &str = "returns/close";

/// The status a `returns/close` webhook reports.
pub const RETURN_CLOSED_STATUS: OrderStatus = OrderStatus::Returned;

impl OrderSnapshot {
    fn live_fulfillments(&self) -> impl Iterator<Item = &Fulfillment> {
        self.fulfillments
            .iter()
            .filter(|f| !matches!(f.status.as_deref(), Some("cancelled" | "error" | "failure")))
    }

    fn any_shipment(&self, statuses: &[&str]) -> bool {
        self.live_fulfillments().any(|f| {
            f.shipment_status
                .as_deref()
                .is_some_and(|s| statuses.contains(&s))
        })
    }
}

/// Checked from the most final state to the earliest, so a snapshot that
/// shows several signs reports the furthest one.
pub fn order_status(order: &OrderSnapshot) -> Option<OrderStatus> {
    let financial = order.financial_status.as_deref();
    let fulfillment = order.fulfillment_status.as_deref();
    if order.cancelled_at.is_some() || financial == Some("voided") {
        return Some(OrderStatus::Cancelled);
    }
    let returned = order
        .refunds
        .iter()
        .flat_map(|r| &r.refund_line_items)
        .any(|li| li.restock_type.as_deref() == Some("return"));
    if returned {
        return Some(OrderStatus::Returned);
    }
    if order.any_shipment(&["delivered", "picked_up"]) {
        return Some(OrderStatus::Delivered);
    }
    if fulfillment == Some("fulfilled") || order.any_shipment(&["ready_for_pickup"]) {
        return Some(OrderStatus::Ready);
    }
    let unshipped_fulfillment = order
        .live_fulfillments()
        .any(|f| f.shipment_status.is_none());
    if fulfillment == Some("partial") || unshipped_fulfillment {
        return Some(OrderStatus::Processing);
    }
    let nothing_fulfilled = fulfillment.is_none() && order.live_fulfillments().next().is_none();
    match financial {
        Some("paid") if nothing_fulfilled => Some(OrderStatus::SentForProcessing),
        Some("pending" | "authorized") if nothing_fulfilled => Some(OrderStatus::Initiated),
        _ => None,
    }
}
