//! The delivery log: every message with its state, filterable, and one
//! message's attempts.

mod detail;
pub mod server_fns;

pub use detail::DeliveryPage;

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use notify_core::{Channel, JobState, OrderSource};

use crate::components::format::{LogTable, StateBadge, utc_time};
use crate::components::{AppLayout, LoadError};
use crate::routes::{DELIVERIES, order_timeline};
use server_fns::{DeliveryQuery, list_deliveries};

#[component]
pub fn DeliveriesPage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || {
        query.with(|q| DeliveryQuery {
            state: q.get("state"),
            channel: q.get("channel"),
            source: q.get("source"),
            before: q.get("before"),
        })
    };
    let page = Resource::new(filter, list_deliveries);
    let current = move |name: &'static str| query.with(|q| q.get(name)).unwrap_or_default();
    view! {
        <AppLayout title="Delivery log">
            <header class="page-header">
                <div>
                    <p class="breadcrumb">"Settings · Customer Notifications"</p>
                    <h1>"Delivery log"</h1>
                    <p class="lede">"Every message sent to your customers, newest first, with what happened to it."</p>
                </div>
            </header>
            <section class="card">
                <Form method="GET" action=DELIVERIES attr:class="filters">
                    <FilterSelect
                        label="Status"
                        name="state"
                        options=JobState::ALL.iter().map(|s| (s.as_str(), s.display_name())).collect()
                        current=Signal::derive(move || current("state"))
                    />
                    <FilterSelect
                        label="Channel"
                        name="channel"
                        options=Channel::ALL.map(|c| (c.slug(), c.display_name())).to_vec()
                        current=Signal::derive(move || current("channel"))
                    />
                    <FilterSelect
                        label="Source"
                        name="source"
                        options=OrderSource::ALL
                            .map(|s| (s.slug(), s.display_name()))
                            .into_iter()
                            .chain([("invoice", "Invoices")])
                            .collect()
                        current=Signal::derive(move || current("source"))
                    />
                    <button type="submit" class="button">"Filter"</button>
                </Form>
                <Suspense fallback=|| view! { <p class="loading">"Loading messages…"</p> }>
                    {move || Suspend::new(async move {
                        match page.await {
                            Err(error) => view! { <LoadError error /> }.into_any(),
                            Ok(page) if page.rows.is_empty() => view! {
                                <p class="empty">"No messages yet. They appear here as soon as an order or invoice event triggers one of your rules."</p>
                            }.into_any(),
                            Ok(page) => {
                                let older = page.next_before.map(|before| {
                                    let mut q = query.get_untracked();
                                    q.replace("before", before);
                                    format!("{DELIVERIES}{}", q.to_query_string())
                                });
                                view! {
                                    <LogTable testid="delivery-log" columns=&["When", "Event", "Order / invoice", "Channel", "To", "Status", "Attempts"]>
                                                {page.rows.into_iter().map(|row| view! {
                                                    <tr data-testid=format!("delivery:{}", row.id)>
                                                        <td class="nowrap">
                                                            <a href=format!("{DELIVERIES}/{}", row.id)>{utc_time(row.created_at)}</a>
                                                        </td>
                                                        <td>{row.trigger.to_string()}</td>
                                                        <td class="mono"><a href=order_timeline(&row.source, &row.document_id) data-testid="order-link">{row.document_id.clone()}</a></td>
                                                        <td><span class=format!("chip chip-{}", row.channel.slug())>{row.channel.display_name()}</span></td>
                                                        <td class="mono">{row.recipient}</td>
                                                        <td>
                                                            <StateBadge state=row.state />
                                                            {row.last_error.map(|e| view! { <span class="cell-note">{e}</span> })}
                                                        </td>
                                                        <td class="num">{row.attempts}</td>
                                                    </tr>
                                                }).collect_view()}
                                    </LogTable>
                                    {older.map(|href| view! { <p class="pager"><a class="button ghost" href=href>"Older messages →"</a></p> })}
                                }.into_any()
                            }
                        }
                    })}
                </Suspense>
            </section>
        </AppLayout>
    }
}

/// One filter of the log: "All" or one value, submitted as `?name=value`.
#[component]
fn FilterSelect(
    label: &'static str,
    name: &'static str,
    options: Vec<(&'static str, &'static str)>,
    current: Signal<String>,
) -> impl IntoView {
    let id = format!("filter-{name}");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <select id=id name=name>
                <option value="">"All"</option>
                {options
                    .into_iter()
                    .map(|(value, text)| view! { <option value=value selected=move || current.get() == value>{text}</option> })
                    .collect_view()}
            </select>
        </div>
    }
}
