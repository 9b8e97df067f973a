//! The command line's parsing: the help text, the config file, the documented defaults.

use super::*;

/// The keys a list in the `--config` help names, between `start` and the next `;` or `(`.
fn keys_in_help(start: &str) -> Vec<String> {
    use clap::CommandFactory as _;
    let command = Cli::command();
    let help = command
        .get_arguments()
        .find(|arg| arg.get_id() == "config")
        .and_then(|arg| arg.get_help())
        .map(ToString::to_string)
        .unwrap_or_default();
    let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
    let list = help.split(start).nth(1).unwrap_or_default();
    let list = list.split([';', '(']).next().unwrap_or_default();
    let mut keys: Vec<String> = list.split(", ").map(|key| key.trim().to_owned()).collect();
    keys.sort();
    keys
}

/// The keys a TOML table takes, as the parser lists them for an unknown key.
fn keys_the_file_takes(toml: &str) -> Vec<String> {
    let scratch = std::env::temp_dir().join(format!("mock-keys-{}.toml", std::process::id()));
    std::fs::write(&scratch, toml).expect("a scratch file");
    let error = ConfigFile::load(&scratch)
        .map(drop)
        .expect_err("an unknown key");
    let _ = std::fs::remove_file(&scratch);
    let message = error.to_string();
    let listed = message.split("expected one of ").nth(1).unwrap_or_default();
    let mut keys: Vec<String> = listed
        .split(", ")
        .map(|key| key.trim().trim_matches('`').to_owned())
        .collect();
    keys.sort();
    keys
}

#[test]
fn the_config_keys_in_the_help_are_the_keys_the_file_takes() {
    let top = keys_the_file_takes("no-such-key = 1\n");
    assert!(top.len() > 20, "{top:?}");
    assert_eq!(keys_in_help("with any of the keys: "), top);
    let client = keys_the_file_takes("[[clients]]\nno-such-key = 1\n");
    assert_eq!(keys_in_help("table has "), client);
}

fn parse(args: &[&str]) -> Result<Config, ConfigError> {
    let mut argv = vec!["mock-server"];
    argv.extend_from_slice(args);
    Cli::try_parse_from(argv)
        .map_err(|e| ConfigError::Client {
            reason: e.to_string(),
        })?
        .into_config()
}

/// The default column of the flags table in `docs/configuration.md`, by flag.
fn documented_defaults() -> std::collections::BTreeMap<String, String> {
    let page = include_str!("../../../docs/configuration.md");
    page.lines()
        .filter(|line| line.starts_with("| `--"))
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let flag = cells
                .get(1)?
                .trim_matches('`')
                .split(' ')
                .next()?
                .to_owned();
            let default = cells
                .get(4)?
                .split(' ')
                .next()?
                .trim_matches('`')
                .to_owned();
            Some((flag, default))
        })
        .collect()
}

#[test]
fn no_arguments_give_the_defaults_the_documentation_states() -> Result<(), ConfigError> {
    let config = parse(&[])?;
    // What the server runs with, in the documentation's words.
    let actual: Vec<(&str, String)> = vec![
        ("--listen", config.listen.to_string()),
        (
            "--client",
            config
                .clients
                .iter()
                .map(|c| format!("{}:{}", c.id, c.secret()))
                .collect::<Vec<_>>()
                .join(","),
        ),
        ("--require-sp-id", config.require_sp_id.to_string()),
        (
            "--not-found",
            match config.not_found {
                NotFoundStyle::Error => "error",
                NotFoundStyle::Empty => "empty",
            }
            .to_owned(),
        ),
        ("--data", config.data.as_str().to_owned()),
        ("--seed", config.seed.to_string()),
        ("--failure-rate", config.failure_rate.to_string()),
        ("--failure-scenarios", config.failure_scenarios.join(",")),
        ("--journal-size", config.journal_size.to_string()),
        ("--journal-bytes", config.journal_bytes.to_string()),
        ("--admin-open", config.admin_open.to_string()),
        ("--watch", config.watch.to_string()),
        ("--base-path", config.base_paths.join(",")),
        ("--max-body-bytes", config.max_body_bytes.to_string()),
        ("--max-connections", config.max_connections.to_string()),
        ("--max-header-bytes", config.max_header_bytes.to_string()),
        ("--read-timeout", config.read_timeout_secs.to_string()),
        ("--tls-self-signed", config.tls.is_some().to_string()),
        ("--flow", config.flow.as_str().to_owned()),
        ("--esign-after", config.esign_after_secs.to_string()),
        ("--order-statuses", config.order_statuses.join(",")),
        ("--order-status-every", config.order_status_secs.to_string()),
        ("--flow-capacity", config.flow_capacity.to_string()),
        (
            "--log-format",
            match config.log_format {
                crate::config::LogFormat::Human => "human",
                crate::config::LogFormat::Json => "json",
            }
            .to_owned(),
        ),
        ("--log-level", config.log_level.clone()),
    ];
    let documented = documented_defaults();
    for (flag, value) in actual {
        assert_eq!(
            documented.get(flag),
            Some(&value),
            "{flag}: docs/configuration.md says {:?}, the server uses {value:?}",
            documented.get(flag)
        );
    }
    assert!(config.scenario.is_none() && config.admin_token.is_none());
    assert_eq!(
        documented.get("--scenario").map(String::as_str),
        Some("none")
    );
    assert_eq!(
        documented.get("--admin-token").map(String::as_str),
        Some("none")
    );
    Ok(())
}

