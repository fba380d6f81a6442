//! A one-at-a-time gate for async engine operations on wasm's single thread, served in arrival order.
//!
//! A branch or a run is several calls in a row; a console query must not slip between them.
//! First come, first served: a call made earlier always runs before a call made later, so a caller that stops
//! making calls (the app does, for a page the learner left) knows none of its calls runs after the next page's.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

#[derive(Default)]
pub(crate) struct Gate {
    /// The next ticket to hand out.
    next: Cell<u64>,
    /// The ticket whose turn it is; the holder of an earlier ticket has left.
    serving: Cell<u64>,
    waiting: RefCell<BTreeMap<u64, Waker>>,
    /// Tickets whose callers gave up before their turn, skipped when it comes.
    abandoned: RefCell<BTreeSet<u64>>,
}

impl Gate {
    /// Ends the current turn and wakes whoever holds the next ticket still wanted.
    fn advance(&self) {
        let mut serving = self.serving.get() + 1;
        while self.abandoned.borrow_mut().remove(&serving) {
            serving += 1;
        }
        self.serving.set(serving);
        if let Some(waker) = self.waiting.borrow_mut().remove(&serving) {
            waker.wake();
        }
    }
}

pub(crate) struct Pass(Rc<Gate>);

impl Drop for Pass {
    fn drop(&mut self) {
        self.0.advance();
    }
}

struct Enter {
    gate: Rc<Gate>,
    ticket: u64,
    /// Set once this caller holds the [`Pass`], so dropping the future after that gives nothing back.
    served: bool,
}

impl Future for Enter {
    type Output = Pass;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Pass> {
        if self.gate.serving.get() != self.ticket {
            self.gate.waiting.borrow_mut().insert(self.ticket, cx.waker().clone());
            return Poll::Pending;
        }
        self.served = true;
        Poll::Ready(Pass(self.gate.clone()))
    }
}

impl Drop for Enter {
    fn drop(&mut self) {
        if self.served {
            return;
        }
        self.gate.waiting.borrow_mut().remove(&self.ticket);
        match self.gate.serving.get() == self.ticket {
            // Its turn came while nobody was polling it: pass the turn on.
            true => self.gate.advance(),
            false => {
                self.gate.abandoned.borrow_mut().insert(self.ticket);
            }
        }
    }
}

/// Waits for this caller's turn; the ticket is taken now, when the call is made, not when it is first polled.
pub(crate) fn enter(gate: &Rc<Gate>) -> impl Future<Output = Pass> {
    let ticket = gate.next.get();
    gate.next.set(ticket + 1);
    Enter { gate: gate.clone(), ticket, served: false }
}

#[cfg(test)]
mod test {
    use super::*;
    use std::task::Waker;

    fn poll<F: Future + Unpin>(future: &mut F) -> Poll<F::Output> {
        Pin::new(future).poll(&mut Context::from_waker(Waker::noop()))
    }

    fn ready<T>(poll: Poll<T>) -> Option<T> {
        match poll {
            Poll::Ready(value) => Some(value),
            Poll::Pending => None,
        }
    }

    #[test]
    fn first_come_first_served_ok() {
        let gate = Rc::new(Gate::default());
        let mut first = Box::pin(enter(&gate));
        let mut second = Box::pin(enter(&gate));
        let mut third = Box::pin(enter(&gate));
        // The third is polled first, and must still wait for the two before it.
        assert!(poll(&mut third).is_pending());
        let pass = ready(poll(&mut first)).expect("the first call runs");
        assert!(poll(&mut second).is_pending());
        drop(pass);
        assert!(poll(&mut third).is_pending(), "no overtaking when the gate opens");
        let pass = ready(poll(&mut second)).expect("the second call runs next");
        drop(pass);
        assert!(poll(&mut third).is_ready());
    }

    #[test]
    fn abandoned_ticket_is_skipped_ok() {
        let gate = Rc::new(Gate::default());
        let mut first = Box::pin(enter(&gate));
        let second = Box::pin(enter(&gate));
        let mut third = Box::pin(enter(&gate));
        let pass = ready(poll(&mut first)).expect("the first call runs");
        drop(second);
        drop(pass);
        assert!(poll(&mut third).is_ready(), "a caller that gave up does not hold the gate");
    }

    #[test]
    fn dropped_in_its_turn_passes_it_on_ok() {
        let gate = Rc::new(Gate::default());
        let first = Box::pin(enter(&gate));
        let mut second = Box::pin(enter(&gate));
        drop(first);
        assert!(poll(&mut second).is_ready());
    }
}
