//! `contract-tests`: parses the command line, runs the command, maps the result to an exit code
//! (0 pass, 1 contract violated or endpoints differ, 2 usage error or unreachable endpoint).

use std::io::Read as _;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context as _, bail};
use clap::Parser as _;
use contract_tests::cli::{CaseArgs, Cli, Command, DiffArgs, RunArgs, ValidateArgs};
use contract_tests::coverage::Coverage;
use contract_tests::report::{self, RunInfo};
use contract_tests::runner::Waits;
use contract_tests::{
    Case, CatalogueOptions, Contract, Mode, Runner, Severity, Summary, Target, catalogue, diff,
    lookups, target,
};

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => run(args).await,
        Command::Validate(args) => validate(&args),
        Command::Diff(args) => drift(args).await,
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(error) => {
            eprintln!("contract-tests: {error:#}");
            ExitCode::from(2)
        }
    }
}

/// The selected cases of the catalogue.
fn cases(args: &CaseArgs, contract: &Contract) -> anyhow::Result<Vec<Case>> {
    let lookups = match &args.lookups {
        Some(path) => lookups::load(path, &args.sp_id, contract.schemas())?,
        None => Vec::new(),
    };
    let options = CatalogueOptions {
        sp_id: args.sp_id.clone(),
        lookups,
        generative_cases: args.generative_cases,
    };
    if let Some(id) = &args.operation
        && contract.api().get(id).is_none()
    {
        let known: Vec<&str> = contract
            .api()
            .operations()
            .iter()
            .map(|op| op.id.as_str())
            .collect();
        bail!(
            "--operation {id}: no operation is called {id:?}; expected one of {}",
            known.join(", ")
        );
    }
    let cases = catalogue::select(
        catalogue::default_cases(contract.api(), &options),
        args.only,
        args.operation.as_deref(),
    );
    if cases.is_empty() {
        let hint = match args.only {
            Some(contract_tests::Tag::Lookups) => "; the lookups cases come from --lookups FILE",
            Some(contract_tests::Tag::Generative) if args.generative_cases == 0 => {
                "; --generative-cases 0 makes none"
            }
            _ => "",
        };
        bail!(
            "no case is tagged {} and calls {}{hint}",
            args.only.map_or("(any tag)", |t| t.as_str()),
            args.operation.as_deref().unwrap_or("(any operation)")
        );
    }
    Ok(cases)
}

/// A runner with the timeout and the extra trusted certificate of the command line.
fn runner<'a>(
    contract: &'a Contract,
    target: Target,
    mode: Mode,
    args: &CaseArgs,
) -> anyhow::Result<Runner<'a>> {
    let runner = Runner::new(
        contract,
        target,
        mode,
        Duration::from_secs(args.timeout_secs),
    )?
    .waiting(Waits {
        limit: Duration::from_secs(args.wait_secs),
        ..Waits::default()
    })
    .allowing_writes(args.allow_writes.unwrap_or(false));
    match &args.ca_cert {
        None => Ok(runner),
        Some(path) => {
            let pem = std::fs::read(path)
                .with_context(|| format!("{}: cannot be read", path.display()))?;
            if !String::from_utf8_lossy(&pem).contains("-----BEGIN CERTIFICATE-----") {
                bail!(
                    "{}: expected PEM certificates (-----BEGIN CERTIFICATE-----), found none",
                    path.display()
                );
            }
            runner
                .trusting(&pem)
                .with_context(|| format!("{}: expected PEM certificates", path.display()))
        }
    }
}

