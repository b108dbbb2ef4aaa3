//! The settings audit trail: who changed which rules, when, before → after.

use chrono::{DateTime, Utc};
use notify_core::{RuleChange, SettingsVersion};
use serde::Serialize;

use crate::db::{Store, with_pool};
use crate::error::{StoreError, StoreResult};
use crate::ids::{AuditId, MerchantId};
use crate::time::from_millis;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    pub id: AuditId,
    /// The settings version this change produced.
    pub version: SettingsVersion,
    pub actor: String,
    pub at: DateTime<Utc>,
    pub changes: Vec<RuleChange>,
}

pub(crate) type AuditRow = (String, i64, String, i64, String);

pub(crate) fn audit_from_row(
    (id, version, actor, at, changes): AuditRow,
) -> StoreResult<AuditEntry> {
    Ok(AuditEntry {
        changes: serde_json::from_str(&changes)
            .map_err(|e| StoreError::Corrupt(format!("audit {id}: {e}")))?,
        id: AuditId::from_string(id),
        version: SettingsVersion(version),
        actor,
        at: from_millis(at)?,
    })
}

impl Store {
    /// Newest first; `before_version` pages backwards.
    pub async fn audit_entries(
        &self,
        merchant_id: &MerchantId,
        limit: i64,
        before_version: Option<SettingsVersion>,
    ) -> StoreResult<Vec<AuditEntry>> {
        let rows: Vec<AuditRow> = with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, version, actor, at, changes FROM audit_entries
                 WHERE merchant_id = $1 AND version < $2 ORDER BY version DESC LIMIT $3",
            )
            .bind(merchant_id.as_str())
            .bind(before_version.map_or(i64::MAX, SettingsVersion::get))
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter().map(audit_from_row).collect()
    }
}
