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
