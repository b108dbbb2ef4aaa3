//! `GET/PUT /api/v1/quiet-hours`: when texts wait, in the merchant's time
//! zone (`{"enabled": true, "start": "21:00", "end": "08:00"}`).

use axum::Json;
use axum::extract::State;
use notify_core::quiet_hours::format_hhmm;
use notify_service::quiet_hours::{self, QuietHoursView};
use serde::Deserialize;
use serde_json::{Value, json};

use super::ApiJson;
use crate::http::auth::Auth;
use crate::http::error::ApiError;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct Body {
    enabled: bool,
    start: String,
    end: String,
}

fn view(v: QuietHoursView) -> Value {
    let q = v.quiet_hours;
    json!({ "enabled": q.enabled, "start": format_hhmm(q.start_minute), "end": format_hhmm(q.end_minute), "time_zone": v.time_zone.name() })
}

pub async fn get(State(state): State<AppState>, Auth(who): Auth) -> Result<Json<Value>, ApiError> {
    Ok(Json(view(
        quiet_hours::load(&state.store, &who.merchant_id).await?,
    )))
}

pub async fn put(
    State(state): State<AppState>,
    Auth(who): Auth,
    ApiJson(body): ApiJson<Body>,
) -> Result<Json<Value>, ApiError> {
    let saved = quiet_hours::save(
        &state.store,
        &who.merchant_id,
        body.enabled,
        &body.start,
        &body.end,
    )
    .await?;
    Ok(Json(view(saved)))
}
