//! Applying one fact to the schema model, with Postgres's implicit behaviour and its refusals.

use super::default_expr::{render_default, strip_modifiers};
use super::deparse::deparse;
use super::naming::choose;
use super::{Fact, PredictedFailure};
use crate::analysis::{Change, ColumnSpec, ConstraintSpec, IndexSpec, Name};
use crate::diagnostic::{Diagnostic, Severity};
use crate::schema::{Column, Constraint, ConstraintKind, EnumType, Index, Schema, Table};

/// The schema as it stands between statements; rules read it to judge each statement in context.
pub struct State {
    schema: Schema,
    pub unknowns: Vec<Diagnostic>,
    /// Columns added in this run to a table with rows, without a default: every row holds NULL,
    /// so a later `SET NOT NULL` fails for certain.
    all_null: Vec<(String, String)>,
}

/// A statement Postgres refuses: its SQLSTATE, its error text, and a help line for the learner.
pub struct Refusal {
    sqlstate: &'static str,
    error: String,
    help: &'static str,
}

fn refuse(sqlstate: &'static str, error: String, help: &'static str) -> Refusal {
    Refusal { sqlstate, error, help }
}

impl Refusal {
    pub fn into_failure(self, fact: &Fact) -> PredictedFailure {
        let message = format!("Postgres refuses this statement with `{}` ({}), so the migration's transaction rolls back and nothing before it is kept.", self.error, self.sqlstate);
        let mut diagnostic = Diagnostic::error("statement-fails", message).with_help(self.help);
        diagnostic.span = fact.span;
        PredictedFailure {
            step: fact.step,
            sqlstate: self.sqlstate.to_owned(),
            error: self.error,
            diagnostic,
        }
    }
}

fn schema_of(name: &Name) -> String {
    name.schema.clone().unwrap_or_else(|| "public".to_owned())
}

fn missing_relation(name: &Name) -> Refusal {
    refuse(
        "42P01",
        format!("relation \"{}\" does not exist", name.name),
        "Create the table first, or check the table name.",
    )
}

impl State {
    pub fn new(schema: Schema) -> State {
        State { schema, unknowns: Vec::new(), all_null: Vec::new() }
    }

    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// Tables sorted by `(schema, name)`, as the schema model promises.
    pub fn finish(mut self) -> Schema {
        self.schema.tables.sort_by(|a, b| (&a.schema, &a.name).cmp(&(&b.schema, &b.name)));
        self.schema
    }

    fn note(&mut self, fact: &Fact, message: String) {
        let mut diagnostic = Diagnostic::warning("simulation-unknown", message)
            .with_help("Run the migration on a branch to see what the engine does.");
        diagnostic.severity = Severity::Info;
        diagnostic.span = fact.span;
        self.unknowns.push(diagnostic);
    }

    fn table_index(&self, name: &Name) -> Option<usize> {
        let schema = schema_of(name);
        self.schema.tables.iter().position(|t| t.name == name.name && t.schema == schema)
    }

    fn table(&mut self, name: &Name) -> Result<&mut Table, Refusal> {
        let index = self.table_index(name).ok_or_else(|| missing_relation(name))?;
        self.schema.tables.get_mut(index).ok_or_else(|| missing_relation(name))
    }

    /// Every name in the relation and constraint namespace: tables, indexes, constraints, sequences.
    fn taken(&self) -> Vec<String> {
        let mut names = Vec::new();
        for table in &self.schema.tables {
            names.push(table.name.clone());
            names.extend(table.indexes.iter().map(|i| i.name.clone()));
            names.extend(table.constraints.iter().map(|c| c.name.clone()));
            names.extend(table.columns.iter().filter_map(|c| sequence_of(c.default.as_deref())));
        }
        names
    }

    fn relation_exists(&self, name: &str) -> bool {
        self.schema
            .tables
            .iter()
            .any(|t| t.name == name || t.indexes.iter().any(|i| i.name == name))
    }

