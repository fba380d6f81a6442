//! SQLAlchemy column types to the PostgreSQL type names SQLAlchemy's PostgreSQL dialect prints.
//!
//! Types are matched by their last name (`sa.Integer`, `sqlalchemy.types.Integer`, `postgresql.INTEGER`),
//! because migrations import them through several aliases and the dialect renders them the same way.

use super::cx::{Args, Cx, Signature};
use super::ident::literal;
use super::python::{Kind, Value};

/// A rendered column type.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct SqlType {
    pub sql: String,
    pub family: Family,
    /// Set for a native PostgreSQL enum, which needs its own `CREATE TYPE`.
    pub enum_type: Option<EnumType>,
}

/// What SQLAlchemy's autoincrement logic needs to know about a type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Family {
    Integer,
    BigInteger,
    SmallInteger,
    /// Numeric types can autoincrement too: SQLAlchemy renders them as `SERIAL`.
    Numeric,
    Other,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct EnumType {
    /// Already quoted and schema-qualified.
    pub name: String,
    pub values: Vec<String>,
    /// False for `postgresql.ENUM(..., create_type=False)`: the type already exists.
    pub create: bool,
}

impl EnumType {
    pub fn create_sql(&self) -> String {
        let values: Vec<String> = self.values.iter().map(|v| literal(v)).collect();
        format!("CREATE TYPE {} AS ENUM ({})", self.name, values.join(", "))
    }

    pub fn drop_sql(&self) -> String {
        format!("DROP TYPE {}", self.name)
    }
}

