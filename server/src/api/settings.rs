//! `GET/PUT /api/v1/settings`: the rules with their version.

use axum::Json;
use axum::extract::State;
use chrono::Utc;
use notify_core::{Rule, SettingsVersion};
use notify_service::settings;
use notify_store::settings::SaveOutcome;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::ApiJson;
use crate::http::auth::Auth;
use crate::http::error::ApiError;
use crate::state::AppState;

#[derive(Serialize, Deserialize)]
pub struct SettingsBody {
    pub version: SettingsVersion,
    pub rules: Vec<Rule>,
}

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

pub async fn put_settings(
    State(state): State<AppState>,
    Auth(who): Auth,
    ApiJson(body): ApiJson<SettingsBody>,
) -> Result<Json<serde_json::Value>, ApiError> {
    match settings::save(&state.store, &who, body.version, body.rules, Utc::now()).await? {
        SaveOutcome::Saved { version, .. } | SaveOutcome::Unchanged { version } => {
            Ok(Json(json!({ "version": version })))
        }
        SaveOutcome::Conflict {
            current_version,
            changes_since,
        } => Err(ApiError::Conflict {
            message: format!(
                "these settings were changed by someone else since version {} (now version {current_version}); reload and apply your changes again",
                body.version
            ),
            details: json!({
                "current_version": current_version,
                "changes_since": changes_since.iter().map(super::audit::entry_json).collect::<Vec<_>>(),
            }),
        }),
    }
}
