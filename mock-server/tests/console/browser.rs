//! Headless Chromium driven over WebDriver: starts `chromedriver` on a free loopback port and a
//! browser session on it, and stops both when dropped.
//!
//! Without `chromedriver` on the machine the tests say so and pass, unless
//! `MOCK_BROWSER_TESTS=require` (CI sets it), when they fail: a run that must prove the console
//! works cannot skip it.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

/// How long a step waits for the page to show what it expects.
const PATIENCE: Duration = Duration::from_secs(10);

pub struct Browser {
    pub client: Client,
    driver: Child,
    profile: PathBuf,
}

fn program(variable: &str, default: &str) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(variable) {
        return Some(PathBuf::from(path));
    }
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|dir| Path::new(dir).join(default))
        .find(|path| path.is_file())
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free loopback port")
}

impl Browser {
    /// A browser session, or `None` (with a note on stderr) when this machine has no browser
    /// and the run does not require one.
    pub async fn start() -> Option<Browser> {
        let required = std::env::var("MOCK_BROWSER_TESTS").is_ok_and(|value| value == "require");
        let (Some(driver), Some(chromium)) = (
            program("CHROMEDRIVER", "chromedriver"),
            program("CHROMIUM", "chromium"),
        ) else {
            assert!(
                !required,
                "MOCK_BROWSER_TESTS=require, but chromium or chromedriver is not on the PATH \
                 (Debian: apt-get install chromium chromium-driver)"
            );
            eprintln!(
                "skipped: no chromium and chromedriver on the PATH (apt-get install chromium \
                 chromium-driver, or set CHROMIUM and CHROMEDRIVER)"
            );
            return None;
        };
        let port = free_port();
        let driver = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let profile =
            std::env::temp_dir().join(format!("mock-console-{}-{port}", std::process::id()));
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".to_owned(),
            json!({
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--window-size=1400,900",
                    format!("--user-data-dir={}", profile.display()),
                ],
            }),
        );
        let url = format!("http://127.0.0.1:{port}");
        let mut last_error = None;
        // The driver takes a moment to listen.
        for _ in 0..50 {
            match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                .capabilities(capabilities.clone())
                .connect(&url)
                .await
            {
                Ok(client) => {
                    return Some(Browser {
                        client,
                        driver,
                        profile,
                    });
                }
                Err(error) => last_error = Some(error),
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("no browser session on chromedriver at {url}: {last_error:?}");
    }

    /// Opens the console of `server` at `view` (`#try`, or empty for the log).
    pub async fn open(&self, server: &mock_server::MockServer, view: &str) {
        self.client
            .goto(&format!("{}/__admin/{view}", server.uri()))
            .await
            .expect("the page loads");
    }

    /// What the script (a function body) returns, given `args` as `arguments`.
    pub async fn script(&self, script: &str, args: Vec<serde_json::Value>) -> serde_json::Value {
        self.client
            .execute(script, args)
            .await
            .unwrap_or_else(|error| panic!("the script failed: {error}\n{script}"))
    }

    /// The first element `css` finds once it is there.
    pub async fn wait_for(&self, css: &str) -> Element {
        self.client
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|error| panic!("{css} never showed: {error}"))
    }

    /// Waits until the script (a function body returning a value) returns a truthy value, and
    /// gives that value.
    pub async fn wait_until(&self, what: &str, script: &str) -> serde_json::Value {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let value = self
                .client
                .execute(script, Vec::new())
                .await
                .unwrap_or_else(|error| panic!("{what}: the script failed: {error}"));
            let truthy = !matches!(
                &value,
                serde_json::Value::Null | serde_json::Value::Bool(false)
            ) && value != json!("")
                && value != json!(0);
            if truthy {
                return value;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{what}: never came ({value})"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Clicks what `css` finds.
    pub async fn click(&self, css: &str) {
        self.wait_for(css)
            .await
            .click()
            .await
            .unwrap_or_else(|error| panic!("{css} cannot be clicked: {error}"));
    }

    /// Saves a screenshot of the page as `name`.png when `CONSOLE_SCREENSHOTS` names a folder
    /// (the documentation's pictures are made so: `docs/console/screenshots.sh`).
    pub async fn screenshot(&self, name: &str) {
        let Some(folder) = std::env::var_os("CONSOLE_SCREENSHOTS") else {
            return;
        };
        let png = self.client.screenshot().await.expect("a screenshot");
        let path = Path::new(&folder).join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    }

    /// Ends the session and the driver.
    pub async fn stop(self) {
        let _ = self.client.clone().close().await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // A failed test does not reach `stop`: the driver goes anyway (Chromium with it).
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}
