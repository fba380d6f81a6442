//! The agent's drafts proved on the engine, judged by their stage's checks exactly as a learner's migration is:
//! a flawed draft fails exactly the checks its flaw names, a right draft passes every one, and Make's brief fields
//! describe what the reference solution really builds.

use super::gate;
use super::lab::{Broken, Lab};
use crate::lesson::{
    BriefFields, Checks, Draft, DraftCheck, FileDiagnostic, Lesson, LessonMigration, Located,
    RunCommand,
};
use crate::migration::Direction;
use crate::schema::Schema;
use std::collections::BTreeMap;

/// Every check a flaw can name, in the order the page lists them.
const ALL: [DraftCheck; 7] = [
    DraftCheck::Upgrade,
    DraftCheck::Tables,
    DraftCheck::Values,
    DraftCheck::RoundTrip,
    DraftCheck::DowngradeOrder,
    DraftCheck::Forbid,
    DraftCheck::Destructive,
];

/// One stage's drafts with what they are judged by.
struct Stage<'a> {
    name: &'static str,
    start: &'a [RunCommand],
    checks: &'a Checks,
    drafts: &'a [Draft],
    loaded: &'a [LessonMigration],
}

/// Proves every draft of the lesson, and Make's brief fields; `skip_modify` when the server is too old for Modify.
pub fn check(
    lab: &mut Lab<'_>,
    lesson: &Lesson,
    at: &Located<'_>,
    skip_modify: bool,
    skipped: &mut Vec<String>,
) -> Result<Vec<FileDiagnostic>, Broken> {
    let manifest = &lesson.manifest;
    let modify = Stage {
        name: "modify",
        start: &manifest.modify.start,
        checks: &manifest.modify.checks,
        drafts: &manifest.modify.drafts,
        loaded: &lesson.modify_drafts,
    };
    let make = Stage {
        name: "make",
        start: &manifest.make.start,
        checks: &manifest.make.checks,
        drafts: &manifest.make.drafts,
        loaded: &lesson.make_drafts,
    };
    let mut out = Vec::new();
    for stage in [modify].into_iter().filter(|_| !skip_modify).chain([make]) {
        for (i, (draft, migration)) in stage.drafts.iter().zip(stage.loaded).enumerate() {
            let field = format!("{}.drafts[{i}]", stage.name);
            let Some(judged) = judge(lab, lesson, &stage, migration, skipped)? else { continue };
            out.extend(prove(at, &field, draft, stage.name, &judged));
        }
    }
    if let Some(fields) = &manifest.make.fields {
        if reach(lab, lesson, &manifest.make.start)? && upgrade(lab, &lesson.make)? {
            let schema = lab.schema()?;
            out.extend(
                brief_fields(fields, &schema).into_iter().map(|(key, message, help)| {
                    at.error(&key, "lesson-wrong-fields", message, help)
                }),
            );
        }
    }
    Ok(out)
}

/// What the stage's checks say about a draft.
enum Judged {
    /// `upgrade()` failed, so no other check ran, as for a learner.
    UpgradeFails(String),
    /// The upgrade ran: each check the stage runs, with its failures (empty when it passed).
    Ran(BTreeMap<DraftCheck, Vec<String>>),
}

/// Judges `migration` by each of the stage's checks in turn, each time from the stage's start and through
/// [`gate::evaluate`], the function that judges the reference solution, so a draft is judged as a learner's file is.
/// `None` when the start cannot be reached, which the gate already reports.
fn judge(
    lab: &mut Lab<'_>,
    lesson: &Lesson,
    stage: &Stage<'_>,
    migration: &LessonMigration,
    skipped: &mut Vec<String>,
) -> Result<Option<Judged>, Broken> {
    let mut ran = BTreeMap::new();
    for check in ALL {
        let Some(only) = only(stage.checks, check) else { continue };
        if !reach(lab, lesson, stage.start)? {
            return Ok(None);
        }
        let failures = gate::evaluate(lab, Some(migration), &only, skipped)?;
        if check == DraftCheck::Upgrade && !failures.is_empty() {
            return Ok(Some(Judged::UpgradeFails(failures.join("; "))));
        }
        ran.insert(check, failures);
    }
    Ok(Some(Judged::Ran(ran)))
}

