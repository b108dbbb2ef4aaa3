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
    for (label, value) in &copy.details {
        let _ = writeln!(out, "{label}: {value}");
    }
    let _ = write!(out, "\n--\n{}\n", copy.footer);
    out
}
