//! What the merchant needs to know to connect each platform: what it
//! covers, what its topics are called, and which secrets we need (the
//! topics themselves come from the server, which acts on them).

pub struct SecretField {
    /// The form field (and JSON API) name.
    pub name: &'static str,
    pub label: &'static str,
    pub hint: &'static str,
    pub required: bool,
    /// A secret is write-only: never shown again once saved.
    pub secret: bool,
}

pub struct Guide {
    pub slug: &'static str,
    pub name: &'static str,
    pub covers: &'static str,
    /// What the list of topics is called on this platform.
    pub topics_heading: &'static str,
    pub fields: &'static [SecretField],
}

pub const GUIDES: [Guide; 4] = [
    Guide {
        slug: "shopify",
        name: "Shopify",
        covers: "Orders from your Shopify store.",
        topics_heading: "Subscribe to",
        fields: &[
            SecretField {
                name: "client_secret",
                label: "App client secret",
                hint: "From your Shopify app's API credentials; it signs every webhook.",
                required: true,
                secret: true,
            },
            SecretField {
                name: "previous_client_secret",
                label: "Previous client secret (while rotating)",
                hint: "Optional: still accepted until your app has switched over.",
                required: false,
                secret: true,
            },
        ],
    },
    Guide {
        slug: "bigcommerce",
        name: "BigCommerce",
        covers: "Orders from your BigCommerce store (we fetch each order's details with your API token).",
        topics_heading: "Subscribe to",
        fields: &[
            SecretField {
                name: "store_hash",
                label: "Store hash",
                hint: "The part after /stores/ in your API path.",
                required: true,
                secret: false,
            },
            SecretField {
                name: "api_token",
                label: "API account access token",
                hint: "Read-only access to orders is enough.",
                required: true,
                secret: true,
            },
            SecretField {
                name: "hook_secret",
                label: "Webhook header secret",
                hint: "Set it as the X-Notify-Hook-Secret header when you create the webhooks.",
                required: true,
                secret: true,
            },
        ],
    },
    Guide {
        slug: "woocommerce",
        name: "WooCommerce",
        covers: "Orders from your WooCommerce store.",
        topics_heading: "Subscribe to",
        fields: &[SecretField {
            name: "webhook_secret",
            label: "Webhook secret",
            hint: "The secret you typed when creating the webhook in WooCommerce.",
            required: true,
            secret: true,
        }],
    },
    Guide {
        slug: "events",
        name: "Your own systems",
        covers: "CTO, Fanvista and retailcloud Online orders, and invoices, sent by your systems to one signed endpoint (Standard Webhooks).",
        topics_heading: "Event types to send",
        fields: &[],
    },
];
