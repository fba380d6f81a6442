//! Schema predictions graded with SQL read by the parser: `numeric(4,3)` types, defaults with casts.

use super::grade;
use crate::grade::*;
use crate::schema::*;

type ColumnSpec<'a> = (&'a str, &'a str, bool, Option<&'a str>);

fn expenses(columns: &[ColumnSpec], indexes: &[(&str, &str)]) -> Schema {
    Schema {
        tables: vec![Table {
            schema: "public".into(),
            name: "expenses".into(),
            columns: columns
                .iter()
                .map(|(n, t, nn, d)| Column {
                    name: n.to_string(),
                    data_type: t.to_string(),
                    not_null: *nn,
                    default: d.map(str::to_owned),
                })
                .collect(),
            indexes: indexes
                .iter()
                .map(|(n, d)| Index {
                    name: n.to_string(),
                    definition: d.to_string(),
                    unique: false,
                    columns: Vec::new(),
                })
                .collect(),
            row_count: Some(40),
            ..Table::default()
        }],
        ..Schema::default()
    }
}

const ID: ColumnSpec = ("id", "integer", true, Some("nextval('expenses_id_seq'::regclass)"));
const STATUS: ColumnSpec =
    ("status", "character varying(20)", true, Some("'draft'::character varying"));
const PKEY: (&str, &str) =
    ("expenses_pkey", "CREATE UNIQUE INDEX expenses_pkey ON public.expenses USING btree (id)");

fn start() -> Schema {
    expenses(&[ID, STATUS], &[PKEY])
}

fn after() -> Schema {
    expenses(
        &[ID, STATUS, ("confidence_score", "numeric(4,3)", false, None)],
        &[
            PKEY,
            (
                "ix_expenses_score",
                "CREATE INDEX ix_expenses_score ON public.expenses USING btree (confidence_score)",
            ),
        ],
    )
}

fn check(predicted: &Schema, start: Option<&Schema>, actual: &Schema) -> String {
    let why: Why = [(
        "expenses.confidence_score.nullable".to_owned(),
        "the migration says `nullable=True`".to_owned(),
    )]
    .into();
    let key = AnswerKey::Schema(SchemaKey { why, ..SchemaKey::default() });
    let answer = Answer {
        response: Response::Schema { schema: predicted.clone() },
        confidence: Confidence::MAX,
    };
    let graded =
        grade(&key, &answer, &Observed { start, actual: Some(actual), ..Observed::default() });
    let mut out = format!("credit {:.2}\n", graded.credit);
    for e in graded.elements.iter().filter(|e| !e.is_correct()) {
        out.push_str(&format!(
            "{:?} {}: {}\n",
            e.verdict,
            e.element,
            e.explanation.as_deref().unwrap_or("-")
        ));
    }
    out
}

#[test]
fn change_predicted_ok() {
    let predicted = expenses(
        &[
            ("status", "varchar(20)", true, Some("'draft'")),
            ("confidence_score", "NUMERIC(4, 3)", false, None),
            ID,
        ],
        &[
            PKEY,
            ("ix_expenses_score", "create index ix_expenses_score on expenses (confidence_score)"),
        ],
    );
    insta::assert_snapshot!(check(&predicted, Some(&start()), &after()), @"credit 1.00");
}

#[test]
fn untouched_answer_earns_nothing_err() {
    insta::assert_snapshot!(check(&start(), Some(&start()), &after()), @r"
    credit 0.00
    Missing expenses.confidence_score: `expenses` has a column `confidence_score`.
    Missing expenses.confidence_score.type: `confidence_score` is `numeric(4,3)`.
    Missing expenses.confidence_score.nullable: `confidence_score` is nullable: the migration says `nullable=True`.
    Missing expenses.confidence_score.default: `confidence_score` has no default.
    Missing expenses.ix_expenses_score: Index `ix_expenses_score` is `CREATE INDEX ix_expenses_score ON public.expenses USING btree (confidence_score)`.
    ");
}

#[test]
fn wrong_and_invented_changes_cost_credit_err() {
    let predicted = expenses(
        &[
            ID,
            ("status", "text", true, Some("'draft'")),
            ("confidence_score", "numeric", true, None),
        ],
        &[PKEY],
    );
    insta::assert_snapshot!(check(&predicted, Some(&start()), &after()), @r"
    credit 0.00
    Wrong expenses.confidence_score.type: `confidence_score` is `numeric(4,3)`.
    Wrong expenses.confidence_score.nullable: `confidence_score` is nullable: the migration says `nullable=True`.
    Missing expenses.ix_expenses_score: Index `ix_expenses_score` is `CREATE INDEX ix_expenses_score ON public.expenses USING btree (confidence_score)`.
    Extra expenses.status.type: That stays as it was: `status` is `character varying(20)`.
    ");
}

#[test]
fn partly_right_ok() {
    let predicted =
        expenses(&[ID, STATUS, ("confidence_score", "numeric(4,3)", true, None)], &[PKEY]);
    insta::assert_snapshot!(check(&predicted, Some(&start()), &after()), @r"
    credit 0.40
    Wrong expenses.confidence_score.nullable: `confidence_score` is nullable: the migration says `nullable=True`.
    Missing expenses.ix_expenses_score: Index `ix_expenses_score` is `CREATE INDEX ix_expenses_score ON public.expenses USING btree (confidence_score)`.
    ");
}

#[test]
fn dropped_column_is_one_change_ok() {
    let dropped = expenses(&[ID], &[PKEY]);
    insta::assert_snapshot!(check(&dropped, Some(&start()), &dropped), @"credit 1.00");
    insta::assert_snapshot!(check(&start(), Some(&start()), &dropped), @r"
    credit 0.00
    Missing expenses.status: `expenses` has no column `status`.
    ");
}

#[test]
fn nothing_changes_ok() {
    insta::assert_snapshot!(check(&start(), Some(&start()), &start()), @"credit 1.00");
    insta::assert_snapshot!(check(&after(), Some(&start()), &start()), @r"
    credit 0.00
    Extra expenses.confidence_score: That stays as it was: `expenses` has no column `confidence_score`.
    Extra expenses.confidence_score.type: -
    Extra expenses.confidence_score.nullable: -
    Extra expenses.confidence_score.default: -
    Extra expenses.ix_expenses_score: That stays as it was: There is no index `ix_expenses_score` on `expenses`.
    ");
}

#[test]
fn without_start_every_element_counts_err() {
    insta::assert_snapshot!(check(&Schema::default(), None, &expenses(&[ID], &[])), @r"
    credit 0.00
    Missing expenses: Table `expenses` exists.
    Missing expenses.id: `expenses` has a column `id`.
    Missing expenses.id.type: `id` is `integer`.
    Missing expenses.id.nullable: `id` is NOT NULL.
    Missing expenses.id.default: `id` defaults to `nextval('expenses_id_seq'::regclass)`.
    ");
}
