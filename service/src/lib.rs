//! The use cases of Customer Notifications, once: the JSON API
//! (`server/src/api`) and the pages' server functions (`app`, ssr) each keep
//! only their transport (parsing the request, shaping the answer) and call
//! these. Domain rules are in `notify_core`; SQL is in `notify_store`.

pub mod accounts;
pub mod audit;
pub mod deliveries;
pub mod error;
pub mod events;
pub mod integrations;
pub mod merchant_view;
pub mod orders;
pub mod paging;
pub mod previews;
pub mod quiet_hours;
pub mod settings;
pub mod test_send;
pub mod what_if;

pub use error::{Refusal, ServiceError, ServiceResult};
pub use paging::Page;
