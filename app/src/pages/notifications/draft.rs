//! The merchant's unsaved rules and what the page is looking at: shared by
//! the rule cards, the live preview and the inspector.

use std::collections::BTreeMap;

use leptos::prelude::*;
use notify_core::{OrderSource, OrderStatus, Settings, Trigger};

#[derive(Clone, Copy)]
pub struct Draft {
    /// The rules as edited, before saving.
    pub rules: RwSignal<Settings>,
    /// The trigger whose decision and messages the inspector shows.
    pub selected: RwSignal<Trigger>,
    /// Errors from the last save, shown at the rule they are about.
    pub errors: RwSignal<BTreeMap<Trigger, String>>,
}

impl Draft {
    pub fn new(rules: Settings) -> Self {
        let selected = rules
            .rules()
            .map(|r| r.trigger)
            .find(|t| t.can_fire())
            .unwrap_or(Trigger::Order {
                source: OrderSource::Shopify,
                status: OrderStatus::Delivered,
            });
        Draft {
            rules: RwSignal::new(rules),
            selected: RwSignal::new(selected),
            errors: RwSignal::new(BTreeMap::new()),
        }
    }
}
