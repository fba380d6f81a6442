//! Types as Postgres's `format_type` prints them, from sqlparser's `DataType` or from a learner's text.
//!
//! The simulation, the grader and the engine's introspection must spell a type the same way,
//! so `varchar(255)`, `VARCHAR(255)` and `character varying(255)` all become the last.

use sqlparser::ast::{ArrayElemTypeDef, CharacterLength, DataType, ExactNumberInfo, TimezoneInfo};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

/// `format_type` spelling of a parsed type; a type miglab does not model keeps sqlparser's
/// spelling in lower case, which is what Postgres prints for most extension and user types.
pub fn format_type(data_type: &DataType) -> String {
    match data_type {
        DataType::SmallInt(_) | DataType::Int2(_) => "smallint".into(),
        DataType::Int(_) | DataType::Integer(_) | DataType::Int4(_) => "integer".into(),
        DataType::BigInt(_) | DataType::Int8(_) => "bigint".into(),
        DataType::Real | DataType::Float4 => "real".into(),
        DataType::Float8 | DataType::DoublePrecision | DataType::Double(_) => {
            "double precision".into()
        }
        DataType::Float(ExactNumberInfo::Precision(p)) if *p <= 24 => "real".into(),
        DataType::Float(_) => "double precision".into(),
        DataType::Numeric(info) | DataType::Decimal(info) | DataType::Dec(info) => match info {
            ExactNumberInfo::None => "numeric".into(),
            ExactNumberInfo::Precision(p) => format!("numeric({p},0)"),
            ExactNumberInfo::PrecisionAndScale(p, s) => format!("numeric({p},{s})"),
        },
        DataType::Bool | DataType::Boolean => "boolean".into(),
        DataType::Text => "text".into(),
        DataType::Uuid => "uuid".into(),
        DataType::Bytea => "bytea".into(),
        DataType::JSON => "json".into(),
        DataType::JSONB => "jsonb".into(),
        DataType::Date => "date".into(),
        DataType::Regclass => "regclass".into(),
        DataType::TsVector => "tsvector".into(),
        DataType::TsQuery => "tsquery".into(),
        DataType::Varchar(len) | DataType::CharacterVarying(len) | DataType::CharVarying(len) => {
            with_length("character varying", len.as_ref(), None)
        }
        // Postgres reads a bare `char` as `char(1)`.
        DataType::Char(len) | DataType::Character(len) => {
            with_length("character", len.as_ref(), Some(1))
        }
        DataType::Bit(len) => format!("bit({})", len.unwrap_or(1)),
        DataType::BitVarying(len) | DataType::VarBit(len) => {
            len.map_or_else(|| "bit varying".into(), |n| format!("bit varying({n})"))
        }
        DataType::Timestamp(precision, tz) => temporal("timestamp", *precision, tz),
        DataType::Time(precision, tz) => temporal("time", *precision, tz),
        DataType::Interval { fields, precision } => {
            let mut out = "interval".to_owned();
            if let Some(fields) = fields {
                out.push(' ');
                out.push_str(&fields.to_string().to_lowercase());
            }
            if let Some(p) = precision {
                out.push_str(&format!("({p})"));
            }
            out
        }
        DataType::Array(
            ArrayElemTypeDef::SquareBracket(inner, _)
            | ArrayElemTypeDef::Qualified(inner, _)
            | ArrayElemTypeDef::AngleBracket(inner)
            | ArrayElemTypeDef::Parenthesis(inner),
        ) => {
            format!("{}[]", format_type(inner))
        }
        DataType::Custom(name, modifiers) => custom(&name.to_string(), modifiers),
        other => other.to_string().to_lowercase(),
    }
}

fn with_length(name: &str, length: Option<&CharacterLength>, default: Option<u64>) -> String {
    let length = match length {
        Some(CharacterLength::IntegerLength { length, .. }) => Some(*length),
        Some(CharacterLength::Max) => None,
        None => default,
    };
    length.map_or_else(|| name.to_owned(), |n| format!("{name}({n})"))
}

fn temporal(name: &str, precision: Option<u64>, tz: &TimezoneInfo) -> String {
    let precision = precision.map(|p| format!("({p})")).unwrap_or_default();
    let zone = match tz {
        TimezoneInfo::WithTimeZone | TimezoneInfo::Tz => "with time zone",
        TimezoneInfo::None | TimezoneInfo::WithoutTimeZone => "without time zone",
    };
    format!("{name}{precision} {zone}")
}

