//! The app's page addresses, and which of them need a signed-in merchant
//! (the server redirects before rendering).

pub const HOME: &str = "/settings/customer-notifications";
pub const LOG_IN: &str = "/login";
pub const SIGN_UP: &str = "/signup";
pub const DELIVERIES: &str = "/deliveries";
pub const INTEGRATIONS: &str = "/integrations";
pub const ACTIVITY: &str = "/activity";

const SIGNED_IN_PAGES: [&str; 5] = ["/", HOME, DELIVERIES, INTEGRATIONS, ACTIVITY];

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

/// Where to go after signing in: a local path from `?next=`, never another
/// site (`//evil.example` or `https://...`).
pub fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n,
        _ => HOME,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_classified_by_prefix() {
        assert_eq!(access("/"), Access::SignedIn);
        assert_eq!(access(HOME), Access::SignedIn);
        assert_eq!(access("/deliveries/job_1"), Access::SignedIn);
        assert_eq!(access("/deliveriesx"), Access::Public);
        assert_eq!(access("/login"), Access::SignedOut);
        assert_eq!(access("/signup"), Access::SignedOut);
        assert_eq!(access("/pkg/app.wasm"), Access::Public);
        assert_eq!(access("/api/v1/settings"), Access::Public);
        assert_eq!(access("/webhooks/shopify/x"), Access::Public);
    }

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(
            safe_next(Some("/deliveries?state=sent")),
            "/deliveries?state=sent"
        );
        assert_eq!(safe_next(Some("//evil.example")), HOME);
        assert_eq!(safe_next(Some("https://evil.example")), HOME);
        assert_eq!(safe_next(Some("/\\evil.example")), HOME);
        assert_eq!(safe_next(None), HOME);
    }
}
