//! The live preview: every source × status (and the invoice statuses) with
//! the channels that will fire, computed in the browser by `notify_core`.

use leptos::prelude::*;

use super::draft::Draft;
use notify_core::{
    Channel, InvoiceStatus, OrderSource, OrderStatus, PreviewCell, PreviewMatrix, Trigger,
};

#[component]
pub fn PreviewMatrixView(matrix: Memo<PreviewMatrix>, draft: Draft) -> impl IntoView {
    let firing = move || matrix.with(PreviewMatrix::firing);
    // A few lines of text, re-rendered when the preview changes.
    let warnings = move || {
        matrix.with(|m| {
            m.warnings
                .iter()
                .map(|w| view! { <li class="warning">{w.message()}</li> })
                .collect_view()
        })
    };
    view! {
        <section class="card preview" aria-labelledby="preview-title">
            <div class="card-title-row">
                <h2 id="preview-title">"Live preview"</h2>
                <span class="pill" data-testid="firing-count">
                    {move || format!("{} notifications on", firing())}
                </span>
            </div>
            <p class="card-hint">"What your customers will receive, as you edit, before you save. Select a cell to preview its messages."</p>
            <div class="matrix-scroll">
                <table class="matrix">
                    <thead>
                        {column_heads("Order source", OrderStatus::ALL.map(OrderStatus::display_name))}
                    </thead>
                    <tbody>
                        {OrderSource::ALL
                            .into_iter()
                            .map(|source| {
                                view! {
                                    <tr>
                                        <th scope="row">{source.display_name()}</th>
                                        {OrderStatus::ALL
                                            .into_iter()
                                            .map(|status| {
                                                view! { <MatrixCell matrix draft trigger=Trigger::Order { source, status } /> }
                                            })
                                            .collect_view()}
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
            <table class="matrix matrix-invoice">
                <thead>
                    {column_heads("Invoice", InvoiceStatus::ALL.map(InvoiceStatus::display_name))}
                </thead>
                <tbody>
                    <tr>
                        <th scope="row">"All invoices"</th>
                        {InvoiceStatus::ALL
                            .into_iter()
                            .map(|status| view! { <MatrixCell matrix draft trigger=Trigger::Invoice { status } /> })
                            .collect_view()}
                    </tr>
                </tbody>
            </table>
            <ul class="warnings" data-testid="warnings">{warnings}</ul>
        </section>
    }
}

#[component]
fn MatrixCell(matrix: Memo<PreviewMatrix>, draft: Draft, trigger: Trigger) -> impl IntoView {
    let cells = Memo::new(move |_| {
        matrix.with(|m| {
            m.row(trigger)
                .map(|r| (r.email, r.sms))
                .unwrap_or((PreviewCell::Fires, PreviewCell::Fires))
        })
    });
    let firing = move || {
        let (email, sms) = cells.get();
        Channel::ALL
            .into_iter()
            .zip([email, sms])
            .filter(|(_, cell)| cell.fires())
            .map(|(channel, _)| channel)
            .collect::<Vec<_>>()
    };
    let title = move || {
        let (email, sms) = cells.get();
        Channel::ALL
            .into_iter()
            .zip([email, sms])
            .map(|(channel, cell)| match cell {
                PreviewCell::Fires => format!("{} is sent.", channel.display_name()),
                PreviewCell::Silent(reason) => reason.explain(trigger, channel),
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let never = !trigger.can_fire();
    view! {
        <td
            class="matrix-cell"
            class:never=never
            class:selected=move || draft.selected.get() == trigger
            title=title
            data-testid=format!("cell:{}", trigger.key())
            data-channels=move || {
                firing().iter().map(|c| c.slug()).collect::<Vec<_>>().join(" ")
            }
        >
            <button
                type="button"
                class="cell-button"
                aria-label=move || format!("{trigger}: {}", title())
                aria-pressed=move || (draft.selected.get() == trigger).to_string()
                on:click=move |_| draft.selected.set(trigger)
            >
                {move || {
                    let channels = firing();
                    if channels.is_empty() {
                        view! { <span class="dash" aria-hidden="true">"—"</span> }.into_any()
                    } else {
                        channels
                            .into_iter()
                            .map(|c| view! { <span class=format!("chip chip-{}", c.slug())>{c.display_name()}</span> })
                            .collect_view()
                            .into_any()
                    }
                }}
            </button>
        </td>
    }
}

/// A header row: what the rows are, then one column per status.
fn column_heads<const N: usize>(rows: &'static str, columns: [&'static str; N]) -> impl IntoView {
    view! {
        <tr>
            <th scope="col">{rows}</th>
            {columns.into_iter().map(|name| view! { <th scope="col">{name}</th> }).collect_view()}
        </tr>
    }
}
