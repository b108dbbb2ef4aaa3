//! Quiet hours as stored (the rule itself is `notify_core::quiet_hours`).

pub use notify_core::quiet_hours::{QuietHours, QuietHoursError, format_hhmm, parse_hhmm};

use crate::db::{Store, with_writer};
use crate::error::StoreResult;
use crate::ids::MerchantId;

impl Store {
    pub async fn set_quiet_hours(
        &self,
        merchant_id: &MerchantId,
        q: QuietHours,
    ) -> StoreResult<()> {
        with_writer!(self, pool => {
            sqlx::query("UPDATE merchants SET quiet_hours_enabled = $2, quiet_start_minute = $3, quiet_end_minute = $4 WHERE id = $1")
                .bind(merchant_id.as_str())
                .bind(q.enabled)
                .bind(i64::from(q.start_minute))
                .bind(i64::from(q.end_minute))
                .execute(pool)
                .await?;
        });
        Ok(())
    }
}
