//! The command line of `contract-tests`: every flag also reads an environment variable, so CI
//! can pass credentials from its secret store.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::{SchemaName, Tag};

/// The contract suite of the AT&T Alliance Ordering API: End-Customer Lookup, then quote,
/// credit check, contract, order, enrichment and order status.
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
    /// generative, lookups, flow.
    #[arg(long, env = "CONTRACT_ONLY", value_name = "TAG")]
    pub only: Option<Tag>,

    /// Run only the cases that call this operation (its operationId, e.g. createOrder).
    #[arg(long, env = "CONTRACT_OPERATION", value_name = "OPERATION_ID")]
    pub operation: Option<String>,

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

    /// The longest a flow waits for an answer to settle (a contract's signature, an order's
    /// status), in seconds. A contract still unsigned then skips the rest of the flow; a status
    /// that never changed is fine.
    #[arg(
        long,
        env = "CONTRACT_WAIT_SECS",
        default_value_t = 10,
        value_name = "SECONDS"
    )]
    pub wait_secs: u64,

    /// Run the cases that create quotes, contracts and orders against an endpoint that is not
    /// on this machine. Without it they are skipped, and the report says so: a flow against
    /// production must never create a real order by accident. `--allow-writes false` (or the
    /// variable set to 0, false, no or off) turns off a target file's `allow-writes = true`.
    #[arg(
        long,
        env = "CONTRACT_ALLOW_WRITES",
        value_parser = clap::builder::BoolishValueParser::new(),
        num_args = 0..=1,
        default_missing_value = "true",
        value_name = "BOOL"
    )]
    pub allow_writes: Option<bool>,
}

/// `contract-tests run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The endpoint's base URL for every operation (the lookup is POSTed to
    /// BASE/api/v1/customerAccountLookup), or the lookup's full URL when it ends with
    /// /customerAccountLookup. Required unless the --target file sets base-url.
    #[arg(long, env = "CONTRACT_BASE_URL", value_name = "URL")]
    pub base_url: Option<String>,

    /// A TOML target file: a base URL per step, the environment variables holding the
    /// credentials, allow-writes (see contract-tests/README.md). Flags win over it.
    #[arg(long, env = "CONTRACT_TARGET", value_name = "FILE")]
    pub target: Option<PathBuf>,

    /// The base URL of one step, for endpoints that serve each step on its own host:
    /// OPERATION_ID=URL, e.g. createOrder=https://att-order-eapi.gw.cloud.att.com. Repeatable
    /// (in the variable: comma-separated).
    #[arg(
        long = "step-url",
        env = "CONTRACT_STEP_URLS",
        value_delimiter = ',',
        value_name = "OPERATION_ID=URL"
    )]
    pub step_urls: Vec<String>,

    /// The client_id header. Required unless the --target file names its variable.
    #[arg(long, env = "CONTRACT_CLIENT_ID", value_name = "ID")]
    pub client_id: Option<String>,

    /// The client_secret header. Never printed or written to a report. Required unless the
    /// --target file names its variable.
    #[arg(
        long,
        env = "CONTRACT_CLIENT_SECRET",
        hide_env_values = true,
        value_name = "SECRET"
    )]
    pub client_secret: Option<String>,

    /// Write a JUnit XML report to FILE.
    #[arg(long, env = "CONTRACT_JUNIT", value_name = "FILE")]
    pub junit: Option<PathBuf>,

    /// Write a JSON report to FILE.
    #[arg(long, env = "CONTRACT_JSON", value_name = "FILE")]
    pub json: Option<PathBuf>,

    /// Write an evidence bundle to DIR (created if needed): junit.xml, report.json (with the
    /// coverage) and exchanges.har (every request and answer, client_secret as ***), to attach
    /// when asking for production access.
    #[arg(long, env = "CONTRACT_EVIDENCE", value_name = "DIR")]
    pub evidence: Option<PathBuf>,

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
    /// The schema: the name of a file of schemas/ without .schema.json, e.g. lookup-response,
    /// order-response, credit-check-response or error.
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
    #[arg(long, env = "CONTRACT_DIFF_JSON", value_name = "FILE")]
    pub json: Option<PathBuf>,

    /// Which cases.
    #[command(flatten)]
    pub cases: CaseArgs,
}
