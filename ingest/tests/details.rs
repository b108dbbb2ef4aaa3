//! The order's items, money, tracking and links, read from real-shaped
//! payloads of every platform; a part that does not read is left out of
//! the message, never a failed event.

use notify_core::details::{CancelReason, Details, Fulfilment};
use notify_ingest::Normalized;
use notify_ingest::platforms::{bigcommerce, events, shopify, woocommerce};
use serde_json::{Value, json};

fn details(n: Normalized) -> Details {
    match n {
        Normalized::Event(e) => e.details,
        Normalized::StatusOnly { details, .. } => details,
        other => panic!("expected an event, got {other:?}"),
    }
}

fn lines(d: &Details) -> Vec<(String, Option<String>, u32, Option<String>)> {
    d.items
        .iter()
        .map(|i| {
            (
                i.name.to_string(),
                i.variant.as_ref().map(ToString::to_string),
                i.quantity.get(),
                i.price.map(|p| p.to_string()),
            )
        })
        .collect()
}

fn rows(d: &Details) -> Vec<(&'static str, String)> {
    d.totals.as_ref().map(|t| t.rows()).unwrap_or_default()
}

fn shipment(d: &Details) -> (Option<String>, Option<String>, Option<String>) {
    match &d.fulfilment {
        Some(Fulfilment::Shipment {
            carrier,
            number,
            url,
        }) => (
            carrier.as_ref().map(ToString::to_string),
            number.as_ref().map(ToString::to_string),
            url.as_ref().map(ToString::to_string),
        ),
        other => panic!("expected a shipment, got {other:?}"),
    }
}

fn s(text: &str) -> Option<String> {
    Some(text.to_owned())
}

fn with(base: &[u8], changes: Value) -> Vec<u8> {
    let mut v: Value = serde_json::from_slice(base).unwrap();
    for (k, val) in changes.as_object().unwrap() {
        v[k] = val.clone();
    }
    serde_json::to_vec(&v).unwrap()
}

const SHOPIFY: &[u8] = include_bytes!("payloads/shopify_order_fulfilled.json");

#[test]
fn shopify_order_in_the_customers_currency_with_tracking_and_status_page() {
    let d = details(shopify::normalize("orders/fulfilled", SHOPIFY, None).unwrap());
    assert_eq!(
        d.totals
            .as_ref()
            .map(|t| t.total().currency.code().to_owned()),
        s("CAD")
    );
    // Presentment money (what the customer paid in); a line without a name
    // and a line with a mistyped quantity are left out; "green" is the variant.
    assert_eq!(
        lines(&d),
        vec![
            ("IPod Nano - 8gb".into(), s("green"), 1, s("$270.64")),
            // No price in the customer's currency (CAD): none shown rather
            // than one in the shop's (USD).
            ("Gift card".into(), None, 2, None),
        ]
    );
    assert_eq!(
        rows(&d),
        vec![
            ("Subtotal", "$270.64".to_owned()),
            ("Discount", "-$13.60".to_owned()),
            ("Shipping", "Free".to_owned()),
            ("Tax", "$16.24".to_owned()),
            ("Total", "$273.28".to_owned()),
        ]
    );
    // The cancelled fulfilment's tracking is not the parcel's.
    assert_eq!(
        shipment(&d),
        (
            s("UPS"),
            s("1Z2345"),
            s("https://www.ups.com/WebTracking?loc=en_US&requester=ST&trackNums=1Z2345")
        )
    );
    assert!(
        d.order_url
            .as_ref()
            .is_some_and(|u| u.as_str().starts_with("https://apple.myshopify.com/"))
    );
    assert_eq!(d.cancel_reason, None);
}

