//! What every request handler shares: the compiled schemas, the credentials, the fixtures and
//! the lookup settings, all built once at start.

use std::sync::Arc;

use alliance_schemas::{SchemaError, Schemas};
use serde_json::Value;

use crate::auth::Credentials;
use crate::config::{Config, ConfigError, DataMode, NotFoundStyle, normalize_base_paths};
use crate::fixtures::{FixtureError, Fixtures};
use crate::generate::Generator;

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
}

/// The shared state of a running mock.
#[derive(Debug)]
pub struct AppState {
    /// The compiled wire-format schemas.
    pub schemas: Arc<Schemas>,
    /// The accepted credentials.
    pub credentials: Credentials,
    /// The account book and canned examples.
    pub fixtures: Fixtures,
    /// Makes accounts when the data mode asks for them.
    pub generator: Generator,
    /// How the lookup behaves.
    pub settings: LookupSettings,
    /// The base paths the lookup is served under.
    pub base_paths: Vec<String>,
    /// The self-contained OpenAPI document served under `/__admin/openapi.{json,yaml}`.
    pub openapi: Value,
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
}

impl AppState {
    /// Compiles the schemas, loads and checks the fixtures, and prepares the OpenAPI document.
    ///
    /// # Errors
    ///
    /// A [`StateError`] naming the broken file.
    pub fn new(config: &Config) -> Result<Self, StateError> {
        let base_paths = normalize_base_paths(config.base_paths.clone())?;
        let schemas = Arc::new(Schemas::compile().map_err(StateError::Schemas)?);
        let fixtures = Fixtures::load(&config.fixtures, &schemas).map_err(StateError::Fixtures)?;
        let openapi = alliance_schemas::openapi_json().map_err(StateError::Schemas)?;
        Ok(AppState {
            schemas,
            credentials: Credentials::new(config.clients.clone()),
            fixtures,
            generator: Generator::new(config.seed),
            settings: LookupSettings {
                require_sp_id: config.require_sp_id,
                not_found: config.not_found,
                max_body_bytes: config.max_body_bytes,
                data: config.data,
            },
            base_paths,
            openapi,
        })
    }
}
