//! Connecting a platform: the integration save use case (validating the
//! form, sealing its secrets, the webhook URL) goes here, called by
//! `server/src/api/integrations.rs` and `app/src/pages/integrations`.
//! Not moved yet: it is being rewritten in `notify_store::integrations`
//! and `notify_store::integration_form`.
