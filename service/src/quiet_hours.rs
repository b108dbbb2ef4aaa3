//! Quiet hours: when texts wait, in the merchant's time zone. Reading them,
//! and changing them from `HH:MM` times as a client types them.

use notify_core::quiet_hours::{QuietHours, parse_hhmm};
use notify_store::accounts::TimeZone;
use notify_store::{MerchantId, Store};

use crate::error::{ServiceError, ServiceResult, field};

/// The merchant's quiet hours and the zone they are in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHoursView {
    pub quiet_hours: QuietHours,
    pub time_zone: TimeZone,
}

pub async fn load(store: &Store, merchant_id: &MerchantId) -> ServiceResult<QuietHoursView> {
    let m = store.merchant(merchant_id).await?;
    Ok(QuietHoursView {
        quiet_hours: m.quiet_hours,
        time_zone: m.time_zone,
    })
}

/// Checks `start` and `end` (`21:00`), naming each field that is not a
/// time, then whether they make a window.
pub fn parse(enabled: bool, start: &str, end: &str) -> ServiceResult<QuietHours> {
    const NOT_A_TIME: &str = "must be a time such as 21:00";
    let (start, end) = match (parse_hhmm(start), parse_hhmm(end)) {
        (Ok(s), Ok(e)) => (s, e),
        (s, e) => {
            let mut fields = Vec::new();
            if s.is_err() {
                fields.push(field("start", NOT_A_TIME));
            }
            if e.is_err() {
                fields.push(field("end", NOT_A_TIME));
            }
            return Err(ServiceError::Invalid(fields));
        }
    };
    QuietHours::new(enabled, start, end).map_err(|e| ServiceError::Invalid(vec![field("end", e)]))
}

/// Changes the merchant's quiet hours; what they are now.
pub async fn save(
    store: &Store,
    merchant_id: &MerchantId,
    enabled: bool,
    start: &str,
    end: &str,
) -> ServiceResult<QuietHoursView> {
    let q = parse(enabled, start, end)?;
    store.set_quiet_hours(merchant_id, q).await?;
    load(store, merchant_id).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(e: ServiceError) -> Vec<String> {
        match e {
            ServiceError::Invalid(f) => f.into_iter().map(|f| f.field).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn times_are_checked_field_by_field() {
        assert_eq!(
            parse(true, "21:00", "08:00").unwrap(),
            QuietHours::default()
        );
        assert_eq!(
            fields(parse(true, "9pm", "25:00").unwrap_err()),
            ["start", "end"]
        );
        assert_eq!(fields(parse(true, "10:00", "10:00").unwrap_err()), ["end"]);
    }
}
