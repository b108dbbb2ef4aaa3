//! The preview matrix and its warnings.

use notify_core::catalog::{Channel, InvoiceStatus, OrderSource, OrderStatus, Trigger};
use notify_core::decide::SkipReason;
use notify_core::preview::{PreviewCell, Warning, preview};
use notify_core::settings::{Rule, Settings, Toggles};

fn rule(trigger: Trigger, active: bool, email: bool, sms: bool) -> Rule {
    Rule::new(trigger, Toggles { active, email, sms })
}

#[test]
fn covers_all_44_triggers_in_order() {
    let m = preview(&Settings::default());
    assert_eq!(m.rows.len(), 44);
    assert_eq!(
        m.rows[0].trigger,
        Trigger::Order {
            source: OrderSource::Cto,
            status: OrderStatus::Initiated
        }
    );
    assert_eq!(
        m.rows[43].trigger,
        Trigger::Invoice {
            status: InvoiceStatus::Cancelled
        }
    );
    assert_eq!(m.firing(), 0);
    assert!(m.warnings.is_empty());
}

#[test]
fn shows_what_fires_and_why_not() {
    let delivered = Trigger::Order {
        source: OrderSource::Shopify,
        status: OrderStatus::Delivered,
    };
    let closed = Trigger::Invoice {
        status: InvoiceStatus::Closed,
    };
    let s = Settings::new([
        rule(delivered, true, true, false),
        rule(closed, false, true, true),
    ])
    .unwrap();
    let m = preview(&s);
    let row = m.row(delivered).unwrap();
    assert_eq!(row.cell(Channel::Email), PreviewCell::Fires);
    assert_eq!(
        row.cell(Channel::Sms),
        PreviewCell::Silent(SkipReason::ChannelOff)
    );
    assert_eq!(
        row.rule,
        Some(Toggles {
            active: true,
            email: true,
            sms: false
        })
    );
    assert_eq!(
        m.row(closed).unwrap().email,
        PreviewCell::Silent(SkipReason::RuleInactive)
    );
    assert_eq!(m.firing(), 1);
}

#[test]
fn warns_about_rules_that_cannot_fire_or_send_nothing() {
    let woo_sent = Trigger::Order {
        source: OrderSource::WooCommerce,
        status: OrderStatus::SentForProcessing,
    };
    let cto_ready = Trigger::Order {
        source: OrderSource::Cto,
        status: OrderStatus::Ready,
    };
    let inactive_silent = Trigger::Order {
        source: OrderSource::Cto,
        status: OrderStatus::Delivered,
    };
    let s = Settings::new([
        rule(woo_sent, true, true, true),
        rule(cto_ready, true, false, false),
        rule(inactive_silent, false, false, false),
    ])
    .unwrap();
    let m = preview(&s);
    assert_eq!(
        m.warnings,
        vec![
            Warning::NoChannel { trigger: cto_ready },
            Warning::NeverFires { trigger: woo_sent }
        ]
    );
    assert_eq!(
        m.row(woo_sent).unwrap().email,
        PreviewCell::Silent(SkipReason::SourceNeverEmits)
    );
    assert_eq!(
        m.warnings[0].message(),
        "The rule for CTO · Ready is active but sends nothing: switch on Email or SMS."
    );
}

#[test]
fn starter_settings_fire_and_raise_no_warnings() {
    let m = preview(&notify_core::sample::starter_settings());
    assert!(m.warnings.is_empty(), "{:?}", m.warnings);
    // 6 sources × (4 emails + 2 SMS), less WooCommerce's Sent for
    // Processing (which it never reports), plus the invoice email.
    assert_eq!(m.firing(), 6 * 6 - 1 + 1);
}
