//! The `mock-server` binary: parse the command line, build the configuration, run.

use std::process::ExitCode;

use clap::Parser;
use mock_server::cli::Cli;

/// A server allocates and frees many small buffers on several threads at once; mimalloc does
/// that markedly faster than the system allocator (see docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if cli.print_openapi {
        return match alliance_schemas::openapi_json()
            .map_err(anyhow::Error::new)
            .and_then(|document| Ok(serde_json::to_string_pretty(&document)?))
        {
            Ok(text) => {
                println!("{text}");
                ExitCode::SUCCESS
            }
            Err(error) => fail(error, 1),
        };
    }
    if let Some(dir) = &cli.review {
        let (text, loads) = mock_server::review(dir);
        print!("{text}");
        return if loads {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        };
    }
    let config = match cli.into_config() {
        Ok(config) => config,
        Err(error) => return fail(error.into(), 2),
    };
    // Kept until the process ends: the log lines still queued are written when it is dropped.
    let _log = match mock_server::init_logging(config.log_format, &config.log_level) {
        Ok(guard) => guard,
        Err(error) => return fail(error.into(), 2),
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            return fail(
                anyhow::Error::new(error).context("cannot start the runtime"),
                1,
            );
        }
    };
    match runtime.block_on(mock_server::run(config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            let code = error.exit_code();
            fail(error.into(), code)
        }
    }
}

fn fail(error: anyhow::Error, code: u8) -> ExitCode {
    eprintln!("mock-server: {error:#}");
    ExitCode::from(code)
}
