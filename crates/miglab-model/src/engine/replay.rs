//! Deterministic replay: a synchronous check driven by an engine that only answers asynchronously.
//!
//! The browser's engine answers each call later (a message to a Web Worker), while `miglab check`'s lesson checks are
//! synchronous code. Rather than writing them twice, the page replays them: [`Replay`] answers each call from a log
//! of answers the real engine already gave, and at the first call the log does not hold it stops, records that call
//! and fails it with an error the check propagates. The page performs that one call on the real engine, appends the
//! answer, and runs the check again from the start, until it finishes without needing the engine ([`replay`]).
//! The check is deterministic (the same answers, the same calls), and each replayed call is compared with the one
//! logged, so a check that is not is reported as such, never given another call's answer.

use super::call::{shape, Answer, Call, Engine, Reply};
use super::plan::RunPlan;
use super::session::{LessonSetup, Prepared};
use super::{EngineError, QueryResult, RunReport};
use crate::schema::Schema;
use serde::{Deserialize, Serialize};

/// One call the check made and what the engine answered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Logged {
    pub call: Call,
    pub answer: Answer,
}

/// Where one replay of the check ended.
#[derive(Clone, Debug, PartialEq)]
pub enum Step<T> {
    /// The check needs this call performed on the real engine; its answer is the log's next entry.
    Need(Call),
    /// The check finished on the logged answers alone.
    Done(T),
    /// The check did not repeat itself: a full sentence saying where it left the log.
    Diverged(String),
}

/// Runs `check` once on the answers in `log`.
pub fn replay<T>(log: &[Logged], check: impl FnOnce(&mut dyn Engine) -> T) -> Step<T> {
    let mut engine = Replay { log, next: 0, stop: None };
    let out = check(&mut engine);
    match engine.stop {
        Some(Stop::Need(call)) => Step::Need(call),
        Some(Stop::Diverged(why)) => Step::Diverged(why),
        None if engine.next < log.len() => Step::Diverged(format!(
            "The check ended after {} engine calls, but {} were logged, so it did not repeat itself.",
            engine.next,
            log.len()
        )),
        None => Step::Done(out),
    }
}

enum Stop {
    Need(Call),
    Diverged(String),
}

/// An [`Engine`] that answers from a log and stops at the first call it has no answer for.
struct Replay<'a> {
    log: &'a [Logged],
    next: usize,
    stop: Option<Stop>,
}

impl Replay<'_> {
    fn answer(&mut self, call: Call) -> Answer {
        if self.stop.is_some() {
            return Err(stopped());
        }
        let Some(logged) = self.log.get(self.next) else {
            self.stop = Some(Stop::Need(call));
            return Err(stopped());
        };
        if logged.call != call {
            self.stop = Some(Stop::Diverged(format!(
                "The check's engine call {} was to {} when it first ran, but to {} now, so it is not deterministic.",
                self.next + 1,
                logged.call.summary(),
                call.summary()
            )));
            return Err(stopped());
        }
        self.next += 1;
        logged.answer.clone()
    }
}

/// The error every call gets once the replay has stopped; the check's result is then thrown away.
fn stopped() -> EngineError {
    EngineError::Protocol("the check is waiting for the engine's answer".to_owned())
}

impl Engine for Replay<'_> {
    fn exec(&mut self, sql: &str) -> Result<(), EngineError> {
        done(self.answer(Call::Exec { sql: sql.to_owned() })?)
    }

    fn exec_script(&mut self, sql: &str) -> Result<(), EngineError> {
        done(self.answer(Call::ExecScript { sql: sql.to_owned() })?)
    }

    fn query(&mut self, sql: &str) -> Result<QueryResult, EngineError> {
        match self.answer(Call::Query { sql: sql.to_owned() })? {
            Reply::Rows { result } => Ok(result),
            other => Err(shape(&other, "rows")),
        }
    }

    fn introspect(&mut self) -> Result<Schema, EngineError> {
        match self.answer(Call::Introspect)? {
            Reply::Schema { schema } => Ok(schema),
            other => Err(shape(&other, "a schema")),
        }
    }

    fn run(&mut self, plan: &RunPlan) -> Result<RunReport, EngineError> {
        match self.answer(Call::Run { plan: plan.clone() })? {
            Reply::Report { report } => Ok(report),
            other => Err(shape(&other, "a run report")),
        }
    }

    fn branch(&mut self, name: &str) -> Result<(), EngineError> {
        done(self.answer(Call::Branch { name: name.to_owned() })?)
    }

    fn reset(&mut self, name: &str) -> Result<(), EngineError> {
        done(self.answer(Call::Reset { name: name.to_owned() })?)
    }

    fn setup(&mut self, setup: &LessonSetup) -> Result<Prepared, EngineError> {
        match self.answer(Call::Setup { setup: setup.clone() })? {
            Reply::Prepared { prepared } => Ok(prepared),
            other => Err(shape(&other, "a prepared lesson")),
        }
    }
}

