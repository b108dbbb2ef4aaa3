//! Newest-first pages: a size within bounds, and where the next page starts.

/// The page size asked for, within 1..=200 (default 50).
pub fn page_size(asked: Option<i64>) -> i64 {
    asked.unwrap_or(50).clamp(1, 200)
}

/// The cursor of the next page: the last item's, when the page is full.
pub fn next_cursor<T, C>(items: &[T], size: i64, cursor: impl Fn(&T) -> C) -> Option<C> {
    if items.len() as i64 == size {
        items.last().map(cursor)
    } else {
        None
    }
}

/// The `before` query parameter (a `next_before` from an earlier page).
pub fn parse_cursor(
    before: Option<&str>,
) -> Result<Option<notify_store::cursor::Cursor>, crate::http::error::ApiError> {
    before
        .map(|b| {
            notify_store::cursor::Cursor::parse(b).ok_or_else(|| {
                crate::http::error::ApiError::BadRequest(
                    "before: use next_before from the previous page".to_owned(),
                )
            })
        })
        .transpose()
}
