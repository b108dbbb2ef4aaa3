//! The app's page addresses, and which of them need a signed-in merchant
//! (the server redirects before rendering).

pub const HOME: &str = "/settings/customer-notifications";
pub const LOG_IN: &str = "/login";
pub const SIGN_UP: &str = "/signup";
pub const DELIVERIES: &str = "/deliveries";
pub const INTEGRATIONS: &str = "/integrations";
pub const ACTIVITY: &str = "/activity";
pub const ORDERS: &str = "/orders";

const SIGNED_IN_PAGES: [&str; 6] = ["/", HOME, DELIVERIES, ORDERS, INTEGRATIONS, ACTIVITY];

/// An order's (or invoice's) timeline: `/orders/{source}/{id}`, the id
/// percent-encoded as one path segment.
pub fn order_timeline(source: &str, document_id: &str) -> String {
    let mut id = String::with_capacity(document_id.len());
    for byte in document_id.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            id.push(char::from(byte));
        } else {
            id.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("{ORDERS}/{source}/{id}")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone (assets, the API and webhooks check for themselves).
    Public,
    /// Only a signed-in merchant; others are sent to the login page.
    SignedIn,
    /// Login and sign-up: a signed-in merchant is sent to the settings.
    SignedOut,
}

pub fn access(path: &str) -> Access {
    let under = |page: &str| {
        path == page
            || (page != "/"
                && path
                    .strip_prefix(page)
                    .is_some_and(|rest| rest.starts_with('/')))
    };
    if [LOG_IN, SIGN_UP].into_iter().any(under) {
        Access::SignedOut
    } else if SIGNED_IN_PAGES.into_iter().any(under) {
        Access::SignedIn
    } else {
        Access::Public
    }
}

/// The login page, to go on to `next` once signed in (`?next=`, encoded).
#[cfg(feature = "ssr")]
pub fn log_in_then(next: &str) -> String {
    format!(
        "{LOG_IN}?next={}",
        url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
    )
}

/// Where to go after signing in: a path on this site from `?next=`, never
/// another site. Anything else (or nothing) leads to the settings.
pub fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(path) if is_local_path(path) => path,
        _ => HOME,
    }
}

/// Percent-decoding deeper than this is refused rather than followed.
const MAX_DECODINGS: usize = 3;

/// A path on this origin, whatever reads it: printable ASCII only (so it is
/// a valid `Location` header and a browser strips nothing from it), and at
/// every level of percent-decoding one leading `/` not followed by another,
/// no backslash (browsers read `/\host` as `//host`) and no control
/// character (they drop tabs and newlines, so `/<TAB>/host` is `//host`).
fn is_local_path(path: &str) -> bool {
    if !path.bytes().all(|b| b.is_ascii_graphic()) {
        return false;
    }
    let mut current = path.as_bytes().to_vec();
    for _ in 0..=MAX_DECODINGS {
        if !is_plain_local_path(&current) {
            return false;
        }
        let decoded = percent_decode(&current);
        if decoded == current {
            return true;
        }
        current = decoded;
    }
    false
}

fn is_plain_local_path(bytes: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    text.starts_with('/')
        && !text[1..].starts_with('/')
        && !text.chars().any(|c| c == '\\' || c.is_control())
}

/// `%XX` → the byte; anything else, including a malformed `%`, as it is.
fn percent_decode(bytes: &[u8]) -> Vec<u8> {
    let hex = |b: u8| char::from(b).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| Some((hex(*bytes.get(i + 1)?)?, hex(*bytes.get(i + 2)?)?)))
            .flatten();
        match escaped {
            Some((high, low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_classified_by_prefix() {
        assert_eq!(access("/"), Access::SignedIn);
        assert_eq!(access(HOME), Access::SignedIn);
        assert_eq!(access("/deliveries/job_1"), Access::SignedIn);
        assert_eq!(access("/orders"), Access::SignedIn);
        assert_eq!(access("/orders/shopify/1001"), Access::SignedIn);
        assert_eq!(access("/deliveriesx"), Access::Public);
        assert_eq!(access("/login"), Access::SignedOut);
        assert_eq!(access("/signup"), Access::SignedOut);
        assert_eq!(access("/pkg/app.wasm"), Access::Public);
        assert_eq!(access("/api/v1/settings"), Access::Public);
        assert_eq!(access("/webhooks/shopify/x"), Access::Public);
    }

    #[test]
    fn an_order_address_keeps_its_id_in_one_segment() {
        assert_eq!(order_timeline("shopify", "1001"), "/orders/shopify/1001");
        assert_eq!(
            order_timeline("invoice", "INV 7/a?b#c"),
            "/orders/invoice/INV%207%2Fa%3Fb%23c"
        );
    }

    #[test]
    fn next_stays_on_this_site() {
        for local in [
            "/",
            "/deliveries?state=sent",
            "/deliveries/job_1",
            "/deliveries?source=a%2Fb",
            "/integrations#shopify",
            "/a/./b/../c",
        ] {
            assert_eq!(safe_next(Some(local)), local, "{local:?}");
        }
        assert_eq!(safe_next(None), HOME);
    }

    /// Known ways to make a browser leave the site from a "local" path, and
    /// values that cannot be a header.
    const BYPASSES: &[&str] = &[
        "",
        "deliveries",
        "//evil.example",
        "///evil.example",
        "https://evil.example",
        "http:/evil.example",
        "javascript:alert(1)",
        "/\\evil.example",
        "\\\\evil.example",
        "/\\/evil.example",
        "/\t/evil.example/x",
        "/\n/evil.example",
        "/\r/evil.example",
        "/\r\n/evil.example",
        "\t//evil.example",
        " //evil.example",
        "/ /evil.example",
        "/\u{0}/evil.example",
        "/\u{1b}/evil.example",
        "/\u{7f}/evil.example",
        "/\u{85}/evil.example",
        "/\u{9b}/evil.example",
        "/\u{202e}/evil.example",
        "/évil",
        "/%2F",
        "/%2Fevil.example",
        "/%2f/evil.example",
        "%2F%2Fevil.example",
        "%2F",
        "/%5Cevil.example",
        "/%5cevil.example",
        "/x%5C",
        "/%09/evil.example",
        "/%0A/evil.example",
        "/%0d/evil.example",
        "/%00",
        "/%7F",
        "/%C2%85/evil.example",
        "/%C2%9B",
        "/%C0%AF",
        "/%FF",
        "/%252F/evil.example",
        "/%255C/evil.example",
        "/%2509/evil.example",
        "/%25252525252F",
    ];

    #[test]
    fn next_never_leaves_the_site_or_breaks_a_header() {
        for bypass in BYPASSES {
            assert_eq!(safe_next(Some(bypass)), HOME, "{bypass:?}");
        }
    }

    #[test]
    fn the_page_chosen_is_always_a_valid_header_value() {
        for next in BYPASSES.iter().chain(&["/deliveries?state=sent"]) {
            let chosen = safe_next(Some(next));
            assert!(chosen.bytes().all(|b| b.is_ascii_graphic()), "{next:?}");
        }
    }
}
