//! What the binary prints to stdout at start: where it listens, the credentials (the secret
//! only for the public demo pair), a request to try and the console's address.

use std::net::SocketAddr;

use crate::config::{Config, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DataMode, TlsSource};
use crate::domain::generate::{FIVE_CUSTOMERS_ZIP, NO_CUSTOMER_ZIP};

/// What the binary prints to stdout at start: where it listens, the credentials (the secret only
/// for the public demo pair), and a request to try.
pub(crate) fn banner(config: &Config, addr: SocketAddr) -> String {
    let scheme = if config.tls.is_some() {
        "https"
    } else {
        "http"
    };
    let uri = format!("{scheme}://{addr}");
    let mut text = format!("mock-server listening on {uri}\n");
    let mut curl = "curl -s".to_owned();
    if let Some(TlsSource::SelfSigned { write_cert }) = &config.tls {
        match write_cert {
            Some(path) => {
                text.push_str(&format!(
                    "tls: self-signed certificate for localhost, 127.0.0.1 and ::1, written to {}\n",
                    path.display()
                ));
                curl = format!("curl -s --cacert {}", path.display());
            }
            None => {
                text.push_str(
                    "tls: self-signed certificate for localhost, 127.0.0.1 and ::1 \
                     (--tls-write-cert FILE writes it out for a client to trust)\n",
                );
                curl = "curl -sk".to_owned();
            }
        }
    }
    let path = format!(
        "{}{}",
        config.base_paths.first().map_or("", String::as_str),
        crate::domain::operation::Operation::CustomerAccountLookup.path()
    );
    let data = if config.data == DataMode::Fixtures {
        "data: fixtures (the account book only)\n".to_owned()
    } else {
        format!(
            "data: {} (seed {}); ZIP {} finds no customer, ZIP {} finds five\n",
            config.data.as_str(),
            config.seed,
            NO_CUSTOMER_ZIP,
            FIVE_CUSTOMERS_ZIP
        )
    };
    let flow = format!(
        "flow: {} (docs/flow.md); eSign signs after {} s; orders go {} every {} s\n",
        config.flow.as_str(),
        config.esign_after_secs,
        config.order_statuses.join(" → "),
        config.order_status_secs
    );
    if config.uses_demo_credentials() {
        text.push_str(&format!(
            "demo credentials: client_id={} client_secret={}\n",
            DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
        ));
        text.push_str(&data);
        text.push_str(&flow);
        text.push_str(&format!(
            "try: {curl} {uri}{path} -H 'client_id: {}' -H 'client_secret: {}' \
             -H 'content-type: application/json' -H 'x-trace-id: demo-1' \
             -d '{{\"spId\":\"10006\",\"accountName\":\"AT&T CLOUD TEST FOUNDRY\",\
             \"address\":{{\"street\":\"2900 W PLANO PKWY\",\"city\":\"PLANO\",\"state\":\"TX\",\
             \"zipCode\":\"75075\"}}}}'\n",
            DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
        ));
    } else {
        let ids: Vec<&str> = config.clients.iter().map(|c| c.id.as_str()).collect();
        text.push_str(&format!(
            "accepted client ids: {} (secrets as configured)\n",
            ids.join(", ")
        ));
        text.push_str(&data);
        text.push_str(&flow);
    }
    if !addr.ip().is_loopback() && config.admin_token.is_none() {
        text.push_str(if config.admin_open {
            "admin API: open to anyone who can reach this port (--admin-open)\n"
        } else {
            "admin API: only GET /__admin/health answers beyond this machine; \
             --admin-token TOKEN (or --admin-open) opens the rest\n"
        });
    }
    if let Some(proxy) = &config.proxy {
        let mode = match proxy.mode {
            crate::config::ProxyMode::All => "every request",
            crate::config::ProxyMode::FallThrough => "requests the mock has no answer for",
        };
        text.push_str(&format!("proxy: {mode} goes to {}", proxy.upstream));
        if let Some(client) = &proxy.upstream_client {
            text.push_str(&format!(" as client {}", client.id));
        }
        text.push('\n');
        if let Some(dir) = &proxy.record {
            text.push_str(&format!(
                "record: into {} (scrubbed; mock-server --review {} shows it)\n",
                dir.display(),
                dir.display()
            ));
        }
    }
    text.push_str(&format!(
        "console: {uri}/__admin/ (requests live, scenarios, data, flow, Try it; docs/console.md)\n"
    ));
    text
}
