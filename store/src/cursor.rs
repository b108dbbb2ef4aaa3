//! Where a newest-first page ends: a time and an id, since many rows can
//! share one time (a batch is committed at one instant). On the wire,
//! `"<epoch ms>_<id>"`.

use chrono::{DateTime, Utc};

use crate::time::to_millis;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub(crate) at_millis: i64,
    pub(crate) id: String,
}

impl Cursor {
    pub fn new(at: DateTime<Utc>, id: &str) -> Self {
        Cursor {
            at_millis: to_millis(at),
            id: id.to_owned(),
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        let (at, id) = s.split_once('_')?;
        Some(Cursor {
            at_millis: at.parse().ok()?,
            id: id.to_owned(),
        })
    }

    /// Before everything (the first page).
    pub(crate) fn start() -> Self {
        Cursor {
            at_millis: i64::MAX,
            id: String::new(),
        }
    }
}

impl std::fmt::Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}_{}", self.at_millis, self.id)
    }
}