fn done(reply: Reply) -> Result<(), EngineError> {
    match reply {
        Reply::Done => Ok(()),
        other => Err(shape(&other, "nothing")),
    }
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::engine::PgError;
    use serde_json::json;

    /// A tiny engine: a counter that `INSERT` raises, `SELECT` reads and anything else refuses.
    #[derive(Default)]
    struct Counter {
        rows: u64,
        calls: usize,
    }

    impl Engine for Counter {
        fn exec(&mut self, sql: &str) -> Result<(), EngineError> {
            self.calls += 1;
            if sql.starts_with("INSERT") {
                self.rows += 1;
                return Ok(());
            }
            Err(EngineError::Postgres(PgError {
                sqlstate: "42601".into(),
                message: format!("syntax error in {sql}"),
                ..PgError::default()
            }))
        }
        fn exec_script(&mut self, sql: &str) -> Result<(), EngineError> {
            self.exec(sql)
        }
        fn query(&mut self, _: &str) -> Result<QueryResult, EngineError> {
            self.calls += 1;
            Ok(QueryResult { columns: vec!["n".into()], rows: vec![vec![json!(self.rows)]] })
        }
        fn introspect(&mut self) -> Result<Schema, EngineError> {
            unreachable!("the check never reads the schema")
        }
        fn run(&mut self, _: &RunPlan) -> Result<RunReport, EngineError> {
            unreachable!("the check runs no plan")
        }
        fn branch(&mut self, _: &str) -> Result<(), EngineError> {
            unreachable!("the check makes no branch")
        }
        fn reset(&mut self, _: &str) -> Result<(), EngineError> {
            unreachable!("the check makes no reset")
        }
        fn setup(&mut self, _: &LessonSetup) -> Result<Prepared, EngineError> {
            unreachable!("the check sets nothing up")
        }
    }

    /// A check whose calls depend on earlier answers: insert until the count reads 3, then try a statement the
    /// engine refuses, which the check reports rather than propagates, as a lesson check reports a wrong outcome.
    fn check(engine: &mut dyn Engine) -> Result<String, EngineError> {
        loop {
            let n = engine.query("SELECT count(*)")?.rows[0][0].as_u64().unwrap_or_default();
            if n >= 3 {
                break;
            }
            engine.exec("INSERT")?;
        }
        Ok(match engine.exec("DROP") {
            Err(EngineError::Postgres(error)) => format!("3 rows, then {}", error.sqlstate),
            other => format!("{other:?}"),
        })
    }

    /// Drives `check` to the end the way the page does: one real call per replay.
    fn drive(engine: &mut Counter, log: &mut Vec<Logged>) -> Step<Result<String, EngineError>> {
        loop {
            match replay(log, check) {
                Step::Need(call) => {
                    let answer = call.clone().perform(engine);
                    log.push(Logged { call, answer });
                }
                other => return other,
            }
        }
    }

    #[test]
    fn replay_gives_the_direct_result_ok() {
        let direct = check(&mut Counter::default());
        let mut engine = Counter::default();
        let mut log = Vec::new();
        let replayed = drive(&mut engine, &mut log);
        assert_eq!(replayed, Step::Done(direct.clone()));
        assert_eq!(direct, Ok("3 rows, then 42601".to_owned()));
        assert_eq!(engine.calls, log.len(), "each call reached the engine exactly once");
        assert_eq!(log.len(), 8, "four reads, three inserts, one refused statement");
        let json = serde_json::to_string(&log).expect("the log is serde data");
        let back: Vec<Logged> = serde_json::from_str(&json).expect("and reads back");
        assert_eq!(back, log);
    }

    #[test]
    fn replay_reports_a_diverging_log_err() {
        let mut log = Vec::new();
        drive(&mut Counter::default(), &mut log);
        let original = log.clone();
        log[1].call = Call::Exec { sql: "DELETE".into() };
        assert_eq!(
            replay(&log, check),
            Step::Diverged("The check's engine call 2 was to run `DELETE` when it first ran, but to run `INSERT` now, so it is not deterministic.".into())
        );
        // An answer the engine never gave: the count reads 3 at once, so the check stops early and the log is longer.
        let mut changed = original.clone();
        changed[0].answer = Ok(Reply::Rows {
            result: QueryResult { columns: vec!["n".into()], rows: vec![vec![json!(3)]] },
        });
        match replay(&changed, check) {
            Step::Diverged(why) => assert!(why.contains("call 2 was to run `INSERT`"), "{why}"),
            other => panic!("{other:?}"),
        }
        // A shorter check than the log.
        let mut longer = original.clone();
        longer.push(original[0].clone());
        match replay(&longer, check) {
            Step::Diverged(why) => assert!(why.contains("after 8 engine calls, but 9"), "{why}"),
            other => panic!("{other:?}"),
        }
    }
}
