//! Merchants and their users; passwords hashed with Argon2id.

use std::fmt;
use std::str::FromStr;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, Utc};
pub use notify_core::password::{Password, PasswordError};
use notify_core::{EmailAddress, MerchantName};
use thiserror::Error;

use crate::db::{Store, with_pool, with_writer};
use crate::error::{StoreError, StoreResult, is_unique_violation};
use crate::ids::{MerchantId, UserId};
use crate::quiet_hours::QuietHours;
use crate::time::{from_millis, to_millis};

/// An IANA time zone name such as `America/New_York`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeZone(chrono_tz::Tz);

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown time zone (use an IANA name such as America/New_York)")]
pub struct TimeZoneError;

impl TimeZone {
    pub fn parse(name: &str) -> Result<Self, TimeZoneError> {
        chrono_tz::Tz::from_str(name.trim())
            .map(TimeZone)
            .map_err(|_| TimeZoneError)
    }

    pub fn name(&self) -> &'static str {
        self.0.name()
    }

    pub fn tz(&self) -> chrono_tz::Tz {
        self.0
    }
}

/// Hashing a typed password (the rule it meets is `notify_core::Password`).
pub trait HashPassword {
    /// Argon2id with a random salt (CPU-heavy: call from a blocking task).
    fn hash(&self) -> StoreResult<PasswordDigest>;
}

impl HashPassword for Password {
    fn hash(&self) -> StoreResult<PasswordDigest> {
        let mut salt_bytes = [0u8; 16];
        getrandom::fill(&mut salt_bytes).map_err(|_| StoreError::PasswordHash)?;
        let salt = SaltString::encode_b64(&salt_bytes).map_err(|_| StoreError::PasswordHash)?;
        Argon2::default()
            .hash_password(self.expose().as_bytes(), &salt)
            .map(|h| PasswordDigest(h.to_string()))
            .map_err(|_| StoreError::PasswordHash)
    }
}

/// A stored password hash (PHC string).
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordDigest(String);

impl PasswordDigest {
    /// Constant-time check of a typed password (CPU-heavy: blocking task).
    pub fn verify(&self, typed: &str) -> bool {
        PasswordHash::new(&self.0)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(typed.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    }
}

impl fmt::Debug for PasswordDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordDigest([redacted])")
    }
}

/// A hash of a password nobody has, so a login for an unknown email costs
/// the same time as one for a known email.
pub fn decoy_digest() -> &'static PasswordDigest {
    static DECOY: std::sync::OnceLock<PasswordDigest> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| {
        Password::parse(&crate::tokens::random_token(24))
            .expect("a random token is a valid password")
            .hash()
            .expect("hashing a random password")
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Admin,
    Staff,
}

impl Role {
    fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Staff => "staff",
        }
    }

    fn parse(s: &str) -> StoreResult<Self> {
        match s {
            "admin" => Ok(Role::Admin),
            "staff" => Ok(Role::Staff),
            other => Err(StoreError::Corrupt(format!("role {other}"))),
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewMerchant {
    pub store_name: MerchantName,
    pub time_zone: TimeZone,
    /// Shown as the From name of emails.
    pub sender_name: MerchantName,
    /// Where customers' replies go.
    pub sender_email: EmailAddress,
}

#[derive(Debug, Clone)]
pub struct Merchant {
    pub id: MerchantId,
    pub store_name: MerchantName,
    pub time_zone: TimeZone,
    pub sender_name: MerchantName,
    pub sender_email: EmailAddress,
    pub created_at: DateTime<Utc>,
    /// When texts wait (in `time_zone`).
    pub quiet_hours: QuietHours,
}

#[derive(Debug, Clone)]
pub struct User {
    pub id: UserId,
    pub merchant_id: MerchantId,
    pub email: EmailAddress,
    pub password: PasswordDigest,
    pub role: Role,
}

/// Emails are unique case-insensitively.
fn email_key(email: &EmailAddress) -> String {
    email.as_str().to_lowercase()
}

type MerchantRow = (String, String, String, String, String, i64, bool, i64, i64);
type UserRow = (String, String, String, String, String);

fn merchant_from_row(row: MerchantRow) -> StoreResult<Merchant> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("merchant {}: {what}", row.0));
    Ok(Merchant {
        store_name: MerchantName::parse(&row.1).map_err(|_| corrupt("store name"))?,
        time_zone: TimeZone::parse(&row.2).map_err(|_| corrupt("time zone"))?,
        sender_name: MerchantName::parse(&row.3).map_err(|_| corrupt("sender name"))?,
        sender_email: EmailAddress::parse(&row.4).map_err(|_| corrupt("sender email"))?,
        created_at: from_millis(row.5)?,
        quiet_hours: QuietHours::new(row.6, row.7 as u16, row.8 as u16)
            .map_err(|_| corrupt("quiet hours"))?,
        id: MerchantId::from_string(row.0),
    })
}

