//! The settings audit trail: who changed which rules, when, before → after;
//! newest first.

use notify_core::SettingsVersion;
use notify_store::audit::AuditEntry;
use notify_store::{MerchantId, Store};

use crate::error::ServiceResult;
use crate::paging::Page;

/// One page of the trail, before `before_version`; the next page's
/// `before_version`.
pub async fn list(
    store: &Store,
    merchant_id: &MerchantId,
    size: i64,
    before_version: Option<SettingsVersion>,
) -> ServiceResult<Page<AuditEntry, SettingsVersion>> {
    let entries = store
        .audit_entries(merchant_id, size, before_version)
        .await?;
    Ok(Page::of(entries, size, |e| e.version))
}
