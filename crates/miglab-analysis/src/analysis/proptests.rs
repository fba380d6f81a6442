//! Property tests: analysis, simulation, rules and the downgrade check never panic, whatever the SQL.

use crate::analysis::{analyze_sql, steps_from_sql};
use crate::migration::Migration;
use crate::rules::{check, RuleContext};
use crate::schema::Schema;
use crate::{downgrade, simulate};
use proptest::prelude::*;

/// Words that make sqlparser go deep into DDL rather than fail on the first token.
const WORDS: &[&str] = &[
    "CREATE",
    "TABLE",
    "INDEX",
    "CONCURRENTLY",
    "UNIQUE",
    "ALTER",
    "DROP",
    "COLUMN",
    "ADD",
    "CONSTRAINT",
    "PRIMARY",
    "KEY",
    "FOREIGN",
    "REFERENCES",
    "CHECK",
    "NOT",
    "NULL",
    "DEFAULT",
    "TYPE",
    "USING",
    "SET",
    "RENAME",
    "TO",
    "ON",
    "IF",
    "EXISTS",
    "CASCADE",
    "UPDATE",
    "DELETE",
    "FROM",
    "WHERE",
    "TRUNCATE",
    "INSERT",
    "INTO",
    "VALUES",
    "ENUM",
    "AS",
    "t",
    "expenses",
    "x",
    "id",
    "ix",
    "integer",
    "numeric(4,3)",
    "varchar(20)",
    "text",
    "uuid",
    "serial",
    "now()",
    "gen_random_uuid()",
    "0",
    "-1",
    "'a'",
    "(",
    ")",
    ",",
    ";",
    "=",
    "$$",
    "--",
    "\"Q\"",
];

fn sql_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(WORDS), 0..40).prop_map(|words| words.join(" "))
}

fn exercise(up: &str, down: &str) {
    let _ = analyze_sql(up);
    let (steps, _) = steps_from_sql(up);
    let simulation = simulate::apply(&Schema::default(), &steps);
    let _ = check(&steps, &RuleContext { schema: Some(&simulation.schema) });
    let _ = check(&steps, &RuleContext::default());
    let migration =
        Migration { upgrade: steps, downgrade: steps_from_sql(down).0, ..Migration::default() };
    let _ = downgrade::check(&migration);
    let _ = downgrade::check_from(&migration, Some(&simulation.schema));
    let _ = downgrade::ordering_key(&migration);
}

/// Type spellings at the edges: scale above precision, zero lengths, huge modifiers.
const TYPES: &[&str] = &[
    "numeric(2,5)",
    "numeric(5,-2)",
    "numeric(18446744073709551615,3)",
    "numeric",
    "numeric(4,3)",
    "varchar(0)",
    "varchar(99999999999999999999)",
    "varchar",
    "char",
    "text",
    "smallint",
    "integer",
    "bigint",
    "real",
    "double precision",
    "boolean",
    "date",
    "timestamptz",
    "uuid",
    "jsonb",
    "mood",
    "text[]",
    "bit(3)",
    "interval",
];

proptest! {
    #[test]
    fn type_changes_never_panic_ok(from in prop::sample::select(TYPES), to in prop::sample::select(TYPES), default in prop::sample::select(WORDS)) {
        let setup = format!("CREATE TABLE expenses (id SERIAL PRIMARY KEY, x {from} DEFAULT {default});\nINSERT INTO expenses (x) VALUES (NULL)");
        let schema = simulate::apply(&Schema::default(), &steps_from_sql(&setup).0).schema;
        let (steps, _) = steps_from_sql(&format!("ALTER TABLE expenses ALTER COLUMN x TYPE {to};\nALTER TABLE expenses ADD COLUMN y {to} NOT NULL DEFAULT {default}"));
        let _ = simulate::apply(&schema, &steps);
        let _ = check(&steps, &RuleContext { schema: Some(&schema) });
    }

    #[test]
    fn arbitrary_text_never_panics_ok(up in ".{0,200}", down in ".{0,80}") {
        exercise(&up, &down);
    }

    #[test]
    fn sql_soup_never_panics_ok(up in sql_soup(), down in sql_soup()) {
        exercise(&up, &down);
    }

    #[test]
    fn soup_on_a_real_schema_never_panics_ok(migration in sql_soup()) {
        let setup = "CREATE TABLE expenses (id SERIAL PRIMARY KEY, x integer, t text UNIQUE);\nCREATE INDEX ix ON expenses (x);\nINSERT INTO expenses (x) VALUES (1)";
        let schema = simulate::apply(&Schema::default(), &steps_from_sql(setup).0).schema;
        let (steps, _) = steps_from_sql(&migration);
        let _ = simulate::apply(&schema, &steps);
        let _ = check(&steps, &RuleContext { schema: Some(&schema) });
    }
}
