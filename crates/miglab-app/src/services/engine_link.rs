//! The one place the app meets the PGlite bridge: the engine from `engine_boot`'s context, seen as a [`Backend`].

use crate::services::engine_boot::EngineState;
use crate::services::lab::{Backend, CallFut, Fut, Rows};
use crate::state::run_state::Failure;
use miglab_model::engine::call::{Answer, Call, Reply};
use miglab_model::engine::plan::RunPlan;
use miglab_model::engine::session::{LessonSetup, Prepared};
use miglab_model::engine::{QueryResult, RunReport};
use miglab_model::schema::Schema;
use miglab_pglite::{Engine, EngineError};

#[cfg(doc)]
use crate::services::lab::PRISTINE;
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

/// Converts the bridge's errors in one place: Postgres's own fields are kept, the rest become a sentence.
pub fn failure(error: EngineError) -> Failure {
    match error {
        EngineError::Postgres(pg) => Failure {
            title: "Postgres refused the statement".into(),
            sqlstate: Some(pg.sqlstate),
            message: pg.message,
            detail: pg.detail,
            hint: pg.hint,
            statement: None,
            lines: None,
            position: pg.position,
            retry: false,
        },
        EngineError::Timeout { .. } => {
            Failure::plain("The statement ran too long", error.to_string())
        }
        EngineError::WorkerDied(_) => Failure {
            retry: true,
            ..Failure::plain("The database engine failed", error.to_string())
        },
        other => Failure::plain("The database engine failed", other.to_string()),
    }
}

fn rows(result: QueryResult) -> Rows {
    let text = |v: serde_json::Value| match v {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s),
        other => Some(other.to_string()),
    };
    Rows {
        columns: result.columns,
        rows: result.rows.into_iter().map(|r| r.into_iter().map(text).collect()).collect(),
    }
}

struct Pglite(Engine);

impl Backend for Pglite {
    fn exec<'a>(&'a self, sql: &'a str) -> Fut<'a, ()> {
        Box::pin(async move { self.0.exec(sql).await.map_err(failure) })
    }
    fn exec_script<'a>(&'a self, sql: &'a str) -> Fut<'a, ()> {
        Box::pin(async move { self.0.exec_script(sql).await.map_err(failure) })
    }
    fn query<'a>(&'a self, sql: &'a str) -> Fut<'a, Rows> {
        Box::pin(async move { self.0.query(sql).await.map(rows).map_err(failure) })
    }
    fn branch<'a>(&'a self, name: &'a str) -> Fut<'a, ()> {
        Box::pin(async move { self.0.branch(name).await.map_err(failure) })
    }
    fn reset<'a>(&'a self, name: &'a str) -> Fut<'a, ()> {
        Box::pin(async move { self.0.reset(name).await.map_err(failure) })
    }
    fn introspect(&self) -> Fut<'_, Schema> {
        Box::pin(async move { self.0.introspect().await.map_err(failure) })
    }
    fn run<'a>(&'a self, plan: &'a RunPlan) -> Fut<'a, RunReport> {
        Box::pin(async move { self.0.run(plan).await.map_err(failure) })
    }
    fn dump_table<'a>(&'a self, table: &'a str) -> Fut<'a, String> {
        Box::pin(async move { self.0.dump_table(table).await.map_err(failure) })
    }
    fn setup<'a>(&'a self, setup: &'a LessonSetup) -> Fut<'a, Prepared> {
        Box::pin(async move { self.0.setup(setup).await.map_err(failure) })
    }
    fn call(&self, call: Call) -> CallFut<'_> {
        Box::pin(perform(&self.0, call))
    }
}

/// One call of the in-page check on the bridge; its error stays the engine's, for the check to read.
async fn perform(engine: &Engine, call: Call) -> Answer {
    Ok(match call {
        Call::Exec { sql } => engine.exec(&sql).await.map(|()| Reply::Done)?,
        Call::ExecScript { sql } => engine.exec_script(&sql).await.map(|()| Reply::Done)?,
        Call::Query { sql } => Reply::Rows { result: engine.query(&sql).await? },
        Call::Introspect => Reply::Schema { schema: engine.introspect().await? },
        Call::Run { plan } => Reply::Report { report: engine.run(&plan).await? },
        Call::Branch { name } => engine.branch(&name).await.map(|()| Reply::Done)?,
        Call::Reset { name } => engine.reset(&name).await.map(|()| Reply::Done)?,
        Call::Setup { setup } => Reply::Prepared { prepared: engine.setup(&setup).await? },
    })
}

/// The engine as the lesson screens use it, from `engine_boot`'s context.
/// The provider branches the untouched boot image as [`PRISTINE`], so every lesson can start from nothing.
/// The backend is cached per engine, so screens re-render only when the engine itself changes.
#[hook]
pub fn use_lab() -> Lab {
    let state = crate::services::engine_boot::use_engine();
    let engine = state.engine();
    let backend = use_memo(engine.clone(), |engine| {
        engine.clone().map(|e| Rc::new(Pglite(e)) as Rc<dyn Backend>)
    });
    match (&state, &*backend) {
        (EngineState::Ready(_), Some(backend)) => Lab::Ready(backend.clone()),
        (EngineState::Failed(reason), _) => Lab::Failed(reason.clone()),
        _ => Lab::Booting,
    }
}
