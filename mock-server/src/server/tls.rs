//! HTTPS: the real API is HTTPS only, and some clients refuse plain HTTP. The certificate comes
//! from PEM files (`--tls-cert`, `--tls-key`) or is made at start for this machine
//! (`--tls-self-signed`), and can then be written out for a client to trust.
//!
//! rustls with the ring provider, TLS 1.2 and 1.3, ALPN `http/1.1`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::TlsAcceptor;

use crate::config::TlsSource;

/// HTTPS ready to serve: the acceptor, and the certificate's PEM for clients to trust.
#[derive(Clone)]
pub(crate) struct Tls {
    /// Wraps each accepted connection.
    pub acceptor: TlsAcceptor,
    /// The leaf certificate, PEM-encoded.
    pub certificate_pem: String,
}

impl std::fmt::Debug for Tls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tls").finish_non_exhaustive()
    }
}

/// A certificate or key that cannot be used. Messages name the file and what was expected,
/// never key material.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// A file cannot be read.
    #[error("{}: cannot be read", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A file is not the PEM expected.
    #[error("{}: expected {expected} in PEM format: {reason}", path.display())]
    Pem {
        /// The file.
        path: PathBuf,
        /// What the file should hold.
        expected: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// The key does not belong to the certificate, or rustls refuses them.
    #[error("{} and {}: unusable for TLS: {reason}", cert.display(), key.display())]
    Unusable {
        /// The certificate file.
        cert: PathBuf,
        /// The key file.
        key: PathBuf,
        /// What rustls said.
        reason: String,
    },
    /// The self-signed certificate cannot be made.
    #[error("cannot make a self-signed certificate: {0}")]
    Generate(String),
    /// The self-signed certificate cannot be written out.
    #[error("{}: cannot write the certificate", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// Loads or makes the certificate and builds the acceptor.
///
/// # Errors
///
/// A [`TlsError`] naming the file and what was expected.
pub(crate) fn load(source: &TlsSource, listen: SocketAddr) -> Result<Tls, TlsError> {
    match source {
        TlsSource::Files { cert, key } => {
            let cert_pem = read(cert)?;
            let key_pem = read(key)?;
            let chain = CertificateDer::pem_slice_iter(&cert_pem)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| pem_error(cert, "a certificate chain", &e))?;
            if chain.is_empty() {
                return Err(TlsError::Pem {
                    path: cert.clone(),
                    expected: "a certificate chain",
                    reason: "no CERTIFICATE block found".to_owned(),
                });
            }
            let private_key = PrivateKeyDer::from_pem_slice(&key_pem)
                .map_err(|e| pem_error(key, "a private key", &e))?;
            let certificate_pem = leaf_pem(&cert_pem);
            acceptor(chain, private_key)
                .map(|acceptor| Tls {
                    acceptor,
                    certificate_pem,
                })
                .map_err(|reason| TlsError::Unusable {
                    cert: cert.clone(),
                    key: key.clone(),
                    reason,
                })
        }
        TlsSource::SelfSigned { write_cert } => {
            let (chain, private_key, certificate_pem) = self_signed(listen)?;
            if let Some(path) = write_cert {
                std::fs::write(path, &certificate_pem).map_err(|source| TlsError::Write {
                    path: path.clone(),
                    source,
                })?;
            }
            acceptor(chain, private_key)
                .map(|acceptor| Tls {
                    acceptor,
                    certificate_pem,
                })
                .map_err(TlsError::Generate)
        }
    }
}

fn read(path: &Path) -> Result<Vec<u8>, TlsError> {
    std::fs::read(path).map_err(|source| TlsError::Read {
        path: path.to_path_buf(),
        source,
    })
}

fn pem_error(
    path: &Path,
    expected: &'static str,
    error: &rustls::pki_types::pem::Error,
) -> TlsError {
    use rustls::pki_types::pem::Error;
    let reason = match error {
        Error::NoItemsFound => "no matching PEM block found".to_owned(),
        Error::MissingSectionEnd { .. } => "a PEM block has no END line".to_owned(),
        Error::IllegalSectionStart { .. } => "a malformed BEGIN line".to_owned(),
        Error::Base64Decode(_) => "a PEM block is not valid base64".to_owned(),
        _ => "not readable as PEM".to_owned(),
    };
    TlsError::Pem {
        path: path.to_path_buf(),
        expected,
        reason,
    }
}

/// The first CERTIFICATE block of a PEM file, as text (what a client trusts).
fn leaf_pem(pem: &[u8]) -> String {
    let text = String::from_utf8_lossy(pem);
    let begin = "-----BEGIN CERTIFICATE-----";
    let end = "-----END CERTIFICATE-----";
    match (text.find(begin), text.find(end)) {
        (Some(start), Some(stop)) if stop > start => {
            format!("{}\n", &text[start..stop + end.len()])
        }
        _ => String::new(),
    }
}

fn acceptor(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
) -> Result<TlsAcceptor, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| e.to_string())?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// A certificate for `localhost`, the loopback addresses and the listen address.
fn self_signed(
    listen: SocketAddr,
) -> Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>, String), TlsError> {
    let mut names = vec![
        "localhost".to_owned(),
        "127.0.0.1".to_owned(),
        "::1".to_owned(),
    ];
    let ip = listen.ip();
    if !ip.is_unspecified() && !ip.is_loopback() {
        names.push(ip.to_string());
    }
    let certified =
        rcgen::generate_simple_self_signed(names).map_err(|e| TlsError::Generate(e.to_string()))?;
    let pem = certified.cert.pem();
    let der = certified.cert.der().clone();
    let key = PrivateKeyDer::try_from(certified.signing_key.serialize_der())
        .map_err(|e| TlsError::Generate(e.to_owned()))?;
    Ok((vec![der], key, pem))
}
