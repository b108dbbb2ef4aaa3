//! The order's contents reach the customer: a Shopify order's items,
//! totals, tracking and status page are in the email and the text the
//! server sends, and a later partial payload (a fulfilment) adds its
//! tracking to what the order said. BigCommerce's items and tracking are
//! fetched (`…/products`, `…/shipments`) from a fake BigCommerce API, and a
//! part that fails leaves the message without it, never unsent.

use notify_store::testing::TestDb;
use notify_store::tests_on_both_backends;
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::delivery::{decode_quoted_printable, until};
use crate::harness::{TestApp, spawn, spawn_with};
use crate::webhooks::{SHOPIFY_SECRET, merchant_with, post_shopify, settled};

fn shipped_order() -> Vec<u8> {
    serde_json::to_vec(&json!({
        "id": 450789469, "name": "#1001", "email": "bob@example.com", "phone": "+14155550134",
        "updated_at": "2026-03-14T10:00:00-05:00", "financial_status": "paid",
        "fulfillment_status": "fulfilled", "cancelled_at": null, "currency": "USD",
        "customer": {"first_name": "Bob", "last_name": "Norman"},
        "line_items": [
            {"title": "Linen shirt", "variant_title": "Sage / M", "quantity": 2, "price": "49.00"},
            {"title": "Stoneware mug", "variant_title": "Default Title", "quantity": 1, "price": "24.00"}
        ],
        "subtotal_price": "122.00", "total_tax": "9.76", "total_discounts": "0.00",
        "total_shipping_price_set": {"presentment_money": {"amount": "0.00", "currency_code": "USD"}},
        "total_price": "131.76",
        "order_status_url": "https://maple.myshopify.com/1/orders/abc/authenticate?key=k1&x=2",
        "fulfillments": [{"status": "success", "shipment_status": "in_transit", "tracking_company": "UPS",
            "tracking_number": "1Z999AA10123456784", "tracking_url": "https://www.ups.com/track?tracknum=1Z999AA10123456784"}],
        "refunds": []
    }))
    .unwrap()
}

/// The sink's emails (the whole .eml text) and texts, once `n` jobs are sent.
async fn sent(app: &TestApp, n: usize) -> (Vec<String>, Vec<String>) {
    until(app, |d| {
        d.len() == n && d.iter().all(|j| j["state"] == "sent")
    })
    .await;
    let read = |kind: &str| -> Vec<(std::time::SystemTime, String)> {
        std::fs::read_dir(app.sink.path().join(kind))
            .map(|dir| {
                dir.map(|e| {
                    let path = e.unwrap().path();
                    let at = std::fs::metadata(&path).unwrap().modified().unwrap();
                    (at, std::fs::read_to_string(path).unwrap())
                })
                .collect()
            })
            .unwrap_or_default()
    };
    let mut emails = read("email");
    emails.sort();
    let texts = read("sms")
        .into_iter()
        .map(|(_, json)| {
            let v: Value = serde_json::from_str(&json).unwrap();
            v["body"].as_str().unwrap().to_owned()
        })
        .collect();
    (emails.into_iter().map(|(_, eml)| eml).collect(), texts)
}

