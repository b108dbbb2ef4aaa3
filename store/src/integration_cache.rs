//! The integrations behind webhook URLs, kept in memory for a short while:
//! a store's webhooks would otherwise read (and open) the same row once per
//! request. Saving an integration through this store drops its entry at
//! once; another replica (or process) saving it is seen here within
//! [`INTEGRATION_CACHE_TTL`], and at once for a webhook that its cached
//! settings refuse (the receive path reads the row again before a 401:
//! see `Store::fresh_integration_by_endpoint`). Unknown endpoints are not
//! cached.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::integrations::{Integration, Platform};

/// How long an integration read for a webhook is used without reading it
/// again. Bounds how long another replica's save (a rotated secret) takes
/// to be seen by this one for requests that still verify.
pub const INTEGRATION_CACHE_TTL: Duration = Duration::from_secs(5);

/// Entries kept at most (one per endpoint that sent a webhook recently);
/// past it, expired entries are dropped, then all of them.
const MAX_ENTRIES: usize = 16_384;

struct Entry {
    platform: Platform,
    integration: Arc<Integration>,
    read_at: Instant,
}

#[derive(Default)]
struct Inner {
    entries: HashMap<String, Entry>,
    /// Bumped by every save and forget: a read that started before it may
    /// have seen the old row, so it is not kept.
    generation: u64,
}

#[derive(Default)]
pub(crate) struct IntegrationCache {
    inner: Mutex<Inner>,
}

impl IntegrationCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The entry read less than the TTL ago, if any.
    pub(crate) fn get(
        &self,
        platform: Platform,
        endpoint_id: &str,
        now: Instant,
    ) -> Option<Arc<Integration>> {
        let inner = self.lock();
        let entry = inner.entries.get(endpoint_id)?;
        (entry.platform == platform && now.duration_since(entry.read_at) < INTEGRATION_CACHE_TTL)
            .then(|| entry.integration.clone())
    }

    /// Where a read starts: pass it to [`IntegrationCache::put`].
    pub(crate) fn generation(&self) -> u64 {
        self.lock().generation
    }

    /// Keeps what a read started at `generation` found, unless something
    /// was saved or forgotten since.
    pub(crate) fn put(
        &self,
        generation: u64,
        platform: Platform,
        integration: Arc<Integration>,
        read_at: Instant,
    ) {
        let mut inner = self.lock();
        if inner.generation != generation {
            return;
        }
        if inner.entries.len() >= MAX_ENTRIES {
            inner
                .entries
                .retain(|_, e| read_at.duration_since(e.read_at) < INTEGRATION_CACHE_TTL);
            if inner.entries.len() >= MAX_ENTRIES {
                inner.entries.clear();
            }
        }
        inner.entries.insert(
            integration.endpoint_id.as_str().to_owned(),
            Entry {
                platform,
                integration,
                read_at,
            },
        );
    }

    /// Drops one endpoint's entry (its integration was saved).
    pub(crate) fn forget(&self, endpoint_id: &str) {
        let mut inner = self.lock();
        inner.generation += 1;
        inner.entries.remove(endpoint_id);
    }

    /// Drops one endpoint's entry without holding back reads in flight
    /// (the endpoint was not found: nothing to be stale about).
    pub(crate) fn remove(&self, endpoint_id: &str) {
        self.lock().entries.remove(endpoint_id);
    }

    /// Drops every entry (settings sealed again, keys changed).
    pub(crate) fn clear(&self) {
        let mut inner = self.lock();
        inner.generation += 1;
        inner.entries.clear();
    }
}
