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

    /// The SQL list of `all`'s states that are open (`open`) or not.
    fn sql_list<T: Copy>(
        all: &[T],
        is_open: fn(T) -> bool,
        open: bool,
        name: fn(T) -> &'static str,
    ) -> String {
        all.iter()
            .filter(|s| is_open(**s) == open)
            .map(|s| format!("'{}'", name(*s)))
            .collect::<Vec<_>>()
            .join(", ")
    }

    #[test]
    fn the_sql_lists_are_the_enums_lists() {
        let jobs = |open| sql_list(JobState::ALL, JobState::is_open, open, JobState::as_str);
        let events = |open| {
            sql_list(
                EventState::ALL,
                EventState::is_open,
                open,
                EventState::as_str,
            )
        };
        assert_eq!(open_states!(), jobs(true));
        assert_eq!(open_states!(), events(true));
        assert_eq!(closed_job_states!(), jobs(false));
        assert_eq!(closed_event_states!(), events(false));
    }
}
