//! Realistic payloads (shaped as in each platform's documentation) for every
//! row of the mapping table, and the customer read from them.

use notify_core::{Document, InvoiceStatus, OrderSource, OrderStatus, TransactionEvent};
use notify_ingest::Normalized;
use notify_ingest::platforms::{bigcommerce, events, shopify, woocommerce};
use notify_ingest::settings::IntegrationForm;
use serde_json::{Value, json};

fn event(n: Normalized) -> TransactionEvent {
    match n {
        Normalized::Event(e) => e,
        other => panic!("expected an event, got {other:?}"),
    }
}

fn order_status(n: Normalized) -> Option<OrderStatus> {
    match n {
        Normalized::Event(TransactionEvent {
            document: Document::Order { status, .. },
            ..
        }) => Some(status),
        Normalized::StatusOnly { status, .. } => Some(status),
        Normalized::NoNotification { .. } => None,
        other => panic!("unexpected {other:?}"),
    }
}

fn shopify_order(changes: Value) -> Vec<u8> {
    let mut order = json!({
        "id": 450789469, "name": "#1001", "order_number": 1001,
        "email": "bob.norman@mail.example.com", "phone": null,
        "created_at": "2026-03-13T16:09:10-05:00", "updated_at": "2026-03-14T10:00:00-05:00",
        "financial_status": "pending", "fulfillment_status": null, "cancelled_at": null,
        "customer": {"id": 207119551, "first_name": "Bob", "last_name": "Norman", "email": "bob.norman@mail.example.com", "phone": null},
        "billing_address": {"first_name": "Bob", "last_name": "Norman", "phone": "(415) 555-0123", "country_code": "US"},
        "fulfillments": [], "refunds": [], "line_items": [{"id": 466157049, "title": "IPod Nano - 8gb", "quantity": 1}],
        "total_price": "598.94", "currency": "USD"
    });
    for (k, v) in changes.as_object().unwrap() {
        order[k] = v.clone();
    }
    serde_json::to_vec(&order).unwrap()
}

fn fulfillment(status: &str, shipment: Option<&str>) -> Value {
    json!({"id": 255858046, "order_id": 450789469, "status": status, "shipment_status": shipment, "tracking_number": "1Z2345"})
}

#[test]
fn shopify_every_mapping_row() {
    use OrderStatus::*;
    let cases: Vec<(&str, Value, Option<OrderStatus>)> = vec![
        ("pending", json!({}), Some(Initiated)),
        (
            "authorized",
            json!({"financial_status": "authorized"}),
            Some(Initiated),
        ),
        (
            "paid",
            json!({"financial_status": "paid"}),
            Some(SentForProcessing),
        ),
        (
            "partial",
            json!({"financial_status": "paid", "fulfillment_status": "partial", "fulfillments": [fulfillment("success", Some("in_transit"))]}),
            Some(Processing),
        ),
        (
            "fulfillment without shipment",
            json!({"financial_status": "paid", "fulfillments": [fulfillment("open", None)]}),
            Some(Processing),
        ),
        (
            "fulfilled",
            json!({"financial_status": "paid", "fulfillment_status": "fulfilled", "fulfillments": [fulfillment("success", Some("in_transit"))]}),
            Some(Ready),
        ),
        (
            "ready for pickup",
            json!({"financial_status": "paid", "fulfillments": [fulfillment("success", Some("ready_for_pickup"))]}),
            Some(Ready),
        ),
        (
            "delivered",
            json!({"financial_status": "paid", "fulfillment_status": "fulfilled", "fulfillments": [fulfillment("success", Some("delivered"))]}),
            Some(Delivered),
        ),
        (
            "picked up",
            json!({"financial_status": "paid", "fulfillment_status": "fulfilled", "fulfillments": [fulfillment("success", Some("picked_up"))]}),
            Some(Delivered),
        ),
        (
            "cancelled",
            json!({"financial_status": "refunded", "cancelled_at": "2026-03-14T11:00:00-05:00", "cancel_reason": "customer"}),
            Some(Cancelled),
        ),
        (
            "voided",
            json!({"financial_status": "voided"}),
            Some(Cancelled),
        ),
        (
            "returned",
            json!({"financial_status": "refunded", "fulfillment_status": "fulfilled", "refunds": [{"id": 509562969, "refund_line_items": [{"id": 104689539, "quantity": 1, "restock_type": "return"}]}]}),
            Some(Returned),
        ),
        (
            "partially paid",
            json!({"financial_status": "partially_paid"}),
            None,
        ),
        (
            "partially refunded",
            json!({"financial_status": "partially_refunded"}),
            None,
        ),
    ];
    for (name, changes, expected) in cases {
        for topic in ["orders/updated", "orders/create"] {
            let n = shopify::normalize(topic, &shopify_order(changes.clone()), None).unwrap();
            assert_eq!(order_status(n), expected, "{name} via {topic}");
        }
    }
}

