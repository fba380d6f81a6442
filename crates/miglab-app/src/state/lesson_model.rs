//! The lesson as the screens see it: the model's checked lesson plus its questions in the shape the inputs need.

use miglab_model::grade::AnswerKey;
use miglab_model::lesson::{self, BundledLesson, Lesson, RunCommand};
use serde::{Deserialize, Serialize};

/// The five PRIMM stages in course order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    Predict,
    Run,
    Investigate,
    Modify,
    Make,
}

impl Stage {
    pub const ALL: [Stage; 5] =
        [Stage::Predict, Stage::Run, Stage::Investigate, Stage::Modify, Stage::Make];

    pub fn label(self) -> &'static str {
        match self {
            Stage::Predict => "Predict",
            Stage::Run => "Run",
            Stage::Investigate => "Investigate",
            Stage::Modify => "Modify",
            Stage::Make => "Make",
        }
    }

    pub fn next(self) -> Option<Stage> {
        Stage::ALL.iter().copied().find(|s| *s > self)
    }
}

/// One course entry: a loaded lesson, or why it could not load.
#[derive(Clone, Debug, PartialEq)]
pub enum CourseEntry {
    Ready(std::rc::Rc<LessonView>),
    Unavailable { id: String, message: String },
}

impl CourseEntry {
    /// A bundle's lesson as a catalog entry; `progress_prefix` namespaces where its progress is saved.
    pub fn from_bundled(bundled: BundledLesson, progress_prefix: &str) -> CourseEntry {
        match bundled.lesson {
            Some(lesson) => {
                let mut view = LessonView::new(*lesson);
                view.progress_key = format!("{progress_prefix}{}", view.progress_key);
                CourseEntry::Ready(std::rc::Rc::new(view))
            }
            None => {
                CourseEntry::Unavailable { id: bundled.id, message: bundled.messages.join("\n") }
            }
        }
    }

