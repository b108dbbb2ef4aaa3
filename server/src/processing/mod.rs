//! The processor: claims stored webhooks, normalises them (fetching
//! BigCommerce orders), decides with notify-core against the merchant's
//! current rules, and turns the deliveries into outbox jobs, once.

mod bigcommerce;
mod retry;

use std::sync::Arc;
use std::time::Duration as StdDuration;

use crate::shutdown::Shutdown;
use chrono::{Duration, Utc};
use notify_core::{ChannelOutcome, Document, TransactionEvent, decide};
use notify_ingest::Normalized;
use notify_ingest::normalize::{events, shopify, woocommerce};
use notify_store::Store;
use notify_store::inbound::{ClaimedEvent, Outcome};
use notify_store::integrations::{IntegrationConfig, Platform};
use notify_store::outbox::Applied;
use tokio::sync::Notify;

pub use bigcommerce::BigCommerceClient;
pub use retry::RetryPolicy;

/// What the processor needs.
#[derive(Clone)]
pub struct Processor {
    pub store: Store,
    pub bigcommerce: BigCommerceClient,
    pub wake: Arc<Notify>,
    pub retry: RetryPolicy,
    /// How long a claimed event is ours before another processor may take it.
    pub lease: Duration,
    /// The slow poll that backs up the wake-ups (and picks up retries).
    pub backstop: StdDuration,
    /// How many events one claim takes (one write for all of them).
    pub batch: i64,
}

/// Why processing an event failed this time.
#[derive(Debug)]
pub struct ProcessError {
    pub message: String,
    /// Worth trying again later (network trouble, an order not seen yet).
    pub retryable: bool,
}

impl ProcessError {
    fn permanent(message: impl Into<String>) -> Self {
        ProcessError {
            message: message.into(),
            retryable: false,
        }
    }
    fn transient(message: impl Into<String>) -> Self {
        ProcessError {
            message: message.into(),
            retryable: true,
        }
    }
}

impl From<notify_store::StoreError> for ProcessError {
    fn from(e: notify_store::StoreError) -> Self {
        ProcessError::transient(format!("database: {e}"))
    }
}

