//! The order's contents reach the customer: a Shopify order's items,
//! totals, tracking and status page are in the email and the text the
//! server sends, and a later partial payload (a fulfilment) adds its
//! tracking to what the order said.

use notify_store::testing::TestDb;
use notify_store::tests_on_both_backends;
use serde_json::{Value, json};

use crate::delivery::until;
use crate::harness::{TestApp, spawn};
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

/// The .eml with quoted-printable's soft line breaks and `=3D` undone, so
/// values can be looked for in both parts.
fn unfolded(eml: &str) -> String {
    eml.replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=")
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
    let eml = unfolded(&emails[0]);
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
    let eml = unfolded(emails.last().unwrap());
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

tests_on_both_backends!(a_shipped_order_s_email_and_text_carry_its_items_money_and_tracking);
