//! The merchant's notification rules: at most one per trigger.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::catalog::{Channel, Trigger};

/// The three switches of a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Toggles {
    pub active: bool,
    pub email: bool,
    pub sms: bool,
}

impl Toggles {
    pub const fn channel(self, channel: Channel) -> bool {
        match channel {
            Channel::Email => self.email,
            Channel::Sms => self.sms,
        }
    }

    pub fn set_channel(&mut self, channel: Channel, on: bool) {
        match channel {
            Channel::Email => self.email = on,
            Channel::Sms => self.sms = on,
        }
    }

    /// Channels that are switched on, whether or not the rule is active.
    pub fn channels(self) -> impl Iterator<Item = Channel> {
        Channel::ALL.into_iter().filter(move |c| self.channel(*c))
    }
}

/// One rule as it travels on the wire: `{"trigger": {...}, "active", "email", "sms"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Rule {
    pub trigger: Trigger,
    pub active: bool,
    pub email: bool,
    pub sms: bool,
}

impl Rule {
    pub const fn new(trigger: Trigger, toggles: Toggles) -> Self {
        Rule {
            trigger,
            active: toggles.active,
            email: toggles.email,
            sms: toggles.sms,
        }
    }

    pub const fn toggles(self) -> Toggles {
        Toggles {
            active: self.active,
            email: self.email,
            sms: self.sms,
        }
    }
}

/// A validation problem tied to the field that has it, e.g.
/// `rules[3].trigger`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
pub struct SettingsError {
    pub errors: Vec<FieldError>,
}

impl fmt::Display for SettingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .errors
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect();
        write!(f, "invalid settings: {}", parts.join("; "))
    }
}

/// Adding a rule for a trigger that already has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("{0} already has a rule")]
pub struct DuplicateRule(pub Trigger);

/// The rules the merchant has created, at most one per trigger. Rules are
/// kept and listed in the canonical trigger order (source, then status).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RulesOnTheWire", into = "RulesOnTheWire")]
pub struct Settings {
    rules: BTreeMap<Trigger, Toggles>,
}

#[derive(Serialize, Deserialize)]
struct RulesOnTheWire {
    rules: Vec<Rule>,
}

impl Settings {
    /// The validated constructor: every trigger at most once.
    pub fn new(rules: impl IntoIterator<Item = Rule>) -> Result<Self, SettingsError> {
        let mut settings = Settings::default();
        let mut errors = Vec::new();
        for (index, rule) in rules.into_iter().enumerate() {
            if let Err(DuplicateRule(trigger)) = settings.add(rule) {
                errors.push(FieldError {
                    field: format!("rules[{index}].trigger"),
                    message: format!("{trigger} already has a rule; a trigger can have only one"),
                });
            }
        }
        if errors.is_empty() {
            Ok(settings)
        } else {
            Err(SettingsError { errors })
        }
    }

    pub fn rule(&self, trigger: Trigger) -> Option<Rule> {
        self.rules.get(&trigger).map(|t| Rule::new(trigger, *t))
    }

    pub fn rules(&self) -> impl ExactSizeIterator<Item = Rule> + '_ {
        self.rules
            .iter()
            .map(|(trigger, t)| Rule::new(*trigger, *t))
    }

    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    pub fn add(&mut self, rule: Rule) -> Result<(), DuplicateRule> {
        if self.rules.contains_key(&rule.trigger) {
            return Err(DuplicateRule(rule.trigger));
        }
        self.rules.insert(rule.trigger, rule.toggles());
        Ok(())
    }

    /// Changes the switches of an existing rule; returns false when the
    /// trigger has no rule.
    pub fn update(&mut self, trigger: Trigger, change: impl FnOnce(&mut Toggles)) -> bool {
        match self.rules.get_mut(&trigger) {
            Some(toggles) => {
                change(toggles);
                true
            }
            None => false,
        }
    }

    pub fn remove(&mut self, trigger: Trigger) -> Option<Rule> {
        self.rules.remove(&trigger).map(|t| Rule::new(trigger, t))
    }
}

impl TryFrom<RulesOnTheWire> for Settings {
    type Error = SettingsError;
    fn try_from(value: RulesOnTheWire) -> Result<Self, Self::Error> {
        Settings::new(value.rules)
    }
}

impl From<Settings> for RulesOnTheWire {
    fn from(value: Settings) -> Self {
        RulesOnTheWire {
            rules: value.rules().collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{InvoiceStatus, OrderSource, OrderStatus};

    const SHOPIFY_DELIVERED: Trigger = Trigger::Order {
        source: OrderSource::Shopify,
        status: OrderStatus::Delivered,
    };
    const ON: Toggles = Toggles {
        active: true,
        email: true,
        sms: false,
    };

    #[test]
    fn a_second_rule_for_a_trigger_is_a_field_error() {
        let err = Settings::new([
            Rule::new(SHOPIFY_DELIVERED, ON),
            Rule::new(
                Trigger::Invoice {
                    status: InvoiceStatus::Closed,
                },
                ON,
            ),
            Rule::new(SHOPIFY_DELIVERED, ON),
        ])
        .unwrap_err();
        assert_eq!(
            err.errors,
            vec![FieldError {
                field: "rules[2].trigger".into(),
                message: "Shopify · Delivered already has a rule; a trigger can have only one"
                    .into(),
            }]
        );
    }

    #[test]
    fn wire_format_is_the_public_contract() {
        let json = r#"{"rules":[
            {"trigger":{"kind":"invoice","status":"closed"},"active":true,"email":false,"sms":true},
            {"trigger":{"kind":"order","source":"retailcloud_online","status":"sent_for_processing"},"active":false,"email":true,"sms":false}
        ]}"#;
        let settings: Settings = serde_json::from_str(json).unwrap();
        assert_eq!(settings.len(), 2);
        // Canonical order: order triggers before invoice triggers.
        let back = serde_json::to_value(&settings).unwrap();
        assert_eq!(
            back["rules"][0]["trigger"],
            serde_json::json!({"kind":"order","source":"retailcloud_online","status":"sent_for_processing"})
        );
        assert_eq!(back["rules"][1]["sms"], serde_json::json!(true));
    }

    #[test]
    fn wire_rejects_duplicates_and_unknown_names() {
        let dup = r#"{"rules":[
            {"trigger":{"kind":"invoice","status":"closed"},"active":true,"email":true,"sms":true},
            {"trigger":{"kind":"invoice","status":"closed"},"active":true,"email":true,"sms":true}]}"#;
        assert!(serde_json::from_str::<Settings>(dup).is_err());
        let unknown = r#"{"rules":[{"trigger":{"kind":"order","source":"amazon","status":"ready"},"active":true,"email":true,"sms":true}]}"#;
        assert!(serde_json::from_str::<Settings>(unknown).is_err());
    }

    #[test]
    fn update_and_remove_keep_one_rule_per_trigger() {
        let mut s = Settings::default();
        s.add(Rule::new(SHOPIFY_DELIVERED, ON)).unwrap();
        assert_eq!(
            s.add(Rule::new(SHOPIFY_DELIVERED, ON)),
            Err(DuplicateRule(SHOPIFY_DELIVERED))
        );
        assert!(s.update(SHOPIFY_DELIVERED, |t| t.set_channel(Channel::Sms, true)));
        assert!(s.rule(SHOPIFY_DELIVERED).unwrap().sms);
        assert!(!s.update(
            Trigger::Invoice {
                status: InvoiceStatus::Cancelled
            },
            |t| t.active = false
        ));
        assert!(s.remove(SHOPIFY_DELIVERED).is_some());
        assert!(s.is_empty());
    }
}
