//! The limit of the hardware for this job: a bare axum handler that checks the two credential
//! headers and answers about 1.2 KB of static bytes. The load benchmark runs it beside the mock
//! and reports the mock's figures as ratios of this one's.
//!
//! Usage: `baseline [ADDR]` (default `127.0.0.1:8090`); prints `baseline listening on ADDR`.

use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::post;

/// About the size of a one-account answer plus headers: the three accounts of the
/// getting-started page.
const BODY: &str = r#"[{"accountAddress":{"city":"TEST","country":"US","state":"TX","street":"1234 W TEST PKWY","zipCode":"123456789"},"accountName":"Test Acct","accountId":"0123456789","acid":"12345","salesSegment":null,"subAccountId":"TEST1","contractStatus":"Active (Remote)","parentPartnerAccId":"123456","partnerId":"12AB34","loaStatus":"Y","allianceStatus":"OPPORTUNITY","accountStatus":null,"exception":"NA"},{"accountAddress":{"city":"TEST","country":"US","state":"MN","street":"123 TEST AVE STE 100","zipCode":"12345"},"accountName":"Test Acct 2","accountId":"1234567890abcdef","acid":"123123","salesSegment":null,"subAccountId":"A1B2C","contractStatus":"Active (Remote)","parentPartnerAccId":"123ABC","partnerId":"56CD78","loaStatus":"Y","allianceStatus":"OPPORTUNITY","accountStatus":"Active","exception":"NA"},{"accountAddress":{"city":"TEST","country":"USA","state":"TX","street":"1234 W TEST PKWY","zipCode":"123456789"},"accountName":"Test Acct 3","accountId":"1234abb000000cd","acid":"123A123","salesSegment":"indirect sales test","subAccountId":"Z9Y8X","contractStatus":"Active (Remote)","parentPartnerAccId":"987654","partnerId":"98ZY76","loaStatus":"N","allianceStatus":"ATT ONLY","accountStatus":"Active","exception":"N"}]"#;

async fn lookup(headers: HeaderMap) -> impl IntoResponse {
    let authorized = headers.get("client_id").is_some_and(|v| v == "demo-client")
        && headers
            .get("client_secret")
            .is_some_and(|v| v == "demo-secret");
    if authorized {
        (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            BODY,
        )
    } else {
        (
            StatusCode::UNAUTHORIZED,
            [(header::CONTENT_TYPE, "application/json")],
            "{}",
        )
    }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let address = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8090".to_owned());
    let listener = tokio::net::TcpListener::bind(&address).await?;
    println!("baseline listening on http://{}", listener.local_addr()?);
    let app = Router::new().route("/api/v1/customerAccountLookup", post(lookup));
    axum::serve(listener, app).await
}
