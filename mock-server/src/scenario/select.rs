//! Which scenario a request gets, most specific first:
//! 1. the `x-mock-scenario` header;
//! 2. the scenario bound to the authenticated client in the configuration;
//! 3. a body marker: an `accountName` of `SCENARIO <name>` (optionally followed by the name to
//!    look up), for clients whose headers cannot be changed;
//! 4. the server-wide scenario (`--scenario`, or `PUT /__admin/scenario`);
//! 5. chaos: with `--failure-rate`, one of `--failure-scenarios` at random, reproducibly with the
//!    seed;
//! 6. otherwise none.

use std::sync::atomic::{AtomicU64, Ordering};

use axum::http::HeaderValue;
use serde_json::Value;

use super::{Scenario, Scenarios};
use crate::domain::operation::Operation;
use crate::http::error::ApiError;

/// The prefix of an `accountName` that names a scenario.
pub const BODY_MARKER: &str = "SCENARIO ";

/// Where the scenario of a request came from, for the journal and the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The `x-mock-scenario` header.
    Header,
    /// The client's binding in the configuration.
    Client,
    /// The `accountName` marker.
    BodyMarker,
    /// The server-wide setting.
    ServerWide,
    /// Random failure injection.
    Chaos,
}

impl Source {
    /// How the journal names it.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Header => "header",
            Source::Client => "client",
            Source::BodyMarker => "body-marker",
            Source::ServerWide => "server-wide",
            Source::Chaos => "chaos",
        }
    }
}

/// Where a request's scenario may come from, as the caller found them.
#[derive(Debug, Default)]
pub(crate) struct Sources<'a> {
    /// The `x-mock-scenario` header.
    pub(crate) header: Option<&'a HeaderValue>,
    /// The scenario bound to the authenticated client.
    pub(crate) bound: Option<&'a str>,
    /// The request body, when it is JSON: its `accountName` may carry a marker, which is taken
    /// out whichever source wins, so that it is never searched for as a name.
    pub(crate) body: Option<&'a mut Value>,
    /// The server-wide scenario.
    pub(crate) server_wide: Option<&'a str>,
}

/// The scenario of a request of `operation` and where it came from, most specific source first
/// (see the module's documentation); chaos is drawn only when no other source names one. The
/// scenario chosen is dropped when it does not apply to the operation: the request is then
/// answered as usual.
///
/// # Errors
///
/// [`ApiError::UnknownScenario`] when the header or a body marker names no loaded scenario.
pub(crate) fn choose<'a>(
    scenarios: &'a Scenarios,
    chaos: &Chaos,
    operation: Operation,
    sources: Sources<'_>,
) -> Result<Option<(&'a Scenario, Source)>, ApiError> {
    Ok(choose_any(scenarios, chaos, sources)?
        .filter(|(scenario, _)| scenario.applies_to(operation)))
}

fn choose_any<'a>(
    scenarios: &'a Scenarios,
    chaos: &Chaos,
    sources: Sources<'_>,
) -> Result<Option<(&'a Scenario, Source)>, ApiError> {
    let more_specific = match from_header(sources.header, scenarios)? {
        Some(scenario) => Some((scenario, Source::Header)),
        None => sources
            .bound
            .and_then(|name| scenarios.get(name))
            .map(|scenario| (scenario, Source::Client)),
    };
    if let Some(chosen) = more_specific {
        if let Some(body) = sources.body {
            strip_marker(body);
        }
        return Ok(Some(chosen));
    }
    if let Some(body) = sources.body
        && let Some(scenario) = from_body(body, scenarios)?
    {
        return Ok(Some((scenario, Source::BodyMarker)));
    }
    if let Some(scenario) = sources.server_wide.and_then(|name| scenarios.get(name)) {
        return Ok(Some((scenario, Source::ServerWide)));
    }
    Ok(chaos
        .next(scenarios)
        .map(|scenario| (scenario, Source::Chaos)))
}

/// The scenario named by the `x-mock-scenario` header, if any; an empty header names none.
///
/// # Errors
///
/// [`ApiError::UnknownScenario`] (400, listing the known names) for a name that is not loaded.
pub fn from_header<'a>(
    value: Option<&HeaderValue>,
    scenarios: &'a Scenarios,
) -> Result<Option<&'a Scenario>, ApiError> {
    let Some(value) = value else {
        return Ok(None);
    };
    let name = String::from_utf8_lossy(value.as_bytes());
    match name.trim() {
        // An empty header (a client template's unset variable) names no scenario.
        "" => Ok(None),
        name => named(name, scenarios).map(Some),
    }
}

/// The scenario named by an `accountName` of `SCENARIO <name> [name to look up]`, if any. The
/// marker is taken out of the body: what follows the scenario's name becomes the `accountName`
/// (left as it was when nothing follows).
///
/// # Errors
///
/// [`ApiError::UnknownScenario`] for a name that is not loaded.
pub fn from_body<'a>(
    body: &mut Value,
    scenarios: &'a Scenarios,
) -> Result<Option<&'a Scenario>, ApiError> {
    match strip_marker(body) {
        Some(name) => named(&name, scenarios).map(Some),
        None => Ok(None),
    }
}

