//! The delivery worker: claims due outbox jobs with a lease, renders each
//! message with notify-core (exactly what the page previews), sends it by
//! email or SMS, and records the attempt: sent, retry later (transient),
//! failed (permanent) or dead (retries used up).
//!
//! Each channel is a lane ([`lane`]): up to its budget of sends in flight
//! at once, paced to the provider's rate ([`pacing`]), each send cut at the
//! channel's timeout and started only while its lease covers that timeout
//! ([`lease`], renewed while sends are in flight); outcomes are written in
//! groups ([`recorder`]). Which jobs may go is the store's claim: merchants
//! take turns, and a customer's messages on a channel go one at a time, in
//! the order they were queued.

pub mod dkim;
pub mod email;
pub mod lane;
mod lease;
mod pacing;
mod recorder;
pub mod sms;

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::Duration;
use notify_core::Channel;
use notify_core::templates::{MessageContext, render_email, render_sms};
use notify_store::Store;
use notify_store::accounts::Merchant;
use tokio::sync::Notify;

use crate::retry::RetryPolicy;
use crate::shutdown::Shutdown;

pub use email::EmailTransport;
pub use lane::LaneLimits;
pub use sms::SmsTransport;

/// How a send ended, as the channel reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendOutcome {
    Sent {
        provider_id: Option<String>,
    },
    /// Worth retrying; `retry_after` when the provider said when.
    Transient {
        error: String,
        retry_after: Option<StdDuration>,
    },
    Permanent {
        error: String,
    },
    /// The recipient has unsubscribed from texts (the provider's word).
    OptedOut {
        error: String,
    },
}

impl SendOutcome {
    /// For metrics: `None` when sent.
    pub fn error_kind(&self) -> Option<&'static str> {
        match self {
            SendOutcome::Sent { .. } => None,
            SendOutcome::Transient { .. } => Some("transient"),
            SendOutcome::Permanent { .. } => Some("permanent"),
            SendOutcome::OptedOut { .. } => Some("opted_out"),
        }
    }
}

/// The local sink of the embedded default: writes `bytes` to
/// `dir/kind/file`, reported as sent with the path as provider id.
async fn write_to_sink(
    dir: &std::path::Path,
    kind: &str,
    file: &str,
    bytes: Vec<u8>,
) -> SendOutcome {
    let dir = dir.join(kind);
    let path = dir.join(file);
    let written = async {
        tokio::fs::create_dir_all(&dir).await?;
        tokio::fs::write(&path, bytes).await
    }
    .await;
    match written {
        Ok(()) => SendOutcome::Sent {
            provider_id: Some(format!("sink:{}", path.display())),
        },
        Err(e) => {
            tracing::error!(path = %path.display(), error = %e, "writing to the outbox sink failed");
            SendOutcome::Transient {
                error: format!("the local sink folder could not be written ({})", e.kind()),
                retry_after: None,
            }
        }
    }
}

/// The delivery worker of one replica: an email lane and an SMS lane, each
/// with its own budget, pacing and timeout (see [`lane`]).
#[derive(Clone)]
pub struct Worker {
    pub store: Store,
    pub email: Arc<EmailTransport>,
    pub sms: Arc<SmsTransport>,
    /// Notified when new jobs were queued.
    pub wake: Arc<Notify>,
    pub retry: RetryPolicy,
    /// How long a claim is ours before another worker may take it over
    /// (renewed while its sends are in flight).
    pub lease: Duration,
    pub email_lane: LaneLimits,
    pub sms_lane: LaneLimits,
    /// Messages per merchant, channel and day (`MERCHANT_DAILY_MESSAGE_LIMIT`).
    pub daily_limit: u32,
    /// The slow poll that backs up the wake-ups (and picks up retries).
    pub backstop: StdDuration,
    pub metrics: crate::metrics::Metrics,
    /// Webhooks being received: a burst goes first.
    pub ingest_load: Arc<crate::ingest_load::IngestLoad>,
}

impl Worker {
    /// Runs both lanes until `shutdown`; the sends in flight finish and are
    /// recorded first.
    pub async fn run(self, shutdown: Shutdown) {
        // Messages held by the daily limit go now if it was raised (they
        // are held again if not).
        match self
            .store
            .resume_held_by_daily_limit(chrono::Utc::now())
            .await
        {
            Ok(0) => {}
            Ok(n) => tracing::info!(
                messages = n,
                "messages held by the daily limit are checked again"
            ),
            Err(e) => {
                tracing::error!(error = %e, "resuming messages held by the daily limit failed")
            }
        }
        let wakes = Channel::ALL.map(|_| Arc::new(Notify::new()));
        let forward = {
            let (wake, wakes) = (self.wake.clone(), wakes.clone());
            tokio::spawn(async move {
                loop {
                    wake.notified().await;
                    for w in &wakes {
                        w.notify_one();
                    }
                }
            })
        };
        let lanes: Vec<_> = Channel::ALL
            .into_iter()
            .zip(wakes)
            .map(|(channel, wake)| {
                tokio::spawn(lane::run(self.clone(), channel, wake, shutdown.clone()))
            })
            .collect();
        for lane in lanes {
            let _ = lane.await;
        }
        forward.abort();
    }
}

/// One message to render and send.
pub struct Message<'a> {
    /// Names the message at the provider (Message-ID, sink file).
    pub id: &'a str,
    pub channel: Channel,
    pub to: &'a str,
    pub event: &'a notify_core::TransactionEvent,
}

/// Renders `message` with notify-core (what the page previews) and sends it
/// on its channel. Used by the worker and by test sends.
pub async fn send_message(
    email: &EmailTransport,
    sms: &SmsTransport,
    message: &Message<'_>,
    merchant: &Merchant,
) -> SendOutcome {
    let ctx = MessageContext {
        merchant: &merchant.store_name,
        event: message.event,
    };
    match message.channel {
        Channel::Email => {
            let rendered = render_email(ctx);
            let outgoing = email::OutgoingEmail {
                job_id: message.id,
                to: message.to,
                from_name: merchant.sender_name.as_str(),
                reply_to: merchant.sender_email.as_str(),
                message: &rendered,
            };
            email.send(&outgoing).await
        }
        Channel::Sms => {
            sms.send(message.id, message.to, &render_sms(ctx).text)
                .await
        }
    }
}
