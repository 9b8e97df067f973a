//! A handle on the connection a request arrived on, which the server puts in every request's
//! extensions, so that a fault scenario can close or reset the very connection it arrived on. A
//! general-purpose server cannot do that from a handler; a mock of a flaky gateway must.

use std::sync::atomic::{AtomicU8, Ordering};
use std::task::{Context, Poll};

use futures_util::task::AtomicWaker;

const OPEN: u8 = 0;
const CLOSE: u8 = 1;
const RESET: u8 = 2;

/// How a connection was ended by a fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ending {
    /// Closed without another byte (a FIN).
    Close,
    /// Reset (an RST), as a crashed peer or a middlebox does.
    Reset,
}

/// The connection of a request. The server watches it and ends the connection once asked.
#[derive(Debug, Default)]
pub(crate) struct Connection {
    state: AtomicU8,
    /// The task serving the connection, woken when it is ended.
    ended: AtomicWaker,
}

impl Connection {
    /// Closes the connection without another byte.
    pub(crate) fn close(&self) {
        self.end(CLOSE);
    }

    /// Resets the connection.
    pub(crate) fn reset(&self) {
        self.end(RESET);
    }

    fn end(&self, how: u8) {
        let _ = self
            .state
            .compare_exchange(OPEN, how, Ordering::SeqCst, Ordering::SeqCst);
        self.ended.wake();
    }

    /// How the connection was ended, if it was.
    pub(crate) fn ending(&self) -> Option<Ending> {
        match self.state.load(Ordering::SeqCst) {
            OPEN => None,
            RESET => Some(Ending::Reset),
            _ => Some(Ending::Close),
        }
    }

    /// Ready once the connection has been ended; the waker is kept to be woken then.
    pub(crate) fn poll_ended(&self, cx: &mut Context<'_>) -> Poll<Ending> {
        self.ended.register(cx.waker());
        match self.ending() {
            Some(ending) => Poll::Ready(ending),
            None => Poll::Pending,
        }
    }
}
