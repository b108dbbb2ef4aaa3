//! The processor: claims stored webhooks, normalises them with their
//! platform's rules (fetching the order where the hook has only its id),
//! decides with notify-core against the merchant's
//! current rules, and turns the deliveries into outbox jobs, once.

mod order_api;

use std::sync::Arc;
use std::time::Duration as StdDuration;

use crate::claim_loop::{self, Claimed, Claimer};
use crate::shutdown::Shutdown;
use chrono::{Duration, Utc};
use std::collections::HashMap;

use notify_core::order_timeline::ChannelDecision;
use notify_core::{ChannelOutcome, Delivery, Document, Settings, TransactionEvent, decide};
use notify_ingest::Normalized;
use notify_ingest::platform::{ApiRequest, OrderApi, OrderPart, Stored};
use notify_store::inbound::{ClaimedEvent, Outcome};
use notify_store::outbox::Decided;
use notify_store::{MerchantId, Store};
use tokio::sync::Notify;
use tracing::Instrument;

pub use crate::retry::RetryPolicy;
pub use order_api::OrderApiClient;

/// What the processor needs.
#[derive(Clone)]
pub struct Processor {
    pub store: Store,
    pub order_api: OrderApiClient,
    pub wake: Arc<Notify>,
    pub retry: RetryPolicy,
    /// How long a claimed event is ours before another processor may take it.
    pub lease: Duration,
    /// The slow poll that backs up the wake-ups (and picks up retries).
    pub backstop: StdDuration,
    /// How many events one claim takes (one write for all of them).
    pub batch: i64,
    /// Wakes the delivery worker when jobs were queued.
    pub delivery_wake: Arc<Notify>,
    /// Webhooks being received: a burst goes first.
    pub ingest_load: Arc<crate::ingest_load::IngestLoad>,
}

/// Why processing an event failed this time.
#[derive(Debug)]
pub struct ProcessError {
    /// What the merchant reads in the event log: a stable message.
    pub message: String,
    /// What only the server log gets (database text, URLs, addresses).
    pub detail: Option<String>,
    /// Worth trying again later (network trouble, an order not seen yet).
    pub retryable: bool,
}

impl ProcessError {
    fn permanent(message: impl Into<String>) -> Self {
        ProcessError {
            message: message.into(),
            detail: None,
            retryable: false,
        }
    }
    fn transient(message: impl Into<String>) -> Self {
        ProcessError {
            message: message.into(),
            detail: None,
            retryable: true,
        }
    }
    /// A transient failure whose cause is for the server log only.
    fn transient_with_detail(message: impl Into<String>, detail: impl ToString) -> Self {
        ProcessError {
            detail: Some(detail.to_string()),
            ..ProcessError::transient(message)
        }
    }
}

/// How far ahead of our clock a platform's event time may be. A time
/// further ahead (a wrong clock, a forged header) would make every genuine
/// later update of that order look stale, so it is taken as this.
pub const MAX_CLOCK_SKEW: chrono::Duration = chrono::Duration::minutes(5);

fn not_after(mut transaction: TransactionEvent, latest: chrono::DateTime<Utc>) -> TransactionEvent {
    transaction.occurred_at = transaction.occurred_at.min(latest);
    transaction
}

/// What the event log says when the database failed (details: server log).
const STORAGE_ERROR: &str = "a storage error; it will be retried";

impl From<notify_store::StoreError> for ProcessError {
    fn from(e: notify_store::StoreError) -> Self {
        ProcessError::transient_with_detail(STORAGE_ERROR, e)
    }
}

/// An event made ready to apply: its transaction and what to send.
enum Prepared {
    Apply {
        transaction: Box<TransactionEvent>,
        deliveries: Vec<Delivery>,
        silent: String,
        /// Per channel: sent, or why not (for the order's timeline).
        decisions: Vec<ChannelDecision>,
        /// What the message lacks and why, for the event log.
        lacks: String,
    },
    /// A status the product does not notify on.
    Unmappable(String),
}

impl Processor {
    /// Runs until `shutdown` resolves; finishes the batch in hand first.
    pub async fn run(self, shutdown: Shutdown) {
        let (wake, backstop) = (self.wake.clone(), self.backstop);
        let ingest = self.ingest_load.clone();
        claim_loop::run(&mut &self, &wake, backstop, &ingest, &shutdown).await;
    }

