//! Throwaway databases for integration tests (`notify_testkit::db`): a
//! SQLite file in a temporary folder, or a fresh PostgreSQL database on the
//! test server (`TEST_POSTGRES_URL`), dropped afterwards, even when the test
//! panics; opened as a [`Store`].

use notify_testkit::db::{self, ThrowawayDb};

use crate::db::{Backend, Store};

pub use notify_testkit::db::postgres_admin_url;

pub struct TestDb {
    pub url: String,
    pub backend: Backend,
    _db: ThrowawayDb,
}

impl TestDb {
    pub async fn new(backend: Backend) -> TestDb {
        let db = match backend {
            Backend::Sqlite => ThrowawayDb::create(db::Backend::Sqlite).await,
            Backend::Postgres => ThrowawayDb::create(db::Backend::Postgres).await,
        }
        .unwrap_or_else(|e| panic!("a throwaway database: {e:#}"));
        TestDb {
            url: db.url.clone(),
            backend,
            _db: db,
        }
    }

    pub async fn postgres() -> TestDb {
        Self::new(Backend::Postgres).await
    }

    /// The number a `SELECT COUNT(*) ...` of this database gives (for tests
    /// that check what is stored, not what is shown).
    pub async fn count(&self, sql: impl Into<String>) -> i64 {
        let store = self.store().await;
        let sql = sql.into();
        let count = crate::db::with_pool!(store, pool => {
            sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql)).fetch_one(pool).await
        });
        store.close().await;
        count.expect("a COUNT query")
    }

    /// The database with only the migrations up to `version` applied,
    /// for a test of a later migration over rows written before it.
    pub async fn store_migrated_to(&self, version: i64) -> Store {
        let store = Store::connect_unmigrated(&self.url)
            .await
            .expect("connect to the test database");
        store
            .migrate_to(version)
            .await
            .expect("migrate the test database");
        store
    }

    /// Runs one statement of raw SQL (rows written as an older schema
    /// had them); the number of rows it changed, or the database's refusal.
    pub async fn execute(&self, store: &Store, sql: String) -> Result<u64, sqlx::Error> {
        crate::db::with_pool!(store, pool => {
            sqlx::query(sqlx::AssertSqlSafe(sql)).execute(pool).await.map(|r| r.rows_affected())
        })
    }

    /// Holds back every new webhook's insert until [`HeldWrites::release`],
    /// from a connection of its own, as a long transaction elsewhere
    /// would: SQLite's write lock (`BEGIN IMMEDIATE`; the product waits in
    /// its busy handler), or on PostgreSQL a `SHARE` lock on
    /// `inbound_events` (reads go on).
    pub async fn hold_webhook_inserts(&self) -> HeldWrites {
        use sqlx::Connection;
        match self.backend {
            Backend::Sqlite => {
                let mut conn = sqlx::SqliteConnection::connect(&self.url)
                    .await
                    .expect("a second SQLite connection");
                sqlx::raw_sql("BEGIN IMMEDIATE")
                    .execute(&mut conn)
                    .await
                    .expect("SQLite's write lock");
                HeldWrites::Sqlite(conn)
            }
            Backend::Postgres => {
                let mut conn = sqlx::PgConnection::connect(&self.url)
                    .await
                    .expect("a second PostgreSQL connection");
                sqlx::raw_sql("BEGIN; LOCK TABLE inbound_events IN SHARE MODE")
                    .execute(&mut conn)
                    .await
                    .expect("a SHARE lock on inbound_events");
                HeldWrites::Postgres(conn)
            }
        }
    }

    pub async fn store(&self) -> Store {
        Store::connect(&self.url)
            .await
            .expect("connect and migrate the test database")
    }
}

/// Declares each listed async test function once per backend:
/// `fn_name(db: &TestDb)` becomes `sqlite::fn_name` and `postgres::fn_name`.
#[macro_export]
macro_rules! tests_on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let db = $crate::testing::TestDb::new($crate::Backend::Sqlite).await;
                    super::$name(&db).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let db = $crate::testing::TestDb::new($crate::Backend::Postgres).await;
                    super::$name(&db).await;
                }
            )*
        }
    };
}

/// A transaction holding back writes; see [`TestDb::hold_webhook_inserts`].
pub enum HeldWrites {
    Sqlite(sqlx::SqliteConnection),
    Postgres(sqlx::PgConnection),
}

impl HeldWrites {
    pub async fn release(self) {
        let rolled_back = match self {
            HeldWrites::Sqlite(mut conn) => {
                sqlx::raw_sql("ROLLBACK").execute(&mut conn).await.map(drop)
            }
            HeldWrites::Postgres(mut conn) => {
                sqlx::raw_sql("ROLLBACK").execute(&mut conn).await.map(drop)
            }
        };
        rolled_back.expect("ROLLBACK");
    }
}
