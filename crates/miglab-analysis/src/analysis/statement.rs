//! One parsed statement to its changes and their inverses.
//!
//! sqlparser gives syntax only; this is where miglab decides what a statement means for the schema.
//! Whatever it does not model becomes `Change::Unknown` with a reason, never a guess.

use super::fact::{Change, ColumnSpec, ConstraintSpec, IndexSpec, Name};
use crate::pg_type::{format_type, is_serial};
use crate::schema::ConstraintKind;
use sqlparser::ast::{
    AlterColumnOperation, AlterIndexOperation, AlterTable, AlterTableOperation, AlterTypeOperation,
    ColumnDef, ColumnOption, CreateIndex, DropBehavior, Expr, FromTable, Ident, IndexColumn,
    ObjectName, ObjectType, OrderBySort, ReferentialAction, RenameTableNameKind, SetExpr,
    Statement, TableConstraint, TableFactor, TableObject, UserDefinedTypeRepresentation,
};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, Tokenizer};

/// The changes one statement makes, in the order Postgres applies them.
pub fn changes(statement: &Statement) -> Vec<Change> {
    match statement {
        Statement::CreateTable(create) => {
            if create.query.is_some() || create.temporary {
                return vec![unknown("CREATE TABLE … AS and temporary tables")];
            }
            let mut constraints = Vec::new();
            for constraint in &create.constraints {
                match table_constraint(constraint) {
                    Some(spec) => constraints.push(spec),
                    None => return vec![unknown("this table constraint")],
                }
            }
            vec![Change::CreateTable {
                table: name(&create.name),
                columns: create.columns.iter().map(column).collect(),
                constraints,
                if_not_exists: create.if_not_exists,
            }]
        }
        Statement::AlterTable(alter) => alter_table(alter),
        Statement::CreateIndex(index) => vec![create_index(index)],
        Statement::Drop { object_type, if_exists, names, cascade, .. } => names
            .iter()
            .map(|object| match object_type {
                ObjectType::Table => Change::DropTable {
                    table: name(object),
                    if_exists: *if_exists,
                    cascade: *cascade,
                },
                ObjectType::Index => Change::DropIndex {
                    index: name(object),
                    if_exists: *if_exists,
                    concurrently: false,
                    cascade: *cascade,
                },
                ObjectType::Type => Change::DropType { name: name(object), if_exists: *if_exists },
                ObjectType::Sequence => Change::NoSchemaChange,
                other => unknown(&format!("DROP {other}")),
            })
            .collect(),
        Statement::AlterIndex {
            name: index,
            operation: AlterIndexOperation::RenameIndex { index_name },
        } => vec![Change::RenameIndex { index: name(index), to: name(index_name).name }],
        Statement::CreateType {
            name: type_name,
            representation: Some(UserDefinedTypeRepresentation::Enum { labels }),
        } => {
            vec![Change::CreateEnum {
                name: name(type_name),
                labels: labels.iter().map(|l| l.value.clone()).collect(),
            }]
        }
        Statement::AlterType(alter) => match &alter.operation {
            AlterTypeOperation::AddValue(add) => vec![Change::AddEnumValue {
                name: name(&alter.name),
                label: add.value.value.clone(),
            }],
            _ => vec![unknown("this ALTER TYPE")],
        },
        Statement::Insert(insert) => match &insert.table {
            TableObject::TableName(table) => {
                let rows = match insert.source.as_deref().map(|q| q.body.as_ref()) {
                    Some(SetExpr::Values(values)) if insert.on.is_none() => {
                        u64::try_from(values.rows.len()).ok()
                    }
                    _ => None,
                };
                vec![Change::Insert { table: name(table), rows }]
            }
            _ => vec![unknown("INSERT into a table function")],
        },
        Statement::Update(update) => match &update.table.relation {
            TableFactor::Table { name: table, .. } => vec![Change::Update {
                table: name(table),
                columns: update.assignments.iter().map(|a| a.target.to_string()).collect(),
                filtered: update.selection.is_some() || update.from.is_some(),
            }],
            _ => vec![unknown("UPDATE of this target")],
        },
        Statement::Delete(delete) => {
            let tables = match &delete.from {
                FromTable::WithFromKeyword(tables) | FromTable::WithoutKeyword(tables) => tables,
            };
            let filtered = delete.selection.is_some() || delete.using.is_some();
            tables
                .iter()
                .map(|t| match &t.relation {
                    TableFactor::Table { name: table, .. } => {
                        Change::Delete { table: name(table), filtered }
                    }
                    _ => unknown("DELETE from this target"),
                })
                .collect()
        }
        Statement::Truncate(truncate) => {
            truncate.table_names.iter().map(|t| Change::Truncate { table: name(&t.name) }).collect()
        }
        Statement::Comment { .. } => vec![Change::Comment],
        // Extensions and sequences are not in the schema model; creating one changes no table.
        Statement::CreateExtension(_)
        | Statement::DropExtension(_)
        | Statement::CreateSequence { .. } => vec![Change::NoSchemaChange],
        Statement::Query(_)
        | Statement::Set(_)
        | Statement::StartTransaction { .. }
        | Statement::Commit { .. }
        | Statement::Rollback { .. }
        | Statement::Analyze(_)
        | Statement::Vacuum(_) => {
            vec![Change::NoSchemaChange]
        }
        other => vec![unknown(&leading_words(&other.to_string()))],
    }
}

