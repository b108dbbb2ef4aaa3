//! `GET/PUT /api/v1/quiet-hours`: when texts wait, in the merchant's time
//! zone (`{"enabled": true, "start": "21:00", "end": "08:00"}`).

use axum::Json;
use axum::extract::State;
use notify_core::FieldError;
use notify_store::quiet_hours::{QuietHours, format_hhmm, parse_hhmm};
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

fn view(q: QuietHours, time_zone: &str) -> Value {
    json!({ "enabled": q.enabled, "start": format_hhmm(q.start_minute), "end": format_hhmm(q.end_minute), "time_zone": time_zone })
}

pub async fn get(State(state): State<AppState>, Auth(who): Auth) -> Result<Json<Value>, ApiError> {
    let m = state.store.merchant(&who.merchant_id).await?;
    Ok(Json(view(m.quiet_hours, m.time_zone.name())))
}

pub async fn put(
    State(state): State<AppState>,
    Auth(who): Auth,
    ApiJson(body): ApiJson<Body>,
) -> Result<Json<Value>, ApiError> {
    let invalid = |field: &str| FieldError {
        field: field.to_owned(),
        message: "must be a time such as 21:00".to_owned(),
    };
    let (start, end) = match (parse_hhmm(&body.start), parse_hhmm(&body.end)) {
        (Ok(s), Ok(e)) => (s, e),
        (s, e) => {
            let mut fields = Vec::new();
            if s.is_err() {
                fields.push(invalid("start"));
            }
            if e.is_err() {
                fields.push(invalid("end"));
            }
            return Err(ApiError::Validation(fields));
        }
    };
    let q = QuietHours::new(body.enabled, start, end).map_err(|e| {
        ApiError::Validation(vec![FieldError {
            field: "end".to_owned(),
            message: e.to_string(),
        }])
    })?;
    state.store.set_quiet_hours(&who.merchant_id, q).await?;
    let m = state.store.merchant(&who.merchant_id).await?;
    Ok(Json(view(m.quiet_hours, m.time_zone.name())))
}
