//! A lock prediction graded against the engine's lock trace: the strongest lock on one table after one statement,
//! and whether the statement rewrote the table. Each part is half the credit.

use super::answer::{Confidence, LockKey};
use super::graded::{Element, Graded, Verdict};
use crate::locks::{HeldLock, LockMode, Trace};

/// Grades `mode` and `rewritten` against the traced statement `key` names; without a trace (the run has not been
/// traced yet) the answer waits, as a schema answer waits for its run.
pub fn grade(
    key: &LockKey,
    mode: Option<LockMode>,
    rewritten: Option<bool>,
    trace: Option<&Trace>,
    confidence: Confidence,
) -> Graded {
    let Some(trace) = trace else {
        return pending(
            confidence,
            "Run the migration first: its locks have not been traced yet.".to_owned(),
        );
    };
    let Some(statement) = trace.statement(&key.statement) else {
        return pending(
            confidence,
            format!("The run has no statement starting `{}`; it stopped before it, or the lesson names it wrongly.", key.statement),
        );
    };
    let (table, why) = (&key.table, key.why.as_deref());
    let held = statement.mode_on(table);
    // A mode the branch's transaction held before the run cannot be seen being taken again, so a trace that shows
    // nothing stronger on the table cannot tell which lock the statement took.
    let earlier = trace.before.iter().find(|l| &l.relation == table).and_then(HeldLock::mode);
    if let Some(earlier) = earlier.filter(|earlier| held.is_none_or(|held| held <= *earlier)) {
        return pending(
            confidence,
            format!("The branch already held {} on `{table}` before this run, from an earlier statement on the branch, so the trace cannot tell which lock `{}` took. Reset the branch and run the migration again.", earlier.a_lock(), statement.sql),
        );
    }
    let shown =
        |mode: Option<LockMode>| mode.map_or_else(|| "no lock".to_owned(), |m| m.name().to_owned());
    let mode_element = if mode.is_some() && mode == held {
        Element::correct(format!("{table} lock"), Some(shown(held)))
    } else {
        Element::miss(
            format!("{table} lock"),
            if mode.is_none() { Verdict::Missing } else { Verdict::Wrong },
            Some(shown(held)),
            mode.map(|m| m.name().to_owned()),
            with_why(
                format!(
                    "After `{}`, the migration's transaction holds {} on `{table}` until it commits ({}).",
                    statement.sql,
                    held.map_or_else(|| "no lock".to_owned(), LockMode::a_lock),
                    statement.source.as_str()
                ),
                why,
            ),
        )
    };
    let did_rewrite = statement.rewrote(table);
    let yes_no = |b: bool| if b { "rewritten" } else { "not rewritten" }.to_owned();
    let rewrite_element = if rewritten == Some(did_rewrite) {
        Element::correct(format!("{table} rewritten"), Some(yes_no(did_rewrite)))
    } else {
        Element::miss(
            format!("{table} rewritten"),
            if rewritten.is_none() { Verdict::Missing } else { Verdict::Wrong },
            Some(yes_no(did_rewrite)),
            rewritten.map(yes_no),
            if did_rewrite {
                format!("Postgres wrote a new copy of `{table}` (its `relfilenode` changed), so the lock lasts as long as copying every row.")
            } else {
                format!("`{table}` kept its storage (its `relfilenode` did not change): only the catalog changed.")
            },
        )
    };
    Graded::by_elements(vec![mode_element, rewrite_element], confidence)
}

fn with_why(sentence: String, why: Option<&str>) -> String {
    match why {
        Some(why) => format!("{sentence} {why}"),
        None => sentence,
    }
}

fn pending(confidence: Confidence, sentence: String) -> Graded {
    Graded::pending("locks", sentence, confidence)
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::locks::{HeldLock, Rewrite, TracedStatement};

    fn statement(sql: &str, mode: LockMode, rewrote: bool) -> TracedStatement {
        let mut statement = TracedStatement::observed(sql, 0, 0.5, &[("expenses", mode, true)]);
        if rewrote {
            statement.rewrites.push(Rewrite {
                relation: "expenses".into(),
                kind: 'r',
                before: 1,
                after: 2,
            });
        }
        statement
    }

    fn trace() -> Trace {
        Trace {
            statements: vec![
                statement("CREATE INDEX ix ON expenses (vendor_id)", LockMode::Share, false),
                statement(
                    "ALTER TABLE expenses ALTER COLUMN amount TYPE text",
                    LockMode::AccessExclusive,
                    true,
                ),
            ],
            ..Trace::default()
        }
    }

    fn key(statement: &str) -> LockKey {
        LockKey {
            statement: statement.into(),
            table: "expenses".into(),
            mode: LockMode::Share,
            rewritten: false,
            why: None,
        }
    }

    #[test]
    fn graded_by_the_trace_not_the_key_ok() {
        // The key's own `mode` says SHARE; the trace says ACCESS EXCLUSIVE for this statement, and the trace wins.
        let key = key("alter table expenses alter column amount");
        let right = grade(
            &key,
            Some(LockMode::AccessExclusive),
            Some(true),
            Some(&trace()),
            Confidence::MAX,
        );
        assert!(right.correct, "{right:?}");
        let keyed =
            grade(&key, Some(LockMode::Share), Some(false), Some(&trace()), Confidence::MAX);
        assert_eq!(keyed.credit, 0.0);
    }

    #[test]
    fn untouched_and_half_right_err() {
        let key = key("CREATE INDEX ix ON expenses");
        let blank = grade(&key, None, None, Some(&trace()), Confidence::new(3).expect("level"));
        assert_eq!(blank.credit, 0.0);
        assert!(blank.elements.iter().all(|e| e.verdict == Verdict::Missing));
        let half = grade(&key, Some(LockMode::Share), Some(true), Some(&trace()), Confidence::MAX);
        assert_eq!(half.credit, 0.5);
        assert!(!half.correct);
    }

    #[test]
    fn no_trace_waits_err() {
        let graded =
            grade(&key("CREATE INDEX"), Some(LockMode::Share), Some(false), None, Confidence::MAX);
        assert!(graded.pending);
        let missing = grade(
            &key("DROP TABLE"),
            Some(LockMode::Share),
            Some(false),
            Some(&trace()),
            Confidence::MAX,
        );
        assert!(missing.pending);
    }

    /// The branch read `expenses` before the run (ACCESS SHARE), and the statement's own lock is no stronger, so the
    /// trace cannot tell what the statement took: the answer waits for a run from a fresh branch.
    #[test]
    fn masked_by_the_branch_waits_err() {
        let mut masked = trace();
        masked.before = vec![HeldLock {
            relation: "expenses".into(),
            kind: 'r',
            modes: vec![LockMode::AccessExclusive],
            acquired: false,
        }];
        let graded = grade(
            &key("CREATE INDEX"),
            Some(LockMode::Share),
            Some(false),
            Some(&masked),
            Confidence::MAX,
        );
        assert!(graded.pending, "{graded:?}");
    }
}