impl Processor {
    /// Runs until `shutdown` resolves; finishes the events in hand first.
    pub async fn run(self, shutdown: Shutdown) {
        loop {
            match self
                .store
                .claim_inbound_events(Utc::now(), self.lease, self.batch)
                .await
            {
                Ok(events) if !events.is_empty() => {
                    for event in events {
                        self.process(event).await;
                    }
                    continue;
                }
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "claiming webhooks failed"),
            }
            tokio::select! {
                () = self.wake.notified() => {}
                () = tokio::time::sleep(self.backstop) => {}
                () = shutdown.wait() => return,
            }
        }
    }

    /// Processes one claimed event and records its outcome.
    pub async fn process(&self, event: ClaimedEvent) {
        let span = tracing::info_span!("process", merchant = %event.merchant_id, event = %event.id, platform = event.platform.slug());
        let _enter = span.enter();
        let now = Utc::now();
        let result = self.normalize_and_apply(&event).await;
        let recorded = match result {
            Ok((outcome, detail)) => {
                tracing::info!(?outcome, %detail, "webhook processed");
                if matches!(outcome, Outcome::Unmappable) {
                    self.store
                        .finish_inbound_event(&event.id, outcome, &detail, now)
                        .await
                } else {
                    Ok(())
                }
            }
            Err(e) => {
                let retry_at = e
                    .retryable
                    .then(|| self.retry.next_attempt(event.attempts, now))
                    .flatten();
                tracing::warn!(error = %e.message, attempts = event.attempts, retry = retry_at.is_some(), "webhook processing failed");
                self.store
                    .fail_inbound_event(&event.id, &e.message, retry_at, now)
                    .await
            }
        };
        if let Err(e) = recorded {
            // The lease runs out and the event is processed again.
            tracing::error!(error = %e, "recording a webhook's outcome failed");
        }
    }

    async fn normalize_and_apply(
        &self,
        event: &ClaimedEvent,
    ) -> Result<(Outcome, String), ProcessError> {
        let body = event.body.as_bytes();
        let bad_shape = |e: notify_ingest::NormalizeError| ProcessError::permanent(e.to_string());
        let normalized = match event.platform {
            Platform::Shopify => {
                shopify::normalize(&event.topic, body, event.triggered_at).map_err(bad_shape)?
            }
            Platform::WooCommerce => {
                woocommerce::normalize(&event.topic, body).map_err(bad_shape)?
            }
            Platform::Events => events::normalize(body).map_err(bad_shape)?,
            Platform::BigCommerce => {
                let hook = notify_ingest::normalize::bigcommerce::normalize_hook(body)
                    .map_err(bad_shape)?;
                match hook {
                    Normalized::FetchBigCommerceOrder { order_id } => {
                        let integration = self
                            .store
                            .integration(&event.merchant_id, Platform::BigCommerce)
                            .await?
                            .ok_or_else(|| {
                                ProcessError::permanent("the BigCommerce integration was removed")
                            })?;
                        let IntegrationConfig::BigCommerce {
                            store_hash,
                            api_token,
                            ..
                        } = &integration.config
                        else {
                            return Err(ProcessError::permanent("not a BigCommerce integration"));
                        };
                        let order = self
                            .bigcommerce
                            .fetch_order(store_hash, api_token, order_id)
                            .await?;
                        notify_ingest::normalize::bigcommerce::order(&order).map_err(bad_shape)?
                    }
                    other => other,
                }
            }
        };
        let transaction = match normalized {
            Normalized::Event(e) => e,
            Normalized::StatusOnly {
                source,
                order_id,
                status,
                occurred_at,
            } => {
                let earlier = self
                    .store
                    .latest_document_event(&event.merchant_id, source.slug(), order_id.as_str())
                    .await?
                    .ok_or_else(|| {
                        ProcessError::transient(format!(
                            "no earlier event for order {} yet",
                            order_id.as_str()
                        ))
                    })?;
                with_status(earlier, status, occurred_at)
            }
            Normalized::NoNotification { status } => {
                return Ok((
                    Outcome::Unmappable,
                    format!("status {status} does not notify"),
                ));
            }
            Normalized::FetchBigCommerceOrder { .. } => {
                return Err(ProcessError::permanent(
                    "a fetched order named another order",
                ));
            }
        };
        self.decide_and_apply(event, &transaction).await
    }

    async fn decide_and_apply(
        &self,
        event: &ClaimedEvent,
        transaction: &TransactionEvent,
    ) -> Result<(Outcome, String), ProcessError> {
        let settings = self.store.load_settings(&event.merchant_id).await?.settings;
        let decision = decide(&settings, transaction);
        let deliveries: Vec<_> = decision.deliveries().cloned().collect();
        let silent = decision
            .outcomes
            .iter()
            .filter_map(|o| match o {
                ChannelOutcome::Skip { channel, reason } => {
                    Some(reason.explain(decision.trigger, *channel))
                }
                ChannelOutcome::Send(_) => None,
            })
            .collect::<Vec<_>>()
            .join(" ");
        let applied = self
            .store
            .apply_decision(
                &event.id,
                &event.merchant_id,
                transaction,
                &deliveries,
                &silent,
                Utc::now(),
            )
            .await?;
        Ok(match applied {
            Applied::Jobs { new } => (Outcome::JobsCreated, format!("{new} message(s) queued")),
            Applied::NothingToSend => (Outcome::NoRule, silent),
            Applied::Stale => (
                Outcome::Stale,
                "a newer update of this order was already processed".to_owned(),
            ),
        })
    }
}

/// The earlier event of an order, moved to a new status.
fn with_status(
    mut earlier: TransactionEvent,
    status: notify_core::OrderStatus,
    occurred_at: chrono::DateTime<Utc>,
) -> TransactionEvent {
    if let Document::Order { status: s, .. } = &mut earlier.document {
        *s = status;
    }
    earlier.occurred_at = occurred_at;
    earlier
}