/// The stage's checks narrowed to `check`, or `None` when the stage does not run it.
/// Every narrowed set allows destructive steps, so only the `destructive` set judges them.
fn only(checks: &Checks, check: DraftCheck) -> Option<Checks> {
    let mut one = Checks { allow_destructive: true, ..Checks::default() };
    match check {
        DraftCheck::Upgrade => {}
        DraftCheck::Tables if !checks.tables.is_empty() => one.tables = checks.tables.clone(),
        DraftCheck::Values if !checks.values.is_empty() => one.values = checks.values.clone(),
        DraftCheck::RoundTrip if checks.round_trip => one.round_trip = true,
        DraftCheck::DowngradeOrder if checks.downgrade_order => one.downgrade_order = true,
        DraftCheck::Forbid if !checks.forbid.is_empty() => one.forbid = checks.forbid.clone(),
        DraftCheck::Destructive if !checks.allow_destructive => one.allow_destructive = false,
        _ => return None,
    }
    Some(one)
}

/// Back to the lesson's branch point, then to `start`; false when the start fails, which the gate reports.
fn reach(lab: &mut Lab<'_>, lesson: &Lesson, start: &[RunCommand]) -> Result<bool, Broken> {
    lab.restart()?;
    let Ok(plan) = lesson.plan(start) else { return Ok(false) };
    Ok(lab.apply(&plan.applications)?.is_none())
}

/// Upgrades one migration; false when it fails, which the gate reports for the reference solution.
fn upgrade(lab: &mut Lab<'_>, migration: &LessonMigration) -> Result<bool, Broken> {
    let application = crate::lesson::Application { migration, direction: Direction::Upgrade };
    Ok(lab.apply(&[application])?.is_none())
}

/// The draft's claim against the engine's verdict: each problem at the field a lesson author would fix.
fn prove(
    at: &Located<'_>,
    field: &str,
    draft: &Draft,
    stage: &str,
    judged: &Judged,
) -> Vec<FileDiagnostic> {
    let id = &draft.id;
    let Some(flaw) = &draft.flaw else {
        return failed(judged)
            .into_iter()
            .map(|(check, failures)| {
                at.error(
                    &format!("{field}.migration"),
                    "lesson-draft-fails",
                    format!(
                        "The draft `{id}` has no flaw, but it fails `{}` ({}) on the engine: {}.",
                        name(check),
                        check.label(),
                        failures.trim_end_matches('.')
                    ),
                    format!(
                        "Fix the draft, or give it a `flaw` whose `fails` names `{}`.",
                        name(check)
                    ),
                )
            })
            .collect();
    };
    let mut out = Vec::new();
    let fails = format!("{field}.flaw.fails");
    for (j, check) in flaw.fails.iter().enumerate() {
        let claimed = format!("{fails}[{j}]");
        let (message, help) = match judged {
            Judged::UpgradeFails(_) if *check == DraftCheck::Upgrade => continue,
            Judged::UpgradeFails(error) => (
                format!("The draft `{id}` claims to fail `{}` ({}), but its upgrade fails first ({}), so that check never runs.", name(*check), check.label(), error.trim_end_matches('.')),
                "Name only `upgrade`: after a failed upgrade the learner sees no other check.".to_owned(),
            ),
            Judged::Ran(ran) => match ran.get(check) {
                Some(failures) if !failures.is_empty() => continue,
                Some(_) => (
                    format!("The draft `{id}` claims to fail `{}` ({}), but it passes that check on the engine.", name(*check), check.label()),
                    "Plant the flaw so the check fails, or name the checks the engine shows failing.".to_owned(),
                ),
                None => (
                    format!("The draft `{id}` claims to fail `{}` ({}), but `{stage}.checks` does not run that check.", name(*check), check.label()),
                    format!("Turn the check on in `{stage}.checks`, or name a check the stage runs."),
                ),
            },
        };
        out.push(at.error(&claimed, "lesson-draft-claim-wrong", message, help));
    }
    for (check, failures) in
        failed(judged).into_iter().filter(|(check, _)| !flaw.fails.contains(check))
    {
        out.push(at.error(
            &fails,
            "lesson-draft-claim-incomplete",
            format!(
                "The draft `{id}` also fails `{}` ({}), which `fails` does not name: {}.",
                name(check),
                check.label(),
                failures.trim_end_matches('.')
            ),
            format!("Add `\"{}\"` to `fails`, so the page shows what the run shows.", name(check)),
        ));
    }
    out
}

