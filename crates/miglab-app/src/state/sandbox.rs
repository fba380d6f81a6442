//! The sandbox's document: the starting schema and the revisions the learner typed, pasted or uploaded.
//!
//! It is the whole of what a share link carries (`sandbox_share`), so it holds text only; what the analyzer and the
//! engine make of it lives in the page and is made again from this.

use serde::{Deserialize, Serialize};
use std::rc::Rc;
use yew::Reducible;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Doc {
    /// SQL to build the starting database from: `pg_dump` output, a lesson's seed, any script.
    #[serde(default)]
    pub schema: String,
    #[serde(default)]
    pub revisions: Vec<RevisionDoc>,
}

/// One revision: an Alembic revision file, or a pair of SQL files with the place it takes in the chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RevisionDoc {
    Alembic {
        name: String,
        text: String,
    },
    Sql {
        name: String,
        /// Where the pair runs among the SQL pairs, lowest first (golang-migrate's and Flyway's version number).
        order: u32,
        up: String,
        down: String,
    },
}

impl RevisionDoc {
    pub fn name(&self) -> &str {
        match self {
            RevisionDoc::Alembic { name, .. } | RevisionDoc::Sql { name, .. } => name,
        }
    }
}

/// Which text of a revision an edit replaces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Name,
    /// The Alembic file, or the SQL pair's up file.
    Text,
    Down,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    SetSchema(String),
    AddAlembic,
    AddSql,
    /// A file the learner uploaded, already read as text.
    AddFile {
        name: String,
        text: String,
    },
    Remove(usize),
    Edit(usize, Field, String),
    SetOrder(usize, u32),
    Replace(Doc),
}

/// A new Alembic revision file's text: the smallest file the translator reads, for the learner to fill in.
const ALEMBIC_TEMPLATE: &str = r#""""describe the change