#[test]
fn shopify_cancel_reason_and_refunds_in_customer_terms() {
    let body = with(
        SHOPIFY,
        json!({"cancelled_at": "2026-03-14T11:00:00-05:00", "cancel_reason": "inventory",
               "refunds": [{"id": 1, "refund_line_items": [], "transactions": [
                   {"kind": "refund", "status": "success", "amount": "199.00", "currency": "USD"},
                   {"kind": "refund", "status": "failure", "amount": "5.00", "currency": "USD"},
                   {"kind": "sale", "status": "success", "amount": "1.00", "currency": "USD"}]}]}),
    );
    let d = details(shopify::normalize("orders/cancelled", &body, None).unwrap());
    assert_eq!(d.cancel_reason, Some(CancelReason::Inventory));
    assert_eq!(d.refunded.map(|m| m.to_string()), s("$199.00"));
    for (given, expected) in [
        ("customer", CancelReason::Customer),
        ("declined", CancelReason::Declined),
        ("fraud", CancelReason::Fraud),
        ("staff", CancelReason::Other),
        ("something new", CancelReason::Other),
    ] {
        let body = with(
            SHOPIFY,
            json!({"cancelled_at": "2026-03-14T11:00:00-05:00", "cancel_reason": given}),
        );
        let d = details(shopify::normalize("orders/cancelled", &body, None).unwrap());
        assert_eq!(d.cancel_reason, Some(expected), "{given}");
    }
}

#[test]
fn shopify_partial_payloads_carry_their_tracking_and_refund() {
    let fulfillment = json!({"id": 255858046, "order_id": 450789469, "status": "success",
        "shipment_status": "delivered", "tracking_company": "USPS", "tracking_number": "9400 1000",
        "tracking_url": "https://tools.usps.com/go/TrackConfirmAction?tLabels=94001000",
        "updated_at": "2026-03-15T10:00:00-05:00"});
    let d = details(
        shopify::normalize(
            "fulfillments/update",
            &serde_json::to_vec(&fulfillment).unwrap(),
            None,
        )
        .unwrap(),
    );
    assert_eq!(
        shipment(&d),
        (
            s("USPS"),
            s("9400 1000"),
            s("https://tools.usps.com/go/TrackConfirmAction?tLabels=94001000")
        )
    );
    let refund = json!({"id": 509562969, "order_id": 450789469, "created_at": "2026-03-16T10:00:00-05:00",
        "refund_line_items": [{"id": 104689539, "quantity": 1, "restock_type": "return"}],
        "transactions": [{"kind": "refund", "status": "success", "amount": "41.94", "currency": "USD"}]});
    let d = details(
        shopify::normalize(
            "refunds/create",
            &serde_json::to_vec(&refund).unwrap(),
            None,
        )
        .unwrap(),
    );
    assert_eq!(d.refunded.map(|m| m.to_string()), s("$41.94"));
    assert!(d.items.is_empty() && d.fulfilment.is_none());
}

#[test]
fn shopify_order_with_unreadable_optional_parts_still_notifies() {
    let body = with(
        SHOPIFY,
        json!({"line_items": "not a list", "total_price_set": 7, "total_price": "lots",
               "order_status_url": "javascript:alert(1)", "cancel_reason": 3,
               "fulfillments": [{"status": "success", "shipment_status": "in_transit", "tracking_url": "not a url"}]}),
    );
    let d = details(shopify::normalize("orders/fulfilled", &body, None).unwrap());
    assert_eq!(d, Details::default());
}

const WOO: &[u8] = include_bytes!("payloads/woocommerce_order_completed.json");

#[test]
fn woocommerce_items_totals_refunds_and_shipment_tracking_meta() {
    let d = details(woocommerce::normalize("order.updated", WOO).unwrap());
    assert_eq!(
        lines(&d),
        vec![
            ("Woo Single #1".into(), None, 2, s("€6.00")),
            ("Ship Your Idea - Black, M".into(), None, 1, s("€24.00")),
        ]
    );
    assert_eq!(
        rows(&d),
        vec![
            ("Subtotal", "€30.00".to_owned()),
            ("Discount", "-€5.00".to_owned()),
            ("Shipping", "€10.00".to_owned()),
            ("Tax", "€1.35".to_owned()),
            ("Total", "€35.35".to_owned()),
        ]
    );
    assert_eq!(d.refunded.map(|m| m.to_string()), s("€6.00"));
    // The latest tracking entry, with its custom provider and link.
    assert_eq!(
        shipment(&d),
        (
            s("DHL Express"),
            s("1234567890"),
            s("https://www.dhl.com/en/express/tracking.html?AWB=1234567890")
        )
    );
}

