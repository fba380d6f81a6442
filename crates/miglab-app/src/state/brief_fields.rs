//! The learner's brief for the agent: one sentence in business English and the fields the lesson asks for,
//! checked against `make.fields` before the agent drafts anything.
//!
//! A type is compared as the catalog names it (`format_type`), after the common spellings are normalized
//! (`UUID`, `int`, `varchar(40)`, `sa.String(40)`), so a learner is never refused for writing it another way.

use miglab_model::lesson::BriefFields;
use serde::{Deserialize, Serialize};

/// What the learner typed, saved with their progress as they type.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Brief {
    pub sentence: String,
    pub table: String,
    pub column: String,
    #[serde(rename = "type")]
    pub data_type: String,
    pub nullable: Option<bool>,
    pub index: Option<bool>,
}

/// One field of the brief, as the form and the messages name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Sentence,
    Table,
    Column,
    Type,
    Nullable,
    Index,
}

/// Why the brief cannot go to the agent yet: one sentence per field that disagrees with the lesson; empty when it agrees.
/// The expected values are not given away: the lesson's brief says them, and the learner should read it.
pub fn check(brief: &Brief, fields: &BriefFields) -> Vec<(Field, String)> {
    let mut out = Vec::new();
    let words = brief.sentence.split_whitespace().count();
    if words < 4 {
        out.push((Field::Sentence, "Write the brief as one sentence in business English, with at least four words: what the change is for and what it adds.".to_owned()));
    }
    let same = |a: &str, b: &str| ident(a) == ident(b);
    if brief.table.trim().is_empty() {
        out.push((Field::Table, "Name the table the change is on.".to_owned()));
    } else if !same(&brief.table, &fields.table) {
        out.push((
            Field::Table,
            format!(
                "The table `{}` is not the one the lesson's brief changes; read the brief again.",
                brief.table.trim()
            ),
        ));
    }
    if let Some(column) = &fields.column {
        if brief.column.trim().is_empty() {
            out.push((Field::Column, "Name the column the change adds.".to_owned()));
        } else if !same(&brief.column, column) {
            out.push((
                Field::Column,
                format!(
                    "The column `{}` is not the one the lesson's brief asks for.",
                    brief.column.trim()
                ),
            ));
        }
    }
    if let Some(data_type) = &fields.data_type {
        if brief.data_type.trim().is_empty() {
            out.push((Field::Type, "Give the column's type, e.g. `uuid` or `text`.".to_owned()));
        } else if normalize_type(&brief.data_type) != normalize_type(data_type) {
            out.push((
                Field::Type,
                format!(
                    "The type `{}` (Postgres calls it `{}`) is not the type the brief asks for.",
                    brief.data_type.trim(),
                    normalize_type(&brief.data_type)
                ),
            ));
        }
    }
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    if let Some(nullable) = fields.nullable {
        match brief.nullable {
            None => out.push((Field::Nullable, "Say whether the column may hold NULL.".to_owned())),
            Some(said) if said != nullable => out.push((Field::Nullable, format!("You answered {} to \"may it hold NULL?\"; the brief says otherwise about existing rows.", yes_no(said)))),
            Some(_) => {}
        }
    }
    if let Some(index) = fields.index {
        match brief.index {
            None => out.push((Field::Index, "Say whether the column gets an index.".to_owned())),
            Some(said) if said != index => out.push((
                Field::Index,
                format!(
                    "You answered {} to \"does it get an index?\"; the brief says otherwise.",
                    yes_no(said)
                ),
            )),
            Some(_) => {}
        }
    }
    out
}

/// An identifier as Postgres folds it: quotes and surrounding space gone, lower case.
fn ident(text: &str) -> String {
    text.trim().trim_matches('"').trim_matches('`').to_lowercase()
}

