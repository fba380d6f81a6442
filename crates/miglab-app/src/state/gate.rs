//! The mastery gate by structure, never by keywords: the approval confirms what the engine did, the refusal picks preconditions.
//!
//! The approval's statements come from the learner's own run on the branch: every change `upgrade()` made is a true
//! statement, and its inverse is a false one beside it; `downgrade()` gets the same from its own diff. The learner
//! ticks what each direction did, says whether `downgrade()` restored the start, and the gate opens only when that
//! matches the engine. Free text stays as a reflection and never opens anything, so "I need no backup" cannot pass.

use crate::state::schema_diff::{diff, Change, DataChange, ItemDiff, TableDiff};
use miglab_model::grade::{Confidence, Element, Graded, Verdict};
use miglab_model::schema::Schema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// One statement the learner may tick: a stable id (what and which object) and the sentence they read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claim {
    pub id: String,
    pub text: String,
    /// True when the engine did this.
    pub happened: bool,
}

/// The statements for one direction, true and false mixed, in a fixed order (by text) that does not give the answer away.
pub fn claims(before: &Schema, after: &Schema) -> Vec<Claim> {
    let mut out: Vec<Claim> = Vec::new();
    for table in diff(before, after) {
        for (truth, false_partner) in table_claims(&table) {
            out.push(Claim { happened: true, ..truth });
            out.push(Claim { happened: false, ..false_partner });
        }
    }
    // A false partner can coincide with a true statement of another change (a column dropped and re-added); the truth wins.
    let mut unique: Vec<Claim> = Vec::new();
    for claim in out {
        match unique.iter_mut().find(|c| c.id == claim.id) {
            Some(existing) => existing.happened |= claim.happened,
            None => unique.push(claim),
        }
    }
    unique.sort_by(|a, b| a.text.cmp(&b.text).then(a.id.cmp(&b.id)));
    unique
}

fn claim(id: String, text: String) -> Claim {
    Claim { id, text, happened: false }
}

/// Each change of one table as (what happened, a plausible statement that did not).
fn table_claims(t: &TableDiff) -> Vec<(Claim, Claim)> {
    let name = &t.name;
    let mut out = Vec::new();
    match t.change {
        Change::Added => out.push((
            claim(format!("table+{name}"), format!("creates the table `{name}`")),
            claim(format!("table-{name}"), format!("drops the table `{name}`")),
        )),
        Change::Removed => out.push((
            claim(format!("table-{name}"), format!("drops the table `{name}`")),
            claim(format!("table+{name}"), format!("creates the table `{name}`")),
        )),
        Change::Changed | Change::Same => {}
    }
    // A new table's columns come with it; naming each would only lengthen the list.
    if t.change == Change::Changed {
        for c in &t.columns {
            out.extend(item_claims(name, "column", c, |d| d.to_owned()));
        }
    }
    if t.change != Change::Removed {
        // The primary key's index comes with a new table; the other indexes are what a learner should confirm.
        for i in
            t.indexes.iter().filter(|i| !(t.change == Change::Added && i.name.ends_with("_pkey")))
        {
            out.extend(item_claims(name, "index", i, |_| String::new()));
        }
    }
    match t.data() {
        DataChange::Kept => {}
        DataChange::Lost { from, to } if t.change != Change::Removed => {
            out.push((
                claim(
                    format!("rows-{name}"),
                    format!("leaves `{name}` with {to} of its {from} rows"),
                ),
                claim(format!("rows={name}"), format!("keeps all {from} rows of `{name}`")),
            ));
        }
        DataChange::Lost { .. } => {}
        DataChange::Gained { from: 0, to } => out.push((
            claim(format!("rows+{name}"), format!("fills `{name}` with {to} rows")),
            claim(format!("rows0{name}"), format!("leaves `{name}` empty")),
        )),
        DataChange::Gained { from, to } => out.push((
            claim(
                format!("rows+{name}"),
                format!("adds {} rows to `{name}` ({from} → {to})", to - from),
            ),
            claim(format!("rows={name}"), format!("keeps `{name}` at {from} rows")),
        )),
    }
    out
}

fn item_claims(
    table: &str,
    kind: &str,
    item: &ItemDiff,
    shown: impl Fn(&str) -> String,
) -> Option<(Claim, Claim)> {
    let n = &item.name;
    let with = |what: &Option<String>| {
        what.as_deref()
            .map(&shown)
            .filter(|s| !s.is_empty())
            .map(|s| format!(" ({s})"))
            .unwrap_or_default()
    };
    let add = |what: &Option<String>| {
        claim(
            format!("{kind}+{table}.{n}"),
            format!("adds the {kind} `{n}` to `{table}`{}", with(what)),
        )
    };
    let drop =
        || claim(format!("{kind}-{table}.{n}"), format!("drops the {kind} `{n}` from `{table}`"));
    match item.change {
        Change::Added => Some((add(&item.after), drop())),
        Change::Removed => Some((drop(), add(&item.before))),
        Change::Changed => {
            let (from, to) =
                (item.before.clone().unwrap_or_default(), item.after.clone().unwrap_or_default());
            let changes = |a: &str, b: &str| {
                claim(
                    format!("{kind}~{table}.{n}:{b}"),
                    format!("changes the {kind} `{table}.{n}` from `{a}` to `{b}`"),
                )
            };
            Some((changes(&from, &to), changes(&to, &from)))
        }
        Change::Same => None,
    }
}

