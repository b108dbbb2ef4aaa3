//! Signing up and logging in: the account rules shared by the JSON API and
//! the page's server functions.

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};
use notify_core::{EmailAddress, FieldError, MerchantName};
use thiserror::Error;

use crate::accounts::{Merchant, NewMerchant, Password, TimeZone, User, decoy_digest};
use crate::db::Store;
use crate::error::StoreError;
use crate::login_throttle::Limit;
use crate::password_work;
use crate::sessions::SessionToken;

/// How long a session lasts, and how many failed logins are allowed.
#[derive(Debug, Clone, Copy)]
pub struct AuthPolicy {
    pub session_ttl: Duration,
    pub window: Duration,
    /// Failed logins to one account from one client address.
    pub max_failures_per_account: i64,
    /// Failed logins from one client address, whatever the account.
    pub max_failures_per_ip: i64,
    /// Sign-ups accepted from one client IP in `window`.
    pub max_sign_ups_per_ip: i64,
}

pub const DEFAULT_SIGN_UPS_PER_IP: i64 = 20;

impl Default for AuthPolicy {
    fn default() -> Self {
        AuthPolicy {
            session_ttl: Duration::days(14),
            window: Duration::minutes(15),
            max_failures_per_account: 5,
            max_failures_per_ip: 30,
            max_sign_ups_per_ip: DEFAULT_SIGN_UPS_PER_IP,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct SignUpForm {
    pub store_name: String,
    pub email: String,
    pub password: String,
    pub time_zone: String,
    pub sender_name: Option<String>,
    pub sender_email: Option<String>,
}

#[derive(Debug, Error)]
pub enum SignUpError {
    #[error("invalid sign-up")]
    Invalid(Vec<FieldError>),
    #[error("too many sign-ups from this address; try again later")]
    TooManyAttempts,
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Debug, Error)]
pub enum LoginError {
    /// Wrong email or password: deliberately the same for both.
    #[error("wrong email or password")]
    InvalidCredentials,
    #[error("too many failed attempts; try again in a few minutes")]
    TooManyAttempts,
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn already_exists() -> SignUpError {
    SignUpError::Invalid(vec![field(
        "email",
        "an account with this email already exists",
    )])
}

fn field(field: &str, message: impl ToString) -> FieldError {
    FieldError {
        field: field.to_owned(),
        message: message.to_string(),
    }
}

impl Store {
    /// Creates the merchant and its first admin, and logs the admin in.
    /// Limited per client IP (`ip`), counted once the form is valid; an
    /// email that already has an account is refused before any hashing.
    pub async fn sign_up(
        &self,
        form: &SignUpForm,
        ip: Option<IpAddr>,
        policy: &AuthPolicy,
        now: DateTime<Utc>,
    ) -> Result<(Merchant, User, SessionToken), SignUpError> {
        let mut errors = Vec::new();
        let store_name = MerchantName::parse(&form.store_name)
            .map_err(|e| errors.push(field("store_name", e)))
            .ok();
        let email = EmailAddress::parse(&form.email)
            .map_err(|e| errors.push(field("email", e)))
            .ok();
        let password = Password::parse(&form.password)
            .map_err(|e| errors.push(field("password", e)))
            .ok();
        let time_zone = TimeZone::parse(&form.time_zone)
            .map_err(|e| errors.push(field("time_zone", e)))
            .ok();
        let sender_name = match &form.sender_name {
            Some(name) => MerchantName::parse(name)
                .map_err(|e| errors.push(field("sender_name", e)))
                .ok(),
            None => store_name.clone(),
        };
        let sender_email = match &form.sender_email {
            Some(address) => EmailAddress::parse(address)
                .map_err(|e| errors.push(field("sender_email", e)))
                .ok(),
            None => email.clone(),
        };
        let (
            Some(store_name),
            Some(email),
            Some(password),
            Some(time_zone),
            Some(sender_name),
            Some(sender_email),
        ) = (
            store_name,
            email,
            password,
            time_zone,
            sender_name,
            sender_email,
        )
        else {
            return Err(SignUpError::Invalid(errors));
        };
        if let Some(ip) = ip {
            let limit = Limit {
                key: format!("sign-up:{ip}"),
                max: policy.max_sign_ups_per_ip,
            };
            if self
                .count_attempt(&[limit], now - policy.window, now)
                .await?
                .is_none()
            {
                return Err(SignUpError::TooManyAttempts);
            }
        }
        if self.user_by_email(&email).await?.is_some() {
            return Err(already_exists());
        }
        let digest = password_work::run(move || password.hash()).await??;
        let new = NewMerchant {
            store_name,
            time_zone,
            sender_name,
            sender_email,
        };
        let (merchant, user) = match self.create_merchant(&new, &email, digest, now).await {
            // Signed up by someone else since the check above.
            Err(StoreError::AlreadyExists(_)) => return Err(already_exists()),
            other => other?,
        };
        let token = self.create_session(&user, now, policy.session_ttl).await?;
        Ok((merchant, user, token))
    }

    /// Checks the password (in constant time whether or not the account
    /// exists), applies the attempt limits, and starts a fresh session.
    pub async fn log_in(
        &self,
        email: &str,
        password: &str,
        ip: Option<IpAddr>,
        policy: &AuthPolicy,
        now: DateTime<Utc>,
    ) -> Result<(User, SessionToken), LoginError> {
        // Per account *and* client: a stranger's failures do not lock the
        // merchant out; the per-client limit stops one client trying many
        // accounts.
        let account = format!("account:{}", email.trim().to_lowercase());
        let account_key = match ip {
            Some(ip) => format!("{account}|ip:{ip}"),
            None => account,
        };
        let mut limits = vec![Limit {
            key: account_key.clone(),
            max: policy.max_failures_per_account,
        }];
        if let Some(ip) = ip {
            limits.push(Limit {
                key: format!("ip:{ip}"),
                max: policy.max_failures_per_ip,
            });
        }
        // Counted as a failure before the password is checked, so attempts
        // that arrive together cannot all pass the limit; taken back below
        // if the password was right.
        let Some(attempt) = self
            .count_attempt(&limits, now - policy.window, now)
            .await?
        else {
            return Err(LoginError::TooManyAttempts);
        };
        let user = match EmailAddress::parse(email) {
            Ok(address) => self.user_by_email(&address).await?,
            Err(_) => None,
        };
        let digest = user.as_ref().map(|u| u.password.clone());
        let typed = password.to_owned();
        let ok = password_work::run(move || {
            digest
                .as_ref()
                .unwrap_or_else(|| decoy_digest())
                .verify(&typed)
        })
        .await?;
        match user {
            Some(user) if ok => {
                self.uncount_attempt(&attempt).await?;
                self.clear_login_failures(&account_key, now - policy.window)
                    .await?;
                let token = self.create_session(&user, now, policy.session_ttl).await?;
                Ok((user, token))
            }
            _ => Err(LoginError::InvalidCredentials),
        }
    }
}
