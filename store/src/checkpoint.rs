//! SQLite keeps what commits write in its WAL file, and a checkpoint copies
//! it back into the database file. By default the connection whose commit
//! takes the WAL past 1,000 pages runs that checkpoint inside its commit:
//! copying megabytes and flushing the database file, while every writer
//! queued behind it (webhooks whose senders wait for the answer) waits too.
//! At a few thousand webhooks a second that is a stall every second or two.
//!
//! Here a background task checkpoints every [`EVERY`], PASSIVE: it copies
//! what no reader still needs, without taking the write lock, so it neither
//! waits for writers nor makes them wait. Commits checkpoint on their own
//! only past [`BACKSTOP_PAGES`] (the WAL is then far behind, e.g. the task
//! is gone with the runtime that ran it), so the WAL stays bounded.

use std::time::Duration;

use sqlx::sqlite::SqlitePool;

/// How often the background task checkpoints.
pub(crate) const EVERY: Duration = Duration::from_millis(250);

/// `wal_autocheckpoint` for the pool's connections: far beyond what the
/// task lets the WAL reach (SQLite's default is 1,000 pages).
pub(crate) const BACKSTOP_PAGES: u32 = 16_000;

/// The checkpointing task; it stops when the last clone of its store is
/// dropped, or its pool is closed.
#[derive(Debug)]
pub(crate) struct Checkpointer(tokio::task::JoinHandle<()>);

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl Checkpointer {
    pub(crate) fn start(pool: SqlitePool) -> Self {
        Checkpointer(tokio::spawn(async move {
            let mut every = tokio::time::interval(EVERY);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                every.tick().await;
                if pool.is_closed() {
                    return;
                }
                if let Err(error) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                    .execute(&pool)
                    .await
                {
                    if pool.is_closed() {
                        return;
                    }
                    tracing::warn!(%error, "SQLite WAL checkpoint failed; trying again");
                }
            }
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{Db, Store};

    /// In WAL mode only a checkpoint writes the database file: its size
    /// says whether the commits' pages were copied into it.
    #[tokio::test]
    async fn commits_leave_the_wal_to_the_background_checkpoint() {
        let path = std::env::temp_dir().join(format!(
            "checkpoint-{}-{}.db",
            std::process::id(),
            crate::tokens::random_token(6)
        ));
        let store = Store::connect(&format!("sqlite://{}", path.display()))
            .await
            .expect("a new SQLite database");
        let Db::Sqlite(pool) = &store.db else {
            unreachable!("a SQLite URL")
        };
        let threshold: i64 = sqlx::query_scalar("PRAGMA wal_autocheckpoint")
            .fetch_one(pool)
            .await
            .unwrap();
        assert_eq!(
            threshold,
            i64::from(BACKSTOP_PAGES),
            "commits must not checkpoint"
        );

        // 8 MiB in 64 commits: 2,000 pages, twice SQLite's own threshold.
        sqlx::query("CREATE TABLE filler (bytes BLOB NOT NULL)")
            .execute(pool)
            .await
            .unwrap();
        for _ in 0..64 {
            sqlx::query("INSERT INTO filler (bytes) VALUES (zeroblob(131072))")
                .execute(pool)
                .await
                .unwrap();
        }
        let database_file = || std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while database_file() < 8 << 20 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(EVERY).await;
        }
        let copied = database_file();
        store.close().await;
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        assert!(
            copied >= 8 << 20,
            "the database file holds {copied} bytes: nothing checkpointed the WAL"
        );
    }
}
