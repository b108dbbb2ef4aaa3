//! `ops/alerts.yml` against a real `/metrics` scrape: every metric its
//! rules select exists under that name, with every label value they match
//! on, from the start (a fresh server with no traffic); every metric the
//! file names anywhere (the operator's hints) is one the server exports.
//! (`promtool` checks the syntax and fires each alert in the test command.)

use std::collections::BTreeSet;

use notify_store::testing::TestDb;
use notify_store::tests_on_both_backends;

use crate::harness::spawn;

const RULES: &str = include_str!("../../../ops/alerts.yml");

/// The PromQL of each rule: the indented block under each `expr: |`.
fn expressions(rules: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut lines = rules.lines().peekable();
    while let Some(line) = lines.next() {
        if line.trim() != "expr: |" {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let mut expr = String::new();
        while let Some(next) = lines.peek() {
            let deeper = next.len() - next.trim_start().len() > indent;
            if !(deeper || next.trim().is_empty()) {
                break;
            }
            expr.push_str(next.trim());
            expr.push('\n');
            lines.next();
        }
        found.push(expr);
    }
    found
}

/// A label matched on and the values it matches (`kind=~"a|b"`: a and b).
type Matcher = (String, Vec<String>);

/// Each `notify_*` name in `text`, with what follows it up to its closing
/// brace when it is a selector (`name{label="v",other=~"a|b"}`).
fn selectors(text: &str) -> Vec<(String, Vec<Matcher>)> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("notify_") {
        let after = &rest[at..];
        let end = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        let name = after[..end].to_owned();
        let mut matchers = Vec::new();
        if let Some(inside) = after[end..].strip_prefix('{') {
            let close = inside.find('}').expect("a selector closes");
            for matcher in inside[..close].split(',').filter(|m| !m.trim().is_empty()) {
                let (label, value) = matcher
                    .split_once("=~")
                    .or_else(|| matcher.split_once('='))
                    .unwrap_or_else(|| panic!("a matcher {matcher:?}"));
                let values = value.trim().trim_matches('"').split('|').map(str::to_owned);
                matchers.push((label.trim().to_owned(), values.collect()));
            }
        }
        found.push((name, matchers));
        rest = &after[end..];
    }
    found
}

/// The scrape's samples: (series name, its labels as `label="value"`).
fn samples(scrape: &str) -> Vec<(String, BTreeSet<String>)> {
    scrape
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let series = l.split(' ').next().unwrap();
            match series.split_once('{') {
                Some((name, labels)) => (
                    name.to_owned(),
                    labels
                        .trim_end_matches('}')
                        .split(',')
                        .map(str::to_owned)
                        .collect(),
                ),
                None => (series.to_owned(), BTreeSet::new()),
            }
        })
        .collect()
}

#[test]
fn the_rule_reader_finds_every_rule_and_selector() {
    let exprs = expressions(RULES);
    assert_eq!(exprs.len(), RULES.matches("- alert: ").count());
    let found =
        selectors("sum(rate(notify_a_total{kind=~\"x|y\", channel=\"sms\"}[5m])) / notify_b");
    assert_eq!(
        found,
        [
            (
                "notify_a_total".to_owned(),
                vec![
                    ("kind".to_owned(), vec!["x".to_owned(), "y".to_owned()]),
                    ("channel".to_owned(), vec!["sms".to_owned()]),
                ]
            ),
            ("notify_b".to_owned(), vec![]),
        ]
    );
}

async fn every_metric_the_alerts_name_is_scraped_with_their_label_values(db: &TestDb) {
    let app = spawn(db).await;
    let scrape = reqwest::get(app.url("/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let samples = samples(&scrape);
    let mut checked = BTreeSet::new();
    for expr in expressions(RULES) {
        for (name, matchers) in selectors(&expr) {
            checked.insert(name.clone());
            let series: Vec<_> = samples.iter().filter(|(n, _)| *n == name).collect();
            assert!(!series.is_empty(), "{name} (in {expr}) is not in\n{scrape}");
            for (label, values) in matchers {
                for value in values {
                    let pair = format!("{label}=\"{value}\"");
                    assert!(
                        series.iter().any(|(_, labels)| labels.contains(&pair)),
                        "{name}{{{pair}}} (in {expr}) is not in\n{scrape}"
                    );
                }
            }
        }
    }
    // Dead messages, provider errors, sends, the inbound queue, the outbox.
    assert!(checked.len() >= 5, "{checked:?}");
    // The hints in the annotations and comments name real metrics too.
    let families: BTreeSet<&str> = scrape
        .lines()
        .filter_map(|l| l.strip_prefix("# TYPE ")?.split(' ').next())
        .collect();
    for (name, _) in selectors(RULES) {
        assert!(
            families.contains(name.as_str()) || samples.iter().any(|(n, _)| *n == name),
            "{name} is named in ops/alerts.yml but not exported"
        );
    }
}

tests_on_both_backends!(every_metric_the_alerts_name_is_scraped_with_their_label_values);
