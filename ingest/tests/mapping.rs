//! Every row of the product's status mapping table (PLATFORMS.md).

use notify_core::OrderStatus::*;
use notify_ingest::platforms::shopify::{Fulfillment, OrderSnapshot, Refund, RefundLineItem};
use notify_ingest::platforms::{bigcommerce, shopify, woocommerce};

#[test]
fn bigcommerce_every_status_id() {
    for (id, status) in notify_testkit::mapping::BIGCOMMERCE {
        assert_eq!(bigcommerce::order_status(id), status, "status id {id}");
        assert!(bigcommerce::status_name(id).is_some());
    }
    assert_eq!(bigcommerce::order_status(15), None);
    assert_eq!(bigcommerce::order_status(u64::MAX), None);
}

#[test]
fn woocommerce_every_status() {
    // Not statuses WooCommerce names: no notification.
    let others = [("trash", None), ("Processing", None), ("", None)];
    for (status, ours) in notify_testkit::mapping::WOOCOMMERCE
        .into_iter()
        .chain(others)
    {
        assert_eq!(woocommerce::order_status(status), ours, "{status:?}");
    }
    // WooCommerce never reports Sent for Processing.
    for (s, ours) in notify_testkit::mapping::WOOCOMMERCE {
        if ours.is_some() {
            assert_ne!(woocommerce::order_status(s), Some(SentForProcessing));
        }
    }
}

fn order(financial: Option<&str>, fulfillment: Option<&str>) -> OrderSnapshot {
    OrderSnapshot {
        financial_status: financial.map(str::to_owned),
        fulfillment_status: fulfillment.map(str::to_owned),
        ..OrderSnapshot::default()
    }
}

fn with_shipment(
    mut o: OrderSnapshot,
    status: Option<&str>,
    shipment: Option<&str>,
) -> OrderSnapshot {
    o.fulfillments.push(Fulfillment {
        status: status.map(str::to_owned),
        shipment_status: shipment.map(str::to_owned),
        ..Fulfillment::default()
    });
    o
}

fn with_refund(mut o: OrderSnapshot, restock: &str) -> OrderSnapshot {
    let mut refund = Refund::default();
    refund.refund_line_items = vec![RefundLineItem {
        restock_type: Some(restock.to_owned()),
    }];
    o.refunds.push(refund);
    o
}

#[test]
fn shopify_initiated_when_created_and_pending_or_authorized() {
    assert_eq!(
        shopify::order_status(&order(Some("pending"), None)),
        Some(Initiated)
    );
    assert_eq!(
        shopify::order_status(&order(Some("authorized"), None)),
        Some(Initiated)
    );
}

#[test]
fn shopify_sent_for_processing_when_paid_and_nothing_fulfilled() {
    assert_eq!(
        shopify::order_status(&order(Some("paid"), None)),
        Some(SentForProcessing)
    );
}

#[test]
fn shopify_processing_when_partial_or_fulfillment_without_shipment_status() {
    assert_eq!(
        shopify::order_status(&order(Some("paid"), Some("partial"))),
        Some(Processing)
    );
    let open = with_shipment(order(Some("paid"), None), Some("open"), None);
    assert_eq!(shopify::order_status(&open), Some(Processing));
    let partial_in_transit = with_shipment(
        order(Some("paid"), Some("partial")),
        Some("success"),
        Some("in_transit"),
    );
    assert_eq!(shopify::order_status(&partial_in_transit), Some(Processing));
}

#[test]
fn shopify_ready_when_fulfilled_or_ready_for_pickup() {
    assert_eq!(
        shopify::order_status(&order(Some("paid"), Some("fulfilled"))),
        Some(Ready)
    );
    for shipment in [
        "label_printed",
        "confirmed",
        "in_transit",
        "out_for_delivery",
        "attempted_delivery",
        "failure",
    ] {
        let o = with_shipment(
            order(Some("paid"), Some("fulfilled")),
            Some("success"),
            Some(shipment),
        );
        assert_eq!(shopify::order_status(&o), Some(Ready), "{shipment}");
    }
    let pickup = with_shipment(
        order(Some("paid"), Some("partial")),
        Some("success"),
        Some("ready_for_pickup"),
    );
    assert_eq!(shopify::order_status(&pickup), Some(Ready));
}

#[test]
fn shopify_delivered_when_delivered_or_picked_up() {
    for shipment in ["delivered", "picked_up"] {
        let o = with_shipment(
            order(Some("paid"), Some("fulfilled")),
            Some("success"),
            Some(shipment),
        );
        assert_eq!(shopify::order_status(&o), Some(Delivered), "{shipment}");
    }
}

#[test]
fn shopify_cancelled_when_cancelled_at_or_voided() {
    let mut cancelled = order(Some("refunded"), None);
    cancelled.cancelled_at = Some("2026-03-14T10:00:00-05:00".into());
    assert_eq!(shopify::order_status(&cancelled), Some(Cancelled));
    assert_eq!(
        shopify::order_status(&order(Some("voided"), None)),
        Some(Cancelled)
    );
}

#[test]
fn shopify_returned_when_refund_restocks_a_return() {
    let o = with_refund(
        with_shipment(
            order(Some("refunded"), Some("fulfilled")),
            Some("success"),
            Some("delivered"),
        ),
        "return",
    );
    assert_eq!(shopify::order_status(&o), Some(Returned));
    assert_eq!(shopify::RETURNS_CLOSE, "returns/close");
    assert_eq!(shopify::RETURN_CLOSED_STATUS, Returned);
    // A refund without a return is not a return.
    let no_restock = with_refund(order(Some("refunded"), None), "no_restock");
    assert_eq!(shopify::order_status(&no_restock), None);
}

#[test]
fn shopify_anything_else_is_no_notification() {
    for financial in [
        None,
        Some("partially_paid"),
        Some("partially_refunded"),
        Some("refunded"),
        Some("unknown"),
    ] {
        assert_eq!(
            shopify::order_status(&order(financial, None)),
            None,
            "{financial:?}"
        );
    }
    assert_eq!(
        shopify::order_status(&order(Some("paid"), Some("restocked"))),
        None
    );
    // A cancelled fulfillment counts for nothing.
    let cancelled_fulfillment = with_shipment(order(Some("paid"), None), Some("cancelled"), None);
    assert_eq!(
        shopify::order_status(&cancelled_fulfillment),
        Some(SentForProcessing)
    );
}

#[test]
fn shopify_snapshot_reads_the_real_payload_shape() {
    let body = r##"{
        "id": 450789469, "name": "#1001", "email": "bob@example.com",
        "financial_status": "paid", "fulfillment_status": "fulfilled", "cancelled_at": null,
        "fulfillments": [{"id": 255858046, "status": "success", "shipment_status": "delivered", "tracking_number": "1Z2345"}],
        "refunds": [], "line_items": [{"id": 1}]
    }"##;
    let snapshot: OrderSnapshot = serde_json::from_str(body).unwrap();
    assert_eq!(shopify::order_status(&snapshot), Some(Delivered));
}
