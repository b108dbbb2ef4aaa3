//! The delivery worker: claims due outbox jobs with a lease, renders each
//! message with notify-core (exactly what the page previews), sends it by
//! email or SMS, and records the attempt: sent, retry later (transient),
//! failed (permanent) or dead (retries used up).

pub mod email;
pub mod sms;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

use chrono::{Duration, Utc};
use notify_core::templates::{MessageContext, render_email, render_sms};
use notify_store::accounts::Merchant;
use notify_store::delivery::{AttemptResult, ClaimedJob};
use notify_store::{MerchantId, Store};
use tokio::sync::Notify;

use crate::retry::RetryPolicy;
use crate::shutdown::Shutdown;

pub use email::EmailTransport;
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
        Err(e) => SendOutcome::Transient {
            error: format!("writing {}: {e}", path.display()),
            retry_after: None,
        },
    }
}

#[derive(Clone)]
pub struct Worker {
    pub store: Store,
    pub email: Arc<EmailTransport>,
    pub sms: Arc<SmsTransport>,
    pub wake: Arc<Notify>,
    pub retry: RetryPolicy,
    pub lease: Duration,
    /// The longest one send may take (the slower channel's timeout): a job
    /// is only sent while its lease has at least this much left.
    pub send_timeout: StdDuration,
    pub batch: i64,
    pub backstop: StdDuration,
    pub metrics: crate::metrics::Metrics,
}

impl Worker {
    /// Runs until `shutdown`; the batch in hand is finished first.
    pub async fn run(self, shutdown: Shutdown) {
        loop {
            let claimed_at = Instant::now();
            match self
                .store
                .claim_jobs(Utc::now(), self.lease, self.batch)
                .await
            {
                Ok(jobs) if !jobs.is_empty() => {
                    self.deliver_batch(jobs, claimed_at).await;
                    continue;
                }
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "claiming outbox jobs failed"),
            }
            tokio::select! {
                () = self.wake.notified() => {}
                () = tokio::time::sleep(self.backstop) => {}
                () = shutdown.wait() => return,
            }
        }
    }

    /// Sends the jobs one after another. A job whose lease could run out
    /// during its send (the batch took long) goes back to the queue
    /// unsent: once the lease has run out another worker may claim it, and
    /// both would send it. The first job is always sent.
    pub async fn deliver_batch(&self, jobs: Vec<ClaimedJob>, claimed_at: Instant) {
        let lease = self.lease.to_std().unwrap_or_default();
        let mut merchants: HashMap<MerchantId, Merchant> = HashMap::new();
        for (index, job) in jobs.into_iter().enumerate() {
            if index > 0 && claimed_at.elapsed() + self.send_timeout >= lease {
                if let Err(e) = self.store.release_job(&job).await {
                    tracing::error!(job = %job.id, error = %e, "releasing a job failed");
                }
                continue;
            }
            let merchant = match merchants.get(&job.merchant_id) {
                Some(m) => m.clone(),
                None => match self.store.merchant(&job.merchant_id).await {
                    Ok(m) => merchants
                        .entry(job.merchant_id.clone())
                        .or_insert(m)
                        .clone(),
                    Err(e) => {
                        // The lease runs out and the job is tried again.
                        tracing::error!(job = %job.id, error = %e, "loading the merchant failed");
                        continue;
                    }
                },
            };
            if job.channel == "sms"
                && let Some(until) = merchant
                    .quiet_hours
                    .holds_until(Utc::now(), merchant.time_zone.tz())
            {
                let reason = format!(
                    "waiting for quiet hours to end ({})",
                    until
                        .with_timezone(&merchant.time_zone.tz())
                        .format("%H:%M %Z")
                );
                tracing::info!(job = %job.id, %until, "SMS held for quiet hours");
                if let Err(e) = self
                    .store
                    .postpone_job(&job, until, &reason, Utc::now())
                    .await
                {
                    tracing::error!(job = %job.id, error = %e, "postponing a job failed");
                }
                continue;
            }
            let started = Instant::now();
            let outcome = self.send(&job, &merchant).await;
            let error_kind = match &outcome {
                SendOutcome::Sent { .. } => None,
                SendOutcome::Transient { .. } => Some("transient"),
                SendOutcome::Permanent { .. } => Some("permanent"),
                SendOutcome::OptedOut { .. } => Some("opted_out"),
            };
            self.metrics
                .send_finished(&job.channel, started.elapsed().as_secs_f64(), error_kind);
            let now = Utc::now();
            let result = match outcome {
                SendOutcome::Sent { provider_id } => AttemptResult::Sent { provider_id },
                SendOutcome::Permanent { error } => AttemptResult::Failed { error },
                SendOutcome::OptedOut { error } => {
                    if let Err(e) = self
                        .store
                        .set_sms_opt_out(&job.merchant_id, &job.recipient, "provider", now)
                        .await
                    {
                        tracing::error!(job = %job.id, error = %e, "recording an opt-out failed");
                    }
                    AttemptResult::Failed { error }
                }
                SendOutcome::Transient { error, retry_after } => {
                    match self.retry.next_attempt(job.attempts, now) {
                        Some(at) => {
                            let provider_at = retry_after
                                .and_then(|d| Duration::from_std(d).ok())
                                .map(|d| now + d);
                            AttemptResult::Retry {
                                error,
                                retry_at: provider_at.map_or(at, |p| p.max(at)),
                            }
                        }
                        None => AttemptResult::Dead { error },
                    }
                }
            };
            tracing::info!(merchant = %job.merchant_id, job = %job.id, channel = %job.channel, attempt = job.attempts, ?result, "delivery attempt");
            self.metrics.attempt_recorded(
                &job.channel,
                match &result {
                    AttemptResult::Sent { .. } => "sent",
                    AttemptResult::Retry { .. } => "retry",
                    AttemptResult::Failed { .. } => "failed",
                    AttemptResult::Dead { .. } => "dead",
                },
            );
            if let Err(e) = self
                .store
                .record_attempt(&job, &result, started.elapsed(), now)
                .await
            {
                tracing::error!(job = %job.id, error = %e, "recording a delivery attempt failed");
            }
        }
    }

    async fn send(&self, job: &ClaimedJob, merchant: &Merchant) -> SendOutcome {
        if job.channel == "sms" {
            // A STOP that arrived after the job was queued still counts.
            match self
                .store
                .is_sms_opted_out(&job.merchant_id, &job.recipient)
                .await
            {
                Ok(true) => {
                    return SendOutcome::Permanent {
                        error: "the customer replied STOP to your text messages".to_owned(),
                    };
                }
                Ok(false) => {}
                Err(e) => {
                    return SendOutcome::Transient {
                        error: format!("checking opt-outs: {e}"),
                        retry_after: None,
                    };
                }
            }
        }
        let message = Message {
            id: job.id.as_str(),
            channel: &job.channel,
            to: &job.recipient,
            event: &job.event,
        };
        send_message(&self.email, &self.sms, &message, merchant).await
    }
}

/// One message to render and send.
pub struct Message<'a> {
    /// Names the message at the provider (Message-ID, sink file).
    pub id: &'a str,
    /// `email` or `sms`.
    pub channel: &'a str,
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
        "email" => {
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
        "sms" => {
            sms.send(message.id, message.to, &render_sms(ctx).text)
                .await
        }
        other => SendOutcome::Permanent {
            error: format!("unknown channel {other}"),
        },
    }
}
