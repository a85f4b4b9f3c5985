//! Latencies per route and the errors met, shared by every virtual user.

use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

#[derive(Default)]
pub struct Stats {
    latencies: Mutex<BTreeMap<&'static str, Vec<u32>>>,
    errors: Mutex<BTreeMap<String, u64>>,
}

impl Stats {
    pub fn record(&self, route: &'static str, elapsed: Duration) {
        let micros = u32::try_from(elapsed.as_micros()).unwrap_or(u32::MAX);
        self.latencies.lock().unwrap().entry(route).or_default().push(micros);
    }

    /// `what` says the route and the status (or the transport failure).
    pub fn error(&self, what: String) {
        *self.errors.lock().unwrap().entry(what).or_default() += 1;
    }

    pub fn error_count(&self) -> u64 {
        self.errors.lock().unwrap().values().sum()
    }

    /// `{"requests", "throughput_per_s", "errors", "error_details", "routes": {route: {count, p50_ms, p99_ms, max_ms}}}`.
    pub fn report(&self, elapsed: Duration) -> Value {
        let mut latencies = self.latencies.lock().unwrap();
        let mut requests = 0;
        let mut routes = serde_json::Map::new();
        for (route, values) in latencies.iter_mut() {
            values.sort_unstable();
            requests += values.len();
            routes.insert(
                (*route).to_owned(),
                json!({
                    "count": values.len(),
                    "p50_ms": percentile(values, 0.50),
                    "p99_ms": percentile(values, 0.99),
                    "max_ms": percentile(values, 1.0),
                }),
            );
        }
        json!({
            "requests": requests,
            "throughput_per_s": (requests as f64 / elapsed.as_secs_f64() * 10.0).round() / 10.0,
            "errors": self.error_count(),
            "error_details": *self.errors.lock().unwrap(),
            "routes": routes,
        })
    }
}

/// The `q`-quantile of sorted microseconds, in milliseconds with one decimal (nearest rank).
fn percentile(sorted: &[u32], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    (f64::from(sorted[rank - 1]) / 100.0).round() / 10.0
}

/// A small deterministic generator per virtual user: the mix is reproducible from its seed.
pub struct Dice(u64);

impl Dice {
    pub fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let values: Vec<u32> = (1..=100).map(|ms| ms * 1000).collect();
        assert_eq!(percentile(&values, 0.5), 50.0);
        assert_eq!(percentile(&values, 0.99), 99.0);
        assert_eq!(percentile(&values, 1.0), 100.0);
        assert_eq!(percentile(&[], 0.5), 0.0);
    }
}
