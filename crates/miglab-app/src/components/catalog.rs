//! The catalog: the course path with each lesson's progress and score, what to do next, and the report export.

use crate::components::calibration_chart::CalibrationChart;
use crate::state::lesson_model::{CourseEntry, Stage};
use crate::state::progress::Progress;
use miglab_model::grade::Calibration;
use miglab_model::lesson::Course;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub course: Course,
    pub entries: Vec<CourseEntry>,
    pub progress: Progress,
    /// The report export; a pack's catalog has none, as the report covers the built-in course.
    #[prop_or_default]
    pub on_export: Option<Callback<&'static str>>,
    /// Where a lesson's link goes, followed by its id: `#/lesson/` for the course, `#/pack/` for a pack.
    #[prop_or(AttrValue::Static("#/lesson/"))]
    pub link: AttrValue,
    /// The id of the catalog's heading, which labels its section.
    #[prop_or(AttrValue::Static("course-title"))]
    pub heading_id: AttrValue,
}

/// The first lesson not yet mastered whose prerequisites are.
pub fn next_lesson<'a>(entries: &'a [CourseEntry], progress: &Progress) -> Option<&'a CourseEntry> {
    let mastered = |id: &str| progress.lessons.get(id).is_some_and(|l| l.mastered());
    entries.iter().find(|e| match e {
        CourseEntry::Ready(l) => {
            !mastered(l.id()) && l.lesson.manifest.prerequisites.iter().all(|p| mastered(p))
        }
        CourseEntry::Unavailable { .. } => false,
    })
}

#[function_component]
pub fn Catalog(props: &Props) -> Html {
    let next = next_lesson(&props.entries, &props.progress);
    let course = Calibration::of(props.progress.lessons.values().flat_map(|l| l.verdicts.values()));
    html! {
        <section class="catalog" aria-labelledby={props.heading_id.clone()}>
            <h1 id={props.heading_id.clone()}>{ &props.course.title }</h1>
            { crate::components::markdown::render(&props.course.summary) }
            if let Some(CourseEntry::Ready(l)) = next {
                <p class="next-up">{ "Next: " }<a class="button primary" href={format!("{}{}", props.link, l.id())}>{ l.title() }</a>
                    { format!(" — {}", progress_word(&props.progress.lesson(l.id()))) }</p>
            } else if !props.entries.is_empty() && next.is_none() {
                <p class="next-up">{ "Every available lesson is mastered. Export your report below." }</p>
            }
            <ol class="course-path">
            { for props.entries.iter().enumerate().map(|(i, entry)| match entry {
                CourseEntry::Ready(l) => {
                    let p = props.progress.lesson(l.id());
                    let cal = Calibration::of(p.verdicts.values());
                    let done = Stage::ALL.iter().filter(|s| p.completed.contains(s)).count();
                    html! {
                        <li class={classes!("lesson-card", p.mastered().then_some("mastered"))}>
                            <span class="path-number" aria-hidden="true">{ i + 1 }</span>
                            <div>
                                <h2><a href={format!("{}{}", props.link, l.id())}>{ l.title() }</a></h2>
                                <p>{ crate::components::markdown::render_inline(&l.lesson.manifest.summary) }</p>
                                <p class="meta">
                                    <span>{ format!("about {} min", l.lesson.manifest.minutes) }</span>
                                    <span><progress max="5" value={done.to_string()} aria-label={format!("{} stages of 5 done", done)}></progress>{ format!(" {done}/5 stages") }</span>
                                    if cal.count > 0 { <span>{ format!("score {:.0}%, total mark {}", cal.score * 100.0, crate::state::marks::mark(cal.total_mark)) }</span> }
                                    <span class="status">{ progress_word(&p) }</span>
                                </p>
                            </div>
                        </li>
                    }
                }
                CourseEntry::Unavailable { id, message } => html! {
                    <li class="lesson-card unavailable">
                        <span class="path-number" aria-hidden="true">{ i + 1 }</span>
                        <div>
                            <h2>{ id }<span class="tag">{ "unavailable" }</span></h2>
                            <p>{ "This lesson could not load, so it is skipped; the others work. The checker says:" }</p>
                            <pre class="diagnostic">{ message }</pre>
                        </div>
                    </li>
                },
            }) }
            </ol>
            <CalibrationChart title="Your calibration across the course" lesson={None::<Calibration>} {course} />
            if let Some(on_export) = &props.on_export {
                <div class="toolbar">
                    <button type="button" onclick={on_export.reform(|_: MouseEvent| "md")}>{ "Export self-check report (Markdown)" }</button>
                    <button type="button" onclick={on_export.reform(|_: MouseEvent| "json")}>{ "Export self-check report (JSON)" }</button>
                </div>
            }
        </section>
    }
}

fn progress_word(p: &crate::state::progress::LessonProgress) -> String {
    match p {
        p if p.mastered() => "mastered".into(),
        p if p.completed.is_empty() && p.answers.is_empty() => "not started".into(),
        p => format!("in progress: {}", p.stage.unwrap_or(Stage::Predict).label()),
    }
}
