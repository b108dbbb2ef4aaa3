//! The states of the pipeline's records, one list each: outbox jobs, inbound
//! events and delivery attempts. Their names (`as_str`, and the serde names)
//! are what the database stores, the JSON API returns, the page's filters
//! submit and the metrics label; everything reads them from here.
//!
//! Also the settings version (the number a save is based on).

use std::fmt;

use serde::{Deserialize, Serialize};

/// Declares a state enum with its one list of names.
macro_rules! states {
    (
        $(#[$meta:meta])*
        $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal,)+ }
        $(open: [$($open:ident),+])?
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every state, in the order the pages list them.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The stored (and serialised) name.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            /// The state with this stored name.
            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }
        }

        $(
            impl $name {
                /// Waiting to be worked on (claimable once due).
                pub const OPEN: &'static [$name] = &[$($name::$open),+];

                pub fn is_open(self) -> bool {
                    Self::OPEN.contains(&self)
                }
            }
        )?

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

states! {
    /// The state of an outbox job (one message to one recipient).
    JobState {
        Sent => "sent",
        Pending => "pending",
        Retrying => "retrying",
        /// Will not succeed by retrying (invalid address, opted out, ...).
        Failed => "failed",
        /// Transient failures until the retries ran out.
        Dead => "dead",
    }
    open: [Pending, Retrying]
}

impl JobState {
    /// As the delivery log's filter names it.
    pub const fn display_name(self) -> &'static str {
        match self {
            JobState::Sent => "Sent",
            JobState::Pending => "Pending",
            JobState::Retrying => "Retrying",
            JobState::Failed => "Failed",
            JobState::Dead => "Gave up",
        }
    }
}

states! {
    /// The state of a received webhook.
    EventState {
        Pending => "pending",
        Processed => "processed",
        Retrying => "retrying",
        /// Failed for good (the attempts ran out).
        Failed => "failed",
    }
    open: [Pending, Retrying]
}

states! {
    /// How processing a received webhook ended.
    EventOutcome {
        JobsCreated => "jobs_created",
        /// Decided, but no channel fires (the detail says why).
        NoRule => "no_rule",
        /// Older than a snapshot already processed for the same order.
        Stale => "stale",
        /// A status the product does not notify on.
        Unmappable => "unmappable",
        /// Failed; retried until the attempts run out.
        Failed => "failed",
    }
}

states! {
    /// How one attempt to send a message ended.
    AttemptOutcome {
        Sent => "sent",
        /// Worth retrying (the job is retried, or dead when out of retries).
        Transient => "transient",
        /// Will not succeed by retrying.
        Permanent => "permanent",
    }
}

/// The version of a merchant's settings: 0 before the first save, one more
/// with every save. A save names the version it was based on. A number on
/// the wire.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SettingsVersion(pub i64);

impl SettingsVersion {
    pub const INITIAL: SettingsVersion = SettingsVersion(0);

    pub fn get(self) -> i64 {
        self.0
    }

    /// The version the next save produces.
    pub fn next(self) -> SettingsVersion {
        SettingsVersion(self.0 + 1)
    }
}

impl fmt::Display for SettingsVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::str::FromStr for SettingsVersion {
    type Err = std::num::ParseIntError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.parse().map(SettingsVersion)
    }
}

impl PartialEq<i64> for SettingsVersion {
    fn eq(&self, other: &i64) -> bool {
        self.0 == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each name reads back as its state, and serde uses the same name.
    fn round_trips<T>(all: &[T], name: fn(T) -> &'static str, parse: fn(&str) -> Option<T>)
    where
        T: Copy + PartialEq + std::fmt::Debug + Serialize,
    {
        for s in all {
            assert_eq!(parse(name(*s)), Some(*s));
            assert_eq!(
                serde_json::to_value(s).unwrap(),
                serde_json::json!(name(*s))
            );
        }
    }

    #[test]
    fn names_round_trip_and_match_serde() {
        round_trips(JobState::ALL, JobState::as_str, JobState::parse);
        round_trips(EventState::ALL, EventState::as_str, EventState::parse);
        round_trips(EventOutcome::ALL, EventOutcome::as_str, EventOutcome::parse);
        round_trips(
            AttemptOutcome::ALL,
            AttemptOutcome::as_str,
            AttemptOutcome::parse,
        );
        assert_eq!(JobState::parse("bogus"), None);
    }

    fn names<T: Copy>(all: &[T], name: fn(T) -> &'static str) -> String {
        all.iter().map(|s| name(*s)).collect::<Vec<_>>().join(",")
    }

    #[test]
    fn the_stored_names_are_the_ones_in_the_database() {
        assert_eq!(
            names(JobState::ALL, JobState::as_str),
            "sent,pending,retrying,failed,dead"
        );
        assert_eq!(
            names(EventState::ALL, EventState::as_str),
            "pending,processed,retrying,failed"
        );
        assert_eq!(
            names(AttemptOutcome::ALL, AttemptOutcome::as_str),
            "sent,transient,permanent"
        );
        assert!(JobState::Retrying.is_open() && !JobState::Dead.is_open());
        assert!(EventState::Pending.is_open() && !EventState::Processed.is_open());
    }

    #[test]
    fn a_version_is_a_number_on_the_wire() {
        let v: SettingsVersion = serde_json::from_str("7").unwrap();
        assert_eq!(v, SettingsVersion(7));
        assert_eq!(serde_json::to_string(&v.next()).unwrap(), "8");
        assert_eq!("3".parse::<SettingsVersion>().unwrap(), 3);
    }
}
