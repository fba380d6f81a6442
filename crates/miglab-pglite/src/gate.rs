//! A one-at-a-time gate for async engine operations on wasm's single thread.
//!
//! A branch or a run is several calls in a row; a console query must not slip between them.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

#[derive(Default)]
pub(crate) struct Gate {
    busy: Cell<bool>,
    waiting: RefCell<VecDeque<Waker>>,
}

pub(crate) struct Pass(Rc<Gate>);

impl Drop for Pass {
    fn drop(&mut self) {
        self.0.busy.set(false);
        if let Some(waker) = self.0.waiting.borrow_mut().pop_front() {
            waker.wake();
        }
    }
}

struct Enter(Rc<Gate>);

impl Future for Enter {
    type Output = Pass;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Pass> {
        if self.0.busy.replace(true) {
            self.0.waiting.borrow_mut().push_back(cx.waker().clone());
            return Poll::Pending;
        }
        Poll::Ready(Pass(self.0.clone()))
    }
}

pub(crate) fn enter(gate: &Rc<Gate>) -> impl Future<Output = Pass> {
    Enter(gate.clone())
}
