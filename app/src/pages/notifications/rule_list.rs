//! The merchant's rules, grouped into order and invoice notifications, each
//! with its Active, Email and SMS switches.

use leptos::prelude::*;
use notify_core::{Channel, Settings, Toggles, Trigger};

use crate::components::Switch;

#[component]
pub fn RuleList(settings: RwSignal<Settings>) -> impl IntoView {
    let triggers = move |orders: bool| {
        settings.with(|s| {
            s.rules()
                .map(|r| r.trigger)
                .filter(|t| matches!(t, Trigger::Order { .. }) == orders)
                .collect::<Vec<_>>()
        })
    };
    view! {
        <section class="card rules" aria-labelledby="order-rules-title">
            <h2 id="order-rules-title">"Order Notifications"</h2>
            <p class="card-hint">"A rule is an order source and an order status."</p>
            <ul class="rule-list">
                <For each=move || triggers(true) key=|t| *t let:trigger>
                    <RuleRow settings trigger />
                </For>
            </ul>
        </section>
        <section class="card rules" aria-labelledby="invoice-rules-title">
            <h2 id="invoice-rules-title">"Invoice Notifications"</h2>
            <p class="card-hint">"A rule is an invoice status."</p>
            <ul class="rule-list">
                <For each=move || triggers(false) key=|t| *t let:trigger>
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