    pub fn apply(&mut self, fact: &Fact) -> Result<(), Refusal> {
        match &fact.change {
            Change::CreateTable { table, columns, constraints, if_not_exists } => {
                self.create_table(fact, table, columns, constraints, *if_not_exists)
            }
            Change::DropTable { table, if_exists, cascade } => {
                self.drop_table(fact, table, *if_exists, *cascade)
            }
            Change::RenameTable { table, to } => self.rename_table(table, to),
            Change::AddColumn { table, column, if_not_exists } => {
                self.add_column(fact, table, column, *if_not_exists)
            }
            Change::DropColumn { table, column, if_exists, cascade } => {
                self.drop_column(fact, table, column, *if_exists, *cascade)
            }
            Change::RenameColumn { table, column, to } => self.rename_column(table, column, to),
            Change::AlterType { table, column, data_type, using } => {
                let target = self.column(table, column)?;
                if using.is_none() && !assignment_cast(&target.data_type, data_type) {
                    let bare = strip_modifiers(data_type);
                    return Err(refuse(
                        "42804",
                        format!("column \"{column}\" cannot be cast automatically to type {bare}"),
                        "Add a USING clause that converts each value, e.g. `USING column::type`.",
                    ));
                }
                target.data_type = data_type.clone();
                Ok(())
            }
            Change::SetNotNull { table, column } => self.set_not_null(table, column),
            Change::DropNotNull { table, column } => {
                let in_primary_key = self.table(table)?.constraints.iter().any(|c| {
                    c.kind == ConstraintKind::PrimaryKey
                        && constrained_columns(&c.definition).contains(column)
                });
                if in_primary_key {
                    return Err(refuse(
                        "42P16",
                        format!("column \"{column}\" is in a primary key"),
                        "Drop the primary key first, or leave the column NOT NULL.",
                    ));
                }
                self.column(table, column)?.not_null = false;
                Ok(())
            }
            Change::SetDefault { table, column, default } => {
                let target = self.column(table, column)?;
                target.default = render_default(default, &target.data_type);
                Ok(())
            }
            Change::DropDefault { table, column } => {
                self.column(table, column)?.default = None;
                Ok(())
            }
            Change::AddConstraint { table, constraint, .. } => {
                if matches!(constraint.kind, ConstraintKind::PrimaryKey | ConstraintKind::Unique) {
                    self.note(fact, format!("The simulation cannot see the data: Postgres refuses this {} if `{}` holds duplicates or NULLs.", kind_name(constraint.kind), table.name));
                }
                self.add_constraint(table, constraint)
            }
            Change::DropConstraint { table, name, if_exists, .. } => {
                self.drop_constraint(fact, table, name, *if_exists)
            }
            Change::RenameConstraint { table, name, to } => self.rename_constraint(table, name, to),
            Change::CreateIndex { index } => self.create_index(fact, index),
            Change::DropIndex { index, if_exists, .. } => self.drop_index(fact, index, *if_exists),
            Change::RenameIndex { index, to } => self.rename_index(index, to),
            Change::CreateEnum { name, labels } => {
                if self.schema.enums.iter().any(|e| e.name == name.name) {
                    return Err(refuse(
                        "42710",
                        format!("type \"{}\" already exists", name.name),
                        "Use a new type name, or drop the old type first.",
                    ));
                }
                self.schema.enums.push(EnumType {
                    schema: schema_of(name),
                    name: name.name.clone(),
                    labels: labels.clone(),
                });
                Ok(())
            }
            Change::AddEnumValue { name, label } => {
                let enum_type =
                    self.schema.enums.iter_mut().find(|e| e.name == name.name).ok_or_else(
                        || {
                            refuse(
                                "42704",
                                format!("type \"{}\" does not exist", name.name),
                                "Create the type first.",
                            )
                        },
                    )?;
                if enum_type.labels.contains(label) {
                    return Err(refuse(
                        "42710",
                        format!("enum label \"{label}\" already exists"),
                        "Add `IF NOT EXISTS`, or pick a new label.",
                    ));
                }
                enum_type.labels.push(label.clone());
                Ok(())
            }
            Change::DropType { name, if_exists } => self.drop_type(fact, name, *if_exists),
            Change::Insert { table, rows } => {
                let target = self.table(table)?;
                target.row_count = match (target.row_count, rows) {
                    (Some(before), Some(added)) => Some(before.saturating_add(*added)),
                    _ => None,
                };
                Ok(())
            }
            Change::Update { table, columns, filtered } => {
                self.table(table)?;
                self.all_null.retain(|(t, c)| !(t == &table.name && columns.contains(c)));
                let scope = if *filtered { "some rows of" } else { "every row of" };
                self.note(fact, format!("The simulation does not know the values this UPDATE writes to {scope} `{}`; the schema itself is unchanged.", table.name));
                Ok(())
            }
            Change::Delete { table, filtered } => {
                self.table(table)?.row_count = if *filtered { None } else { Some(0) };
                Ok(())
            }
            Change::Truncate { table } => {
                self.table(table)?.row_count = Some(0);
                Ok(())
            }
            Change::Comment | Change::NoSchemaChange => Ok(()),
            Change::Unknown { reason } => {
                self.note(fact, format!("The simulation skips this statement because {reason}, so the predicted schema may differ from the engine's."));
                Ok(())
            }
        }
    }

    fn column(&mut self, table: &Name, column: &str) -> Result<&mut Column, Refusal> {
        let relation = table.name.clone();
        self.table(table)?.columns.iter_mut().find(|c| c.name == column).ok_or_else(|| {
            refuse(
                "42703",
                format!("column \"{column}\" of relation \"{relation}\" does not exist"),
                "Check the column name, or add the column first.",
            )
        })
    }