#[test]
fn shopify_reads_the_customer_and_the_snapshot_time() {
    let e = event(
        shopify::normalize(
            "orders/paid",
            &shopify_order(json!({"financial_status": "paid"})),
            None,
        )
        .unwrap(),
    );
    assert_eq!(e.customer.name.unwrap().as_str(), "Bob Norman");
    assert_eq!(
        e.customer.email.unwrap().as_str(),
        "bob.norman@mail.example.com"
    );
    // A national number read with the address's country.
    assert_eq!(e.customer.phone.unwrap().as_e164(), "+14155550123");
    assert_eq!(e.occurred_at.to_rfc3339(), "2026-03-14T15:00:00+00:00");
    let Document::Order {
        source, id, number, ..
    } = e.document
    else {
        panic!()
    };
    assert_eq!(
        (source, id.as_str(), number.as_str()),
        (OrderSource::Shopify, "450789469", "1001")
    );
}

#[test]
fn shopify_partial_payloads_become_status_only() {
    let f = serde_json::to_vec(&json!({"id": 1, "order_id": 450789469, "status": "success", "shipment_status": "delivered", "updated_at": "2026-03-16T09:00:00-05:00"})).unwrap();
    let n = shopify::normalize("fulfillments/update", &f, None).unwrap();
    assert!(
        matches!(&n, Normalized::StatusOnly { status: OrderStatus::Delivered, order_id, .. } if order_id.as_str() == "450789469"),
        "{n:?}"
    );
    let in_transit = serde_json::to_vec(&json!({"id": 1, "order_id": 450789469, "status": "success", "shipment_status": "in_transit"})).unwrap();
    assert_eq!(
        order_status(
            shopify::normalize(
                "fulfillments/update",
                &in_transit,
                Some(notify_core::sample::sample_time())
            )
            .unwrap()
        ),
        None
    );
    let refund = serde_json::to_vec(&json!({"id": 509562969, "order_id": 450789469, "created_at": "2026-03-17T09:00:00-05:00", "refund_line_items": [{"restock_type": "return"}]})).unwrap();
    assert_eq!(
        order_status(shopify::normalize("refunds/create", &refund, None).unwrap()),
        Some(OrderStatus::Returned)
    );
    let ret = serde_json::to_vec(&json!({"id": 945000954, "admin_graphql_api_id": "gid://shopify/Return/945000954", "status": "closed", "order": {"id": "gid://shopify/Order/450789469"}})).unwrap();
    let n = shopify::normalize(
        "returns/close",
        &ret,
        Some(notify_core::sample::sample_time()),
    )
    .unwrap();
    assert!(
        matches!(&n, Normalized::StatusOnly { status: OrderStatus::Returned, order_id, .. } if order_id.as_str() == "450789469"),
        "{n:?}"
    );
}

#[test]
fn shopify_rejects_wrong_shapes_with_the_reason() {
    let err = shopify::normalize("orders/updated", br#"{"id": "abc"}"#, None).unwrap_err();
    assert!(err.0.contains("body is not the expected JSON"), "{err}");
    assert!(shopify::normalize("orders/updated", b"not json", None).is_err());
    assert!(shopify::normalize("products/create", &shopify_order(json!({})), None).is_err());
    assert!(
        shopify::normalize(
            "returns/close",
            br#"{"id": 1}"#,
            Some(notify_core::sample::sample_time())
        )
        .is_err()
    );
}

fn woo_order(status: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "id": 727, "parent_id": 0, "number": "727", "order_key": "wc_order_58d2d042d1d", "created_via": "checkout",
        "status": status, "currency": "USD", "date_modified_gmt": "2026-03-14T15:09:26", "total": "29.35",
        "billing": {"first_name": "John", "last_name": "Doe", "email": "john.doe@example.com", "phone": "(415) 555-0199", "country": "US"},
        "line_items": [{"id": 315, "name": "Woo Single #1", "quantity": 2}]
    }))
    .unwrap()
}

