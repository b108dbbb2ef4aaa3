//! SQLite lets one connection write at a time. Without this gate, writers
//! wait in SQLite's busy handler, which sleeps between tries (1, 2, 5, 10,
//! … up to 100 ms): a webhook whose insert met the processor's transaction
//! waited whole sleeps after the lock was free (the bare one-insert baseline
//! shows it: p99 339 ms at half its maximum rate). Here writers take turns
//! in the process instead, woken the moment the previous one finishes.
//!
//! Webhook receipts (a platform waits for their answer) go first: every
//! other writer queues for `others` before it queues for the turn, so a
//! receipt waits for the writer in progress and at most one other. Among
//! themselves, all writers keep their order of arrival: nobody starves.
//!
//! PostgreSQL locks rows, not the database: its writers need no gate. The
//! busy timeout stays as the backstop for writers outside this process (two
//! `Store`s on one file, the `sqlite3` shell).

use tokio::sync::{Mutex, MutexGuard};

#[derive(Debug, Default)]
pub(crate) struct WriteGate {
    turn: Mutex<()>,
    others: Mutex<()>,
}

/// Held for as long as the write (or its transaction) runs.
pub(crate) struct Turn<'a> {
    _turn: MutexGuard<'a, ()>,
    _queue: Option<MutexGuard<'a, ()>>,
}

/// Who is writing: decides the place in the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Writer {
    /// Storing webhooks whose senders wait for the answer.
    Receipt,
    /// Everything else.
    Other,
}

impl WriteGate {
    pub(crate) async fn turn(&self, writer: Writer) -> Turn<'_> {
        let queue = match writer {
            Writer::Receipt => None,
            Writer::Other => Some(self.others.lock().await),
        };
        Turn {
            _turn: self.turn.lock().await,
            _queue: queue,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    /// Lets every spawned task run until it waits (the test runtime has
    /// one thread: a task runs only when the test yields).
    async fn settle() {
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
    }

    /// Order in which writers got their turn, while `holder` holds it and
    /// `others` other writers then a receipt arrive, in that order.
    async fn order_of_turns(holder: Writer, others: usize) -> Vec<String> {
        let gate = Arc::new(WriteGate::default());
        let log = Arc::new(std::sync::Mutex::new(Vec::new()));
        let first = gate.turn(holder).await;
        let mut tasks = Vec::new();
        let waiting = |name: String, writer: Writer| {
            let (gate, log) = (gate.clone(), log.clone());
            tokio::spawn(async move {
                let _turn = gate.turn(writer).await;
                log.lock().unwrap().push(name);
                settle().await;
            })
        };
        for n in 0..others {
            tasks.push(waiting(format!("other {n}"), Writer::Other));
            settle().await;
        }
        tasks.push(waiting("receipt".to_owned(), Writer::Receipt));
        settle().await;
        drop(first);
        for task in tasks {
            task.await.unwrap();
        }
        Arc::try_unwrap(log).unwrap().into_inner().unwrap()
    }

    #[tokio::test]
    async fn a_receipt_goes_before_the_writers_queued_behind_another() {
        // In order of arrival, the receipt would be last.
        assert_eq!(
            order_of_turns(Writer::Other, 3).await,
            ["receipt", "other 0", "other 1", "other 2"]
        );
    }

    #[tokio::test]
    async fn a_receipt_waits_for_at_most_one_queued_writer() {
        // Behind a receipt (the previous batch), one other writer is
        // already waiting for the turn: it goes first, then the receipt.
        assert_eq!(
            order_of_turns(Writer::Receipt, 3).await,
            ["other 0", "receipt", "other 1", "other 2"]
        );
    }
}