    /// Normalises and decides each event, then applies all the decisions in
    /// one transaction; failures are recorded event by event.
    pub async fn process_batch(&self, events: Vec<ClaimedEvent>) {
        let mut settings: HashMap<MerchantId, Settings> = HashMap::new();
        let mut ready = Vec::new();
        for event in events {
            let span = tracing::info_span!("process", merchant_id = %event.merchant_id, event_id = %event.id, platform = event.platform.slug());
            let prepared = self.prepare(&event, &mut settings).instrument(span).await;
            match prepared {
                Ok(Prepared::Apply {
                    transaction,
                    deliveries,
                    silent,
                    decisions,
                    lacks,
                }) => ready.push((event, transaction, deliveries, silent, decisions, lacks)),
                Ok(Prepared::Unmappable(detail)) => {
                    tracing::info!(merchant_id = %event.merchant_id, event_id = %event.id, %detail, "webhook does not notify");
                    let recorded = self
                        .store
                        .finish_inbound_event(&event.id, Outcome::Unmappable, &detail, Utc::now())
                        .await;
                    log_unrecorded(&event, recorded);
                }
                Err(e) => self.record_failure(&event, e).await,
            }
        }
        if ready.is_empty() {
            return;
        }
        let items: Vec<Decided<'_>> = ready
            .iter()
            .map(
                |(event, transaction, deliveries, silent, decisions, lacks)| Decided {
                    inbound_id: &event.id,
                    merchant_id: &event.merchant_id,
                    event: transaction,
                    deliveries,
                    silent_detail: silent,
                    decisions,
                    lacks,
                },
            )
            .collect();
        match self.store.apply_decisions(&items, Utc::now()).await {
            Ok(applied) => {
                if applied
                    .iter()
                    .any(|a| matches!(a, notify_store::outbox::Applied::Jobs { new } if *new > 0))
                {
                    self.delivery_wake.notify_one();
                }
                for ((event, ..), applied) in ready.iter().zip(applied) {
                    tracing::info!(merchant_id = %event.merchant_id, event_id = %event.id, ?applied, "webhook processed");
                }
            }
            Err(e) => {
                for (event, ..) in &ready {
                    let e = ProcessError::transient_with_detail(STORAGE_ERROR, &e);
                    self.record_failure(event, e).await;
                }
            }
        }
    }

    async fn record_failure(&self, event: &ClaimedEvent, e: ProcessError) {
        let now = Utc::now();
        let retry_at = e
            .retryable
            .then(|| self.retry.next_attempt(event.attempts, now))
            .flatten();
        // Both may quote the payload or an order API's answer.
        let error = crate::telemetry::scrub(&e.message, &[]);
        let detail = crate::telemetry::scrub(e.detail.as_deref().unwrap_or(""), &[]);
        tracing::warn!(merchant_id = %event.merchant_id, event_id = %event.id, %error, %detail, attempts = event.attempts, retry = retry_at.is_some(), "webhook processing failed");
        log_unrecorded(
            event,
            self.store
                .fail_inbound_event(&event.id, &e.message, retry_at, now)
                .await,
        );
    }

    /// Normalise, complete, decide: everything but writing the outcome.
    async fn prepare(
        &self,
        event: &ClaimedEvent,
        settings: &mut HashMap<MerchantId, Settings>,
    ) -> Result<Prepared, ProcessError> {
        let (normalized, fetched) = self.normalize(event).await?;
        let transaction = match normalized {
            Normalized::Event(e) => e,
            Normalized::StatusOnly {
                source,
                order_id,
                status,
                occurred_at,
                details,
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
                with_status(earlier, status, occurred_at, details)
            }
            Normalized::NoNotification { status } => {
                return Ok(Prepared::Unmappable(format!(
                    "status {status} does not notify"
                )));
            }
            Normalized::FetchOrder { .. } => {
                return Err(ProcessError::permanent(
                    "a fetched order named another order",
                ));
            }
        };
        let mut transaction = not_after(transaction, Utc::now() + MAX_CLOCK_SKEW);
        let rules = self.rules(&event.merchant_id, settings).await?;
        self.read_opt_out(&event.merchant_id, rules, &mut transaction)
            .await?;
        let decision = decide(rules, &transaction);
        let deliveries: Vec<Delivery> = decision.deliveries().cloned().collect();
        let silent = silent_reasons(&decision);
        let decisions = ChannelDecision::of(&decision);
        // The order's parts only for a message (decide does not read them).
        let lacks = match fetched {
            Some(order) if !deliveries.is_empty() => {
                self.complete(event, &order, &mut transaction).await
            }
            _ => String::new(),
        };
        Ok(Prepared::Apply {
            deliveries,
            silent,
            decisions,
            transaction: Box::new(transaction),
            lacks,
        })
    }

    /// The merchant's rules, loaded once per batch.
    async fn rules<'a>(
        &self,
        merchant_id: &MerchantId,
        settings: &'a mut HashMap<MerchantId, Settings>,
    ) -> Result<&'a Settings, ProcessError> {
        if !settings.contains_key(merchant_id) {
            let loaded = self.store.load_settings(merchant_id).await?.settings;
            settings.insert(merchant_id.clone(), loaded);
        }
        Ok(&settings[merchant_id])
    }

    /// Marks the customer opted out of texts when they are. Only a rule
    /// that would text needs the list (decide reads it for nothing else;
    /// the worker checks again before sending).
    async fn read_opt_out(
        &self,
        merchant_id: &MerchantId,
        rules: &Settings,
        transaction: &mut TransactionEvent,
    ) -> Result<(), ProcessError> {
        let would_text = rules
            .rule(transaction.trigger())
            .is_some_and(|r| r.active && r.sms);
        if would_text && let Some(phone) = &transaction.customer.phone {
            transaction.customer.sms_opted_out = self
                .store
                .is_sms_opted_out(merchant_id, phone.as_e164())
                .await?;
        }
        Ok(())
    }
}

