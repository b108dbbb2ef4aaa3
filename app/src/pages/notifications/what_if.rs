//! "What will this change do?": over the merchant's last 30 days, what the
//! rules as edited would have sent, and how that differs from the saved
//! rules. Loaded once (a compact history with no customer data), then
//! recomputed in the browser by notify-core on every toggle, like the live
//! preview: no request per change.

use leptos::prelude::*;
use notify_core::what_if::{HistoryGroup, Volume, describe_change, volume};
use notify_core::{Settings, Trigger};

use super::draft::Draft;
use super::save_bar::Baseline;
use super::server_fns::what_if_history;

fn plural(n: u32, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// What the card shows.
#[derive(Clone, PartialEq)]
enum Shown {
    /// The history is being loaded.
    Counting,
    /// It could not be.
    Failed,
    /// It holds no events yet.
    Empty,
    Counts {
        events: u32,
        /// What the rules as edited would have sent.
        total: Volume,
        per_trigger: Vec<(Trigger, Volume)>,
        /// How that differs from the saved rules' count ("" when it does not).
        change: String,
    },
}

impl Shown {
    /// `history`: `None` while loading, `Some(None)` when it failed.
    fn of(history: Option<&Option<Vec<HistoryGroup>>>, saved: &Settings, draft: &Settings) -> Self {
        let Some(history) = history else {
            return Shown::Counting;
        };
        let Some(groups) = history else {
            return Shown::Failed;
        };
        let events = groups.iter().map(|g| g.events).sum::<u32>();
        if events == 0 {
            return Shown::Empty;
        }
        let (total, per_trigger) = volume(draft, groups);
        Shown::Counts {
            events,
            total,
            per_trigger,
            change: describe_change(volume(saved, groups).0, total),
        }
    }

    /// The line shown instead of counts, with its test id where a test
    /// reads it.
    fn hint(&self) -> Option<(Option<&'static str>, &'static str)> {
        match self {
            Shown::Counting => Some((None, "Counting your last 30 days…")),
            Shown::Failed => Some((None, "Your history could not be loaded.")),
            Shown::Empty => Some((
                Some("what-if-empty"),
                "No orders or invoices in the last 30 days yet: once webhooks arrive, this shows what your rules would have sent.",
            )),
            Shown::Counts { .. } => None,
        }
    }
}

#[component]
pub fn WhatIf(baseline: RwSignal<Baseline>, draft: Draft) -> impl IntoView {
    // Loaded once in the browser (effects do not run on the server, which
    // renders the "counting" line).
    let history: RwSignal<Option<Option<Vec<HistoryGroup>>>> = RwSignal::new(None);
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            history.set(Some(what_if_history().await.ok()));
        });
    });
    // One memo for the card: a toggle recounts the draft and the saved
    // rules alike (a few hundred groups at most: microseconds).
    let shown = Memo::new(move |_| {
        history.with(|history| {
            baseline.with(|saved| {
                draft
                    .rules
                    .with(|rules| Shown::of(history.as_ref(), &saved.settings, rules))
            })
        })
    });

    view! {
        <section
            class="card what-if"
            aria-labelledby="what-if-title"
            data-testid="what-if"
            data-loaded=move || shown.with(|s| !matches!(s, Shown::Counting)).to_string()
        >
            <h2 id="what-if-title">"Your last 30 days"</h2>
            {move || shown.with(Shown::hint).map(|(test_id, text)| view! { <p class="card-hint" data-testid=test_id>{text}</p> })}
            {move || {
                let Shown::Counts { events: n, total, per_trigger, change } = shown.get() else {
                    return None;
                };
                let Volume { emails, texts, sms_segments } = total;
                Some(view! {
                    <p
                        data-testid="what-if-total"
                        data-emails=emails
                        data-texts=texts
                        data-segments=sms_segments
                    >
                        {format!("Over {} these rules would have sent ", plural(n, "order or invoice update", "order and invoice updates"))}
                        <strong>{plural(emails, "email", "emails")}</strong>
                        " and "
                        <strong>{plural(texts, "text", "texts")}</strong>
                        {format!(" ({}).", plural(sms_segments, "SMS segment", "SMS segments"))}
                    </p>
                    <p class="what-if-change" data-testid="what-if-change">
                        {if change.is_empty() {
                            "The same as your saved rules.".to_owned()
                        } else {
                            format!("Compared with your saved rules: {change}.")
                        }}
                    </p>
                    <details class="what-if-detail">
                        <summary>"Per event"</summary>
                        <table class="what-if-table">
                            <thead>
                                <tr><th scope="col">"Event"</th><th scope="col">"Emails"</th><th scope="col">"Texts"</th><th scope="col">"Segments"</th></tr>
                            </thead>
                            <tbody>
                                {per_trigger
                                    .into_iter()
                                    .map(|(trigger, v)| view! {
                                        <tr data-testid=format!("what-if:{}", trigger.key())>
                                            <th scope="row">{trigger.to_string()}</th>
                                            <td>{v.emails}</td>
                                            <td>{v.texts}</td>
                                            <td>{v.sms_segments}</td>
                                        </tr>
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    </details>
                })
            }}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify_core::{InvoiceStatus, Rule, Toggles};

    fn closed_invoices(events: u32) -> Vec<HistoryGroup> {
        vec![HistoryGroup {
            trigger: Trigger::Invoice {
                status: InvoiceStatus::Closed,
            },
            email: true,
            phone: true,
            sms_opted_out: false,
            events,
            sms_segments: events,
        }]
    }

    fn rules(email: bool, sms: bool) -> Settings {
        let mut settings = Settings::default();
        let trigger = Trigger::Invoice {
            status: InvoiceStatus::Closed,
        };
        let toggles = Toggles {
            active: true,
            email,
            sms,
        };
        settings.add(Rule::new(trigger, toggles)).unwrap();
        settings
    }

    #[test]
    fn the_card_says_what_it_is_waiting_for_before_it_counts() {
        let none = Settings::default();
        assert!(Shown::of(None, &none, &none) == Shown::Counting);
        assert!(Shown::of(Some(&None), &none, &none) == Shown::Failed);
        let empty = Some(closed_invoices(0));
        assert!(Shown::of(Some(&empty), &none, &none) == Shown::Empty);
        assert_eq!(Shown::Empty.hint().unwrap().0, Some("what-if-empty"));
        assert!(Shown::Counting.hint().is_some() && Shown::Failed.hint().is_some());
    }

    #[test]
    fn the_counts_are_the_drafts_and_the_change_is_against_the_saved_rules() {
        let history = Some(closed_invoices(3));
        let shown = Shown::of(Some(&history), &rules(true, false), &rules(true, true));
        let Shown::Counts {
            events,
            total,
            per_trigger,
            change,
        } = &shown
        else {
            panic!("expected counts");
        };
        assert_eq!(*events, 3);
        assert_eq!((total.emails, total.texts), (3, 3));
        assert_eq!(per_trigger.len(), 1);
        assert!(change.contains("3 texts"), "{change}");
        assert!(shown.hint().is_none());
        let same = Shown::of(Some(&history), &rules(true, true), &rules(true, true));
        assert!(matches!(same, Shown::Counts { change, .. } if change.is_empty()));
    }
}
