//! The connection pool, chosen at run time by the URL, and migrations.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::error::{StoreError, StoreResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub(crate) enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs the same query code on whichever pool the store has. The body is
/// compiled once per backend, so both get native types; SQL is written once
/// with `$n` placeholders, which both SQLite and PostgreSQL accept.
macro_rules! with_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.db {
            $crate::db::Db::Sqlite($pool) => $body,
            $crate::db::Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use with_pool;

/// `with_pool!` for a statement or transaction that writes: on SQLite it
/// runs in its turn (`write_gate`), a receipt of webhooks before the rest.
macro_rules! with_writer {
    ($store:expr, $pool:ident => $body:expr) => {
        $crate::db::with_writer!($store, $crate::write_gate::Writer::Other, $pool => $body)
    };
    ($store:expr, $writer:expr, $pool:ident => $body:expr) => {
        match &$store.db {
            $crate::db::Db::Sqlite($pool) => {
                let _turn = $store.sqlite_writes.turn($writer).await;
                $body
            }
            $crate::db::Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use with_writer;

#[derive(Clone)]
pub struct Store {
    pub(crate) db: Db,
    /// Seals integration settings at rest; `None`: stored as they are.
    pub(crate) keys: Option<crate::sealed::SecretsKeys>,
    /// Integrations read for webhooks, shared by this store's clones.
    pub(crate) integration_cache: std::sync::Arc<crate::integration_cache::IntegrationCache>,
    /// SQLite's writers take turns here (unused on PostgreSQL).
    pub(crate) sqlite_writes: std::sync::Arc<crate::write_gate::WriteGate>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Store({:?})", self.backend())
    }
}

impl Store {
    /// Connects (creating a SQLite file and its folder if needed) and
    /// applies pending migrations.
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let store = Self::connect_unmigrated(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Connects without migrating.
    pub(crate) async fn connect_unmigrated(url: &str) -> StoreResult<Self> {
        let store = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options =
                PgConnectOptions::from_str(url).map_err(|e| StoreError::Url(e.to_string()))?;
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await?;
            Store {
                db: Db::Postgres(pool),
                keys: None,
                integration_cache: Default::default(),
                sqlite_writes: Default::default(),
            }
        } else if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)
                .map_err(|e| StoreError::Url(e.to_string()))?
                .create_if_missing(true)
                .foreign_keys(true)
                // WAL lets readers run beside the writer; FULL makes every
                // commit durable before we answer (a 200 means we have it).
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .busy_timeout(Duration::from_secs(10));
            if let Some(parent) = options.get_filename().parent()
                && !parent.as_os_str().is_empty()
            {
                std::fs::create_dir_all(parent)
                    .map_err(|e| StoreError::Url(format!("{}: {e}", parent.display())))?;
            }
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await?;
            Store {
                db: Db::Sqlite(pool),
                keys: None,
                integration_cache: Default::default(),
                sqlite_writes: Default::default(),
            }
        } else {
            return Err(StoreError::Url(
                "DATABASE_URL must start with sqlite:, postgres:// or postgresql://".to_owned(),
            ));
        };
        Ok(store)
    }

    /// Integration settings are sealed with `keys` from now on (and opened
    /// with them).
    pub fn with_secrets_keys(mut self, keys: crate::sealed::SecretsKeys) -> Self {
        self.keys = Some(keys);
        self.integration_cache.clear();
        self
    }

    pub fn backend(&self) -> Backend {
        match self.db {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    async fn migrate(&self) -> StoreResult<()> {
        self.migrate_to(i64::MAX).await
    }

    /// Applies the migrations up to `version` (all: `i64::MAX`).
    pub(crate) async fn migrate_to(&self, version: i64) -> StoreResult<()> {
        match &self.db {
            Db::Sqlite(pool) => {
                sqlx::migrate!("./migrations/sqlite")
                    .run_to(version, pool)
                    .await?
            }
            Db::Postgres(pool) => {
                sqlx::migrate!("./migrations/postgres")
                    .run_to(version, pool)
                    .await?
            }
        }
        Ok(())
    }

    /// Whether the database answers (for readiness checks).
    pub async fn ping(&self) -> StoreResult<()> {
        with_pool!(self, pool => {
            sqlx::query("SELECT 1").execute(pool).await?;
        });
        Ok(())
    }

    pub async fn close(&self) {
        with_pool!(self, pool => pool.close().await)
    }
}

/// How SQLite would run `sql` (its parameters unbound), on a new database
/// with every migration: the `detail` of each line of `EXPLAIN QUERY PLAN`.
#[cfg(test)]
pub(crate) async fn sqlite_query_plan(sql: &str) -> Vec<String> {
    use sqlx::Row;
    let path = std::env::temp_dir().join(format!(
        "plan-{}-{}.db",
        std::process::id(),
        crate::tokens::random_token(6)
    ));
    let store = Store::connect(&format!("sqlite://{}", path.display()))
        .await
        .expect("a new SQLite database");
    let Db::Sqlite(pool) = &store.db else {
        unreachable!("a SQLite URL")
    };
    let plan = sqlx::raw_sql(sqlx::AssertSqlSafe(format!("EXPLAIN QUERY PLAN {sql}")))
        .fetch_all(pool)
        .await
        .expect("a plan")
        .iter()
        .map(|row| row.get::<String, _>(3))
        .collect();
    store.close().await;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    plan
}
