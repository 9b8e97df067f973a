//! What every request handler shares: the compiled schemas, the credentials, the fixtures and
//! scenarios (swapped whole on reload), the lookup settings, the scenario switches, the journal.

use std::sync::Arc;

use alliance_schemas::{SchemaError, Schemas};
use arc_swap::{ArcSwap, ArcSwapOption};
use serde_json::Value;

use crate::auth::Credentials;
use crate::config::{
    AdminToken, Config, ConfigError, DataMode, NotFoundStyle, normalize_base_paths,
};
use crate::fixtures::{FixtureError, FixtureSource, Fixtures};
use crate::generate::Generator;
use crate::journal::Journal;
use crate::ratelimit::RateLimits;
use crate::scenario::select::Chaos;

/// The lookup's settings from the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LookupSettings {
    /// See [`Config::require_sp_id`].
    pub require_sp_id: bool,
    /// See [`Config::not_found`].
    pub not_found: NotFoundStyle,
    /// See [`Config::max_body_bytes`].
    pub max_body_bytes: usize,
    /// See [`Config::data`].
    pub data: DataMode,
    /// See [`Config::max_header_bytes`].
    pub max_header_bytes: usize,
    /// See [`Config::read_timeout_secs`]: the time a request's body may take to arrive.
    pub read_timeout: std::time::Duration,
    /// Whether the mock serves HTTPS (the scheme of the OpenAPI document's first server).
    pub https: bool,
}

/// The shared state of a running mock.
#[derive(Debug)]
pub struct AppState {
    /// The compiled wire-format schemas.
    pub schemas: Arc<Schemas>,
    /// The accepted credentials.
    pub credentials: Credentials,
    /// The account book, canned examples and scenarios; replaced whole by a reload.
    pub fixtures: ArcSwap<Fixtures>,
    /// Where the fixtures are loaded from, for reloads.
    pub fixture_source: FixtureSource,
    /// Makes accounts when the data mode asks for them.
    pub generator: Generator,
    /// Generated answers kept for repeated lookups.
    pub generated_answers: crate::generate::AnswerCache,
    /// How the lookup behaves.
    pub settings: LookupSettings,
    /// The request schema's quick check for these settings (see [`crate::validate::quick_check`]).
    pub quick_check: Option<alliance_schemas::FieldsCheck>,
    /// The base paths the lookup is served under.
    pub base_paths: Vec<String>,
    /// The self-contained OpenAPI document served under `/__admin/openapi.{json,yaml}`.
    pub openapi: Value,
    /// The server-wide scenario, if one is on.
    pub active_scenario: ArcSwapOption<String>,
    /// Random failure injection.
    pub chaos: Chaos,
    /// Per-client rate limits.
    pub rate_limits: RateLimits,
    /// The recent requests.
    pub journal: Journal,
    /// The admin API's token, if it needs one.
    pub admin_token: Option<AdminToken>,
    /// The scenario names the configuration refers to, checked again on every reload.
    referenced_scenarios: Vec<(String, String)>,
}

/// Why the state could not be built.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// The embedded schemas are broken (a defect of the build).
    #[error("the embedded schemas cannot be used")]
    Schemas(#[source] SchemaError),
    /// A fixture file is refused.
    #[error("the fixtures cannot be used")]
    Fixtures(#[source] FixtureError),
    /// A setting is unusable.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The configuration names a scenario that is not loaded.
    #[error("{place} names scenario {name:?}, which is not loaded; known scenarios: {known}")]
    UnknownScenario {
        /// Where: `--scenario`, `--failure-scenarios`, `client "qa"`.
        place: String,
        /// The name.
        name: String,
        /// The loaded names.
        known: String,
    },
}

impl AppState {
    /// Compiles the schemas, loads and checks the fixtures and scenarios, checks every scenario
    /// the configuration names, and prepares the OpenAPI document.
    ///
    /// # Errors
    ///
    /// A [`StateError`] naming the broken file or setting.
    pub fn new(config: &Config) -> Result<Self, StateError> {
        let base_paths = normalize_base_paths(config.base_paths.clone())?;
        let schemas = Arc::new(Schemas::compile().map_err(StateError::Schemas)?);
        let fixtures = Fixtures::load(&config.fixtures, &schemas).map_err(StateError::Fixtures)?;
        let referenced_scenarios = referenced_scenarios(config);
        check_scenarios(&fixtures, &referenced_scenarios)?;
        let openapi = alliance_schemas::openapi_json().map_err(StateError::Schemas)?;
        let quick_check = crate::validate::quick_check(&schemas, config.require_sp_id);
        Ok(AppState {
            schemas,
            credentials: Credentials::new(config.clients.clone()),
            fixtures: ArcSwap::from_pointee(fixtures),
            fixture_source: config.fixtures.clone(),
            generator: Generator::new(config.seed),
            generated_answers: crate::generate::AnswerCache::default(),
            settings: LookupSettings {
                require_sp_id: config.require_sp_id,
                not_found: config.not_found,
                max_body_bytes: config.max_body_bytes,
                data: config.data,
                max_header_bytes: config.max_header_bytes,
                read_timeout: std::time::Duration::from_secs(config.read_timeout_secs.max(1)),
                https: config.tls.is_some(),
            },
            quick_check,
            base_paths,
            openapi,
            active_scenario: ArcSwapOption::new(config.scenario.clone().map(Arc::new)),
            chaos: Chaos::new(
                config.failure_rate,
                config.failure_scenarios.clone(),
                config.seed,
            ),
            rate_limits: RateLimits::new(&config.clients),
            journal: Journal::new(config.journal_size),
            admin_token: config.admin_token.clone(),
            referenced_scenarios,
        })
    }

    /// Loads the fixtures and scenarios again and puts them in service, unless a file is broken
    /// or a scenario the configuration names is gone: then the data in service stays.
    ///
    /// # Errors
    ///
    /// A [`StateError`] naming the broken file or the missing scenario.
    pub fn reload(&self) -> Result<Arc<Fixtures>, StateError> {
        let fixtures =
            Fixtures::load(&self.fixture_source, &self.schemas).map_err(StateError::Fixtures)?;
        check_scenarios(&fixtures, &self.referenced_scenarios)?;
        if let Some(active) = self.active_scenario.load_full()
            && fixtures.scenarios.get(&active).is_none()
        {
            return Err(StateError::UnknownScenario {
                place: "the server-wide scenario".to_owned(),
                name: active.to_string(),
                known: fixtures.scenarios.names(),
            });
        }
        let fixtures = Arc::new(fixtures);
        self.fixtures.store(Arc::clone(&fixtures));
        Ok(fixtures)
    }
}

/// Every scenario name the configuration uses, with where it uses it.
fn referenced_scenarios(config: &Config) -> Vec<(String, String)> {
    let mut names = Vec::new();
    if let Some(name) = &config.scenario {
        names.push(("--scenario".to_owned(), name.clone()));
    }
    if config.failure_rate > 0.0 {
        for name in &config.failure_scenarios {
            names.push(("--failure-scenarios".to_owned(), name.clone()));
        }
    }
    for client in &config.clients {
        if let Some(name) = &client.scenario {
            names.push((format!("client {:?}", client.id), name.clone()));
        }
    }
    names
}

fn check_scenarios(fixtures: &Fixtures, referenced: &[(String, String)]) -> Result<(), StateError> {
    for (place, name) in referenced {
        if fixtures.scenarios.get(name).is_none() {
            return Err(StateError::UnknownScenario {
                place: place.clone(),
                name: name.clone(),
                known: fixtures.scenarios.names(),
            });
        }
    }
    Ok(())
}
