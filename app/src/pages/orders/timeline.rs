use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use notify_core::Trigger;
use notify_core::order_timeline::{
    AttemptEntry, MessageEntry, OrderTimeline, TimelineEntry, WebhookEntry,
};

use super::server_fns::{ResendMessage, ResendResult, load_order_timeline};
use crate::components::format::{StateBadge, utc_time};
use crate::components::{AppLayout, LoadError, hydrated_marker, not_found_status};
use crate::routes::{DELIVERIES, ORDERS};

/// One order's (or invoice's) timeline: every webhook with each channel's
/// decision, every message with its attempts, and **Resend** (confirmed)
/// on each message that was sent or failed.
#[component]
pub fn OrderTimelinePage() -> impl IntoView {
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
                        Ok(Some(timeline)) => view! { <TimelineCard timeline /> }.into_any(),
                    }
                })}
            </Suspense>
        </AppLayout>
    }
}

/// An island: **Resend** answers in place, and the timeline is read again
/// after it so the new message shows at once. The timeline comes with the
/// page as its props.
#[island]
fn TimelineCard(timeline: OrderTimeline) -> impl IntoView {
    let resend = ServerAction::<ResendMessage>::new();
    let hydrated = hydrated_marker();
    let title = match &timeline.number {
        Some(n) => format!("{} #{n}", timeline.source.display_name()),
        None => format!(
            "{} {}",
            timeline.source.display_name(),
            timeline.document_id
        ),
    };
    // The order it is, to read it again after a resend.
    let (source, id) = (timeline.source, timeline.document_id);
    let entries = RwSignal::new(timeline.entries);
    Effect::new(move |_| {
        if resend.version().get() > 0 {
            let (source, id) = (source.slug().to_owned(), id.clone());
            leptos::task::spawn_local(async move {
                if let Ok(Some(again)) = load_order_timeline(source, id).await {
                    entries.set(again.entries);
                }
            });
        }
    });
    let outcome = move || {
        match resend.value().get() {
        Some(Ok(ResendResult::Queued(r))) => Some(view! {
            <p class="callout success" role="status" data-testid="resend-result">
                {format!("Queued again as a new {} message; it goes now.", r.delivery.channel.display_name().to_lowercase())}
            </p>
        }.into_any()),
        Some(Ok(ResendResult::Refused { message })) => Some(view! {
            <p class="callout warning" role="alert" data-testid="resend-result">{message}</p>
        }.into_any()),
        Some(Err(e)) => Some(view! {
            <p class="callout warning" role="alert" data-testid="resend-result">{crate::errors::describe(&e)}</p>
        }.into_any()),
        None => None,
    }
    };
    view! {
        {outcome}
        <header class="page-header">
            <div>
                <h1>{title}</h1>
                <p class="lede">"Every webhook received for it, what was decided on each channel and why, every message and every attempt, oldest first."</p>
            </div>
        </header>
        <section class="card" data-hydrated=hydrated>
            <ol class="timeline" data-testid="order-timeline">
                {move || entries.get().into_iter().map(|entry| match entry {
                    TimelineEntry::Webhook(w) => view! { <WebhookLine w /> }.into_any(),
                    TimelineEntry::Message(m) => view! { <MessageLine m resend /> }.into_any(),
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
fn MessageLine(m: MessageEntry, resend: ServerAction<ResendMessage>) -> impl IntoView {
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
                    <ActionForm action=resend attr:class="confirm-form">
                        <input type="hidden" name="id" value=id />
                        <p>"Send this message to the customer again, now? A customer who replied STOP is not texted."</p>
                        <button type="submit" class="button primary small" disabled=move || resend.pending().get()>"Yes, resend now"</button>
                    </ActionForm>
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
