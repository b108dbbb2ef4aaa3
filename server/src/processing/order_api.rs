//! Fetching an order from the platforms whose hooks carry only ids (the
//! platform's `OrderApi` says what to ask), with timeouts and a few quick
//! retries on 5xx, 429 and network errors.

use std::time::Duration;

use notify_ingest::Platform;
use notify_ingest::platform::{ApiRequest, OrderPart};
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

    /// The order's body as the platform's API answers it, and the GET it
    /// was (its parts are below it).
    pub async fn fetch_order(
        &self,
        settings: &IntegrationConfig,
        order_id: u64,
    ) -> Result<(Vec<u8>, ApiRequest), ProcessError> {
        let platform = settings.platform();
        let name = platform.name();
        let api = platform
            .spec()
            .order_api
            .as_ref()
            .ok_or_else(|| ProcessError::permanent(format!("{name} has no order API")))?;
        let request = (api.request)(settings, order_id)
            .map_err(|e| ProcessError::permanent(format!("{name} integration: {e}")))?;
        let asked = Asked {
            name,
            id: order_id,
            part: None,
        };
        let body = self.get(platform, &request, &asked).await?;
        Ok((body, request))
    }

    /// The order's `parts`, fetched side by side, each within
    /// [`PART_BUDGET`]; an answer for each, in order.
    pub async fn fetch_parts(
        &self,
        platform: Platform,
        order: &ApiRequest,
        order_id: u64,
        parts: &[&'static OrderPart],
    ) -> Vec<Result<Vec<u8>, ProcessError>> {
        let name = platform.name();
        let fetches: Vec<_> = parts
            .iter()
            .map(|part| {
                let (client, request) = (self.clone(), order.part(part));
                let asked = Asked {
                    name,
                    id: order_id,
                    part: Some(part.name),
                };
                tokio::spawn(async move {
                    let budget =
                        tokio::time::timeout(PART_BUDGET, client.get(platform, &request, &asked));
                    budget.await.unwrap_or_else(|_| {
                        Err(ProcessError::transient(format!(
                            "{}: no answer within {} seconds",
                            asked.what(),
                            PART_BUDGET.as_secs()
                        )))
                    })
                })
            })
            .collect();
        let mut answers = Vec::with_capacity(fetches.len());
        for fetch in fetches {
            answers.push(fetch.await.unwrap_or_else(|e| {
                Err(ProcessError::transient_with_detail(
                    format!("{name} order {order_id}: a part's fetch failed"),
                    e,
                ))
            }));
        }
        answers
    }

    /// One GET with the quick retries.
    async fn get(
        &self,
        platform: Platform,
        request: &ApiRequest,
        asked: &Asked,
    ) -> Result<Vec<u8>, ProcessError> {
        let name = platform.name();
        let base = match self.bases.iter().find(|(p, _)| *p == platform) {
            Some((_, base)) => base.clone(),
            None => Url::parse(
                platform
                    .spec()
                    .order_api
                    .as_ref()
                    .map_or("", |api| api.default_base),
            )
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
            match asked.answered(response).await {
                Ask::Done(result) => return result,
                Ask::Again(error) => last_error = error,
            }
        }
        Err(last_error)
    }
}

/// How long an order's part may take, its quick retries included. With the
/// order's own fetch (three tries of at most 10 s and the pauses) one
/// event's fetches take at most about 41 s, inside the processing lease
/// (`PROCESSING_LEASE_SECONDS`, 60 by default).
const PART_BUDGET: Duration = Duration::from_secs(10);

/// What is being fetched, for messages: the order, or one of its parts.
struct Asked {
    name: &'static str,
    id: u64,
    part: Option<&'static str>,
}

impl Asked {
    /// "BigCommerce order 250" or "BigCommerce order 250's items".
    fn what(&self) -> String {
        let Asked { name, id, part } = self;
        match part {
            None => format!("{name} order {id}"),
            Some(part) => format!("{name} order {id}'s {part}"),
        }
    }
}

/// What one answer means.
enum Ask {
    Done(Result<Vec<u8>, ProcessError>),
    /// Worth asking again at once (5xx, 429, a network error).
    Again(ProcessError),
}

impl Asked {
    async fn answered(&self, response: reqwest::Result<reqwest::Response>) -> Ask {
        let name = self.name;
        let what = self.what();
        let status = match &response {
            Ok(r) => r.status(),
            Err(_) => StatusCode::default(),
        };
        match response {
            Ok(r) if status.is_success() => {
                Ask::Done(r.bytes().await.map(|b| b.to_vec()).map_err(|e| {
                    ProcessError::transient_with_detail(
                        format!("{what}: its answer could not be read"),
                        e,
                    )
                }))
            }
            Ok(_) if status == StatusCode::NOT_FOUND => {
                Ask::Done(Err(ProcessError::permanent(match self.part {
                    None => format!("{name} has no order {} (404)", self.id),
                    Some(part) => format!("{name} has no {part} for order {} (404)", self.id),
                })))
            }
            Ok(_) if matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) => {
                Ask::Done(Err(ProcessError::permanent(format!(
                    "{name} refused the API token ({}): check the integration's store hash and token",
                    status.as_u16()
                ))))
            }
            Ok(_) if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS => {
                Ask::Again(ProcessError::transient(format!(
                    "{name} answered {} for {}",
                    status.as_u16(),
                    self.subject()
                )))
            }
            Ok(_) => Ask::Done(Err(ProcessError::permanent(format!(
                "{name} answered {} for {}",
                status.as_u16(),
                self.subject()
            )))),
            Err(e) => Ask::Again(ProcessError::transient_with_detail(
                format!("{what}: the API could not be reached"),
                e,
            )),
        }
    }

    /// "order 250" or "order 250's items".
    fn subject(&self) -> String {
        match self.part {
            None => format!("order {}", self.id),
            Some(part) => format!("order {}'s {part}", self.id),
        }
    }
}