/// Takes a `SCENARIO <name> [name to look up]` marker (in any case) out of the `accountName` and
/// returns the scenario's name. Called even when a more specific source chose the scenario, so
/// that the marker is never searched for as a name.
pub fn strip_marker(body: &mut Value) -> Option<String> {
    let Some(Value::String(account_name)) = body.get_mut("accountName") else {
        return None;
    };
    if !has_marker(account_name) {
        return None;
    }
    let trimmed = account_name.trim_start();
    let rest = trimmed[BODY_MARKER.len()..].trim_start();
    let (name, lookup) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let name = name.to_ascii_lowercase();
    let lookup = lookup.trim().to_owned();
    if !lookup.is_empty() {
        *account_name = lookup;
    }
    Some(name)
}

/// Whether an `accountName` starts with the `SCENARIO ` marker (in any case).
pub fn has_marker(account_name: &str) -> bool {
    account_name
        .trim_start()
        .get(..BODY_MARKER.len())
        .is_some_and(|start| start.eq_ignore_ascii_case(BODY_MARKER))
}

fn named<'a>(name: &str, scenarios: &'a Scenarios) -> Result<&'a Scenario, ApiError> {
    scenarios
        .get(name)
        .ok_or_else(|| ApiError::UnknownScenario {
            name: name.to_owned(),
            known: scenarios.names(),
        })
}

/// Random failure injection: each request fails with probability `rate`, with one of the
/// scenarios in turn drawn from the seed and the request's number, so a run is reproducible.
#[derive(Debug, Default)]
pub struct Chaos {
    rate: f64,
    scenarios: Vec<String>,
    seed: u64,
    requests: AtomicU64,
    draws: AtomicU64,
}

impl Chaos {
    /// Fails `rate` (0 to 1) of the requests with the given scenarios.
    pub fn new(rate: f64, scenarios: Vec<String>, seed: u64) -> Self {
        Chaos {
            rate,
            scenarios,
            seed,
            requests: AtomicU64::new(0),
            draws: AtomicU64::new(0),
        }
    }

    /// The next number of a reproducible random sequence (for a scenario's jitter).
    pub fn draw(&self) -> u64 {
        mix(self.seed ^ mix(u64::MAX - self.draws.fetch_add(1, Ordering::Relaxed)))
    }

    /// The scenario injected into the next request, if any.
    pub fn next<'a>(&self, scenarios: &'a Scenarios) -> Option<&'a Scenario> {
        if self.rate <= 0.0 || self.scenarios.is_empty() {
            return None;
        }
        let number = self.requests.fetch_add(1, Ordering::Relaxed);
        let draw = mix(self.seed ^ mix(number));
        // The top 53 bits as a fraction in [0, 1).
        let fraction = (draw >> 11) as f64 / (1_u64 << 53) as f64;
        if fraction >= self.rate {
            return None;
        }
        let pick = (mix(draw) % self.scenarios.len() as u64) as usize;
        scenarios.get(&self.scenarios[pick])
    }
}

/// SplitMix64's finaliser: a well-mixed 64-bit hash of a counter.
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Behaviour, Fault};
    use serde_json::json;

    fn scenarios() -> Scenarios {
        Scenarios::new(["server-error", "null-fields"].map(|name| Scenario {
            name: name.to_owned(),
            description: String::new(),
            operations: None,
            behaviour: Behaviour::Fault(Fault::EmptyResponse),
        }))
    }

    #[test]
    fn the_body_marker_names_the_scenario_and_leaves_the_name_to_look_up() -> Result<(), ApiError> {
        let scenarios = scenarios();
        let mut body = json!({"accountName": "SCENARIO null-fields ACME CORP"});
        let found = from_body(&mut body, &scenarios)?.map(|s| s.name.clone());
        assert_eq!(found.as_deref(), Some("null-fields"));
        assert_eq!(body["accountName"], "ACME CORP");
        let mut body = json!({"accountName": "SCENARIO nope"});
        assert!(matches!(
            from_body(&mut body, &scenarios),
            Err(ApiError::UnknownScenario { .. })
        ));
        let mut body = json!({"accountName": "SCENARIOS R US"});
        assert!(from_body(&mut body, &scenarios)?.is_none());
        let mut body = json!({"accountName": "scenario Null-Fields acme"});
        assert_eq!(
            from_body(&mut body, &scenarios)?.map(|s| s.name.as_str()),
            Some("null-fields")
        );
        assert_eq!(body["accountName"], "acme");
        Ok(())
    }

    #[test]
    fn chaos_fails_about_the_given_share_and_repeats_with_the_seed() {
        let scenarios = scenarios();
        let run = |seed| {
            let chaos = Chaos::new(
                0.25,
                vec!["server-error".into(), "null-fields".into()],
                seed,
            );
            (0..4000)
                .map(|_| chaos.next(&scenarios).map(|s| s.name.clone()))
                .collect::<Vec<_>>()
        };
        let first = run(7);
        assert_eq!(first, run(7));
        assert_ne!(first, run(8));
        let failed = first.iter().filter(|s| s.is_some()).count();
        assert!((850..1150).contains(&failed), "{failed} of 4000");
        assert!(first.iter().any(|s| s.as_deref() == Some("null-fields")));
        assert!(first.iter().any(|s| s.as_deref() == Some("server-error")));
    }
}
