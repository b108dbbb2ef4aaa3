//! Persistence for Customer Notifications. One `Store` over SQLite (the
//! embedded default) or PostgreSQL (scale-out), chosen at run time by the
//! database URL. Every query that touches a merchant's data is scoped by
//! that merchant's id here, in the store, not only in the handlers.

#[macro_use]
mod sql_states;
mod db;

pub mod accounts;
pub mod api_keys;
pub mod audit;
pub mod auth;
pub mod cursor;
pub mod daily_limit;
pub mod delivery;
pub mod delivery_queue;
pub mod error;
pub mod ids;
pub mod inbound;
mod integration_cache;
pub mod integrations;
pub mod login_throttle;
pub mod opt_outs;
pub mod orders;
pub mod outbox;
pub mod password_work;
pub mod principal;
pub mod quiet_hours;
pub mod retention;
pub mod sealed;
pub mod sessions;
pub mod settings;
#[cfg(feature = "testing")]
pub mod testing;
mod time;
pub mod tokens;
mod write_gate;

pub use db::{Backend, Store};
pub use error::StoreError;
pub use ids::{MerchantId, UserId};
pub use integration_cache::INTEGRATION_CACHE_TTL;

pub use principal::{Principal, RequestAuth};