fn user_from_row(row: UserRow) -> StoreResult<User> {
    Ok(User {
        email: EmailAddress::parse(&row.2)
            .map_err(|_| StoreError::Corrupt(format!("user {} email", row.0)))?,
        password: PasswordDigest(row.3),
        role: Role::parse(&row.4)?,
        id: UserId::from_string(row.0),
        merchant_id: MerchantId::from_string(row.1),
    })
}

impl Store {
    /// Creates a merchant and its first admin, in one transaction.
    pub async fn create_merchant(
        &self,
        merchant: &NewMerchant,
        admin_email: &EmailAddress,
        admin_password: PasswordDigest,
        now: DateTime<Utc>,
    ) -> StoreResult<(Merchant, User)> {
        let merchant_id = MerchantId::generate();
        let user_id = UserId::generate();
        // An inner async block, so `?` stops here and the unique violation
        // can be told apart below.
        let result: Result<(), sqlx::Error> = with_writer!(self, pool => async {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "INSERT INTO merchants (id, store_name, time_zone, sender_name, sender_email, settings_version, created_at)
                 VALUES ($1, $2, $3, $4, $5, 0, $6)",
            )
            .bind(merchant_id.as_str())
            .bind(merchant.store_name.as_str())
            .bind(merchant.time_zone.name())
            .bind(merchant.sender_name.as_str())
            .bind(merchant.sender_email.as_str())
            .bind(to_millis(now))
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO users (id, merchant_id, email, email_key, password_hash, role, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(user_id.as_str())
            .bind(merchant_id.as_str())
            .bind(admin_email.as_str())
            .bind(email_key(admin_email))
            .bind(&admin_password.0)
            .bind(Role::Admin.as_str())
            .bind(to_millis(now))
            .execute(&mut *tx)
            .await?;
            tx.commit().await
        }.await);
        match result {
            Err(e) if is_unique_violation(&e) => {
                return Err(StoreError::AlreadyExists("an account with this email"));
            }
            other => other?,
        }
        let m = Merchant {
            id: merchant_id.clone(),
            store_name: merchant.store_name.clone(),
            time_zone: merchant.time_zone,
            sender_name: merchant.sender_name.clone(),
            sender_email: merchant.sender_email.clone(),
            created_at: from_millis(to_millis(now))?,
            quiet_hours: QuietHours::default(),
        };
        let u = User {
            id: user_id,
            merchant_id,
            email: admin_email.clone(),
            password: admin_password,
            role: Role::Admin,
        };
        Ok((m, u))
    }

    /// Adds another user to a merchant (invitations build on this).
    pub async fn add_user(
        &self,
        merchant_id: &MerchantId,
        email: &EmailAddress,
        password: PasswordDigest,
        role: Role,
        now: DateTime<Utc>,
    ) -> StoreResult<User> {
        let id = UserId::generate();
        let result: Result<_, sqlx::Error> = with_writer!(self, pool => {
            sqlx::query(
                "INSERT INTO users (id, merchant_id, email, email_key, password_hash, role, created_at)
                 SELECT $1, id, $3, $4, $5, $6, $7 FROM merchants WHERE id = $2",
            )
            .bind(id.as_str())
            .bind(merchant_id.as_str())
            .bind(email.as_str())
            .bind(email_key(email))
            .bind(&password.0)
            .bind(role.as_str())
            .bind(to_millis(now))
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
        });
        match result {
            Err(e) if is_unique_violation(&e) => {
                Err(StoreError::AlreadyExists("an account with this email"))
            }
            Err(e) => Err(e.into()),
            Ok(0) => Err(StoreError::NotFound),
            Ok(_) => Ok(User {
                id,
                merchant_id: merchant_id.clone(),
                email: email.clone(),
                password,
                role,
            }),
        }
    }

    pub async fn merchant(&self, id: &MerchantId) -> StoreResult<Merchant> {
        let row: Option<MerchantRow> = with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, store_name, time_zone, sender_name, sender_email, created_at,
                        quiet_hours_enabled, quiet_start_minute, quiet_end_minute
                 FROM merchants WHERE id = $1",
            )
            .bind(id.as_str())
            .fetch_optional(pool)
            .await?
        });
        merchant_from_row(row.ok_or(StoreError::NotFound)?)
    }

    /// For login: the user with this email, whichever merchant it belongs to.
    pub async fn user_by_email(&self, email: &EmailAddress) -> StoreResult<Option<User>> {
        let row: Option<UserRow> = with_pool!(self, pool => {
            sqlx::query_as("SELECT id, merchant_id, email, password_hash, role FROM users WHERE email_key = $1")
                .bind(email_key(email))
                .fetch_optional(pool)
                .await?
        });
        row.map(user_from_row).transpose()
    }

    /// The users of one merchant.
    pub async fn users(&self, merchant_id: &MerchantId) -> StoreResult<Vec<User>> {
        let rows: Vec<UserRow> = with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, merchant_id, email, password_hash, role FROM users WHERE merchant_id = $1 ORDER BY created_at, id",
            )
            .bind(merchant_id.as_str())
            .fetch_all(pool)
            .await?
        });
        rows.into_iter().map(user_from_row).collect()
    }
}
