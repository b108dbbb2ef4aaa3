//! Configuration from the environment, validated once at start-up.

use std::net::SocketAddr;

use leptos::config::LeptosOptions;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("Leptos settings (LEPTOS_SITE_ADDR, LEPTOS_SITE_ROOT, ...): {0}")]
    Leptos(String),
}

#[derive(Debug, Clone)]
pub struct Config {
    /// Where to listen (`LEPTOS_SITE_ADDR`, default 127.0.0.1:3000).
    pub listen_addr: SocketAddr,
    /// Where the compiled site (WASM, JS, CSS) is served from.
    pub leptos: LeptosOptions,
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        let leptos = leptos::config::get_configuration(None)
            .map_err(|e| ConfigError::Leptos(e.to_string()))?
            .leptos_options;
        Ok(Config {
            listen_addr: leptos.site_addr,
            leptos,
        })
    }
}