/// Names sqlparser does not know as types: Postgres's internal aliases and user types.
fn custom(name: &str, modifiers: &[String]) -> String {
    let unquoted = name.trim_matches('"');
    let lower = if name.starts_with('"') { unquoted.to_owned() } else { unquoted.to_lowercase() };
    let base = lower.strip_prefix("pg_catalog.").unwrap_or(&lower);
    let mapped = match base {
        "serial" | "serial4" => "integer",
        "bigserial" | "serial8" => "bigint",
        "smallserial" | "serial2" => "smallint",
        "timestamptz" => {
            return temporal(
                "timestamp",
                modifiers.first().and_then(|m| m.parse().ok()),
                &TimezoneInfo::WithTimeZone,
            )
        }
        "timetz" => {
            return temporal(
                "time",
                modifiers.first().and_then(|m| m.parse().ok()),
                &TimezoneInfo::WithTimeZone,
            )
        }
        "bool" => "boolean",
        "float4" => "real",
        "float8" => "double precision",
        "int2" => "smallint",
        "int4" => "integer",
        "int8" => "bigint",
        "varchar" => {
            return modifiers
                .first()
                .map_or_else(|| "character varying".into(), |n| format!("character varying({n})"))
        }
        other => other,
    };
    if modifiers.is_empty() {
        mapped.to_owned()
    } else {
        format!("{mapped}({})", modifiers.join(","))
    }
}

/// True for the serial pseudo-types, which Postgres turns into an integer column with a sequence default.
pub fn is_serial(data_type: &DataType) -> bool {
    matches!(data_type, DataType::Custom(name, _) if matches!(name.to_string().to_lowercase().as_str(), "serial" | "serial4" | "bigserial" | "serial8" | "smallserial" | "serial2"))
}

/// A learner's or lesson's spelling of a type, canonicalised; text that does not parse as a type
/// is only lower-cased and whitespace-collapsed, so it still compares sensibly.
pub fn canonical_type(text: &str) -> String {
    let parsed = Parser::new(&PostgreSqlDialect {}).try_with_sql(text).and_then(|mut parser| {
        let data_type = parser.parse_data_type()?;
        parser.expect_token(&sqlparser::tokenizer::Token::EOF)?;
        Ok(data_type)
    });
    match parsed {
        Ok(data_type) => format_type(&data_type),
        Err(_) => text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase(),
    }
}

#[cfg(test)]
mod test {
    use super::*;

    fn check(inputs: &str) -> String {
        inputs
            .lines()
            .map(|line| format!("{line} => {}", canonical_type(line)))
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn format_type_ok() {
        insta::assert_snapshot!(check("NUMERIC(4, 3)
numeric
decimal(10)
VARCHAR(255)
varchar
char
character(3)
int
int4
INTEGER
bigint
smallint
serial
bigserial
float
float(10)
double precision
real
bool
text
uuid
jsonb
json
bytea
date
timestamp
timestamptz
TIMESTAMP WITH TIME ZONE
timestamp(3) with time zone
time
interval
text[]
varchar(20)[]
integer ARRAY
mood
\"Mood\"
citext
not a type at all"), @r#"
        NUMERIC(4, 3) => numeric(4,3)
        numeric => numeric
        decimal(10) => numeric(10,0)
        VARCHAR(255) => character varying(255)
        varchar => character varying
        char => character(1)
        character(3) => character(3)
        int => integer
        int4 => integer
        INTEGER => integer
        bigint => bigint
        smallint => smallint
        serial => integer
        bigserial => bigint
        float => double precision
        float(10) => real
        double precision => double precision
        real => real
        bool => boolean
        text => text
        uuid => uuid
        jsonb => jsonb
        json => json
        bytea => bytea
        date => date
        timestamp => timestamp without time zone
        timestamptz => timestamp with time zone
        TIMESTAMP WITH TIME ZONE => timestamp with time zone
        timestamp(3) with time zone => timestamp(3) with time zone
        time => time without time zone
        interval => interval
        text[] => text[]
        varchar(20)[] => character varying(20)[]
        integer ARRAY => integer[]
        mood => mood
        "Mood" => Mood
        citext => citext
        not a type at all => not a type at all
        "#);
    }
}
