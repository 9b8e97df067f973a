//! What every request handler shares: the compiled schemas, the credentials, the fixtures and
//! scenarios (swapped whole on reload), the lookup settings, the scenario switches, the journal.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use futures_util::FutureExt as _;
use futures_util::future::{BoxFuture, Shared};

use alliance_schemas::{SchemaError, Schemas};
use arc_swap::{ArcSwap, ArcSwapOption};
use axum::body::Bytes;
use serde_json::Value;

use crate::config::{
    AdminToken, Config, ConfigError, DataMode, FixtureSource, FlowMode, NotFoundStyle,
};
use crate::domain::flow::Flow;
use crate::domain::flow::ledger::Rules;
use crate::domain::generate::Generator;
use crate::domain::generate::cache::AnswerCache;
use crate::fixtures::{FixtureError, FixtureFiles, Fixtures};
use crate::gateway::auth::Credentials;
use crate::gateway::ratelimit::RateLimits;
use crate::observe::journal::Journal;
use crate::observe::layer::Observer;
use crate::proxy::{Proxy, Settings as ProxySettings};
use crate::scenario::select::Chaos;

/// The lookup's settings from the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LookupSettings {
    /// See [`Config::require_sp_id`].
    pub(crate) require_sp_id: bool,
    /// See [`Config::not_found`].
    pub(crate) not_found: NotFoundStyle,
    /// See [`Config::max_body_bytes`].
    pub(crate) max_body_bytes: usize,
    /// See [`Config::data`].
    pub(crate) data: DataMode,
    /// See [`Config::read_timeout_secs`]: the time a request's body may take to arrive.
    pub(crate) read_timeout: std::time::Duration,
    /// Whether the mock serves HTTPS (the scheme of the OpenAPI document's first server).
    pub(crate) https: bool,
}

/// The shared state of a running mock: what every handler reads. Built from a [`Config`] with
/// [`AppState::new`], then handed to [`crate::router`].
#[derive(Debug)]
pub struct AppState {
    /// The compiled wire-format schemas.
    pub(crate) schemas: Arc<Schemas>,
    /// The accepted credentials.
    pub(crate) credentials: Credentials,
    /// The account book, canned examples and scenarios; replaced whole by a reload.
    pub(crate) fixtures: ArcSwap<Fixtures>,
    /// Where the fixtures are loaded from, for reloads.
    pub(crate) fixture_source: FixtureSource,
    /// Makes accounts when the data mode asks for them.
    pub(crate) generator: Generator,
    /// Generated answers (serialized) kept for repeated lookups.
    pub(crate) generated_answers: AnswerCache<Bytes>,
    /// How the lookup behaves.
    pub(crate) settings: LookupSettings,
    /// The base paths the API is served under.
    pub(crate) base_paths: Vec<String>,
    /// The self-contained OpenAPI document served under `/__admin/openapi.{json,yaml}`, made on
    /// the first request for it: making it takes several megabytes that a mock which is never
    /// asked for it should not hold.
    openapi: std::sync::OnceLock<Value>,
    /// The server-wide scenario, if one is on.
    pub(crate) active_scenario: ArcSwapOption<String>,
    /// Random failure injection.
    pub(crate) chaos: Chaos,
    /// Per-client rate limits.
    pub(crate) rate_limits: RateLimits,
    /// The journal and the head limit, for the bookkeeping layer.
    pub(crate) observer: Arc<Observer>,
    /// The upstream requests are forwarded to, and the recorder, when configured.
    pub(crate) proxy: Option<Arc<Proxy>>,
    /// Who may use the admin API.
    pub(crate) admin_access: AdminAccess,
    /// The Ordering flow's state and rules.
    pub(crate) flow: Flow,
    /// The scenario names the configuration refers to, checked again on every reload.
    referenced_scenarios: Vec<(String, String)>,
    /// The reload running now, if any, for callers to share.
    reloading: Mutex<Option<(u64, SharedReload)>>,
    /// How many reloads have started, which also numbers them.
    reloads: AtomicU64,
    /// How the last finished reload ended, for the health check.
    last_reload: Mutex<Option<LastReload>>,
    /// When the state was made: the health check's uptime counts from here.
    pub(crate) started: std::time::Instant,
}

/// The outcome of a reload: the fixtures now in service and whether the files had changed, or
/// why the files were refused (the data in service is then unchanged).
pub(crate) type Reloaded = Result<(Arc<Fixtures>, bool), String>;

