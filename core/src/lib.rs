//! The Customer Notifications domain, shared by the server (native) and the
//! settings page (WebAssembly) so that both decide and render identically.
//!
//! Pure by design: no I/O, no clock, no randomness. Times and ids come in as
//! arguments.

pub mod catalog;
pub mod contact;
pub mod decide;
pub mod delivery_log;
pub mod details;
pub mod event;
pub mod merchant;
pub mod money;
pub mod order_timeline;
pub mod password;
pub mod preview;
pub mod quiet_hours;
pub mod sample;
pub mod secret;
pub mod settings;
pub mod sms;
pub mod states;
pub mod templates;
pub mod text;
pub mod what_if;

pub use catalog::{Channel, InvoiceStatus, OrderSource, OrderStatus, Trigger};
pub use contact::{CustomerName, EmailAddress, PhoneNumber};
pub use decide::{ChannelOutcome, Decision, Delivery, Recipient, SkipReason, decide};
pub use details::{CancelReason, Details, Fulfilment, Label, LineItem, Totals, WebLink};
pub use event::{Customer, Document, TransactionEvent};
pub use merchant::MerchantName;
pub use money::Money;
pub use preview::{PreviewCell, PreviewMatrix, PreviewRow, Warning, preview};
pub use settings::{FieldError, Rule, RuleChange, Settings, SettingsError, Toggles};
pub use states::{AttemptOutcome, EventOutcome, EventState, JobState, SettingsVersion};
pub use templates::{EmailMessage, MessageContext, SmsMessage, render_email, render_sms};