#[test]
fn woocommerce_failed_is_a_declined_payment_and_pickup_has_no_parcel() {
    let failed = with(WOO, json!({"status": "failed"}));
    let d = details(woocommerce::normalize("order.updated", &failed).unwrap());
    assert_eq!(d.cancel_reason, Some(CancelReason::Declined));
    let pickup = with(WOO, json!({"status": "ready-for-pickup", "meta_data": []}));
    let d = details(woocommerce::normalize("order.updated", &pickup).unwrap());
    assert_eq!(d.fulfilment, Some(Fulfilment::Pickup { location: None }));
    // A line whose subtotal does not read: no subtotal (it would be wrong).
    let odd = with(
        WOO,
        json!({"line_items": [{"name": "A", "quantity": 1, "subtotal": "x"}, {"name": "B", "quantity": 1, "subtotal": "2.00"}]}),
    );
    let d = details(woocommerce::normalize("order.updated", &odd).unwrap());
    assert_eq!(rows(&d)[0].0, "Discount");
    assert_eq!(lines(&d)[0], ("A".into(), None, 1, None));
}

#[test]
fn bigcommerce_fetched_order_money() {
    let d = details(bigcommerce::order(BC_ORDER).unwrap());
    assert_eq!(
        rows(&d),
        vec![
            ("Subtotal", "$225.00".to_owned()),
            ("Discount", "-$25.00".to_owned()),
            ("Shipping", "$12.00".to_owned()),
            ("Tax", "$19.96".to_owned()),
            ("Total", "$256.96".to_owned()),
        ]
    );
    assert_eq!(d.refunded, None);
    // The amounts are in the transactional currency (what the shopper
    // pays in), when the storefront displays another.
    let euro = with(
        BC_ORDER,
        json!({"default_currency_code": "EUR", "currency_code": "USD"}),
    );
    let d = details(bigcommerce::order(&euro).unwrap());
    assert_eq!(rows(&d).last().unwrap().1, "€256.96");
    let display_only = with(BC_ORDER, json!({"currency_code": "GBP"}));
    let d = details(bigcommerce::order(&display_only).unwrap());
    assert_eq!(rows(&d).last().unwrap().1, "£256.96");
}

const BC_ORDER: &[u8] = include_bytes!("payloads/bigcommerce_order.json");
const BC_PRODUCTS: &[u8] = include_bytes!("payloads/bigcommerce_order_products.json");
const BC_SHIPMENTS: &[u8] = include_bytes!("payloads/bigcommerce_order_shipments.json");

