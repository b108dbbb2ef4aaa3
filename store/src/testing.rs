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
    pub async fn count(&self, sql: &'static str) -> i64 {
        let store = self.store().await;
        let count = crate::db::with_pool!(store, pool => {
            sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await
        });
        store.close().await;
        count.expect("a COUNT query")
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
