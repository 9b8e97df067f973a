//! The command line of `contract-tests`: every flag also reads an environment variable, so CI
//! can pass credentials from its secret store.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::{SchemaName, Tag};

/// The contract suite of the AT&T Alliance End-Customer Lookup API.
///
/// Exit codes: 0 every case passed (or the body is valid, or no drift); 1 a contract is
/// violated (or the endpoints differ); 2 a usage error or an endpoint that cannot be reached.
#[derive(Debug, Parser)]
#[command(name = "contract-tests", version)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the case catalogue against an endpoint: the local mock, a UAT or production.
    Run(RunArgs),
    /// Validate a captured body (from the real API or a log) against one schema.
    Validate(ValidateArgs),
    /// Run the same cases against two endpoints and report where their answers differ.
    Diff(DiffArgs),
}

/// Which cases to build, shared by `run` and `diff`.
#[derive(Debug, Args)]
pub struct CaseArgs {
    /// The spId sent in the catalogue's request bodies.
    #[arg(long, env = "CONTRACT_SP_ID", default_value = crate::catalogue::DEFAULT_SP_ID)]
    pub sp_id: String,

    /// A JSON file of lookups of customers known to exist on the endpoint (see contract-tests/README.md).
    #[arg(long, env = "CONTRACT_LOOKUPS", value_name = "FILE")]
    pub lookups: Option<PathBuf>,

    /// Run only the cases with this tag: smoke, auth, validation, schema, behaviour,
    /// generative, lookups.
    #[arg(long, env = "CONTRACT_ONLY", value_name = "TAG")]
    pub only: Option<Tag>,

    /// How many valid and how many invalid requests the generative cases send (fixed seed).
    #[arg(
        long,
        env = "CONTRACT_GENERATIVE_CASES",
        default_value_t = 16,
        value_name = "N"
    )]
    pub generative_cases: u32,

    /// Seconds to wait for each answer before the endpoint counts as unreachable.
    #[arg(
        long,
        env = "CONTRACT_TIMEOUT_SECS",
        default_value_t = 10,
        value_name = "SECONDS"
    )]
    pub timeout_secs: u64,

    /// Trust this certificate (PEM) besides the system's roots for https:// endpoints, e.g. the
    /// file the mock's --tls-write-cert wrote.
    #[arg(long, env = "CONTRACT_CA_CERT", value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,
}

/// `contract-tests run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The endpoint's base URL (the lookup is POSTed to BASE/api/v1/customerAccountLookup), or
    /// the lookup's full URL when it ends with /customerAccountLookup.
    #[arg(long, env = "CONTRACT_BASE_URL", value_name = "URL")]
    pub base_url: String,

    /// The client_id header.
    #[arg(long, env = "CONTRACT_CLIENT_ID", value_name = "ID")]
    pub client_id: String,

    /// The client_secret header. Never printed or written to a report.
    #[arg(
        long,
        env = "CONTRACT_CLIENT_SECRET",
        hide_env_values = true,
        value_name = "SECRET"
    )]
    pub client_secret: String,

    /// Write a JUnit XML report to FILE.
    #[arg(long, env = "CONTRACT_JUNIT", value_name = "FILE")]
    pub junit: Option<PathBuf>,

    /// Write a JSON report to FILE.
    #[arg(long, env = "CONTRACT_JSON", value_name = "FILE")]
    pub json: Option<PathBuf>,

    /// Fail on assumed checks too (undocumented statuses and error bodies): for the mock.
    /// The environment variable takes 1, true, yes or on (and 0, false, no or off).
    #[arg(
        long,
        env = "CONTRACT_STRICT",
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub strict: bool,

    /// Which cases.
    #[command(flatten)]
    pub cases: CaseArgs,
}

/// `contract-tests validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The schema: lookup-response, account, lookup-request or error.
    #[arg(long, env = "CONTRACT_SCHEMA", value_name = "SCHEMA")]
    pub schema: SchemaName,

    /// The file holding the body, or - for standard input.
    #[arg(value_name = "FILE|-")]
    pub file: PathBuf,
}

/// `contract-tests diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The two endpoints' base URLs: --base-url A --base-url B (in the variable: A,B).
    #[arg(
        long = "base-url",
        env = "CONTRACT_DIFF_BASE_URLS",
        value_delimiter = ',',
        num_args = 1,
        required = true,
        value_name = "URL"
    )]
    pub base_urls: Vec<String>,

    /// The client_id for both endpoints, or one per endpoint in the same order.
    #[arg(
        long = "client-id",
        env = "CONTRACT_DIFF_CLIENT_IDS",
        value_delimiter = ',',
        required = true,
        value_name = "ID"
    )]
    pub client_ids: Vec<String>,

    /// The client_secret for both endpoints, or one per endpoint in the same order. Never
    /// printed.
    #[arg(
        long = "client-secret",
        env = "CONTRACT_DIFF_CLIENT_SECRETS",
        value_delimiter = ',',
        hide_env_values = true,
        required = true,
        value_name = "SECRET"
    )]
    pub client_secrets: Vec<String>,

    /// Write the differences as JSON to FILE.
    #[arg(long, env = "CONTRACT_JSON", value_name = "FILE")]
    pub json: Option<PathBuf>,

    /// Which cases.
    #[command(flatten)]
    pub cases: CaseArgs,
}
