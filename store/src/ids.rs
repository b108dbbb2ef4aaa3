//! Identifiers: random, URL-safe, unguessable strings (stored as TEXT on
//! both backends).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::tokens::random_token;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub struct $name(String);

        impl $name {
            pub fn generate() -> Self {
                $name(format!(concat!($prefix, "_{}"), random_token(16)))
            }

            /// Wraps an id read from storage or a URL; unknown ids simply
            /// match nothing.
            pub fn from_string(s: String) -> Self {
                $name(s)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

id_type!(MerchantId, "mer");
id_type!(UserId, "usr");
id_type!(ApiKeyId, "key");
id_type!(AuditId, "aud");
id_type!(InboundEventId, "evt");
id_type!(JobId, "job");
id_type!(
    /// The unguessable part of a webhook URL.
    EndpointId,
    "ep"
);

/// Characters of the random part of an id (base64url of 16 bytes).
const RANDOM_CHARS: usize = 22;

impl EndpointId {
    /// Whether `s` has the shape of an endpoint id (`ep_` and 22 base64url
    /// characters). Anything else is no endpoint, known without a lookup.
    pub fn is_well_formed(s: &str) -> bool {
        s.strip_prefix("ep_").is_some_and(|random| {
            random.len() == RANDOM_CHARS
                && random
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_endpoint_ids_are_well_formed_and_others_are_not() {
        for _ in 0..100 {
            assert!(EndpointId::is_well_formed(EndpointId::generate().as_str()));
        }
        for other in [
            "",
            "ep_",
            "ep_unknown",
            "mer_AAAAAAAAAAAAAAAAAAAAAA",
            "ep_AAAAAAAAAAAAAAAAAAAAA",
            "ep_AAAAAAAAAAAAAAAAAAAAAAA",
            "ep_AAAAAAAAAAAAAAAAAAAA/A",
            "ep_AAAAAAAAAAAAAAAAAAAA%2",
            "ep_AAAAAAAAAAAAAAAAAAAAé",
        ] {
            assert!(!EndpointId::is_well_formed(other), "{other:?}");
        }
        assert!(!EndpointId::is_well_formed(&"x".repeat(4096)));
    }
}
