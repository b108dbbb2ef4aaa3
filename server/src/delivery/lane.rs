//! One channel's delivery lane: claims due jobs for as many sends as its
//! budget has room for, sends them concurrently (each in its own task,
//! paced, cut at the channel's timeout), and hands the outcomes to the
//! recorder. Email and SMS each have their own lane, so a provider that
//! hangs on one channel never slows the other.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration as StdDuration, Instant};

use chrono::{Duration, Utc};
use notify_core::Channel;
use notify_store::MerchantId;
use notify_store::accounts::Merchant;
use notify_store::daily_limit::{HELD, day_bounds};
use notify_store::delivery_queue::{AttemptResult, ClaimedJob, FinishedAttempt, LeaseHolder};
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore, mpsc};
use tokio::task::JoinSet;
use tracing::Instrument;

use super::lease::{ClaimTimes, LeaseClock, keep_renewed};
use super::pacing::Pacer;
use super::{Message, SendOutcome, Worker, recorder, send_message};
use crate::claim_loop::{self, Claimed, Claimer};
use crate::shutdown::Shutdown;

/// The most jobs one claim takes (each also needs a free send slot).
const CLAIM_MAX: usize = 64;

/// How long a busy lane waits for more free slots before claiming.
const CLAIM_GATHER: StdDuration = StdDuration::from_millis(10);

/// What a lane may do: sends in flight at once, sends started per second,
/// and how long one send may take.
#[derive(Debug, Clone, Copy)]
pub struct LaneLimits {
    pub concurrency: usize,
    pub max_per_second: Option<f64>,
    pub send_timeout: StdDuration,
}

/// A merchant as one claim sees it.
#[derive(Clone)]
struct InClaim {
    merchant: Merchant,
    /// Messages it may still send on this channel today (shared by the
    /// claim's sends; below zero: held until `tomorrow`).
    left_today: Arc<AtomicI64>,
    tomorrow: chrono::DateTime<Utc>,
}

struct Lane {
    worker: Worker,
    channel: Channel,
    limits: LaneLimits,
    holder: LeaseHolder,
    clock: Arc<LeaseClock>,
    pacer: Pacer,
    wake: Arc<Notify>,
    finished: mpsc::Sender<FinishedAttempt>,
}

/// Runs `channel`'s lane until `shutdown`; the sends in flight finish and
/// are recorded first. `wake` is notified when new jobs may be due.
pub async fn run(worker: Worker, channel: Channel, wake: Arc<Notify>, shutdown: Shutdown) {
    let limits = match channel {
        Channel::Email => worker.email_lane,
        Channel::Sms => worker.sms_lane,
    };
    let lease = worker.lease.to_std().unwrap_or_default();
    let clock = Arc::new(LeaseClock::new(lease));
    let holder = LeaseHolder::generate();
    let (finished, to_record) = mpsc::channel(limits.concurrency * 4);
    let recorder = tokio::spawn(recorder::run(
        worker.store.clone(),
        to_record,
        clock.clone(),
        wake.clone(),
        shutdown.clone(),
    ));
    let renewer = tokio::spawn(keep_renewed(
        worker.store.clone(),
        holder.clone(),
        clock.clone(),
        clock.renew_every(limits.send_timeout),
        shutdown.clone(),
    ));
    let lane = Arc::new(Lane {
        pacer: Pacer::new(limits.max_per_second),
        worker,
        channel,
        limits,
        holder,
        clock,
        wake,
        finished,
    });
    let mut claims = Claims {
        slots: Arc::new(Semaphore::new(lane.limits.concurrency)),
        sends: JoinSet::new(),
        lane: lane.clone(),
    };
    claim_loop::run(
        &mut claims,
        &lane.wake,
        lane.worker.backstop,
        &lane.worker.ingest_load,
        &shutdown,
    )
    .await;
    while claims.sends.join_next().await.is_some() {}
    drop((lane, claims)); // the recorder stops once every send task has let go of it
    let _ = recorder.await;
    let _ = renewer.await;
}

