//! Group commit for incoming webhooks: requests hand their event to one
//! writer task, which stores everything waiting in one transaction and then
//! answers each request. Under load many webhooks share one disk flush; a
//! request is still answered only after its event is committed.

use chrono::Utc;
use notify_store::Store;
use notify_store::StoreError;
use notify_store::inbound::{Inserted, NewInboundEvent};
use tokio::sync::{mpsc, oneshot};

type Reply = oneshot::Sender<Result<Inserted, String>>;

#[derive(Clone)]
pub struct IngestWriter {
    queue: mpsc::Sender<(NewInboundEvent, Reply)>,
}

impl IngestWriter {
    /// Starts the writer; it stops when every handle is dropped, after
    /// storing what was queued.
    pub fn spawn(store: Store, max_batch: usize) -> Self {
        let (queue, rx) = mpsc::channel(4 * max_batch);
        tokio::spawn(run(store, rx, max_batch));
        IngestWriter { queue }
    }

    /// Stores one event; resolves once it is committed.
    pub async fn insert(&self, event: NewInboundEvent) -> Result<Inserted, String> {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send((event, reply))
            .await
            .map_err(|_| "the writer has stopped".to_owned())?;
        answer
            .await
            .map_err(|_| "the writer has stopped".to_owned())?
    }
}

async fn run(store: Store, mut rx: mpsc::Receiver<(NewInboundEvent, Reply)>, max_batch: usize) {
    while let Some(first) = rx.recv().await {
        let mut batch = vec![first];
        while batch.len() < max_batch {
            match rx.try_recv() {
                Ok(next) => batch.push(next),
                Err(_) => break,
            }
        }
        let (events, replies): (Vec<_>, Vec<_>) = batch.into_iter().unzip();
        let mut stored = store.insert_inbound_events(&events, Utc::now()).await;
        // A transaction the database aborted because of another one (a
        // conflict with another replica) stored nothing: try again briefly.
        // Other failures (the database down) answer 503 at once.
        for wait_ms in [20, 100] {
            if !stored.as_ref().is_err_and(StoreError::is_conflict) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(wait_ms)).await;
            stored = store.insert_inbound_events(&events, Utc::now()).await;
        }
        match stored {
            Ok(results) => {
                for (reply, result) in replies.into_iter().zip(results) {
                    let _ = reply.send(Ok(result));
                }
            }
            Err(e) => {
                tracing::error!(error = %e, batch = events.len(), "storing webhooks failed");
                for reply in replies {
                    let _ = reply.send(Err(e.to_string()));
                }
            }
        }
    }
}