/// How a finished reload (by the admin API or the watcher) ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LastReload {
    /// Its number, from 1.
    pub(crate) number: u64,
    /// `reloaded`, `unchanged` or `refused`.
    pub(crate) outcome: &'static str,
    /// Why it was refused.
    pub(crate) error: Option<String>,
}

type SharedReload = Shared<BoxFuture<'static, Reloaded>>;

/// Who may use the admin API. Secure by default: a mock that listens beyond this machine
/// without a token answers only its health check, unless the user opened it explicitly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AdminAccess {
    /// Every admin request needs the token.
    Token(AdminToken),
    /// Every admin request is answered (loopback, or `--admin-open`).
    Open,
    /// Only `GET /__admin/health` is answered.
    HealthOnly,
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
    /// The proxy's upstream or recording folder cannot be used.
    #[error("the proxy cannot be used: {0}")]
    Proxy(String),
}

impl AppState {
    /// Compiles the schemas, loads and checks the fixtures and scenarios, checks every scenario
    /// the configuration names, and prepares the OpenAPI document.
    ///
    /// # Errors
    ///
    /// A [`StateError`] naming the broken file or setting.
    pub fn new(config: &Config) -> Result<Self, StateError> {
        let config = config.clone().validate()?;
        let base_paths = config.base_paths.clone();
        let schemas = Arc::new(Schemas::compile().map_err(StateError::Schemas)?);
        let fixtures = Fixtures::load(&config.fixtures, &schemas).map_err(StateError::Fixtures)?;
        let referenced_scenarios = referenced_scenarios(&config);
        check_scenarios(&fixtures, &referenced_scenarios)?;
        let observer = Arc::new(Observer {
            journal: Journal::new(config.journal_size, config.journal_bytes),
            max_header_bytes: config.max_header_bytes,
        });
        let proxy = match &config.proxy {
            Some(proxy) => Some(Arc::new(
                Proxy::new(
                    proxy,
                    Arc::clone(&schemas),
                    ProxySettings {
                        credentials: Credentials::new(config.clients.clone()),
                        base_paths: config.base_paths.clone(),
                        max_body_bytes: config.max_body_bytes,
                        read_timeout: std::time::Duration::from_secs(
                            config.read_timeout_secs.max(1),
                        ),
                        observer: Arc::clone(&observer),
                    },
                )
                .map_err(StateError::Proxy)?,
            )),
            None => None,
        };
        Ok(AppState {
            schemas,
            credentials: Credentials::new(config.clients.clone()),
            fixtures: ArcSwap::from_pointee(fixtures),
            fixture_source: config.fixtures.clone(),
            generator: Generator::new(config.seed),
            generated_answers: AnswerCache::default(),
            settings: LookupSettings {
                require_sp_id: config.require_sp_id,
                not_found: config.not_found,
                max_body_bytes: config.max_body_bytes,
                data: config.data,
                read_timeout: std::time::Duration::from_secs(config.read_timeout_secs.max(1)),
                https: config.tls.is_some(),
            },
            base_paths,
            openapi: std::sync::OnceLock::new(),
            active_scenario: ArcSwapOption::new(config.scenario.clone().map(Arc::new)),
            chaos: Chaos::new(
                config.failure_rate,
                config.failure_scenarios.clone(),
                config.seed,
            ),
            rate_limits: RateLimits::new(&config.clients),
            proxy,
            observer,
            admin_access: match &config.admin_token {
                Some(token) => AdminAccess::Token(token.clone()),
                None if config.admin_open || config.listen.ip().is_loopback() => AdminAccess::Open,
                None => AdminAccess::HealthOnly,
            },
            flow: Flow::new(
                Rules {
                    strict: config.flow == FlowMode::Strict,
                    esign_after: std::time::Duration::from_secs(config.esign_after_secs),
                    order_statuses: config.order_statuses.clone(),
                    status_every: std::time::Duration::from_secs(config.order_status_secs),
                    capacity: config.flow_capacity,
                },
                config.seed,
            ),
            referenced_scenarios,
            reloading: Mutex::new(None),
            reloads: AtomicU64::new(0),
            last_reload: Mutex::new(None),
            started: std::time::Instant::now(),
        })
    }

