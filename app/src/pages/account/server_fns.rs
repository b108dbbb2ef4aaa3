//! Sign-up, login and logout for the pages. They follow the same account
//! rules as the JSON API (`notify_service::accounts`) and set the same cookie.
//! Plain form posts, so they work before (or without) the WASM.

use leptos::prelude::*;
use notify_core::FieldError;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::components::form_answer::FormAnswer;
#[cfg(feature = "ssr")]
use crate::routes::{LOG_IN, SIGN_UP};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccountResult {
    /// Signed in; the browser is on its way to the next page.
    SignedIn,
    /// What to fix, field by field.
    Invalid { fields: Vec<FieldError> },
    /// Refused as a whole (wrong email or password, too many attempts).
    Refused { message: String },
}

#[cfg(feature = "ssr")]
mod session {
    use axum::http::HeaderValue;
    use notify_store::sessions::SessionToken;

    use crate::components::form_answer::{self, FormAnswer};
    use crate::server_context::{ServerContext, set_cookie};
    use crate::session_cookie;

    pub fn start(context: &ServerContext, token: &SessionToken) {
        set_cookie(session_cookie::session_cookie(
            token,
            context.auth_policy.session_ttl,
            context.secure_cookies(),
        ));
    }

    pub fn end(context: &ServerContext) {
        set_cookie(session_cookie::clear_session_cookie(
            context.secure_cookies(),
        ));
    }

    /// Sends the browser on to `path`; a path that cannot be a `Location`
    /// header leads to the settings instead of a panic.
    pub fn redirect(path: &str) {
        let path = if HeaderValue::from_str(path).is_ok() {
            path
        } else {
            crate::routes::HOME
        };
        leptos_axum::redirect(path);
    }

    /// Sends the browser back to the form's `page` (at `to`, with its
    /// query), which then shows `answer`.
    pub fn refuse(context: &ServerContext, page: &'static str, to: &str, answer: &FormAnswer) {
        form_answer::keep(page, answer, context.secure_cookies());
        redirect(to);
    }

    /// The session this browser had before, if any.
    pub async fn current() -> Option<SessionToken> {
        let headers = leptos_axum::extract::<axum::http::HeaderMap>().await.ok()?;
        session_cookie::session_token(&headers)
    }
}

#[server(prefix = "/api", endpoint = "account/sign-up")]
pub async fn sign_up(
    store_name: String,
    email: String,
    password: String,
    time_zone: String,
) -> Result<AccountResult, ServerFnError> {
    use notify_service::accounts::{SignUpError, SignUpForm};
    let context = crate::server_context::context()?;
    let form = SignUpForm {
        store_name,
        email,
        password,
        time_zone,
        sender_name: None,
        sender_email: None,
    };
    // A refusal returns to the form with what was typed, but the password.
    let back = |answer: FormAnswer| {
        let answer = answer
            .typed("store_name", &form.store_name)
            .typed("email", &form.email)
            .typed("time_zone", &form.time_zone);
        session::refuse(&context, SIGN_UP, SIGN_UP, &answer);
    };
    match notify_service::accounts::sign_up(
        &context.store,
        &form,
        crate::server_context::client_ip().await,
        &context.auth_policy,
        chrono::Utc::now(),
    )
    .await
    {
        Ok((merchant, _, token)) => {
            leptos::logging::log!("merchant {} signed up", merchant.id);
            session::start(&context, &token);
            leptos_axum::redirect(crate::routes::HOME);
            Ok(AccountResult::SignedIn)
        }
        Err(SignUpError::Invalid(fields)) => {
            back(FormAnswer::invalid(fields.clone()));
            Ok(AccountResult::Invalid { fields })
        }
        Err(refused @ SignUpError::TooManyAttempts) => {
            back(FormAnswer::refused(&refused));
            Ok(AccountResult::Refused {
                message: refused.to_string(),
            })
        }
        Err(SignUpError::Store(e)) => Err(crate::server_context::internal(e)),
    }
}

#[server(prefix = "/api", endpoint = "account/log-in")]
pub async fn log_in(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<AccountResult, ServerFnError> {
    use notify_service::accounts::LoginError;
    let context = crate::server_context::context()?;
    let peer = crate::server_context::client_ip().await;
    match notify_service::accounts::log_in(
        &context.store,
        &email,
        &password,
        peer,
        &context.auth_policy,
        chrono::Utc::now(),
    )
    .await
    {
        Ok((_, token)) => {
            // Rotate: the session this browser had before ends now.
            if let Some(old) = session::current().await {
                context
                    .store
                    .delete_session(&old)
                    .await
                    .map_err(crate::server_context::internal)?;
            }
            session::start(&context, &token);
            session::redirect(crate::routes::safe_next(next.as_deref()));
            Ok(AccountResult::SignedIn)
        }
        Err(LoginError::Store(e)) => Err(crate::server_context::internal(e)),
        Err(refused) => {
            // Back to the form, still on its way to `next`.
            let to = next
                .as_deref()
                .map_or_else(|| LOG_IN.to_owned(), crate::routes::log_in_then);
            let answer = FormAnswer::refused(&refused).typed("email", &email);
            session::refuse(&context, LOG_IN, &to, &answer);
            Ok(AccountResult::Refused {
                message: refused.to_string(),
            })
        }
    }
}

#[server(prefix = "/api", endpoint = "account/log-out")]
pub async fn log_out() -> Result<(), ServerFnError> {
    let context = crate::server_context::context()?;
    if let Some(token) = session::current().await {
        context
            .store
            .delete_session(&token)
            .await
            .map_err(crate::server_context::internal)?;
    }
    session::end(&context);
    leptos_axum::redirect(crate::routes::LOG_IN);
    Ok(())
}