/// The lane's side of the claim loop: a claim takes as many jobs as there
/// are free send slots, and each claimed job is sent on a task of its own.
struct Claims {
    lane: Arc<Lane>,
    slots: Arc<Semaphore>,
    sends: JoinSet<()>,
}

impl Claimer for Claims {
    async fn claim(&mut self, shutdown: &Shutdown) -> Claimed {
        while self.sends.try_join_next().is_some() {}
        let lane = &self.lane;
        let first = tokio::select! {
            permit = self.slots.clone().acquire_owned() => permit.expect("the semaphore is never closed"),
            () = shutdown.wait() => return Claimed::Stop,
        };
        let mut permits = vec![first];
        if self.slots.available_permits() + 1 < lane.limits.concurrency / 2 {
            // Busy: let a few more sends finish, so that one claim (a
            // sort of the channel's open jobs) serves many sends
            // rather than one each.
            tokio::time::sleep(CLAIM_GATHER).await;
        }
        while permits.len() < CLAIM_MAX {
            match self.slots.clone().try_acquire_owned() {
                Ok(p) => permits.push(p),
                Err(_) => break,
            }
        }
        let asked = Instant::now();
        let claimed = lane
            .worker
            .store
            .claim_jobs(
                lane.channel,
                &lane.holder,
                Utc::now(),
                lane.worker.lease,
                permits.len() as i64,
            )
            .await;
        let jobs = match claimed {
            Ok(jobs) if !jobs.is_empty() => jobs,
            Ok(_) => return Claimed::Nothing,
            Err(e) => {
                tracing::error!(channel = lane.channel.slug(), error = %e, "claiming outbox jobs failed");
                return Claimed::Nothing;
            }
        };
        tracing::debug!(
            channel = lane.channel.slug(),
            claimed = jobs.len(),
            room = permits.len(),
            took_ms = asked.elapsed().as_millis() as u64,
            "claimed"
        );
        let claim = ClaimTimes {
            asked,
            returned: Instant::now(),
        };
        lane.clock.hold(jobs.len());
        let merchants = lane.merchants_of(&jobs).await;
        for job in jobs {
            let permit = permits.pop().expect("one permit per claimed job");
            let merchant = merchants.get(&job.merchant_id).cloned();
            let (lane, shutdown) = (lane.clone(), shutdown.clone());
            // Whatever the send logs (the provider's client, the sink) says
            // which message it is about.
            let span = tracing::info_span!("deliver", merchant_id = %job.merchant_id, event_id = %job.event_id, job_id = %job.id, channel = lane.channel.slug());
            self.sends.spawn(
                async move {
                    lane.deliver(job, merchant, claim, permit, shutdown).await;
                }
                .instrument(span),
            );
        }
        Claimed::Work
    }
}

impl Lane {
    /// The merchants of a claim with what is left of their daily limit on
    /// this channel, two queries each.
    async fn merchants_of(&self, jobs: &[ClaimedJob]) -> HashMap<MerchantId, InClaim> {
        let mut merchants = HashMap::new();
        let now = Utc::now();
        for job in jobs {
            if merchants.contains_key(&job.merchant_id) {
                continue;
            }
            match self.in_claim(&job.merchant_id, jobs, now).await {
                Ok(m) => {
                    merchants.insert(job.merchant_id.clone(), m);
                }
                Err(e) => {
                    tracing::error!(merchant_id = %job.merchant_id, channel = self.channel.slug(), error = %e, "loading the merchant failed");
                }
            }
        }
        merchants
    }

    async fn in_claim(
        &self,
        merchant_id: &MerchantId,
        jobs: &[ClaimedJob],
        now: chrono::DateTime<Utc>,
    ) -> Result<InClaim, notify_store::StoreError> {
        let merchant = self.worker.store.merchant(merchant_id).await?;
        let (today, tomorrow) = day_bounds(now, merchant.time_zone.tz());
        // Counts the jobs being sent, this claim's among them.
        let used = self
            .worker
            .store
            .messages_since(merchant_id, self.channel, today, now)
            .await?;
        let here = jobs
            .iter()
            .filter(|j| j.merchant_id == *merchant_id)
            .count() as i64;
        let left = i64::from(self.worker.daily_limit) - (used - here);
        Ok(InClaim {
            merchant,
            left_today: Arc::new(AtomicI64::new(left)),
            tomorrow,
        })
    }