#[test]
fn the_config_file_sets_a_clients_rate_limit_and_scenario_and_the_server_wide_scenario()
-> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!("mock-cli-limits-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let file = dir.join("mock.toml");
    std::fs::write(
        &file,
        "scenario = \"slow\"\n\
         [[clients]]\nclient-id = \"a\"\nclient-secret = \"b\"\nscenario = \"null-fields\"\n\
         rate-limit = { per-second = 2.5, burst = 4 }\n",
    )?;
    let config = parse(&["--config", file.to_str().unwrap_or_default()])?;
    assert_eq!(config.scenario.as_deref(), Some("slow"));
    assert_eq!(config.clients[0].scenario.as_deref(), Some("null-fields"));
    assert_eq!(
        config.clients[0].rate_limit,
        Some(crate::config::RateLimit {
            per_second: 2.5,
            burst: 4
        })
    );
    std::fs::write(
        &file,
        "[[clients]]\nclient-id = \"a\"\nclient-secret = \"b\"\n\
         rate-limit = { per-second = 0, burst = 4 }\n",
    )?;
    let refused = parse(&["--config", file.to_str().unwrap_or_default()])
        .map(drop)
        .map_err(|e| e.to_string());
    assert_eq!(
        refused,
        Err("the rate limit of client \"a\" must have per-second > 0 and burst ≥ 1".to_owned())
    );
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

#[test]
fn flags_override_the_config_file() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!("mock-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let file = dir.join("mock.toml");
    std::fs::write(
        &file,
        "listen = \"127.0.0.1:9000\"\nnot-found = \"empty\"\nfixtures = \"book\"\n\
         [[clients]]\nclient-id = \"a\"\nclient-secret = \"b\"\n",
    )?;
    let config = parse(&[
        "--config",
        file.to_str().unwrap_or_default(),
        "--listen",
        "127.0.0.1:0",
    ])?;
    assert_eq!(config.listen.port(), 0);
    assert_eq!(config.not_found, NotFoundStyle::Empty);
    assert_eq!(config.fixtures, FixtureSource::Dir(dir.join("book")));
    assert_eq!(config.clients, vec![Client::new("a", "b")?]);
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

#[test]
fn duplicate_client_ids_are_refused() {
    let error = parse(&["--client", "a:1", "--client", "a:2"])
        .map(drop)
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "client id \"a\" is configured twice; each client id must be unique"
    );
}

#[test]
fn the_proxy_comes_from_flags_or_the_file_with_the_documented_defaults()
-> Result<(), Box<dyn std::error::Error>> {
    assert_eq!(parse(&[])?.proxy, None);
    let proxy = parse(&["--proxy-to", "https://uat.example/base"])?
        .proxy
        .ok_or("a proxy")?;
    let documented = documented_defaults();
    assert_eq!(
        documented.get("--proxy-mode").map(String::as_str),
        Some(proxy.mode.as_str())
    );
    assert_eq!(
        documented.get("--proxy-timeout"),
        Some(&proxy.timeout_secs.to_string())
    );
    assert_eq!((proxy.upstream_client, proxy.record), (None, None));

    let error = parse(&["--record", "somewhere"]).expect_err("no upstream to record");
    assert!(matches!(error, ConfigError::RecordWithoutProxy), "{error}");
    let error = parse(&["--proxy-to", "uat.example"]).expect_err("not a URL");
    assert!(
        error
            .to_string()
            .starts_with("proxy-to: expected an http:// or https:// URL"),
        "{error}"
    );

    let dir = std::env::temp_dir().join(format!("mock-proxy-file-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let file = dir.join("mock.toml");
    std::fs::write(
        &file,
        "proxy-to = \"https://uat.example\"\nproxy-mode = \"fall-through\"\n\
         upstream-client-id = \"team\"\nupstream-client-secret = \"team-secret\"\n\
         record = \"recording\"\nscrub = [\"siteName\"]\nproxy-timeout = 5\n",
    )?;
    let path = file.to_str().ok_or("a path")?;
    let proxy = parse(&["--config", path])?.proxy.ok_or("a proxy")?;
    assert_eq!(proxy.mode, ProxyMode::FallThrough);
    assert_eq!(
        proxy.upstream_client.map(|client| client.id),
        Some("team".to_owned())
    );
    assert_eq!(
        proxy.record,
        Some(dir.join("recording")),
        "relative to the file"
    );
    assert_eq!(
        (proxy.scrub, proxy.timeout_secs),
        (vec!["siteName".to_owned()], 5)
    );
    // Flags win over the file.
    let proxy = parse(&[
        "--config",
        path,
        "--proxy-mode",
        "all",
        "--scrub",
        "/a/b,note",
    ])?
    .proxy
    .ok_or("a proxy")?;
    assert_eq!(proxy.mode, ProxyMode::All);
    assert_eq!(proxy.scrub, ["/a/b", "note"]);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