#[test]
fn woocommerce_every_mapping_row() {
    for (status, expected) in notify_testkit::mapping::WOOCOMMERCE {
        assert_eq!(
            order_status(woocommerce::normalize("order.updated", &woo_order(status)).unwrap()),
            expected,
            "{status}"
        );
    }
    let e = event(woocommerce::normalize("order.created", &woo_order("processing")).unwrap());
    assert_eq!(e.customer.phone.unwrap().as_e164(), "+14155550199");
    assert_eq!(e.customer.name.unwrap().first_name(), "John");
    assert_eq!(
        woocommerce::dedupe_key(&woo_order("processing")).unwrap(),
        "727:processing:2026-03-14T15:09:26"
    );
    assert_eq!(
        order_status(woocommerce::normalize("order.deleted", &woo_order("completed")).unwrap()),
        None
    );
    assert!(woocommerce::normalize("order.updated", br#"{"id": 1}"#).is_err());
}

fn bc_order(status_id: u64) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "id": 250, "customer_id": 11, "date_created": "Tue, 20 Nov 2012 00:00:00 +0000",
        "date_modified": "Fri, 13 Mar 2026 16:00:00 +0000", "status_id": status_id, "status": "whatever",
        "billing_address": {"first_name": "Jane", "last_name": "Doe", "email": "jane@example.com", "phone": "020 7123 4567", "country_iso2": "GB"}
    }))
    .unwrap()
}

