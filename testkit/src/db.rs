//! Throwaway databases: a SQLite file in a temporary folder, or a fresh
//! PostgreSQL database created on the test server (`TEST_POSTGRES_URL`,
//! default `postgres://postgres@127.0.0.1:5432/postgres`) and dropped
//! afterwards ([`ThrowawayDb::drop_now`], or when it is dropped, even in a
//! panicking test).

use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::Context;
use sqlx::Connection;
use sqlx::postgres::PgConnection;

/// `sqlite` or `postgres`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }
}

/// The PostgreSQL server's maintenance database (`TEST_POSTGRES_URL`).
pub fn postgres_admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

pub struct ThrowawayDb {
    /// What the application connects to.
    pub url: String,
    pub backend: Backend,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
    Done,
}

impl ThrowawayDb {
    pub async fn create(backend: Backend) -> anyhow::Result<ThrowawayDb> {
        match backend {
            Backend::Sqlite => Self::sqlite(),
            Backend::Postgres => Self::postgres().await,
        }
    }

    /// A database file in a new temporary folder (removed with it).
    pub fn sqlite() -> anyhow::Result<ThrowawayDb> {
        let dir = tempfile::tempdir()?;
        Ok(ThrowawayDb {
            url: format!("sqlite://{}", dir.path().join("test.db").display()),
            backend: Backend::Sqlite,
            cleanup: Cleanup::Sqlite(dir),
        })
    }

    /// A new database on the PostgreSQL test server.
    pub async fn postgres() -> anyhow::Result<ThrowawayDb> {
        static SEQUENCE: AtomicU64 = AtomicU64::new(0);
        let admin_url = postgres_admin_url();
        let name = format!(
            "cn_test_{}_{}_{}",
            std::process::id(),
            unix_micros(),
            SEQUENCE.fetch_add(1, Ordering::Relaxed)
        );
        let mut conn = PgConnection::connect(&admin_url)
            .await
            .with_context(|| format!("PostgreSQL for tests is not reachable at {admin_url}"))?;
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await
            .context("create the test database")?;
        let _ = conn.close().await;
        let mut url = url::Url::parse(&admin_url).context("TEST_POSTGRES_URL is a URL")?;
        url.set_path(&name);
        Ok(ThrowawayDb {
            url: url.to_string(),
            backend: Backend::Postgres,
            cleanup: Cleanup::Postgres { admin_url, name },
        })
    }

    /// Drops the PostgreSQL database now (the SQLite folder goes with `self`).
    pub async fn drop_now(mut self) {
        if let Cleanup::Postgres { admin_url, name } =
            std::mem::replace(&mut self.cleanup, Cleanup::Done)
        {
            drop_database(&admin_url, &name).await;
        }
    }
}

/// Microseconds since the Unix epoch (unique enough with the process id and
/// a sequence number).
fn unix_micros() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_micros())
        .unwrap_or_default()
}

async fn drop_database(admin_url: &str, name: &str) {
    if let Ok(mut conn) = PgConnection::connect(admin_url).await {
        let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
        )))
        .execute(&mut conn)
        .await;
        let _ = conn.close().await;
    }
}

impl Drop for ThrowawayDb {
    fn drop(&mut self) {
        if let Cleanup::Postgres { admin_url, name } =
            std::mem::replace(&mut self.cleanup, Cleanup::Done)
        {
            // Drop may run inside the test's runtime: use a thread of our own.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                rt.block_on(drop_database(&admin_url, &name));
            })
            .join();
        }
    }
}
