//! `contract-tests`: parses the command line, runs the command, maps the result to an exit code
//! (0 pass, 1 contract violated or endpoints differ, 2 usage error or unreachable endpoint).

use std::io::Read as _;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context as _, bail};
use clap::Parser as _;
use contract_tests::cli::{CaseArgs, Cli, Command, DiffArgs, RunArgs, ValidateArgs};
use contract_tests::report::{self, RunInfo};
use contract_tests::{
    Case, CatalogueOptions, Contract, Mode, Runner, Strictness, Summary, Target, catalogue, diff,
    lookups,
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
    let cases = catalogue::select(catalogue::default_cases(&options), args.only);
    if cases.is_empty() {
        bail!("no case is tagged {:?}", args.only.map(|t| t.as_str()));
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
    )?;
    match &args.ca_cert {
        None => Ok(runner),
        Some(path) => {
            let pem = std::fs::read(path)
                .with_context(|| format!("{}: cannot be read", path.display()))?;
            runner
                .trusting(&pem)
                .with_context(|| format!("{}: expected PEM certificates", path.display()))
        }
    }
}

fn write(path: &Path, text: &str) -> anyhow::Result<()> {
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

async fn run(args: RunArgs) -> anyhow::Result<bool> {
    let contract = Contract::load()?;
    let cases = cases(&args.cases, &contract)?;
    let mode = if args.strict {
        Mode::Strict
    } else {
        Mode::Tolerant
    };
    let target = Target {
        base_url: args.base_url.clone(),
        client_id: args.client_id,
        client_secret: args.client_secret,
    };
    let results = runner(&contract, target, mode, &args.cases)?
        .run(&cases)
        .await?;
    let info = RunInfo::new(args.base_url, mode);
    print!("{}", report::human::render(&info, &results));
    if let Some(path) = &args.junit {
        write(path, &report::junit::render(&info, &results)?)?;
    }
    if let Some(path) = &args.json {
        write(path, &report::json::render(&info, &results)?)?;
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
    let violations = contract
        .schemas()
        .validate(args.schema, Strictness::AsWritten, &value);
    for violation in &violations {
        println!(
            "{name}: {}: {} (rule {})",
            violation.location(),
            violation.message,
            violation.schema_path
        );
    }
    match violations.len() {
        0 => println!("{name}: valid against {}", args.schema),
        1 => println!("1 violation"),
        n => println!("{n} violations"),
    }
    Ok(violations.is_empty())
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
        let target = Target {
            base_url: base_url.clone(),
            client_id: pick(&args.client_ids, "--client-id", index)?,
            client_secret: pick(&args.client_secrets, "--client-secret", index)?,
        };
        let runner = runner(&contract, target, Mode::Tolerant, &args.cases)?;
        results.push(runner.run(&cases).await?);
    }
    let differences = diff::compare(&results[0], &results[1]);
    print!(
        "{}",
        diff::render(
            &args.base_urls[0],
            &args.base_urls[1],
            &results[0],
            &differences
        )
    );
    if let Some(path) = &args.json {
        write(path, &serde_json::to_string_pretty(&differences)?)?;
    }
    Ok(differences.is_empty())
}
