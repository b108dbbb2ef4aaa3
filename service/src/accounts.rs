//! Signing up and logging in: the account rules shared by the JSON API and
//! the pages' server functions (validation, per-client limits, constant-time
//! password checks, a fresh session).

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use notify_core::{EmailAddress, FieldError, MerchantName};
use notify_store::accounts::{
    HashPassword, Merchant, NewMerchant, Password, TimeZone, User, decoy_digest,
};
use notify_store::auth::AuthPolicy;
use notify_store::login_throttle::Limit;
use notify_store::sessions::SessionToken;
use notify_store::{Store, StoreError, password_work};
use thiserror::Error;

use crate::error::field;

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

/// A sign-up form that passed validation.
#[derive(Debug)]
pub struct ValidSignUp {
    pub merchant: NewMerchant,
    pub email: EmailAddress,
    pub password: Password,
}

/// Checks every field of a sign-up form (all problems at once). The sender
/// name and email default to the store name and the admin's email.
pub fn validate_sign_up(form: &SignUpForm) -> Result<ValidSignUp, Vec<FieldError>> {
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
        return Err(errors);
    };
    Ok(ValidSignUp {
        merchant: NewMerchant {
            store_name,
            time_zone,
            sender_name,
            sender_email,
        },
        email,
        password,
    })
}

/// Creates the merchant and its first admin, and logs the admin in.
/// Limited per client IP (`ip`), counted once the form is valid; an
/// email that already has an account is refused before any hashing.
pub async fn sign_up(
    store: &Store,
    form: &SignUpForm,
    ip: Option<IpAddr>,
    policy: &AuthPolicy,
    now: DateTime<Utc>,
) -> Result<(Merchant, User, SessionToken), SignUpError> {
    let ValidSignUp {
        merchant: new,
        email,
        password,
    } = validate_sign_up(form).map_err(SignUpError::Invalid)?;
    if let Some(ip) = ip {
        let limit = Limit {
            key: format!("sign-up:{ip}"),
            max: policy.max_sign_ups_per_ip,
        };
        if store
            .count_attempt(&[limit], now - policy.window, now)
            .await?
            .is_none()
        {
            return Err(SignUpError::TooManyAttempts);
        }
    }
    if store.user_by_email(&email).await?.is_some() {
        return Err(already_exists());
    }
    let digest = password_work::run(move || password.hash()).await??;
    let (merchant, user) = match store.create_merchant(&new, &email, digest, now).await {
        // Signed up by someone else since the check above.
        Err(StoreError::AlreadyExists(_)) => return Err(already_exists()),
        other => other?,
    };
    let token = store.create_session(&user, now, policy.session_ttl).await?;
    Ok((merchant, user, token))
}

/// Checks the password (in constant time whether or not the account
/// exists), applies the attempt limits, and starts a fresh session.
pub async fn log_in(
    store: &Store,
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
    let Some(attempt) = store
        .count_attempt(&limits, now - policy.window, now)
        .await?
    else {
        return Err(LoginError::TooManyAttempts);
    };
    let user = match EmailAddress::parse(email) {
        Ok(address) => store.user_by_email(&address).await?,
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
            store.uncount_attempt(&attempt).await?;
            store
                .clear_login_failures(&account_key, now - policy.window)
                .await?;
            let token = store.create_session(&user, now, policy.session_ttl).await?;
            Ok((user, token))
        }
        _ => Err(LoginError::InvalidCredentials),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> SignUpForm {
        SignUpForm {
            store_name: "Maple Goods".to_owned(),
            email: "owner@maple.example".to_owned(),
            password: "correct horse battery".to_owned(),
            time_zone: "America/New_York".to_owned(),
            sender_name: None,
            sender_email: None,
        }
    }

    #[test]
    fn a_valid_form_defaults_the_sender_to_the_store_and_the_admin() {
        let valid = validate_sign_up(&form()).unwrap();
        assert_eq!(valid.merchant.sender_name.as_str(), "Maple Goods");
        assert_eq!(valid.merchant.sender_email.as_str(), "owner@maple.example");
        assert_eq!(valid.merchant.time_zone.name(), "America/New_York");
    }

    #[test]
    fn every_invalid_field_is_named() {
        let bad = SignUpForm {
            store_name: String::new(),
            email: "not an email".to_owned(),
            password: "short".to_owned(),
            time_zone: "Mars/Olympus".to_owned(),
            sender_name: None,
            sender_email: Some("nope".to_owned()),
        };
        let fields: Vec<String> = validate_sign_up(&bad)
            .unwrap_err()
            .into_iter()
            .map(|f| f.field)
            .collect();
        assert_eq!(
            fields,
            [
                "store_name",
                "email",
                "password",
                "time_zone",
                "sender_email"
            ]
        );
    }
}
