//! Where the cases go: one base URL for every operation, or one per step, as production serves
//! each step on its own host; and the credentials to send.
//!
//! A target file (TOML) names them for a real deployment, credentials by the environment
//! variables that hold them, never the values:
//!
//! ```toml
//! base-url = "https://uat.example.com"          # the default for steps not listed
//! client-id-env = "ATT_CLIENT_ID"               # variables holding the credentials
//! client-secret-env = "ATT_CLIENT_SECRET"
//! allow-writes = false                          # create quotes and orders on this target?
//!
//! [steps]                                       # operationId = base URL
//! customerAccountLookup = "https://att-endcustomerlookup-eapi.gw.cloud.att.com"
//! createOrder = "https://att-order-eapi.gw.cloud.att.com"
//! ```

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::api::{Api, LOOKUP, Operation};

/// What `client_secret` shows as in every report.
pub const REDACTED: &str = "***";

/// An endpoint and the credentials to call it with.
#[derive(Clone)]
pub struct Target {
    /// The base URL of every operation without its own (`http://127.0.0.1:8080`), or the
    /// lookup's full URL when it ends with `/customerAccountLookup`.
    pub base_url: String,
    /// A base URL per `operationId`, for endpoints that serve each step on its own host.
    pub step_urls: BTreeMap<String, String>,
    /// The `client_id` header.
    pub client_id: String,
    /// The `client_secret` header. Never printed.
    pub client_secret: String,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("base_url", &self.base_url)
            .field("step_urls", &self.step_urls)
            .field("client_id", &self.client_id)
            .field("client_secret", &REDACTED)
            .finish()
    }
}

impl Target {
    /// Every operation under `base_url`.
    pub fn new(
        base_url: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        Target {
            base_url: base_url.into(),
            step_urls: BTreeMap::new(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
        }
    }

    /// The URL `operation` is called at (without its query).
    pub fn url_for(&self, operation: &Operation) -> String {
        if let Some(base) = self.step_urls.get(&operation.id) {
            return format!("{}{}", base.trim_end_matches('/'), operation.path);
        }
        let base = self.base_url.trim_end_matches('/');
        match base.strip_suffix("/customerAccountLookup") {
            // A lookup URL given whole: the lookup is it, the others sit beside it.
            Some(_) if operation.id == LOOKUP => base.to_owned(),
            Some(parent) => {
                let root = parent.strip_suffix("/api/v1").unwrap_or(parent);
                format!("{root}{}", operation.path)
            }
            None => format!("{base}{}", operation.path),
        }
    }

    /// Whether `operation` is called on this machine (a loopback address or `localhost`).
    pub fn is_local(&self, operation: &Operation) -> bool {
        let url = self.url_for(operation);
        let Ok(url) = reqwest::Url::parse(&url) else {
            return false;
        };
        match url.host_str() {
            Some("localhost") => true,
            Some(host) => host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<IpAddr>()
                .is_ok_and(|ip| ip.is_loopback()),
            None => false,
        }
    }
}

/// A target file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct TargetFile {
    base_url: Option<String>,
    client_id_env: Option<String>,
    client_secret_env: Option<String>,
    allow_writes: Option<bool>,
    #[serde(default)]
    steps: BTreeMap<String, String>,
}

/// What a target file sets; the command line wins over each.
#[derive(Debug, Clone, Default)]
pub struct TargetSettings {
    /// The file, for messages.
    pub origin: String,
    /// `base-url`.
    pub base_url: Option<String>,
    /// The per-step base URLs.
    pub steps: BTreeMap<String, String>,
    /// `client-id-env`: the variable holding the client id.
    pub client_id_env: Option<String>,
    /// `client-secret-env`: the variable holding the secret.
    pub client_secret_env: Option<String>,
    /// `allow-writes`.
    pub allow_writes: Option<bool>,
}

