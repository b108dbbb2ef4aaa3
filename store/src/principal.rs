//! Who is making a request, once authenticated.

use crate::ids::{ApiKeyId, MerchantId, UserId};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthMethod {
    Session,
    ApiKey(ApiKeyId),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub merchant_id: MerchantId,
    /// The signed-in user; `None` for an API key.
    pub user_id: Option<UserId>,
    /// How the audit trail names the actor: the user's email or "API key NAME".
    pub actor: String,
    pub method: AuthMethod,
}

/// What the server's authentication layer found on a request; put into the
/// request's extensions for handlers and server functions.
#[derive(Debug, Clone, Default)]
pub struct RequestAuth(pub Option<Principal>);
