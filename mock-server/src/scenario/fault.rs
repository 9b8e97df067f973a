//! Transport faults: what a `fault` scenario does to the connection or to the answer on its way
//! out. The faults that need the connection itself (reset, close) act through the
//! [`Connection`] the accept loop gives every request's handler.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use http_body_util::BodyExt;

use super::Fault;
use super::select::mix;
use crate::http::connection::Connection;
use crate::http::error::ApiError;
use crate::http::respond;

/// A body that is not JSON, served as JSON by `malformed-json`: the start of a real answer,
/// cut in the middle of a value.
const MALFORMED_JSON: &str = r#"[{"accountAddress":{"city":"PLANO","country":"USA","state":"TX","street":"2900 W PLANO PKWY","zipCode":"75075"#;

/// Whether the fault answers without looking at the request: the connection is cut or the body
/// is garbage whatever was asked.
pub fn is_immediate(fault: &Fault) -> bool {
    matches!(
        fault,
        Fault::ConnectionReset | Fault::EmptyResponse | Fault::MalformedJson
    )
}

/// The answer of a fault that does not need the usual answer.
///
/// # Errors
///
/// [`ApiError::Internal`] when the request did not come through a real connection (a test
/// driving the router directly), since there is nothing to reset or close.
pub fn immediate(
    fault: &Fault,
    connection: Option<&Arc<Connection>>,
) -> Result<Response, ApiError> {
    match fault {
        Fault::ConnectionReset | Fault::EmptyResponse => {
            let connection = connection.ok_or(ApiError::Internal)?;
            if matches!(fault, Fault::ConnectionReset) {
                connection.reset();
            } else {
                connection.close();
            }
            // Never written: the connection is gone before hyper writes it.
            Ok(respond::json(StatusCode::OK, Body::empty()))
        }
        _ => Ok(respond::json(StatusCode::OK, MALFORMED_JSON)),
    }
}

/// Delivers the usual answer through a fault that needs it: late, dripping or cut short.
/// `draw` is the request's reproducible random number, for jitter.
pub async fn deliver(
    fault: &Fault,
    response: Response,
    connection: Option<Arc<Connection>>,
    draw: u64,
) -> Response {
    match fault {
        Fault::Slow {
            delay_ms,
            jitter_ms,
        } => {
            let jitter = if *jitter_ms == 0 {
                0
            } else {
                mix(draw) % (jitter_ms + 1)
            };
            tokio::time::sleep(Duration::from_millis(delay_ms + jitter)).await;
            response
        }
        Fault::Timeout { delay_ms } => {
            tokio::time::sleep(Duration::from_millis(*delay_ms)).await;
            response
        }
        Fault::SlowDrip {
            chunk_bytes,
            interval_ms,
        } => {
            let (parts, body) = response.into_parts();
            let bytes = collect(body).await;
            let interval = Duration::from_millis(*interval_ms);
            // Bounded like every scenario delay: larger pieces when the drip would outlast it.
            let pieces_allowed = (crate::scenario::MAX_DELAY_MS / interval_ms.max(&1)).max(1);
            let pieces_allowed = usize::try_from(pieces_allowed).unwrap_or(usize::MAX);
            let chunk_bytes = (*chunk_bytes)
                .max(bytes.len().div_ceil(pieces_allowed))
                .max(1);
            let chunks: Vec<Bytes> = bytes
                .chunks(chunk_bytes)
                .map(Bytes::copy_from_slice)
                .collect();
            let total = bytes.len();
            let stream = futures_util::stream::unfold(
                (chunks.into_iter(), true),
                move |(mut chunks, first)| async move {
                    let chunk = chunks.next()?;
                    if !first {
                        tokio::time::sleep(interval).await;
                    }
                    Some((Ok::<_, std::io::Error>(chunk), (chunks, false)))
                },
            );
            let mut response = Response::from_parts(parts, Body::from_stream(stream));
            response
                .headers_mut()
                .insert(header::CONTENT_LENGTH, HeaderValue::from(total));
            response
        }
        Fault::TruncatedBody => {
            let (parts, body) = response.into_parts();
            let bytes = collect(body).await;
            let total = bytes.len();
            let half = bytes.slice(..total / 2);
            let stream = futures_util::stream::unfold(Some(half), move |state| {
                let connection = connection.clone();
                async move {
                    match state {
                        Some(half) => Some((Ok(half), None)),
                        None => {
                            // Let the half reach the client, then cut the connection.
                            tokio::time::sleep(Duration::from_millis(50)).await;
                            if let Some(connection) = &connection {
                                connection.close();
                            }
                            Some((Err(std::io::Error::other("truncated on purpose")), None))
                        }
                    }
                }
            });
            let mut response = Response::from_parts(parts, Body::from_stream(stream));
            response
                .headers_mut()
                .insert(header::CONTENT_LENGTH, HeaderValue::from(total));
            response
        }
        Fault::ConnectionReset | Fault::EmptyResponse | Fault::MalformedJson => response,
    }
}

async fn collect(body: Body) -> Bytes {
    // The mock's own answers are in memory already; reading them cannot fail.
    body.collect()
        .await
        .map(http_body_util::Collected::to_bytes)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_drip_that_would_outlast_the_delay_bound_sends_larger_pieces() {
        let body = "x".repeat(1200);
        let drip = Fault::SlowDrip {
            chunk_bytes: 1,
            interval_ms: 10_000,
        };
        let response = deliver(&drip, respond::json(StatusCode::OK, body.clone()), None, 0).await;
        let started = tokio::time::Instant::now();
        let mut body_stream = response.into_body();
        let (mut pieces, mut received) = (0, 0);
        while let Some(frame) = body_stream.frame().await {
            let data = frame.expect("a frame").into_data().unwrap_or_default();
            pieces += 1;
            received += data.len();
        }
        assert_eq!(received, 1200);
        assert_eq!(pieces, 30, "300 s at one piece per 10 s");
        assert!(started.elapsed() <= Duration::from_millis(crate::scenario::MAX_DELAY_MS));
    }
}
