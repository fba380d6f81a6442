//! The SQL console's work on the engine, through the same [`Backend`] as every lesson flow:
//! one run of the learner's SQL (read-only and reset afterwards, or on the branch with a diff of what it did),
//! and what a statement would destroy, counted before it runs.

use crate::services::analyzer_link;
use crate::services::consequences;
use crate::services::engine_boot::{use_engine, EngineState};
use crate::services::engine_link::use_lab;
use crate::services::lab::Backend;
use crate::state::console_outcome::{refused_in_read_only, ConsoleError, Outcome, READ_ONLY};
use crate::state::drop_guard::Stake;
use miglab_model::schema::Schema;
use std::rc::Rc;
use yew::prelude::*;

/// What one run showed: the outcome, and the branch before and after it when its tables changed.
pub type Executed = (Outcome, Option<(Schema, Schema)>);

/// Runs the learner's `text`. Read-only on `Some(branch)`: one call with the read-only prefix (the engine wraps each
/// call in its own savepoint, and releasing a savepoint ends its read-only mode), then always back to the branch
/// point, after a failure too. On the branch: the schema before and after, so the diff shows what it did.
/// `now` is the clock the run is timed with, in milliseconds.
pub async fn execute(
    engine: &dyn Backend,
    text: &str,
    read_only: Option<&str>,
    now: impl Fn() -> f64,
) -> Executed {
    let before = match read_only {
        None => engine.introspect().await.ok(),
        Some(_) => None,
    };
    let started = now();
    let result = match read_only {
        None => engine.query(text).await,
        Some(_) => engine.query(&format!("{READ_ONLY}; {text}")).await,
    };
    let ms = now() - started;
    let mut shown = match result {
        Ok(result) => Outcome::Rows { result, ms },
        Err(failure) => Outcome::Failed(ConsoleError::of(failure, text, read_only.is_some())),
    };
    let changed = match read_only {
        Some(branch) => {
            if let Err(failure) = engine.reset(branch).await {
                shown = Outcome::Failed(ConsoleError { failure, at: None });
            }
            None
        }
        None => {
            let after = engine.introspect().await.ok();
            before.zip(after).filter(|(b, a)| b.tables != a.tables)
        }
    };
    (shown, changed)
}

/// Why the read-only console will not send `text`, or `None` when it may; the analyzer splits it into statements,
/// and an analyzer that does not answer is a refusal with its message, never a pass.
pub async fn refusal(text: &str) -> Option<String> {
    match analyzer_link::split(text).await {
        Ok((steps, diagnostics)) => refused_in_read_only(&steps, &diagnostics),
        Err(message) => Some(message),
    }
}

/// What `text` would destroy on the branch as it stands; empty when nothing.
pub async fn stakes(engine: &dyn Backend, text: &str) -> Result<Vec<Stake>, String> {
    consequences::of_sql(engine, text).await.map(|(_, stakes)| stakes)
}

/// Milliseconds from `performance.now()`, the clock the console times a run with.
pub fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// The engine for the console: the ready engine, and the same one while a lost worker is rebuilt
/// (a run then waits for it, as every call does).
#[hook]
pub fn use_console_engine() -> Option<Rc<dyn Backend>> {
    let (lab, state) = (use_lab(), use_engine());
    let last = use_mut_ref(|| None::<Rc<dyn Backend>>);
    if let Some(backend) = lab.backend() {
        *last.borrow_mut() = Some(backend);
    }
    match state {
        EngineState::Ready(_) | EngineState::Restarting(_) => last.borrow().clone(),
        _ => None,
    }
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::services::lab::test::{block_on, Fake};

    #[test]
    fn read_only_resets_after_its_one_call_ok() {
        let fake = Fake::default();
        let (shown, changed) = block_on(execute(&fake, "SELECT 1", Some("b"), || 0.0));
        assert_eq!(
            *fake.log.borrow(),
            ["SET LOCAL transaction_read_only = on; SELECT 1", "reset b"],
            "the prefix and the SQL go as one call, and the branch point comes back after it"
        );
        assert!(matches!(shown, Outcome::Rows { .. }) && changed.is_none());
    }

    #[test]
    fn branch_run_sends_the_text_as_typed_ok() {
        let fake = Fake::default();
        let (shown, changed) = block_on(execute(&fake, "SELECT 1", None, || 0.0));
        assert_eq!(*fake.log.borrow(), ["SELECT 1"], "no prefix and no reset on the branch");
        assert!(matches!(shown, Outcome::Rows { .. }));
        assert_eq!(changed, None, "the tables did not change, so there is no diff");
    }
}
