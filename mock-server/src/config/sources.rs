//! Where the server's data and certificate come from: the fixture folder (or the copy bundled in
//! the binary) and the TLS certificate (PEM files, or one made at start).

use std::path::PathBuf;

/// Where the fixtures come from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum FixtureSource {
    /// The copy of the repository's `fixtures/` embedded in the binary.
    #[default]
    Bundled,
    /// A folder with `accounts/` and optionally `canned/` and `scenarios/`.
    Dir(PathBuf),
}

impl std::fmt::Display for FixtureSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FixtureSource::Bundled => f.write_str("bundled fixtures"),
            FixtureSource::Dir(dir) => write!(f, "{}", dir.display()),
        }
    }
}

/// Where the server's certificate comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsSource {
    /// A certificate chain and its private key, as PEM files.
    Files {
        /// The certificate chain, leaf first.
        cert: PathBuf,
        /// The private key (PKCS#8, PKCS#1 or SEC1).
        key: PathBuf,
    },
    /// A certificate made at start for `localhost`, `127.0.0.1`, `::1` and the listen address.
    SelfSigned {
        /// Where to write the certificate (PEM) so a client can trust it.
        write_cert: Option<PathBuf>,
    },
}
