use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::{use_params_map, use_query_map};
use notify_core::Trigger;
use notify_core::order_timeline::{
    AttemptEntry, MessageEntry, OrderTimeline, TimelineEntry, WebhookEntry,
};

use super::server_fns::{ResendMessage, ResendOutcome, load_order_timeline};
use crate::components::format::{StateBadge, utc_time};
use crate::components::{AppLayout, LoadError, not_found_status};
use crate::routes::{DELIVERIES, ORDERS, order_timeline};

/// One order's (or invoice's) timeline: every webhook with each channel's
/// decision, every message with its attempts, and **Resend** (confirmed)
/// on each message that was sent or failed. Server-rendered only: Resend is
/// a plain form post that comes back here with its outcome (no WebAssembly).
#[component]
pub fn OrderTimelinePage() -> impl IntoView {
    let resent = use_query_map()
        .with_untracked(|q| q.get("resend"))
        .and_then(|slug| ResendOutcome::from_slug(&slug));
    let (source, id) = use_params_map().with_untracked(|p| {
        (
            p.get("source").unwrap_or_default(),
            p.get("id").unwrap_or_default(),
        )
    });
    let timeline = Resource::new(
        || (),
        move |_| load_order_timeline(source.clone(), id.clone()),
    );
    view! {
        <AppLayout title="Order">
            <p class="breadcrumb"><a href=ORDERS>"← Orders"</a></p>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match timeline.await {
                        Err(error) => view! { <LoadError error /> }.into_any(),
                        Ok(None) => {
                            not_found_status();
                            view! { <p class="empty">"There is no such order or invoice."</p> }.into_any()
                        }
                        Ok(Some(timeline)) => view! { <TimelineCard timeline resent /> }.into_any(),
                    }
                })}
            </Suspense>
        </AppLayout>
    }
}

/// The timeline, with what the last **Resend** did when the page is its
/// answer.
#[component]
fn TimelineCard(timeline: OrderTimeline, resent: Option<ResendOutcome>) -> impl IntoView {
    let title = match &timeline.number {
        Some(n) => format!("{} #{n}", timeline.source.display_name()),
        None => format!(
            "{} {}",
            timeline.source.display_name(),
            timeline.document_id
        ),
    };
    let back = order_timeline(timeline.source.slug(), &timeline.document_id);
    let outcome = resent.map(|o| {
        let (class, role) = if o.is_queued() {
            ("callout success", "status")
        } else {
            ("callout warning", "alert")
        };
        view! { <p class=class role=role data-testid="resend-result">{o.message()}</p> }
    });
    view! {
        {outcome}
        <header class="page-header">
            <div>
                <h1>{title}</h1>
                <p class="lede">"Every webhook received for it, what was decided on each channel and why, every message and every attempt, oldest first."</p>
            </div>
        </header>
        <section class="card">
            <ol class="timeline" data-testid="order-timeline">
                {timeline.entries.into_iter().map(|entry| match entry {
                    TimelineEntry::Webhook(w) => view! { <WebhookLine w /> }.into_any(),
                    TimelineEntry::Message(m) => view! { <MessageLine m back=back.clone() /> }.into_any(),
                    TimelineEntry::Attempt(a) => view! { <AttemptLine a /> }.into_any(),
                }).collect_view()}
            </ol>
        </section>
    }
}

#[component]
fn WebhookLine(w: WebhookEntry) -> impl IntoView {
    let status = w
        .trigger
        .as_deref()
        .and_then(Trigger::from_key)
        .map(|t| t.to_string());
    view! {
        <li class="timeline-entry" data-kind="webhook" data-testid=format!("webhook:{}", w.event_id)>
            <p class="timeline-head">
                <strong>"Webhook "</strong><code>{w.topic}</code>
                <span class="muted">{format!(" from {} · {}", w.platform, utc_time(w.at))}</span>
                " "
                {w.outcome.map(|o| view! { <StateBadge state=o /> })}
            </p>
            <p>{match status {
                Some(s) => format!("Read as {s}."),
                None => "Not read as a status that notifies.".to_owned(),
            }}
            {w.duplicate.then(|| view! { " " <span class="chip" data-testid="duplicate">"Duplicate: this status had notified already"</span> })}
            </p>
            {w.detail.map(|d| view! { <p class="cell-note">{d}</p> })}
            <ul class="change-list" data-testid="decisions">
                {w.decisions.into_iter().map(|d| view! {
                    <li data-channel=d.channel.slug() data-skipped=d.skipped.map(|r| format!("{r:?}"))>{d.explanation}</li>
                }).collect_view()}
            </ul>
        </li>
    }
}

#[component]
fn MessageLine(m: MessageEntry, back: String) -> impl IntoView {
    let d = m.delivery;
    let title = match &d.resend_of {
        Some(_) => format!("{} message resent", d.channel.display_name()),
        None => format!("{} message", d.channel.display_name()),
    };
    let id = d.id.clone();
    view! {
        <li class="timeline-entry" data-kind="message" data-testid=format!("message:{}", d.id)>
            <p class="timeline-head">
                <strong>{title}</strong>
                <span class="muted">{format!(" to {} · {}", d.recipient, utc_time(m.at))}</span>
                " "
                <StateBadge state=d.state />
            </p>
            {d.resent_by.map(|who| view! { <p data-testid="resent-by">{format!("Resent by {who}.")}</p> })}
            {d.last_error.map(|e| view! { <p class="cell-note">{e}</p> })}
            <p><a href=format!("{DELIVERIES}/{}", d.id)>"In the delivery log →"</a></p>
            {m.resendable.then(|| view! {
                // The confirmation step: nothing is sent until the second button.
                <details class="confirm" data-testid="resend">
                    <summary class="button ghost small">"Resend…"</summary>
                    <form method="post" action=ResendMessage::PATH class="confirm-form">
                        <input type="hidden" name="id" value=id />
                        <input type="hidden" name="back" value=back />
                        <p>"Send this message to the customer again, now? A customer who replied STOP is not texted."</p>
                        <button type="submit" class="button primary small">"Yes, resend now"</button>
                    </form>
                </details>
            })}
        </li>
    }
}

#[component]
fn AttemptLine(a: AttemptEntry) -> impl IntoView {
    let attempt = a.attempt;
    view! {
        <li class="timeline-entry" data-kind="attempt" data-testid=format!("attempt:{}:{}", a.job_id, attempt.attempt)>
            <p class="timeline-head">
                <strong>{format!("Attempt {} ({})", attempt.attempt, a.channel.display_name())}</strong>
                <span class="muted">{format!(" · {} · {} ms", utc_time(a.at), attempt.duration_ms)}</span>
                " "
                <StateBadge state=attempt.outcome />
            </p>
            {attempt.error.map(|e| view! { <p class="cell-note">{e}</p> })}
        </li>
    }
}
