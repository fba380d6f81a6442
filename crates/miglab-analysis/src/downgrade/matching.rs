//! Which downgrade change undoes which upgrade change, including what Postgres undoes implicitly.

use crate::analysis::{Change, Fact, IndexSpec};
use crate::schema::ConstraintKind;
use crate::simulate::naming::object_name;

/// True when `down` undoes `up` explicitly.
pub fn undoes(up: &Change, down: &Change) -> bool {
    use Change as C;
    match (up, down) {
        (C::CreateTable { table: a, .. }, C::DropTable { table: b, .. })
        | (C::DropTable { table: a, .. }, C::CreateTable { table: b, .. }) => a.name == b.name,
        (C::RenameTable { table: a, to: a_to }, C::RenameTable { table: b, to: b_to }) => {
            &a.name == b_to && a_to == &b.name
        }
        (C::AddColumn { table: a, column: c, .. }, C::DropColumn { table: b, column: d, .. }) => {
            a.name == b.name && &c.name == d
        }
        (C::DropColumn { table: a, column: c, .. }, C::AddColumn { table: b, column: d, .. }) => {
            a.name == b.name && c == &d.name
        }
        (
            C::RenameColumn { table: a, column: c, to: c_to },
            C::RenameColumn { table: b, column: d, to: d_to },
        ) => a.name == b.name && c == d_to && c_to == d,
        (C::AlterType { table: a, column: c, .. }, C::AlterType { table: b, column: d, .. }) => {
            a.name == b.name && c == d
        }
        (C::SetNotNull { table: a, column: c }, C::DropNotNull { table: b, column: d })
        | (C::DropNotNull { table: a, column: c }, C::SetNotNull { table: b, column: d }) => {
            a.name == b.name && c == d
        }
        (
            C::SetDefault { table: a, column: c, .. } | C::DropDefault { table: a, column: c },
            C::SetDefault { table: b, column: d, .. } | C::DropDefault { table: b, column: d },
        ) => a.name == b.name && c == d,
        (
            C::AddConstraint { table: a, constraint, .. },
            C::DropConstraint { table: b, name, .. },
        ) => a.name == b.name && &constraint_name(&a.name, constraint) == name,
        (
            C::DropConstraint { table: a, name, .. },
            C::AddConstraint { table: b, constraint, .. },
        ) => a.name == b.name && name == &constraint_name(&b.name, constraint),
        (
            C::RenameConstraint { table: a, name: n, to: n_to },
            C::RenameConstraint { table: b, name: m, to: m_to },
        ) => a.name == b.name && n == m_to && n_to == m,
        (C::CreateIndex { index }, C::DropIndex { index: dropped, .. }) => {
            index_name(index) == dropped.name
        }
        (C::DropIndex { index: dropped, .. }, C::CreateIndex { index }) => {
            index_name(index) == dropped.name
        }
        (C::RenameIndex { index: a, to: a_to }, C::RenameIndex { index: b, to: b_to }) => {
            &a.name == b_to && a_to == &b.name
        }
        (C::CreateEnum { name: a, .. }, C::DropType { name: b, .. })
        | (C::DropType { name: a, .. }, C::CreateEnum { name: b, .. }) => a.name == b.name,
        _ => false,
    }
}

/// True when `down` undoes `up` as a side effect: `DROP TABLE` takes the table's indexes and
/// constraints with it, and `DROP COLUMN` takes the indexes and constraints on that column.
pub fn undoes_implicitly(up: &Change, down: &Change) -> bool {
    let (table, columns) = match up {
        Change::CreateIndex { index } => (&index.table, &index.columns),
        Change::AddConstraint { table, constraint, .. } => (table, &constraint.columns),
        Change::SetNotNull { table, .. }
        | Change::SetDefault { table, .. }
        | Change::AlterType { table, .. } => (table, &Vec::new()),
        _ => return false,
    };
    let column_of_up = match up {
        Change::SetNotNull { column, .. }
        | Change::SetDefault { column, .. }
        | Change::AlterType { column, .. } => Some(column),
        _ => None,
    };
    match down {
        Change::DropTable { table: dropped, .. } => dropped.name == table.name,
        Change::DropColumn { table: t, column, .. } => {
            t.name == table.name && (columns.contains(column) || column_of_up == Some(column))
        }
        _ => false,
    }
}

/// Changes that need no inverse for the schema to be restored, or that have none.
pub fn needs_inverse(change: &Change) -> bool {
    !matches!(
        change,
        Change::Insert { .. }
            | Change::Update { .. }
            | Change::Delete { .. }
            | Change::Truncate { .. }
            | Change::Comment
            | Change::NoSchemaChange
            | Change::Unknown { .. }
    )
}

/// The name Postgres gives the constraint (the declared one, or the one it chooses, ignoring clashes).
pub fn constraint_name(table: &str, constraint: &crate::analysis::ConstraintSpec) -> String {
    if let Some(name) = &constraint.name {
        return name.clone();
    }
    let joined = constraint.columns.join("_");
    match constraint.kind {
        ConstraintKind::PrimaryKey => object_name(table, None, "pkey"),
        ConstraintKind::Unique => object_name(table, Some(&joined), "key"),
        ConstraintKind::ForeignKey => object_name(table, Some(&joined), "fkey"),
        ConstraintKind::Check if constraint.columns.len() == 1 => {
            object_name(table, Some(&joined), "check")
        }
        ConstraintKind::Check => object_name(table, None, "check"),
        ConstraintKind::Exclusion => object_name(table, Some(&joined), "excl"),
    }
}

pub fn index_name(index: &IndexSpec) -> String {
    index
        .name
        .clone()
        .unwrap_or_else(|| object_name(&index.table.name, Some(&index.columns.join("_")), "idx"))
}

/// The downgrade facts that undo the upgrade fact at `up`, explicitly first.
pub fn inverse_of(up: &Fact, downgrade: &[Fact]) -> Option<(usize, bool)> {
    downgrade.iter().position(|d| undoes(&up.change, &d.change)).map(|i| (i, false)).or_else(|| {
        downgrade.iter().position(|d| undoes_implicitly(&up.change, &d.change)).map(|i| (i, true))
    })
}
