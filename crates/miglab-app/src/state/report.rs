//! The self-check report: predictions, scores, calibration and gate status, as Markdown and as JSON.

use crate::state::lesson_model::{CourseEntry, Stage};
use crate::state::progress::Progress;
use miglab_model::grade::{Calibration, Graded};
use serde_json::json;

fn graded(progress: &Progress) -> impl Iterator<Item = &Graded> {
    progress.lessons.values().flat_map(|l| l.verdicts.values())
}

pub fn json(entries: &[CourseEntry], progress: &Progress) -> String {
    let lessons: Vec<_> = entries
        .iter()
        .map(|entry| {
            let p = progress.lesson(entry.id());
            let calibration = Calibration::of(p.verdicts.values());
            json!({
                "id": entry.id(),
                "available": matches!(entry, CourseEntry::Ready(_)),
                "completed": p.completed,
                "answers": p.answers,
                "verdicts": p.verdicts,
                "checks": p.checks,
                "explanations": p.explanations,
                "reviews": p.reviews,
                "gate": { "approved": p.gate.approved, "approval": p.gate.approval, "refused": p.gate.refused, "refusal": p.gate.refusal, "passed": p.mastered() },
                "calibration": calibration,
            })
        })
        .collect();
    let report = json!({ "format": 1, "lessons": lessons, "calibration": Calibration::of(graded(progress)) });
    serde_json::to_string_pretty(&report).unwrap_or_default()
}

/// One row of a lesson's table: the question as the student read it, and its verdict once graded.
struct Row {
    question: String,
    confidence: Option<miglab_model::grade::Confidence>,
    graded: Option<Graded>,
}

/// Every answer the report lists for a lesson, in lesson order: each verdict, and each locked answer still waiting for one.
fn rows(entry: &CourseEntry, p: &crate::state::progress::LessonProgress) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut listed: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    if let CourseEntry::Ready(lesson) = entry {
        for stage in Stage::ALL {
            let questions = match stage {
                Stage::Predict => &lesson.predict,
                Stage::Investigate => &lesson.investigate,
                Stage::Modify => &lesson.modify,
                Stage::Run | Stage::Make => continue,
            };
            for q in questions {
                let graded = p.verdicts.get(&q.id).cloned();
                let confidence = graded
                    .as_ref()
                    .map(|g| g.confidence)
                    .or_else(|| p.answers.get(&q.id).and_then(|a| a.confidence));
                if graded.is_some() || p.locked.contains(&stage) {
                    listed.insert(q.id.clone());
                    rows.push(Row {
                        question: crate::state::plain_text::plain(&q.prompt),
                        confidence,
                        graded,
                    });
                }
            }
        }
    }
    // The agent's drafts the learner reviewed, in the order they were handed over, after the questions.
    for (stage, review) in &p.reviews {
        for draft in &review.handed {
            let id = crate::state::draft_review::verdict_id(stage.label(), draft);
            let Some(graded) = p.verdicts.get(&id) else { continue };
            let decision = match review.reviews.get(draft).and_then(|r| r.decision) {
                Some(crate::state::draft_review::Decision::Approve) => "approved",
                Some(crate::state::draft_review::Decision::Refuse) => "refused",
                None => "reviewed",
            };
            rows.push(Row {
                question: format!(
                    "{}: the agent's draft `{draft}`, which you {decision}",
                    stage.label()
                ),
                confidence: Some(graded.confidence),
                graded: Some(graded.clone()),
            });
            listed.insert(id);
        }
    }
    // The drop-guard answer, and verdicts of questions this version of the lesson no longer has, by what is known of them.
    for (id, g) in &p.verdicts {
        if !listed.contains(id) {
            let question = if id == crate::state::lesson_state::REFUSAL {
                "Your answer to the destructive migration".to_owned()
            } else {
                format!("A question no longer in this lesson ({id})")
            };
            rows.push(Row { question, confidence: Some(g.confidence), graded: Some(g.clone()) });
        }
    }
    rows
}

