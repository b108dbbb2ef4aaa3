pub mod account;
pub mod activity;
pub mod deliveries;
pub mod integrations;
pub mod notifications;
pub mod orders;
