//! The what-if over a busy store's 30 days: N processed orders (default
//! 50,000) written through the store as the processor writes them, then
//! timed: loading the grouped history (the page's one request) and
//! counting it for a set of rules (what the browser does on each toggle).
//!
//!   what-if [events, default 50000] [database URL, default a throwaway SQLite file]
//!
//! The merchant (owner@bench.example, password "correct horse battery")
//! stays in a database named by URL: `scripts/bench.sh` then times the same
//! what-if in Chromium (`end2end/bench/what-if.mjs`).

use std::time::Instant;

use anyhow::Context;
use chrono::{Duration, Utc};
use notify_core::catalog::{OrderSource, OrderStatus, Trigger};
use notify_core::event::{DocumentNumber, ExternalId};
use notify_core::sample::{SampleContacts, sample_event, starter_settings};
use notify_core::what_if::volume;
use notify_core::{Document, EmailAddress, MerchantName};
use notify_store::Store;
use notify_store::accounts::{HashPassword, NewMerchant, Password, TimeZone};
use notify_store::inbound::{Inserted, NewInboundEvent};
use notify_store::outbox::Decided;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().map_or(Ok(50_000), |a| a.parse())?;
    let dir = tempfile::tempdir()?;
    let url = args
        .next()
        .unwrap_or_else(|| format!("sqlite://{}", dir.path().join("what-if.db").display()));
    let store = Store::connect(&url).await.context("connecting")?;
    let owner = EmailAddress::parse("owner@bench.example")?;
    let name = MerchantName::parse("Northwind Outdoor Supply")?;
    let (merchant, _) = store
        .create_merchant(
            &NewMerchant {
                store_name: name.clone(),
                time_zone: TimeZone::parse("UTC")?,
                sender_name: name,
                sender_email: owner.clone(),
            },
            &owner,
            Password::parse("correct horse battery")?.hash()?,
            Utc::now(),
        )
        .await?;
    let platform = notify_ingest::platforms::events::PLATFORM;
    let start = Utc::now() - Duration::days(29);
    let write = Instant::now();
    for batch in (0..n).collect::<Vec<_>>().chunks(500) {
        let received: Vec<NewInboundEvent> = batch
            .iter()
            .map(|i| NewInboundEvent {
                merchant_id: merchant.id.clone(),
                platform,
                dedupe_key: format!("msg_{i}"),
                topic: "order.status_changed".to_owned(),
                delivery_id: None,
                body: "{}".to_owned(),
                triggered_at: None,
            })
            .collect();
        let at = start + Duration::seconds(batch[0] as i64 * 40);
        let ids = store.insert_inbound_events(&received, at).await?;
        let events: Vec<_> = batch
            .iter()
            .map(|i| {
                let source = OrderSource::ALL[i % OrderSource::ALL.len()];
                let status = OrderStatus::ALL[(i / 7) % OrderStatus::ALL.len()];
                // Moduli prime to the 6 sources: `i % 3` once left every
                // CTO order (i % 6 == 0) without a phone, so no SMS switch
                // of a CTO rule changed the count.
                let contacts = SampleContacts {
                    email: i % 11 != 0,
                    phone: i % 5 != 0,
                    sms_opted_out: false,
                };
                let mut event = sample_event(Trigger::Order { source, status }, contacts);
                if let Document::Order { id, number, .. } = &mut event.document {
                    *id = ExternalId::parse(&i.to_string()).expect("an id");
                    *number = DocumentNumber::parse(&i.to_string()).expect("a number");
                }
                event
            })
            .collect();
        let decided: Vec<Decided<'_>> = ids
            .iter()
            .zip(&events)
            .filter_map(|(inserted, event)| match inserted {
                Inserted::Stored(id) => Some(Decided {
                    inbound_id: id,
                    merchant_id: &merchant.id,
                    event,
                    deliveries: &[],
                    silent_detail: "no rule",
                    decisions: &[],
                    lacks: "",
                }),
                _ => None,
            })
            .collect();
        store.apply_decisions(&decided, at).await?;
    }
    eprintln!(
        "wrote {n} processed events in {:.1} s",
        write.elapsed().as_secs_f64()
    );
    let load = Instant::now();
    let history = notify_service::what_if::history(&store, &merchant.id, Utc::now()).await?;
    let load_ms = load.elapsed().as_secs_f64() * 1e3;
    let rules = starter_settings();
    let rounds = 200;
    let count = Instant::now();
    let mut total = Default::default();
    for _ in 0..rounds {
        total = volume(&rules, std::hint::black_box(&history)).0;
    }
    let count_us = count.elapsed().as_secs_f64() * 1e6 / f64::from(rounds);
    println!(
        "what-if over {n} events: {} groups; history load {load_ms:.0} ms (server, one request per page); count per toggle {count_us:.0} µs (native); {total:?}",
        history.len()
    );
    println!("RESULT what_if_load_ms={load_ms:.0} what_if_count_us={count_us:.0}");
    Ok(())
}