/// The checks the draft fails, each with its failures as one clause.
fn failed(judged: &Judged) -> Vec<(DraftCheck, String)> {
    match judged {
        Judged::UpgradeFails(error) => vec![(DraftCheck::Upgrade, error.clone())],
        Judged::Ran(ran) => ran
            .iter()
            .filter(|(_, failures)| !failures.is_empty())
            .map(|(check, failures)| (*check, failures.join("; ")))
            .collect(),
    }
}

/// The name a lesson writes in `fails`.
fn name(check: DraftCheck) -> &'static str {
    match check {
        DraftCheck::Upgrade => "upgrade",
        DraftCheck::Tables => "tables",
        DraftCheck::Values => "values",
        DraftCheck::RoundTrip => "round_trip",
        DraftCheck::DowngradeOrder => "downgrade_order",
        DraftCheck::Forbid => "forbid",
        DraftCheck::Destructive => "destructive",
    }
}

/// Make's brief fields against the reference solution's upgraded schema: `(field, message, help)` per difference.
fn brief_fields(fields: &BriefFields, schema: &Schema) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let table_name = &fields.table;
    let Some(table) = schema.table(table_name) else {
        let message = format!("The brief's fields name table `{table_name}`, which does not exist after the reference solution's upgrade.");
        out.push((
            "make.fields.table".to_owned(),
            message,
            "Name the table the solution changes.".to_owned(),
        ));
        return out;
    };
    let Some(column_name) = &fields.column else {
        if fields.data_type.is_some() || fields.nullable.is_some() || fields.index.is_some() {
            let message = "The brief's fields give a type, nullability or index, but no column they belong to.".to_owned();
            out.push(("make.fields".to_owned(), message, "Add `column = \"…\"`.".to_owned()));
        }
        return out;
    };
    let Some(column) = table.column(column_name) else {
        let message = format!("The brief's fields name column `{table_name}.{column_name}`, which does not exist after the reference solution's upgrade.");
        out.push((
            "make.fields.column".to_owned(),
            message,
            "Name the column the solution adds or changes.".to_owned(),
        ));
        return out;
    };
    if let Some(data_type) = &fields.data_type {
        if *data_type != column.data_type {
            let message = format!("The brief's fields say `{column_name}` is `{data_type}`, but after the reference solution it is `{}` on the engine.", column.data_type);
            out.push((
                "make.fields.type".to_owned(),
                message,
                format!(
                    "Write the type as `format_type` prints it: `type = \"{}\"`.",
                    column.data_type
                ),
            ));
        }
    }
    if let Some(nullable) = fields.nullable {
        if nullable == column.not_null {
            let (said, is) =
                if nullable { ("nullable", "NOT NULL") } else { ("NOT NULL", "nullable") };
            let message = format!("The brief's fields say `{column_name}` is {said}, but after the reference solution it is {is} on the engine.");
            out.push((
                "make.fields.nullable".to_owned(),
                message,
                format!("Set `nullable = {}`.", !nullable),
            ));
        }
    }
    if let Some(index) = fields.index {
        let own =
            table.indexes.iter().find(|i| i.columns.len() == 1 && &i.columns[0] == column_name);
        match (index, own) {
            (true, None) => {
                let message = format!("The brief's fields say `{column_name}` gets an index, but after the reference solution no index of `{table_name}` has `{column_name}` as its only column.");
                out.push((
                    "make.fields.index".to_owned(),
                    message,
                    "Set `index = false`, or index the column in the solution.".to_owned(),
                ));
            }
            (false, Some(found)) => {
                let message = format!("The brief's fields say `{column_name}` gets no index, but after the reference solution `{}` indexes it alone.", found.name);
                out.push((
                    "make.fields.index".to_owned(),
                    message,
                    "Set `index = true`.".to_owned(),
                ));
            }
            _ => {}
        }
    }
    out
}
