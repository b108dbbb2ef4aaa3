use chrono::{DateTime, Utc};
use leptos::prelude::*;
use notify_core::SettingsVersion;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityEntry {
    pub version: SettingsVersion,
    pub actor: String,
    pub at: DateTime<Utc>,
    /// One sentence per rule changed.
    pub changes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityList {
    pub entries: Vec<ActivityEntry>,
    pub next_before_version: Option<SettingsVersion>,
}

pub const PAGE_SIZE: i64 = 30;

/// The settings audit trail, newest first (as `GET /api/v1/audit`).
#[server(prefix = "/api", endpoint = "activity/list", input = leptos::server_fn::codec::Json)]
pub async fn list_activity(
    before_version: Option<SettingsVersion>,
) -> Result<ActivityList, ServerFnError> {
    let (store, who) = crate::server_context::store_and_caller().await?;
    let page = notify_service::audit::list(&store, &who.merchant_id, PAGE_SIZE, before_version)
        .await
        .map_err(crate::server_context::refused)?;
    Ok(ActivityList {
        entries: page
            .items
            .into_iter()
            .map(|e| ActivityEntry {
                version: e.version,
                actor: e.actor,
                at: e.at,
                changes: e.changes.iter().map(|c| c.describe()).collect(),
            })
            .collect(),
        next_before_version: page.next,
    })
}

/// How many of the latest resends the page lists.
pub const RESENDS_SHOWN: i64 = 30;

/// The latest messages resent (who, when, which message), newest first:
/// the audit trail's part about messages.
#[server(prefix = "/api", endpoint = "activity/resends", input = leptos::server_fn::codec::Json)]
pub async fn list_resends()
-> Result<Vec<notify_core::delivery_log::DeliveryLogEntry>, ServerFnError> {
    let (store, who) = crate::server_context::store_and_caller().await?;
    notify_service::orders::recent_resends(&store, &who.merchant_id, RESENDS_SHOWN)
        .await
        .map_err(crate::server_context::refused)
}