    fn create_table(
        &mut self,
        fact: &Fact,
        name: &Name,
        columns: &[ColumnSpec],
        constraints: &[ConstraintSpec],
        if_not_exists: bool,
    ) -> Result<(), Refusal> {
        if self.relation_exists(&name.name) {
            if if_not_exists {
                self.note(
                    fact,
                    format!(
                        "`{}` already exists, so Postgres skips this CREATE TABLE with a notice.",
                        name.name
                    ),
                );
                return Ok(());
            }
            return Err(refuse(
                "42P07",
                format!("relation \"{}\" already exists", name.name),
                "Use a new table name, or drop the old table first.",
            ));
        }
        self.schema.tables.push(Table {
            schema: schema_of(name),
            name: name.name.clone(),
            row_count: Some(0),
            ..Table::default()
        });
        for column in columns {
            self.push_column(name, column)?;
        }
        for constraint in constraints {
            self.add_constraint(name, constraint)?;
        }
        Ok(())
    }

    /// Adds a column with its serial default and its column constraints.
    fn push_column(&mut self, table: &Name, spec: &ColumnSpec) -> Result<(), Refusal> {
        let mut column = Column {
            name: spec.name.clone(),
            data_type: spec.data_type.clone(),
            not_null: spec.not_null || spec.serial || spec.identity,
            default: None,
        };
        if spec.serial {
            let taken = self.taken();
            let sequence =
                choose(&table.name, Some(&spec.name), "seq", |n| taken.iter().any(|t| t == n));
            column.default = Some(format!("nextval('{sequence}'::regclass)"));
        } else if let Some(default) = &spec.default {
            column.default = render_default(default, &column.data_type);
        }
        self.table(table)?.columns.push(column);
        for constraint in &spec.constraints {
            self.add_constraint(table, constraint)?;
        }
        Ok(())
    }

    fn add_column(
        &mut self,
        fact: &Fact,
        table: &Name,
        spec: &ColumnSpec,
        if_not_exists: bool,
    ) -> Result<(), Refusal> {
        let target = self.table(table)?;
        if target.column(&spec.name).is_some() {
            if if_not_exists {
                self.note(
                    fact,
                    format!(
                        "`{}` already has `{}`, so Postgres skips this ADD COLUMN with a notice.",
                        table.name, spec.name
                    ),
                );
                return Ok(());
            }
            return Err(refuse(
                "42701",
                format!("column \"{}\" of relation \"{}\" already exists", spec.name, table.name),
                "Use a new column name, or drop the old column first.",
            ));
        }
        let has_rows = target.row_count.is_some_and(|n| n > 0);
        let filled = spec.serial
            || spec.identity
            || spec.default.as_deref().and_then(|d| render_default(d, &spec.data_type)).is_some();
        if has_rows && spec.not_null && !filled {
            return Err(refuse(
                "23502",
                format!(
                    "column \"{}\" of relation \"{}\" contains null values",
                    spec.name, table.name
                ),
                "Add the column as nullable, backfill it, then set NOT NULL; or give it a default.",
            ));
        }
        if has_rows && !filled {
            self.all_null.push((table.name.clone(), spec.name.clone()));
        }
        self.push_column(table, spec)
    }

    fn set_not_null(&mut self, table: &Name, column: &str) -> Result<(), Refusal> {
        let rows = self.table(table)?.row_count;
        self.column(table, column)?;
        if rows.is_some_and(|n| n > 0)
            && self.all_null.iter().any(|(t, c)| t == &table.name && c == column)
        {
            return Err(refuse(
                "23502",
                format!("column \"{column}\" of relation \"{}\" contains null values", table.name),
                "Backfill the column before setting NOT NULL.",
            ));
        }
        self.column(table, column)?.not_null = true;
        Ok(())
    }

    fn drop_table(
        &mut self,
        fact: &Fact,
        table: &Name,
        if_exists: bool,
        cascade: bool,
    ) -> Result<(), Refusal> {
        let Some(position) = self.table_index(table) else {
            if if_exists {
                self.note(
                    fact,
                    format!(
                        "`{}` does not exist, so Postgres skips this DROP TABLE with a notice.",
                        table.name
                    ),
                );
                return Ok(());
            }
            return Err(refuse(
                "42P01",
                format!("table \"{}\" does not exist", table.name),
                "Check the table name, or add `IF EXISTS`.",
            ));
        };
        let referencing = self.foreign_keys_to(&table.name, None);
        if !referencing.is_empty() && !cascade {
            return Err(refuse(
                "2BP01",
                format!("cannot drop table {} because other objects depend on it", table.name),
                "Drop the foreign keys that reference the table first.",
            ));
        }
        self.drop_constraints(&referencing);
        self.schema.tables.remove(position);
        Ok(())
    }

    /// `(table, constraint)` pairs of foreign keys in other tables that reference `table` (and `column`).
    fn foreign_keys_to(&self, table: &str, column: Option<&str>) -> Vec<(String, String)> {
        let mut found = Vec::new();
        for other in self.schema.tables.iter().filter(|t| t.name != table) {
            for constraint in
                other.constraints.iter().filter(|c| c.kind == ConstraintKind::ForeignKey)
            {
                let Some((target, columns)) = referenced(&constraint.definition) else { continue };
                if target == table && column.is_none_or(|c| columns.iter().any(|x| x == c)) {
                    found.push((other.name.clone(), constraint.name.clone()));
                }
            }
        }
        found
    }