/// Renders a type given as a class (`sa.Integer`) or an instance (`sa.Integer()`).
pub(crate) fn sql_type(cx: &Cx, value: &Value) -> Option<SqlType> {
    let (name, call) = match &value.kind {
        Kind::Call(call) => (call.func.last_name(), Some(call.as_ref())),
        Kind::Name(_) | Kind::Attr(..) => (value.last_name(), None),
        _ => return cx.unsupported(value, "a SQLAlchemy type such as `sa.Integer()`"),
    };
    let Some(name) = name else {
        return cx.unsupported(value, "a SQLAlchemy type such as `sa.Integer()`");
    };
    let empty = super::python::Call { func: value.clone(), args: Vec::new(), kwargs: Vec::new() };
    let call = call.unwrap_or(&empty);
    let bind = |cx: &Cx, params: &'static [&'static str], ignored: &'static [&'static str]| {
        Args::bind(cx, call, value.span, &Signature { ignored, ..Signature::new(name, params) })
    };
    let simple =
        |sql: &str, family: Family| Some(SqlType { sql: sql.to_owned(), family, enum_type: None });
    match name {
        "Integer" | "INTEGER" | "INT" => {
            bind(cx, &[], &[])?;
            simple("INTEGER", Family::Integer)
        }
        "BigInteger" | "BIGINT" => {
            bind(cx, &[], &[])?;
            simple("BIGINT", Family::BigInteger)
        }
        "SmallInteger" | "SMALLINT" => {
            bind(cx, &[], &[])?;
            simple("SMALLINT", Family::SmallInteger)
        }
        "String" | "VARCHAR" | "Unicode" | "CHAR" | "NVARCHAR" | "NCHAR" => {
            let args = bind(cx, &["length", "collation"], &["convert_unicode", "unicode_error", "_warn_on_bytestring"])?;
            let base = match name {
                "String" | "Unicode" => "VARCHAR",
                other => other,
            };
            let mut sql = match args.given("length") {
                Some(length) => format!("{base}({})", cx.int(length)?),
                None => base.to_owned(),
            };
            if let Some(collation) = args.opt_string(cx, "collation")? {
                sql.push_str(&format!(" COLLATE \"{}\"", collation.replace('"', "\"\"")));
            }
            simple(&sql, Family::Other)
        }
        "Text" | "TEXT" | "UnicodeText" => {
            bind(cx, &["length", "collation"], &[])?;
            simple("TEXT", Family::Other)
        }
        "Boolean" | "BOOLEAN" => {
            bind(cx, &["create_constraint", "name"], &[])?;
            simple("BOOLEAN", Family::Other)
        }
        "Numeric" | "NUMERIC" | "DECIMAL" => {
            let args = bind(cx, &["precision", "scale", "decimal_return_scale", "asdecimal"], &[])?;
            let base = if name == "DECIMAL" { "DECIMAL" } else { "NUMERIC" };
            let sql = match (args.given("precision"), args.given("scale")) {
                (Some(p), Some(s)) => format!("{base}({}, {})", cx.int(p)?, cx.int(s)?),
                (Some(p), None) => format!("{base}({})", cx.int(p)?),
                _ => base.to_owned(),
            };
            simple(&sql, Family::Numeric)
        }
        "Float" | "FLOAT" => {
            let args = bind(cx, &["precision", "asdecimal", "decimal_return_scale"], &[])?;
            match args.given("precision") {
                Some(p) => simple(&format!("FLOAT({})", cx.int(p)?), Family::Other),
                None => simple("FLOAT", Family::Other),
            }
        }
        "REAL" => {
            bind(cx, &["precision", "asdecimal", "decimal_return_scale"], &[])?;
            simple("REAL", Family::Other)
        }
        "Double" | "DOUBLE_PRECISION" => {
            bind(cx, &["precision", "asdecimal", "decimal_return_scale"], &[])?;
            simple("DOUBLE PRECISION", Family::Other)
        }
        "DateTime" | "TIMESTAMP" => {
            let args = bind(cx, &["timezone", "precision"], &[])?;
            simple(&with_zone("TIMESTAMP", cx, &args)?, Family::Other)
        }
        "Time" | "TIME" => {
            let args = bind(cx, &["timezone", "precision"], &[])?;
            simple(&with_zone("TIME", cx, &args)?, Family::Other)
        }
        "Date" | "DATE" => {
            bind(cx, &[], &[])?;
            simple("DATE", Family::Other)
        }
        "Interval" => {
            bind(cx, &["native", "second_precision", "day_precision"], &[])?;
            simple("INTERVAL", Family::Other)
        }
        "INTERVAL" => {
            let args = bind(cx, &["precision", "fields"], &[])?;
            let mut sql = "INTERVAL".to_owned();
            if let Some(fields) = args.opt_string(cx, "fields")? {
                sql.push_str(&format!(" {fields}"));
            }
            if let Some(p) = args.given("precision") {
                sql.push_str(&format!(" ({})", cx.int(p)?));
            }
            simple(&sql, Family::Other)
        }
        "JSON" | "JSONB" => {
            bind(cx, &["none_as_null", "astext_type"], &[])?;
            simple(name, Family::Other)
        }
        "Uuid" | "UUID" => {
            bind(cx, &["as_uuid", "native_uuid"], &[])?;
            simple("UUID", Family::Other)
        }
        "LargeBinary" | "BYTEA" => {
            bind(cx, &["length"], &[])?;
            simple("BYTEA", Family::Other)
        }
        "INET" | "CIDR" | "MACADDR" | "MONEY" | "TSVECTOR" | "CITEXT" | "OID" => {
            bind(cx, &[], &[])?;
            simple(name, Family::Other)
        }
        "ARRAY" => {
            let args = bind(cx, &["item_type", "as_tuple", "dimensions", "zero_indexes"], &[])?;
            let item = sql_type(cx, args.required(cx, "item_type", "ARRAY")?)?;
            let dimensions = match args.given("dimensions") {
                Some(d) => cx.int(d)?.clamp(1, 6) as usize,
                None => 1,
            };
            Some(SqlType { sql: format!("{}{}", item.sql, "[]".repeat(dimensions)), family: Family::Other, enum_type: item.enum_type })
        }
        "Enum" | "ENUM" => enum_type(cx, value, call),
        _ => cx.error(
            "unsupported-type",
            value.span,
            format!("miglab does not know how SQLAlchemy renders the type `{name}` on PostgreSQL."),
            "Use one of the supported types (Integer, String, Numeric, DateTime, UUID, Enum, ARRAY…) or write the DDL with `op.execute()`.",
        ),
    }
}

/// `TIMESTAMP(3) WITH TIME ZONE`: SQLAlchemy always spells out the zone on PostgreSQL.
fn with_zone(base: &str, cx: &Cx, args: &Args) -> Option<String> {
    let zone = if args.flag(cx, "timezone")? { "WITH" } else { "WITHOUT" };
    let precision = match args.given("precision") {
        Some(p) => format!("({})", cx.int(p)?),
        None => String::new(),
    };
    Some(format!("{base}{precision} {zone} TIME ZONE"))
}

