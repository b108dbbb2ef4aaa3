//! Quiet hours: a daily window, in the merchant's time zone, when texts
//! wait (emails do not). Default 21:00 to 08:00; a merchant can switch it
//! off or move it.

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Timelike, Utc};
use serde::{Deserialize, Serialize};
use thiserror::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuietHours {
    pub enabled: bool,
    /// Minutes after local midnight when the window starts (0..1440).
    pub start_minute: u16,
    /// Minutes after local midnight when it ends; before `start_minute`
    /// means the window crosses midnight.
    pub end_minute: u16,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("times are HH:MM between 00:00 and 23:59, and start and end differ")]
pub struct QuietHoursError;

impl Default for QuietHours {
    fn default() -> Self {
        QuietHours {
            enabled: true,
            start_minute: 21 * 60,
            end_minute: 8 * 60,
        }
    }
}

/// "21:00" → 1260.
pub fn parse_hhmm(s: &str) -> Result<u16, QuietHoursError> {
    let t = NaiveTime::parse_from_str(s.trim(), "%H:%M").map_err(|_| QuietHoursError)?;
    Ok((t.hour() * 60 + t.minute()) as u16)
}

pub fn format_hhmm(minute: u16) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

impl QuietHours {
    pub fn new(enabled: bool, start_minute: u16, end_minute: u16) -> Result<Self, QuietHoursError> {
        if start_minute >= 1440 || end_minute >= 1440 || start_minute == end_minute {
            return Err(QuietHoursError);
        }
        Ok(QuietHours {
            enabled,
            start_minute,
            end_minute,
        })
    }

    fn contains(&self, minute: u16) -> bool {
        if self.start_minute < self.end_minute {
            (self.start_minute..self.end_minute).contains(&minute)
        } else {
            minute >= self.start_minute || minute < self.end_minute
        }
    }

    /// `None` when a text may go now; otherwise when the window ends, in
    /// the merchant's zone `tz` (any [`TimeZone`]: the server passes an
    /// IANA zone).
    pub fn holds_until<Tz: TimeZone>(&self, now: DateTime<Utc>, tz: Tz) -> Option<DateTime<Utc>> {
        if !self.enabled {
            return None;
        }
        let local = now.with_timezone(&tz);
        let minute = (local.hour() * 60 + local.minute()) as u16;
        if !self.contains(minute) {
            return None;
        }
        let end = NaiveTime::from_hms_opt(
            u32::from(self.end_minute / 60),
            u32::from(self.end_minute % 60),
            0,
        )?;
        let mut day = local.date_naive();
        if minute >= self.end_minute {
            day = day.succ_opt()?;
        }
        // The first instant at or after the end time that the zone has
        // (a DST gap moves it forward by an hour).
        let end_local = day.and_time(end);
        let resolved = tz.from_local_datetime(&end_local).earliest().or_else(|| {
            tz.from_local_datetime(&(end_local + Duration::hours(1)))
                .earliest()
        })?;
        Some(resolved.with_timezone(&Utc))
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_window_across_midnight_holds_until_the_morning() {
        let q = QuietHours::default();
        let ny = chrono_tz::America::New_York;
        // 22:30 in New York (EST, UTC-5) → held until 08:00 next morning.
        assert_eq!(
            q.holds_until(utc("2026-01-15T03:30:00Z"), ny),
            Some(utc("2026-01-15T13:00:00Z"))
        );
        // 02:00 → the same morning.
        assert_eq!(
            q.holds_until(utc("2026-01-15T07:00:00Z"), ny),
            Some(utc("2026-01-15T13:00:00Z"))
        );
        // 12:00 → allowed.
        assert_eq!(q.holds_until(utc("2026-01-15T17:00:00Z"), ny), None);
        // Switched off → always allowed.
        assert_eq!(
            QuietHours {
                enabled: false,
                ..q
            }
            .holds_until(utc("2026-01-15T03:30:00Z"), ny),
            None
        );
    }

    #[test]
    fn a_daytime_window_and_the_edges() {
        let q = QuietHours::new(
            true,
            parse_hhmm("12:00").unwrap(),
            parse_hhmm("13:30").unwrap(),
        )
        .unwrap();
        let tz = chrono_tz::UTC;
        assert_eq!(q.holds_until(utc("2026-01-15T11:59:00Z"), tz), None);
        assert_eq!(
            q.holds_until(utc("2026-01-15T12:00:00Z"), tz),
            Some(utc("2026-01-15T13:30:00Z"))
        );
        assert_eq!(q.holds_until(utc("2026-01-15T13:30:00Z"), tz), None);
        assert!(QuietHours::new(true, 600, 600).is_err());
        assert!(parse_hhmm("24:00").is_err());
        assert_eq!(format_hhmm(1260), "21:00");
    }

    #[test]
    fn a_dst_gap_moves_the_end_forward() {
        // Europe/London springs forward at 01:00 → 02:00 on 2026-03-29.
        let q = QuietHours::new(true, 0, 60 + 30).unwrap(); // 00:00 to 01:30 (01:30 does not exist that night)
        let london = chrono_tz::Europe::London;
        let at = london
            .with_ymd_and_hms(2026, 3, 29, 0, 30, 0)
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(q.holds_until(at, london), Some(utc("2026-03-29T01:30:00Z")));
    }
}