    fn drop_constraints(&mut self, which: &[(String, String)]) {
        for table in &mut self.schema.tables {
            table
                .constraints
                .retain(|c| !which.iter().any(|(t, n)| t == &table.name && n == &c.name));
        }
    }

    fn rename_table(&mut self, table: &Name, to: &str) -> Result<(), Refusal> {
        if self.relation_exists(to) {
            return Err(refuse(
                "42P07",
                format!("relation \"{to}\" already exists"),
                "Choose a name no table or index uses.",
            ));
        }
        let from = table.name.clone();
        let target = self.table(table)?;
        target.name = to.to_owned();
        let schema = target.schema.clone();
        for index in &mut target.indexes {
            index.definition = index.definition.replacen(
                &format!(" ON {schema}.{from} "),
                &format!(" ON {schema}.{to} "),
                1,
            );
        }
        for other in &mut self.schema.tables {
            for constraint in
                other.constraints.iter_mut().filter(|c| c.kind == ConstraintKind::ForeignKey)
            {
                constraint.definition = constraint
                    .definition
                    .replace(&format!(" REFERENCES {from}("), &format!(" REFERENCES {to}("));
            }
        }
        Ok(())
    }

    /// Postgres drops the column's indexes and constraints with it; a foreign key elsewhere that
    /// references it needs CASCADE.
    fn drop_column(
        &mut self,
        fact: &Fact,
        table: &Name,
        column: &str,
        if_exists: bool,
        cascade: bool,
    ) -> Result<(), Refusal> {
        if self.table(table)?.column(column).is_none() {
            if if_exists {
                self.note(fact, format!("`{}` has no column `{column}`, so Postgres skips this DROP COLUMN with a notice.", table.name));
                return Ok(());
            }
            self.column(table, column)?;
        }
        let referencing = self.foreign_keys_to(&table.name, Some(column));
        if !referencing.is_empty() && !cascade {
            return Err(refuse(
                "2BP01",
                format!(
                    "cannot drop column {column} of table {} because other objects depend on it",
                    table.name
                ),
                "Drop the foreign keys that reference the column first.",
            ));
        }
        self.drop_constraints(&referencing);
        let target = self.table(table)?;
        target.columns.retain(|c| c.name != column);
        target.indexes.retain(|i| !index_mentions(&i.definition, column));
        target.constraints.retain(|c| !constraint_mentions(&c.definition, column));
        self.all_null.retain(|(t, c)| !(t == &table.name && c == column));
        Ok(())
    }

    fn rename_column(&mut self, table: &Name, column: &str, to: &str) -> Result<(), Refusal> {
        let relation = table.name.clone();
        if self.table(table)?.column(to).is_some() {
            return Err(refuse(
                "42701",
                format!("column \"{to}\" of relation \"{relation}\" already exists"),
                "Choose a column name the table does not use.",
            ));
        }
        self.column(table, column)?.name = to.to_owned();
        let target = self.table(table)?;
        for index in &mut target.indexes {
            if let Some((head, keys)) = index.definition.split_once(" USING ") {
                index.definition = format!("{head} USING {}", replace_word(keys, column, to));
            }
            for c in index.columns.iter_mut().filter(|c| c.as_str() == column) {
                *c = to.to_owned();
            }
        }
        for constraint in &mut target.constraints {
            constraint.definition = match constraint.definition.split_once(" REFERENCES ") {
                Some((own, rest)) => format!("{} REFERENCES {rest}", replace_word(own, column, to)),
                None => replace_word(&constraint.definition, column, to),
            };
        }
        for other in &mut self.schema.tables {
            for constraint in
                other.constraints.iter_mut().filter(|c| c.kind == ConstraintKind::ForeignKey)
            {
                let prefix = format!(" REFERENCES {relation}(");
                if let Some((own, rest)) = constraint.definition.split_once(&prefix) {
                    let (columns, tail) = rest.split_once(')').unwrap_or((rest, ""));
                    constraint.definition =
                        format!("{own}{prefix}{}){tail}", replace_word(columns, column, to));
                }
            }
        }
        for (t, c) in &mut self.all_null {
            if t == &relation && c == column {
                *c = to.to_owned();
            }
        }
        Ok(())
    }