    pub fn id(&self) -> &str {
        match self {
            CourseEntry::Ready(lesson) => lesson.id(),
            CourseEntry::Unavailable { id, .. } => id,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct LessonView {
    pub lesson: Lesson,
    /// Where the learner's progress in this lesson is saved: the lesson id, or for a pack's lesson that id
    /// namespaced by the pack (`state::pack_view`), so a pack's `confidence_score` never shares the course's.
    pub progress_key: String,
    pub predict: Vec<Question>,
    pub investigate: Vec<Question>,
    pub modify: Vec<Question>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Question {
    pub id: String,
    pub prompt: String,
    pub kind: QuestionKind,
    /// The core grader's key; the screen never shows it before the answer is locked.
    pub key: AnswerKey,
    /// Commands that lead to the state the question asks about, e.g. `upgrade head`.
    pub after: Vec<RunCommand>,
    /// The lesson asks for this answer without AI help.
    pub ai_free: bool,
    /// A query that shows the answer on the engine, offered once the answer is locked.
    pub evidence: Option<lesson::Evidence>,
    /// A value question's own query (its answer is the query's first value); it may start with setup statements.
    pub query: Option<String>,
    /// An ordering's SQL per item id, when every item has some: the learner's order is then run on the branch.
    pub item_sql: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum QuestionKind {
    /// A predicted schema, edited as table cards starting from the schema before the run.
    Schema,
    /// A value an existing row holds, typed as psql prints it (`NULL` for null).
    Value,
    /// Options as `(id, text)`.
    Choice { options: Vec<(String, String)>, multiple: bool },
    /// Items as `(id, text)`, in the order the screen first shows them.
    Order { items: Vec<(String, String)> },
    /// Self-assessed against a model answer shown once the answer is locked.
    FreeText,
    /// The strongest lock on `table` once `statement` has run, and whether it rewrote the table.
    Lock { table: String, statement: String },
}

impl Question {
    fn from_lesson(q: &lesson::Question) -> Question {
        let pairs = |items: Vec<(&String, &String)>| {
            items.into_iter().map(|(a, b)| (a.clone(), b.clone())).collect::<Vec<_>>()
        };
        let kind = match &q.key {
            AnswerKey::Schema(_) => QuestionKind::Schema,
            AnswerKey::Value(_) => QuestionKind::Value,
            AnswerKey::Choice(key) => QuestionKind::Choice {
                options: pairs(q.options.iter().map(|o| (&o.id, &o.text)).collect()),
                multiple: key.multiple,
            },
            AnswerKey::Ordering(key) => QuestionKind::Order {
                items: first_order(
                    pairs(q.items.iter().map(|i| (&i.id, &i.text)).collect()),
                    &key.order,
                ),
            },
            AnswerKey::FreeText(_) => QuestionKind::FreeText,
            AnswerKey::Lock(key) => {
                QuestionKind::Lock { table: key.table.clone(), statement: key.statement.clone() }
            }
        };
        let item_sql = q
            .items
            .iter()
            .map(|i| Some((i.id.clone(), i.sql.clone()?)))
            .collect::<Option<Vec<_>>>()
            .filter(|sql| !sql.is_empty())
            .unwrap_or_default();
        Question {
            id: q.id.clone(),
            prompt: q.prompt.clone(),
            kind,
            key: q.key.clone(),
            after: q.after.clone(),
            ai_free: q.ai_free,
            evidence: q.evidence.clone(),
            query: q.query.clone(),
            item_sql,
        }
    }

    /// The SQL of an ordering answer's steps in the learner's order, when this question's order is run on the engine.
    pub fn order_steps(&self, order: &[String]) -> Option<Vec<String>> {
        if self.item_sql.is_empty() {
            return None;
        }
        order
            .iter()
            .map(|id| self.item_sql.iter().find(|(item, _)| item == id).map(|(_, sql)| sql.clone()))
            .collect()
    }

    /// Item and option ids with the text the learner saw, without Markdown, so feedback names steps by what they say.
    pub fn labels(&self) -> Vec<(String, String)> {
        match &self.kind {
            QuestionKind::Order { items } | QuestionKind::Choice { options: items, .. } => items
                .iter()
                .map(|(id, text)| (id.clone(), crate::state::plain_text::plain(text)))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The query that shows this answer on the engine, and the value it should give: the evidence, or a value question's own query.
    pub fn engine_query(&self) -> Option<(&str, Option<&str>)> {
        match (&self.evidence, &self.query, &self.key) {
            (Some(evidence), _, _) => Some((evidence.query.as_str(), evidence.expected.as_deref())),
            (None, Some(query), AnswerKey::Value(key)) => {
                Some((query.as_str(), key.expected.as_deref()))
            }
            _ => None,
        }
    }
}

/// Items in the lesson's order, unless that is already the answer: then reversed, so the start is never solved.
fn first_order(mut items: Vec<(String, String)>, answer: &[String]) -> Vec<(String, String)> {
    if items.len() > 1 && items.iter().map(|(id, _)| id).eq(answer.iter()) {
        items.reverse();
    }
    items
}

impl LessonView {
    pub fn new(lesson: Lesson) -> LessonView {
        let convert = |qs: &[lesson::Question]| qs.iter().map(Question::from_lesson).collect();
        let m = &lesson.manifest;
        LessonView {
            predict: convert(&m.predict.questions),
            investigate: convert(&m.investigate.questions),
            modify: convert(&m.modify.questions),
            progress_key: m.id.clone(),
            lesson,
        }
    }

    pub fn id(&self) -> &str {
        &self.lesson.manifest.id
    }

    pub fn title(&self) -> &str {
        &self.lesson.manifest.title
    }

    pub fn questions(&self) -> impl Iterator<Item = &Question> {
        self.predict.iter().chain(&self.investigate).chain(&self.modify)
    }
}
