//! The OpenAPI 3.1 document of `/api/v1`, generated from the handlers' own
//! types: each handler's `#[utoipa::path]` and each body's `ToSchema`. The
//! router registers exactly the operations the document lists (see
//! `api::router`), so the two cannot drift.

use std::collections::BTreeMap;

use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};
use utoipa::{IntoResponses, Modify, OpenApi};

use app::session_cookie::SESSION_COOKIE;

use crate::http::error::ErrorBody;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Customer Notifications API",
        version = "1",
        description = "Rules, delivery log, events, integrations and account settings of Customer Notifications, for merchants who automate. Authenticate with the session cookie of a sign-in, or with `Authorization: Bearer <api key>` (create keys with `POST /api/v1/api-keys`). Every error answers `{\"error\": {\"code\", \"message\"}}`; a validation error adds `fields`, a settings conflict adds `current_version` and `changes_since`."
    ),
    tags(
        (name = "accounts", description = "Sign up, sign in, sign out."),
        (name = "settings", description = "The notification rules, saved as a whole with the version they were based on."),
        (name = "deliveries", description = "Every message and its attempts."),
        (name = "orders", description = "Orders and invoices found by number, source or customer, and each one's timeline."),
        (name = "events", description = "The webhooks received and what became of each."),
        (name = "integrations", description = "One webhook endpoint per platform."),
        (name = "account settings", description = "API keys, quiet hours, test sends, the audit trail."),
    ),
    components(schemas(ErrorBody)),
    modifiers(&SecuritySchemes),
)]
pub struct ApiDoc;

/// The two ways in: the session cookie and a bearer API key.
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                SESSION_COOKIE,
                "Set by POST /api/v1/session (or /merchants) and by the pages' sign-in.",
            ))),
        );
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("cnk_…")
                    .description(Some("An API key from POST /api/v1/api-keys."))
                    .build(),
            ),
        );
    }
}

/// A response whose body is the error shape.
fn error(description: &str) -> RefOr<Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build(),
        )
        .build()
        .into()
}

fn responses(list: &[(&str, &str)]) -> BTreeMap<String, RefOr<Response>> {
    list.iter()
        .map(|(status, description)| ((*status).to_owned(), error(description)))
        .collect()
}

/// What any operation that needs a merchant can answer besides its own.
pub struct NeedsSignIn;

impl IntoResponses for NeedsSignIn {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        responses(&[(
            "401",
            "Not signed in, or the API key is unknown or revoked (`unauthorized`).",
        )])
    }
}

/// What any operation with a JSON body can answer besides its own.
pub struct BodyErrors;

impl IntoResponses for BodyErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        responses(&[
            (
                "400",
                "The body is not JSON of the documented shape, or Content-Type is not application/json (`bad_request`).",
            ),
            (
                "403",
                "A cross-site request from a browser: its Origin is not this site's (`forbidden`).",
            ),
            ("413", "The body is over the size limit (`too_large`)."),
        ])
    }
}

/// What any operation with query or path parameters can answer when one
/// does not parse.
pub struct ParameterErrors;

impl IntoResponses for ParameterErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        responses(&[(
            "400",
            "A query or path parameter does not parse, or `before` is not a `next_before` of an earlier page (`bad_request`).",
        )])
    }
}

/// What a state-changing operation without a body can answer.
pub struct CrossSite;

impl IntoResponses for CrossSite {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        responses(&[(
            "403",
            "A cross-site request from a browser: its Origin is not this site's (`forbidden`).",
        )])
    }
}

/// `422`: every invalid field at once.
pub struct Invalid;

impl IntoResponses for Invalid {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        responses(&[(
            "422",
            "Some fields are invalid (`validation`); `fields` names each with its problem.",
        )])
    }
}

/// `404`.
pub struct NotFound;

impl IntoResponses for NotFound {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        responses(&[(
            "404",
            "No such thing for this merchant (`not_found`); another merchant's ids are not found either.",
        )])
    }
}

/// `429`.
pub struct Limited;

impl IntoResponses for Limited {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        responses(&[(
            "429",
            "Too many requests of this kind; the message says when to try again (`too_many_requests`).",
        )])
    }
}