    fn add_constraint(&mut self, table: &Name, spec: &ConstraintSpec) -> Result<(), Refusal> {
        let taken = self.taken();
        let target = self.table(table)?;
        let relation = target.name.clone();
        if let Some(name) = &spec.name {
            if target.constraints.iter().any(|c| &c.name == name) {
                return Err(refuse(
                    "42710",
                    format!("constraint \"{name}\" for relation \"{relation}\" already exists"),
                    "Use a new constraint name, or drop the old constraint first.",
                ));
            }
        }
        if spec.kind == ConstraintKind::PrimaryKey
            && target.constraints.iter().any(|c| c.kind == ConstraintKind::PrimaryKey)
        {
            return Err(refuse(
                "42P16",
                format!("multiple primary keys for table \"{relation}\" are not allowed"),
                "Drop the existing primary key first.",
            ));
        }
        for column in &spec.columns {
            if spec.kind != ConstraintKind::Check && target.column(column).is_none() {
                return Err(refuse(
                    "42703",
                    format!("column \"{column}\" named in key does not exist"),
                    "Check the column names in the constraint.",
                ));
            }
        }
        let joined = spec.columns.join("_");
        let is_taken = |n: &str| taken.iter().any(|t| t == n);
        let (label, name2) = match spec.kind {
            ConstraintKind::PrimaryKey => ("pkey", None),
            ConstraintKind::Unique => ("key", Some(joined.as_str())),
            ConstraintKind::ForeignKey => ("fkey", Some(joined.as_str())),
            ConstraintKind::Check => {
                ("check", (spec.columns.len() == 1).then_some(joined.as_str()))
            }
            ConstraintKind::Exclusion => ("excl", Some(joined.as_str())),
        };
        let name = spec.name.clone().unwrap_or_else(|| choose(&relation, name2, label, is_taken));
        let columns = spec.columns.join(", ");
        let definition = match spec.kind {
            ConstraintKind::PrimaryKey => format!("PRIMARY KEY ({columns})"),
            ConstraintKind::Unique => format!("UNIQUE ({columns})"),
            ConstraintKind::Check => {
                format!("CHECK ({})", deparse(spec.check.as_deref().unwrap_or_default(), target))
            }
            ConstraintKind::Exclusion => format!("EXCLUDE ({columns})"),
            ConstraintKind::ForeignKey => return self.add_foreign_key(table, spec, name),
        };
        let schema = target.schema.clone();
        if spec.kind == ConstraintKind::PrimaryKey {
            for column in target.columns.iter_mut().filter(|c| spec.columns.contains(&c.name)) {
                column.not_null = true;
            }
        }
        if matches!(spec.kind, ConstraintKind::PrimaryKey | ConstraintKind::Unique) {
            let index_definition = format!(
                "CREATE UNIQUE INDEX {name} ON {schema}.{relation} USING btree ({columns})"
            );
            target.indexes.push(Index {
                name: name.clone(),
                definition: index_definition,
                unique: true,
                columns: spec.columns.clone(),
            });
        }
        target.constraints.push(Constraint { name, kind: spec.kind, definition });
        Ok(())
    }

    fn add_foreign_key(
        &mut self,
        table: &Name,
        spec: &ConstraintSpec,
        name: String,
    ) -> Result<(), Refusal> {
        let Some((target_table, target_columns)) = &spec.references else { return Ok(()) };
        let referenced_columns = if target_columns.is_empty() {
            let primary_key =
                self.schema.tables.iter().find(|t| t.name == target_table.name).and_then(|t| {
                    t.constraints.iter().find(|c| c.kind == ConstraintKind::PrimaryKey)
                });
            match primary_key {
                Some(pk) => constrained_columns(&pk.definition),
                None => {
                    return Err(refuse(
                        "42830",
                        format!(
                            "there is no primary key for referenced table \"{}\"",
                            target_table.name
                        ),
                        "Name the referenced columns, or give the table a primary key.",
                    ))
                }
            }
        } else {
            target_columns.clone()
        };
        if self.table_index(target_table).is_none() {
            return Err(missing_relation(target_table));
        }
        let definition = format!(
            "FOREIGN KEY ({}) REFERENCES {}({}){}",
            spec.columns.join(", "),
            target_table.name,
            referenced_columns.join(", "),
            spec.actions
        );
        self.table(table)?.constraints.push(Constraint {
            name,
            kind: ConstraintKind::ForeignKey,
            definition,
        });
        Ok(())
    }

    fn drop_constraint(
        &mut self,
        fact: &Fact,
        table: &Name,
        name: &str,
        if_exists: bool,
    ) -> Result<(), Refusal> {
        let target = self.table(table)?;
        let Some(position) = target.constraints.iter().position(|c| c.name == name) else {
            if if_exists {
                self.note(fact, format!("`{}` has no constraint `{name}`, so Postgres skips this DROP CONSTRAINT with a notice.", table.name));
                return Ok(());
            }
            return Err(refuse(
                "42704",
                format!("constraint \"{name}\" of relation \"{}\" does not exist", table.name),
                "Check the constraint name; Postgres may have chosen it for you.",
            ));
        };
        let removed = target.constraints.remove(position);
        if matches!(removed.kind, ConstraintKind::PrimaryKey | ConstraintKind::Unique) {
            target.indexes.retain(|i| i.name != name);
        }
        Ok(())
    }

    fn rename_constraint(&mut self, table: &Name, name: &str, to: &str) -> Result<(), Refusal> {
        let target = self.table(table)?;
        let relation = target.name.clone();
        let constraint =
            target.constraints.iter_mut().find(|c| c.name == name).ok_or_else(|| {
                refuse(
                    "42704",
                    format!("constraint \"{name}\" for table \"{relation}\" does not exist"),
                    "Check the constraint name.",
                )
            })?;
        constraint.name = to.to_owned();
        if let Some(index) = target.indexes.iter_mut().find(|i| i.name == name) {
            index.definition =
                index.definition.replacen(&format!(" {name} ON "), &format!(" {to} ON "), 1);
            index.name = to.to_owned();
        }
        Ok(())
    }