    /// Loads the fixtures and scenarios again and puts them in service, unless a file is broken
    /// or a scenario the configuration names is gone: then the data in service stays.
    ///
    /// # Errors
    ///
    /// A [`StateError`] naming the broken file or the missing scenario.
    fn reload(&self) -> Result<(Arc<Fixtures>, bool), StateError> {
        let files = FixtureFiles::read(&self.fixture_source).map_err(StateError::Fixtures)?;
        let current = self.fixtures.load_full();
        if files.fingerprint() == current.fingerprint {
            // The same files build the same fixtures: nothing to check again.
            return Ok((current, false));
        }
        let fixtures = Fixtures::from_files(files, &self.schemas).map_err(StateError::Fixtures)?;
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
        Ok((fixtures, true))
    }
}

impl AppState {
    /// The self-contained OpenAPI document, made on the first call.
    ///
    /// # Errors
    ///
    /// [`SchemaError`] if the embedded document or a schema is broken (a defect of the build,
    /// caught by the schemas crate's tests).
    pub(crate) fn openapi(&self) -> Result<&Value, SchemaError> {
        if let Some(document) = self.openapi.get() {
            return Ok(document);
        }
        let document = alliance_schemas::openapi_json()?;
        Ok(self.openapi.get_or_init(|| document))
    }

    /// Loads the fixtures and scenarios again, as [`AppState::reload`] does, on a thread of its
    /// own so that requests are served meanwhile, one reload at a time: a caller that arrives
    /// while a reload runs gets that reload's outcome instead of starting another.
    pub(crate) async fn reload_shared(self: &Arc<Self>) -> Reloaded {
        let running = {
            let mut slot = self
                .reloading
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            match &*slot {
                Some((_, running)) => running.clone(),
                None => {
                    let number = self.reloads.fetch_add(1, Ordering::SeqCst);
                    let state = Arc::clone(self);
                    let running = async move {
                        let work = Arc::clone(&state);
                        let outcome = tokio::task::spawn_blocking(move || {
                            work.reload()
                                .map_err(|refused| format!("{:#}", anyhow::Error::new(refused)))
                        })
                        .await
                        .unwrap_or_else(|_| Err("the reload failed unexpectedly".to_owned()));
                        *state
                            .last_reload
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner) =
                            Some(LastReload {
                                number: number + 1,
                                outcome: match &outcome {
                                    Ok((_, true)) => "reloaded",
                                    Ok((_, false)) => "unchanged",
                                    Err(_) => "refused",
                                },
                                error: outcome.as_ref().err().cloned(),
                            });
                        // Done: the next caller starts a new reload (a file may have changed
                        // since this one read them).
                        let mut slot = state
                            .reloading
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner);
                        if slot.as_ref().is_some_and(|(running, _)| *running == number) {
                            *slot = None;
                        }
                        outcome
                    }
                    .boxed()
                    .shared();
                    *slot = Some((number, running.clone()));
                    running
                }
            }
        };
        running.await
    }

    /// How the last finished reload ended, if any ran.
    pub(crate) fn last_reload(&self) -> Option<LastReload> {
        self.last_reload
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// A reload that reads the files after this call: it waits for a reload already running
    /// (which may have read them before they changed), then reloads, sharing only a reload
    /// that started after this call.
    pub(crate) async fn reload_fresh(self: &Arc<Self>) -> Reloaded {
        let running = self
            .reloading
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .as_ref()
            .map(|(_, running)| running.clone());
        if let Some(running) = running {
            let _ = running.await;
        }
        self.reload_shared().await
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Two reloads asked for at once share one: the files are read once, both get the outcome.
    #[tokio::test(flavor = "current_thread")]
    async fn concurrent_reloads_share_the_running_one() {
        let state = Arc::new(AppState::new(&Config::default()).expect("the bundled fixtures load"));
        let (first, second) = tokio::join!(state.reload_shared(), state.reload_shared());
        let (first, second) = (first.expect("reloaded").0, second.expect("reloaded").0);
        assert!(
            Arc::ptr_eq(&first, &second),
            "one reload's fixtures for both"
        );
        assert_eq!(state.reloads.load(Ordering::SeqCst), 1);
        // Once it is done, the next caller starts a new one.
        let (third, changed) = state.reload_shared().await.expect("reloaded");
        assert!(!changed, "the bundled files never change");
        assert!(
            Arc::ptr_eq(&first, &third),
            "unchanged files: the fixtures in service stay"
        );
        assert_eq!(state.reloads.load(Ordering::SeqCst), 2);
        // A fresh reload after a finished one is one more.
        state.reload_fresh().await.expect("reloaded");
        assert_eq!(state.reloads.load(Ordering::SeqCst), 3);
    }
}
