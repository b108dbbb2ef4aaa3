//! Creating rules: an order status for one or several sources at once, or
//! an invoice status. A trigger that already has a rule cannot be chosen.

use std::collections::BTreeSet;

use leptos::prelude::*;
use notify_core::{InvoiceStatus, OrderSource, OrderStatus, Rule, Toggles, Trigger};

use super::draft::Draft;

/// A new rule starts active, by email.
const NEW_RULE: Toggles = Toggles {
    active: true,
    email: true,
    sms: false,
};

fn add_rules(draft: Draft, triggers: impl IntoIterator<Item = Trigger>) {
    let mut first = None;
    draft.rules.update(|s| {
        for trigger in triggers {
            if s.add(Rule::new(trigger, NEW_RULE)).is_ok() {
                first.get_or_insert(trigger);
            }
        }
    });
    if let Some(trigger) = first {
        draft.selected.set(trigger);
    }
}

#[component]
pub fn AddOrderRules(draft: Draft) -> impl IntoView {
    let status = RwSignal::new(OrderStatus::Delivered);
    let chosen = RwSignal::new(BTreeSet::<OrderSource>::new());
    let has_rule = move |source: OrderSource| {
        let status = status.get();
        draft
            .rules
            .with(|s| s.rule(Trigger::Order { source, status }).is_some())
    };
    // Changing the status keeps only the sources still free for it.
    let choose_status = move |slug: String| {
        if let Some(s) = OrderStatus::from_slug(&slug) {
            status.set(s);
            chosen.update(|c| c.retain(|source| !has_rule(*source)));
        }
    };
    let select_all = move |_| {
        chosen.set(
            OrderSource::ALL
                .into_iter()
                .filter(|s| !has_rule(*s))
                .collect(),
        )
    };
    let add = move |_| {
        let status = status.get_untracked();
        let sources = chosen.get_untracked();
        add_rules(
            draft,
            sources
                .into_iter()
                .map(|source| Trigger::Order { source, status }),
        );
        chosen.set(BTreeSet::new());
    };
    let label = move || match chosen.with(BTreeSet::len) {
        0 | 1 => "Add rule".to_owned(),
        n => format!("Add {n} rules"),
    };
    view! {
        <div class="add-rule" role="group" aria-labelledby="add-order-title">
            <p id="add-order-title" class="add-rule-title">"Add an order rule"</p>
            <div class="add-rule-grid">
                <div class="field">
                    <label for="add-order-status">"Order status"</label>
                    <select
                        id="add-order-status"
                        data-testid="add-order-status"
                        on:change=move |ev| choose_status(event_target_value(&ev))
                    >
                        {OrderStatus::ALL
                            .into_iter()
                            .map(|s| {
                                view! {
                                    <option value=s.slug() selected=move || status.get() == s>
                                        {s.display_name()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <fieldset class="source-picks">
                    <legend>"Order sources"</legend>
                    {OrderSource::ALL
                        .into_iter()
                        .map(|source| {
                            let taken = move || has_rule(source);
                            view! {
                                <label class="check" class:taken=taken>
                                    <input
                                        type="checkbox"
                                        data-testid=format!("add-source:{}", source.slug())
                                        prop:checked=move || taken() || chosen.with(|c| c.contains(&source))
                                        prop:disabled=taken
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            chosen.update(|c| {
                                                if on {
                                                    c.insert(source);
                                                } else {
                                                    c.remove(&source);
                                                }
                                            });
                                        }
                                    />
                                    <span>{source.display_name()}</span>
                                    {move || taken().then(|| view! { <span class="check-note">"has a rule"</span> })}
                                </label>
                            }
                        })
                        .collect_view()}
                </fieldset>
            </div>
            <div class="add-rule-actions">
                <button type="button" class="button ghost small" on:click=select_all>
                    "Select all sources"
                </button>
                <button
                    type="button"
                    class="button"
                    data-testid="add-order-rule"
                    disabled=move || chosen.with(BTreeSet::is_empty)
                    on:click=add
                >
                    {label}
                </button>
            </div>
        </div>
    }
}

#[component]
pub fn AddInvoiceRule(draft: Draft) -> impl IntoView {
    let missing = move || {
        draft.rules.with(|s| {
            InvoiceStatus::ALL
                .into_iter()
                .filter(|status| s.rule(Trigger::Invoice { status: *status }).is_none())
                .collect::<Vec<_>>()
        })
    };
    let picked = RwSignal::new(None::<InvoiceStatus>);
    let current = move || {
        picked
            .get()
            .filter(|p| missing().contains(p))
            .or_else(|| missing().first().copied())
    };
    let add = move |_| {
        if let Some(status) = current() {
            add_rules(draft, [Trigger::Invoice { status }]);
        }
    };
    view! {
        <Show
            when=move || !missing().is_empty()
            fallback=|| view! { <p class="card-hint">"Both invoice statuses have a rule."</p> }
        >
            <div class="add-rule add-rule-inline" role="group" aria-labelledby="add-invoice-title">
                <p id="add-invoice-title" class="add-rule-title">"Add an invoice rule"</p>
                <div class="field">
                    <label for="add-invoice-status">"Invoice status"</label>
                    <select
                        id="add-invoice-status"
                        data-testid="add-invoice-status"
                        on:change=move |ev| picked.set(InvoiceStatus::from_slug(&event_target_value(&ev)))
                    >
                        {move || {
                            missing()
                                .into_iter()
                                .map(|s| {
                                    view! {
                                        <option value=s.slug() selected=move || current() == Some(s)>
                                            {s.display_name()}
                                        </option>
                                    }
                                })
                                .collect_view()
                        }}
                    </select>
                </div>
                <button type="button" class="button" data-testid="add-invoice-rule" on:click=add>
                    "Add rule"
                </button>
            </div>
        </Show>
    }
}