    fn create_index(&mut self, fact: &Fact, spec: &IndexSpec) -> Result<(), Refusal> {
        let taken = self.taken();
        let target = self.table(&spec.table)?;
        let relation = target.name.clone();
        let schema = target.schema.clone();
        let parts: Vec<String> = spec.keys.iter().map(|k| key_name(k)).collect();
        let name = match &spec.name {
            Some(name) => name.clone(),
            None => {
                choose(&relation, Some(&parts.join("_")), "idx", |n| taken.iter().any(|t| t == n))
            }
        };
        if self.relation_exists(&name) {
            if spec.if_not_exists {
                self.note(fact, format!("`{name}` already exists, so Postgres skips this CREATE INDEX with a notice."));
                return Ok(());
            }
            return Err(refuse(
                "42P07",
                format!("relation \"{name}\" already exists"),
                "Use a new index name, or drop the old index first.",
            ));
        }
        for column in &spec.columns {
            if self.table(&spec.table)?.column(column).is_none() {
                return Err(refuse(
                    "42703",
                    format!("column \"{column}\" does not exist"),
                    "Check the column names in the index.",
                ));
            }
        }
        let owner = self.table(&spec.table)?;
        let keys: Vec<String> = spec.keys.iter().map(|key| index_key(key, owner)).collect();
        let mut definition = format!(
            "CREATE {}INDEX {name} ON {schema}.{relation} USING {} ({})",
            if spec.unique { "UNIQUE " } else { "" },
            spec.method,
            keys.join(", ")
        );
        if !spec.include.is_empty() {
            definition.push_str(&format!(" INCLUDE ({})", spec.include.join(", ")));
        }
        if let Some(predicate) = &spec.predicate {
            definition.push_str(&format!(" WHERE {}", deparse(predicate, owner)));
        }
        let index = Index { name, definition, unique: spec.unique, columns: spec.columns.clone() };
        self.table(&spec.table)?.indexes.push(index);
        Ok(())
    }

    fn drop_index(&mut self, fact: &Fact, index: &Name, if_exists: bool) -> Result<(), Refusal> {
        let owner =
            self.schema.tables.iter_mut().find(|t| t.indexes.iter().any(|i| i.name == index.name));
        let Some(owner) = owner else {
            if if_exists {
                self.note(
                    fact,
                    format!(
                        "`{}` does not exist, so Postgres skips this DROP INDEX with a notice.",
                        index.name
                    ),
                );
                return Ok(());
            }
            return Err(refuse(
                "42704",
                format!("index \"{}\" does not exist", index.name),
                "Drop the index before anything that drops it for you, or add `IF EXISTS`.",
            ));
        };
        if owner.constraints.iter().any(|c| c.name == index.name) {
            return Err(refuse(
                "2BP01",
                format!(
                    "cannot drop index {0} because constraint {0} on table {1} requires it",
                    index.name, owner.name
                ),
                "Drop the constraint instead; its index goes with it.",
            ));
        }
        owner.indexes.retain(|i| i.name != index.name);
        Ok(())
    }

    fn rename_index(&mut self, index: &Name, to: &str) -> Result<(), Refusal> {
        if self.relation_exists(to) {
            return Err(refuse(
                "42P07",
                format!("relation \"{to}\" already exists"),
                "Choose a name no table or index uses.",
            ));
        }
        let found = self
            .schema
            .tables
            .iter_mut()
            .flat_map(|t| t.indexes.iter_mut())
            .find(|i| i.name == index.name);
        let found = found.ok_or_else(|| {
            refuse(
                "42P01",
                format!("relation \"{}\" does not exist", index.name),
                "Check the index name.",
            )
        })?;
        found.definition =
            found.definition.replacen(&format!(" {} ON ", index.name), &format!(" {to} ON "), 1);
        found.name = to.to_owned();
        Ok(())
    }

    fn drop_type(&mut self, fact: &Fact, name: &Name, if_exists: bool) -> Result<(), Refusal> {
        let Some(position) = self.schema.enums.iter().position(|e| e.name == name.name) else {
            if if_exists {
                self.note(
                    fact,
                    format!(
                        "Type `{}` does not exist, so Postgres skips this DROP TYPE with a notice.",
                        name.name
                    ),
                );
                return Ok(());
            }
            return Err(refuse(
                "42704",
                format!("type \"{}\" does not exist", name.name),
                "Check the type name, or add `IF EXISTS`.",
            ));
        };
        let used = self.schema.tables.iter().any(|t| {
            t.columns
                .iter()
                .any(|c| c.data_type == name.name || c.data_type == format!("{}[]", name.name))
        });
        if used {
            return Err(refuse(
                "2BP01",
                format!("cannot drop type {} because other objects depend on it", name.name),
                "Drop or change the columns that use the type first.",
            ));
        }
        self.schema.enums.remove(position);
        Ok(())
    }
}