/// What the learner's run on the branch showed, for the approval to be checked against.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunClaims {
    pub upgrade: Vec<Claim>,
    pub downgrade: Vec<Claim>,
    /// Whether `downgrade()` gave back the starting schema and rows (columns matched by name).
    pub restores: bool,
}

impl RunClaims {
    /// From the schema before the upgrade, after it, and after the downgrade (`None` when the downgrade failed).
    pub fn from_run(before: &Schema, upgraded: &Schema, downgraded: Option<&Schema>) -> RunClaims {
        let Some(down) = downgraded else {
            return RunClaims {
                upgrade: claims(before, upgraded),
                downgrade: Vec::new(),
                restores: false,
            };
        };
        let restores =
            crate::state::practice_checks::round_trip_differences(before, down).is_empty();
        RunClaims { upgrade: claims(before, upgraded), downgrade: claims(upgraded, down), restores }
    }
}

/// The learner's confirmation: which statements they ticked for each direction, and their yes/no on the round trip.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Confirmation {
    pub upgrade: BTreeSet<String>,
    pub downgrade: BTreeSet<String>,
    pub restores: Option<bool>,
}

/// What is wrong with a confirmation, as sentences; empty means it matches the engine.
/// Counts, not the statements themselves: the diff of the run is on screen, and the learner should read it.
pub fn mismatches(run: &RunClaims, picked: &Confirmation, labels: (&str, &str)) -> Vec<String> {
    let mut out = Vec::new();
    for (label, claims, ticked) in
        [(labels.0, &run.upgrade, &picked.upgrade), (labels.1, &run.downgrade, &picked.downgrade)]
    {
        let wrongly = claims.iter().filter(|c| !c.happened && ticked.contains(&c.id)).count();
        let left_out = claims.iter().filter(|c| c.happened && !ticked.contains(&c.id)).count();
        let statements =
            |n: usize| if n == 1 { "1 statement".to_owned() } else { format!("{n} statements") };
        match (wrongly, left_out) {
            (0, 0) => {}
            (w, 0) => out.push(format!("Under {label}, you ticked {} that the run on the branch did not do.", statements(w))),
            (0, l) => out.push(format!("Under {label}, {} that the run on the branch did {} not ticked.", statements(l), if l == 1 { "is" } else { "are" })),
            (w, l) => out.push(format!("Under {label}, you ticked {} that the run did not do, and left out {} that it did.", statements(w), statements(l))),
        }
    }
    if !run.downgrade.is_empty() || !run.restores {
        match picked.restores {
            None => out.push(format!("Say whether {} gave back the starting schema and rows.", labels.1)),
            Some(said) if said != run.restores => out.push(format!(
                "You said {} {} the starting schema and rows; the round trip on the branch shows it {}.",
                labels.1,
                if said { "restores" } else { "does not restore" },
                if run.restores { "does" } else { "does not" }
            )),
            Some(_) => {}
        }
    }
    out
}

/// A precondition the learner may demand before a destructive migration runs: three are needed, two are traps.
pub struct Precondition {
    pub id: &'static str,
    pub text: &'static str,
    pub needed: bool,
    /// Why it matters (for a needed one left out) or why it does not protect anything (for a trap picked).
    pub why: &'static str,
}

/// In the order the learner sees them.
pub const PRECONDITIONS: [Precondition; 5] = [
    Precondition {
        id: "branch",
        text: "A branch of the current database that I can fail back to.",
        needed: true,
        why: "Without a branch to fail back to, nothing can be rehearsed or undone.",
    },
    Precondition {
        id: "downgrade",
        text: "A `downgrade()` that undoes the upgrade.",
        needed: false,
        why: "A `downgrade()` restores the shape at best, never the data the upgrade destroyed.",
    },
    Precondition {
        id: "backup",
        text: "A backup of the data at stake that I have opened and can read.",
        needed: true,
        why: "Only a backup you have read can bring the lost values back.",
    },
    Precondition {
        id: "assurance",
        text: "The agent's assurance that nothing reads the data any more.",
        needed: false,
        why: "A claim that the data is unused is what the count contradicts; it protects nothing.",
    },
    Precondition {
        id: "approval",
        text: "An explicit, written approval from a person who saw what will be lost.",
        needed: true,
        why:
            "Someone accountable must sign off on the loss, having seen the objects and the counts.",
    },
];

