//! What rules would have sent over the merchant's recent history: the
//! settings page answers "what will this change do?" before saving, with
//! the same [`decide`] the server uses, over a compact history that names
//! no customer (which contacts each past event had, and how many SMS
//! segments its text took).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::catalog::{Channel, Trigger};
use crate::decide::{ChannelOutcome, decide};
use crate::event::TransactionEvent;
use crate::sample::{SampleContacts, sample_event};
use crate::settings::Settings;

/// Past events that `decide` treats alike: one trigger, the same contacts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryGroup {
    pub trigger: Trigger,
    pub email: bool,
    pub phone: bool,
    pub sms_opted_out: bool,
    /// How many orders or invoices reached this status (each once).
    pub events: u32,
    /// The SMS segments their texts take, summed.
    pub sms_segments: u32,
}

/// Builds the groups, one event at a time (each order's status once: the
/// caller leaves out repeated webhooks of one transition).
#[derive(Debug, Default)]
pub struct HistoryBuilder {
    groups: BTreeMap<(String, bool, bool, bool), HistoryGroup>,
}

impl HistoryBuilder {
    pub fn add(&mut self, event: &TransactionEvent, sms_segments: usize) {
        let c = &event.customer;
        let (email, phone) = (c.email.is_some(), c.phone.is_some());
        let trigger = event.trigger();
        let group = self
            .groups
            .entry((trigger.key(), email, phone, c.sms_opted_out))
            .or_insert(HistoryGroup {
                trigger,
                email,
                phone,
                sms_opted_out: c.sms_opted_out,
                events: 0,
                sms_segments: 0,
            });
        group.events += 1;
        group.sms_segments += u32::try_from(sms_segments).unwrap_or(u32::MAX);
    }

    pub fn finish(self) -> Vec<HistoryGroup> {
        self.groups.into_values().collect()
    }
}

/// How much a set of rules sends.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Volume {
    pub emails: u32,
    pub texts: u32,
    pub sms_segments: u32,
}

impl std::ops::AddAssign for Volume {
    fn add_assign(&mut self, other: Volume) {
        self.emails += other.emails;
        self.texts += other.texts;
        self.sms_segments += other.sms_segments;
    }
}

/// What `rules` would have sent for one group.
fn group_volume(rules: &Settings, group: &HistoryGroup) -> Volume {
    let contacts = SampleContacts {
        email: group.email,
        phone: group.phone,
        sms_opted_out: group.sms_opted_out,
    };
    let event = sample_event(group.trigger, contacts);
    let mut volume = Volume::default();
    for outcome in decide(rules, &event).outcomes {
        if let ChannelOutcome::Send(delivery) = outcome {
            match delivery.channel() {
                Channel::Email => volume.emails += group.events,
                Channel::Sms => {
                    volume.texts += group.events;
                    volume.sms_segments += group.sms_segments;
                }
            }
        }
    }
    volume
}

/// What `rules` would have sent over `history`, in all and per trigger
/// (triggers that send nothing are left out).
pub fn volume(rules: &Settings, history: &[HistoryGroup]) -> (Volume, Vec<(Trigger, Volume)>) {
    let mut total = Volume::default();
    let mut per_trigger: Vec<(Trigger, Volume)> = Vec::new();
    for group in history {
        let v = group_volume(rules, group);
        if v == Volume::default() {
            continue;
        }
        total += v;
        match per_trigger.iter_mut().find(|(t, _)| *t == group.trigger) {
            Some((_, sum)) => *sum += v,
            None => per_trigger.push((group.trigger, v)),
        }
    }
    (total, per_trigger)
}

/// "+120 texts, −40 emails": how `draft` differs from `saved`; empty when
/// it does not.
pub fn describe_change(saved: Volume, draft: Volume) -> String {
    let diff = |now: u32, before: u32, one: &str, many: &str| {
        let d = i64::from(now) - i64::from(before);
        (d != 0).then(|| {
            let sign = if d > 0 { "+" } else { "\u{2212}" };
            let unit = if d.abs() == 1 { one } else { many };
            format!("{sign}{} {unit}", d.abs())
        })
    };
    [
        diff(draft.emails, saved.emails, "email", "emails"),
        diff(draft.texts, saved.texts, "text", "texts"),
        diff(
            draft.sms_segments,
            saved.sms_segments,
            "SMS segment",
            "SMS segments",
        ),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{OrderSource, OrderStatus};
    use crate::sample::starter_settings;
    use crate::settings::{Rule, Toggles};

    fn ready() -> Trigger {
        Trigger::Order {
            source: OrderSource::Shopify,
            status: OrderStatus::Ready,
        }
    }

    fn history() -> Vec<HistoryGroup> {
        let mut b = HistoryBuilder::default();
        for (email, phone, opted_out, n) in [
            (true, true, false, 5),
            (true, false, false, 3),
            (false, true, true, 2),
        ] {
            for _ in 0..n {
                let contacts = SampleContacts {
                    email,
                    phone,
                    sms_opted_out: opted_out,
                };
                b.add(&sample_event(ready(), contacts), 2);
            }
        }
        b.finish()
    }

    #[test]
    fn counts_what_decide_sends_per_contact_group() {
        let h = history();
        assert_eq!(h.len(), 3);
        let only = |email: bool, sms: bool| {
            Settings::new([Rule::new(
                ready(),
                Toggles {
                    active: true,
                    email,
                    sms,
                },
            )])
            .unwrap()
        };
        // Email: the 8 events with an address. Texts: the 5 with a phone
        // not opted out, 2 segments each.
        let (total, per) = volume(&only(true, true), &h);
        assert_eq!(
            total,
            Volume {
                emails: 8,
                texts: 5,
                sms_segments: 10
            }
        );
        assert_eq!(per, vec![(ready(), total)]);
        let (email_only, _) = volume(&only(true, false), &h);
        assert_eq!(
            describe_change(total, email_only),
            "\u{2212}5 texts, \u{2212}10 SMS segments"
        );
        assert_eq!(describe_change(email_only, email_only), "");
        let (none, per) = volume(&Settings::default(), &h);
        assert_eq!((none, per.len()), (Volume::default(), 0));
        assert!(volume(&starter_settings(), &h).0.texts > 0);
    }
}
