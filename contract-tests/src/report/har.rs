//! Every exchange of a run as an HTTP Archive (HAR 1.2), for browsers' network panels and
//! proxies to open. `client_secret` is already `***` in the results; nothing else secret is
//! sent.

use serde::Serialize;

use crate::case::{CaseResult, Exchange};

#[derive(Serialize)]
struct Har<'a> {
    log: Log<'a>,
}

#[derive(Serialize)]
struct Log<'a> {
    version: &'static str,
    creator: Creator,
    entries: Vec<Entry<'a>>,
}

#[derive(Serialize)]
struct Creator {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Entry<'a> {
    started_date_time: &'a str,
    time: f64,
    request: Request<'a>,
    response: Response<'a>,
    cache: Empty,
    timings: Timings,
    comment: String,
}

#[derive(Serialize)]
struct Empty {}

#[derive(Serialize)]
struct Pair {
    name: String,
    value: String,
}

fn pairs(headers: &[(String, String)]) -> Vec<Pair> {
    headers
        .iter()
        .map(|(name, value)| Pair {
            name: name.clone(),
            value: value.clone(),
        })
        .collect()
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Request<'a> {
    method: &'a str,
    url: &'a str,
    http_version: &'static str,
    cookies: [Empty; 0],
    headers: Vec<Pair>,
    query_string: Vec<Pair>,
    #[serde(skip_serializing_if = "Option::is_none")]
    post_data: Option<PostData<'a>>,
    headers_size: i64,
    body_size: i64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PostData<'a> {
    mime_type: &'a str,
    text: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Response<'a> {
    status: u16,
    status_text: &'static str,
    http_version: &'static str,
    cookies: [Empty; 0],
    headers: Vec<Pair>,
    content: Content<'a>,
    #[serde(rename = "redirectURL")]
    redirect_url: &'static str,
    headers_size: i64,
    body_size: i64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Content<'a> {
    size: usize,
    mime_type: &'a str,
    text: &'a str,
}

#[derive(Serialize)]
struct Timings {
    send: f64,
    wait: f64,
    receive: f64,
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn entry<'a>(case: &str, index: usize, exchange: &'a Exchange) -> Entry<'a> {
    let request = &exchange.request;
    let query_string = reqwest::Url::parse(&request.url)
        .map(|url| {
            url.query_pairs()
                .map(|(name, value)| (name.into_owned(), value.into_owned()))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let time = exchange.elapsed_us as f64 / 1000.0;
    let request_type = header(&request.headers, "content-type").unwrap_or("application/json");
    Entry {
        started_date_time: &exchange.started,
        time,
        request: Request {
            method: &request.method,
            url: &request.url,
            http_version: "HTTP/1.1",
            cookies: [],
            headers: pairs(&request.headers),
            query_string: pairs(&query_string),
            post_data: (!request.body.is_empty()).then_some(PostData {
                mime_type: request_type,
                text: &request.body,
            }),
            headers_size: -1,
            body_size: i64::try_from(request.body.len()).unwrap_or(-1),
        },
        response: Response {
            status: exchange.status,
            status_text: reqwest::StatusCode::from_u16(exchange.status)
                .ok()
                .and_then(|s| s.canonical_reason())
                .unwrap_or(""),
            http_version: "HTTP/1.1",
            cookies: [],
            headers: pairs(&exchange.response_headers),
            content: Content {
                size: exchange.body.len(),
                mime_type: header(&exchange.response_headers, "content-type").unwrap_or(""),
                text: &exchange.body,
            },
            redirect_url: "",
            headers_size: -1,
            body_size: i64::try_from(exchange.body.len()).unwrap_or(-1),
        },
        cache: Empty {},
        timings: Timings {
            send: 0.0,
            wait: time,
            receive: 0.0,
        },
        comment: format!("{case}, call {} ({})", index + 1, exchange.step),
    }
}

/// Renders every exchange of `results` as a HAR document.
///
/// # Errors
///
/// The serialiser's error (it does not fail for these types).
pub fn render(results: &[CaseResult]) -> Result<String, serde_json::Error> {
    let entries = results
        .iter()
        .flat_map(|result| {
            result
                .exchanges
                .iter()
                .enumerate()
                .map(|(index, exchange)| entry(&result.name, index, exchange))
        })
        .collect();
    serde_json::to_string_pretty(&Har {
        log: Log {
            version: "1.2",
            creator: Creator {
                name: "contract-tests",
                version: env!("CARGO_PKG_VERSION"),
            },
            entries,
        },
    })
}
