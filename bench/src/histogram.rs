//! Quantiles of a Prometheus histogram between two scrapes of `/metrics`:
//! what the server itself measured while a load phase ran (its own answer
//! times, without the load generator's or the kernel's share).

/// One series' cumulative buckets: (upper bound in seconds, count), in the
/// order printed (ascending, `+Inf` last).
pub fn buckets(metrics: &str, name: &str, label: &str) -> Vec<(f64, f64)> {
    let prefix = format!("{name}_bucket{{");
    metrics
        .lines()
        .filter_map(|line| {
            let rest = line.strip_prefix(&prefix)?;
            let (labels, value) = rest.split_once("} ")?;
            if !labels.split(',').any(|l| l == label) {
                return None;
            }
            let le = labels
                .split(',')
                .find_map(|l| l.strip_prefix("le=\""))?
                .trim_end_matches('"');
            let le = if le == "+Inf" {
                f64::INFINITY
            } else {
                le.parse().ok()?
            };
            let count = value.split(' ').next()?.parse().ok()?;
            Some((le, count))
        })
        .collect()
}

/// The upper bound (seconds) of the bucket holding quantile `q` of what was
/// observed between `before` and `after`; `None` when nothing was.
pub fn quantile_between(before: &[(f64, f64)], after: &[(f64, f64)], q: f64) -> Option<f64> {
    let delta: Vec<(f64, f64)> = after
        .iter()
        .map(|&(le, n)| {
            let earlier = before
                .iter()
                .find(|(b, _)| *b == le)
                .map_or(0.0, |(_, n)| *n);
            (le, n - earlier)
        })
        .collect();
    let total = delta.last()?.1;
    if total <= 0.0 {
        return None;
    }
    delta
        .iter()
        .find(|(_, n)| *n >= q * total)
        .map(|(le, _)| *le)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BEFORE: &str = r#"# TYPE notify_webhook_seconds histogram
notify_webhook_seconds_sum{platform="events"} 0.1
notify_webhook_seconds_count{platform="events"} 10
notify_webhook_seconds_bucket{le="0.001",platform="events"} 10
notify_webhook_seconds_bucket{le="0.002",platform="events"} 10
notify_webhook_seconds_bucket{le="0.004",platform="events"} 10
notify_webhook_seconds_bucket{le="+Inf",platform="events"} 10
notify_webhook_seconds_bucket{le="0.001",platform="shopify"} 0
notify_webhook_seconds_bucket{le="+Inf",platform="shopify"} 5
"#;

    #[test]
    fn only_what_was_observed_between_the_scrapes_counts() {
        let after = BEFORE
            .replace(
                "0.002\",platform=\"events\"} 10",
                "0.002\",platform=\"events\"} 108",
            )
            .replace(
                "0.004\",platform=\"events\"} 10",
                "0.004\",platform=\"events\"} 109",
            )
            .replace(
                "+Inf\",platform=\"events\"} 10",
                "+Inf\",platform=\"events\"} 110",
            );
        let label = r#"platform="events""#;
        let (before, after) = (
            buckets(BEFORE, "notify_webhook_seconds", label),
            buckets(&after, "notify_webhook_seconds", label),
        );
        assert_eq!(before.len(), 4);
        // 100 new: 98 by 2 ms, 99 by 4 ms, 1 above. The 10 earlier ones
        // (all under 1 ms) would pull the median down if they counted.
        assert_eq!(quantile_between(&before, &after, 0.5), Some(0.002));
        assert_eq!(quantile_between(&before, &after, 0.99), Some(0.004));
        assert_eq!(quantile_between(&before, &after, 1.0), Some(f64::INFINITY));
        assert_eq!(quantile_between(&before, &before, 0.99), None);
    }
}
