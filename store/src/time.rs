//! Times are stored as Unix epoch milliseconds on both backends, so they
//! compare and sort the same way everywhere.

use chrono::{DateTime, Utc};

use crate::error::StoreError;

pub(crate) fn to_millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

pub(crate) fn from_millis(ms: i64) -> Result<DateTime<Utc>, StoreError> {
    DateTime::from_timestamp_millis(ms)
        .ok_or_else(|| StoreError::Corrupt(format!("timestamp {ms}")))
}