#[test]
fn bigcommerce_products_are_the_items_priced_before_tax() {
    let d = bigcommerce::products(BC_PRODUCTS, BC_ORDER).unwrap();
    // The options' values make the variant; the bundle's own product (a
    // pick list's choice, already among the options) is not a line of its
    // own; an empty customer name falls back on the name.
    assert_eq!(
        lines(&d),
        vec![
            (
                "Fog Linen Chambray Towel - Beige Stripe".into(),
                s("S / Orange / Able Brewing System"),
                2,
                s("$116.00")
            ),
            ("Orbit Terrarium - Large".into(), None, 1, s("$109.00")),
        ]
    );
    assert_eq!((d.totals, d.fulfilment), (None, None));

    // The amounts are in the transactional currency when the store shows
    // another; without any currency the lines go unpriced.
    let euro = with(
        BC_ORDER,
        json!({"default_currency_code": "EUR", "currency_code": "USD"}),
    );
    let d = bigcommerce::products(BC_PRODUCTS, &euro).unwrap();
    assert_eq!(lines(&d)[1].3, s("€109.00"));
    let d = bigcommerce::products(BC_PRODUCTS, b"{}").unwrap();
    assert_eq!(lines(&d)[1].3, None);

    // A line that does not read is left out, the others stay.
    let mut products: Value = serde_json::from_slice(BC_PRODUCTS).unwrap();
    products[0]["quantity"] = json!("two");
    products[2]["total_ex_tax"] = json!("109.00001");
    products[2]["product_options"] = json!("none");
    let products = serde_json::to_vec(&products).unwrap();
    let d = bigcommerce::products(&products, BC_ORDER).unwrap();
    assert_eq!(
        lines(&d),
        vec![("Orbit Terrarium - Large".into(), None, 1, None)]
    );

    // No content (204), an empty page: no items; an answer that is not a
    // list is an error (the message goes without items).
    assert!(
        bigcommerce::products(b"", BC_ORDER)
            .unwrap()
            .items
            .is_empty()
    );
    assert!(
        bigcommerce::products(b"[]", BC_ORDER)
            .unwrap()
            .items
            .is_empty()
    );
    assert!(bigcommerce::products(br#"{"status": 404}"#, BC_ORDER).is_err());
    assert!(bigcommerce::products(b"<html>", BC_ORDER).is_err());
}

#[test]
fn bigcommerce_shipments_give_the_newest_tracking() {
    let d = bigcommerce::shipments(BC_SHIPMENTS).unwrap();
    let newest = (
        s("UPS"),
        s("1Z999AA10123456784"),
        s("https://www.ups.com/track?tracknum=1Z999AA10123456784"),
    );
    assert_eq!(shipment(&d), newest);
    assert!(d.items.is_empty() && d.totals.is_none());
    // Newest by date, not by place in the list.
    let mut reversed: Vec<Value> = serde_json::from_slice(BC_SHIPMENTS).unwrap();
    reversed.reverse();
    let d = bigcommerce::shipments(&serde_json::to_vec(&reversed).unwrap()).unwrap();
    assert_eq!(shipment(&d), newest);

    let one = |changes: Value| {
        let mut list: Vec<Value> = serde_json::from_slice(BC_SHIPMENTS).unwrap();
        let mut first = list.remove(0);
        for (k, v) in changes.as_object().unwrap() {
            first[k] = v.clone();
        }
        shipment(&bigcommerce::shipments(&serde_json::to_vec(&[first]).unwrap()).unwrap())
    };
    // BigCommerce's provider with its display name and generated link.
    assert_eq!(
        one(json!({})),
        (
            s("USPS"),
            s("EJ958083578US"),
            s("https://tools.usps.com/go/TrackConfirmAction?tLabels=EJ958083578US")
        )
    );
    // A link the merchant supplied wins; carrier codes become names.
    let custom = one(
        json!({"tracking_link": "https://track.example.com/EJ958083578US",
        "generated_tracking_link": "", "tracking_carrier": "royal-mail"}),
    );
    assert_eq!(
        (custom.0, custom.2),
        (
            s("Royal Mail"),
            s("https://track.example.com/EJ958083578US")
        )
    );
    let carrier = |changes: Value| one(changes).0;
    let provider = |code: &str| {
        carrier(json!({"shipping_provider": code, "shipping_provider_display_name": ""}))
    };
    assert_eq!(provider("auspost"), s("Australia Post"));
    assert_eq!(provider("canadapost"), s("Canada Post"));
    assert_eq!(provider("royalmail"), s("Royal Mail"));
    assert_eq!(provider("fedex"), s("FedEx"));
    assert_eq!(provider("upsready"), s("UPS"));
    assert_eq!(provider("endicia"), s("USPS"));
    assert_eq!(provider("shipperhq"), None);
    assert_eq!(provider("carrier_42"), None);
    assert_eq!(
        carrier(
            json!({"shipping_provider": "carrier_42", "shipping_provider_display_name": "Acme Freight"})
        ),
        s("Acme Freight")
    );
    assert_eq!(carrier(json!({"tracking_carrier": "DHL"})), s("DHL"));
    assert_eq!(
        carrier(json!({"tracking_carrier": "colissimo"})),
        s("colissimo")
    );
    // Only a number; an unreadable date still counts as a shipment.
    assert_eq!(
        one(
            json!({"shipping_provider": "", "shipping_provider_display_name": "",
            "generated_tracking_link": "", "date_created": "yesterday"})
        ),
        (None, s("EJ958083578US"), None)
    );
    // A shipment that says nothing is no tracking.
    let empty = json!([{"id": 9, "tracking_number": "", "shipping_provider": "", "tracking_carrier": "",
        "tracking_link": "", "generated_tracking_link": ""}]);
    let d = bigcommerce::shipments(&serde_json::to_vec(&empty).unwrap()).unwrap();
    assert_eq!(d.fulfilment, None);

    // No shipments (204), an empty page; an answer that is not a list.
    assert_eq!(bigcommerce::shipments(b"").unwrap().fulfilment, None);
    assert_eq!(bigcommerce::shipments(b" []").unwrap().fulfilment, None);
    assert!(bigcommerce::shipments(br#"{"title": "Not Found"}"#).is_err());
}

#[test]
fn generic_endpoint_optional_parts() {
    let body = json!({"type": "order.status_changed", "source": "cto",
        "order": {"id": "A-1", "number": "1001", "status": "ready", "updated_at": "2026-03-14T10:00:00Z",
            "currency": "gbp",
            "items": [{"name": "Tea", "variant": "Earl Grey", "quantity": 3, "price": "12.00"}, {"name": "", "quantity": 1}],
            "totals": {"subtotal": "12.00", "shipping": 0, "total": "12.00"},
            "tracking": {"carrier": "Royal Mail", "number": "AB123456789GB", "url": "https://www.royalmail.com/track-your-item#/tracking-results/AB123456789GB"},
            "order_url": "https://cto.example.com/o/A-1"},
        "customer": {"name": "Ada", "email": "ada@example.com"}});
    let d = details(events::normalize(&serde_json::to_vec(&body).unwrap()).unwrap());
    assert_eq!(
        lines(&d),
        vec![("Tea".into(), s("Earl Grey"), 3, s("£12.00"))]
    );
    assert_eq!(
        rows(&d),
        vec![
            ("Subtotal", "£12.00".to_owned()),
            ("Shipping", "Free".to_owned()),
            ("Total", "£12.00".to_owned())
        ]
    );
    assert_eq!(shipment(&d).0, s("Royal Mail"));
    assert_eq!(
        d.order_url.map(|u| u.to_string()),
        s("https://cto.example.com/o/A-1")
    );

    // Pickup, a cancel reason, a refund; and parts that do not read are
    // left out while the event still notifies.
    let body = json!({"type": "order.status_changed", "source": "fanvista",
        "order": {"id": 7, "status": "cancelled", "updated_at": "2026-03-14T10:00:00Z", "currency": "USD",
            "cancel_reason": "customer", "refunded": "5.5", "pickup": {"location": "Front desk"},
            "items": "three", "totals": {"total": "1.234"}, "order_url": "ftp://x"},
        "customer": {"email": "ada@example.com"}});
    let d = details(events::normalize(&serde_json::to_vec(&body).unwrap()).unwrap());
    assert_eq!(d.cancel_reason, Some(CancelReason::Customer));
    assert_eq!(d.refunded.map(|m| m.to_string()), s("$5.50"));
    assert!(
        matches!(d.fulfilment, Some(Fulfilment::Pickup { location: Some(l) }) if l.as_str() == "Front desk")
    );
    assert!(d.items.is_empty() && d.totals.is_none() && d.order_url.is_none());

    // Without any of them, as before.
    let body = json!({"type": "invoice.status_changed",
        "invoice": {"id": 42, "status": "closed", "updated_at": "2026-03-14T10:00:00Z", "total": "129.50", "currency": "usd"},
        "customer": {"email": "ada@example.com"}});
    let d = details(events::normalize(&serde_json::to_vec(&body).unwrap()).unwrap());
    assert_eq!(d, Details::default());
}
