//! The one place the app meets the PGlite bridge: the engine from `engine_boot`'s context, seen as a [`Backend`].

use crate::lab::Backend;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Clone)]
pub enum Lab {
    Booting,
    Ready(Rc<dyn Backend>),
    Failed(String),
}

impl PartialEq for Lab {
    fn eq(&self, other: &Lab) -> bool {
        match (self, other) {
            (Lab::Booting, Lab::Booting) => true,
            (Lab::Ready(a), Lab::Ready(b)) => Rc::ptr_eq(a, b),
            (Lab::Failed(a), Lab::Failed(b)) => a == b,
            _ => false,
        }
    }
}

impl Lab {
    pub fn backend(&self) -> Option<Rc<dyn Backend>> {
        match self {
            Lab::Ready(backend) => Some(backend.clone()),
            _ => None,
        }
    }
}

/// The engine as the lesson screens use it.
#[hook]
pub fn use_lab() -> Lab {
    Lab::Failed("The Postgres engine is not part of this build yet.".into())
}
