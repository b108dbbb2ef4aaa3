//! Saving: the unsaved-changes indicator, Save and Discard, and what came
//! back (saved, someone else saved first, a rule to fix, an error).

use std::collections::BTreeMap;

use leptos::prelude::*;
use notify_core::{Settings, SettingsVersion, Trigger};

use super::draft::Draft;
use super::server_fns::{SaveResult, load_settings, save_settings};
use crate::errors::describe;

/// The rules as last saved (or loaded), and their version.
#[derive(Debug, Clone, PartialEq)]
pub struct Baseline {
    pub version: SettingsVersion,
    pub settings: Settings,
}

#[derive(Debug, Clone, PartialEq)]
enum Status {
    Idle,
    Saved,
    /// Someone else saved first: what they changed.
    Conflict {
        current_version: SettingsVersion,
        changes: Vec<String>,
    },
    Invalid,
    Failed(String),
}

/// What the page says about the last save, in one callout.
struct Notice {
    class: &'static str,
    role: &'static str,
    test_id: Option<&'static str>,
    text: String,
}

impl Status {
    /// The callout for a save's outcome; a conflict has its own, with a
    /// choice to make.
    fn notice(&self) -> Option<Notice> {
        let (class, role, test_id, text) = match self {
            Status::Idle | Status::Conflict { .. } => return None,
            Status::Saved => (
                "callout success",
                "status",
                Some("save-result"),
                "Saved. From now on, your customers get the notifications shown in the preview."
                    .to_owned(),
            ),
            Status::Invalid => (
                "callout danger",
                "alert",
                None,
                "Nothing was saved: fix the rules marked below and save again.".to_owned(),
            ),
            Status::Failed(message) => (
                "callout danger",
                "alert",
                None,
                format!("Nothing was saved. {message}"),
            ),
        };
        Some(Notice {
            class,
            role,
            test_id,
            text,
        })
    }

    /// Someone else saved first: their version and what they changed.
    fn conflict(&self) -> Option<(SettingsVersion, Vec<String>)> {
        match self {
            Status::Conflict {
                current_version,
                changes,
            } => Some((*current_version, changes.clone())),
            _ => None,
        }
    }
}

#[component]
pub fn SaveBar(baseline: RwSignal<Baseline>, draft: Draft, dirty: Memo<bool>) -> impl IntoView {
    let status = RwSignal::new(Status::Idle);
    // A save or a reload is under way (requests run in the browser only:
    // from a click, never on the server).
    let pending = RwSignal::new(false);

    let submit = move |version: SettingsVersion| {
        let settings = draft.rules.get_untracked();
        status.set(Status::Idle);
        pending.set(true);
        leptos::task::spawn_local(async move {
            let result = save_settings(version, settings.rules().collect()).await;
            pending.set(false);
            draft.errors.set(BTreeMap::new());
            status.set(match result {
                Ok(SaveResult::Saved { version }) => {
                    baseline.set(Baseline { version, settings });
                    Status::Saved
                }
                Ok(SaveResult::Conflict {
                    current_version,
                    changes,
                }) => Status::Conflict {
                    current_version,
                    changes,
                },
                Ok(SaveResult::Invalid { fields }) => {
                    let rules: Vec<Trigger> = settings.rules().map(|r| r.trigger).collect();
                    draft.errors.set(
                        fields
                            .into_iter()
                            .filter_map(|f| Some((rule_of_field(&f.field, &rules)?, f.message)))
                            .collect(),
                    );
                    Status::Invalid
                }
                Err(e) => Status::Failed(describe(&e)),
            });
        });
    };
    let reload = move || {
        pending.set(true);
        leptos::task::spawn_local(async move {
            let result = load_settings().await;
            pending.set(false);
            status.set(match result {
                Ok(stored) => {
                    baseline.set(Baseline {
                        version: stored.version,
                        settings: stored.settings.clone(),
                    });
                    draft.rules.set(stored.settings);
                    draft.errors.set(BTreeMap::new());
                    Status::Idle
                }
                Err(e) => Status::Failed(describe(&e)),
            });
        });
    };
    let discard = move |_| {
        draft.rules.set(baseline.get_untracked().settings);
        draft.errors.set(BTreeMap::new());
        status.set(Status::Idle);
    };
    let pending = move || pending.get();

    view! {
        <div class="save-bar" class:dirty=move || dirty.get() role="region" aria-label="Save changes">
            <p class="save-state" data-testid="save-state" aria-live="polite">
                {move || {
                    if pending() {
                        "Saving…"
                    } else if dirty.get() {
                        "Unsaved changes"
                    } else {
                        "All changes saved"
                    }
                }}
            </p>
            <div class="save-actions">
                <button
                    type="button"
                    class="button ghost"
                    disabled=move || !dirty.get() || pending()
                    on:click=discard
                >
                    "Discard"
                </button>
                <button
                    type="button"
                    class="button primary"
                    data-testid="save"
                    disabled=move || !dirty.get() || pending()
                    on:click=move |_| submit(baseline.get_untracked().version)
                >
                    "Save changes"
                </button>
            </div>
        </div>
        {move || {
            status
                .with(Status::notice)
                .map(|Notice { class, role, test_id, text }| {
                    view! {
                        <div class=class role=role data-testid=test_id>
                            <p>{text}</p>
                        </div>
                    }
                })
        }}
        {move || {
            status
                .with(Status::conflict)
                .map(|(current_version, changes)| {
                    view! {
                        <div class="callout warning" role="alert" data-testid="conflict">
                            <p class="callout-title">"Someone else saved these settings while you were editing."</p>
                            <p>"Their changes:"</p>
                            <ul class="change-list">
                                {changes.into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}
                            </ul>
                            <p>
                                "Load their version to start again from it (your unsaved changes are dropped), "
                                "or save yours over theirs."
                            </p>
                            <div class="callout-actions">
                                <button type="button" class="button" on:click=move |_| reload()>
                                    "Load their version"
                                </button>
                                <button
                                    type="button"
                                    class="button danger"
                                    data-testid="overwrite"
                                    on:click=move |_| submit(current_version)
                                >
                                    "Overwrite with mine"
                                </button>
                            </div>
                        </div>
                    }
                })
        }}
    }
}

