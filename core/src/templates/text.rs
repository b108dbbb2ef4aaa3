//! The plain-text email layout.

use std::fmt::Write;

use crate::merchant::MerchantName;

use super::copy::Copy;

pub(super) fn layout(merchant: &MerchantName, copy: &Copy) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}\n", merchant.as_str());
    let _ = writeln!(out, "{}\n", copy.heading);
    let _ = writeln!(out, "{}\n", copy.greeting);
    for paragraph in &copy.paragraphs {
        let _ = writeln!(out, "{paragraph}\n");
    }
    if let Some(first) = copy.actions.first() {
        let _ = writeln!(out, "{}: {}\n", first.label, first.url);
    }
    for (label, value) in &copy.details {
        let _ = writeln!(out, "{label}: {value}");
    }
    if !copy.items.is_empty() {
        let _ = writeln!(out, "\nItems");
        for item in &copy.items {
            let variant = item
                .variant
                .as_deref()
                .map_or(String::new(), |v| format!(" ({v})"));
            let price = item
                .price
                .as_deref()
                .map_or(String::new(), |p| format!(" - {p}"));
            let _ = writeln!(out, "{} x {}{variant}{price}", item.quantity, item.name);
        }
        if let Some(more) = &copy.more_items {
            let _ = writeln!(out, "{more}");
        }
    }
    if !copy.totals.is_empty() {
        let _ = writeln!(out);
        for (label, value) in &copy.totals {
            let _ = writeln!(out, "{label}: {value}");
        }
    }
    for action in copy.actions.iter().skip(1) {
        let _ = writeln!(out, "\n{}: {}", action.label, action.url);
    }
    let _ = write!(out, "\n--\n{}\n", copy.footer);
    out
}
