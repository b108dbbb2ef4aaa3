//! Property tests: decide respects every switch; rendering never panics and
//! always escapes; the wire format round-trips.
#![cfg(not(target_arch = "wasm32"))]

use notify_core::catalog::{Channel, Trigger};
use notify_core::contact::CustomerName;
use notify_core::decide::{Recipient, decide};
use notify_core::event::{Document, DocumentNumber};
use notify_core::merchant::MerchantName;
use notify_core::sample::{SampleContacts, sample_event};
use notify_core::settings::{Rule, Settings, Toggles};
use notify_core::sms::{SmsEncoding, measure};
use notify_core::templates::{MessageContext, escape_html, render_email, render_sms};
use proptest::prelude::*;

fn any_trigger() -> impl Strategy<Value = Trigger> {
    let all: Vec<Trigger> = Trigger::all().collect();
    proptest::sample::select(all)
}

fn any_toggles() -> impl Strategy<Value = Toggles> {
    (any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(active, email, sms)| Toggles {
        active,
        email,
        sms,
    })
}

fn any_settings() -> impl Strategy<Value = Settings> {
    proptest::collection::btree_map(any_trigger(), any_toggles(), 0..44)
        .prop_map(|rules| Settings::new(rules.into_iter().map(|(t, g)| Rule::new(t, g))).unwrap())
}

fn any_contacts() -> impl Strategy<Value = SampleContacts> {
    (any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(email, phone, sms_opted_out)| {
        SampleContacts {
            email,
            phone,
            sms_opted_out,
        }
    })
}

proptest! {
    #[test]
    fn decide_sends_exactly_what_the_rules_allow(settings in any_settings(), trigger in any_trigger(), contacts in any_contacts()) {
        let event = sample_event(trigger, contacts);
        let decision = decide(&settings, &event);
        prop_assert_eq!(decision.outcomes.len(), 2);
        let rule = settings.rule(trigger);
        for channel in Channel::ALL {
            let sent = decision.deliveries().any(|d| d.channel() == channel);
            let allowed = trigger.can_fire()
                && rule.is_some_and(|r| r.active && r.toggles().channel(channel))
                && match channel {
                    Channel::Email => contacts.email,
                    Channel::Sms => contacts.phone && !contacts.sms_opted_out,
                };
            prop_assert_eq!(sent, allowed, "{} {:?}", trigger, channel);
        }
        for delivery in decision.deliveries() {
            prop_assert_eq!(delivery.trigger, trigger);
            match &delivery.recipient {
                Recipient::Email(e) => prop_assert_eq!(Some(e), event.customer.email.as_ref()),
                Recipient::Sms(p) => prop_assert_eq!(Some(p), event.customer.phone.as_ref()),
            }
        }
    }

    #[test]
    fn settings_round_trip_through_json(settings in any_settings()) {
        let json = serde_json::to_string(&settings).unwrap();
        let back: Settings = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back, settings);
    }

    #[test]
    fn rendering_never_panics_and_always_escapes(
        store in "\\PC{1,40}",
        name in "\\PC{1,40}",
        number in "\\PC{1,20}",
        trigger in any_trigger(),
    ) {
        // Mark each value with markup so escaping is observable.
        let store = MerchantName::parse(&format!("S<i>{store}</i>&\"'"));
        let name = CustomerName::parse(&format!("N<u>{name}</u>"));
        let number = DocumentNumber::parse(&format!("D<s>{number}</s>"));
        let (Ok(store), Ok(name), Ok(number)) = (store, name, number) else {
            return Ok(()); // rejected inputs are the parsers' business
        };
        let mut event = sample_event(trigger, SampleContacts::ALL);
        event.customer.name = Some(name.clone());
        match &mut event.document {
            Document::Order { number: n, .. } | Document::Invoice { number: n, .. } => *n = number.clone(),
        }
        let ctx = MessageContext { merchant: &store, event: &event };
        let email = render_email(ctx);
        for tag in ["<i>", "</i>", "<u>", "</u>", "<s>", "</s>"] {
            prop_assert!(!email.html.contains(tag), "unescaped {} in HTML", tag);
        }
        prop_assert!(email.html.contains(&escape_html(store.as_str())));
        prop_assert!(email.html.contains(&escape_html(name.first_name())));
        prop_assert!(email.html.contains(&escape_html(number.as_str())));
        prop_assert!(email.text.contains(store.as_str()));
        prop_assert!(email.subject.contains(number.as_str()));
        let sms = render_sms(ctx);
        prop_assert!(sms.text.starts_with(store.as_str()));
        prop_assert_eq!(sms.length, measure(&sms.text));
    }

    #[test]
    fn sms_segments_hold_every_unit(text in "\\PC{0,400}") {
        let m = measure(&text);
        let (single, part) = match m.encoding {
            SmsEncoding::Gsm7 => (160, 153),
            SmsEncoding::Ucs2 => (70, 67),
        };
        prop_assert!(m.units >= text.chars().count());
        prop_assert_eq!(m.segments == 0, text.is_empty());
        if m.units <= single {
            prop_assert!(m.segments <= 1);
        } else {
            // Parts are filled greedily; a two-unit character that does not
            // fit moves whole to the next part, wasting at most one unit.
            prop_assert!(m.segments >= m.units.div_ceil(part));
            prop_assert!(m.segments <= m.units.div_ceil(part - 1));
        }
    }

    #[test]
    fn escape_leaves_no_markup_characters(text in "\\PC*") {
        let escaped = escape_html(&text);
        prop_assert!(!escaped.contains(['<', '>', '"', '\'']));
        prop_assert_eq!(
            escaped.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&"),
            text
        );
    }
}