#[test]
fn bigcommerce_hook_asks_for_the_order_and_the_order_maps_every_status() {
    let hook = br#"{"created_at": 1561482670, "store_id": "1025646", "producer": "stores/abc123", "scope": "store/order/statusUpdated", "hash": "352e4afc6dd3fc85ea26bfdf3f91852604d57528", "data": {"type": "order", "id": 250, "status": {"previous_status_id": 0, "new_status_id": 11}}}"#;
    assert_eq!(
        bigcommerce::normalize_hook(hook).unwrap(),
        Normalized::FetchOrder { order_id: 250 }
    );
    assert_eq!(
        bigcommerce::dedupe_key(hook).unwrap().as_deref(),
        Some("352e4afc6dd3fc85ea26bfdf3f91852604d57528")
    );
    let shipment = br#"{"scope": "store/shipment/created", "hash": "h", "data": {"type": "shipment", "id": 12, "orderId": 251}}"#;
    assert_eq!(
        bigcommerce::normalize_hook(shipment).unwrap(),
        Normalized::FetchOrder { order_id: 251 }
    );
    for (id, want) in notify_testkit::mapping::BIGCOMMERCE {
        assert_eq!(
            order_status(bigcommerce::order(&bc_order(id)).unwrap()),
            want,
            "status id {id}"
        );
    }
    let e = event(bigcommerce::order(&bc_order(10)).unwrap());
    assert_eq!(e.customer.phone.unwrap().as_e164(), "+442071234567");
    assert_eq!(e.occurred_at.to_rfc3339(), "2026-03-13T16:00:00+00:00");
    assert!(
        bigcommerce::normalize_hook(br#"{"scope": "store/product/created", "data": {"id": 1}}"#)
            .is_err()
    );
}

#[test]
fn a_bigcommerce_status_hook_is_read_as_its_transition() {
    // Shipped (2) at the hook's time; the order has since been Completed (10).
    let shipped = br#"{"created_at": 1773417600, "scope": "store/order/statusUpdated", "hash": "h", "data": {"type": "order", "id": 250, "status": {"previous_status_id": 11, "new_status_id": 2}}}"#;
    let e = event(bigcommerce::order_for_hook(&bc_order(10), shipped).unwrap());
    assert_eq!(
        order_status(Normalized::Event(e.clone())),
        Some(OrderStatus::Ready)
    );
    assert_eq!(e.occurred_at.to_rfc3339(), "2026-03-13T16:00:00+00:00");
    assert_eq!(e.customer.phone.unwrap().as_e164(), "+442071234567");
    // A transition to a status that does not notify stays silent, whatever the order is now.
    let incomplete = br#"{"scope": "store/order/statusUpdated", "data": {"type": "order", "id": 250, "status": {"previous_status_id": 1, "new_status_id": 0}}}"#;
    assert_eq!(
        bigcommerce::order_for_hook(&bc_order(10), incomplete).unwrap(),
        Normalized::NoNotification {
            status: "0 (Incomplete)".to_owned()
        }
    );
    // Hooks without a transition take the order's status now and its time.
    let shipment = br#"{"created_at": 1, "scope": "store/shipment/created", "data": {"type": "shipment", "id": 12, "orderId": 250}}"#;
    let e = event(bigcommerce::order_for_hook(&bc_order(10), shipment).unwrap());
    assert_eq!(
        order_status(Normalized::Event(e.clone())),
        Some(OrderStatus::Delivered)
    );
    assert_eq!(e.occurred_at.to_rfc3339(), "2026-03-13T16:00:00+00:00");
}

/// The order's GET and its parts' below it, with the same token: items for
/// every status, shipments only where the message shows tracking.
#[test]
fn bigcommerce_fetches_the_orders_items_and_for_shipped_orders_its_shipments() {
    let typed = [
        ("store_hash", "abc123"),
        ("api_token", "bc-token-123456"),
        ("hook_secret", "hook-secret-123"),
    ];
    let bc = bigcommerce::PLATFORM
        .validate(&IntegrationForm::new(typed), None, [0; 32])
        .unwrap();
    let api = bigcommerce::PLATFORM.spec().order_api.as_ref().unwrap();
    let order = (api.request)(&bc.config, 250).unwrap();
    assert_eq!(order.path, "stores/abc123/v2/orders/250");
    let parts: Vec<(&str, String, Vec<OrderStatus>)> = api
        .parts
        .iter()
        .map(|p| {
            let part = order.part(p);
            assert_eq!(part.headers.len(), 1);
            assert_eq!(part.headers[0].0, "X-Auth-Token");
            assert_eq!(part.headers[0].1.expose(), "bc-token-123456");
            let wanted = OrderStatus::ALL.into_iter().filter(|s| (p.wanted)(*s));
            (p.name, part.path, wanted.collect())
        })
        .collect();
    assert_eq!(
        parts,
        vec![
            (
                "items",
                "stores/abc123/v2/orders/250/products?limit=250".to_owned(),
                OrderStatus::ALL.to_vec()
            ),
            (
                "tracking",
                "stores/abc123/v2/orders/250/shipments?limit=250".to_owned(),
                vec![OrderStatus::Ready, OrderStatus::Delivered]
            ),
        ]
    );
}

#[test]
fn generic_events_for_orders_and_invoices() {
    let order = br#"{"type": "order.status_changed", "source": "retailcloud_online", "order": {"id": "RC-77", "number": "77", "status": "ready", "updated_at": "2026-03-14T10:00:00Z"}, "customer": {"name": "Ada Lovelace", "email": "ada@example.com", "phone": "+14155550134"}, "extra": true}"#;
    let e = event(events::normalize(order).unwrap());
    assert_eq!(
        e.trigger(),
        notify_core::Trigger::Order {
            source: OrderSource::RetailcloudOnline,
            status: OrderStatus::Ready
        }
    );
    assert_eq!(e.customer.phone.unwrap().as_e164(), "+14155550134");
    // The documented event types are exactly the ones these bodies use.
    assert_eq!(
        events::TYPES,
        ["order.status_changed", "invoice.status_changed"]
    );
    let invoice = br#"{"type": "invoice.status_changed", "invoice": {"id": 42, "number": "INV-0042", "status": "closed", "updated_at": "2026-03-14T10:00:00Z", "total": "129.50", "currency": "usd"}, "customer": {"name": "Ada", "email": "ada@example.com"}}"#;
    // Each listed event type (the Integrations page shows them) is one the
    // endpoint accepts: here with a body of that type.
    for (listed, body) in events::TYPES.iter().zip([&order[..], &invoice[..]]) {
        let body_text = std::str::from_utf8(body).unwrap();
        assert!(
            body_text.contains(&format!(r#""type": "{listed}""#)),
            "{listed}"
        );
        assert!(events::normalize(body).is_ok(), "{listed}");
    }
    assert_eq!(events::TYPES.len(), 2);
    let e = event(events::normalize(invoice).unwrap());
    let Document::Invoice {
        status,
        total,
        number,
        ..
    } = &e.document
    else {
        panic!()
    };
    assert_eq!(
        (*status, total.unwrap().minor, number.as_str()),
        (InvoiceStatus::Closed, 12950, "INV-0042")
    );
    assert!(e.customer.phone.is_none());
    for bad in [
        &br#"{"type": "order.status_changed", "source": "shopify", "order": {"id": 1, "status": "ready", "updated_at": "2026-03-14T10:00:00Z"}, "customer": {}}"#[..],
        br#"{"type": "order.status_changed", "source": "cto", "order": {"id": 1, "status": "shipped", "updated_at": "2026-03-14T10:00:00Z"}, "customer": {}}"#,
        br#"{"type": "invoice.status_changed", "invoice": {"id": 1, "status": "closed", "updated_at": "2026-03-14T10:00:00Z", "total": "1.999", "currency": "USD"}, "customer": {}}"#,
        br#"{"type": "refund.created"}"#,
    ] {
        assert!(events::normalize(bad).is_err(), "{}", String::from_utf8_lossy(bad));
    }
}

/// What `receive` stores for a verified webhook: its topic and dedupe key,
/// read from the body once.
#[test]
fn receive_names_the_topic_and_key_of_generic_events_and_bigcommerce_hooks() {
    use notify_ingest::platform::{Received, Request};
    use notify_ingest::settings::IntegrationForm;
    use notify_ingest::signature::standard_webhooks;

    let now = chrono::DateTime::from_timestamp(1_773_417_600, 0).unwrap();
    let accepted = |received| match received {
        Ok(Received::Accepted(a)) => a,
        other => panic!("expected accepted, got {other:?}"),
    };

    let generic = events::PLATFORM
        .validate(&IntegrationForm::default(), None, [7; 32])
        .unwrap();
    let key = standard_webhooks::decode_secret(generic.shown_once.as_deref().unwrap()).unwrap();
    let invoice = br#"{"type": "invoice.status_changed", "invoice": {"id": "INV-9", "status": "closed", "updated_at": "2026-03-14T10:00:00Z"}, "customer": {"email": "ada@example.com"}}"#;
    let order = br#"{"type": "order.status_changed", "source": "cto", "order": {"id": "C-1", "status": "ready", "updated_at": "2026-03-14T10:00:00Z"}, "customer": {"email": "ada@example.com"}}"#;
    for (body, topic) in [
        (&invoice[..], "invoice.status_changed"),
        (&order[..], "order.status_changed"),
    ] {
        let mut headers = http::HeaderMap::new();
        headers.insert("webhook-id", "msg_1".parse().unwrap());
        headers.insert(
            "webhook-timestamp",
            now.timestamp().to_string().parse().unwrap(),
        );
        let signature = standard_webhooks::sign("msg_1", now.timestamp(), body, &key);
        headers.insert("webhook-signature", signature.parse().unwrap());
        let request = Request {
            settings: &generic.config,
            headers: &headers,
            body,
            now,
        };
        let a = accepted((events::PLATFORM.spec().receive)(&request));
        assert_eq!((a.topic.as_str(), a.dedupe_key.as_str()), (topic, "msg_1"));
    }

    let typed = [
        ("store_hash", "abc123"),
        ("api_token", "bc-token-123456"),
        ("hook_secret", "hook-secret-123"),
    ];
    let bc = bigcommerce::PLATFORM
        .validate(&IntegrationForm::new(typed), None, [0; 32])
        .unwrap();
    let mut headers = http::HeaderMap::new();
    headers.insert(
        bigcommerce::SECRET_HEADER,
        "hook-secret-123".parse().unwrap(),
    );
    let hook = br#"{"scope": "store/shipment/created", "hash": "h-42", "data": {"type": "shipment", "id": 12, "orderId": 251}}"#;
    let request = Request {
        settings: &bc.config,
        headers: &headers,
        body: hook,
        now,
    };
    let a = accepted((bigcommerce::PLATFORM.spec().receive)(&request));
    assert_eq!(
        (a.topic.as_str(), a.dedupe_key.as_str()),
        ("store/shipment/created", "h-42")
    );
}
