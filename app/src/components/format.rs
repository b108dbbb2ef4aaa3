//! Small display helpers shared by the log pages.

use leptos::prelude::*;
use notify_core::Trigger;

/// `2026-03-14T15:09:26.512+00:00` → `2026-03-14 15:09:26 UTC`.
pub fn short_time(rfc3339: &str) -> String {
    match rfc3339.get(..19) {
        Some(t) if rfc3339.ends_with("+00:00") || rfc3339.ends_with('Z') => {
            format!("{} UTC", t.replacen('T', " ", 1))
        }
        _ => rfc3339.to_owned(),
    }
}

/// `order.shopify.ready` → `Shopify · Ready`.
pub fn trigger_label(key: &str) -> String {
    Trigger::from_key(key)
        .map(|t| t.to_string())
        .unwrap_or_else(|| key.to_owned())
}

/// A coloured state badge: sent, pending, retrying, failed, dead…
#[component]
pub fn StateBadge(#[prop(into)] state: String) -> impl IntoView {
    let tone = match state.as_str() {
        "sent" | "processed" | "delivered" => "success",
        "pending" | "queued" => "neutral",
        "retrying" | "transient" => "warning",
        _ => "danger",
    };
    let label = crate::components::field::capitalise(&state.replace('_', " "));
    view! { <span class=format!("badge {tone}") data-state=state>{label}</span> }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_as_utc() {
        assert_eq!(
            short_time("2026-03-14T15:09:26.512+00:00"),
            "2026-03-14 15:09:26 UTC"
        );
        assert_eq!(
            short_time("2026-03-14T15:09:26Z"),
            "2026-03-14 15:09:26 UTC"
        );
        assert_eq!(short_time("soon"), "soon");
    }

    #[test]
    fn trigger_keys_read_as_names() {
        assert_eq!(trigger_label("order.shopify.ready"), "Shopify · Ready");
        assert_eq!(trigger_label("invoice.closed"), "Invoice · Closed");
        assert_eq!(trigger_label("x"), "x");
    }
}
