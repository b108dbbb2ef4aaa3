//! "What will this change do?": over the merchant's last 30 days, what the
//! rules as edited would have sent, and how that differs from the saved
//! rules. Loaded once (a compact history with no customer data), then
//! recomputed in the browser by notify-core on every toggle, like the live
//! preview: no request per change.

use leptos::prelude::*;
use notify_core::what_if::{HistoryGroup, Volume, describe_change, volume};

use super::draft::Draft;
use super::save_bar::Baseline;
use super::server_fns::what_if_history;

fn plural(n: u32, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[component]
pub fn WhatIf(baseline: RwSignal<Baseline>, draft: Draft) -> impl IntoView {
    // Loaded once in the browser (effects do not run on the server, which
    // renders the "counting" line).
    let history: RwSignal<Option<Option<Vec<HistoryGroup>>>> = RwSignal::new(None);
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            history.set(Some(what_if_history().await.ok()));
        });
    });
    let draft_volume = Memo::new(move |_| {
        history.with(|h| {
            h.as_ref()
                .and_then(Option::as_ref)
                .map(|h| draft.rules.with(|rules| volume(rules, h)))
        })
    });
    let saved_volume = Memo::new(move |_| {
        history.with(|h| {
            h.as_ref()
                .and_then(Option::as_ref)
                .map(|h| baseline.with(|b| volume(&b.settings, h).0))
        })
    });
    let events = Memo::new(move |_| {
        history.with(|h| {
            h.as_ref().map(|h| {
                h.as_ref()
                    .map(|groups| groups.iter().map(|g| g.events).sum::<u32>())
            })
        })
    });

    view! {
        <section
            class="card what-if"
            aria-labelledby="what-if-title"
            data-testid="what-if"
            data-loaded=move || events.with(Option::is_some).to_string()
        >
            <h2 id="what-if-title">"Your last 30 days"</h2>
            {move || match events.get() {
                None => view! { <p class="card-hint">"Counting your last 30 days…"</p> }.into_any(),
                Some(None) => view! { <p class="card-hint">"Your history could not be loaded."</p> }.into_any(),
                Some(Some(0)) => view! {
                    <p class="card-hint" data-testid="what-if-empty">
                        "No orders or invoices in the last 30 days yet: once webhooks arrive, this shows what your rules would have sent."
                    </p>
                }.into_any(),
                Some(Some(n)) => {
                    let (total, per_trigger) = draft_volume.get().unwrap_or_default();
                    let Volume { emails, texts, sms_segments } = total;
                    let change = saved_volume
                        .get()
                        .map(|saved| describe_change(saved, total))
                        .unwrap_or_default();
                    view! {
                        <p
                            data-testid="what-if-total"
                            data-emails=emails
                            data-texts=texts
                            data-segments=sms_segments
                        >
                            {format!("Over {} these rules would have sent ", plural(n, "order or invoice update", "order and invoice updates"))}
                            <strong>{plural(emails, "email", "emails")}</strong>
                            " and "
                            <strong>{plural(texts, "text", "texts")}</strong>
                            {format!(" ({}).", plural(sms_segments, "SMS segment", "SMS segments"))}
                        </p>
                        <p class="what-if-change" data-testid="what-if-change">
                            {if change.is_empty() {
                                "The same as your saved rules.".to_owned()
                            } else {
                                format!("Compared with your saved rules: {change}.")
                            }}
                        </p>
                        <details class="what-if-detail">
                            <summary>"Per event"</summary>
                            <table class="what-if-table">
                                <thead>
                                    <tr><th scope="col">"Event"</th><th scope="col">"Emails"</th><th scope="col">"Texts"</th><th scope="col">"Segments"</th></tr>
                                </thead>
                                <tbody>
                                    {per_trigger
                                        .into_iter()
                                        .map(|(trigger, v)| view! {
                                            <tr data-testid=format!("what-if:{}", trigger.key())>
                                                <th scope="row">{trigger.to_string()}</th>
                                                <td>{v.emails}</td>
                                                <td>{v.texts}</td>
                                                <td>{v.sms_segments}</td>
                                            </tr>
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        </details>
                    }
                    .into_any()
                }
            }}
        </section>
    }
}
