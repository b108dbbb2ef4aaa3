//! The state lists of `notify_core::states` written into SQL text (for
//! `state IN (...)` in constant queries). The tests below keep each list
//! equal to the enum's, so there is still one list of states.

/// [`notify_core::JobState::OPEN`] and [`notify_core::EventState::OPEN`].
macro_rules! open_states {
    () => {
        "'pending', 'retrying'"
    };
}

/// The jobs that are no longer open: every other [`notify_core::JobState`].
macro_rules! closed_job_states {
    () => {
        "'sent', 'failed', 'dead'"
    };
}

/// The events that are no longer open: every other [`notify_core::EventState`].
macro_rules! closed_event_states {
    () => {
        "'processed', 'failed'"
    };
}

/// `state, COUNT(*)` rows with the states read into their enum (`parse`).
pub(crate) fn state_counts<T>(
    rows: Vec<(String, i64)>,
    parse: fn(&str) -> Option<T>,
) -> crate::error::StoreResult<Vec<(T, i64)>> {
    rows.into_iter()
        .map(|(state, n)| {
            parse(&state)
                .map(|s| (s, n))
                .ok_or_else(|| crate::error::StoreError::Corrupt(format!("state {state:?}")))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use notify_core::{EventState, JobState};

    fn sql_list<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
        names
            .into_iter()
            .map(|n| format!("'{n}'"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    #[test]
    fn the_sql_lists_are_the_enums_lists() {
        assert_eq!(
            open_states!(),
            sql_list(JobState::OPEN.map(JobState::as_str))
        );
        assert_eq!(
            open_states!(),
            sql_list(EventState::OPEN.map(EventState::as_str))
        );
        assert_eq!(
            closed_job_states!(),
            sql_list(
                JobState::ALL
                    .iter()
                    .filter(|s| !s.is_open())
                    .map(|s| s.as_str())
            )
        );
        assert_eq!(
            closed_event_states!(),
            sql_list(
                EventState::ALL
                    .iter()
                    .filter(|s| !s.is_open())
                    .map(|s| s.as_str())
            )
        );
    }
}
