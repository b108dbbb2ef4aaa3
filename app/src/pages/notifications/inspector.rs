//! The inspector: for one trigger and a sample customer (or the merchant's
//! latest real order for it), what `decide` says for each channel ("Why
//! not?") and the exact messages `render` produces: email subject, HTML (in
//! a sandboxed frame), plain text, and the SMS with its length and
//! segments. Read-only: these are the system's messages.

use leptos::prelude::*;
use notify_core::sample::{SampleContacts, sample_event, sample_event_for};
use notify_core::{
    ChannelOutcome, Decision, EmailMessage, InvoiceStatus, MerchantName, MessageContext,
    OrderSource, OrderStatus, Recipient, SmsMessage, Trigger, decide, render_email, render_sms,
};

use super::draft::Draft;
use super::server_fns::{RealOrder, latest_real_order};

/// What the messages are filled in with.
enum Filling {
    Sample,
    /// The merchant's latest real order is being fetched.
    Loading,
    /// There is none for the trigger in the window: the sample stands in.
    NoRealOrder,
    /// Boxed: an order with its messages is far larger than the other cases.
    Real(Box<RealOrder>),
}

impl Filling {
    /// Says which order the messages show, when it is not plainly the sample.
    fn note(&self) -> String {
        match self {
            Filling::Sample => String::new(),
            Filling::Loading => "Loading your latest order…".to_owned(),
            Filling::NoRealOrder => {
                "No real order for this event in the last 30 days: showing the sample.".to_owned()
            }
            Filling::Real(real) => format!(
                "Showing your {} #{} as its customer would get it.",
                if real.invoice { "invoice" } else { "order" },
                real.number,
            ),
        }
    }
}

/// What the inspector shows for the selected trigger.
#[derive(Clone, PartialEq)]
struct Shown {
    /// Whose order fills the messages in, when it is not the sample's.
    note: String,
    decision: Decision,
    email: EmailMessage,
    sms: SmsMessage,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Email,
    Text,
    Sms,
}

impl Tab {
    const ALL: [Tab; 3] = [Tab::Email, Tab::Text, Tab::Sms];

    fn label(self) -> &'static str {
        match self {
            Tab::Email => "Email",
            Tab::Text => "Plain text",
            Tab::Sms => "SMS",
        }
    }

    fn tab_id(self) -> &'static str {
        match self {
            Tab::Email => "message-tab-email",
            Tab::Text => "message-tab-text",
            Tab::Sms => "message-tab-sms",
        }
    }

    fn panel_id(self) -> &'static str {
        match self {
            Tab::Email => "message-panel-email",
            Tab::Text => "message-panel-text",
            Tab::Sms => "message-panel-sms",
        }
    }
}

/// A tab panel's `hidden`: one function, so the three panels share one
/// reactive attribute type (and one copy of its code in the WASM).
fn hidden_unless(
    tab: RwSignal<Tab>,
    shown: Tab,
) -> impl Fn() -> bool + Copy + Send + Sync + 'static {
    move || tab.get() != shown
}

