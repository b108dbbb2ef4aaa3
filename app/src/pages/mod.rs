pub mod deliveries;
pub mod notifications;
