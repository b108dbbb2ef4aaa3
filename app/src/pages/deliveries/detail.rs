use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::server_fns::delivery_detail;
use crate::components::format::{LogTable, StateBadge, utc_time};
use crate::components::{AppLayout, LoadError, not_found_status};
use crate::routes::{DELIVERIES, order_timeline};

/// One message: where it went, its state, and every attempt.
#[component]
pub fn DeliveryPage() -> impl IntoView {
    let params = use_params_map();
    let detail = Resource::new(
        move || params.with(|p| p.get("id")).unwrap_or_default(),
        delivery_detail,
    );
    view! {
        <AppLayout title="Message">
            <p class="breadcrumb"><a href=DELIVERIES>"← Delivery log"</a></p>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match detail.await {
                        Err(error) => view! { <LoadError error /> }.into_any(),
                        Ok(None) => {
                            not_found_status();
                            view! { <p class="empty">"There is no such message."</p> }.into_any()
                        }
                        Ok(Some(d)) => {
                            let m = d.delivery;
                            view! {
                                <header class="page-header">
                                    <div>
                                        <h1>{m.trigger.to_string()}</h1>
                                        <p class="lede">{format!("{} to {}", m.channel.display_name(), m.recipient)}</p>
                                    </div>
                                    <StateBadge state=m.state />
                                </header>
                                <section class="card">
                                    <dl class="facts">
                                        <dt>"Order / invoice"</dt><dd class="mono"><a href=order_timeline(&m.source, &m.document_id)>{m.document_id.clone()}</a>" (its timeline)"</dd>
                                        <dt>"Created"</dt><dd>{utc_time(m.created_at)}</dd>
                                        <dt>"Sent"</dt><dd>{m.sent_at.map(utc_time).unwrap_or_else(|| "—".to_owned())}</dd>
                                        <dt>"Provider id"</dt><dd class="mono">{m.provider_id.unwrap_or_else(|| "—".to_owned())}</dd>
                                        <dt>"Provider status"</dt><dd>{m.delivery_status.unwrap_or_else(|| "—".to_owned())}</dd>
                                        <dt>"Last error"</dt><dd>{m.last_error.unwrap_or_else(|| "—".to_owned())}</dd>
                                    </dl>
                                </section>
                                <section class="card">
                                    <h2>"Attempts"</h2>
                                    <LogTable testid="attempts" columns=&["#", "When", "Outcome", "Provider id", "Error", "Took"]>
                                                {d.attempts.into_iter().map(|a| view! {
                                                    <tr>
                                                        <td class="num">{a.attempt}</td>
                                                        <td class="nowrap">{utc_time(a.at)}</td>
                                                        <td><StateBadge state=a.outcome /></td>
                                                        <td class="mono">{a.provider_id.unwrap_or_default()}</td>
                                                        <td>{a.error.unwrap_or_default()}</td>
                                                        <td class="num">{format!("{} ms", a.duration_ms)}</td>
                                                    </tr>
                                                }).collect_view()}
                                    </LogTable>
                                </section>
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </AppLayout>
    }
}
