//! Every reason `decide` gives, and the deliveries it makes.

use notify_core::catalog::{Channel, InvoiceStatus, OrderSource, OrderStatus, Trigger};
use notify_core::decide::{ChannelOutcome, Recipient, SkipReason, decide};
use notify_core::sample::{SampleContacts, sample_event};
use notify_core::settings::{Rule, Settings, Toggles};

const SHOPIFY_DELIVERED: Trigger = Trigger::Order {
    source: OrderSource::Shopify,
    status: OrderStatus::Delivered,
};
const WOO_SENT: Trigger = Trigger::Order {
    source: OrderSource::WooCommerce,
    status: OrderStatus::SentForProcessing,
};

fn settings_with(trigger: Trigger, active: bool, email: bool, sms: bool) -> Settings {
    Settings::new([Rule::new(trigger, Toggles { active, email, sms })]).unwrap()
}

fn reasons(
    settings: &Settings,
    trigger: Trigger,
    contacts: SampleContacts,
) -> [Option<SkipReason>; 2] {
    let decision = decide(settings, &sample_event(trigger, contacts));
    assert_eq!(decision.trigger, trigger);
    Channel::ALL.map(|c| match decision.outcome(c) {
        ChannelOutcome::Send(d) => {
            assert_eq!(d.channel(), c);
            None
        }
        ChannelOutcome::Skip { channel, reason } => {
            assert_eq!(*channel, c);
            Some(*reason)
        }
    })
}

#[test]
fn both_channels_fire_with_their_recipients() {
    let s = settings_with(SHOPIFY_DELIVERED, true, true, true);
    let decision = decide(&s, &sample_event(SHOPIFY_DELIVERED, SampleContacts::ALL));
    let recipients: Vec<_> = decision.deliveries().map(|d| d.recipient.clone()).collect();
    assert_eq!(recipients.len(), 2);
    assert!(matches!(&recipients[0], Recipient::Email(e) if e.as_str() == "ada@example.com"));
    assert!(matches!(&recipients[1], Recipient::Sms(p) if p.as_e164() == "+14155550134"));
}

#[test]
fn no_rule() {
    let s = settings_with(SHOPIFY_DELIVERED, true, true, true);
    let other = Trigger::Invoice {
        status: InvoiceStatus::Closed,
    };
    assert_eq!(
        reasons(&s, other, SampleContacts::ALL),
        [Some(SkipReason::NoRule); 2]
    );
}

#[test]
fn rule_inactive() {
    let s = settings_with(SHOPIFY_DELIVERED, false, true, true);
    assert_eq!(
        reasons(&s, SHOPIFY_DELIVERED, SampleContacts::ALL),
        [Some(SkipReason::RuleInactive); 2]
    );
}

#[test]
fn channel_off() {
    let s = settings_with(SHOPIFY_DELIVERED, true, false, true);
    assert_eq!(
        reasons(&s, SHOPIFY_DELIVERED, SampleContacts::ALL),
        [Some(SkipReason::ChannelOff), None]
    );
    let s = settings_with(SHOPIFY_DELIVERED, true, true, false);
    assert_eq!(
        reasons(&s, SHOPIFY_DELIVERED, SampleContacts::ALL),
        [None, Some(SkipReason::ChannelOff)]
    );
}

#[test]
fn missing_contacts() {
    let s = settings_with(SHOPIFY_DELIVERED, true, true, true);
    let none = SampleContacts {
        email: false,
        phone: false,
        sms_opted_out: false,
    };
    assert_eq!(
        reasons(&s, SHOPIFY_DELIVERED, none),
        [
            Some(SkipReason::NoEmailAddress),
            Some(SkipReason::NoPhoneNumber)
        ]
    );
}

#[test]
fn opted_out_of_sms_still_gets_email() {
    let s = settings_with(SHOPIFY_DELIVERED, true, true, true);
    let opted_out = SampleContacts {
        sms_opted_out: true,
        ..SampleContacts::ALL
    };
    assert_eq!(
        reasons(&s, SHOPIFY_DELIVERED, opted_out),
        [None, Some(SkipReason::OptedOut)]
    );
}

#[test]
fn source_never_emits() {
    let s = settings_with(WOO_SENT, true, true, true);
    assert_eq!(
        reasons(&s, WOO_SENT, SampleContacts::ALL),
        [Some(SkipReason::SourceNeverEmits); 2]
    );
}

#[test]
fn reasons_are_explained_in_plain_words() {
    assert_eq!(
        SkipReason::SourceNeverEmits.explain(WOO_SENT, Channel::Email),
        "WooCommerce never reports orders as Sent for Processing, so this rule cannot fire."
    );
    assert_eq!(
        SkipReason::ChannelOff.explain(SHOPIFY_DELIVERED, Channel::Sms),
        "SMS is switched off for Shopify · Delivered."
    );
    assert_eq!(
        SkipReason::RuleInactive.explain(SHOPIFY_DELIVERED, Channel::Sms),
        "The rule for Shopify · Delivered is deactivated."
    );
}
