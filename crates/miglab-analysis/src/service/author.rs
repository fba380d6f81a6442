//! The author module's side of the service: the author view's requests (load, scaffold, pack and unpack lessons),
//! answered with lesson loading, which the lessons' analyzer does not link.
//! The in-page check is the author module's too (`check::stepper`); a learner's first visit fetches neither.

use super::{elsewhere, json_with, Reply, Request};
use crate::lesson;

/// Does the work an author view's request asks for; a lesson's request is refused (it is [`super::answer`]'s).
pub fn answer(request: Request) -> Reply {
    match request {
        Request::Lessons { files } => Reply::Lessons { lessons: lesson::load_files(&files) },
        Request::Scaffold { id } => scaffold(&id),
        Request::Pack { id, files } => {
            let (text, messages) = lesson::pack_files(&id, &files);
            Reply::Pack { text, messages }
        }
        Request::Unpack { text } => {
            let (files, messages) = lesson::unpack(&text);
            Reply::Files { files, messages }
        }
        other => elsewhere(&other),
    }
}

/// [`answer`] over JSON, as the author module exports it.
pub fn answer_json(request: &str) -> String {
    json_with(request, answer)
}

/// `miglab new`'s files, or why the id cannot name a lesson, in the CLI's words.
fn scaffold(id: &str) -> Reply {
    if !lesson::is_valid_id(id) {
        return Reply::Files {
            files: std::collections::BTreeMap::new(),
            messages: vec![format!("`{id}` is not a valid lesson id: ids start with a lowercase letter and hold only a-z, 0-9, `_` and `-`.")],
        };
    }
    Reply::Files { files: lesson::scaffold(id), messages: Vec::new() }
}
