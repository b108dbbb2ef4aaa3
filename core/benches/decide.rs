//! `decide` and `preview` against full settings (every trigger has a rule).
//! Run: `cargo bench -p notify-core --bench decide`.

use criterion::{Criterion, criterion_group, criterion_main};
use notify_core::catalog::{InvoiceStatus, OrderSource, OrderStatus, Trigger};
use notify_core::decide::decide;
use notify_core::preview::preview;
use notify_core::sample::{SampleContacts, sample_event, sample_merchant};
use notify_core::settings::{Rule, Settings, Toggles};
use notify_core::templates::{MessageContext, render_email, render_sms};
use std::hint::black_box;

fn full_settings() -> Settings {
    let on = Toggles {
        active: true,
        email: true,
        sms: true,
    };
    Settings::new(Trigger::all().map(|t| Rule::new(t, on))).expect("one rule per trigger")
}

fn benches(c: &mut Criterion) {
    let settings = full_settings();
    let order = sample_event(
        Trigger::Order {
            source: OrderSource::RetailcloudOnline,
            status: OrderStatus::Returned,
        },
        SampleContacts::ALL,
    );
    let invoice = sample_event(
        Trigger::Invoice {
            status: InvoiceStatus::Cancelled,
        },
        SampleContacts::ALL,
    );
    c.bench_function("decide/order, 44 rules", |b| {
        b.iter(|| decide(black_box(&settings), black_box(&order)))
    });
    c.bench_function("decide/invoice, 44 rules", |b| {
        b.iter(|| decide(black_box(&settings), black_box(&invoice)))
    });
    c.bench_function("preview/44 rules", |b| {
        b.iter(|| preview(black_box(&settings)))
    });
    let merchant = sample_merchant();
    let ctx = MessageContext {
        merchant: &merchant,
        event: &order,
    };
    c.bench_function("render/email", |b| b.iter(|| render_email(black_box(ctx))));
    c.bench_function("render/sms", |b| b.iter(|| render_sms(black_box(ctx))));
}

criterion_group!(decide_benches, benches);
criterion_main!(decide_benches);