async fn a_shipped_order_s_email_and_text_carry_its_items_money_and_tracking(db: &TestDb) {
    let app = spawn(db).await;
    let (url, _) = merchant_with(&app, "shopify", json!({"client_secret": SHOPIFY_SECRET})).await;
    let status = post_shopify(
        &url,
        "orders/fulfilled",
        "evt-1",
        &shipped_order(),
        SHOPIFY_SECRET,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(settled(&app).await[0]["outcome"], "jobs_created");
    let (emails, texts) = sent(&app, 2).await;
    let eml = decode_quoted_printable(&emails[0]);
    for expected in [
        "Subject: Your order #1001 is on its way",
        "Linen shirt",
        "Sage / M",
        "$98.00",
        "Stoneware mug",
        "Total: $131.76",
        "Shipping: Free",
        "Tracking number: 1Z999AA10123456784",
        "Track your parcel: https://www.ups.com/track?tracknum=1Z999AA10123456784",
        "View your order: https://maple.myshopify.com/1/orders/abc/authenticate?key=k1&x=2",
        // The HTML part: the link as an attribute, escaped.
        "href=\"https://maple.myshopify.com/1/orders/abc/authenticate?key=k1&amp;x=2\"",
    ] {
        assert!(eml.contains(expected), "{expected:?} not in {eml}");
    }
    assert!(!eml.contains("Default Title"), "{eml}");
    assert_eq!(
        texts,
        vec!["Maple: Hi Bob, your order #1001 is on its way. Track it: https://www.ups.com/track?tracknum=1Z999AA10123456784 Reply STOP to opt out.".to_owned()]
    );

    // The parcel arrives: the fulfilment's payload names only the order and
    // its new tracking; the message keeps the order's items.
    let delivered = json!({"id": 2, "order_id": 450789469, "status": "success", "shipment_status": "delivered",
        "tracking_company": "UPS", "tracking_number": "1Z999AA10123456785",
        "updated_at": "2026-03-15T10:00:00-05:00"});
    let body = serde_json::to_vec(&delivered).unwrap();
    assert_eq!(
        post_shopify(&url, "fulfillments/update", "evt-2", &body, SHOPIFY_SECRET).await,
        200
    );
    let (emails, _) = sent(&app, 4).await;
    let eml = decode_quoted_printable(emails.last().unwrap());
    for expected in [
        "Subject: Your order #1001 has been delivered",
        "Linen shirt",
        "Total: $131.76",
        "Tracking number: 1Z999AA10123456785",
    ] {
        assert!(eml.contains(expected), "{expected:?} not in {eml}");
    }
    // The new fulfilment has no link: the old one is not reused for it.
    assert!(!eml.contains("Track your parcel"), "{eml}");
}

const BC_TOKEN: &str = "bc-token-123456";

fn bc_order(id: u64, status_id: u64) -> Value {
    json!({"id": id, "status_id": status_id, "date_modified": "Fri, 13 Mar 2026 16:00:00 +0000",
        "default_currency_code": "USD", "currency_code": "USD",
        "subtotal_ex_tax": "116.0000", "shipping_cost_ex_tax": "0.0000", "total_tax": "10.3200",
        "total_inc_tax": "126.3200",
        "billing_address": {"first_name": "Jane", "last_name": "Doe", "email": format!("jane{id}@example.com"),
            "phone": "+14155550134", "country_iso2": "US"}})
}

fn bc_products(order_id: u64) -> Value {
    json!([{"id": 201, "order_id": order_id, "product_id": 77, "name": "Fog Linen Chambray Towel",
    "name_customer": "Fog Linen Chambray Towel", "sku": "FLCT-S-ORAN", "type": "physical",
    "base_price": "58.0000", "price_ex_tax": "58.0000", "base_total": "116.0000",
    "total_ex_tax": "116.0000", "total_inc_tax": "126.3200", "quantity": 2,
    "parent_order_product_id": null, "is_bundled_product": false, "applied_discounts": [],
    "product_options": [
        {"id": 45, "option_id": 18, "order_product_id": 201, "display_name": "Size", "display_value": "Small", "value": "69", "type": "Multiple choice"},
        {"id": 46, "option_id": 3, "order_product_id": 201, "display_name": "Color", "display_value": "Beige Stripe", "value": "112", "type": "Swatch"}
    ]}])
}

fn bc_shipments(order_id: u64) -> Value {
    json!([{"id": 7, "order_id": order_id, "order_address_id": 51, "date_created": "Fri, 13 Mar 2026 15:40:00 +0000",
        "tracking_number": "1Z999AA10123456784", "shipping_method": "UPS Ground", "shipping_provider": "",
        "tracking_carrier": "ups", "tracking_link": "", "shipping_provider_display_name": "",
        "generated_tracking_link": "https://www.ups.com/track?tracknum=1Z999AA10123456784",
        "items": [{"order_product_id": 201, "product_id": 77, "quantity": 2}]}])
}

/// Answers `GET …/orders/{id}{tail}` (with the token) with `response`,
/// expecting it `times` times when given.
async fn bc_answers(
    api: &MockServer,
    id: u64,
    tail: &str,
    response: ResponseTemplate,
    times: Option<u64>,
) {
    let mut mock = Mock::given(method("GET"))
        .and(path(format!("/stores/abc123/v2/orders/{id}{tail}")))
        .and(header("X-Auth-Token", BC_TOKEN));
    if !tail.is_empty() {
        // One page of up to 250 (BigCommerce's default page is 50).
        mock = mock.and(query_param("limit", "250"));
    }
    let mock = mock.respond_with(response);
    match times {
        Some(n) => mock.expect(n).mount(api).await,
        None => mock.mount(api).await,
    }
}

/// Order 250 is shipped: its email names the item, its variant and price,
/// the carrier, tracking number and link, and its text the link. Order
/// 251's items answer 500: it is sent without them, with its tracking, and
/// the event log says what it lacks. Order 252 is Awaiting Fulfillment: no
/// shipments are asked for; its items' answer is not JSON, so it goes
/// without them. Order 253 is shipped, but its customer left no email or
/// phone: nothing is sent, so neither part is asked for (each costs an API
/// call against the merchant's BigCommerce quota).
async fn bigcommerce_messages_carry_the_fetched_items_and_tracking(db: &TestDb) {
    let api = MockServer::start().await;
    let ok = |body: Value| ResponseTemplate::new(200).set_body_json(body);
    bc_answers(&api, 250, "", ok(bc_order(250, 2)), None).await;
    bc_answers(&api, 250, "/products", ok(bc_products(250)), Some(1)).await;
    bc_answers(&api, 250, "/shipments", ok(bc_shipments(250)), Some(1)).await;
    bc_answers(&api, 251, "", ok(bc_order(251, 2)), None).await;
    // The order's parts get the quick retries too: three answers.
    let failing = ResponseTemplate::new(500);
    bc_answers(&api, 251, "/products", failing, Some(3)).await;
    bc_answers(&api, 251, "/shipments", ok(bc_shipments(251)), Some(1)).await;
    bc_answers(&api, 252, "", ok(bc_order(252, 11)), None).await;
    let not_json = ResponseTemplate::new(200).set_body_string("<html>Maintenance</html>");
    bc_answers(&api, 252, "/products", not_json, Some(1)).await;
    bc_answers(&api, 252, "/shipments", ok(bc_shipments(252)), Some(0)).await;
    let mut unreachable = bc_order(253, 2);
    unreachable["billing_address"] = json!({"first_name": "Jane", "country_iso2": "US"});
    bc_answers(&api, 253, "", ok(unreachable), None).await;
    bc_answers(&api, 253, "/products", ok(bc_products(253)), Some(0)).await;
    bc_answers(&api, 253, "/shipments", ok(bc_shipments(253)), Some(0)).await;

    let base = url::Url::parse(&format!("{}/", api.uri())).unwrap();
    let app = spawn_with(db, move |c| c.bigcommerce_api_base = base).await;
    let (url, _) = merchant_with(
        &app,
        "bigcommerce",
        json!({"store_hash": "abc123", "api_token": BC_TOKEN, "hook_secret": "hook-secret-123"}),
    )
    .await;
    for (id, status) in [(250, 2), (251, 2), (252, 11), (253, 2)] {
        let hook = json!({"scope": "store/order/statusUpdated", "store_id": "1", "hash": format!("h{id}"),
            "data": {"type": "order", "id": id, "status": {"previous_status_id": 11, "new_status_id": status}}});
        let request = reqwest::Client::new()
            .post(&url)
            .header("X-Notify-Hook-Secret", "hook-secret-123")
            .json(&hook);
        assert_eq!(request.send().await.unwrap().status(), 200);
    }
    let mut details: Vec<(String, String)> = settled(&app)
        .await
        .iter()
        .map(|e| {
            (
                e["outcome"].as_str().unwrap_or("").to_owned(),
                e["detail"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    details.sort();
    let queued = |detail: &str| ("jobs_created".to_owned(), detail.to_owned());
    let (silent, details): (Vec<_>, Vec<_>) = details
        .into_iter()
        .partition(|(outcome, _)| outcome != "jobs_created");
    assert_eq!(silent.len(), 1, "order 253 sends nothing: {silent:?}");
    assert_eq!(
        details,
        vec![
            queued("2 message(s) queued"),
            queued(
                "2 message(s) queued, without the items: BigCommerce answered 500 for order 251's items"
            ),
            queued(
                "2 message(s) queued, without the items: BigCommerce order 252's items: not the expected answer"
            ),
        ]
    );

    let (emails, texts) = sent(&app, 6).await;
    let email = |id: u64| {
        let to = format!("To: jane{id}@example.com");
        let eml = emails.iter().find(|e| e.contains(&to));
        decode_quoted_printable(eml.unwrap_or_else(|| panic!("no email for order {id}")))
    };
    let shipped = email(250);
    for expected in [
        "Subject: Your order #250 is on its way",
        "Fog Linen Chambray Towel",
        "Small / Beige Stripe",
        "$116.00",
        "Carrier: UPS",
        "Tracking number: 1Z999AA10123456784",
        "Track your parcel: https://www.ups.com/track?tracknum=1Z999AA10123456784",
        "href=\"https://www.ups.com/track?tracknum=1Z999AA10123456784\"",
        "Total: $126.32",
    ] {
        assert!(shipped.contains(expected), "{expected:?} not in {shipped}");
    }
    let without_items = email(251);
    assert!(
        without_items.contains("Subject: Your order #251 is on its way")
            && without_items.contains("Tracking number: 1Z999AA10123456784")
            && without_items.contains("Total: $126.32"),
        "{without_items}"
    );
    assert!(!without_items.contains("Fog Linen"), "{without_items}");
    let confirmed = email(252);
    assert!(
        confirmed.contains("Subject: Your order #252 is confirmed"),
        "{confirmed}"
    );
    assert!(
        !confirmed.contains("Fog Linen") && !confirmed.contains("1Z999AA10123456784"),
        "{confirmed}"
    );
    assert!(
        texts.contains(&"Maple: Hi Jane, your order #250 is on its way. Track it: https://www.ups.com/track?tracknum=1Z999AA10123456784 Reply STOP to opt out.".to_owned()),
        "{texts:?}"
    );
    // Each part asked as expected (no shipments for order 252, nothing for 253).
    api.verify().await;
}

tests_on_both_backends!(
    a_shipped_order_s_email_and_text_carry_its_items_money_and_tracking,
    bigcommerce_messages_carry_the_fetched_items_and_tracking,
);