impl TargetSettings {
    /// The client id from the variable the file names, if it names one. Read only when the
    /// command line gives none, so a flag wins over the file.
    ///
    /// # Errors
    ///
    /// [`TargetError::Value`] when the variable is not set.
    pub fn client_id(
        &self,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<String>, TargetError> {
        self.read("client-id-env", self.client_id_env.as_deref(), env)
    }

    /// The secret from the variable the file names, as [`TargetSettings::client_id`].
    ///
    /// # Errors
    ///
    /// [`TargetError::Value`] when the variable is not set.
    pub fn client_secret(
        &self,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<String>, TargetError> {
        self.read("client-secret-env", self.client_secret_env.as_deref(), env)
    }

    fn read(
        &self,
        key: &str,
        variable: Option<&str>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<String>, TargetError> {
        match variable {
            None => Ok(None),
            Some(name) => env(name).map(Some).ok_or_else(|| TargetError::Value {
                origin: self.origin.clone(),
                key: key.to_owned(),
                message: format!("names the environment variable {name}, which is not set"),
            }),
        }
    }
}

/// Why a target file or a `--step-url` cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    /// The file cannot be read.
    #[error("{}: cannot read the target file", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file is not a target file.
    #[error("{}: {message}", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// The parser's message, with the line and the key.
        message: String,
    },
    /// A value is not what the format asks for.
    #[error("{origin}: {key}: {message}")]
    Value {
        /// The file, or `--step-url`.
        origin: String,
        /// The key, e.g. `steps.createOrdr`.
        key: String,
        /// What was expected.
        message: String,
    },
}

/// Reads a target file.
///
/// # Errors
///
/// A [`TargetError`] naming the file and the key.
pub fn load(path: &Path, api: &Api) -> Result<TargetSettings, TargetError> {
    let text = std::fs::read_to_string(path).map_err(|source| TargetError::Read {
        path: path.to_owned(),
        source,
    })?;
    let file: TargetFile = toml::from_str(&text).map_err(|error| TargetError::Parse {
        path: path.to_owned(),
        message: error.to_string().trim_end().to_owned(),
    })?;
    let origin = path.display().to_string();
    let value_error = |key: &str, message: String| TargetError::Value {
        origin: origin.clone(),
        key: key.to_owned(),
        message,
    };
    for (step, url) in &file.steps {
        check_step(api, step, url).map_err(|m| value_error(&format!("steps.{step}"), m))?;
    }
    if let Some(url) = &file.base_url {
        check_url(url).map_err(|m| value_error("base-url", m))?;
    }
    Ok(TargetSettings {
        origin,
        base_url: file.base_url,
        steps: file.steps,
        client_id_env: file.client_id_env,
        client_secret_env: file.client_secret_env,
        allow_writes: file.allow_writes,
    })
}

/// Parses `--step-url OPERATION=URL`.
///
/// # Errors
///
/// A [`TargetError::Value`] saying what is wrong.
pub fn parse_step_url(api: &Api, text: &str) -> Result<(String, String), TargetError> {
    let error = |message: String| TargetError::Value {
        origin: "--step-url".to_owned(),
        key: text.to_owned(),
        message,
    };
    let (step, url) = text
        .split_once('=')
        .ok_or_else(|| error("expected OPERATION=URL, e.g. createOrder=https://host".to_owned()))?;
    check_step(api, step, url).map_err(error)?;
    Ok((step.to_owned(), url.to_owned()))
}

fn check_step(api: &Api, step: &str, url: &str) -> Result<(), String> {
    if api.get(step).is_none() {
        let known: Vec<&str> = api.operations().iter().map(|op| op.id.as_str()).collect();
        return Err(format!(
            "no operation is called {step:?}; expected one of {}",
            known.join(", ")
        ));
    }
    check_url(url)
}

/// Checks that `url` is an `http://` or `https://` URL.
///
/// # Errors
///
/// What is wrong with it.
pub fn check_url(url: &str) -> Result<(), String> {
    match reqwest::Url::parse(url) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => Ok(()),
        Ok(_) => Err(format!(
            "expected an http:// or https:// URL, found {url:?}"
        )),
        Err(error) => Err(format!("expected a URL, found {url:?} ({error})")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api() -> Api {
        Api::load().expect("the document reads")
    }

    #[test]
    fn each_step_goes_to_its_own_base_url_or_the_default() {
        let api = api();
        let mut target = Target::new("http://127.0.0.1:8080/", "id", "secret");
        target.step_urls.insert(
            "createOrder".to_owned(),
            "https://orders.example.com".to_owned(),
        );
        assert_eq!(
            target.url_for(api.expect("createOrder")),
            "https://orders.example.com/api/v1/order"
        );
        assert_eq!(
            target.url_for(api.expect(LOOKUP)),
            "http://127.0.0.1:8080/api/v1/customerAccountLookup"
        );
        assert!(target.is_local(api.expect(LOOKUP)));
        assert!(!target.is_local(api.expect("createOrder")));
    }

    #[test]
    fn a_whole_lookup_url_serves_the_other_steps_beside_it() {
        let api = api();
        let target = Target::new(
            "http://localhost:9/api/v1/customerAccountLookup",
            "id",
            "secret",
        );
        assert_eq!(
            target.url_for(api.expect(LOOKUP)),
            "http://localhost:9/api/v1/customerAccountLookup"
        );
        assert_eq!(
            target.url_for(api.expect("getOrderStatus")),
            "http://localhost:9/api/v1/orders"
        );
    }

    fn load_text(text: &str) -> Result<TargetSettings, TargetError> {
        static FILES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let number = FILES.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("target-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a directory");
        let path = dir.join(format!("{number}.toml"));
        std::fs::write(&path, text).expect("written");
        let loaded = load(&path, &api());
        let _ = std::fs::remove_file(&path);
        loaded
    }

    fn env(name: &str) -> Option<String> {
        (name == "SECRET_VAR").then(|| "s3cret".to_owned())
    }

    #[test]
    fn a_target_file_reads_steps_and_credentials_from_the_environment() {
        let settings = load_text(
            "base-url = \"https://uat.example.com\"\nclient-secret-env = \"SECRET_VAR\"\n\
             [steps]\ncreateOrder = \"https://orders.example.com\"\n",
        )
        .expect("valid");
        assert_eq!(
            settings.client_secret(env).expect("set").as_deref(),
            Some("s3cret")
        );
        assert_eq!(settings.client_id(env).expect("not named"), None);
        assert_eq!(settings.steps["createOrder"], "https://orders.example.com");
    }

    #[test]
    fn a_wrong_step_or_an_unset_variable_is_named_with_its_key() {
        let error = load_text("[steps]\ncreateOrdr = \"https://x.example.com\"\n")
            .expect_err("unknown step");
        assert!(
            error
                .to_string()
                .contains(": steps.createOrdr: no operation is called \"createOrdr\""),
            "{error}"
        );
        let settings = load_text("client-id-env = \"NOT_SET_ANYWHERE\"\n").expect("valid");
        let error = settings.client_id(env).expect_err("unset");
        assert!(
            error.to_string().ends_with(
                ": client-id-env: names the environment variable NOT_SET_ANYWHERE, which is not set"
            ),
            "{error}"
        );
        let error = load_text("base-urls = \"x\"\n").expect_err("unknown key");
        assert!(error.to_string().contains("base-urls"), "{error}");
    }
}
