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

#[derive(Clone)]
pub struct Worker {
    pub store: Store,
    pub email: Arc<EmailTransport>,
    pub sms: Arc<SmsTransport>,
    pub wake: Arc<Notify>,
    pub retry: RetryPolicy,
    pub lease: Duration,
    pub batch: i64,
    pub backstop: StdDuration,
}

impl Worker {
    /// Runs until `shutdown`; the batch in hand is finished first.
    pub async fn run(self, shutdown: Shutdown) {
        loop {
            match self
                .store
                .claim_jobs(Utc::now(), self.lease, self.batch)
                .await
            {
                Ok(jobs) if !jobs.is_empty() => {
                    self.deliver_batch(jobs).await;
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

    pub async fn deliver_batch(&self, jobs: Vec<ClaimedJob>) {
        let mut merchants: HashMap<MerchantId, Merchant> = HashMap::new();
        for job in jobs {
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
            let started = Instant::now();
            let outcome = self.send(&job, &merchant).await;
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
        let ctx = MessageContext {
            merchant: &merchant.store_name,
            event: &job.event,
        };
        match job.channel.as_str() {
            "email" => {
                let message = render_email(ctx);
                let email = email::OutgoingEmail {
                    job_id: job.id.as_str(),
                    to: &job.recipient,
                    from_name: merchant.sender_name.as_str(),
                    reply_to: merchant.sender_email.as_str(),
                    message: &message,
                };
                self.email.send(&email).await
            }
            "sms" => {
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
                let message = render_sms(ctx);
                self.sms
                    .send(job.id.as_str(), &job.recipient, &message.text)
                    .await
            }
            other => SendOutcome::Permanent {
                error: format!("unknown channel {other}"),
            },
        }
    }
}
