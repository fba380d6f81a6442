//! The self-check report: predictions, scores, calibration and gate status, as Markdown and as JSON.

use crate::lesson_view::{CourseEntry, Stage};
use crate::progress::Progress;
use miglab_core::grade::{Calibration, Graded};
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
                "gate": { "approved": p.gate.approved, "approval": p.gate.approval, "refused": p.gate.refused, "refusal": p.gate.refusal, "passed": p.mastered() },
                "calibration": calibration,
            })
        })
        .collect();
    let report = json!({ "format": 1, "lessons": lessons, "calibration": Calibration::of(graded(progress)) });
    serde_json::to_string_pretty(&report).unwrap_or_default()
}

pub fn markdown(entries: &[CourseEntry], progress: &Progress) -> String {
    let mut out = String::from("# miglab self-check report\n\n");
    let course = Calibration::of(graded(progress));
    out.push_str(&format!("Course: {} graded answers, {:.0}% credit, certainty-based mark {:.2} per answer, {}.\n\n", course.count, course.score * 100.0, course.cbm, crate::calibration_chart::lean(&course)));
    for entry in entries {
        let p = progress.lesson(entry.id());
        let title = match entry {
            CourseEntry::Ready(l) => l.title().to_owned(),
            CourseEntry::Unavailable { id, .. } => format!("{id} (unavailable)"),
        };
        out.push_str(&format!("## {title}\n\n"));
        let done: Vec<&str> = Stage::ALL.iter().filter(|s| p.completed.contains(s)).map(|s| s.label()).collect();
        out.push_str(&format!("Stages done: {}.\n", if done.is_empty() { "none".to_owned() } else { done.join(", ") }));
        out.push_str(&format!("Mastery gate: {}.\n\n", if p.mastered() { "passed" } else if p.gate.approved { "approved, destructive migration not yet answered" } else { "not passed" }));
        if !p.verdicts.is_empty() {
            out.push_str("| Question | Confidence | Credit | Verdict |\n|---|---|---|---|\n");
            for (id, g) in &p.verdicts {
                let why = g.explanations().next().unwrap_or("as predicted").replace('|', "\\|");
                out.push_str(&format!("| {id} | {} | {:.0}% | {} |\n", g.confidence.get(), g.credit * 100.0, why));
            }
            out.push('\n');
        }
        if !p.gate.approval.is_empty() {
            out.push_str(&format!("Written approval:\n\n> {}\n\n", p.gate.approval.replace('\n', "\n> ")));
        }
        if let Some(refused) = p.gate.refused {
            out.push_str(&format!("Destructive migration: {}.\n", if refused { "refused" } else { "proceeded with branch, backup and approval" }));
            if !p.gate.refusal.is_empty() {
                out.push_str(&format!("\n> {}\n", p.gate.refusal.replace('\n', "\n> ")));
            }
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::progress::LessonProgress;
    use miglab_core::grade::{Confidence, Element};

    #[test]
    fn markdown_ok() {
        let mut progress = Progress::default();
        let mut lesson = LessonProgress::default();
        lesson.verdicts.insert("existing-row".into(), Graded::by_elements(vec![Element::correct("value", None)], Confidence::MAX));
        lesson.gate.refused = Some(true);
        progress.lessons.insert("confidence_score".into(), lesson);
        let entries = vec![CourseEntry::Unavailable { id: "confidence_score".into(), message: String::new() }];
        let md = markdown(&entries, &progress);
        assert!(md.contains("| existing-row | 5 | 100% | as predicted |"), "{md}");
        assert!(md.contains("Destructive migration: refused."), "{md}");
        assert!(json(&entries, &progress).contains("\"refused\": true"));
    }
}