/// Why each silent channel stays silent, for the event log.
fn silent_reasons(decision: &notify_core::Decision) -> String {
    decision
        .outcomes
        .iter()
        .filter_map(|o| match o {
            ChannelOutcome::Skip { channel, reason } => {
                Some(reason.explain(decision.trigger, *channel))
            }
            ChannelOutcome::Send(_) => None,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

impl Claimer for &Processor {
    async fn claim(&mut self, _: &Shutdown) -> Claimed {
        match self
            .store
            .claim_inbound_events(Utc::now(), self.lease, self.batch)
            .await
        {
            Ok(events) if !events.is_empty() => {
                self.process_batch(events).await;
                Claimed::Work
            }
            Ok(_) => Claimed::Nothing,
            Err(e) => {
                tracing::error!(error = %e, "claiming webhooks failed");
                Claimed::Nothing
            }
        }
    }
}

impl Processor {
    /// What the event means, by its platform's rules; an order the hook
    /// only names is fetched first (and returned, for its parts).
    async fn normalize(
        &self,
        event: &ClaimedEvent,
    ) -> Result<(Normalized, Option<FetchedOrder>), ProcessError> {
        let bad_shape = |e: notify_ingest::NormalizeError| ProcessError::permanent(e.to_string());
        let spec = event.platform.spec();
        let stored = Stored {
            topic: &event.topic,
            body: event.body.as_bytes(),
            triggered_at: event.triggered_at,
        };
        let normalized = (spec.normalize)(&stored).map_err(bad_shape)?;
        let (Normalized::FetchOrder { order_id }, Some(api)) = (&normalized, &spec.order_api)
        else {
            return Ok((normalized, None));
        };
        let order_id = *order_id;
        let integration = self
            .store
            .integration(&event.merchant_id, event.platform)
            .await?
            .ok_or_else(|| {
                ProcessError::permanent(format!("the {} integration was removed", spec.name))
            })?;
        let (body, request) = self
            .order_api
            .fetch_order(&integration.config, order_id)
            .await?;
        let normalized = (api.read)(&body, &stored).map_err(bad_shape)?;
        let fetched = FetchedOrder {
            api,
            id: order_id,
            body,
            request,
        };
        Ok((normalized, Some(fetched)))
    }

    /// Adds the fetched order's parts that a message about its status shows
    /// (BigCommerce's items and shipments). A part that cannot be fetched
    /// or read is left out: the event notifies without it. Returns what the
    /// message lacks and why, for the event log.
    async fn complete(
        &self,
        event: &ClaimedEvent,
        order: &FetchedOrder,
        transaction: &mut TransactionEvent,
    ) -> String {
        let Document::Order { status, .. } = transaction.document else {
            return String::new();
        };
        let name = event.platform.name();
        let parts: Vec<&'static OrderPart> = order
            .api
            .parts
            .iter()
            .filter(|p| (p.wanted)(status))
            .collect();
        let answers = self
            .order_api
            .fetch_parts(event.platform, &order.request, order.id, &parts)
            .await;
        let mut lacks = Vec::new();
        for (part, answer) in parts.into_iter().zip(answers) {
            let read = answer.and_then(|body| {
                (part.read)(&body, &order.body).map_err(|e| ProcessError {
                    message: format!(
                        "{name} order {}'s {}: not the expected answer",
                        order.id, part.name
                    ),
                    detail: Some(e.to_string()),
                    retryable: false,
                })
            });
            match read {
                Ok(details) => {
                    transaction.details =
                        std::mem::take(&mut transaction.details).updated_with(details);
                }
                Err(e) => {
                    let error = crate::telemetry::scrub(&e.message, &[]);
                    let detail = crate::telemetry::scrub(e.detail.as_deref().unwrap_or(""), &[]);
                    tracing::warn!(merchant_id = %event.merchant_id, event_id = %event.id, part = part.name, %error, %detail, "an order's part could not be had; its messages go without it");
                    lacks.push(format!("without the {}: {}", part.name, e.message));
                }
            }
        }
        lacks.join("; ")
    }
}

/// An order fetched over its platform's API, for its parts.
struct FetchedOrder {
    api: &'static OrderApi,
    id: u64,
    body: Vec<u8>,
    /// Its GET: the parts' are below it.
    request: ApiRequest,
}

fn log_unrecorded(event: &ClaimedEvent, result: Result<(), notify_store::StoreError>) {
    if let Err(e) = result {
        // The lease runs out and the event is processed again.
        tracing::error!(merchant_id = %event.merchant_id, event_id = %event.id, error = %e, "recording a webhook's outcome failed");
    }
}

/// The earlier event of an order, moved to a new status, with what the
/// partial payload adds (tracking, a refund) over what it said.
fn with_status(
    mut earlier: TransactionEvent,
    status: notify_core::OrderStatus,
    occurred_at: chrono::DateTime<Utc>,
    details: notify_core::Details,
) -> TransactionEvent {
    if let Document::Order { status: s, .. } = &mut earlier.document {
        *s = status;
    }
    earlier.occurred_at = occurred_at;
    earlier.details = earlier.details.updated_with(details);
    earlier
}