/// A type as `format_type` prints it, from the spellings learners write: SQL (`int`, `VARCHAR(40)`, `timestamptz`),
/// and SQLAlchemy (`sa.String(40)`, `postgresql.UUID`). Anything unknown comes back lower-cased with spaces tidied.
pub fn normalize_type(text: &str) -> String {
    let mut t = text.trim().to_lowercase();
    for prefix in ["sqlalchemy.", "sa.", "postgresql.", "dialects.postgresql."] {
        if let Some(rest) = t.strip_prefix(prefix) {
            t = rest.to_owned();
        }
    }
    // One space between words, none inside the parentheses.
    let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
    let (name, args) = match t.find('(') {
        Some(open) => {
            let args: String = t[open..]
                .chars()
                .filter(|c| !c.is_whitespace() && *c != '(' && *c != ')')
                .collect();
            (t[..open].trim().to_owned(), (!args.is_empty()).then_some(args))
        }
        None => (t.clone(), None),
    };
    // `uuid(as_uuid=True)` and `datetime(timezone=True)` carry keyword arguments, not a length.
    let keyword = args.as_deref().is_some_and(|a| a.contains('='));
    let with_tz = args.as_deref().is_some_and(|a| a.contains("timezone=true"));
    let args = if keyword { None } else { args };
    let sized = |base: &str| match &args {
        Some(a) => format!("{base}({a})"),
        None => base.to_owned(),
    };
    match name.as_str() {
        "uuid" => "uuid".into(),
        "int" | "integer" | "int4" => "integer".into(),
        "bigint" | "int8" | "biginteger" => "bigint".into(),
        "smallint" | "int2" | "smallinteger" => "smallint".into(),
        "serial" | "serial4" => "integer".into(),
        "bigserial" | "serial8" => "bigint".into(),
        "text" | "unicodetext" => "text".into(),
        "varchar" | "character varying" | "string" | "unicode" => sized("character varying"),
        "char" | "character" | "bpchar" => sized("character"),
        "bool" | "boolean" => "boolean".into(),
        "numeric" | "decimal" => sized("numeric"),
        "float8" | "double precision" | "double" | "float" => "double precision".into(),
        "float4" | "real" => "real".into(),
        "date" => "date".into(),
        "timestamptz" | "timestamp with time zone" => "timestamp with time zone".into(),
        "datetime" if with_tz => "timestamp with time zone".into(),
        "timestamp" | "timestamp without time zone" | "datetime" => {
            "timestamp without time zone".into()
        }
        "json" => "json".into(),
        "jsonb" => "jsonb".into(),
        _ => sized(&name),
    }
}

#[cfg(test)]
mod test {
    use super::*;

    fn fields() -> BriefFields {
        BriefFields {
            table: "expenses".into(),
            column: Some("reconciler_run_id".into()),
            data_type: Some("uuid".into()),
            nullable: Some(true),
            index: Some(true),
        }
    }

    fn right() -> Brief {
        Brief {
            sentence: "Link each expense to the reconciler run that matched it.".into(),
            table: "Expenses".into(),
            column: "reconciler_run_id".into(),
            data_type: "UUID".into(),
            nullable: Some(true),
            index: Some(true),
        }
    }

    fn named(problems: &[(Field, String)]) -> Vec<Field> {
        problems.iter().map(|(f, _)| *f).collect()
    }

    #[test]
    fn spellings_ok() {
        for (written, catalog) in [
            ("UUID", "uuid"),
            ("postgresql.UUID(as_uuid=True)", "uuid"),
            ("int", "integer"),
            ("INT4", "integer"),
            ("varchar(40)", "character varying(40)"),
            ("VARCHAR ( 40 )", "character varying(40)"),
            ("sa.String(40)", "character varying(40)"),
            ("character varying(40)", "character varying(40)"),
            ("Numeric(4, 3)", "numeric(4,3)"),
            ("decimal(10,2)", "numeric(10,2)"),
            ("timestamptz", "timestamp with time zone"),
            ("sa.DateTime(timezone=True)", "timestamp with time zone"),
            ("sa.Text", "text"),
            ("bool", "boolean"),
        ] {
            assert_eq!(normalize_type(written), catalog, "{written}");
        }
    }

    #[test]
    fn right_brief_ok() {
        assert_eq!(check(&right(), &fields()), Vec::new());
    }

    #[test]
    fn blank_brief_err() {
        let problems = check(&Brief::default(), &fields());
        assert_eq!(
            named(&problems),
            [
                Field::Sentence,
                Field::Table,
                Field::Column,
                Field::Type,
                Field::Nullable,
                Field::Index
            ]
        );
        assert!(problems.iter().all(|(_, m)| m.ends_with('.')), "{problems:?}");
    }

    #[test]
    fn each_wrong_field_named_err() {
        let brief = Brief {
            data_type: "varchar(40)".into(),
            nullable: Some(false),
            column: "run_id".into(),
            ..right()
        };
        let problems = check(&brief, &fields());
        assert_eq!(named(&problems), [Field::Column, Field::Type, Field::Nullable]);
        assert_eq!(
            problems[1].1,
            "The type `varchar(40)` (Postgres calls it `character varying(40)`) is not the type the brief asks for."
        );
        assert!(problems[0].1.contains("`run_id`"), "{problems:?}");
    }

    #[test]
    fn fields_the_lesson_does_not_ask_ok() {
        let only_table = BriefFields { table: "expenses".into(), ..Default::default() };
        let brief = Brief {
            sentence: "Reviewers want to note why they override.".into(),
            table: "expenses".into(),
            ..Default::default()
        };
        assert_eq!(check(&brief, &only_table), Vec::new());
    }
}
