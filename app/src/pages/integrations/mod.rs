//! Integrations: one card per platform with its webhook URL, the topics to
//! subscribe to, its secrets (write-only) and the last webhook received.

pub mod server_fns;

use leptos::prelude::*;
use notify_ingest::Platform;

use crate::components::field::error_for;
use crate::components::format::{StateBadge, short_time};
use crate::components::{AppLayout, LoadError, TextField, hydrated_marker};
use server_fns::{IntegrationView, SaveIntegration, SaveIntegrationResult, list_integrations};

#[component]
pub fn IntegrationsPage() -> impl IntoView {
    let list = Resource::new(|| (), |_| list_integrations());
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
                {move || Suspend::new(async move {
                    match list.await {
                        Err(error) => view! { <LoadError error /> }.into_any(),
                        Ok(views) => view! { <IntegrationCards views /> }.into_any(),
                    }
                })}
            </Suspense>
        </AppLayout>
    }
}

/// An island: each card saves in place, then the list is read again (new
/// URL, masked secrets). The list comes with the page as its props.
#[island]
fn IntegrationCards(views: Vec<IntegrationView>) -> impl IntoView {
    let views = RwSignal::new(views);
    let reload = Callback::new(move |()| {
        leptos::task::spawn_local(async move {
            if let Ok(again) = list_integrations().await {
                views.set(again);
            }
        });
    });
    // The generic endpoint's new signing secret, shown once: kept here so
    // it survives the cards being redrawn with the reloaded list.
    let revealed = RwSignal::new(None::<String>);
    let hydrated = hydrated_marker();
    view! {
        <div class="integration-grid" data-hydrated=hydrated>
            {move || {
                views.with(|views| {
                    notify_ingest::platform::ALL
                        .iter()
                        .map(|&platform| {
                            let view = views.iter().find(|v| v.platform == platform).cloned();
                            view! { <IntegrationCard platform view reload revealed /> }
                        })
                        .collect_view()
                })
            }}
        </div>
    }
}

#[component]
fn IntegrationCard(
    platform: Platform,
    view: Option<IntegrationView>,
    reload: Callback<()>,
    revealed: RwSignal<Option<String>>,
) -> impl IntoView {
    let action = ServerAction::<SaveIntegration>::new();
    let result = move || action.value().get().and_then(Result::ok);
    let failure = move || match action.value().get() {
        Some(Err(e)) => Some(crate::errors::describe(&e)),
        _ => None,
    };
    Effect::new(move |_| {
        if let Some(Ok(SaveIntegrationResult::Saved { signing_secret })) = action.value().get() {
            if signing_secret.is_some() {
                revealed.set(signing_secret);
            }
            reload.run(());
        }
    });
    let errors = move || match result() {
        Some(SaveIntegrationResult::Invalid { fields }) => fields,
        _ => Vec::new(),
    };
    let spec = platform.spec();
    let generated = platform.generates_secret();
    let shown_once = move || revealed.get().filter(|_| generated);
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
                    error=Signal::derive(move || error_for(&errors(), name))
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
            <ActionForm action attr:class="form" attr:autocomplete="off">
                <input type="hidden" name="platform" value=spec.slug />
                {fields}
                {move || shown_once().map(|secret| view! {
                    <div class="callout warning" role="status">
                        <p class="callout-title">"Your signing secret: copy it now, it is shown only once."</p>
                        <div class="copy-row">
                            <input class="mono" readonly value=secret.clone() data-testid="signing-secret" />
                            <CopyButton text=secret />
                        </div>
                        <p>"The previous secret keeps working until your systems switch over."</p>
                    </div>
                })}
                <p class="form-error" role="alert">{failure}</p>
                <button type="submit" class="button primary" disabled=move || action.pending().get()>{save_label}</button>
            </ActionForm>
        </section>
    }
}

/// Copies text to the clipboard (the field next to it can also be selected
/// by hand).
#[component]
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
