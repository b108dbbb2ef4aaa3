//! Prometheus metrics (`GET /metrics`, OpenMetrics text): webhooks received
//! and rejected, the processing queue and the outbox by state (read from the
//! database at each scrape, so every replica reports the shared totals),
//! send latency per channel and provider errors.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::{Family, MetricConstructor};
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use notify_core::{Channel, EventState, JobState};
use notify_ingest::platform::{self, Platform};

use crate::state::AppState;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct PlatformLabels {
    pub platform: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RejectedLabels {
    pub platform: String,
    pub reason: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct StateLabels {
    pub state: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ChannelLabels {
    pub channel: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ProviderErrorLabels {
    pub channel: String,
    pub kind: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct AttemptLabels {
    pub channel: String,
    pub result: String,
}

/// The `result` label of `delivery_attempts`.
pub const ATTEMPT_RESULTS: [&str; 4] = ["sent", "retry", "failed", "dead"];

/// The `kind` label of `provider_errors`.
pub const PROVIDER_ERROR_KINDS: [&str; 3] = ["transient", "permanent", "opted_out"];

/// Send latency buckets: 1 ms to about 33 s.
#[derive(Clone)]
pub struct SendBuckets;

impl MetricConstructor<Histogram> for SendBuckets {
    fn new_metric(&self) -> Histogram {
        Histogram::new(exponential_buckets(0.001, 2.0, 16))
    }
}

/// Webhook answer-time buckets: 0.5 ms to about 1.1 s, 1.5× apart (fine
/// around the 10 ms a platform should wait at most).
#[derive(Clone)]
pub struct AnswerBuckets;

impl MetricConstructor<Histogram> for AnswerBuckets {
    fn new_metric(&self) -> Histogram {
        Histogram::new(exponential_buckets(0.0005, 1.5, 20))
    }
}

struct Inner {
    registry: Registry,
    webhooks_received: Family<PlatformLabels, Counter>,
    webhooks_rejected: Family<RejectedLabels, Counter>,
    inbound_events: Family<StateLabels, Gauge>,
    inbound_queue_depth: Gauge,
    webhooks_in_flight: Gauge,
    outbox_jobs: Family<StateLabels, Gauge>,
    send_seconds: Family<ChannelLabels, Histogram, SendBuckets>,
    provider_errors: Family<ProviderErrorLabels, Counter>,
    delivery_attempts: Family<AttemptLabels, Counter>,
    /// `webhook_seconds` per platform (by [`Platform::index`]).
    webhook_seconds: Vec<Histogram>,
    /// `webhooks_rejected` for the refusals a flood is made of, per
    /// platform (by [`Platform::index`]), created once: counting one is
    /// an atomic increment, with no label to build or look up.
    rate_limited: Vec<Counter>,
    malformed_endpoint: Vec<Counter>,
}

/// The process's metrics; cheap to clone (one shared registry).
#[derive(Clone)]
pub struct Metrics(Arc<Inner>);

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("notify");
        let webhooks_received = Family::<PlatformLabels, Counter>::default();
        registry.register(
            "webhooks_received",
            "Webhooks accepted (stored, duplicate or ping) per platform",
            webhooks_received.clone(),
        );
        let webhooks_rejected = Family::<RejectedLabels, Counter>::default();
        registry.register(
            "webhooks_rejected",
            "Webhooks refused, per platform and reason (unknown_endpoint, unauthorized, malformed, too_large, rate_limited, unavailable)",
            webhooks_rejected.clone(),
        );
        let inbound_events = Family::<StateLabels, Gauge>::default();
        registry.register(
            "inbound_events",
            "Stored webhooks per processing state (all replicas, read at scrape)",
            inbound_events.clone(),
        );
        let inbound_queue_depth = Gauge::default();
        registry.register(
            "inbound_queue_depth",
            "Stored webhooks waiting to be processed: pending or retrying (all replicas, read at scrape)",
            inbound_queue_depth.clone(),
        );
        let webhook_seconds_family =
            Family::<PlatformLabels, Histogram, AnswerBuckets>::new_with_constructor(AnswerBuckets);
        registry.register(
            "webhook_seconds",
            "Time from a webhook's arrival at the handler to its answer, accepted webhooks only, per platform",
            webhook_seconds_family.clone(),
        );
        let webhook_seconds = platform::ALL
            .iter()
            .map(|p| {
                webhook_seconds_family
                    .get_or_create(&PlatformLabels {
                        platform: p.slug().to_owned(),
                    })
                    .clone()
            })
            .collect();
        let webhooks_in_flight = Gauge::default();
        registry.register(
            "webhooks_in_flight",
            "Webhooks this replica is verifying, storing or answering now (read at scrape); at 4 or more, processing and delivery wait before their next claim",
            webhooks_in_flight.clone(),
        );
        let outbox_jobs = Family::<StateLabels, Gauge>::default();
        registry.register(
            "outbox_jobs",
            "Messages per delivery state (all replicas, read at scrape)",
            outbox_jobs.clone(),
        );
        let send_seconds = Family::new_with_constructor(SendBuckets);
        registry.register(
            "send_seconds",
            "Time one send to the provider took, per channel",
            send_seconds.clone(),
        );
        let provider_errors = Family::<ProviderErrorLabels, Counter>::default();
        registry.register(
            "provider_errors",
            "Failed sends per channel and kind (transient, permanent, opted_out)",
            provider_errors.clone(),
        );
        let delivery_attempts = Family::<AttemptLabels, Counter>::default();
        registry.register(
            "delivery_attempts",
            "Delivery attempts per channel and result (sent, retry, failed, dead)",
            delivery_attempts.clone(),
        );
        let per_platform = |reason: &str| {
            platform::ALL
                .iter()
                .map(|p| {
                    webhooks_rejected
                        .get_or_create(&RejectedLabels {
                            platform: p.slug().to_owned(),
                            reason: reason.to_owned(),
                        })
                        .clone()
                })
                .collect::<Vec<_>>()
        };
        // Every channel's series from the start, at 0: an alert on a
        // counter's increase (ops/alerts.yml) sees the first dead message
        // or provider error, which a series born at 1 would hide.
        for channel in Channel::ALL.map(Channel::slug) {
            let channel = channel.to_owned();
            let _ = send_seconds.get_or_create(&ChannelLabels {
                channel: channel.clone(),
            });
            for kind in PROVIDER_ERROR_KINDS.map(str::to_owned) {
                let channel = channel.clone();
                let _ = provider_errors.get_or_create(&ProviderErrorLabels { channel, kind });
            }
            for result in ATTEMPT_RESULTS.map(str::to_owned) {
                let channel = channel.clone();
                let _ = delivery_attempts.get_or_create(&AttemptLabels { channel, result });
            }
        }
        let rate_limited = per_platform("rate_limited");
        let malformed_endpoint = per_platform("unknown_endpoint");
        Metrics(Arc::new(Inner {
            registry,
            rate_limited,
            malformed_endpoint,
            webhook_seconds,
            webhooks_received,
            webhooks_rejected,
            inbound_events,
            inbound_queue_depth,
            webhooks_in_flight,
            outbox_jobs,
            send_seconds,
            provider_errors,
            delivery_attempts,
        }))
    }

    /// An accepted webhook, answered `seconds` after the handler began.
    pub fn webhook_received(&self, platform: Platform, seconds: f64) {
        self.0
            .webhooks_received
            .get_or_create(&PlatformLabels {
                platform: platform.slug().to_owned(),
            })
            .inc();
        self.0.webhook_seconds[platform.index()].observe(seconds);
    }

    /// A webhook refused for its endpoint's rate (no allocation).
    pub fn webhook_rate_limited(&self, platform: Platform) {
        self.0.rate_limited[platform.index()].inc();
    }

    /// A webhook whose endpoint segment is not an endpoint id (no allocation).
    pub fn webhook_endpoint_malformed(&self, platform: Platform) {
        self.0.malformed_endpoint[platform.index()].inc();
    }

    pub fn webhook_rejected(&self, platform: &str, reason: &str) {
        self.0
            .webhooks_rejected
            .get_or_create(&RejectedLabels {
                platform: platform.to_owned(),
                reason: reason.to_owned(),
            })
            .inc();
    }

    /// One send to a provider: how long it took and, when it failed, how.
    pub fn send_finished(&self, channel: &str, seconds: f64, error_kind: Option<&str>) {
        self.0
            .send_seconds
            .get_or_create(&ChannelLabels {
                channel: channel.to_owned(),
            })
            .observe(seconds);
        if let Some(kind) = error_kind {
            self.0
                .provider_errors
                .get_or_create(&ProviderErrorLabels {
                    channel: channel.to_owned(),
                    kind: kind.to_owned(),
                })
                .inc();
        }
    }

    pub fn attempt_recorded(&self, channel: &str, result: &str) {
        self.0
            .delivery_attempts
            .get_or_create(&AttemptLabels {
                channel: channel.to_owned(),
                result: result.to_owned(),
            })
            .inc();
    }

    /// Reads the queue and outbox counts from the database, and this
    /// replica's webhooks in flight, into the gauges.
    async fn refresh(
        &self,
        store: &notify_store::Store,
        ingest_load: &crate::ingest_load::IngestLoad,
    ) -> Result<(), notify_store::StoreError> {
        self.0
            .webhooks_in_flight
            .set(i64::try_from(ingest_load.in_flight()).unwrap_or(i64::MAX));
        let inbound = store.inbound_state_counts().await?;
        let jobs = store.all_job_state_counts().await?;
        let inner = &self.0;
        // Every state, 0 when none is in it (an alert's series never
        // starts in the middle).
        let mut depth = 0;
        for &state in EventState::ALL {
            let n = count_of(&inbound, state);
            if state.is_open() {
                depth += n;
            }
            inner
                .inbound_events
                .get_or_create(&StateLabels {
                    state: state.as_str().to_owned(),
                })
                .set(n);
        }
        inner.inbound_queue_depth.set(depth);
        for &state in JobState::ALL {
            inner
                .outbox_jobs
                .get_or_create(&StateLabels {
                    state: state.as_str().to_owned(),
                })
                .set(count_of(&jobs, state));
        }
        Ok(())
    }

    pub fn encode(&self) -> String {
        let mut out = String::new();
        encode(&mut out, &self.0.registry).expect("writing to a String cannot fail");
        out
    }
}

fn count_of<S: PartialEq>(counts: &[(S, i64)], state: S) -> i64 {
    counts
        .iter()
        .filter(|(s, _)| *s == state)
        .map(|(_, n)| n)
        .sum()
}

/// `GET /metrics`.
pub async fn scrape(State(state): State<AppState>) -> Response {
    if let Err(e) = state
        .metrics
        .refresh(&state.store, &state.ingest_load)
        .await
    {
        tracing::warn!(error = %e, "metrics: reading the queue counts failed");
        return (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response();
    }
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.encode(),
    )
        .into_response()
}
