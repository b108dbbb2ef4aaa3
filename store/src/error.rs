use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("invalid database URL: {0}")]
    Url(String),
    #[error("{0} already exists")]
    AlreadyExists(&'static str),
    #[error("not found")]
    NotFound,
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    #[error("password hashing failed")]
    PasswordHash,
    #[error(transparent)]
    WrongSecretsKey(#[from] crate::sealed::WrongKey),
}

pub type StoreResult<T> = Result<T, StoreError>;

impl StoreError {
    /// A transaction the database aborted because of another one (a
    /// PostgreSQL serialization failure or deadlock, SQLite busy or
    /// locked): trying the same work again shortly may succeed. Anything
    /// else (the database down, bad SQL) will not get better by retrying.
    pub fn is_conflict(&self) -> bool {
        let StoreError::Database(sqlx::Error::Database(e)) = self else {
            return false;
        };
        match e.code().as_deref() {
            Some("40001" | "40P01") => true,
            // SQLite reports (extended) result codes; the primary code is the low byte.
            Some(code) => code.parse::<i32>().is_ok_and(|c| matches!(c & 0xff, 5 | 6)),
            None => false,
        }
    }
}

/// Whether a database error is a unique-constraint violation.
pub(crate) fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;

    #[derive(Debug)]
    struct Coded(&'static str);

    impl std::fmt::Display for Coded {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "error {}", self.0)
        }
    }

    impl std::error::Error for Coded {}

    impl sqlx::error::DatabaseError for Coded {
        fn message(&self) -> &str {
            self.0
        }
        fn code(&self) -> Option<Cow<'_, str>> {
            Some(Cow::Borrowed(self.0))
        }
        fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
            self
        }
        fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
            self
        }
        fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
            self
        }
        fn kind(&self) -> sqlx::error::ErrorKind {
            sqlx::error::ErrorKind::Other
        }
    }

    fn coded(code: &'static str) -> StoreError {
        StoreError::Database(sqlx::Error::Database(Box::new(Coded(code))))
    }

    #[test]
    fn only_conflicts_between_transactions_are_worth_retrying() {
        // PostgreSQL serialization failure and deadlock; SQLite busy (5,
        // 517 = busy snapshot) and locked (6).
        for code in ["40001", "40P01", "5", "517", "6"] {
            assert!(coded(code).is_conflict(), "{code}");
        }
        // Unique violation, syntax error, SQLite constraint (19): no.
        for code in ["23505", "42601", "19", "2067"] {
            assert!(!coded(code).is_conflict(), "{code}");
        }
        assert!(!StoreError::Database(sqlx::Error::PoolTimedOut).is_conflict());
        assert!(!StoreError::NotFound.is_conflict());
    }
}
