//! The merchant's rules, grouped into order and invoice notifications, each
//! with its Active, Email and SMS switches.

use leptos::prelude::*;
use notify_core::{Channel, Settings, Toggles, Trigger};

use crate::components::Switch;

#[component]
pub fn RuleList(settings: RwSignal<Settings>) -> impl IntoView {
    view! {
        <RuleSection
            settings
            orders=true
            id="order-rules-title"
            title="Order Notifications"
            hint="A rule is an order source and an order status."
        />
        <RuleSection
            settings
            orders=false
            id="invoice-rules-title"
            title="Invoice Notifications"
            hint="A rule is an invoice status."
        />
    }
}

/// One card of rules: the order rules or the invoice rules.
#[component]
fn RuleSection(
    settings: RwSignal<Settings>,
    orders: bool,
    id: &'static str,
    title: &'static str,
    hint: &'static str,
) -> impl IntoView {
    let triggers = move || {
        settings.with(|s| {
            s.rules()
                .map(|r| r.trigger)
                .filter(|t| matches!(t, Trigger::Order { .. }) == orders)
                .collect::<Vec<_>>()
        })
    };
    view! {
        <section class="card rules" aria-labelledby=id>
            <h2 id=id>{title}</h2>
            <p class="card-hint">{hint}</p>
            <ul class="rule-list">
                <For each=triggers key=|t| *t let:trigger>
                    <RuleRow settings trigger />
                </For>
            </ul>
        </section>
    }
}

#[component]
fn RuleRow(settings: RwSignal<Settings>, trigger: Trigger) -> impl IntoView {
    let toggles = Memo::new(move |_| {
        settings.with(|s| {
            s.rule(trigger).map(|r| r.toggles()).unwrap_or(Toggles {
                active: false,
                email: false,
                sms: false,
            })
        })
    });
    let set = move |change: fn(&mut Toggles, bool)| {
        Callback::new(move |on: bool| {
            settings.update(|s| {
                s.update(trigger, |t| change(t, on));
            })
        })
    };
    let (source, status) = match trigger {
        Trigger::Order { source, status } => (source.display_name(), status.display_name()),
        Trigger::Invoice { status } => ("Invoice", status.display_name()),
    };
    let key = trigger.key();
    view! {
        <li class="rule" class:inactive=move || !toggles.get().active data-testid=format!("rule:{key}")>
            <div class="rule-trigger">
                <span class="rule-source">{source}</span>
                <span class="rule-status">{status}</span>
            </div>
            <div class="rule-switches">
                <Switch
                    label="Active"
                    accessible_name=format!("Active: {trigger}")
                    checked=Signal::derive(move || toggles.get().active)
                    on_change=set(|t, on| t.active = on)
                    test_id=format!("{key}:active")
                />
                <Switch
                    label="Email"
                    accessible_name=format!("Email for {trigger}")
                    checked=Signal::derive(move || toggles.get().email)
                    on_change=set(|t, on| t.set_channel(Channel::Email, on))
                    test_id=format!("{key}:email")
                />
                <Switch
                    label="SMS"
                    accessible_name=format!("SMS for {trigger}")
                    checked=Signal::derive(move || toggles.get().sms)
                    on_change=set(|t, on| t.set_channel(Channel::Sms, on))
                    test_id=format!("{key}:sms")
                />
            </div>
        </li>
    }
}