/// Prints `text` on standard output; a reader that went away (`| head`) is not an error.
fn out(text: &str) {
    use std::io::Write as _;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

fn write(path: &Path, text: &str) -> anyhow::Result<()> {
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// The target of `run`: the flags over the target file, each step's URL checked.
fn run_target(args: &RunArgs, contract: &Contract) -> anyhow::Result<(Target, bool)> {
    let settings = match &args.target {
        Some(path) => target::load(path, contract.api())?,
        None => target::TargetSettings::default(),
    };
    let env = |name: &str| std::env::var(name).ok();
    let base_url = args
        .base_url
        .clone()
        .or(settings.base_url.clone())
        .context("give --base-url, or a --target file that sets base-url")?;
    target::check_url(&base_url).map_err(|message| anyhow::anyhow!("--base-url: {message}"))?;
    // A flag (or its CONTRACT_ variable) wins: the file's variable is read only without one.
    let client_id = match &args.client_id {
        Some(id) => id.clone(),
        None => settings
            .client_id(env)?
            .context("give --client-id, or a --target file that sets client-id-env")?,
    };
    let client_secret = match &args.client_secret {
        Some(secret) => secret.clone(),
        None => settings
            .client_secret(env)?
            .context("give --client-secret, or a --target file that sets client-secret-env")?,
    };
    let mut target = Target::new(base_url, client_id, client_secret);
    target.step_urls = settings.steps.clone();
    for text in &args.step_urls {
        let (step, url) = target::parse_step_url(contract.api(), text)?;
        target.step_urls.insert(step, url);
    }
    // `--allow-writes false` (or CONTRACT_ALLOW_WRITES=false) turns off the file's `true`.
    let allow_writes = args
        .cases
        .allow_writes
        .or(settings.allow_writes)
        .unwrap_or(false);
    Ok((target, allow_writes))
}

/// The report's name for the target: its base URL, and the steps served elsewhere.
fn describe(target: &Target) -> String {
    if target.step_urls.is_empty() {
        return target.base_url.clone();
    }
    format!(
        "{} ({} step(s) elsewhere)",
        target.base_url,
        target.step_urls.len()
    )
}

async fn run(mut args: RunArgs) -> anyhow::Result<bool> {
    let contract = Contract::load()?;
    let cases = cases(&args.cases, &contract)?;
    let mode = if args.strict {
        Mode::Strict
    } else {
        Mode::Tolerant
    };
    let (target, allow_writes) = run_target(&args, &contract)?;
    args.cases.allow_writes = Some(allow_writes);
    let info = RunInfo::new(describe(&target), mode);
    let results = runner(&contract, target, mode, &args.cases)?
        .run(&cases)
        .await?;
    let coverage = Coverage::of(contract.api(), &results);
    out(&report::human::render(&info, &results, Some(&coverage)));
    let junit = report::junit::render(&info, &results)?;
    let json = report::json::render(&info, &results, Some(&coverage))?;
    if let Some(path) = &args.junit {
        write(path, &junit)?;
    }
    if let Some(path) = &args.json {
        write(path, &json)?;
    }
    if let Some(dir) = &args.evidence {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        write(&dir.join("junit.xml"), &junit)?;
        write(&dir.join("report.json"), &json)?;
        write(&dir.join("exchanges.har"), &report::har::render(&results)?)?;
        eprintln!("evidence written to {}", dir.display());
    }
    Ok(Summary::of(&results).is_success())
}

fn validate(args: &ValidateArgs) -> anyhow::Result<bool> {
    let contract = Contract::load()?;
    let mut text = String::new();
    if args.file == Path::new("-") {
        std::io::stdin()
            .read_to_string(&mut text)
            .context("cannot read standard input")?;
    } else {
        text = std::fs::read_to_string(&args.file)
            .with_context(|| format!("cannot read {}", args.file.display()))?;
    }
    let name = if args.file == Path::new("-") {
        "(stdin)".to_owned()
    } else {
        args.file.display().to_string()
    };
    let value: serde_json::Value = match serde_json::from_str(&text) {
        Ok(value) => value,
        Err(error) => {
            println!("{name}: (root): the body is not JSON: {error}\n1 violation");
            return Ok(false);
        }
    };
    // The same checks as a run's: schema violations, and values outside a field's known values
    // as warnings. Every rule of the schema counts here, documented or assumed.
    let findings = contract.check_body(args.schema, &value, Mode::Strict);
    for finding in &findings {
        let pointer = if finding.pointer.is_empty() {
            "(root)"
        } else {
            &finding.pointer
        };
        let kind = match finding.severity {
            Severity::Violation => "",
            Severity::Warning => "warning: ",
        };
        println!(
            "{name}: {pointer}: {kind}{} (rule {})",
            finding.message, finding.rule
        );
    }
    let violations = findings
        .iter()
        .filter(|f| f.severity == Severity::Violation)
        .count();
    let warnings = findings.len() - violations;
    let warned = match warnings {
        0 => String::new(),
        1 => ", 1 warning".to_owned(),
        n => format!(", {n} warnings"),
    };
    match violations {
        0 => println!("{name}: valid against {}{warned}", args.schema),
        1 => println!("1 violation{warned}"),
        n => println!("{n} violations{warned}"),
    }
    Ok(violations == 0)
}

async fn drift(args: DiffArgs) -> anyhow::Result<bool> {
    if args.base_urls.len() != 2 {
        bail!(
            "diff compares two endpoints: give --base-url twice, got {}",
            args.base_urls.len()
        );
    }
    let pick = |values: &[String], what: &str, index: usize| -> anyhow::Result<String> {
        match values.len() {
            1 => Ok(values[0].clone()),
            2 => Ok(values[index].clone()),
            n => bail!("give {what} once (for both) or twice (one per endpoint), got {n}"),
        }
    };
    let contract = Contract::load()?;
    let cases = cases(&args.cases, &contract)?;
    let mut results = Vec::with_capacity(2);
    for (index, base_url) in args.base_urls.iter().enumerate() {
        let target = Target::new(
            base_url.clone(),
            pick(&args.client_ids, "--client-id", index)?,
            pick(&args.client_secrets, "--client-secret", index)?,
        );
        let runner = runner(&contract, target, Mode::Tolerant, &args.cases)?;
        results.push(runner.run(&cases).await?);
    }
    let differences = diff::compare(&results[0], &results[1]);
    out(&diff::render(
        &args.base_urls[0],
        &args.base_urls[1],
        (&results[0], &results[1]),
        &differences,
    ));
    if let Some(path) = &args.json {
        write(path, &serde_json::to_string_pretty(&differences)?)?;
    }
    Ok(differences.is_empty())
}
