//! `GET /api/v1/audit`: the settings audit trail, newest first.

use axum::Json;
use axum::extract::{Query, State};
use notify_core::SettingsVersion;
use notify_service::audit;
use notify_service::paging::page_size;
use notify_store::audit::AuditEntry;
use serde::Deserialize;
use serde_json::json;

use crate::http::auth::Auth;
use crate::http::error::ApiError;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct Page {
    limit: Option<i64>,
    before_version: Option<SettingsVersion>,
}

pub async fn list(
    State(state): State<AppState>,
    Auth(who): Auth,
    Query(page): Query<Page>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let page = audit::list(
        &state.store,
        &who.merchant_id,
        page_size(page.limit),
        page.before_version,
    )
    .await?;
    Ok(Json(json!({
        "entries": page.items.iter().map(entry_json).collect::<Vec<_>>(),
        "next_before_version": page.next,
    })))
}

/// One audit entry as the API shows it: rule by rule, before → after.
pub fn entry_json(e: &AuditEntry) -> serde_json::Value {
    json!({
        "version": e.version,
        "actor": e.actor,
        "at": e.at,
        "changes": e.changes.iter().map(|c| json!({
            "trigger": c.trigger,
            "before": c.before,
            "after": c.after,
            "summary": c.describe(),
        })).collect::<Vec<_>>(),
    })
}
