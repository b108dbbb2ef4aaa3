//! What a form post's answer shows when the browser comes back to the
//! form's page: the errors at their fields, a message for the whole form,
//! what was typed (never a password or a secret the merchant typed), and,
//! for a form that saved, a notice and the secret shown only once.
//!
//! These forms are plain posts (their pages carry no WASM for them). The
//! answer is a redirect back to the form's page with this answer in a
//! cookie scoped to that page, which the page reads once and clears (the
//! classic "flash"). The answer never travels in the address, so a crafted
//! link cannot make a page say anything. The cookie is a session cookie
//! (no expiry: browsers keep it in memory, not on disk), `HttpOnly`,
//! `SameSite=Lax`, `Secure` over https.

use notify_core::FieldError;
use serde::{Deserialize, Serialize};

use crate::components::field::{capitalise, error_for};

/// The cookie's name; its `Path` is the form's page.
pub const COOKIE: &str = "cn_form";

/// A typed value longer than this is not kept (a cookie holds ~4 KB).
const MOST_KEPT_CHARS: usize = 254;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormAnswer {
    /// Which of the page's forms answered (a page with one form: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<String>,
    /// What to fix, field by field.
    pub fields: Vec<FieldError>,
    /// A refusal of the whole form ("wrong email or password").
    pub message: Option<String>,
    /// What was typed, by field name (the password is never kept).
    pub values: Vec<(String, String)>,
    /// Saved: what the page says so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
    /// A secret the server generated, shown this once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shown_once: Option<String>,
}

impl FormAnswer {
    pub fn invalid(fields: Vec<FieldError>) -> Self {
        FormAnswer {
            fields,
            ..FormAnswer::default()
        }
    }

    pub fn refused(message: impl std::fmt::Display) -> Self {
        FormAnswer {
            message: Some(message.to_string()),
            ..FormAnswer::default()
        }
    }

    pub fn saved(notice: impl Into<String>, shown_once: Option<String>) -> Self {
        FormAnswer {
            notice: Some(notice.into()),
            shown_once,
            ..FormAnswer::default()
        }
    }

    /// The answer of the page's form `form`.
    pub fn of_form(mut self, form: &str) -> Self {
        self.form = Some(form.to_owned());
        self
    }

    /// This answer if it is `form`'s.
    pub fn for_form(&self, form: &str) -> Option<&FormAnswer> {
        (self.form.as_deref() == Some(form)).then_some(self)
    }

    /// Keeps what was typed into `name`, unless it is too long to keep.
    pub fn typed(mut self, name: &str, value: &str) -> Self {
        if value.chars().count() <= MOST_KEPT_CHARS {
            self.values.push((name.to_owned(), value.to_owned()));
        }
        self
    }

    /// The error at field `name`, capitalised for the page.
    pub fn error(&self, name: &str) -> Option<String> {
        error_for(&self.fields, name)
    }

    pub fn message(&self) -> Option<String> {
        self.message.as_deref().map(capitalise)
    }

    pub fn value(&self, name: &str) -> Option<String> {
        self.values
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }
}

#[cfg(feature = "ssr")]
mod cookie_value {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    use super::FormAnswer;

    pub fn encode(answer: &FormAnswer) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(answer).unwrap_or_default())
    }

    /// `None` for anything this server did not write (or a stale shape).
    pub fn decode(value: &str) -> Option<FormAnswer> {
        let bytes = URL_SAFE_NO_PAD.decode(value).ok()?;
        serde_json::from_slice(&bytes).ok()
    }
}

/// Server side: keeps `answer` for the next visit of `page`, to go with a
/// redirect to it.
#[cfg(feature = "ssr")]
pub fn keep(page: &'static str, answer: &FormAnswer, secure: bool) {
    crate::server_context::set_cookie(
        crate::session_cookie::site_cookie(COOKIE, cookie_value::encode(answer), secure)
            .path(page)
            .build()
            .to_string(),
    );
}

/// Server side, while rendering `page`: the answer kept for it, if any,
/// cleared so that a reload shows a fresh form.
#[cfg(feature = "ssr")]
pub fn take(page: &'static str) -> FormAnswer {
    use leptos::prelude::use_context;
    let Some(parts) = use_context::<axum::http::request::Parts>() else {
        return FormAnswer::default();
    };
    let Some(kept) = crate::session_cookie::read(&parts.headers, COOKIE) else {
        return FormAnswer::default();
    };
    let secure =
        use_context::<crate::server_context::ServerContext>().is_some_and(|c| c.secure_cookies());
    crate::server_context::set_cookie(crate::session_cookie::removal(COOKIE, page, secure));
    cookie_value::decode(&kept).unwrap_or_default()
}

/// These pages are never hydrated; the browser has nothing to read.
#[cfg(not(feature = "ssr"))]
pub fn take(_page: &'static str) -> FormAnswer {
    FormAnswer::default()
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn an_answer_survives_the_cookie_and_anything_else_reads_as_none() {
        let answer = FormAnswer::invalid(vec![FieldError {
            field: "password".into(),
            message: "must be at least 10 characters; a \"quote\"".into(),
        }])
        .typed("store_name", "Maple & Co; Ltd")
        .typed("email", "owner@maple.example");
        let value = cookie_value::encode(&answer);
        // Only characters a cookie value may hold.
        assert!(
            value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
            "{value}"
        );
        assert_eq!(cookie_value::decode(&value), Some(answer));
        assert_eq!(cookie_value::decode("not-ours"), None);
        assert_eq!(cookie_value::decode(""), None);
    }

    #[test]
    fn a_value_too_long_for_a_cookie_is_not_kept() {
        let long = "x".repeat(MOST_KEPT_CHARS + 1);
        let answer = FormAnswer::default()
            .typed("store_name", &long)
            .typed("email", "a@b.example");
        assert_eq!(answer.value("store_name"), None);
        assert_eq!(answer.value("email").as_deref(), Some("a@b.example"));
    }
}