fn unknown(what: &str) -> Change {
    Change::Unknown { reason: format!("miglab does not model {what}") }
}

/// The statement's first words, e.g. `CREATE FUNCTION`, to name what is not modelled.
fn leading_words(sql: &str) -> String {
    sql.split_whitespace()
        .take(4)
        .take_while(|w| w.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn name(object: &ObjectName) -> Name {
    let parts: Vec<&Ident> = object.0.iter().filter_map(|p| p.as_ident()).collect();
    match parts.as_slice() {
        [.., schema, last] => Name { schema: Some(ident(schema)), name: ident(last) },
        [last] => Name { schema: None, name: ident(last) },
        [] => Name { schema: None, name: object.to_string() },
    }
}

/// Postgres folds unquoted identifiers to lower case; quoted ones keep their case.
pub fn ident(ident: &Ident) -> String {
    if ident.quote_style.is_some() {
        ident.value.clone()
    } else {
        ident.value.to_lowercase()
    }
}

fn alter_table(alter: &AlterTable) -> Vec<Change> {
    let table = name(&alter.name);
    let t = || table.clone();
    alter
        .operations
        .iter()
        .flat_map(|operation| match operation {
            AlterTableOperation::AddColumn { if_not_exists, column_def, .. } => {
                vec![Change::AddColumn {
                    table: t(),
                    column: column(column_def),
                    if_not_exists: *if_not_exists,
                }]
            }
            AlterTableOperation::DropColumn { column_names, if_exists, drop_behavior, .. } => {
                column_names
                    .iter()
                    .map(|c| Change::DropColumn {
                        table: t(),
                        column: ident(c),
                        if_exists: *if_exists,
                        cascade: cascades(drop_behavior),
                    })
                    .collect()
            }
            AlterTableOperation::RenameColumn { old_column_name, new_column_name } => {
                vec![Change::RenameColumn {
                    table: t(),
                    column: ident(old_column_name),
                    to: ident(new_column_name),
                }]
            }
            AlterTableOperation::RenameTable {
                table_name: RenameTableNameKind::To(to) | RenameTableNameKind::As(to),
            } => vec![Change::RenameTable { table: t(), to: name(to).name }],
            AlterTableOperation::RenameConstraint { old_name, new_name } => {
                vec![Change::RenameConstraint {
                    table: t(),
                    name: ident(old_name),
                    to: ident(new_name),
                }]
            }
            AlterTableOperation::AddConstraint { constraint, not_valid } => {
                match table_constraint(constraint) {
                    Some(constraint) => vec![Change::AddConstraint {
                        table: t(),
                        constraint,
                        not_valid: *not_valid,
                    }],
                    None => vec![unknown("this constraint")],
                }
            }
            AlterTableOperation::DropConstraint { if_exists, name: constraint, drop_behavior } => {
                vec![Change::DropConstraint {
                    table: t(),
                    name: ident(constraint),
                    if_exists: *if_exists,
                    cascade: cascades(drop_behavior),
                }]
            }
            // Validating a NOT VALID constraint scans the table but changes nothing in the model.
            AlterTableOperation::ValidateConstraint { .. } => vec![Change::NoSchemaChange],
            AlterTableOperation::AlterColumn { column_name, op } => {
                let column = ident(column_name);
                vec![match op {
                    AlterColumnOperation::SetNotNull => Change::SetNotNull { table: t(), column },
                    AlterColumnOperation::DropNotNull => Change::DropNotNull { table: t(), column },
                    AlterColumnOperation::SetDefault { value } => {
                        Change::SetDefault { table: t(), column, default: value.to_string() }
                    }
                    AlterColumnOperation::DropDefault => Change::DropDefault { table: t(), column },
                    AlterColumnOperation::SetDataType { data_type, using, .. } => {
                        Change::AlterType {
                            table: t(),
                            column,
                            data_type: format_type(data_type),
                            using: using.as_ref().map(Expr::to_string),
                        }
                    }
                    AlterColumnOperation::AddGenerated { .. } => {
                        unknown("ADD GENERATED … AS IDENTITY")
                    }
                }]
            }
            other => vec![unknown(&format!("ALTER TABLE … {}", leading_words(&other.to_string())))],
        })
        .collect()
}

fn cascades(behavior: &Option<DropBehavior>) -> bool {
    matches!(behavior, Some(DropBehavior::Cascade))
}

fn column(def: &ColumnDef) -> ColumnSpec {
    let mut spec = ColumnSpec {
        name: ident(&def.name),
        data_type: format_type(&def.data_type),
        serial: is_serial(&def.data_type),
        ..ColumnSpec::default()
    };
    for option in &def.options {
        let constraint_name = option.name.as_ref().map(ident);
        let on_column = |kind| ConstraintSpec {
            name: constraint_name.clone(),
            kind,
            columns: vec![spec.name.clone()],
            references: None,
            actions: String::new(),
            check: None,
        };
        match &option.option {
            ColumnOption::NotNull => spec.not_null = true,
            ColumnOption::Null => spec.not_null = false,
            ColumnOption::Default(expr) => spec.default = Some(expr.to_string()),
            ColumnOption::PrimaryKey(_) => {
                spec.constraints.push(on_column(ConstraintKind::PrimaryKey))
            }
            ColumnOption::Unique(_) => spec.constraints.push(on_column(ConstraintKind::Unique)),
            ColumnOption::ForeignKey(fk) => {
                let mut constraint = on_column(ConstraintKind::ForeignKey);
                constraint.references = Some((
                    name(&fk.foreign_table),
                    fk.referred_columns.iter().map(ident).collect(),
                ));
                constraint.actions = actions(fk.on_update.as_ref(), fk.on_delete.as_ref());
                spec.constraints.push(constraint);
            }
            ColumnOption::Check(check) => {
                let mut constraint = on_column(ConstraintKind::Check);
                constraint.check = Some(check.expr.to_string());
                spec.constraints.push(constraint);
            }
            ColumnOption::Generated { .. } => spec.identity = true,
            _ => {}
        }
    }
    spec
}

/// `ON UPDATE` then `ON DELETE`, the order `pg_get_constraintdef` prints; NO ACTION is the default and is not printed.
fn actions(on_update: Option<&ReferentialAction>, on_delete: Option<&ReferentialAction>) -> String {
    let mut out = String::new();
    for (clause, action) in [("ON UPDATE", on_update), ("ON DELETE", on_delete)] {
        if let Some(action) = action.filter(|a| !matches!(a, ReferentialAction::NoAction)) {
            out.push_str(&format!(" {clause} {action}"));
        }
    }
    out
}

fn table_constraint(constraint: &TableConstraint) -> Option<ConstraintSpec> {
    let spec = |name: &Option<Ident>, kind, columns: Vec<String>| ConstraintSpec {
        name: name.as_ref().map(ident),
        kind,
        columns,
        references: None,
        actions: String::new(),
        check: None,
    };
    match constraint {
        TableConstraint::PrimaryKey(pk) => {
            Some(spec(&pk.name, ConstraintKind::PrimaryKey, index_columns(&pk.columns)?))
        }
        TableConstraint::Unique(unique) => {
            Some(spec(&unique.name, ConstraintKind::Unique, index_columns(&unique.columns)?))
        }
        TableConstraint::ForeignKey(fk) => {
            let mut constraint =
                spec(&fk.name, ConstraintKind::ForeignKey, fk.columns.iter().map(ident).collect());
            constraint.references =
                Some((name(&fk.foreign_table), fk.referred_columns.iter().map(ident).collect()));
            constraint.actions = actions(fk.on_update.as_ref(), fk.on_delete.as_ref());
            Some(constraint)
        }
        TableConstraint::Check(check) => {
            let mut constraint =
                spec(&check.name, ConstraintKind::Check, expression_columns(&check.expr));
            constraint.check = Some(check.expr.to_string());
            Some(constraint)
        }
        _ => None,
    }
}

/// Plain column keys of a constraint; `None` when a key is an expression, which Postgres rejects here anyway.
fn index_columns(columns: &[IndexColumn]) -> Option<Vec<String>> {
    columns
        .iter()
        .map(|c| match &c.column.expr {
            Expr::Identifier(id) => Some(ident(id)),
            _ => None,
        })
        .collect()
}

/// The distinct column names an expression mentions, in order: Postgres names a check
/// constraint after the column when there is exactly one.
/// sqlparser's visitor needs a feature the workspace does not enable, so this reads the tokens:
/// a bare word that is not a keyword, a function name (`(` follows) or a cast target (`::` precedes).
pub fn expression_columns(expr: &Expr) -> Vec<String> {
    let text = expr.to_string();
    let Ok(tokens) = Tokenizer::new(&PostgreSqlDialect {}, &text).tokenize() else {
        return Vec::new();
    };
    let tokens: Vec<&Token> =
        tokens.iter().filter(|t| !matches!(t, Token::Whitespace(_))).collect();
    let mut columns: Vec<String> = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let Token::Word(word) = token else { continue };
        let next_is_call = matches!(tokens.get(i + 1), Some(Token::LParen));
        let after_cast = i > 0 && matches!(tokens.get(i - 1), Some(Token::DoubleColon));
        if (word.keyword == Keyword::NoKeyword || word.quote_style.is_some())
            && !next_is_call
            && !after_cast
        {
            let column = if word.quote_style.is_some() {
                word.value.clone()
            } else {
                word.value.to_lowercase()
            };
            if !columns.contains(&column) {
                columns.push(column);
            }
        }
    }
    columns
}

fn create_index(index: &CreateIndex) -> Change {
    let mut keys = Vec::new();
    let mut columns = Vec::new();
    for key in &index.columns {
        let mut text = match &key.column.expr {
            Expr::Identifier(id) => {
                columns.push(ident(id));
                ident(id)
            }
            // `pg_get_indexdef` wraps an expression key in parentheses unless it is a function call.
            expr @ Expr::Function(_) => expr.to_string(),
            expr => format!("({expr})"),
        };
        if matches!(key.column.options.sort, Some(OrderBySort::Desc)) {
            text.push_str(" DESC");
        }
        match key.column.options.nulls_first {
            Some(true) if !matches!(key.column.options.sort, Some(OrderBySort::Desc)) => {
                text.push_str(" NULLS FIRST")
            }
            Some(false) if matches!(key.column.options.sort, Some(OrderBySort::Desc)) => {
                text.push_str(" NULLS LAST")
            }
            _ => {}
        }
        keys.push(text);
    }
    Change::CreateIndex {
        index: IndexSpec {
            name: index.name.as_ref().map(|n| name(n).name),
            table: name(&index.table_name),
            unique: index.unique,
            concurrently: index.concurrently,
            if_not_exists: index.if_not_exists,
            method: index
                .using
                .as_ref()
                .map_or_else(|| "btree".to_owned(), |m| m.to_string().to_lowercase()),
            keys,
            columns,
            include: index.include.iter().map(ident).collect(),
            predicate: index.predicate.as_ref().map(Expr::to_string),
        },
    }
}

/// The SQL that undoes a change without needing to know the data, where there is one.
pub fn inverse(change: &Change) -> Option<String> {
    match change {
        Change::CreateTable { table, .. } => Some(format!("DROP TABLE {table}")),
        Change::RenameTable { table, to } => Some(format!(
            "ALTER TABLE {} RENAME TO {}",
            Name { schema: table.schema.clone(), name: to.clone() },
            table.name
        )),
        Change::AddColumn { table, column, .. } => {
            Some(format!("ALTER TABLE {table} DROP COLUMN {}", column.name))
        }
        Change::RenameColumn { table, column, to } => {
            Some(format!("ALTER TABLE {table} RENAME COLUMN {to} TO {column}"))
        }
        Change::SetNotNull { table, column } => {
            Some(format!("ALTER TABLE {table} ALTER COLUMN {column} DROP NOT NULL"))
        }
        Change::DropNotNull { table, column } => {
            Some(format!("ALTER TABLE {table} ALTER COLUMN {column} SET NOT NULL"))
        }
        Change::AddConstraint {
            table,
            constraint: ConstraintSpec { name: Some(name), .. },
            ..
        } => Some(format!("ALTER TABLE {table} DROP CONSTRAINT {name}")),
        Change::RenameConstraint { table, name, to } => {
            Some(format!("ALTER TABLE {table} RENAME CONSTRAINT {to} TO {name}"))
        }
        Change::CreateIndex { index: IndexSpec { name: Some(name), table, concurrently, .. } } => {
            let qualified = Name { schema: table.schema.clone(), name: name.clone() };
            Some(if *concurrently {
                format!("DROP INDEX CONCURRENTLY {qualified}")
            } else {
                format!("DROP INDEX {qualified}")
            })
        }
        Change::RenameIndex { index, to } => Some(format!(
            "ALTER INDEX {} RENAME TO {}",
            Name { schema: index.schema.clone(), name: to.clone() },
            index.name
        )),
        Change::CreateEnum { name, .. } => Some(format!("DROP TYPE {name}")),
        _ => None,
    }
}

#[cfg(test)]
mod test {
    use crate::analysis::{analyze, analyze_sql};
    use crate::diagnostic::Span;
    use crate::migration::Step;

    fn check(sql: &str) -> String {
        let analysis = analyze_sql(sql);
        let mut out = String::new();
        for fact in &analysis.facts {
            out.push_str(&format!(
                "{} | {}\n",
                fact.step,
                serde_json::to_string(&fact.change).unwrap_or_default()
            ));
            if let Some(inverse) = &fact.inverse {
                out.push_str(&format!("  inverse: {inverse}\n"));
            }
        }
        for diagnostic in &analysis.diagnostics {
            out.push_str(&diagnostic.render("up.sql"));
            out.push('\n');
        }
        out
    }

    #[test]
    fn facts_ddl_ok() {
        insta::assert_snapshot!(check(
            r#"
CREATE TABLE posts (id SERIAL NOT NULL, user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE, title VARCHAR(200) UNIQUE, PRIMARY KEY (id), CONSTRAINT ck_title CHECK (length(title) > 0));
ALTER TABLE expenses ADD COLUMN confidence_score NUMERIC(4, 3);
ALTER TABLE expenses ALTER COLUMN confidence_score SET NOT NULL, ALTER COLUMN confidence_score SET DEFAULT 0.000;
ALTER TABLE expenses ALTER COLUMN amount TYPE VARCHAR(20) USING amount::varchar;
ALTER TABLE expenses DROP COLUMN legacy_notes;
ALTER TABLE users RENAME COLUMN name TO full_name;
ALTER TABLE users RENAME TO people;
ALTER TABLE users ADD CONSTRAINT uq_users_email UNIQUE (email);
ALTER TABLE users DROP CONSTRAINT uq_users_email;
CREATE INDEX CONCURRENTLY ix_expenses_run ON expenses (reconciler_run_id);
CREATE UNIQUE INDEX ix_lower ON users USING btree (lower(email), created_at DESC) WHERE deleted_at IS NULL;
DROP INDEX CONCURRENTLY ix_expenses_run;
DROP INDEX IF EXISTS ix_lower;
DROP TABLE posts;
CREATE TYPE mood AS ENUM ('happy', 'sad');
ALTER TYPE mood ADD VALUE 'meh';
DROP TYPE mood
"#
        ));
    }

    #[test]
    fn facts_data_ok() {
        insta::assert_snapshot!(check("UPDATE expenses SET confidence_score = 0; DELETE FROM expenses WHERE id = 1; DELETE FROM expenses; TRUNCATE expenses, users; INSERT INTO t VALUES (1); COMMENT ON COLUMN t.x IS 'y'; SELECT 1"));
    }

    #[test]
    fn facts_unknown_ok() {
        insta::assert_snapshot!(check("CREATE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql; ALTER TABLE t ENABLE ROW LEVEL SECURITY; CREATE VIEW v AS SELECT 1; CREATE EXTENSION IF NOT EXISTS pgcrypto; CREATE SEQUENCE s; DROP SEQUENCE s; ALTER TABLE t VALIDATE CONSTRAINT fk"));
    }

    #[test]
    fn facts_parse_error_err() {
        insta::assert_snapshot!(check("ALTER TABLE expenses ADD COLUMN x integer;\nALTER TABLE expenses ADD COLUMN;\nALTER TABLE t DROP COLUMN y"));
    }

    #[test]
    fn steps_span_err() {
        let steps = [Step {
            sql: "ALTER TABLE".into(),
            autocommit: false,
            span: Some(Span::new(40, 60)),
            documented: Vec::new(),
        }];
        let analysis = analyze(&steps);
        assert_eq!(analysis.diagnostics.first().and_then(|d| d.span), Some(Span::new(40, 60)));
    }
}
