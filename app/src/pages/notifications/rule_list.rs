//! The merchant's rules, grouped into order and invoice notifications, each
//! with its Active, Email and SMS switches and a way to remove it.

use leptos::prelude::*;
use notify_core::{Channel, Toggles, Trigger};

use super::add_rule::{AddInvoiceRule, AddOrderRules};
use super::draft::Draft;
use crate::components::Switch;

#[component]
pub fn RuleList(draft: Draft) -> impl IntoView {
    let empty = move || draft.rules.with(|s| s.is_empty());
    let recommended = move |_| {
        draft.rules.set(notify_core::sample::starter_settings());
    };
    view! {
        <Show when=empty>
            <div class="callout info" data-testid="getting-started">
                <p class="callout-title">"No notifications yet"</p>
                <p>
                    "Start from the moments customers most want to hear about (order sent for processing, ready, delivered, cancelled, and closed invoices), "
                    "then adjust. Nothing is sent until you save."
                </p>
                <div class="callout-actions">
                    <button type="button" class="button primary" on:click=recommended>
                        "Add the recommended rules"
                    </button>
                </div>
            </div>
        </Show>
        <section class="card rules" aria-labelledby="order-rules-title">
            <div class="card-title-row">
                <h2 id="order-rules-title">"Order Notifications"</h2>
                <RuleCount draft orders=true />
            </div>
            <p class="card-hint">"A rule is an order source and an order status: when an order from that source reaches that status, the customer hears about it."</p>
            <AddOrderRules draft />
            <Rules draft orders=true empty="No order notifications yet. Add one above." />
        </section>
        <section class="card rules" aria-labelledby="invoice-rules-title">
            <div class="card-title-row">
                <h2 id="invoice-rules-title">"Invoice Notifications"</h2>
                <RuleCount draft orders=false />
            </div>
            <p class="card-hint">"A rule is an invoice status, for invoices from every channel."</p>
            <AddInvoiceRule draft />
            <Rules draft orders=false empty="No invoice notifications yet." />
        </section>
    }
}

fn is_order(trigger: &Trigger) -> bool {
    matches!(trigger, Trigger::Order { .. })
}

#[component]
fn RuleCount(draft: Draft, orders: bool) -> impl IntoView {
    let count = move || {
        draft
            .rules
            .with(|s| s.rules().filter(|r| is_order(&r.trigger) == orders).count())
    };
    view! {
        <span class="pill">
            {move || match count() {
                1 => "1 rule".to_owned(),
                n => format!("{n} rules"),
            }}
        </span>
    }
}

#[component]
fn Rules(draft: Draft, orders: bool, empty: &'static str) -> impl IntoView {
    let triggers = move || {
        draft.rules.with(|s| {
            s.rules()
                .map(|r| r.trigger)
                .filter(|t| is_order(t) == orders)
                .collect::<Vec<_>>()
        })
    };
    view! {
        <Show when=move || !triggers().is_empty() fallback=move || view! { <p class="empty">{empty}</p> }>
            <ul class="rule-list">
                <For each=triggers key=|t| *t let:trigger>
                    <RuleRow draft trigger />
                </For>
            </ul>
        </Show>
    }
}

#[component]
fn RuleRow(draft: Draft, trigger: Trigger) -> impl IntoView {
    let toggles = Memo::new(move |_| {
        draft.rules.with(|s| {
            s.rule(trigger).map(|r| r.toggles()).unwrap_or(Toggles {
                active: false,
                email: false,
                sms: false,
            })
        })
    });
    let set = move |change: fn(&mut Toggles, bool)| {
        Callback::new(move |on: bool| {
            draft.rules.update(|s| {
                s.update(trigger, |t| change(t, on));
            })
        })
    };
    let (source, status) = match trigger {
        Trigger::Order { source, status } => (source.display_name(), status.display_name()),
        Trigger::Invoice { status } => ("Invoice", status.display_name()),
    };
    let key = trigger.key();
    let error = move || draft.errors.with(|e| e.get(&trigger).cloned());
    let selected = move || draft.selected.get() == trigger;
    view! {
        <li
            class="rule"
            class:inactive=move || !toggles.get().active
            class:selected=selected
            class:has-error=move || error().is_some()
            data-testid=format!("rule:{key}")
        >
            <div class="rule-trigger">
                <span class="rule-source">{source}</span>
                <span class="rule-status">{status}</span>
                {(!trigger.can_fire()).then(|| view! { <span class="badge warning">"Never fires"</span> })}
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
            <div class="rule-actions">
                <button
                    type="button"
                    class="button ghost small"
                    aria-pressed=move || selected().to_string()
                    aria-label=format!("Preview messages for {trigger}")
                    on:click=move |_| draft.selected.set(trigger)
                >
                    "Preview"
                </button>
                <button
                    type="button"
                    class="button ghost small danger-text"
                    aria-label=format!("Remove rule {trigger}")
                    data-testid=format!("{key}:remove")
                    on:click=move |_| {
                        draft.rules.update(|s| {
                            s.remove(trigger);
                        });
                        draft.errors.update(|e| {
                            e.remove(&trigger);
                        });
                    }
                >
                    "Remove"
                </button>
            </div>
            {move || error().map(|message| view! { <p class="rule-error" role="alert">{message}</p> })}
        </li>
    }
}
