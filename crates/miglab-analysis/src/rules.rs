//! Safety rules for the drop guard and the lock lessons, one file per rule under `rules/`.
//!
//! Each rule reads one fact with the schema as it stands just before it (the simulation steps
//! through the migration), so it knows whether the table has rows, was created in this same
//! migration, or whether the column has a default. Codes reuse squawk's rule names where a
//! squawk rule flags the same pattern, because students will meet squawk in CI.

mod adding_field_with_default;
mod adding_foreign_key_constraint;
mod adding_not_nullable_field;
mod adding_required_field;
mod adding_serial_primary_key_field;
mod ban_concurrent_index_creation_in_transaction;
mod ban_drop_column;
mod ban_drop_constraint;
mod ban_drop_not_null;
mod ban_drop_table;
mod ban_truncate;
mod changing_column_type;
mod claim;
mod constraint_missing_not_valid;
mod delete_without_where;
mod disallowed_unique_constraint;
mod finding;
#[cfg(test)]
mod fixtures;
mod holding_access_exclusive;
mod renaming_column;
mod renaming_table;
mod require_concurrent_index_creation;
mod require_concurrent_index_deletion;
mod require_timeout_settings;
#[cfg(test)]
mod titles_cover;
mod unique_over_existing_rows;
mod update_without_where;

pub use claim::{LockClaim, CLAIM_SETUP};
pub use finding::{Affected, Category, Finding};
pub use miglab_model::finding::{title, titled};

use crate::analysis::{analyze, Change, Fact};
use crate::migration::Step;
use crate::schema::{Schema, Table};
use crate::simulate::apply::State;

/// What the rules know besides the SQL: the schema before the migration, with row counts
/// where they are known (from the engine, or a lesson's starting database).
#[derive(Clone, Copy, Debug, Default)]
pub struct RuleContext<'a> {
    pub schema: Option<&'a Schema>,
}

/// What one rule sees for one fact.
pub struct Cx<'a> {
    /// The schema just before this statement (empty when no context was given).
    pub schema: &'a Schema,
    /// Tables this migration created before this statement: empty and invisible to other sessions.
    pub created: &'a [String],
    /// Columns `(table, column)` this migration added before this statement: they hold only
    /// NULLs or their default, so overwriting them (a backfill) loses nothing.
    pub added: &'a [(String, String)],
    /// The step the fact belongs to.
    pub step: Option<&'a Step>,
    /// Every fact of this migration before this one.
    pub earlier: &'a [Fact],
    /// Where this fact's transaction starts in `earlier`: an autocommit step runs alone, and a new transaction follows it.
    pub transaction_start: usize,
    /// The facts of later statements in the same transaction (not the other actions of this same statement).
    pub later_in_transaction: &'a [Fact],
}

impl Cx<'_> {
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.schema.table(name)
    }

    /// The table may hold rows other sessions use: it was not created in this migration and is
    /// not known to be empty. Unknown row counts count as live, so advice errs on the safe side.
    pub fn live(&self, table: &str) -> bool {
        if self.created.iter().any(|t| t == table) {
            return false;
        }
        !matches!(self.table(table).and_then(|t| t.row_count), Some(0))
    }

    /// The table's row count when known.
    pub fn rows(&self, table: &str) -> Option<u64> {
        if self.created.iter().any(|t| t == table) {
            return Some(0);
        }
        self.table(table).and_then(|t| t.row_count)
    }

    /// " (it has 2 rows)" when the row count is known, for messages that depend on existing rows.
    pub fn rows_note(&self, table: &str) -> String {
        match self.rows(table) {
            Some(1) => " (it has 1 row)".to_owned(),
            Some(n) => format!(" (it has {n} rows)"),
            None => String::new(),
        }
    }

    /// The facts of earlier statements in this fact's transaction.
    pub fn earlier_in_transaction(&self) -> &[Fact] {
        self.earlier.get(self.transaction_start..).unwrap_or_default()
    }

    /// The table existed before this migration, so running code uses it (whatever its row count).
    pub fn existing(&self, table: &str) -> bool {
        !self.created.iter().any(|t| t == table)
    }

    /// The documented table locks `fact` takes on tables that existed before the migration, as `(table, mode)`:
    /// an index's table is found in the schema, and the table a `CREATE TABLE` makes is new, so it is left out.
    pub fn locks_on_existing(&self, fact: &Fact) -> Vec<(String, crate::locks::LockMode)> {
        use crate::locks::Target;
        let creates = match &fact.change {
            Change::CreateTable { table, .. } => Some(table.name.as_str()),
            _ => None,
        };
        crate::locks::documented(&fact.change)
            .into_iter()
            .filter_map(|lock| {
                let table = match &lock.target {
                    Target::Table(name) => name.clone(),
                    Target::TableOfIndex(index) | Target::Index(index) => {
                        self.schema.tables.iter().find(|t| t.index(index).is_some())?.name.clone()
                    }
                };
                (self.existing(&table) && Some(table.as_str()) != creates)
                    .then_some((table, lock.mode))
            })
            .collect()
    }

    pub fn was_added(&self, table: &str, column: &str) -> bool {
        self.added.iter().any(|(t, c)| t == table && c == column)
    }

    /// The column's type just before this statement, when known.
    pub fn column_type(&self, table: &str, column: &str) -> Option<&str> {
        self.table(table)?.column(column).map(|c| c.data_type.as_str())
    }
}

type Rule = fn(&Fact, &Cx) -> Vec<Finding>;

