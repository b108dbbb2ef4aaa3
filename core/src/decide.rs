//! Which messages an event causes under the merchant's rules, and why each
//! channel that stays silent does.

use serde::{Deserialize, Serialize};

use crate::catalog::{Channel, Trigger};
use crate::contact::{EmailAddress, PhoneNumber};
use crate::event::TransactionEvent;
use crate::settings::Settings;

/// Where one message goes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "channel", content = "to", rename_all = "snake_case")]
pub enum Recipient {
    Email(EmailAddress),
    Sms(PhoneNumber),
}

impl Recipient {
    pub fn channel(&self) -> Channel {
        match self {
            Recipient::Email(_) => Channel::Email,
            Recipient::Sms(_) => Channel::Sms,
        }
    }
}

/// A message to send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    pub trigger: Trigger,
    pub recipient: Recipient,
}

impl Delivery {
    pub fn channel(&self) -> Channel {
        self.recipient.channel()
    }
}

/// Why a channel does not fire. Listed in the order they are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum SkipReason {
    /// The source never reports this status (PLATFORMS.md mapping).
    SourceNeverEmits,
    NoRule,
    RuleInactive,
    ChannelOff,
    NoEmailAddress,
    NoPhoneNumber,
    OptedOut,
}

impl SkipReason {
    /// One sentence for the merchant.
    pub fn explain(self, trigger: Trigger, channel: Channel) -> String {
        match self {
            SkipReason::SourceNeverEmits => match trigger {
                Trigger::Order { source, status } => format!(
                    "{} never reports orders as {}, so this rule cannot fire.",
                    source.display_name(),
                    status.display_name()
                ),
                Trigger::Invoice { .. } => "This event never happens.".to_owned(),
            },
            SkipReason::NoRule => format!("There is no rule for {trigger}."),
            SkipReason::RuleInactive => format!("The rule for {trigger} is deactivated."),
            SkipReason::ChannelOff => {
                format!("{} is switched off for {trigger}.", channel.display_name())
            }
            SkipReason::NoEmailAddress => "The order has no customer email address.".to_owned(),
            SkipReason::NoPhoneNumber => "The order has no customer phone number.".to_owned(),
            SkipReason::OptedOut => "The customer replied STOP to your text messages.".to_owned(),
        }
    }
}

/// What happens on one channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ChannelOutcome {
    Send(Delivery),
    Skip {
        channel: Channel,
        reason: SkipReason,
    },
}

impl ChannelOutcome {
    pub fn channel(&self) -> Channel {
        match self {
            ChannelOutcome::Send(d) => d.channel(),
            ChannelOutcome::Skip { channel, .. } => *channel,
        }
    }
}

/// The outcome for every channel, in [`Channel::ALL`] order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub trigger: Trigger,
    pub outcomes: Vec<ChannelOutcome>,
}

impl Decision {
    pub fn deliveries(&self) -> impl Iterator<Item = &Delivery> {
        self.outcomes.iter().filter_map(|o| match o {
            ChannelOutcome::Send(d) => Some(d),
            ChannelOutcome::Skip { .. } => None,
        })
    }

    pub fn outcome(&self, channel: Channel) -> &ChannelOutcome {
        // Built with one outcome per channel in Channel::ALL order.
        &self.outcomes[channel as usize]
    }
}

pub fn decide(settings: &Settings, event: &TransactionEvent) -> Decision {
    let trigger = event.trigger();
    let outcomes = Channel::ALL
        .into_iter()
        .map(
            |channel| match skip_reason(settings, event, trigger, channel) {
                Err(reason) => ChannelOutcome::Skip { channel, reason },
                Ok(recipient) => ChannelOutcome::Send(Delivery { trigger, recipient }),
            },
        )
        .collect();
    Decision { trigger, outcomes }
}

fn skip_reason(
    settings: &Settings,
    event: &TransactionEvent,
    trigger: Trigger,
    channel: Channel,
) -> Result<Recipient, SkipReason> {
    if !trigger.can_fire() {
        return Err(SkipReason::SourceNeverEmits);
    }
    let rule = settings.rule(trigger).ok_or(SkipReason::NoRule)?;
    if !rule.active {
        return Err(SkipReason::RuleInactive);
    }
    if !rule.toggles().channel(channel) {
        return Err(SkipReason::ChannelOff);
    }
    let customer = &event.customer;
    match channel {
        Channel::Email => customer
            .email
            .clone()
            .map(Recipient::Email)
            .ok_or(SkipReason::NoEmailAddress),
        Channel::Sms => {
            let phone = customer.phone.clone().ok_or(SkipReason::NoPhoneNumber)?;
            if customer.sms_opted_out {
                return Err(SkipReason::OptedOut);
            }
            Ok(Recipient::Sms(phone))
        }
    }
}
