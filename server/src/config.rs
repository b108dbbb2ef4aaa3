//! Configuration from the environment, validated once at start-up with one
//! clear message per mistake.

use std::net::SocketAddr;

use leptos::config::LeptosOptions;
use url::Url;

/// Every variable the server reads, with its meaning (printed by `--help`).
pub const VARIABLES: &[(&str, &str)] = &[
    (
        "LEPTOS_SITE_ADDR",
        "listen address (default 127.0.0.1:3000)",
    ),
    (
        "LEPTOS_SITE_ROOT",
        "folder of the compiled site: WASM, JS, CSS (default target/site)",
    ),
    (
        "DATABASE_URL",
        "sqlite:<path> (default sqlite://data/notifications.db) or postgres://user@host/db",
    ),
    (
        "PUBLIC_URL",
        "origin the app is reached at, used in webhook URLs and the same-origin check (default http://<LEPTOS_SITE_ADDR>)",
    ),
    ("RUST_LOG", "log filter (default info)"),
];

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/notifications.db";

#[derive(Debug, Clone)]
pub struct Config {
    /// Where to listen.
    pub listen_addr: SocketAddr,
    /// Where the compiled site (WASM, JS, CSS) is served from.
    pub leptos: LeptosOptions,
    pub database_url: String,
    /// The public origin, e.g. `https://notify.example.com` (no path).
    pub public_url: Url,
}

impl Config {
    pub fn from_env() -> Result<Self, Vec<String>> {
        let mut errors = Vec::new();
        let leptos = match leptos::config::get_configuration(None) {
            Ok(c) => Some(c.leptos_options),
            Err(e) => {
                errors.push(format!("LEPTOS_SITE_ADDR / LEPTOS_SITE_ROOT: {e}"));
                None
            }
        };
        let database_url =
            std::env::var("DATABASE_URL").unwrap_or_else(|_| DEFAULT_DATABASE_URL.to_owned());
        if !["sqlite:", "postgres://", "postgresql://"]
            .iter()
            .any(|p| database_url.starts_with(p))
        {
            errors.push(
                "DATABASE_URL must start with sqlite:, postgres:// or postgresql://".to_owned(),
            );
        }
        let public_url = match (std::env::var("PUBLIC_URL"), &leptos) {
            (Ok(raw), _) => match Url::parse(&raw) {
                Ok(u)
                    if matches!(u.scheme(), "http" | "https")
                        && u.host().is_some()
                        && u.path() == "/" =>
                {
                    Some(u)
                }
                _ => {
                    errors.push(format!("PUBLIC_URL must be an http(s) origin such as https://notify.example.com, not {raw:?}"));
                    None
                }
            },
            (Err(_), Some(l)) => Url::parse(&format!("http://{}", l.site_addr)).ok(),
            (Err(_), None) => None,
        };
        match (leptos, public_url) {
            (Some(leptos), Some(public_url)) if errors.is_empty() => Ok(Config {
                listen_addr: leptos.site_addr,
                leptos,
                database_url,
                public_url,
            }),
            _ => Err(errors),
        }
    }

    /// The origin browsers send in `Origin` (scheme://host[:port]).
    pub fn public_origin(&self) -> String {
        self.public_url.origin().ascii_serialization()
    }

    /// Cookies get `Secure` when the app is served over https.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.scheme() == "https"
    }

    /// `https://host/webhooks/{platform}/{endpoint}`.
    pub fn webhook_url(&self, platform: &str, endpoint_id: &str) -> String {
        format!("{}/webhooks/{platform}/{endpoint_id}", self.public_origin())
    }
}
