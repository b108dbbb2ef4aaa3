//! The HTML email layout. Every value is escaped here, and only here.

use std::fmt::Write;

use crate::merchant::MerchantName;

use super::copy::Copy;

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const FONT: &str = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;";

/// Dark mode for the clients that honour it (Apple Mail, iOS, Outlook on
/// the web); the others show the light layout, which reads on any setting.
const DARK: &str = "@media (prefers-color-scheme: dark) {
  .cn-bg { background:#111418 !important; }
  .cn-card { background:#1c2026 !important; border-color:#323a44 !important; color:#e4e7eb !important; }
  .cn-muted { color:#9aa5b1 !important; }
  .cn-rule { border-color:#323a44 !important; }
  .cn-button { background:#4c9aff !important; color:#0b1b33 !important; }
  .cn-link { color:#8ab4ff !important; }
}";

const P: &str = "margin:0 0 16px;font-size:16px;line-height:24px;";
const CELL: &str = "padding:8px 0;font-size:14px;line-height:20px;";

/// Label and value rows (order details, totals): the value right-aligned,
/// allowed to break anywhere so a long tracking number cannot widen the page.
fn rows(out: &mut String, rows: &[(&'static str, String)], bold_last: bool) {
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" class=\"cn-rule\" style=\"border-top:1px solid #e4e7eb;margin-top:8px;\">"
    );
    for (i, (label, value)) in rows.iter().enumerate() {
        let weight = if bold_last && i + 1 == rows.len() {
            "font-weight:700;font-size:16px;"
        } else {
            "font-weight:600;"
        };
        let _ = writeln!(
            out,
            "<tr><td class=\"cn-muted\" style=\"{CELL}color:#616e7c;padding-right:12px;\">{}</td>\
             <td align=\"right\" style=\"{CELL}{weight}word-break:break-word;\">{}</td></tr>",
            escape(label),
            escape(value)
        );
    }
    let _ = writeln!(out, "</table>");
}

fn items(out: &mut String, copy: &Copy) {
    if copy.items.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<h2 style=\"margin:24px 0 4px;font-size:16px;line-height:24px;\">Items</h2>\n\
         <table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" class=\"cn-rule\" style=\"border-top:1px solid #e4e7eb;\">"
    );
    for item in &copy.items {
        let variant = item.variant.as_deref().map_or(String::new(), |v| {
            format!(
                "<br><span class=\"cn-muted\" style=\"color:#616e7c;\">{}</span>",
                escape(v)
            )
        });
        let _ = writeln!(
            out,
            "<tr><td style=\"{CELL}word-break:break-word;\">{name}{variant}</td>\
             <td class=\"cn-muted\" align=\"center\" style=\"{CELL}color:#616e7c;padding:8px 12px;white-space:nowrap;\">× {qty}</td>\
             <td align=\"right\" style=\"{CELL}font-weight:600;white-space:nowrap;\">{price}</td></tr>",
            name = escape(&item.name),
            qty = item.quantity,
            price = item.price.as_deref().map(escape).unwrap_or_default(),
        );
    }
    if let Some(more) = &copy.more_items {
        let _ = writeln!(
            out,
            "<tr><td colspan=\"3\" class=\"cn-muted\" style=\"{CELL}color:#616e7c;\">{}</td></tr>",
            escape(more)
        );
    }
    let _ = writeln!(out, "</table>");
}

fn button(out: &mut String, label: &str, url: &str) {
    let _ = writeln!(
        out,
        "<table role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\" style=\"margin:8px 0 24px;\"><tr>\
         <td class=\"cn-button\" style=\"border-radius:6px;background:#1f5fbf;\">\
         <a class=\"cn-button\" href=\"{url}\" style=\"display:inline-block;padding:12px 24px;font-size:16px;font-weight:600;color:#ffffff;text-decoration:none;border-radius:6px;background:#1f5fbf;\">{label}</a>\
         </td></tr></table>",
        url = escape(url),
        label = escape(label),
    );
}

pub(super) fn layout(merchant: &MerchantName, copy: &Copy) -> String {
    let mut body = String::new();
    let _ = writeln!(body, "<p style=\"{P}\">{}</p>", escape(&copy.greeting));
    for paragraph in &copy.paragraphs {
        let _ = writeln!(body, "<p style=\"{P}\">{}</p>", escape(paragraph));
    }
    let mut actions = copy.actions.iter();
    if let Some(first) = actions.next() {
        button(&mut body, first.label, &first.url);
    }
    rows(&mut body, &copy.details, false);
    items(&mut body, copy);
    rows(&mut body, &copy.totals, true);
    for action in actions {
        let _ = writeln!(
            body,
            "<p style=\"margin:16px 0 0;font-size:14px;line-height:20px;\"><a class=\"cn-link\" href=\"{url}\" style=\"color:#1f5fbf;word-break:break-all;\">{label}</a></p>",
            url = escape(&action.url),
            label = escape(action.label),
        );
    }
    format!(
        "<!DOCTYPE html>
<html lang=\"en\">
<head>
<meta charset=\"utf-8\">
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">
<meta name=\"color-scheme\" content=\"light dark\">
<meta name=\"supported-color-schemes\" content=\"light dark\">
<title>{subject}</title>
<style>
{DARK}
</style>
</head>
<body class=\"cn-bg\" style=\"margin:0;padding:0;background:#f4f5f7;\">
<div style=\"display:none;max-height:0;overflow:hidden;\">{preheader}</div>
<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" class=\"cn-bg\" style=\"background:#f4f5f7;padding:24px 12px;\"><tr><td align=\"center\">
<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" class=\"cn-card\" style=\"max-width:560px;background:#ffffff;border:1px solid #e4e7eb;border-radius:8px;{FONT}color:#1f2933;\">
<tr><td class=\"cn-rule\" style=\"padding:20px 24px;border-bottom:1px solid #e4e7eb;font-size:18px;font-weight:600;\">{store}</td></tr>
<tr><td style=\"padding:28px 24px 16px;\">
<h1 style=\"margin:0 0 20px;font-size:22px;line-height:28px;\">{heading}</h1>
{body}</td></tr>
<tr><td class=\"cn-muted\" style=\"padding:16px 24px 24px;font-size:12px;line-height:18px;color:#7b8794;\">{footer}</td></tr>
</table>
</td></tr></table>
</body>
</html>
",
        subject = escape(&copy.subject),
        preheader = escape(&copy.preheader),
        store = escape(merchant.as_str()),
        heading = escape(&copy.heading),
        footer = escape(&copy.footer),
    )
}