    /// Sends one job when its turn comes, if its lease covers the send;
    /// otherwise puts it back.
    async fn deliver(
        &self,
        job: ClaimedJob,
        merchant: Option<InClaim>,
        claim: ClaimTimes,
        permit: OwnedSemaphorePermit,
        shutdown: Shutdown,
    ) {
        let Some(InClaim {
            merchant,
            left_today,
            tomorrow,
        }) = merchant
        else {
            return self.put_back(&job).await;
        };
        tokio::select! {
            () = self.pacer.wait_turn() => {}
            () = shutdown.wait() => return self.put_back(&job).await,
        }
        if !self.clock.covers(claim, self.limits.send_timeout) {
            // Another worker may take it over before the send could end.
            return self.put_back(&job).await;
        }
        if let Some((until, reason)) = self.held(&job, &merchant, &left_today, tomorrow) {
            return self.postpone(&job, until, &reason).await;
        }
        let started = Instant::now();
        let outcome = self.send_within_timeout(&job, &merchant).await;
        let duration = started.elapsed();
        self.worker.metrics.send_finished(
            self.channel.slug(),
            duration.as_secs_f64(),
            outcome.error_kind(),
        );
        let now = Utc::now();
        let result = self.result_of(&job, outcome, now).await;
        log_attempt(&job, self.channel, &result);
        self.worker
            .metrics
            .attempt_recorded(self.channel.slug(), metric_label(&result));
        let finished = FinishedAttempt {
            job,
            result,
            duration,
            at: now,
        };
        if self.finished.send(finished).await.is_err() {
            tracing::error!("the delivery recorder stopped before an attempt was recorded");
        }
        drop(permit);
    }

    /// Until when and why a job must wait: the merchant's daily limit is
    /// used up (this takes one from what is left), or a text falls in
    /// quiet hours.
    fn held(
        &self,
        job: &ClaimedJob,
        merchant: &Merchant,
        left_today: &AtomicI64,
        tomorrow: chrono::DateTime<Utc>,
    ) -> Option<(chrono::DateTime<Utc>, String)> {
        let tz = merchant.time_zone.tz();
        if left_today.fetch_sub(1, Ordering::SeqCst) <= 0 {
            let reason = format!(
                "{HELD} of {} {} reached; goes at {} or when the limit is raised",
                self.worker.daily_limit,
                match self.channel {
                    Channel::Email => "emails",
                    Channel::Sms => "texts",
                },
                tomorrow.with_timezone(&tz).format("%Y-%m-%d %H:%M %Z")
            );
            tracing::warn!(merchant_id = %job.merchant_id, event_id = %job.event_id, job_id = %job.id, channel = self.channel.slug(), "held by the daily message limit");
            return Some((tomorrow, reason));
        }
        if self.channel != Channel::Sms {
            return None;
        }
        let until = merchant.quiet_hours.holds_until(Utc::now(), tz)?;
        tracing::info!(merchant_id = %job.merchant_id, event_id = %job.event_id, job_id = %job.id, channel = self.channel.slug(), %until, "SMS held for quiet hours");
        let reason = format!(
            "waiting for quiet hours to end ({})",
            until.with_timezone(&tz).format("%H:%M %Z")
        );
        Some((until, reason))
    }

    /// Sends, giving up after the lane's timeout (a transient failure); a
    /// provider's Retry-After pauses the whole channel.
    async fn send_within_timeout(&self, job: &ClaimedJob, merchant: &Merchant) -> SendOutcome {
        let outcome =
            match tokio::time::timeout(self.limits.send_timeout, self.send(job, merchant)).await {
                Ok(outcome) => outcome,
                Err(_) => SendOutcome::Transient {
                    error: format!(
                        "no answer within {} s",
                        self.limits.send_timeout.as_secs_f64()
                    ),
                    retry_after: None,
                },
            };
        if let SendOutcome::Transient {
            retry_after: Some(wait),
            ..
        } = &outcome
        {
            tracing::warn!(
                channel = self.channel.slug(),
                wait_s = wait.as_secs_f64(),
                "provider asked to slow down: channel paused"
            );
            self.pacer.pause_for(*wait);
        }
        outcome
    }

