//! Small display helpers shared by the log pages.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use notify_core::{AttemptOutcome, EventOutcome, EventState, JobState};

/// A time as the log pages show it: `2026-03-14 15:09:26 UTC`.
pub fn utc_time(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// `2026-03-14T15:09:26.512+00:00` → `2026-03-14 15:09:26 UTC`; a time in
/// another offset, or not a time, as it is.
pub fn short_time(rfc3339: &str) -> String {
    match DateTime::parse_from_rfc3339(rfc3339) {
        Ok(t) if t.offset().local_minus_utc() == 0 => utc_time(t.with_timezone(&Utc)),
        _ => rfc3339.to_owned(),
    }
}

/// A state as its badge shows it: the stored name and a colour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadgeState {
    name: String,
    tone: &'static str,
}

const SUCCESS: &str = "success";
const NEUTRAL: &str = "neutral";
const WARNING: &str = "warning";
const DANGER: &str = "danger";

impl BadgeState {
    fn new(name: &str, tone: &'static str) -> Self {
        BadgeState {
            name: name.to_owned(),
            tone,
        }
    }
}

impl From<JobState> for BadgeState {
    fn from(state: JobState) -> Self {
        let tone = match state {
            JobState::Sent => SUCCESS,
            JobState::Pending => NEUTRAL,
            JobState::Retrying => WARNING,
            JobState::Failed | JobState::Dead => DANGER,
        };
        BadgeState::new(state.as_str(), tone)
    }
}

impl From<EventState> for BadgeState {
    fn from(state: EventState) -> Self {
        let tone = match state {
            EventState::Processed => SUCCESS,
            EventState::Pending => NEUTRAL,
            EventState::Retrying => WARNING,
            EventState::Failed => DANGER,
        };
        BadgeState::new(state.as_str(), tone)
    }
}

impl From<AttemptOutcome> for BadgeState {
    fn from(outcome: AttemptOutcome) -> Self {
        let tone = match outcome {
            AttemptOutcome::Sent => SUCCESS,
            AttemptOutcome::Transient => WARNING,
            AttemptOutcome::Permanent => DANGER,
        };
        BadgeState::new(outcome.as_str(), tone)
    }
}

impl From<EventOutcome> for BadgeState {
    fn from(outcome: EventOutcome) -> Self {
        let tone = match outcome {
            EventOutcome::JobsCreated => SUCCESS,
            EventOutcome::NoRule | EventOutcome::Stale | EventOutcome::Unmappable => NEUTRAL,
            EventOutcome::Failed => DANGER,
        };
        BadgeState::new(outcome.as_str(), tone)
    }
}

/// A name from elsewhere: one of the states above, or a provider's
/// delivery status (`delivered`, `queued`, ...).
impl From<String> for BadgeState {
    fn from(name: String) -> Self {
        let known = JobState::parse(&name)
            .map(BadgeState::from)
            .or_else(|| EventState::parse(&name).map(BadgeState::from))
            .or_else(|| AttemptOutcome::parse(&name).map(BadgeState::from));
        known.unwrap_or_else(|| {
            let tone = match name.as_str() {
                "delivered" => SUCCESS,
                "queued" => NEUTRAL,
                _ => DANGER,
            };
            BadgeState { name, tone }
        })
    }
}

/// A coloured state badge: sent, pending, retrying, failed, dead…
#[component]
pub fn StateBadge(#[prop(into)] state: BadgeState) -> impl IntoView {
    let BadgeState { name, tone } = state;
    let label = crate::components::field::capitalise(&name.replace('_', " "));
    view! { <span class=format!("badge {tone}") data-state=name>{label}</span> }
}

/// A log's table: its column headings, then the rows (`children`).
#[component]
pub fn LogTable(
    /// `data-testid` of the table.
    testid: &'static str,
    columns: &'static [&'static str],
    children: Children,
) -> impl IntoView {
    view! {
        <div class="table-scroll">
            <table class="table" data-testid=testid>
                <thead>
                    <tr>{columns.iter().map(|c| view! { <th scope="col">{*c}</th> }).collect_view()}</tr>
                </thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify_core::Trigger;

    #[test]
    fn times_read_as_utc() {
        assert_eq!(
            short_time("2026-03-14T15:09:26.512+00:00"),
            "2026-03-14 15:09:26 UTC"
        );
        assert_eq!(
            short_time("2026-03-14T15:09:26Z"),
            "2026-03-14 15:09:26 UTC"
        );
        assert_eq!(short_time("soon"), "soon");
        let at = DateTime::parse_from_rfc3339("2026-03-14T15:09:26.512+00:00")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(utc_time(at), "2026-03-14 15:09:26 UTC");
    }

    #[test]
    fn trigger_keys_read_as_names() {
        let label = |key: &str| Trigger::from_key(key).unwrap().to_string();
        assert_eq!(label("order.shopify.ready"), "Shopify · Ready");
        assert_eq!(label("invoice.closed"), "Invoice · Closed");
    }

    #[test]
    fn badges_take_their_colour_from_the_state() {
        let tone = |s: BadgeState| s.tone;
        assert_eq!(tone(JobState::Sent.into()), "success");
        assert_eq!(tone(JobState::Retrying.into()), "warning");
        assert_eq!(tone(JobState::Dead.into()), "danger");
        assert_eq!(tone(EventState::Processed.into()), "success");
        assert_eq!(tone(EventOutcome::JobsCreated.into()), "success");
        assert_eq!(tone(EventOutcome::Stale.into()), "neutral");
        assert_eq!(tone(AttemptOutcome::Transient.into()), "warning");
        assert_eq!(tone("pending".to_owned().into()), "neutral");
        assert_eq!(tone("delivered".to_owned().into()), "success");
        assert_eq!(tone("jobs_created".to_owned().into()), "danger");
    }
}