/// `sa.Enum("a", "b", name="x")` and `postgresql.ENUM(..., create_type=False)`.
fn enum_type(cx: &Cx, value: &Value, call: &super::python::Call) -> Option<SqlType> {
    let sig = Signature {
        varargs: true,
        ignored: &[
            "name",
            "schema",
            "native_enum",
            "create_type",
            "create_constraint",
            "length",
            "validate_strings",
            "values_callable",
            "inherit_schema",
            "metadata",
            "omit_aliases",
            "sort_key_function",
        ],
        ..Signature::new("sa.Enum", &[])
    };
    let args = Args::bind(cx, call, value.span, &sig)?;
    let mut values = Vec::new();
    for item in &args.rest {
        match item.as_str() {
            Some(text) => values.push(text.to_owned()),
            None => return cx.error(
                "unsupported-expression",
                item.span,
                format!(
                    "miglab reads enum values written as strings, and cannot look inside {}.",
                    item.describe()
                ),
                "List the values as strings, e.g. `sa.Enum(\"sad\", \"happy\", name=\"mood\")`.",
            ),
        }
    }
    let kwarg =
        |name: &str| call.kwargs.iter().find(|k| k.name.as_deref() == Some(name)).map(|k| &k.value);
    let native = match kwarg("native_enum") {
        Some(v) => cx.bool(v)?,
        None => true,
    };
    if !native {
        // SQLAlchemy then adds a named CHECK constraint listing the values, which miglab does not render.
        if let Some(v) = kwarg("create_constraint")
            .filter(|v| v.kind != super::python::Kind::Bool(false) && !v.is_none())
        {
            return cx.error(
                "unsupported-argument",
                v.span,
                "miglab does not support `create_constraint=True` on a non-native enum, which makes SQLAlchemy add a CHECK constraint.",
                "Remove `create_constraint`, or add the CHECK constraint with `op.create_check_constraint()`.",
            );
        }
        let length = match kwarg("length") {
            Some(v) => cx.int(v)?,
            None => values.iter().map(|v| v.chars().count() as i64).max().unwrap_or(0),
        };
        return Some(SqlType {
            sql: format!("VARCHAR({length})"),
            family: Family::Other,
            enum_type: None,
        });
    }
    for unsupported in ["values_callable", "metadata", "inherit_schema"] {
        if let Some(v) = kwarg(unsupported) {
            return cx.error(
                "unsupported-argument",
                v.span,
                format!("miglab does not support the `{unsupported}` argument of an enum type."),
                "List the enum values as strings and give the type a `name=`.",
            );
        }
    }
    let Some(name_value) = kwarg("name").filter(|v| !v.is_none()) else {
        return cx.error(
            "enum-needs-name",
            value.span,
            "A PostgreSQL enum type needs a name: SQLAlchemy refuses to compile `sa.Enum` without `name=`.",
            "Add `name=\"…\"` to the enum.",
        );
    };
    let name = cx.string(name_value, "a string for the enum's name")?;
    let schema = match kwarg("schema").filter(|v| !v.is_none()) {
        Some(v) => Some(cx.string(v, "a string for the enum's schema")?),
        None => None,
    };
    let create = match kwarg("create_type") {
        Some(v) => cx.bool(v)?,
        None => true,
    };
    let name = super::ident::table(&name, schema.as_deref());
    Some(SqlType {
        sql: name.clone(),
        family: Family::Other,
        enum_type: Some(EnumType { name, values, create }),
    })
}

#[cfg(test)]
mod test {
    use super::super::check;

