//! Fetching a BigCommerce order (`GET /stores/{hash}/v2/orders/{id}`),
//! with timeouts and a few quick retries on 5xx, 429 and network errors.

use std::time::Duration;

use notify_store::secret::Secret;
use reqwest::StatusCode;
use url::Url;

use super::ProcessError;

#[derive(Clone)]
pub struct BigCommerceClient {
    http: reqwest::Client,
    base: Url,
    /// Delays between the quick retries inside one processing attempt.
    pauses: Vec<Duration>,
}

impl BigCommerceClient {
    pub fn new(base: Url) -> Self {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(3))
            .timeout(Duration::from_secs(10))
            .build()
            .expect("HTTP client");
        BigCommerceClient {
            http,
            base,
            pauses: vec![Duration::from_millis(200), Duration::from_millis(1000)],
        }
    }

    pub async fn fetch_order(
        &self,
        store_hash: &str,
        token: &Secret,
        order_id: u64,
    ) -> Result<Vec<u8>, ProcessError> {
        let url = self
            .base
            .join(&format!("stores/{store_hash}/v2/orders/{order_id}"))
            .map_err(|e| ProcessError::permanent(format!("BigCommerce URL: {e}")))?;
        let mut last_error = ProcessError::transient("BigCommerce was not asked");
        for attempt in 0..=self.pauses.len() {
            if attempt > 0 {
                tokio::time::sleep(self.pauses[attempt - 1]).await;
            }
            let response = self
                .http
                .get(url.clone())
                .header("X-Auth-Token", token.expose())
                .header("Accept", "application/json")
                .send()
                .await;
            match response {
                Ok(r) if r.status().is_success() => {
                    return r.bytes().await.map(|b| b.to_vec()).map_err(|e| {
                        ProcessError::transient_with_detail(
                            format!("BigCommerce order {order_id}: its answer could not be read"),
                            e,
                        )
                    });
                }
                Ok(r) if r.status() == StatusCode::NOT_FOUND => {
                    return Err(ProcessError::permanent(format!(
                        "BigCommerce has no order {order_id} (404)"
                    )));
                }
                Ok(r) if matches!(r.status(), StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) => {
                    return Err(ProcessError::permanent(format!(
                        "BigCommerce refused the API token ({}): check the integration's store hash and token",
                        r.status().as_u16()
                    )));
                }
                Ok(r)
                    if r.status().is_server_error()
                        || r.status() == StatusCode::TOO_MANY_REQUESTS =>
                {
                    last_error = ProcessError::transient(format!(
                        "BigCommerce answered {} for order {order_id}",
                        r.status().as_u16()
                    ));
                }
                Ok(r) => {
                    return Err(ProcessError::permanent(format!(
                        "BigCommerce answered {} for order {order_id}",
                        r.status().as_u16()
                    )));
                }
                Err(e) => {
                    last_error = ProcessError::transient_with_detail(
                        format!("BigCommerce order {order_id}: the API could not be reached"),
                        e,
                    )
                }
            }
        }
        Err(last_error)
    }
}