const RULES: &[Rule] = &[
    ban_drop_table::check,
    ban_drop_column::check,
    ban_drop_constraint::check,
    changing_column_type::check,
    ban_truncate::check,
    delete_without_where::check,
    update_without_where::check,
    adding_required_field::check,
    adding_not_nullable_field::check,
    unique_over_existing_rows::check,
    adding_foreign_key_constraint::check,
    require_concurrent_index_creation::check,
    require_concurrent_index_deletion::check,
    adding_field_with_default::check,
    ban_concurrent_index_creation_in_transaction::check,
    renaming_column::check,
    renaming_table::check,
    constraint_missing_not_valid::check,
    require_timeout_settings::check,
    ban_drop_not_null::check,
    adding_serial_primary_key_field::check,
    disallowed_unique_constraint::check,
    holding_access_exclusive::check,
];

/// Every lock a rule's message states, with the pattern that shows it; the CLI's tests check each on the engine.
pub const LOCK_CLAIMS: &[LockClaim] = &[
    require_concurrent_index_creation::CLAIM,
    require_concurrent_index_deletion::CLAIM,
    adding_not_nullable_field::CLAIM,
    renaming_column::CLAIM,
    renaming_table::CLAIM,
    constraint_missing_not_valid::CLAIM,
    constraint_missing_not_valid::CLAIM_FOREIGN_KEY,
    require_timeout_settings::CLAIM,
    adding_serial_primary_key_field::CLAIM,
    disallowed_unique_constraint::CLAIM,
    holding_access_exclusive::CLAIM,
];

/// Every finding for `steps`, in statement order. Statements that do not parse give no findings
/// (the analysis reports them); a statement the simulation predicts will fail still gets checked.
pub fn check(steps: &[Step], context: &RuleContext) -> Vec<Finding> {
    let analysis = analyze(steps);
    let mut state = State::new(context.schema.cloned().unwrap_or_default());
    let mut created: Vec<String> = Vec::new();
    let mut added: Vec<(String, String)> = Vec::new();
    let mut findings = Vec::new();
    // Alembic's transactions: an autocommit step runs alone, and the steps around it each form their own.
    let transaction_of: Vec<usize> = steps
        .iter()
        .scan(0usize, |t, step| {
            if step.autocommit {
                *t += 1;
                let own = *t;
                *t += 1;
                Some(own)
            } else {
                Some(*t)
            }
        })
        .collect();
    let transaction = |fact: &Fact| transaction_of.get(fact.step).copied().unwrap_or(0);
    let facts = &analysis.facts;
    for (at, fact) in facts.iter().enumerate() {
        let earlier = &facts[..at];
        let transaction_start =
            earlier.iter().rposition(|f| transaction(f) != transaction(fact)).map_or(0, |i| i + 1);
        let later_start =
            facts[at..].iter().position(|f| f.step != fact.step).map_or(facts.len(), |i| at + i);
        let later_end = facts[later_start..]
            .iter()
            .position(|f| transaction(f) != transaction(fact))
            .map_or(facts.len(), |i| later_start + i);
        let cx = Cx {
            schema: state.schema(),
            created: &created,
            added: &added,
            step: steps.get(fact.step),
            earlier,
            transaction_start,
            later_in_transaction: &facts[later_start..later_end],
        };
        for rule in RULES {
            findings.extend(rule(fact, &cx));
        }
        match &fact.change {
            Change::CreateTable { table, .. } => created.push(table.name.clone()),
            Change::AddColumn { table, column, .. } => {
                added.push((table.name.clone(), column.name.clone()))
            }
            _ => {}
        }
        // A statement Postgres would refuse leaves the schema as it was; later rules still run.
        let _ = state.apply(fact);
    }
    findings
}

/// True when any finding loses data: what `miglab lint` exits 1 on and the drop guard stops on.
pub fn any_destructive(findings: &[Finding]) -> bool {
    findings.iter().any(Finding::is_destructive)
}

/// The starting database most rule tests run against: `expenses` with two rows, `users` empty.
#[cfg(test)]
pub(crate) const SETUP: &str = "CREATE TABLE users (id SERIAL PRIMARY KEY, email VARCHAR(255) NOT NULL);
CREATE TABLE expenses (id SERIAL PRIMARY KEY, user_id INTEGER, amount NUMERIC(10, 2) NOT NULL, note VARCHAR(200), legacy_notes TEXT, status TEXT);
CREATE INDEX ix_expenses_status ON expenses (status);
INSERT INTO expenses (amount) VALUES (12.50), (3.00)";

/// The shared test helper: `setup` SQL builds the context schema (with row counts from its
/// INSERTs), `sql` is the migration; each finding prints as `code [category] message / help / affected`.
/// `require-timeout-settings` is left out: it fires on nearly every migration, and its own tests use [`check_sql_all`].
#[cfg(test)]
pub(crate) fn check_sql(setup: &str, sql: &str) -> String {
    render(setup, sql, |f| f.code != "require-timeout-settings")
}

/// [`check_sql`] with every rule.
#[cfg(test)]
pub(crate) fn check_sql_all(setup: &str, sql: &str) -> String {
    render(setup, sql, |_| true)
}

#[cfg(test)]
fn render(setup: &str, sql: &str, keep: impl Fn(&Finding) -> bool) -> String {
    use crate::analysis::steps_from_sql;
    let context_schema = (!setup.is_empty())
        .then(|| crate::simulate::apply(&Schema::default(), &steps_from_sql(setup).0).schema);
    let (steps, _) = steps_from_sql(sql);
    let findings = check(&steps, &RuleContext { schema: context_schema.as_ref() });
    findings
        .iter()
        .filter(|f| keep(f))
        .map(|f| {
            let affected: Vec<String> = f.affected.iter().map(ToString::to_string).collect();
            format!(
                "{} [{}] step {}\n  {}\n  help: {}\n  affected: {}",
                f.code,
                f.category.as_str(),
                f.step,
                f.message,
                f.help,
                affected.join(", ")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}
