//! Integrations: one card per platform with its webhook URL, the topics to
//! subscribe to, its secrets (write-only) and the last webhook received.

pub mod server_fns;

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use notify_ingest::Platform;

use crate::components::form_answer::{self, FormAnswer};
use crate::components::format::{StateBadge, short_time};
use crate::components::{AppLayout, LoadError, TextField};
use crate::routes::INTEGRATIONS;
use server_fns::{IntegrationView, SaveIntegration, list_integrations};

#[component]
pub fn IntegrationsPage() -> impl IntoView {
    let list = Resource::new(|| (), |_| list_integrations());
    // The answer of a card's save, read (and cleared) once.
    let answer = form_answer::take(INTEGRATIONS);
    view! {
        <AppLayout title="Integrations">
            <header class="page-header">
                <div>
                    <p class="breadcrumb">"Settings · Customer Notifications"</p>
                    <h1>"Integrations"</h1>
                    <p class="lede">"Connect the places your orders come from. Each gets its own webhook address; we check every webhook's signature before acting on it."</p>
                </div>
            </header>
            <Suspense fallback=|| view! { <p class="loading">"Loading integrations…"</p> }>
                {move || {
                    let answer = answer.clone();
                    Suspend::new(async move {
                        match list.await {
                            Err(error) => view! { <LoadError error /> }.into_any(),
                            Ok(views) => view! { <IntegrationCards views answer /> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </AppLayout>
    }
}

/// Server-rendered only: each card's form is a plain post answered by a
/// redirect back here, and the card it came from shows the answer (errors
/// at their fields, "Saved.", a new signing secret shown this once).
#[component]
fn IntegrationCards(views: Vec<IntegrationView>, answer: FormAnswer) -> impl IntoView {
    view! {
        <div class="integration-grid">
            {notify_ingest::platform::ALL
                .iter()
                .map(|&platform| {
                    let view = views.iter().find(|v| v.platform == platform).cloned();
                    let answer = answer.for_form(platform.spec().slug).cloned().unwrap_or_default();
                    view! { <IntegrationCard platform view answer /> }
                })
                .collect_view()}
        </div>
    }
}

#[component]
fn IntegrationCard(
    platform: Platform,
    view: Option<IntegrationView>,
    answer: FormAnswer,
) -> impl IntoView {
    let spec = platform.spec();
    let generated = platform.generates_secret();
    let saved_value = {
        let view = view.clone();
        move |name: &str| {
            view.as_ref().and_then(|v| {
                v.saved
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, value)| value.clone())
            })
        }
    };
    let connected = view.as_ref().is_some_and(|v| v.webhook_url.is_some());
    let webhook_url = view.as_ref().and_then(|v| v.webhook_url.clone());
    let last_event = view.and_then(|v| v.last_event);
    let fields = platform
        .typed_settings()
        .map(|f| {
            let hint = match saved_value(f.name) {
                Some(saved) if f.is_secret() => {
                    format!("Saved ({saved}). Enter it again, or a new one, to save changes.")
                }
                Some(saved) => format!("Saved: {saved}. {}", f.hint),
                None => f.hint.to_owned(),
            };
            let name = f.name;
            view! {
                <TextField
                    label=f.label
                    name=format!("fields[{name}]")
                    kind=if f.is_secret() { "password" } else { "text" }
                    autocomplete="off"
                    hint=hint
                    value=answer.value(name)
                    error=answer.error(name)
                />
            }
        })
        .collect_view();
    let save_label = match (generated, connected) {
        (true, false) => "Create endpoint and signing secret",
        (true, true) => "Rotate signing secret",
        (false, false) => "Connect",
        (false, true) => "Save",
    };
    view! {
        <section class="card integration" data-testid=format!("integration:{}", spec.slug) aria-labelledby=format!("integration-{}", spec.slug)>
            <div class="card-title-row">
                <h2 id=format!("integration-{}", spec.slug)>{spec.name}</h2>
                {if connected {
                    view! { <span class="badge success">"Connected"</span> }.into_any()
                } else {
                    view! { <span class="badge neutral">"Not connected"</span> }.into_any()
                }}
            </div>
            <p class="card-hint">{spec.covers}</p>
            {webhook_url.map(|url| view! {
                <div class="field">
                    <label for=format!("url-{}", spec.slug)>"Webhook URL"</label>
                    <div class="copy-row">
                        <input id=format!("url-{}", spec.slug) class="mono" readonly value=url.clone() data-testid="webhook-url" />
                        <CopyButton text=url />
                    </div>
                </div>
            })}
            <div class="topics">
                <p class="subhead">{spec.topics_heading}</p>
                <ul class="topic-list">
                    {spec.topics.iter().map(|t| view! { <li><code>{*t}</code></li> }).collect_view()}
                </ul>
            </div>
            <p class="last-event" data-testid="last-event">
                {match last_event {
                    Some(e) => view! {
                        "Last webhook: " <code>{e.topic}</code> " at " {short_time(&e.received_at)} " "
                        <StateBadge state=e.state />
                        {e.detail.map(|d| view! { <span class="cell-note">{d}</span> })}
                        {e.timeline.map(|href| view! { " " <a href=href data-testid="last-event-order">"The order's timeline →"</a> })}
                    }.into_any(),
                    None => view! { <span class="muted">"No webhook received yet."</span> }.into_any(),
                }}
            </p>
            <form method="post" action=SaveIntegration::PATH class="form" autocomplete="off">
                <input type="hidden" name="platform" value=spec.slug />
                {fields}
                {answer.shown_once.clone().filter(|_| generated).map(|secret| view! {
                    <div class="callout warning" role="status">
                        <p class="callout-title">"Your signing secret: copy it now, it is shown only once."</p>
                        <div class="copy-row">
                            <input class="mono" readonly value=secret.clone() data-testid="signing-secret" />
                            <CopyButton text=secret />
                        </div>
                        <p>"The previous secret keeps working until your systems switch over."</p>
                    </div>
                })}
                <p class="form-notice" role="status" data-testid="saved">{answer.notice.clone()}</p>
                <p class="form-error" role="alert">{answer.message()}</p>
                <button type="submit" class="button primary">{save_label}</button>
            </form>
        </section>
    }
}

/// An island, the integrations page's only WASM: copies text to the
/// clipboard (the field next to it can also be selected by hand).
#[island]
fn CopyButton(text: String) -> impl IntoView {
    let copied = RwSignal::new(false);
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let clipboard = window().navigator().clipboard();
            let _ = clipboard.write_text(&text);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = &text;
        copied.set(true);
    };
    view! {
        <button type="button" class="button small" on:click=copy>
            {move || if copied.get() { "Copied" } else { "Copy" }}
        </button>
    }
}