Revision ID: REVISION
Revises:
"""
from alembic import op
import sqlalchemy as sa

revision = "REVISION"
down_revision = DOWN


def upgrade():
    pass


def downgrade():
    pass
"#;

impl Doc {
    fn next_sql_order(&self) -> u32 {
        self.revisions
            .iter()
            .filter_map(|r| match r {
                RevisionDoc::Sql { order, .. } => Some(*order),
                RevisionDoc::Alembic { .. } => None,
            })
            .max()
            .map_or(1, |o| o.saturating_add(1))
    }

    /// The revision id the last Alembic file declares, for the next file's `down_revision`; read by line, since the
    /// app has no Python parser and a template only needs a guess the learner can see and fix.
    fn last_alembic_revision(&self) -> Option<String> {
        self.revisions.iter().rev().find_map(|r| match r {
            RevisionDoc::Alembic { text, .. } => text.lines().find_map(|l| {
                let value = l.strip_prefix("revision")?.trim_start().strip_prefix('=')?.trim();
                let value = value.split('#').next()?.trim().trim_matches(|c| c == '"' || c == '\'');
                (!value.is_empty()).then(|| value.to_owned())
            }),
            RevisionDoc::Sql { .. } => None,
        })
    }

    pub fn apply(&self, action: Action) -> Doc {
        let mut doc = self.clone();
        match action {
            Action::SetSchema(text) => doc.schema = text,
            Action::AddAlembic => {
                let n = doc.revisions.len() + 1;
                let id = format!("rev{n:03}");
                let down = doc
                    .last_alembic_revision()
                    .map_or_else(|| "None".to_owned(), |d| format!("\"{d}\""));
                doc.revisions.push(RevisionDoc::Alembic {
                    name: format!("{id}.py"),
                    text: ALEMBIC_TEMPLATE.replace("REVISION", &id).replace("DOWN", &down),
                });
            }
            Action::AddSql => {
                let order = doc.next_sql_order();
                doc.revisions.push(RevisionDoc::Sql {
                    name: format!("{order:06}_change"),
                    order,
                    up: String::new(),
                    down: String::new(),
                });
            }
            Action::AddFile { name, text } => doc.add_file(name, text),
            Action::Remove(i) => {
                if i < doc.revisions.len() {
                    doc.revisions.remove(i);
                }
            }
            Action::Edit(i, field, value) => {
                if let Some(r) = doc.revisions.get_mut(i) {
                    match (r, field) {
                        (
                            RevisionDoc::Alembic { name, .. } | RevisionDoc::Sql { name, .. },
                            Field::Name,
                        ) => *name = value,
                        (RevisionDoc::Alembic { text, .. }, Field::Text)
                        | (RevisionDoc::Sql { up: text, .. }, Field::Text) => *text = value,
                        (RevisionDoc::Sql { down, .. }, Field::Down) => *down = value,
                        (RevisionDoc::Alembic { .. }, Field::Down) => {}
                    }
                }
            }
            Action::SetOrder(i, value) => {
                if let Some(RevisionDoc::Sql { order, .. }) = doc.revisions.get_mut(i) {
                    *order = value;
                }
            }
            Action::Replace(new) => doc = new,
        }
        doc
    }

    /// An uploaded file: a `.py` is an Alembic revision; `NAME.up.sql` and `NAME.down.sql` fill the two halves of the
    /// pair `NAME`, whose leading number (golang-migrate's `000002_x`) is its order; any other `.sql` is an up file.
    fn add_file(&mut self, name: String, text: String) {
        if name.ends_with(".py") {
            self.revisions.push(RevisionDoc::Alembic { name, text });
            return;
        }
        let (stem, is_down) = match (name.strip_suffix(".down.sql"), name.strip_suffix(".up.sql")) {
            (Some(stem), _) => (stem.to_owned(), true),
            (_, Some(stem)) => (stem.to_owned(), false),
            _ => (name.trim_end_matches(".sql").to_owned(), false),
        };
        let existing = self.revisions.iter_mut().find_map(|r| match r {
            RevisionDoc::Sql { name, up, down, .. } if *name == stem => Some((up, down)),
            _ => None,
        });
        if let Some((up, down)) = existing {
            *if is_down { down } else { up } = text;
            return;
        }
        let digits: String = stem
            .chars()
            .skip_while(|c| !c.is_ascii_digit())
            .take_while(char::is_ascii_digit)
            .collect();
        let order = digits.parse().unwrap_or_else(|_| self.next_sql_order());
        let (up, down) = if is_down { (String::new(), text) } else { (text, String::new()) };
        self.revisions.push(RevisionDoc::Sql { name: stem, order, up, down });
    }
}

impl Reducible for Doc {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new(self.apply(action))
    }
}

#[cfg(test)]
mod test {
    use super::*;

    fn after(actions: Vec<Action>) -> Doc {
        actions.into_iter().fold(Doc::default(), |doc, a| doc.apply(a))
    }

    #[test]
    fn alembic_template_chains_ok() {
        let doc = after(vec![Action::AddAlembic, Action::AddAlembic]);
        let RevisionDoc::Alembic { text, .. } = &doc.revisions[1] else { panic!("alembic") };
        assert!(
            text.contains("revision = \"rev002\"") && text.contains("down_revision = \"rev001\""),
            "{text}"
        );
    }

    #[test]
    fn uploaded_pair_fills_both_halves_ok() {
        let doc = after(vec![
            Action::AddFile { name: "000002_status.down.sql".into(), text: "DROP".into() },
            Action::AddFile { name: "000002_status.up.sql".into(), text: "CREATE".into() },
            Action::AddFile { name: "m.py".into(), text: "x".into() },
        ]);
        assert_eq!(
            doc.revisions,
            [
                RevisionDoc::Sql {
                    name: "000002_status".into(),
                    order: 2,
                    up: "CREATE".into(),
                    down: "DROP".into()
                },
                RevisionDoc::Alembic { name: "m.py".into(), text: "x".into() },
            ]
        );
    }

    #[test]
    fn edits_out_of_range_err() {
        let doc = after(vec![
            Action::AddSql,
            Action::Remove(5),
            Action::Edit(9, Field::Text, "x".into()),
            Action::SetOrder(0, 7),
        ]);
        assert!(matches!(&doc.revisions[..], [RevisionDoc::Sql { order: 7, .. }]));
    }
}
