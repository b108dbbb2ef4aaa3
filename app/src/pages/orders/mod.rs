//! Orders: find an order or invoice of the last 30 days (by number, id,
//! source, the customer's email or phone), and each one's timeline.

pub mod server_fns;
mod timeline;

pub use timeline::OrderTimelinePage;

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use notify_core::Trigger;

use crate::components::format::{LogTable, utc_time};
use crate::components::{AppLayout, LoadError};
use crate::routes::{ORDERS, order_timeline};
use server_fns::search_orders;

#[component]
pub fn OrdersPage() -> impl IntoView {
    let query = use_query_map();
    let text = move || query.with(|q| q.get("query"));
    let found = Resource::new(text, search_orders);
    view! {
        <AppLayout title="Orders">
            <header class="page-header">
                <div>
                    <p class="breadcrumb">"Settings · Customer Notifications"</p>
                    <h1>"Orders"</h1>
                    <p class="lede">"Find an order or invoice of the last 30 days and see everything that happened to it: each webhook, what was decided and why, each message and attempt."</p>
                </div>
            </header>
            <section class="card">
                <Form method="GET" action=ORDERS attr:class="filters" attr:role="search">
                    <div class="field grow">
                        <label for="order-query">"Order or invoice number, source, customer email or phone"</label>
                        <input
                            id="order-query"
                            name="query"
                            type="search"
                            maxlength="128"
                            placeholder="#1001, shopify, ada@example.com, +14155550134"
                            value=text().unwrap_or_default()
                        />
                    </div>
                    <button type="submit" class="button">"Search"</button>
                </Form>
                <Suspense fallback=|| view! { <p class="loading">"Searching…"</p> }>
                    {move || Suspend::new(async move {
                        match found.await {
                            Err(error) => view! { <LoadError error /> }.into_any(),
                            Ok(orders) if orders.is_empty() => view! {
                                <p class="empty" data-testid="no-orders">"No order or invoice of the last 30 days matches."</p>
                            }.into_any(),
                            Ok(orders) => view! {
                                <LogTable testid="orders" columns=&["Last webhook", "Order / invoice", "Source", "Latest status", "Webhooks"]>
                                    {orders.into_iter().map(|o| {
                                        let href = order_timeline(o.source.slug(), &o.document_id);
                                        let status = o.last_trigger.as_deref().and_then(Trigger::from_key).map(|t| t.to_string());
                                        view! {
                                            <tr data-testid=format!("order:{}:{}", o.source.slug(), o.document_id)>
                                                <td class="nowrap">{utc_time(o.last_at)}</td>
                                                <td class="mono"><a href=href>{o.number.map_or_else(|| o.document_id.clone(), |n| format!("#{n}"))}</a></td>
                                                <td>{o.source.display_name()}</td>
                                                <td>{status.unwrap_or_else(|| "—".to_owned())}</td>
                                                <td class="num">{o.webhooks}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </LogTable>
                            }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </AppLayout>
    }
}
