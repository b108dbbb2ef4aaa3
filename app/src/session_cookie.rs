//! The session cookie, and the policy every cookie of the site follows.

use axum::http::HeaderMap;
use axum::http::header::COOKIE;
use cookie::{Cookie, CookieBuilder, SameSite};
use notify_store::sessions::SessionToken;

pub const SESSION_COOKIE: &str = "cn_session";

/// A cookie of this site: HttpOnly, SameSite=Lax, and Secure when the app
/// is served over https.
pub fn site_cookie(name: &'static str, value: String, secure: bool) -> CookieBuilder<'static> {
    Cookie::build((name, value))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
}

/// `Set-Cookie` value that stores the session.
pub fn session_cookie(token: &SessionToken, max_age: chrono::Duration, secure: bool) -> String {
    site_cookie(SESSION_COOKIE, token.expose().to_owned(), secure)
        .path("/")
        .max_age(cookie::time::Duration::seconds(max_age.num_seconds()))
        .build()
        .to_string()
}

/// `Set-Cookie` value that removes the site's cookie `name` set for `path`.
pub fn removal(name: &'static str, path: &'static str, secure: bool) -> String {
    site_cookie(name, String::new(), secure)
        .path(path)
        .max_age(cookie::time::Duration::ZERO)
        .build()
        .to_string()
}

/// `Set-Cookie` value that removes the session cookie.
pub fn clear_session_cookie(secure: bool) -> String {
    removal(SESSION_COOKIE, "/", secure)
}

/// The value of the request's cookie `name`, when it has a non-empty one.
pub fn read(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name && !c.value().is_empty())
        .map(|c| c.value().to_owned())
}

pub fn session_token(headers: &HeaderMap) -> Option<SessionToken> {
    read(headers, SESSION_COOKIE).map(|value| SessionToken::from_cookie(&value))
}
