//! Browser sessions: the cookie holds a random token, the database its hash.

use std::fmt;

use chrono::{DateTime, Duration, Utc};

use crate::accounts::User;
use crate::db::{Store, with_pool, with_writer};
use crate::error::StoreResult;
use crate::ids::{MerchantId, UserId};
use crate::principal::{AuthMethod, Principal};
use crate::time::to_millis;
use crate::tokens::{random_token, token_hash};

/// The secret value of a session cookie.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionToken(String);

impl SessionToken {
    pub fn from_cookie(value: &str) -> Self {
        SessionToken(value.to_owned())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionToken([redacted])")
    }
}

impl Store {
    /// Starts a new session for `user`.
    pub async fn create_session(
        &self,
        user: &User,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> StoreResult<SessionToken> {
        let token = SessionToken(random_token(32));
        with_writer!(self, pool => {
            sqlx::query(
                "INSERT INTO sessions (token_hash, user_id, merchant_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(token_hash(token.expose()))
            .bind(user.id.as_str())
            .bind(user.merchant_id.as_str())
            .bind(to_millis(now))
            .bind(to_millis(now + ttl))
            .execute(pool)
            .await?;
        });
        Ok(token)
    }

    /// Who holds this (unexpired) session token.
    pub async fn session_principal(
        &self,
        token: &SessionToken,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Principal>> {
        let row: Option<(String, String, String)> = with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT s.merchant_id, s.user_id, u.email FROM sessions s JOIN users u ON u.id = s.user_id
                 WHERE s.token_hash = $1 AND s.expires_at > $2",
            )
            .bind(token_hash(token.expose()))
            .bind(to_millis(now))
            .fetch_optional(pool)
            .await?
        });
        Ok(row.map(|(merchant_id, user_id, email)| Principal {
            merchant_id: MerchantId::from_string(merchant_id),
            user_id: Some(UserId::from_string(user_id)),
            actor: email,
            method: AuthMethod::Session,
        }))
    }

    pub async fn delete_session(&self, token: &SessionToken) -> StoreResult<()> {
        with_writer!(self, pool => {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                .bind(token_hash(token.expose()))
                .execute(pool)
                .await?;
        });
        Ok(())
    }
}

impl Store {
    /// Removes sessions that expired at or before `now`; returns how many.
    /// Run periodically: an expired session already grants nothing, this
    /// only keeps the table small.
    pub async fn purge_expired_sessions(&self, now: DateTime<Utc>) -> StoreResult<u64> {
        Ok(with_writer!(self, pool => {
            sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
                .bind(to_millis(now))
                .execute(pool)
                .await?
                .rows_affected()
        }))
    }
}
