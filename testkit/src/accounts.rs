//! A merchant's sign-up through the public API (`POST /api/v1/merchants`).

use serde_json::{Value, json};

/// The body that signs up `store` with owner `email`.
pub fn sign_up_body(store: &str, email: &str, password: &str, time_zone: &str) -> Value {
    json!({"store_name": store, "email": email, "password": password, "time_zone": time_zone})
}