/// An index key as `pg_get_indexdef` prints it: a plain column as is, an expression through
/// ruleutils' casts, wrapped in parentheses unless it is a function call.
fn index_key(key: &str, table: &Table) -> String {
    if key.ends_with(" DESC") || key.contains(" NULLS ") || table.column(key).is_some() {
        return key.to_owned();
    }
    match key.strip_prefix('(').and_then(|k| k.strip_suffix(')')) {
        Some(inner) => format!("({})", deparse(inner, table)),
        None => deparse(key, table),
    }
}

/// Whether Postgres converts `from` to `to` by itself in `ALTER COLUMN … TYPE` (an implicit or
/// assignment cast); otherwise it needs USING and fails with 42804. Any type converts to a
/// string type, numbers convert among themselves, and dates and timestamps among themselves.
fn assignment_cast(from: &str, to: &str) -> bool {
    let family = |t: &str| {
        let bare = strip_modifiers(t);
        match bare.as_str() {
            "text" | "character varying" | "character" | "name" => "string",
            "smallint" | "integer" | "bigint" | "numeric" | "real" | "double precision" => "number",
            "date" | "timestamp without time zone" | "timestamp with time zone" => "datetime",
            "json" | "jsonb" => "json",
            _ if bare.ends_with("[]") => "array",
            _ => "other",
        }
    };
    let (from_family, to_family) = (family(from), family(to));
    strip_modifiers(from) == strip_modifiers(to)
        || to_family == "string"
        || (from_family == to_family && from_family != "other" && from_family != "array")
}

fn kind_name(kind: ConstraintKind) -> &'static str {
    match kind {
        ConstraintKind::PrimaryKey => "primary key",
        ConstraintKind::Unique => "unique constraint",
        ConstraintKind::ForeignKey => "foreign key",
        ConstraintKind::Check => "check constraint",
        ConstraintKind::Exclusion => "exclusion constraint",
    }
}

/// The name part an index key contributes to a chosen index name, as `ChooseIndexColumnNames` picks it.
fn key_name(key: &str) -> String {
    if key.starts_with('(') {
        return "expr".to_owned();
    }
    let bare = key.split_whitespace().next().unwrap_or(key);
    bare.split_once('(').map_or(bare, |(function, _)| function).to_owned()
}

/// The sequence a `nextval('…'::regclass)` default uses.
fn sequence_of(default: Option<&str>) -> Option<String> {
    let rest = default?.strip_prefix("nextval('")?;
    rest.split_once('\'').map(|(name, _)| name.to_owned())
}

/// The columns in the first parenthesised list of a constraint definition: `PRIMARY KEY (a, b)` → `[a, b]`.
fn constrained_columns(definition: &str) -> Vec<String> {
    let Some((_, rest)) = definition.split_once('(') else { return Vec::new() };
    let list = rest.split_once(')').map_or(rest, |(list, _)| list);
    list.split(',')
        .map(|c| c.trim().trim_matches('"').to_owned())
        .filter(|c| !c.is_empty())
        .collect()
}

/// The table and columns a foreign key definition references.
fn referenced(definition: &str) -> Option<(String, Vec<String>)> {
    let (_, rest) = definition.split_once(" REFERENCES ")?;
    let (table, columns) = rest.split_once('(')?;
    let columns = columns.split_once(')').map_or(columns, |(list, _)| list);
    let table = table.rsplit('.').next().unwrap_or(table).trim().to_owned();
    Some((table, columns.split(',').map(|c| c.trim().to_owned()).collect()))
}

fn index_mentions(definition: &str, column: &str) -> bool {
    definition.split_once(" USING ").is_some_and(|(_, keys)| has_word(keys, column))
}

