//! `GET/PUT /api/v1/quiet-hours`: when texts wait, in the merchant's time
//! zone (`{"enabled": true, "start": "21:00", "end": "08:00"}`).

use axum::Json;
use axum::extract::State;
use notify_core::quiet_hours::format_hhmm;
use notify_service::quiet_hours::{self, QuietHoursView};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ApiJson;
use super::openapi::{BodyErrors, Invalid, NeedsSignIn};
use crate::http::auth::Auth;
use crate::http::error::ApiError;
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"enabled": true, "start": "21:00", "end": "08:00"}))]
pub struct QuietHoursBody {
    enabled: bool,
    /// `HH:MM`, 24-hour, in the merchant's time zone.
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$", example = "21:00")]
    start: String,
    /// `HH:MM`; before `start` means the next morning.
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$", example = "08:00")]
    end: String,
}

#[derive(Serialize, ToSchema)]
pub struct QuietHours {
    enabled: bool,
    /// `HH:MM`.
    start: String,
    /// `HH:MM`.
    end: String,
    /// The merchant's time zone, in which `start` and `end` are read.
    time_zone: String,
}

impl From<QuietHoursView> for QuietHours {
    fn from(v: QuietHoursView) -> Self {
        let q = v.quiet_hours;
        QuietHours {
            enabled: q.enabled,
            start: format_hhmm(q.start_minute),
            end: format_hhmm(q.end_minute),
            time_zone: v.time_zone.name().to_owned(),
        }
    }
}

/// When texts wait for the morning.
#[utoipa::path(
    get, path = "/quiet-hours", tag = "account settings",
    responses((status = 200, body = QuietHours), NeedsSignIn),
    security(("session" = []), ("api_key" = [])),
)]
pub async fn get(
    State(state): State<AppState>,
    Auth(who): Auth,
) -> Result<Json<QuietHours>, ApiError> {
    let view = quiet_hours::load(&state.store, &who.merchant_id).await?;
    Ok(Json(view.into()))
}

/// Sets when texts wait for the morning.
#[utoipa::path(
    put, path = "/quiet-hours", tag = "account settings",
    request_body = QuietHoursBody,
    responses((status = 200, description = "Saved.", body = QuietHours), NeedsSignIn, BodyErrors, Invalid),
    security(("session" = []), ("api_key" = [])),
)]
pub async fn put(
    State(state): State<AppState>,
    Auth(who): Auth,
    ApiJson(body): ApiJson<QuietHoursBody>,
) -> Result<Json<QuietHours>, ApiError> {
    let saved = quiet_hours::save(
        &state.store,
        &who.merchant_id,
        body.enabled,
        &body.start,
        &body.end,
    )
    .await?;
    Ok(Json(saved.into()))
}
