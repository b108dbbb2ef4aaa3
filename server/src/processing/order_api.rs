//! Fetching an order from the platforms whose hooks carry only ids (the
//! platform's `OrderApi` says what to ask), with timeouts and a few quick
//! retries on 5xx, 429 and network errors.

use std::time::Duration;

use notify_ingest::Platform;
use notify_ingest::settings::IntegrationConfig;
use reqwest::StatusCode;
use url::Url;

use super::ProcessError;

#[derive(Clone)]
pub struct OrderApiClient {
    http: reqwest::Client,
    /// API base URLs that replace a platform's default (tests, proxies).
    bases: Vec<(Platform, Url)>,
    /// Delays between the quick retries inside one processing attempt.
    pauses: Vec<Duration>,
}

impl OrderApiClient {
    pub fn new(bases: Vec<(Platform, Url)>) -> Self {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(3))
            .timeout(Duration::from_secs(10))
            .build()
            .expect("HTTP client");
        OrderApiClient {
            http,
            bases,
            pauses: vec![Duration::from_millis(200), Duration::from_millis(1000)],
        }
    }

    /// The order's body as the platform's API answers it.
    pub async fn fetch_order(
        &self,
        settings: &IntegrationConfig,
        order_id: u64,
    ) -> Result<Vec<u8>, ProcessError> {
        let platform = settings.platform();
        let name = platform.name();
        let api = platform
            .spec()
            .order_api
            .as_ref()
            .ok_or_else(|| ProcessError::permanent(format!("{name} has no order API")))?;
        let request = (api.request)(settings, order_id)
            .map_err(|e| ProcessError::permanent(format!("{name} integration: {e}")))?;
        let base = match self.bases.iter().find(|(p, _)| *p == platform) {
            Some((_, base)) => base.clone(),
            None => Url::parse(api.default_base)
                .map_err(|e| ProcessError::permanent(format!("{name} URL: {e}")))?,
        };
        let url = base
            .join(&request.path)
            .map_err(|e| ProcessError::permanent(format!("{name} URL: {e}")))?;
        let mut last_error = ProcessError::transient(format!("{name} was not asked"));
        for attempt in 0..=self.pauses.len() {
            if attempt > 0 {
                tokio::time::sleep(self.pauses[attempt - 1]).await;
            }
            let mut get = self.http.get(url.clone());
            for (header, value) in &request.headers {
                get = get.header(*header, value.expose());
            }
            let response = get.header("Accept", "application/json").send().await;
            let order = Order { name, id: order_id };
            match order.answered(response).await {
                Ask::Done(result) => return result,
                Ask::Again(error) => last_error = error,
            }
        }
        Err(last_error)
    }
}

/// The order being fetched, for messages.
struct Order {
    name: &'static str,
    id: u64,
}

/// What one answer means.
enum Ask {
    Done(Result<Vec<u8>, ProcessError>),
    /// Worth asking again at once (5xx, 429, a network error).
    Again(ProcessError),
}

impl Order {
    async fn answered(&self, response: reqwest::Result<reqwest::Response>) -> Ask {
        let Order { name, id } = self;
        let status = match &response {
            Ok(r) => r.status(),
            Err(_) => StatusCode::default(),
        };
        match response {
            Ok(r) if status.is_success() => {
                Ask::Done(r.bytes().await.map(|b| b.to_vec()).map_err(|e| {
                    ProcessError::transient_with_detail(
                        format!("{name} order {id}: its answer could not be read"),
                        e,
                    )
                }))
            }
            Ok(_) if status == StatusCode::NOT_FOUND => Ask::Done(Err(ProcessError::permanent(
                format!("{name} has no order {id} (404)"),
            ))),
            Ok(_) if matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) => {
                Ask::Done(Err(ProcessError::permanent(format!(
                    "{name} refused the API token ({}): check the integration's store hash and token",
                    status.as_u16()
                ))))
            }
            Ok(_) if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS => {
                Ask::Again(ProcessError::transient(format!(
                    "{name} answered {} for order {id}",
                    status.as_u16()
                )))
            }
            Ok(_) => Ask::Done(Err(ProcessError::permanent(format!(
                "{name} answered {} for order {id}",
                status.as_u16()
            )))),
            Err(e) => Ask::Again(ProcessError::transient_with_detail(
                format!("{name} order {id}: the API could not be reached"),
                e,
            )),
        }
    }
}
