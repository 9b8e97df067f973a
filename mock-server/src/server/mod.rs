//! Running the mock: [`run`] for the binary, [`MockServer`] for tests that want a real socket,
//! both through one start path (`start`); the accept loop and its connections (`transport`),
//! HTTPS (`tls`) and the fixture watch (`watch`).

mod banner;
mod mock;
mod run;
mod start;
mod tls;
mod transport;
mod watch;

pub use mock::{MockServer, MockServerBuilder};
pub use run::run;
pub use start::StartError;
pub use tls::TlsError;
