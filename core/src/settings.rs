//! The merchant's notification rules: at most one per trigger.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::catalog::{Channel, Trigger};

/// The three switches of a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

/// How one rule differs between two versions of the settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleChange {
    pub trigger: Trigger,
    /// `None`: the rule did not exist before (it was created).
    pub before: Option<Toggles>,
    /// `None`: the rule was removed.
    pub after: Option<Toggles>,
}

impl RuleChange {
    /// One line for the merchant, e.g. "Shopify · Ready: SMS on → off".
    pub fn describe(&self) -> String {
        let switches = |t: Toggles| [("Active", t.active), ("Email", t.email), ("SMS", t.sms)];
        let on_off = |b: bool| if b { "on" } else { "off" };
        match (self.before, self.after) {
            (None, Some(after)) => {
                let channels: Vec<&str> = after.channels().map(|c| c.display_name()).collect();
                let channels = if channels.is_empty() {
                    "no channel".to_owned()
                } else {
                    channels.join(" + ")
                };
                let state = if after.active { "active" } else { "inactive" };
                format!("{}: rule added ({state}, {channels})", self.trigger)
            }
            (Some(_), None) => format!("{}: rule removed", self.trigger),
            (Some(before), Some(after)) => {
                let parts: Vec<String> = switches(before)
                    .into_iter()
                    .zip(switches(after))
                    .filter(|((_, b), (_, a))| a != b)
                    .map(|((name, b), (_, a))| format!("{name} {} → {}", on_off(b), on_off(a)))
                    .collect();
                format!("{}: {}", self.trigger, parts.join(", "))
            }
            (None, None) => format!("{}: unchanged", self.trigger),
        }
    }
}

impl Settings {
    /// What changed from `self` to `next`, rule by rule, in trigger order.
    pub fn diff(&self, next: &Settings) -> Vec<RuleChange> {
        let triggers: std::collections::BTreeSet<Trigger> = self
            .rules
            .keys()
            .chain(next.rules.keys())
            .copied()
            .collect();
        triggers
            .into_iter()
            .filter_map(|trigger| {
                let before = self.rules.get(&trigger).copied();
                let after = next.rules.get(&trigger).copied();
                (before != after).then_some(RuleChange {
                    trigger,
                    before,
                    after,
                })
            })
            .collect()
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
    fn diff_lists_added_changed_and_removed_rules() {
        let invoice = Trigger::Invoice {
            status: InvoiceStatus::Closed,
        };
        let before = Settings::new([Rule::new(SHOPIFY_DELIVERED, ON)]).unwrap();
        let mut after = before.clone();
        after.update(SHOPIFY_DELIVERED, |t| {
            t.sms = true;
            t.active = false;
        });
        after
            .add(Rule::new(
                invoice,
                Toggles {
                    active: true,
                    email: false,
                    sms: true,
                },
            ))
            .unwrap();
        let changes = before.diff(&after);
        let described: Vec<String> = changes.iter().map(RuleChange::describe).collect();
        assert_eq!(
            described,
            vec![
                "Shopify · Delivered: Active on → off, SMS off → on".to_owned(),
                "Invoice · Closed: rule added (active, SMS)".to_owned(),
            ]
        );
        let removed = after.diff(&Settings::default());
        assert_eq!(removed.len(), 2);
        assert_eq!(removed[1].describe(), "Invoice · Closed: rule removed");
        assert!(before.diff(&before).is_empty());
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
