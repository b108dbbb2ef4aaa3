//! The merchant's notification rules, one row per rule, with a version that
//! makes concurrent edits safe: a save names the version it was based on,
//! and a save based on an old version changes nothing.

use chrono::{DateTime, Utc};
use notify_core::{Rule, RuleChange, Settings, SettingsVersion, Toggles, Trigger};

use crate::audit::{AuditEntry, AuditRow, audit_from_row};
use crate::db::{Store, with_pool, with_writer};
use crate::error::{StoreError, StoreResult};
use crate::ids::{AuditId, MerchantId};
use crate::time::to_millis;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionedSettings {
    pub version: SettingsVersion,
    pub settings: Settings,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SaveOutcome {
    Saved {
        version: SettingsVersion,
        changes: Vec<RuleChange>,
    },
    /// Nothing differed from the stored rules; nothing was written.
    Unchanged { version: SettingsVersion },
    /// Someone saved since `base_version`: these are their changes.
    Conflict {
        current_version: SettingsVersion,
        changes_since: Vec<AuditEntry>,
    },
}

type RuleRow = (String, bool, bool, bool);

fn settings_from_rows(merchant_id: &MerchantId, rows: Vec<RuleRow>) -> StoreResult<Settings> {
    let rules = rows
        .into_iter()
        .map(|(key, active, email, sms)| {
            let trigger = Trigger::from_key(&key).ok_or_else(|| {
                StoreError::Corrupt(format!("merchant {merchant_id}: trigger {key}"))
            })?;
            Ok(Rule::new(trigger, Toggles { active, email, sms }))
        })
        .collect::<StoreResult<Vec<_>>>()?;
    Settings::new(rules).map_err(|e| StoreError::Corrupt(e.to_string()))
}

impl Store {
    pub async fn load_settings(&self, merchant_id: &MerchantId) -> StoreResult<VersionedSettings> {
        with_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let version: Option<i64> = sqlx::query_scalar("SELECT settings_version FROM merchants WHERE id = $1")
                .bind(merchant_id.as_str())
                .fetch_optional(&mut *tx)
                .await?;
            let version = SettingsVersion(version.ok_or(StoreError::NotFound)?);
            let rows: Vec<RuleRow> =
                sqlx::query_as("SELECT trigger_key, active, email, sms FROM rules WHERE merchant_id = $1")
                    .bind(merchant_id.as_str())
                    .fetch_all(&mut *tx)
                    .await?;
            tx.commit().await?;
            Ok(VersionedSettings { version, settings: settings_from_rows(merchant_id, rows)? })
        })
    }

    /// Saves `next` if the stored version is still `base_version`, in one
    /// transaction with its audit entry.
    pub async fn save_settings(
        &self,
        merchant_id: &MerchantId,
        actor: &str,
        base_version: SettingsVersion,
        next: &Settings,
        now: DateTime<Utc>,
    ) -> StoreResult<SaveOutcome> {
        with_writer!(self, pool => {
            let mut tx = pool.begin().await?;
            // Take the write lock first (SQLite) / lock the row (PostgreSQL):
            // the version moves only if nobody saved since base_version.
            let bumped = sqlx::query(
                "UPDATE merchants SET settings_version = settings_version + 1 WHERE id = $1 AND settings_version = $2",
            )
            .bind(merchant_id.as_str())
            .bind(base_version.get())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if bumped == 0 {
                let current: Option<i64> = sqlx::query_scalar("SELECT settings_version FROM merchants WHERE id = $1")
                    .bind(merchant_id.as_str())
                    .fetch_optional(&mut *tx)
                    .await?;
                let current_version = SettingsVersion(current.ok_or(StoreError::NotFound)?);
                let rows: Vec<AuditRow> = sqlx::query_as(
                    "SELECT id, version, actor, at, changes FROM audit_entries
                     WHERE merchant_id = $1 AND version > $2 ORDER BY version",
                )
                .bind(merchant_id.as_str())
                .bind(base_version.get())
                .fetch_all(&mut *tx)
                .await?;
                tx.rollback().await?;
                let changes_since = rows.into_iter().map(audit_from_row).collect::<StoreResult<_>>()?;
                return Ok(SaveOutcome::Conflict { current_version, changes_since });
            }
            let rows: Vec<RuleRow> =
                sqlx::query_as("SELECT trigger_key, active, email, sms FROM rules WHERE merchant_id = $1")
                    .bind(merchant_id.as_str())
                    .fetch_all(&mut *tx)
                    .await?;
            let changes = settings_from_rows(merchant_id, rows)?.diff(next);
            if changes.is_empty() {
                tx.rollback().await?;
                return Ok(SaveOutcome::Unchanged { version: base_version });
            }
            for change in &changes {
                let key = change.trigger.key();
                match change.after {
                    None => {
                        sqlx::query("DELETE FROM rules WHERE merchant_id = $1 AND trigger_key = $2")
                            .bind(merchant_id.as_str())
                            .bind(&key)
                            .execute(&mut *tx)
                            .await?;
                    }
                    Some(t) => {
                        sqlx::query(
                            "INSERT INTO rules (merchant_id, trigger_key, active, email, sms) VALUES ($1, $2, $3, $4, $5)
                             ON CONFLICT (merchant_id, trigger_key)
                             DO UPDATE SET active = excluded.active, email = excluded.email, sms = excluded.sms",
                        )
                        .bind(merchant_id.as_str())
                        .bind(&key)
                        .bind(t.active)
                        .bind(t.email)
                        .bind(t.sms)
                        .execute(&mut *tx)
                        .await?;
                    }
                }
            }
            let version = base_version.next();
            let changes_json = serde_json::to_string(&changes).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            sqlx::query(
                "INSERT INTO audit_entries (id, merchant_id, version, actor, at, changes) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(AuditId::generate().as_str())
            .bind(merchant_id.as_str())
            .bind(version.get())
            .bind(actor)
            .bind(to_millis(now))
            .bind(changes_json)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(SaveOutcome::Saved { version, changes })
        })
    }
}