/// Grades the drop-guard answer from its structure: the decision, then each precondition picked or left out.
/// Right only when the learner refused with all three needed preconditions and no trap.
pub fn grade_refusal(refused: bool, picked: &BTreeSet<String>, confidence: Confidence) -> Graded {
    let decision = if refused {
        Element::correct("decision", Some("refuse".into()))
    } else {
        Element::miss("decision", Verdict::Wrong, Some("refuse".into()), Some("proceed".into()), "You let a migration that destroys data run; the lesson asks you to refuse it until its preconditions are met.".into())
    };
    let mut elements = vec![decision];
    for p in &PRECONDITIONS {
        let chosen = picked.contains(p.id);
        let what = p.text.trim_end_matches('.');
        elements.push(match (p.needed, chosen) {
            (true, true) => Element::correct(p.id, Some(what.into())),
            (true, false) => Element::miss(
                p.id,
                Verdict::Missing,
                Some(what.into()),
                None,
                format!(
                    "You did not ask for this precondition: {}. {}",
                    lowercase_first(what),
                    p.why
                ),
            ),
            (false, true) => Element::miss(
                p.id,
                Verdict::Extra,
                None,
                Some(what.into()),
                format!(
                    "You asked for {}, which is not a precondition. {}",
                    lowercase_first(what),
                    p.why
                ),
            ),
            (false, false) => continue,
        });
    }
    Graded::by_elements(elements, confidence)
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_lowercase().chain(chars).collect()).unwrap_or_default()
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::fixture;
    use crate::state::schema_diff::describe_column;
    use miglab_model::schema::{Column, Index, Table};

    fn archive(rows: u64) -> Table {
        let column = |name: &str, data_type: &str| Column {
            name: name.into(),
            data_type: data_type.into(),
            not_null: true,
            default: None,
        };
        let pkey = Index {
            name: "expenses_legacy_notes_archive_pkey".into(),
            definition: String::new(),
            unique: true,
            columns: vec![],
        };
        Table {
            name: "expenses_legacy_notes_archive".into(),
            schema: "public".into(),
            columns: vec![column("expense_id", "integer"), column("legacy_notes", "text")],
            indexes: vec![pkey],
            constraints: vec![],
            row_count: Some(rows),
        }
    }

    fn with(mut schema: Schema, table: Table) -> Schema {
        schema.tables.push(table);
        schema
    }

    fn shown(claims: &[Claim]) -> String {
        claims
            .iter()
            .map(|c| format!("[{}] {}", if c.happened { "x" } else { " " }, c.text))
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn archive_claims_ok() {
        let before = fixture::expenses();
        let after = with(before.clone(), archive(16));
        let run = RunClaims::from_run(&before, &after, Some(&before));
        assert_eq!(
            shown(&run.upgrade),
            "[x] creates the table `expenses_legacy_notes_archive`\n[ ] drops the table `expenses_legacy_notes_archive`\n[x] fills `expenses_legacy_notes_archive` with 16 rows\n[ ] leaves `expenses_legacy_notes_archive` empty"
        );
        assert_eq!(shown(&run.downgrade), "[ ] creates the table `expenses_legacy_notes_archive`\n[x] drops the table `expenses_legacy_notes_archive`");
        assert!(run.restores);
    }

    #[test]
    fn column_and_index_claims_ok() {
        let before = fixture::expenses();
        let mut after = before.clone();
        after.tables[0].columns.push(Column {
            name: "reconciler_run_id".into(),
            data_type: "uuid".into(),
            not_null: false,
            default: None,
        });
        after.tables[0].indexes.push(Index {
            name: "ix_run".into(),
            definition: "CREATE INDEX ix_run ON public.expenses USING btree (reconciler_run_id)"
                .into(),
            unique: false,
            columns: vec![],
        });
        let text = shown(&claims(&before, &after));
        assert!(
            text.contains("[x] adds the column `reconciler_run_id` to `expenses` (uuid null)"),
            "{text}"
        );
        assert!(
            text.contains("[ ] drops the column `reconciler_run_id` from `expenses`"),
            "{text}"
        );
        assert!(text.contains("[x] adds the index `ix_run` to `expenses`\n"), "{text}");
        assert!(text.contains("[ ] drops the index `ix_run` from `expenses`"), "{text}");
    }

    #[test]
    fn truncate_claims_err() {
        let before = fixture::expenses();
        let mut after = before.clone();
        after.tables[0].row_count = Some(0);
        let before_rows = before.tables[0].row_count.unwrap_or_default();
        assert_eq!(shown(&claims(&before, &after)), format!("[ ] keeps all {before_rows} rows of `expenses`\n[x] leaves `expenses` with 0 of its {before_rows} rows"));
    }

    #[test]
    fn type_change_claims_ok() {
        let before = fixture::expenses();
        let mut after = before.clone();
        let column =
            after.tables[0].columns.iter_mut().find(|c| c.name == "amount").expect("amount");
        let old = describe_column(column);
        column.data_type = "numeric(12,2)".into();
        let new = describe_column(column);
        let text = shown(&claims(&before, &after));
        assert_eq!(text.lines().count(), 2, "{text}");
        assert!(
            text.contains(&format!(
                "[x] changes the column `expenses.amount` from `{old}` to `{new}`"
            )),
            "{text}"
        );
        assert!(
            text.contains(&format!(
                "[ ] changes the column `expenses.amount` from `{new}` to `{old}`"
            )),
            "{text}"
        );
    }

    fn confirmation(run: &RunClaims, wrong_upgrade: bool) -> Confirmation {
        let truth = |claims: &[Claim]| {
            claims.iter().filter(|c| c.happened).map(|c| c.id.clone()).collect::<BTreeSet<_>>()
        };
        let mut picked = Confirmation {
            upgrade: truth(&run.upgrade),
            downgrade: truth(&run.downgrade),
            restores: Some(run.restores),
        };
        if wrong_upgrade {
            picked.upgrade =
                run.upgrade.iter().filter(|c| !c.happened).map(|c| c.id.clone()).collect();
        }
        picked
    }

    #[test]
    fn matching_confirmation_ok() {
        let before = fixture::expenses();
        let run = RunClaims::from_run(&before, &with(before.clone(), archive(16)), Some(&before));
        assert_eq!(
            mismatches(&run, &confirmation(&run, false), ("upgrade()", "downgrade()")),
            Vec::<String>::new()
        );
    }

    #[test]
    fn inverted_confirmation_err() {
        let before = fixture::expenses();
        let run = RunClaims::from_run(&before, &with(before.clone(), archive(16)), Some(&before));
        assert_eq!(mismatches(&run, &confirmation(&run, true), ("upgrade()", "downgrade()")), ["Under upgrade(), you ticked 2 statements that the run did not do, and left out 2 statements that it did."]);
        let mut no_answer = confirmation(&run, false);
        no_answer.restores = Some(false);
        assert_eq!(mismatches(&run, &no_answer, ("upgrade()", "downgrade()")), ["You said downgrade() does not restore the starting schema and rows; the round trip on the branch shows it does."]);
    }

    #[test]
    fn nothing_ticked_err() {
        let before = fixture::expenses();
        let run = RunClaims::from_run(&before, &with(before.clone(), archive(16)), Some(&before));
        let got = mismatches(&run, &Confirmation::default(), ("the up file", "the down file"));
        assert_eq!(
            got,
            [
                "Under the up file, 2 statements that the run on the branch did are not ticked.",
                "Under the down file, 1 statement that the run on the branch did is not ticked.",
                "Say whether the down file gave back the starting schema and rows."
            ]
        );
    }

    fn picks(ids: &[&str]) -> BTreeSet<String> {
        ids.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn full_refusal_ok() {
        let graded =
            grade_refusal(true, &picks(&["branch", "backup", "approval"]), Confidence::MAX);
        assert!(graded.correct && graded.credit == 1.0);
    }

    #[test]
    fn one_precondition_err() {
        let graded = grade_refusal(true, &picks(&["branch"]), Confidence::MAX);
        assert!(!graded.correct);
        let missing: Vec<&str> = graded
            .elements
            .iter()
            .filter(|e| e.verdict == Verdict::Missing)
            .map(|e| e.element.as_str())
            .collect();
        assert_eq!(missing, ["backup", "approval"]);
        assert!(graded.explanations().next().is_some_and(|e| e
            .starts_with("You did not ask for this precondition: a backup of the data at stake")));
    }

    #[test]
    fn nothing_picked_err() {
        // What "I need no backup" typed as a reflection amounts to: a refusal with no precondition.
        let graded = grade_refusal(true, &BTreeSet::new(), Confidence::MAX);
        assert!(!graded.correct);
        assert_eq!(graded.credit, 0.25);
    }

    #[test]
    fn trap_picked_err() {
        let graded = grade_refusal(
            true,
            &picks(&["branch", "backup", "approval", "downgrade"]),
            Confidence::MAX,
        );
        assert!(!graded.correct);
        assert!(graded.explanations().any(|e| e.contains("restores the shape at best")));
    }

    #[test]
    fn proceeding_err() {
        let graded =
            grade_refusal(false, &picks(&["branch", "backup", "approval"]), Confidence::MIN);
        assert_eq!(graded.elements[0].verdict, Verdict::Wrong);
        assert!(!graded.correct);
    }
}
