//! Newest-first pages, written once: a size within bounds, where the next
//! page starts, and reading the cursor a client sends back.

use notify_store::cursor::Cursor;

use crate::error::{ServiceError, ServiceResult};

/// The page size when none is asked for.
pub const DEFAULT_SIZE: i64 = 50;
/// The largest page.
pub const MAX_SIZE: i64 = 200;

/// The page size asked for, within 1..=200 (default 50).
pub fn page_size(asked: Option<i64>) -> i64 {
    asked.unwrap_or(DEFAULT_SIZE).clamp(1, MAX_SIZE)
}

/// One page and where the next one starts (`None` on the last page).
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T, C> {
    pub items: Vec<T>,
    pub next: Option<C>,
}

impl<T, C> Page<T, C> {
    /// `items` as a page of `size`: a full page has a next one, starting
    /// after its last item (`cursor`).
    pub fn of(items: Vec<T>, size: i64, cursor: impl Fn(&T) -> C) -> Self {
        let next = if items.len() as i64 == size {
            items.last().map(cursor)
        } else {
            None
        };
        Page { items, next }
    }

    /// No items and no next page.
    pub fn empty() -> Self {
        Page {
            items: Vec::new(),
            next: None,
        }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U, C> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next: self.next,
        }
    }
}

/// The `before` a client sends back (a `next_before` from an earlier page;
/// empty, as a form sends it, is the first page).
pub fn parse_before(before: Option<&str>) -> ServiceResult<Option<Cursor>> {
    before
        .filter(|b| !b.is_empty())
        .map(|b| {
            Cursor::parse(b).ok_or_else(|| {
                ServiceError::BadRequest(
                    "before: use next_before from the previous page".to_owned(),
                )
            })
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_stay_within_bounds() {
        assert_eq!(page_size(None), 50);
        assert_eq!(page_size(Some(0)), 1);
        assert_eq!(page_size(Some(500)), 200);
        assert_eq!(page_size(Some(20)), 20);
    }

    #[test]
    fn only_a_full_page_has_a_next_one() {
        assert_eq!(Page::of(vec![1, 2, 3], 3, |n| *n).next, Some(3));
        assert_eq!(Page::of(vec![1, 2], 3, |n| *n).next, None);
        assert_eq!(Page::<i32, i32>::empty().next, None);
    }

    #[test]
    fn a_cursor_from_elsewhere_is_refused() {
        assert!(parse_before(None).unwrap().is_none());
        assert!(parse_before(Some("")).unwrap().is_none(), "an empty field");
        assert!(parse_before(Some("1700000000000_job_1")).unwrap().is_some());
        assert!(matches!(
            parse_before(Some("nonsense")),
            Err(ServiceError::BadRequest(_))
        ));
    }
}