/// A constraint mentions a column in its own part; a foreign key's REFERENCES part names another table's columns.
fn constraint_mentions(definition: &str, column: &str) -> bool {
    let own = definition.split_once(" REFERENCES ").map_or(definition, |(own, _)| own);
    has_word(own, column)
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

/// Occurrences of `word` as a whole identifier outside quoted strings.
fn word_positions(text: &str, word: &str) -> Vec<usize> {
    let mut found = Vec::new();
    let mut in_string = false;
    let mut previous: Option<char> = None;
    for (i, c) in text.char_indices() {
        if c == '\'' {
            in_string = !in_string;
        }
        if !in_string
            && !previous.is_some_and(is_word_char)
            && text.get(i..).is_some_and(|rest| rest.starts_with(word))
        {
            let after = text.get(i + word.len()..).and_then(|rest| rest.chars().next());
            if !after.is_some_and(is_word_char) {
                found.push(i);
            }
        }
        previous = Some(c);
    }
    found
}

fn has_word(text: &str, word: &str) -> bool {
    !word.is_empty() && !word_positions(text, word).is_empty()
}

fn replace_word(text: &str, word: &str, with: &str) -> String {
    if word.is_empty() {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut last = 0;
    for position in word_positions(text, word) {
        out.push_str(text.get(last..position).unwrap_or_default());
        out.push_str(with);
        last = position + word.len();
    }
    out.push_str(text.get(last..).unwrap_or_default());
    out
}

#[cfg(test)]
mod test {
    use crate::analysis::steps_from_sql;
    use crate::migration::Step;
    use crate::schema::Schema;
    use crate::simulate::{apply, Simulation};

    /// The schema in the compact form `/tmp`-side PGlite introspection prints, so the two can be diffed:
    /// columns in order, indexes and constraints by name, then enums and the failure.
    fn render(simulation: &Simulation) -> String {
        let mut out = Vec::new();
        for table in &simulation.schema.tables {
            out.push(format!("table {}", table.name));
            for c in &table.columns {
                let not_null = if c.not_null { " NOT NULL" } else { "" };
                let default =
                    c.default.as_ref().map(|d| format!(" DEFAULT {d}")).unwrap_or_default();
                out.push(format!("  {} {}{not_null}{default}", c.name, c.data_type));
            }
            let mut indexes: Vec<_> = table
                .indexes
                .iter()
                .map(|i| format!("  index {}: {}", i.name, i.definition))
                .collect();
            indexes.sort();
            out.extend(indexes);
            let mut constraints: Vec<_> = table
                .constraints
                .iter()
                .map(|c| format!("  constraint {}: {}", c.name, c.definition))
                .collect();
            constraints.sort();
            out.extend(constraints);
        }
        for e in &simulation.schema.enums {
            out.push(format!("enum {}: {}", e.name, e.labels.join(", ")));
        }
        if let Some(failure) = &simulation.failure {
            out.push(format!("failure: {} {}", failure.sqlstate, failure.error));
        }
        for unknown in &simulation.unknowns {
            out.push(format!("unknown: {}", unknown.message));
        }
        out.join("\n")
    }

    fn check(sql: &str) -> String {
        let (steps, diagnostics) = steps_from_sql(sql);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        render(&apply(&Schema::default(), &steps))
    }

    /// Each scenario was also run on PGlite; the snapshot differs from the engine's output only
    /// where the notes in `docs/notes/analysis.md` say so (casts Postgres adds inside expressions).
    #[test]
    fn scenarios_ok() {
        let scenarios = [
            ("expenses_confidence_score", include_str!("scenarios/expenses_confidence_score.sql")),
            ("reconciler_run_id", include_str!("scenarios/reconciler_run_id.sql")),
            ("posts_users", include_str!("scenarios/posts_users.sql")),
        ];
        check_scenarios(&scenarios);
    }

    /// Scenarios whose migration Postgres refuses: the snapshot ends with the failure.
    #[test]
    fn scenarios_err() {
        let scenarios = [
            ("not_null_fails", include_str!("scenarios/not_null_fails.sql")),
            ("drop_index_after_column", include_str!("scenarios/drop_index_after_column.sql")),
            ("type_change_needs_using", include_str!("scenarios/type_change_needs_using.sql")),
        ];
        check_scenarios(&scenarios);
    }

    fn check_scenarios(scenarios: &[(&str, &str)]) {
        for (name, sql) in scenarios {
            insta::assert_snapshot!(*name, check(sql));
        }
    }

    /// `autocommit_block()` commits what came before and itself; the failing statement after it
    /// rolls back only its own transaction.
    #[test]
    fn autocommit_survives_failure_err() {
        let steps = [
            Step {
                sql: "CREATE TABLE t (x int)".into(),
                autocommit: false,
                span: None,
                documented: Vec::new(),
            },
            Step {
                sql: "CREATE INDEX CONCURRENTLY ix_t_x ON t (x)".into(),
                autocommit: true,
                span: None,
                documented: Vec::new(),
            },
            Step {
                sql: "ALTER TABLE t DROP COLUMN nope".into(),
                autocommit: false,
                span: None,
                documented: Vec::new(),
            },
        ];
        insta::assert_snapshot!(render(&apply(&Schema::default(), &steps)), @r#"
            table t
              x integer
              index ix_t_x: CREATE INDEX ix_t_x ON public.t USING btree (x)
            failure: 42703 column "nope" of relation "t" does not exist
            "#);
    }

    #[test]
    fn unknown_statements_ok() {
        insta::assert_snapshot!(check("CREATE TABLE t (x int);\nUPDATE t SET x = 1;\nDO $$ BEGIN NULL; END $$;\nCREATE VIEW v AS SELECT 1"), @r#"
            table t
              x integer
            unknown: The simulation does not know the values this UPDATE writes to every row of `t`; the schema itself is unchanged.
            unknown: The simulation skips this statement because miglab does not model DO blocks (procedural code), so the predicted schema may differ from the engine's.
            unknown: The simulation skips this statement because miglab does not model CREATE VIEW, so the predicted schema may differ from the engine's.
            "#);
    }
}