#[component]
pub fn Inspector(draft: Draft, merchant: StoredValue<MerchantName>) -> impl IntoView {
    let contacts = RwSignal::new(SampleContacts::ALL);
    let use_real = RwSignal::new(false);
    // The latest real order, fetched in the browser when asked for (effects
    // do not run on the server), for the trigger it was fetched for. Its
    // messages come rendered by the server.
    let real: RwSignal<Option<(Trigger, Option<RealOrder>)>> = RwSignal::new(None);
    Effect::new(move |_| {
        let (on, trigger) = (use_real.get(), draft.selected.get());
        let cached = real.with_untracked(|r| r.as_ref().is_some_and(|(t, _)| *t == trigger));
        if on && !cached {
            leptos::task::spawn_local(async move {
                let found = latest_real_order(trigger).await.ok().flatten();
                real.set(Some((trigger, found)));
            });
        }
    });
    // Everything shown, in one memo: the inputs change together and are
    // cheap to recompute, and the DOM is only touched where a value differs.
    let shown = Memo::new(move |_| {
        let trigger = draft.selected.get();
        let filling = if !use_real.get() {
            Filling::Sample
        } else {
            real.with(|r| match r {
                Some((t, Some(real))) if *t == trigger => Filling::Real(Box::new(real.clone())),
                Some((t, None)) if *t == trigger => Filling::NoRealOrder,
                _ => Filling::Loading,
            })
        };
        let note = filling.note();
        let real_order = match filling {
            Filling::Real(real) => Some(*real),
            _ => None,
        };
        // The sample order, or for a real one its customer: what `decide`
        // reads (the trigger, the rules, the contacts).
        let event = match &real_order {
            Some(real) => sample_event_for(trigger, real.customer.clone()),
            None => sample_event(trigger, contacts.get()),
        };
        let decision = draft.rules.with(|s| decide(s, &event));
        let (email, sms) = match real_order {
            Some(real) => (real.email, real.sms),
            None => merchant.with_value(|merchant| {
                let context = MessageContext {
                    merchant,
                    event: &event,
                };
                (render_email(context), render_sms(context))
            }),
        };
        Shown {
            note,
            decision,
            email,
            sms,
        }
    });
    let tab = RwSignal::new(Tab::Email);
    let contact = move |label: &'static str,
                        test_id: &'static str,
                        get: fn(&SampleContacts) -> bool,
                        set: fn(&mut SampleContacts, bool)| {
        view! {
            <label class="check">
                <input
                    type="checkbox"
                    data-testid=test_id
                    prop:checked=move || contacts.with(get)
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        contacts.update(|c| set(c, on));
                    }
                />
                <span>{label}</span>
            </label>
        }
    };

    view! {
        <section class="card inspector" aria-labelledby="inspector-title" data-testid="inspector">
            <div class="card-title-row">
                <h2 id="inspector-title">"Message preview"</h2>
                <span class="pill">"Read-only"</span>
            </div>
            <p class="card-hint">
                "Pick an event to see what a sample customer would get, and why a channel stays silent. "
                "Messages are written by us and filled in with the order's details."
            </p>
            <div class="field">
                <label for="inspect-trigger">"Event"</label>
                <select
                    id="inspect-trigger"
                    data-testid="inspect-trigger"
                    on:change=move |ev| {
                        if let Some(t) = Trigger::from_key(&event_target_value(&ev)) {
                            draft.selected.set(t);
                        }
                    }
                >
                    {OrderSource::ALL
                        .into_iter()
                        .map(|source| {
                            view! {
                                <optgroup label=source.display_name()>
                                    {OrderStatus::ALL
                                        .into_iter()
                                        .map(|status| trigger_option(draft, Trigger::Order { source, status }))
                                        .collect_view()}
                                </optgroup>
                            }
                        })
                        .collect_view()}
                    <optgroup label="Invoices">
                        {InvoiceStatus::ALL
                            .into_iter()
                            .map(|status| trigger_option(draft, Trigger::Invoice { status }))
                            .collect_view()}
                    </optgroup>
                </select>
            </div>
            <label class="check">
                <input
                    type="checkbox"
                    data-testid="use-real-order"
                    prop:checked=move || use_real.get()
                    on:change=move |ev| use_real.set(event_target_checked(&ev))
                />
                <span>"Use my latest real order for this event"</span>
            </label>
            <p class="card-hint" data-testid="real-order-status" aria-live="polite">
                {move || shown.with(|s| s.note.clone())}
            </p>
            <fieldset class="contact-picks" prop:disabled=move || use_real.get()>
                <legend>"The sample customer"</legend>
                {contact("has an email address", "sample-email", |c| c.email, |c, on| c.email = on)}
                {contact("has a mobile number", "sample-phone", |c| c.phone, |c, on| c.phone = on)}
                {contact("replied STOP to texts", "sample-opted-out", |c| c.sms_opted_out, |c, on| c.sms_opted_out = on)}
            </fieldset>
            <h3 class="subhead">"What happens"</h3>
            <ul class="decision" data-testid="decision">
                {move || {
                    shown
                        .with(|s| s.decision.outcomes.clone())
                        .into_iter()
                        .map(|outcome| {
                            let channel = outcome.channel();
                            let (fires, line) = match &outcome {
                                ChannelOutcome::Send(delivery) => (
                                    true,
                                    match &delivery.recipient {
                                        Recipient::Email(to) => format!("Sent to {}", to.as_str()),
                                        Recipient::Sms(to) => format!("Sent to {}", to.as_e164()),
                                    },
                                ),
                                ChannelOutcome::Skip { reason, .. } => {
                                    (false, reason.explain(draft.selected.get_untracked(), channel))
                                }
                            };
                            view! {
                                <li class="decision-row" class:fires=fires data-testid=format!("decision:{}", channel.slug())>
                                    <span class=format!("chip chip-{}", channel.slug())>{channel.display_name()}</span>
                                    <span class="decision-verdict">{if fires { "Sends" } else { "Silent" }}</span>
                                    <span class="decision-reason">{line}</span>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <div class="tabs" role="tablist" aria-label="Message">
                {Tab::ALL
                    .into_iter()
                    .map(|t| {
                        view! {
                            <button
                                type="button"
                                role="tab"
                                class="tab"
                                id=t.tab_id()
                                aria-controls=t.panel_id()
                                aria-selected=move || (tab.get() == t).to_string()
                                on:click=move |_| tab.set(t)
                            >
                                {t.label()}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            // Every panel is in the page; the tabs only show one (the ARIA
            // tab pattern), so switching renders nothing new.
            <div class="message" role="tabpanel" id=Tab::Email.panel_id() aria-labelledby=Tab::Email.tab_id() hidden=hidden_unless(tab, Tab::Email)>
                <p class="message-subject">
                    <span class="muted">"Subject: "</span>
                    <span data-testid="email-subject">{move || shown.with(|s| s.email.subject.clone())}</span>
                </p>
                <iframe
                    class="email-frame"
                    title="Email preview"
                    sandbox=""
                    data-testid="email-frame"
                    srcdoc=move || shown.with(|s| s.email.html.clone())
                ></iframe>
            </div>
            <div class="message" role="tabpanel" id=Tab::Text.panel_id() aria-labelledby=Tab::Text.tab_id() hidden=hidden_unless(tab, Tab::Text)>
                <pre class="message-text" data-testid="email-text">{move || shown.with(|s| s.email.text.clone())}</pre>
            </div>
            <div class="message" role="tabpanel" id=Tab::Sms.panel_id() aria-labelledby=Tab::Sms.tab_id() hidden=hidden_unless(tab, Tab::Sms)>
                <div class="sms-bubble" data-testid="sms-text">{move || shown.with(|s| s.sms.text.clone())}</div>
                <p class="sms-meta" data-testid="sms-meta">
                    {move || {
                        shown.with(|s| {
                            let l = s.sms.length;
                            format!(
                                "{} characters · {} · {} segment{}",
                                l.units,
                                l.encoding.display_name(),
                                l.segments,
                                if l.segments == 1 { "" } else { "s" },
                            )
                        })
                    }}
                </p>
            </div>
        </section>
    }
}

fn trigger_option(draft: Draft, trigger: Trigger) -> impl IntoView {
    view! {
        <option value=trigger.key() selected=move || draft.selected.get() == trigger>
            {trigger.to_string()}
        </option>
    }
}