    #[test]
    fn every_type_ok() {
        let types = [
            "sa.Integer()",
            "sa.INTEGER()",
            "sa.BigInteger",
            "sa.SmallInteger()",
            "sa.String()",
            "sa.String(50)",
            "sa.String(length=20, collation=\"C\")",
            "sa.Unicode(10)",
            "sa.VARCHAR(length=10)",
            "sa.CHAR(2)",
            "sa.Text()",
            "sa.UnicodeText()",
            "sa.Boolean()",
            "sa.Numeric()",
            "sa.Numeric(4, 3)",
            "sa.NUMERIC(precision=10, scale=2)",
            "sa.Numeric(10)",
            "sa.DECIMAL(8, 2)",
            "sa.Float()",
            "sa.Float(precision=53)",
            "sa.REAL()",
            "sa.Double()",
            "postgresql.DOUBLE_PRECISION()",
            "sa.DateTime()",
            "sa.DateTime(timezone=True)",
            "postgresql.TIMESTAMP(timezone=True, precision=6)",
            "sa.Date()",
            "sa.Time()",
            "sa.Time(timezone=True)",
            "sa.Interval()",
            "postgresql.INTERVAL(fields=\"DAY TO SECOND\", precision=2)",
            "sa.JSON()",
            "postgresql.JSONB(astext_type=sa.Text())",
            "sa.Uuid()",
            "sa.UUID()",
            "postgresql.UUID(as_uuid=True)",
            "sa.LargeBinary()",
            "postgresql.BYTEA()",
            "sa.ARRAY(sa.Integer())",
            "postgresql.ARRAY(sa.String(20), dimensions=2)",
            "postgresql.INET()",
            "postgresql.CITEXT()",
            "sa.Enum(\"a\", \"b\", native_enum=False)",
            "sa.Enum(\"a\", name=\"Mood\", schema=\"app\")",
        ];
        let body: String = types
            .iter()
            .enumerate()
            .map(|(i, t)| format!("op.add_column(\"t\", sa.Column(\"c{i}\", {t}))\n"))
            .collect();
        insta::assert_snapshot!(check(&body), @r#"
            ALTER TABLE t ADD COLUMN c0 INTEGER;
            ALTER TABLE t ADD COLUMN c1 INTEGER;
            ALTER TABLE t ADD COLUMN c2 BIGINT;
            ALTER TABLE t ADD COLUMN c3 SMALLINT;
            ALTER TABLE t ADD COLUMN c4 VARCHAR;
            ALTER TABLE t ADD COLUMN c5 VARCHAR(50);
            ALTER TABLE t ADD COLUMN c6 VARCHAR(20) COLLATE "C";
            ALTER TABLE t ADD COLUMN c7 VARCHAR(10);
            ALTER TABLE t ADD COLUMN c8 VARCHAR(10);
            ALTER TABLE t ADD COLUMN c9 CHAR(2);
            ALTER TABLE t ADD COLUMN c10 TEXT;
            ALTER TABLE t ADD COLUMN c11 TEXT;
            ALTER TABLE t ADD COLUMN c12 BOOLEAN;
            ALTER TABLE t ADD COLUMN c13 NUMERIC;
            ALTER TABLE t ADD COLUMN c14 NUMERIC(4, 3);
            ALTER TABLE t ADD COLUMN c15 NUMERIC(10, 2);
            ALTER TABLE t ADD COLUMN c16 NUMERIC(10);
            ALTER TABLE t ADD COLUMN c17 DECIMAL(8, 2);
            ALTER TABLE t ADD COLUMN c18 FLOAT;
            ALTER TABLE t ADD COLUMN c19 FLOAT(53);
            ALTER TABLE t ADD COLUMN c20 REAL;
            ALTER TABLE t ADD COLUMN c21 DOUBLE PRECISION;
            ALTER TABLE t ADD COLUMN c22 DOUBLE PRECISION;
            ALTER TABLE t ADD COLUMN c23 TIMESTAMP WITHOUT TIME ZONE;
            ALTER TABLE t ADD COLUMN c24 TIMESTAMP WITH TIME ZONE;
            ALTER TABLE t ADD COLUMN c25 TIMESTAMP(6) WITH TIME ZONE;
            ALTER TABLE t ADD COLUMN c26 DATE;
            ALTER TABLE t ADD COLUMN c27 TIME WITHOUT TIME ZONE;
            ALTER TABLE t ADD COLUMN c28 TIME WITH TIME ZONE;
            ALTER TABLE t ADD COLUMN c29 INTERVAL;
            ALTER TABLE t ADD COLUMN c30 INTERVAL DAY TO SECOND (2);
            ALTER TABLE t ADD COLUMN c31 JSON;
            ALTER TABLE t ADD COLUMN c32 JSONB;
            ALTER TABLE t ADD COLUMN c33 UUID;
            ALTER TABLE t ADD COLUMN c34 UUID;
            ALTER TABLE t ADD COLUMN c35 UUID;
            ALTER TABLE t ADD COLUMN c36 BYTEA;
            ALTER TABLE t ADD COLUMN c37 BYTEA;
            ALTER TABLE t ADD COLUMN c38 INTEGER[];
            ALTER TABLE t ADD COLUMN c39 VARCHAR(20)[][];
            ALTER TABLE t ADD COLUMN c40 INET;
            ALTER TABLE t ADD COLUMN c41 CITEXT;
            ALTER TABLE t ADD COLUMN c42 VARCHAR(1);
            ALTER TABLE t ADD COLUMN c43 app."Mood";
            enum-type-not-created r1.py:53:24: Alembic's `add_column` does not create the enum type app."Mood": unless an earlier step created it, PostgreSQL rejects the ALTER because the type does not exist.
              help: Create the type first with `sa.Enum(..., name=…).create(op.get_bind())`.
            "#);
    }

    #[test]
    fn types_err() {
        insta::assert_snapshot!(check("op.add_column(\"t\", sa.Column(\"a\", sa.PickleType()))\nop.add_column(\"t\", sa.Column(\"b\", sa.String(\"x\")))\nop.add_column(\"t\", sa.Column(\"c\", 42))"), @r#"
            unsupported-type r1.py:10:39: miglab does not know how SQLAlchemy renders the type `PickleType` on PostgreSQL.
              help: Use one of the supported types (Integer, String, Numeric, DateTime, UUID, Enum, ARRAY…) or write the DDL with `op.execute()`.
            unsupported-expression r1.py:11:49: miglab expected a whole number here but found the string "x".
              help: Write a whole number here.
            unsupported-expression r1.py:12:39: miglab expected a SQLAlchemy type such as `sa.Integer()` here but found the number 42.
              help: Write a SQLAlchemy type such as `sa.Integer()` here.
            "#);
    }
}
