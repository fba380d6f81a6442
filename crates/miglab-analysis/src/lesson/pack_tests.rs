//! The model's pack reader on real lessons: a scaffolded course packed and read back, a lesson broken inside a
//! pack listed with the sentence `miglab check` says, and mutated packs that never panic the reader.

use super::{bundle, scaffold, CourseBundle};
use miglab_model::lesson::pack::{self, Pack};
use proptest::prelude::*;
use serde_json::Value;

/// A course of two scaffolded lessons, `t` and `u`, as `miglab pack` writes it.
fn packed() -> String {
    let mut files = scaffold("t");
    files.extend(scaffold("u"));
    files.insert(
        "course.toml".into(),
        "format = 1\ntitle = \"T\"\nlessons = [\"t\", \"u\"]\n".into(),
    );
    let bundled = bundle(&|path| files.get(path).cloned());
    assert!(
        matches!(&bundled, CourseBundle::Course { lessons, .. } if lessons.iter().all(|l| l.lesson.is_some()))
    );
    pack::write("two", &bundled).expect("write")
}

/// `packed()` with `edit` applied to its bundle and the hash made right again, as a careful forger would.
fn rehashed(edit: impl Fn(&mut Value)) -> Pack {
    let mut value: Value = serde_json::from_str(&packed()).expect("json");
    edit(&mut value["bundle"]);
    value["sha256"] = pack::sha256(&value["bundle"]).into();
    pack::read(value.to_string().as_bytes()).expect("read")
}

#[test]
fn scaffold_round_trip_ok() {
    let pack = pack::read(packed().as_bytes()).expect("read");
    assert_eq!(pack.id, "two");
    let ids: Vec<(&str, bool)> =
        pack.lessons.iter().map(|l| (l.id.as_str(), l.lesson.is_some())).collect();
    assert_eq!(ids, [("t", true), ("u", true)]);
}

/// A wrong choice key inside the pack: lesson `t` is listed with the sentence `miglab check` prints for it, and `u`
/// still opens.
#[test]
fn broken_key_listed_err() {
    let pack = rehashed(|bundle| {
        let questions = &mut bundle["lessons"][0]["lesson"]["manifest"]["predict"]["questions"];
        let Some(Value::Array(list)) = Some(questions) else { return };
        list.push(serde_json::json!({
            "id": "pick", "prompt": "Pick one.",
            "options": [{ "id": "a", "text": "A" }, { "id": "b", "text": "B" }],
            "key": { "kind": "choice", "correct": ["c"] }
        }));
    });
    assert!(pack.lessons[0].lesson.is_none());
    assert!(pack.lessons[1].lesson.is_some());
    insta::assert_snapshot!(pack.lessons[0].messages.join("\n"), @r"
    t/lesson.toml: field `predict.questions[3].key.correct`: Question `pick` marks `c` correct, but no option has that id.
      help: Use an id from `options`.
    ");
}

/// A dangling reference: a question whose `after` names a revision the lesson does not have.
#[test]
fn dangling_revision_err() {
    let pack = rehashed(|bundle| {
        bundle["lessons"][1]["lesson"]["manifest"]["predict"]["questions"][0]["after"] =
            serde_json::json!(["upgrade 0000feed"]);
    });
    assert!(pack.lessons[1].lesson.is_none());
    insta::assert_snapshot!(pack.lessons[1].messages.join("\n"), @r"
    u/lesson.toml: field `predict.questions[0].after`: The commands cannot run: no revision `0000feed` in this lesson.
      help: Use `upgrade head`, `downgrade -1` or a revision id of this lesson.
    ");
}

/// A prerequisite cycle between the two lessons takes both down, with `miglab check`'s sentence.
#[test]
fn prerequisite_cycle_err() {
    let pack = rehashed(|bundle| {
        bundle["lessons"][0]["lesson"]["manifest"]["prerequisites"] = serde_json::json!(["u"]);
    });
    insta::assert_snapshot!(pack.lessons[0].messages.join("\n"), @r"
    t/lesson.toml: field `prerequisites[0]`: The prerequisite `u` comes after `t` in the course path, so the path cannot be followed in order.
      help: Move the prerequisite earlier in course.toml, or drop it.
    ");
}

/// A step span past the end of its file is refused rather than trusted.
#[test]
fn span_outside_file_err() {
    let pack = rehashed(|bundle| {
        bundle["lessons"][0]["lesson"]["chain"][0]["migration"]["upgrade"][0]["span"] =
            serde_json::json!({ "start": 5, "end": 100000 });
    });
    let message = pack.lessons[0].messages.join("\n");
    assert!(message.contains("Step 1 of the upgrade of revision"), "{message}");
    assert!(message.contains("points outside its file"), "{message}");
}

/// The values a mutation puts in place of one inside the pack.
fn replacement() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        "[a-z0-9 _-]{0,8}".prop_map(Value::from),
        Just(serde_json::json!([])),
        Just(serde_json::json!({})),
        Just(serde_json::json!(["upgrade head", "downgrade -9"])),
        Just(serde_json::json!({ "start": 7, "end": 3 })),
    ]
}

/// Every path to a value in `value`, as a list of object keys and array indices.
fn paths(value: &Value, at: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
    out.push(at.clone());
    match value {
        Value::Object(map) => map.iter().for_each(|(key, v)| {
            at.push(key.as_str().into());
            paths(v, at, out);
            at.pop();
        }),
        Value::Array(items) => items.iter().enumerate().for_each(|(i, v)| {
            at.push(i.into());
            paths(v, at, out);
            at.pop();
        }),
        _ => {}
    }
}

fn pointer(path: &[Value]) -> String {
    path.iter()
        .map(|p| match p {
            Value::String(s) => format!("/{}", s.replace('~', "~0").replace('/', "~1")),
            other => format!("/{other}"),
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any value of a packed course replaced, and the hash made right again: the reader lists or refuses, never panics.
    #[test]
    fn mutated_pack_never_panics(pick in any::<prop::sample::Index>(), with in replacement()) {
        let mut value: Value = serde_json::from_str(&packed()).expect("json");
        let mut all = Vec::new();
        paths(&value["bundle"], &mut Vec::new(), &mut all);
        let path = pointer(pick.get(&all).as_slice());
        if let Some(target) = value["bundle"].pointer_mut(&path) {
            *target = with;
        }
        value["sha256"] = pack::sha256(&value["bundle"]).into();
        let _ = pack::read(value.to_string().as_bytes());
    }

    /// The packed text with bytes overwritten or cut: refused or read, never a panic.
    #[test]
    fn damaged_bytes_never_panic(at in any::<prop::sample::Index>(), byte in any::<u8>(), cut in any::<bool>()) {
        let mut bytes = packed().into_bytes();
        let i = at.index(bytes.len());
        if cut { bytes.truncate(i) } else { bytes[i] = byte }
        let _ = pack::read(&bytes);
    }
}