    /// Puts a job back unsent until `until`, saying why.
    async fn postpone(&self, job: &ClaimedJob, until: chrono::DateTime<Utc>, reason: &str) {
        if let Err(e) = self
            .worker
            .store
            .postpone_job(job, until, reason, Utc::now())
            .await
        {
            tracing::error!(merchant_id = %job.merchant_id, job_id = %job.id, error = %e, "postponing a job failed");
        }
        self.clock.let_go(1);
    }

    async fn put_back(&self, job: &ClaimedJob) {
        if let Err(e) = self.worker.store.release_job(job).await {
            tracing::error!(merchant_id = %job.merchant_id, job_id = %job.id, error = %e, "releasing a job failed");
        }
        self.clock.let_go(1);
    }

    async fn send(&self, job: &ClaimedJob, merchant: &Merchant) -> SendOutcome {
        if self.channel == Channel::Sms {
            // A STOP that arrived after the job was queued still counts.
            match self
                .worker
                .store
                .is_sms_opted_out(&job.merchant_id, job.recipient_text())
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
            channel: self.channel,
            to: job.recipient_text(),
            event: &job.event,
        };
        send_message(&self.worker.email, &self.worker.sms, &message, merchant).await
    }

    /// What the outcome makes of the job: sent, retried on the schedule (or
    /// later, when the provider said when), failed, or dead.
    async fn result_of(
        &self,
        job: &ClaimedJob,
        outcome: SendOutcome,
        now: chrono::DateTime<Utc>,
    ) -> AttemptResult {
        match outcome {
            SendOutcome::Sent { provider_id } => AttemptResult::Sent { provider_id },
            SendOutcome::Permanent { error } => AttemptResult::Failed { error },
            SendOutcome::OptedOut { error } => {
                if let Err(e) = self
                    .worker
                    .store
                    .set_sms_opt_out(&job.merchant_id, job.recipient_text(), "provider", now)
                    .await
                {
                    tracing::error!(merchant_id = %job.merchant_id, job_id = %job.id, error = %e, "recording an opt-out failed");
                }
                AttemptResult::Failed { error }
            }
            SendOutcome::Transient { error, retry_after } => {
                match self.worker.retry.next_attempt(job.attempts, now) {
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
        }
    }
}

/// One line per attempt: which message, how it ended, and the provider's
/// error without the recipient (providers quote it) or anything else shaped
/// like an address or a number.
fn log_attempt(job: &ClaimedJob, channel: Channel, result: &AttemptResult) {
    let scrub = |text: &str| crate::telemetry::scrub(text, &[job.recipient_text()]);
    let (provider_id, error, retry_at) = match result {
        AttemptResult::Sent { provider_id } => (provider_id.as_deref().map(scrub), None, None),
        AttemptResult::Retry { error, retry_at } => (None, Some(scrub(error)), Some(retry_at)),
        AttemptResult::Failed { error } | AttemptResult::Dead { error } => {
            (None, Some(scrub(error)), None)
        }
    };
    tracing::info!(
        merchant_id = %job.merchant_id,
        event_id = %job.event_id,
        job_id = %job.id,
        channel = channel.slug(),
        attempt = job.attempts,
        result = metric_label(result),
        provider_id,
        error,
        retry_at = retry_at.map(|t| t.to_rfc3339()),
        "delivery attempt"
    );
}

/// The `result` label of the `delivery_attempts` metric.
fn metric_label(result: &AttemptResult) -> &'static str {
    match result {
        AttemptResult::Sent { .. } => "sent",
        AttemptResult::Retry { .. } => "retry",
        AttemptResult::Failed { .. } => "failed",
        AttemptResult::Dead { .. } => "dead",
    }
}
