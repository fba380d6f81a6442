//! The engine as one lesson page may use it: bound to that page, so work it started never outlives it.
//!
//! A flow (an experiment, a question's query, a practice run) is several engine calls. Without a bound, a flow of
//! lesson A still running when the learner opens lesson B would go on calling between B's own calls, and a late
//! `reset(branchA)` would reload A's database under B. So every call first asks whether its page is still open;
//! the engine serves calls in the order they are made, so once A's page is gone none of A's calls runs after B's.
//!
//! The bound also keeps the page's engine steady while a lost worker is rebuilt (the page's lesson is not built
//! again from its seed), and afterwards returns the page's run state to the branch point, where the engine now is.

use crate::services::engine_boot::{use_engine, EngineState};
use crate::services::engine_link::Lab;
use crate::services::lab::{Backend, CallFut, Fut, Rows};
use crate::state::run_state::{Failure, RunAction, RunState};
use miglab_model::engine::call::Call;
use miglab_model::engine::plan::RunPlan;
use miglab_model::engine::session::{LessonSetup, Prepared};
use miglab_model::engine::EngineError;
use miglab_model::engine::RunReport;
use miglab_model::schema::Schema;
use std::cell::Cell;
use std::rc::Rc;
use yew::prelude::*;

/// Whether the page that made a [`Bound`] is still open; cleared when it goes.
#[derive(Clone, Default)]
pub struct PageOpen(Rc<Cell<bool>>);

impl PageOpen {
    pub fn new() -> PageOpen {
        PageOpen(Rc::new(Cell::new(true)))
    }

    pub fn close(&self) {
        self.0.set(false);
    }

    fn is_open(&self) -> bool {
        self.0.get()
    }
}

/// What a call from a page that is gone gets instead of the engine.
fn left() -> Failure {
    Failure::plain("The lesson was left", "This work belonged to a page that is no longer open, so it stopped before touching the database.")
}

/// A backend that refuses every call once its page is gone. The check and the call start in the same step,
/// so no other page's call can come between them.
pub struct Bound {
    inner: Rc<dyn Backend>,
    open: PageOpen,
}

impl Bound {
    pub fn new(inner: Rc<dyn Backend>, open: PageOpen) -> Bound {
        Bound { inner, open }
    }
}

impl Bound {
    /// `call` on the inner backend while the page is open; the check and the call happen in the same poll.
    fn guarded<'a, T: 'a>(
        &'a self,
        call: impl FnOnce(&'a dyn Backend) -> Fut<'a, T> + 'a,
    ) -> Fut<'a, T> {
        Box::pin(async move {
            if !self.open.is_open() {
                return Err(left());
            }
            call(&*self.inner).await
        })
    }
}

impl Backend for Bound {
    fn exec<'a>(&'a self, sql: &'a str) -> Fut<'a, ()> {
        self.guarded(move |inner| inner.exec(sql))
    }
    fn exec_script<'a>(&'a self, sql: &'a str) -> Fut<'a, ()> {
        self.guarded(move |inner| inner.exec_script(sql))
    }
    fn branch<'a>(&'a self, name: &'a str) -> Fut<'a, ()> {
        self.guarded(move |inner| inner.branch(name))
    }
    fn reset<'a>(&'a self, name: &'a str) -> Fut<'a, ()> {
        self.guarded(move |inner| inner.reset(name))
    }
    fn query<'a>(&'a self, sql: &'a str) -> Fut<'a, Rows> {
        self.guarded(move |inner| inner.query(sql))
    }
    fn introspect(&self) -> Fut<'_, Schema> {
        self.guarded(move |inner| inner.introspect())
    }
    fn run<'a>(&'a self, plan: &'a RunPlan) -> Fut<'a, RunReport> {
        self.guarded(move |inner| inner.run(plan))
    }
    fn dump_table<'a>(&'a self, table: &'a str) -> Fut<'a, String> {
        self.guarded(move |inner| inner.dump_table(table))
    }
    fn setup<'a>(&'a self, setup: &'a LessonSetup) -> Fut<'a, Prepared> {
        self.guarded(move |inner| inner.setup(setup))
    }
    fn call(&self, call: Call) -> CallFut<'_> {
        Box::pin(async move {
            if !self.open.is_open() {
                return Err(EngineError::Protocol(left().message));
            }
            self.inner.call(call).await
        })
    }
}

