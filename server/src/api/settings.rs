//! `GET/PUT /api/v1/settings`: the rules with their version.

use axum::Json;
use axum::extract::State;
use chrono::Utc;
use notify_core::{Rule, SettingsVersion};
use notify_service::settings;
use notify_store::settings::SaveOutcome;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::openapi::{BodyErrors, Invalid, NeedsSignIn};
use super::{ApiJson, AuditEntryView};
use crate::http::auth::Auth;
use crate::http::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Every rule, and the version they are; a save names the version it was
/// based on.
#[derive(Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "version": 3,
    "rules": [
        {"trigger": {"kind": "order", "source": "shopify", "status": "ready"}, "active": true, "email": true, "sms": true},
        {"trigger": {"kind": "invoice", "status": "closed"}, "active": true, "email": true, "sms": false}
    ]
}))]
pub struct SettingsBody {
    pub version: SettingsVersion,
    pub rules: Vec<Rule>,
}

#[derive(Serialize, ToSchema)]
pub struct Saved {
    /// The version now: send it with the next save.
    version: SettingsVersion,
}

/// The rules and their version.
#[utoipa::path(
    get, path = "/settings", tag = "settings",
    responses((status = 200, body = SettingsBody), NeedsSignIn),
    security(("session" = []), ("api_key" = [])),
)]
pub async fn get_settings(
    State(state): State<AppState>,
    Auth(who): Auth,
) -> Result<Json<SettingsBody>, ApiError> {
    let stored = settings::load(&state.store, &who.merchant_id).await?;
    Ok(Json(SettingsBody {
        version: stored.version,
        rules: stored.settings.rules().collect(),
    }))
}

/// Saves every rule at once; refused when someone else saved since
/// `version`.
#[utoipa::path(
    put, path = "/settings", tag = "settings",
    request_body = SettingsBody,
    responses(
        (status = 200, description = "Saved (or nothing changed).", body = Saved),
        (status = 409, description = "Someone else saved since `version` (`conflict`): `current_version` and `changes_since` say what changed; reload and apply your changes again.", body = ErrorBody),
        NeedsSignIn, BodyErrors, Invalid,
    ),
    security(("session" = []), ("api_key" = [])),
)]
pub async fn put_settings(
    State(state): State<AppState>,
    Auth(who): Auth,
    ApiJson(body): ApiJson<SettingsBody>,
) -> Result<Json<Saved>, ApiError> {
    match settings::save(&state.store, &who, body.version, body.rules, Utc::now()).await? {
        SaveOutcome::Saved { version, .. } | SaveOutcome::Unchanged { version } => {
            Ok(Json(Saved { version }))
        }
        SaveOutcome::Conflict {
            current_version,
            changes_since,
        } => Err(ApiError::Conflict {
            message: format!(
                "these settings were changed by someone else since version {} (now version {current_version}); reload and apply your changes again",
                body.version
            ),
            current_version,
            changes_since: changes_since.iter().map(AuditEntryView::from).collect(),
        }),
    }
}
