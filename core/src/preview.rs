//! What the merchant's rules will do, trigger by trigger, before saving.

use serde::{Deserialize, Serialize};

use crate::catalog::{Channel, Trigger};
use crate::decide::{ChannelOutcome, SkipReason, decide};
use crate::sample::{SampleContacts, sample_customer, sample_event_for};
use crate::settings::{Settings, Toggles};

/// One cell of the matrix: does this channel fire for this trigger?
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", content = "reason", rename_all = "snake_case")]
pub enum PreviewCell {
    Fires,
    Silent(SkipReason),
}

impl PreviewCell {
    pub fn fires(self) -> bool {
        self == PreviewCell::Fires
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewRow {
    pub trigger: Trigger,
    pub rule: Option<Toggles>,
    pub email: PreviewCell,
    pub sms: PreviewCell,
}

impl PreviewRow {
    pub fn cell(&self, channel: Channel) -> PreviewCell {
        match channel {
            Channel::Email => self.email,
            Channel::Sms => self.sms,
        }
    }
}

/// Something about the rules that is probably a mistake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Warning {
    /// A rule whose source never reports its status.
    NeverFires { trigger: Trigger },
    /// An active rule with both channels switched off.
    NoChannel { trigger: Trigger },
}

impl Warning {
    pub fn message(self) -> String {
        match self {
            Warning::NeverFires { trigger } => {
                SkipReason::SourceNeverEmits.explain(trigger, Channel::Email)
            }
            Warning::NoChannel { trigger } => format!(
                "The rule for {trigger} is active but sends nothing: switch on Email or SMS."
            ),
        }
    }
}

/// Every trigger (42 order + 2 invoice) with what each channel would do for
/// a customer who has both an email address and a phone number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewMatrix {
    pub rows: Vec<PreviewRow>,
    pub warnings: Vec<Warning>,
}

impl PreviewMatrix {
    pub fn row(&self, trigger: Trigger) -> Option<&PreviewRow> {
        self.rows.iter().find(|r| r.trigger == trigger)
    }

    /// How many (trigger, channel) pairs fire.
    pub fn firing(&self) -> usize {
        self.rows
            .iter()
            .flat_map(|r| Channel::ALL.map(|c| r.cell(c)))
            .filter(|c| c.fires())
            .count()
    }
}

pub fn preview(settings: &Settings) -> PreviewMatrix {
    // One customer for all rows: validating a phone number costs more than
    // deciding.
    let customer = sample_customer(SampleContacts::ALL);
    let rows = Trigger::all()
        .map(|trigger| {
            let decision = decide(settings, &sample_event_for(trigger, customer.clone()));
            let cell = |channel| match decision.outcome(channel) {
                ChannelOutcome::Send(_) => PreviewCell::Fires,
                ChannelOutcome::Skip { reason, .. } => PreviewCell::Silent(*reason),
            };
            PreviewRow {
                trigger,
                rule: settings.rule(trigger).map(|r| r.toggles()),
                email: cell(Channel::Email),
                sms: cell(Channel::Sms),
            }
        })
        .collect();
    let warnings = settings
        .rules()
        .filter_map(|rule| {
            if !rule.trigger.can_fire() {
                Some(Warning::NeverFires {
                    trigger: rule.trigger,
                })
            } else if rule.active && !rule.email && !rule.sms {
                Some(Warning::NoChannel {
                    trigger: rule.trigger,
                })
            } else {
                None
            }
        })
        .collect();
    PreviewMatrix { rows, warnings }
}