/// The page's own [`Lab`]: the app's engine bound to this page, steady while a lost worker is rebuilt.
/// After the rebuild the page resets to its branch point and tells its run state, whose runs no longer exist.
#[hook]
pub fn use_page_lab(lab: Lab, run: UseReducerHandle<RunState>) -> Lab {
    let open = use_memo((), |_| PageOpen::new());
    {
        let open = (*open).clone();
        use_effect_with((), move |_| move || open.close());
    }
    // One bound lab per engine: the same value from render to render (while restarting too), so the page's effects
    // that depend on it, above all building the lesson's database, run once per engine and not after every restart.
    let made = use_mut_ref(|| None::<(Rc<dyn Backend>, Lab)>);
    let engine = use_engine();
    let restarting = matches!(engine, EngineState::Restarting(_));
    let page_lab = {
        let mut made = made.borrow_mut();
        match (&lab, &*made) {
            (Lab::Ready(backend), Some((inner, bound)))
                if std::ptr::addr_eq(Rc::as_ptr(backend), Rc::as_ptr(inner)) =>
            {
                bound.clone()
            }
            (Lab::Ready(backend), _) => {
                let bound = Lab::Ready(Rc::new(Bound::new(backend.clone(), (*open).clone())));
                *made = Some((backend.clone(), bound.clone()));
                bound
            }
            (_, Some((_, bound))) if restarting => bound.clone(),
            (other, _) => other.clone(),
        }
    };
    {
        let (backend, was_restarting) = (page_lab.backend(), use_mut_ref(|| false));
        use_effect_with(restarting, move |restarting| {
            let restarted =
                std::mem::replace(&mut *was_restarting.borrow_mut(), *restarting) && !*restarting;
            let (Some(branch), true, Some(backend)) = (run.branch.clone(), restarted, backend)
            else {
                return;
            };
            wasm_bindgen_futures::spawn_local(async move {
                let back = async {
                    backend.reset(&branch).await?;
                    backend.introspect().await
                };
                run.dispatch(match back.await {
                    Ok(schema) => RunAction::Restarted(schema),
                    Err(failure) => RunAction::Failed(failure),
                });
            });
        });
    }
    page_lab
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::services::lab::test::{block_on, Fake};
    use crate::services::lesson_flows::{experiment_flow, practice_flow, question_flow};
    use miglab_model::lesson::{Experiment, RunCommand};

    /// A fake engine that closes the page after `calls` calls have reached it, as a learner leaving mid-flow would.
    struct Leaving {
        fake: Rc<Fake>,
        open: PageOpen,
        calls: Cell<usize>,
        leave_after: usize,
    }

    impl Leaving {
        fn count(&self) {
            self.calls.set(self.calls.get() + 1);
            if self.calls.get() == self.leave_after {
                self.open.close();
            }
        }
    }

    impl Backend for Leaving {
        fn exec<'a>(&'a self, sql: &'a str) -> Fut<'a, ()> {
            self.count();
            self.fake.exec(sql)
        }
        fn query<'a>(&'a self, sql: &'a str) -> Fut<'a, Rows> {
            self.count();
            self.fake.query(sql)
        }
        fn branch<'a>(&'a self, name: &'a str) -> Fut<'a, ()> {
            self.count();
            self.fake.branch(name)
        }
        fn reset<'a>(&'a self, name: &'a str) -> Fut<'a, ()> {
            self.count();
            self.fake.reset(name)
        }
        fn introspect(&self) -> Fut<'_, Schema> {
            self.count();
            self.fake.introspect()
        }
        fn run<'a>(&'a self, plan: &'a RunPlan) -> Fut<'a, RunReport> {
            self.count();
            self.fake.run(plan)
        }
        fn dump_table<'a>(&'a self, table: &'a str) -> Fut<'a, String> {
            self.count();
            self.fake.dump_table(table)
        }
        fn setup<'a>(&'a self, setup: &'a LessonSetup) -> Fut<'a, Prepared> {
            self.count();
            self.fake.setup(setup)
        }
    }

    /// The engine's log and the calls that reached it, when the page closes after `leave_after` calls of `flow`.
    fn left_after(leave_after: usize, flow: impl Fn(&dyn Backend)) -> (Vec<String>, usize) {
        let (fake, open) = (Rc::new(Fake::default()), PageOpen::new());
        let leaving = Rc::new(Leaving {
            fake: fake.clone(),
            open: open.clone(),
            calls: Cell::new(0),
            leave_after,
        });
        flow(&Bound::new(leaving.clone(), open));
        let log = fake.log.borrow().clone();
        (log, leaving.calls.get())
    }

    fn experiment() -> Experiment {
        Experiment {
            id: "e".into(),
            title: "Try it".into(),
            prompt: String::new(),
            after: upgrade_head(),
            sql: "SELECT 1".into(),
            in_transaction: false,
            since: None,
            expect: Default::default(),
        }
    }

    fn upgrade_head() -> Vec<RunCommand> {
        vec!["upgrade head".to_owned().try_into().expect("command")]
    }

    #[test]
    fn open_page_runs_everything_ok() {
        let lesson = crate::fixture::confidence_score().lesson;
        let (log, calls) = left_after(usize::MAX, |engine| {
            drop(block_on(experiment_flow(
                engine,
                &lesson,
                "branch_a",
                &experiment(),
                true,
                Vec::new(),
            )))
        });
        assert_eq!(log.first().map(String::as_str), Some("reset branch_a"));
        assert_eq!(
            log.last().map(String::as_str),
            Some("reset branch_a"),
            "the experiment leaves the branch as it found it: {log:?}"
        );
        assert!(calls > 3);
    }

    #[test]
    fn left_page_stops_experiment_err() {
        // The learner leaves while the first call (the reset to the branch point) runs: nothing after it reaches the engine,
        // least of all the closing `reset(branch_a)` that would reload lesson A's database under the next lesson.
        let lesson = crate::fixture::confidence_score().lesson;
        let (log, calls) = left_after(1, |engine| {
            let (outcome, back) = block_on(experiment_flow(
                engine,
                &lesson,
                "branch_a",
                &experiment(),
                true,
                Vec::new(),
            ));
            assert!(outcome.result.as_ref().is_some_and(Result::is_err) && back.is_err());
        });
        assert_eq!((log, calls), (vec!["reset branch_a".to_owned()], 1));
    }

    #[test]
    fn left_page_stops_every_flow_err() {
        let view = crate::fixture::confidence_score();
        let lesson = &view.lesson;
        for leave_after in 1..6 {
            let (_, calls) = left_after(leave_after, |engine| {
                drop(block_on(experiment_flow(
                    engine,
                    lesson,
                    "branch_a",
                    &experiment(),
                    true,
                    Vec::new(),
                )))
            });
            assert_eq!(calls, leave_after, "experiment");
            let (_, calls) = left_after(leave_after, |engine| {
                drop(block_on(question_flow(
                    engine,
                    lesson,
                    "branch_a",
                    &upgrade_head(),
                    "SELECT 1",
                )))
            });
            assert_eq!(calls, leave_after, "question");
            let (_, calls) = left_after(leave_after, |engine| {
                drop(block_on(practice_flow(
                    engine,
                    lesson,
                    "branch_a",
                    &upgrade_head(),
                    &lesson.modify,
                    &[],
                )))
            });
            assert_eq!(calls, leave_after, "practice");
        }
    }

    /// Setting a lesson up is one engine operation (the session's setup), so a page left before it sends nothing.
    #[test]
    fn left_page_start_never_sets_up_err() {
        let lesson = crate::fixture::confidence_score().lesson;
        let (fake, open) = (Rc::new(Fake::default()), PageOpen::new());
        open.close();
        let started =
            block_on(crate::services::lab::start(&Bound::new(fake.clone(), open), &lesson));
        assert_eq!(started.map(drop).map_err(|f| f.title), Err("The lesson was left".to_owned()));
        assert!(fake.log.borrow().is_empty(), "{:?}", fake.log.borrow());
    }
}
