//! Every route and server function that takes a request body (all but the
//! webhooks), each with a valid body: the list the cross-site check and the
//! body limits are tested against.

use notify_testkit::accounts::sign_up_body;
use reqwest::{Client, Method, RequestBuilder};
use serde_json::{Value, json};

use crate::harness::{PASSWORD, rule};

pub enum Body {
    Json(Value),
    /// A form post, as the pages' account and integration forms send it.
    Form(Vec<(&'static str, &'static str)>),
}

pub struct Route {
    pub method: Method,
    pub path: String,
    pub body: Body,
}

impl Route {
    fn new(method: Method, path: impl Into<String>, body: Body) -> Route {
        Route {
            method,
            path: path.into(),
            body,
        }
    }

    /// The request with its valid body (no `Origin`: callers add theirs).
    pub fn request(&self, client: &Client, base: &str) -> RequestBuilder {
        let request = client.request(self.method.clone(), format!("{base}{}", self.path));
        match &self.body {
            Body::Json(value) => request.json(value),
            Body::Form(fields) => request.form(fields),
        }
    }
}

impl std::fmt::Display for Route {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.method, self.path)
    }
}

/// `key_id`: an API key of the signed-in merchant (for its DELETE route).
pub fn state_changing(key_id: &str) -> Vec<Route> {
    use Body::{Form, Json};
    let settings =
        json!({"version": 0, "rules": [rule(("invoice", None, "closed"), true, true, true)]});
    vec![
        Route::new(
            Method::POST,
            "/api/v1/merchants",
            Json(sign_up_body("Evil", "evil@evil.example", PASSWORD, "UTC")),
        ),
        Route::new(
            Method::POST,
            "/api/v1/session",
            Json(json!({"email": "owner@maple.example", "password": "correct horse battery"})),
        ),
        Route::new(Method::DELETE, "/api/v1/session", Json(json!({}))),
        Route::new(Method::PUT, "/api/v1/settings", Json(settings.clone())),
        Route::new(
            Method::POST,
            "/api/v1/api-keys",
            Json(json!({"name": "evil"})),
        ),
        Route::new(
            Method::DELETE,
            format!("/api/v1/api-keys/{key_id}"),
            Json(json!({})),
        ),
        Route::new(
            Method::PUT,
            "/api/v1/integrations/woocommerce",
            Json(json!({"webhook_secret": "evil-secret-123"})),
        ),
        Route::new(Method::PUT, "/api/v1/integrations/events", Json(json!({}))),
        Route::new(
            Method::PUT,
            "/api/v1/quiet-hours",
            Json(json!({"enabled": false, "start": "21:00", "end": "08:00"})),
        ),
        Route::new(
            Method::POST,
            "/api/v1/test-send",
            Json(
                json!({"trigger": {"kind": "invoice", "status": "closed"}, "channel": "email", "to": "me@maple.example"}),
            ),
        ),
        Route::new(Method::POST, "/api/settings/save", Json(settings)),
        Route::new(Method::POST, "/api/settings/load", Json(json!({}))),
        Route::new(
            Method::POST,
            "/api/deliveries/list",
            Json(json!({"query": {}})),
        ),
        Route::new(
            Method::POST,
            "/api/deliveries/detail",
            Json(json!({"id": "job_unknown"})),
        ),
        Route::new(Method::POST, "/api/activity/list", Json(json!({}))),
        Route::new(Method::POST, "/api/activity/resends", Json(json!({}))),
        Route::new(
            Method::POST,
            "/api/v1/deliveries/job_unknown/resend",
            Json(json!({})),
        ),
        Route::new(
            Method::POST,
            "/api/orders/search",
            Json(json!({"query": "1001"})),
        ),
        Route::new(
            Method::POST,
            "/api/orders/timeline",
            Json(json!({"source": "shopify", "id": "1001"})),
        ),
        Route::new(
            Method::POST,
            "/api/orders/resend",
            Form(vec![("id", "job_unknown")]),
        ),
        Route::new(Method::POST, "/api/integrations/list", Json(json!({}))),
        Route::new(
            Method::POST,
            "/api/integrations/save",
            Form(vec![
                ("platform", "woocommerce"),
                ("fields[webhook_secret]", "evil-secret-123"),
            ]),
        ),
        Route::new(
            Method::POST,
            "/api/account/sign-up",
            Form(vec![
                ("store_name", "Evil"),
                ("email", "evil@evil.example"),
                ("password", "correct horse battery"),
                ("time_zone", "UTC"),
            ]),
        ),
        Route::new(
            Method::POST,
            "/api/account/log-in",
            Form(vec![
                ("email", "owner@maple.example"),
                ("password", "correct horse battery"),
            ]),
        ),
        Route::new(Method::POST, "/api/account/log-out", Form(vec![])),
    ]
}
