//! The JSON API and server functions through real HTTP, against the real
//! app on both SQLite and PostgreSQL.

mod harness;

mod accounts;
mod alerts;
mod body_limits;
mod csrf;
mod delivery;
mod dkim;
mod integration_cache;
mod isolation;
mod leaks;
mod logs;
mod messages;
mod openapi;
mod operations;
mod orders;
mod pages;
mod retention;
mod routes;
mod scale_out;
mod secrets;
mod secrets_at_rest;
mod security_headers;
mod settings;
mod shutdown;
mod static_files;
mod webhooks;
mod what_if;
mod workers;
