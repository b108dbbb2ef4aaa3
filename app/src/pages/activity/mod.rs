//! Activity: who changed which notification rules, when, before → after;
//! and who resent which message, when (each linking to its order).

pub mod server_fns;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::components::format::utc_time;
use crate::components::{AppLayout, LoadError};
use crate::routes::{ACTIVITY, order_timeline};
use server_fns::{list_activity, list_resends};

#[component]
pub fn ActivityPage() -> impl IntoView {
    let query = use_query_map();
    let before = move || {
        query.with(|q| {
            q.get("before")
                .and_then(|b| b.parse::<notify_core::SettingsVersion>().ok())
        })
    };
    let page = Resource::new(before, list_activity);
    let resends = Resource::new(|| (), |_| list_resends());
    view! {
        <AppLayout title="Activity">
            <header class="page-header">
                <div>
                    <p class="breadcrumb">"Settings · Customer Notifications"</p>
                    <h1>"Activity"</h1>
                    <p class="lede">"Every saved change to your notification rules: who made it, when, and what it changed."</p>
                </div>
            </header>
            <section class="card">
                <Suspense fallback=|| view! { <p class="loading">"Loading activity…"</p> }>
                    {move || Suspend::new(async move {
                        match page.await {
                            Err(error) => view! { <LoadError error /> }.into_any(),
                            Ok(page) if page.entries.is_empty() => view! {
                                <p class="empty">"No changes saved yet."</p>
                            }.into_any(),
                            Ok(page) => view! {
                                <ol class="timeline" data-testid="activity">
                                    {page.entries.into_iter().map(|e| view! {
                                        <li class="timeline-entry">
                                            <p class="timeline-head">
                                                <strong>{e.actor}</strong>
                                                <span class="muted">{format!(" saved version {} · {}", e.version, utc_time(e.at))}</span>
                                            </p>
                                            <ul class="change-list">
                                                {e.changes.into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}
                                            </ul>
                                        </li>
                                    }).collect_view()}
                                </ol>
                                {page.next_before_version.map(|v| view! {
                                    <p class="pager"><a class="button ghost" href=format!("{ACTIVITY}?before={v}")>"Older changes →"</a></p>
                                })}
                            }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
            <section class="card">
                <h2>"Messages resent"</h2>
                <Suspense fallback=|| view! { <p class="loading">"Loading resends…"</p> }>
                    {move || Suspend::new(async move {
                        match resends.await {
                            Err(error) => view! { <LoadError error /> }.into_any(),
                            Ok(list) if list.is_empty() => view! {
                                <p class="empty">"No message resent yet."</p>
                            }.into_any(),
                            Ok(list) => view! {
                                <ol class="timeline" data-testid="resends">
                                    {list.into_iter().map(|m| view! {
                                        <li class="timeline-entry">
                                            <p class="timeline-head">
                                                <strong>{m.resent_by.unwrap_or_default()}</strong>
                                                <span class="muted">{format!(" resent {} ({}) to {} · {}", m.trigger, m.channel.display_name(), m.recipient, utc_time(m.created_at))}</span>
                                            </p>
                                            <p><a href=order_timeline(&m.source, &m.document_id)>{format!("Order {} →", m.document_id)}</a></p>
                                        </li>
                                    }).collect_view()}
                                </ol>
                            }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </AppLayout>
    }
}
