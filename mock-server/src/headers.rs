//! Reading a request's headers: the few the lookup needs, in one pass.

use axum::http::{HeaderMap, HeaderName, HeaderValue, header};

use crate::auth::{CLIENT_ID, CLIENT_SECRET};
use crate::ids::TRACE_ID;

/// Up to this many header values, a scan is used instead of the map's hashed lookup.
const SCAN_UP_TO: usize = 16;

/// The first value of the header `name`, as [`HeaderMap::get`] gives it.
///
/// A request carries a handful of headers, and the ones the lookup reads (`client_id`,
/// `x-trace-id`, ...) are not standard names, which [`HeaderMap::get`] must hash byte by byte;
/// comparing the few names there are costs less. A request with many headers gets the hashed
/// lookup, so the cost stays bounded.
pub fn get<'a>(headers: &'a HeaderMap, name: &HeaderName) -> Option<&'a HeaderValue> {
    if headers.len() > SCAN_UP_TO {
        return headers.get(name);
    }
    // The map yields an entry's values together, first value first, and entries in the order
    // they were added: the first match is the value `get` returns.
    headers
        .iter()
        .find_map(|(found, value)| (found == name).then_some(value))
}

/// The headers the lookup reads, each as [`HeaderMap::get`] gives it (the first value).
#[derive(Debug, Clone, Copy, Default)]
pub struct LookupHeaders<'a> {
    /// `client_id`.
    pub client_id: Option<&'a HeaderValue>,
    /// `client_secret`.
    pub client_secret: Option<&'a HeaderValue>,
    /// `content-type`.
    pub content_type: Option<&'a HeaderValue>,
    /// `x-trace-id`.
    pub trace_id: Option<&'a HeaderValue>,
    /// `x-mock-scenario`.
    pub scenario: Option<&'a HeaderValue>,
}

impl<'a> LookupHeaders<'a> {
    /// Finds the headers in one pass over a request of a handful of headers, or with the map's
    /// lookups when there are many.
    pub fn of(headers: &'a HeaderMap) -> Self {
        let scenario = &crate::scenario::select::HEADER;
        if headers.len() > SCAN_UP_TO {
            return LookupHeaders {
                client_id: headers.get(CLIENT_ID),
                client_secret: headers.get(CLIENT_SECRET),
                content_type: headers.get(header::CONTENT_TYPE),
                trace_id: headers.get(TRACE_ID),
                scenario: headers.get(scenario),
            };
        }
        let mut found = LookupHeaders::default();
        for (name, value) in headers {
            let slot = if *name == header::CONTENT_TYPE {
                &mut found.content_type
            } else {
                match name.as_str() {
                    "client_id" => &mut found.client_id,
                    "client_secret" => &mut found.client_secret,
                    "x-trace-id" => &mut found.trace_id,
                    "x-mock-scenario" => &mut found.scenario,
                    _ => continue,
                }
            };
            // The map yields an entry's first value first: keep it, as `get` would.
            slot.get_or_insert(value);
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::TRANSACTION_ID;
    use axum::http::header::CONTENT_TYPE;

    #[test]
    fn gives_what_the_hashed_lookup_gives() {
        let names = [
            HeaderName::from_static("client_id"),
            HeaderName::from_static("x-trace-id"),
            CONTENT_TYPE,
            HeaderName::from_static("x-absent"),
        ];
        for extra in [0, 40] {
            let mut headers = HeaderMap::new();
            headers.append("x-trace-id", HeaderValue::from_static("first"));
            headers.append(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            headers.append("client_id", HeaderValue::from_static("demo"));
            headers.append("x-trace-id", HeaderValue::from_static("second"));
            for n in 0..extra {
                headers.append(
                    HeaderName::from_bytes(format!("x-extra-{n}").as_bytes()).expect("a name"),
                    HeaderValue::from_static("x"),
                );
            }
            for name in &names {
                assert_eq!(get(&headers, name), headers.get(name), "{name} of {extra}");
            }
            assert_eq!(
                get(&headers, &names[1]).map(HeaderValue::as_bytes),
                Some(&b"first"[..])
            );
        }
    }

    #[test]
    fn the_lookup_headers_are_what_the_hashed_lookup_gives() {
        let scenario = &crate::scenario::select::HEADER;
        for extra in [0, 40] {
            let mut headers = HeaderMap::new();
            headers.append(TRACE_ID, HeaderValue::from_static("first"));
            headers.append(CLIENT_ID, HeaderValue::from_static("demo"));
            headers.append(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            headers.append(TRACE_ID, HeaderValue::from_static("second"));
            headers.append(CLIENT_SECRET, HeaderValue::from_static("secret"));
            headers.append(scenario, HeaderValue::from_static("slow"));
            headers.append(TRANSACTION_ID, HeaderValue::from_static("t"));
            for n in 0..extra {
                headers.append(
                    HeaderName::from_bytes(format!("x-extra-{n}").as_bytes()).expect("a name"),
                    HeaderValue::from_static("x"),
                );
            }
            let found = LookupHeaders::of(&headers);
            assert_eq!(found.client_id, headers.get(CLIENT_ID));
            assert_eq!(found.client_secret, headers.get(CLIENT_SECRET));
            assert_eq!(found.content_type, headers.get(CONTENT_TYPE));
            assert_eq!(found.trace_id, headers.get(TRACE_ID));
            assert_eq!(found.scenario, headers.get(scenario));
            assert_eq!(
                found.trace_id.map(HeaderValue::as_bytes),
                Some(&b"first"[..])
            );
        }
        let empty = HeaderMap::new();
        let found = LookupHeaders::of(&empty);
        assert!(found.client_id.is_none() && found.content_type.is_none());
    }
}
