//! A merchant on the running server, set up through the public API: rules
//! for every generic-source order status on both channels, texts at any
//! hour, and the signed generic endpoint.

use serde_json::{Value, json};

use notify_testkit::accounts::sign_up_body;
use notify_testkit::webhooks::{decode_secret, standard_signed};

pub struct Tenant {
    /// Logged in (session cookie).
    pub admin: reqwest::Client,
    pub base: String,
    /// The generic signed endpoint on `base`.
    pub url: String,
    pub key: Vec<u8>,
}

/// The password of every merchant the drills sign up.
pub const PASSWORD: &str = "drill password 123";

pub const STATUSES: [&str; 7] = [
    "initiated",
    "sent_for_processing",
    "processing",
    "ready",
    "delivered",
    "cancelled",
    "returned",
];

impl Tenant {
    /// A merchant with rules for every CTO order status on both channels.
    pub async fn create(base: &str, store: &str, email: &str) -> anyhow::Result<Tenant> {
        let rules: Vec<Value> = STATUSES
            .iter()
            .map(|s| json!({"trigger": {"kind": "order", "source": "cto", "status": s}, "active": true, "email": true, "sms": true}))
            .collect();
        Self::create_with_rules(base, store, email, rules).await
    }

    /// A merchant with these rules (JSON API rules).
    pub async fn create_with_rules(
        base: &str,
        store: &str,
        email: &str,
        rules: Vec<Value>,
    ) -> anyhow::Result<Tenant> {
        let admin = reqwest::Client::builder().cookie_store(true).build()?;
        admin
            .post(format!("{base}/api/v1/merchants"))
            .header("Origin", base)
            .json(&sign_up_body(store, email, PASSWORD, "UTC"))
            .send()
            .await?
            .error_for_status()?;
        admin
            .put(format!("{base}/api/v1/settings"))
            .header("Origin", base)
            .json(&json!({"version": 0, "rules": rules}))
            .send()
            .await?
            .error_for_status()?;
        admin
            .put(format!("{base}/api/v1/quiet-hours"))
            .header("Origin", base)
            .json(&json!({"enabled": false, "start": "21:00", "end": "08:00"}))
            .send()
            .await?
            .error_for_status()?;
        let integration: Value = admin
            .put(format!("{base}/api/v1/integrations/events"))
            .header("Origin", base)
            .json(&json!({}))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let path = url::Url::parse(integration["webhook_url"].as_str().unwrap_or_default())?
            .path()
            .to_owned();
        let key = decode_secret(integration["signing_secret"].as_str().unwrap_or_default())
            .ok_or_else(|| anyhow::anyhow!("no signing secret: {integration}"))?;
        Ok(Tenant {
            admin,
            base: base.to_owned(),
            url: format!("{base}{path}"),
            key,
        })
    }

    /// A signed request for `body` with `id` (not sent).
    pub fn signed(
        &self,
        client: &reqwest::Client,
        id: &str,
        body: Vec<u8>,
    ) -> reqwest::RequestBuilder {
        let ts = chrono::Utc::now().timestamp();
        standard_signed(client, &self.url, &self.key, id, ts, body)
            .header("Content-Type", "application/json")
    }

    /// Every item of a newest-first list endpoint (`events`, `deliveries`).
    pub async fn all(&self, path: &str, field: &str) -> anyhow::Result<Vec<Value>> {
        let mut all = Vec::new();
        let mut before: Option<String> = None;
        loop {
            let sep = if path.contains('?') { '&' } else { '?' };
            let mut url = format!("{}{path}{sep}limit=200", self.base);
            if let Some(b) = &before {
                url.push_str("&before=");
                url.extend(url::form_urlencoded::byte_serialize(b.as_bytes()));
            }
            let page: Value = self
                .admin
                .get(&url)
                .send()
                .await?
                .error_for_status()?
                .json()
                .await?;
            all.extend(page[field].as_array().cloned().unwrap_or_default());
            match page["next_before"].as_str() {
                Some(b) => before = Some(b.to_owned()),
                None => return Ok(all),
            }
        }
    }

    /// The attempts of one message.
    pub async fn attempts(&self, job: &str) -> anyhow::Result<Vec<Value>> {
        let v: Value = self
            .admin
            .get(format!("{}/api/v1/deliveries/{job}", self.base))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        Ok(v["attempts"].as_array().cloned().unwrap_or_default())
    }
}

/// A generic order event: the customer's email is unique per order
/// (`c<order>@drill.example`) so each message can be matched to its order;
/// so is the phone number, as far as 10,000 numbers go (a customer's texts
/// go one at a time, so one number for every order would be a queue of one).
pub fn order_body(order: &str, status: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "type": "order.status_changed", "source": "cto",
        "order": {"id": order, "number": order, "status": status, "updated_at": "2026-03-14T10:00:00Z"},
        "customer": {"name": "Ada Lovelace", "email": format!("c{order}@drill.example"), "phone": phone_of(order)}
    }))
    .expect("json")
}

/// A valid (fictional, 555) number per order.
pub fn phone_of(order: &str) -> String {
    let n = order
        .bytes()
        .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
    format!("+1415555{:04}", n % 10_000)
}
