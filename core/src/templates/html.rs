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

pub(super) fn layout(merchant: &MerchantName, copy: &Copy) -> String {
    let mut body = String::new();
    let p = "margin:0 0 16px;font-size:16px;line-height:24px;";
    let _ = writeln!(body, "<p style=\"{p}\">{}</p>", escape(&copy.greeting));
    for paragraph in &copy.paragraphs {
        let _ = writeln!(body, "<p style=\"{p}\">{}</p>", escape(paragraph));
    }
    let mut details = String::new();
    for (label, value) in &copy.details {
        let _ = writeln!(
            details,
            "<tr><td style=\"padding:8px 0;color:#616e7c;font-size:14px;\">{}</td>\
             <td align=\"right\" style=\"padding:8px 0;font-size:14px;font-weight:600;\">{}</td></tr>",
            escape(label),
            escape(value)
        );
    }
    format!(
        "<!DOCTYPE html>
<html lang=\"en\">
<head>
<meta charset=\"utf-8\">
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">
<title>{subject}</title>
</head>
<body style=\"margin:0;padding:0;background:#f4f5f7;\">
<div style=\"display:none;max-height:0;overflow:hidden;\">{preheader}</div>
<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" style=\"background:#f4f5f7;padding:24px 12px;\"><tr><td align=\"center\">
<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" style=\"max-width:560px;background:#ffffff;border:1px solid #e4e7eb;border-radius:8px;{FONT}color:#1f2933;\">
<tr><td style=\"padding:20px 32px;border-bottom:1px solid #e4e7eb;font-size:18px;font-weight:600;\">{store}</td></tr>
<tr><td style=\"padding:32px 32px 16px;\">
<h1 style=\"margin:0 0 20px;font-size:22px;line-height:28px;\">{heading}</h1>
{body}<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" style=\"border-top:1px solid #e4e7eb;margin-top:8px;\">
{details}</table>
</td></tr>
<tr><td style=\"padding:16px 32px 24px;font-size:12px;line-height:18px;color:#7b8794;\">{footer}</td></tr>
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
