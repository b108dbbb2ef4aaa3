//! `GET /api/v1/audit`: the settings audit trail, newest first.

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use notify_core::{RuleChange, SettingsVersion, Toggles, Trigger};
use notify_service::audit;
use notify_service::paging::page_size;
use notify_store::audit::AuditEntry;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::ApiQuery;
use super::openapi::{NeedsSignIn, ParameterErrors};
use crate::http::auth::Auth;
use crate::http::error::ApiError;
use crate::state::AppState;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Page {
    /// Entries per page, 1 to 200 (default 50; outside the range, the nearest bound).
    limit: Option<i64>,
    /// `next_before_version` of the previous page.
    before_version: Option<SettingsVersion>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditPage {
    entries: Vec<AuditEntryView>,
    /// Pass as `before_version` for the next page; `null` on the last.
    next_before_version: Option<SettingsVersion>,
}

/// One save of the settings as the API shows it: rule by rule, before → after.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntryView {
    /// The settings version this save produced.
    version: SettingsVersion,
    /// Who saved: a user's email, or an API key's name.
    actor: String,
    at: DateTime<Utc>,
    changes: Vec<RuleChangeView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RuleChangeView {
    trigger: Trigger,
    /// `null`: the rule was created.
    before: Option<Toggles>,
    /// `null`: the rule was removed.
    after: Option<Toggles>,
    /// For a person, e.g. "Shopify · Ready: SMS on → off".
    summary: String,
}

impl From<&AuditEntry> for AuditEntryView {
    fn from(e: &AuditEntry) -> Self {
        AuditEntryView {
            version: e.version,
            actor: e.actor.clone(),
            at: e.at,
            changes: e.changes.iter().map(RuleChangeView::from).collect(),
        }
    }
}

impl From<&RuleChange> for RuleChangeView {
    fn from(c: &RuleChange) -> Self {
        RuleChangeView {
            trigger: c.trigger,
            before: c.before,
            after: c.after,
            summary: c.describe(),
        }
    }
}

/// The settings audit trail, newest first.
#[utoipa::path(
    get, path = "/audit", tag = "account settings",
    params(Page),
    responses((status = 200, body = AuditPage), NeedsSignIn, ParameterErrors),
    security(("session" = []), ("api_key" = [])),
)]
pub async fn list(
    State(state): State<AppState>,
    Auth(who): Auth,
    ApiQuery(page): ApiQuery<Page>,
) -> Result<Json<AuditPage>, ApiError> {
    let page = audit::list(
        &state.store,
        &who.merchant_id,
        page_size(page.limit),
        page.before_version,
    )
    .await?;
    Ok(Json(AuditPage {
        entries: page.items.iter().map(AuditEntryView::from).collect(),
        next_before_version: page.next,
    }))
}