/// `rules[3].trigger` → the trigger of the fourth rule submitted.
fn rule_of_field(field: &str, submitted: &[Trigger]) -> Option<Trigger> {
    let index: usize = field
        .strip_prefix("rules[")?
        .split(']')
        .next()?
        .parse()
        .ok()?;
    submitted.get(index).copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify_core::{InvoiceStatus, OrderSource, OrderStatus};

    #[test]
    fn field_errors_point_at_the_submitted_rule() {
        let rules = [
            Trigger::Invoice {
                status: InvoiceStatus::Closed,
            },
            Trigger::Order {
                source: OrderSource::Shopify,
                status: OrderStatus::Ready,
            },
        ];
        assert_eq!(rule_of_field("rules[1].trigger", &rules), Some(rules[1]));
        assert_eq!(rule_of_field("rules[0].email", &rules), Some(rules[0]));
        assert_eq!(rule_of_field("rules[2].trigger", &rules), None);
        assert_eq!(rule_of_field("version", &rules), None);
    }

    #[test]
    fn each_outcome_of_a_save_has_its_callout_and_a_refused_one_says_nothing_was_saved() {
        let saved = Status::Saved.notice().expect("a callout for a save");
        assert_eq!(
            (saved.class, saved.role, saved.test_id),
            ("callout success", "status", Some("save-result"))
        );
        assert!(saved.text.starts_with("Saved."), "{}", saved.text);

        let invalid = Status::Invalid
            .notice()
            .expect("a callout for rules to fix");
        assert_eq!((invalid.class, invalid.role), ("callout danger", "alert"));
        assert_eq!(
            invalid.text,
            "Nothing was saved: fix the rules marked below and save again."
        );

        let failed = Status::Failed("The server could not be reached.".to_owned())
            .notice()
            .expect("a callout for a failed request");
        assert_eq!((failed.class, failed.role), ("callout danger", "alert"));
        assert_eq!(
            failed.text,
            "Nothing was saved. The server could not be reached."
        );

        // Nothing to say before a save; a conflict has its own block, with
        // the other person's changes.
        assert!(Status::Idle.notice().is_none() && Status::Idle.conflict().is_none());
        let conflict = Status::Conflict {
            current_version: SettingsVersion(4),
            changes: vec!["Shopify · Ready: SMS on (ana@example.com)".to_owned()],
        };
        assert!(conflict.notice().is_none());
        assert_eq!(
            conflict.conflict(),
            Some((
                SettingsVersion(4),
                vec!["Shopify · Ready: SMS on (ana@example.com)".to_owned()]
            ))
        );
        assert!(Status::Saved.conflict().is_none());
    }
}