pub fn markdown(entries: &[CourseEntry], progress: &Progress) -> String {
    let mut out = String::from("# miglab self-check report\n\n");
    let all: Vec<(&CourseEntry, Vec<Row>)> =
        entries.iter().map(|e| (e, rows(e, &progress.lesson(e.id())))).collect();
    let graded: Vec<&Graded> = all
        .iter()
        .flat_map(|(_, rows)| rows.iter().filter_map(|r| r.graded.as_ref().filter(|g| !g.pending)))
        .collect();
    let waiting = all
        .iter()
        .flat_map(|(_, rows)| rows)
        .filter(|r| r.graded.as_ref().is_none_or(|g| g.pending))
        .count();
    let course = Calibration::of(graded.iter().copied());
    out.push_str(&format!(
        "Course: {} graded, {} not graded yet.\n",
        plural(course.count, "answer"),
        waiting
    ));
    if course.count > 0 {
        out.push_str(&format!(
            "Mean credit {:.0}%, total mark {}.\n",
            course.score * 100.0,
            crate::state::marks::mark(course.total_mark)
        ));
    }
    out.push_str(&format!("{}\n\n", course.sentence()));
    for (entry, rows) in &all {
        let p = progress.lesson(entry.id());
        let title = match entry {
            CourseEntry::Ready(l) => l.title().to_owned(),
            CourseEntry::Unavailable { id, .. } => format!("{id} (unavailable)"),
        };
        out.push_str(&format!("## {title}\n\n"));
        let done: Vec<&str> =
            Stage::ALL.iter().filter(|s| p.completed.contains(s)).map(|s| s.label()).collect();
        out.push_str(&format!(
            "Stages done: {}.\n",
            if done.is_empty() { "none".to_owned() } else { done.join(", ") }
        ));
        out.push_str(&format!(
            "Mastery gate: {}.\n\n",
            if p.mastered() {
                "passed"
            } else if p.gate.approved {
                "approved, destructive migration not yet answered"
            } else {
                "not passed"
            }
        ));
        if !rows.is_empty() {
            let graded =
                rows.iter().filter(|r| r.graded.as_ref().is_some_and(|g| !g.pending)).count();
            out.push_str(&format!("{}, {graded} graded:\n\n", plural(rows.len(), "answer")));
            out.push_str(
                "| Question | Confidence | Credit | Mark | Verdict |\n|---|---|---|---|---|\n",
            );
            for row in rows {
                let cell = |text: &str| text.replace('|', "\\|").replace('\n', " ");
                let confidence = row.confidence.map_or("none".to_owned(), |c| c.get().to_string());
                let (credit, mark, verdict) = match &row.graded {
                    Some(g) if !g.pending => (
                        format!("{:.0}%", g.credit * 100.0),
                        crate::state::marks::mark(g.cbm),
                        format!(
                            "{}: {}",
                            crate::state::marks::verdict_word(g),
                            crate::state::plain_text::plain(
                                g.explanations().next().unwrap_or("as predicted")
                            )
                        ),
                    ),
                    _ => (
                        "not graded yet".to_owned(),
                        "not graded yet".to_owned(),
                        "not graded yet".to_owned(),
                    ),
                };
                out.push_str(&format!(
                    "| {} | {confidence} | {credit} | {mark} | {} |\n",
                    cell(&row.question),
                    cell(&verdict)
                ));
            }
            out.push('\n');
        }
        if !p.gate.approval.is_empty() {
            out.push_str(&format!(
                "Written approval:\n\n> {}\n\n",
                p.gate.approval.replace('\n', "\n> ")
            ));
        }
        if let Some(refused) = p.gate.refused {
            out.push_str(&format!(
                "Destructive migration: {}.\n",
                if refused { "refused" } else { "proceeded with branch, backup and approval" }
            ));
            if !p.gate.refusal.is_empty() {
                out.push_str(&format!("\n> {}\n", p.gate.refusal.replace('\n', "\n> ")));
            }
            out.push('\n');
        }
    }
    out
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::state::progress::LessonProgress;
    use miglab_model::grade::{Confidence, Element};

    #[test]
    fn markdown_ok() {
        let mut progress = Progress::default();
        let mut lesson = LessonProgress::default();
        lesson.verdicts.insert(
            "existing-row".into(),
            Graded::by_elements(vec![Element::correct("value", None)], Confidence::MAX),
        );
        lesson.verdicts.insert(
            crate::state::lesson_state::REFUSAL.into(),
            Graded::by_elements(vec![Element::correct("refusal", None)], Confidence::MIN),
        );
        // Locked and answered, but not graded yet: listed as such, never as 0%.
        lesson.locked.insert(Stage::Predict);
        lesson.answers.insert(
            "after-upgrade".into(),
            crate::state::progress::Answer { response: None, confidence: Confidence::new(4) },
        );
        lesson.gate.refused = Some(true);
        // A refused draft of the agent is listed by what it was, never as a question the lesson lost.
        let mut make = crate::state::draft_review::StageReview::default();
        make.handed.push("nullable-no-default".into());
        make.reviews.insert(
            "nullable-no-default".into(),
            crate::state::draft_review::Review {
                decision: Some(crate::state::draft_review::Decision::Refuse),
                ..Default::default()
            },
        );
        lesson.reviews.insert(Stage::Make, make);
        lesson.verdicts.insert(
            crate::state::draft_review::verdict_id("Make", "nullable-no-default"),
            Graded::by_elements(
                vec![Element::correct("verdict", None)],
                Confidence::new(3).expect("3 is a level"),
            ),
        );
        progress.lessons.insert("confidence_score".into(), lesson);
        let entries =
            vec![CourseEntry::Ready(std::rc::Rc::new(crate::fixture::confidence_score()))];
        let md = markdown(&entries, &progress);
        assert!(md.contains("Course: 3 answers graded, 3 not graded yet."), "{md}");
        assert!(md.contains("6 answers, 3 graded:"), "{md}");
        assert!(
            md.contains(
                "| Make: the agent's draft `nullable-no-default`, which you refused | 3 | 100% |"
            ),
            "{md}"
        );
        assert!(!md.contains("no longer in this lesson"), "{md}");
        assert!(md.contains("| What does expenses look like after upgrade()? | 4 | not graded yet | not graded yet | not graded yet |"), "{md}");
        assert!(md.contains("| What does an existing row hold in confidence_score? | 5 | 100% | +11 | Right: as predicted |"), "{md}");
        assert!(md.contains("| Your answer to the destructive migration | 1 | 100% | +1 | Right: as predicted |"), "{md}");
        assert!(!md.contains("| existing-row |"), "questions are named by their text: {md}");
        assert!(md.contains("Destructive migration: refused."), "{md}");
        let exported = json(&entries, &progress);
        assert!(exported.contains("\"refused\": true"));
        assert!(exported.contains("\"decision\": \"refuse\""), "{exported}");
    }
}
