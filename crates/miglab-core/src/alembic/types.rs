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
    let Some(name) = name else { return cx.unsupported(value, "a SQLAlchemy type such as `sa.Integer()`") };
    let empty = super::python::Call { func: value.clone(), args: Vec::new(), kwargs: Vec::new() };
    let call = call.unwrap_or(&empty);
    let bind = |cx: &Cx, params: &'static [&'static str], ignored: &'static [&'static str]| {
        Args::bind(cx, call, value.span, &Signature { ignored, ..Signature::new(name, params) })
    };
    let simple = |sql: &str, family: Family| Some(SqlType { sql: sql.to_owned(), family, enum_type: None });
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
        ignored: &["name", "schema", "native_enum", "create_type", "create_constraint", "length", "validate_strings", "values_callable", "inherit_schema", "metadata", "omit_aliases", "sort_key_function"],
        ..Signature::new("sa.Enum", &[])
    };
    let args = Args::bind(cx, call, value.span, &sig)?;
    let mut values = Vec::new();
    for item in &args.rest {
        values.push(cx.string(item, "an enum value string (miglab cannot read a Python enum class)")?);
    }
    let kwarg = |name: &str| call.kwargs.iter().find(|k| k.name.as_deref() == Some(name)).map(|k| &k.value);
    let native = match kwarg("native_enum") {
        Some(v) => cx.bool(v)?,
        None => true,
    };
    if !native {
        let length = match kwarg("length") {
            Some(v) => cx.int(v)?,
            None => values.iter().map(|v| v.chars().count() as i64).max().unwrap_or(0),
        };
        return Some(SqlType { sql: format!("VARCHAR({length})"), family: Family::Other, enum_type: None });
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
    Some(SqlType { sql: name.clone(), family: Family::Other, enum_type: Some(EnumType { name, values, create }) })
}
