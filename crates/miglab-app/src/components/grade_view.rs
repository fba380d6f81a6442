//! Grading results: one question's verdict with its explanations, and a lesson's summary with calibration.

use crate::components::calibration_chart::CalibrationChart;
use crate::state::marks::{mark, verdict_word};
use miglab_model::grade::{Calibration, Graded, Verdict, LEVEL_WORDS};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct VerdictProps {
    pub graded: Graded,
}

/// The words of the level the student picked, as the picker showed them.
fn level_words(graded: &Graded) -> &'static str {
    LEVEL_WORDS.get(usize::from(graded.confidence.get()).saturating_sub(1)).copied().unwrap_or("")
}

#[function_component]
pub fn VerdictView(props: &VerdictProps) -> Html {
    let g = &props.graded;
    let class = match g {
        g if g.pending => "pending",
        g if g.correct => "right",
        g if g.credit > 0.0 => "partly",
        _ => "wrong",
    };
    html! {
        <div class={classes!("verdict", class)} role="status">
            <p class="verdict-line">
                <strong>{ verdict_word(g) }</strong>
                if !g.pending { { format!(" — {:.0}% credit at confidence {} ({}), mark {}", g.credit * 100.0, g.confidence.get(), level_words(g), mark(g.cbm)) } }
            </p>
            <ul class="explanations">
                { for g.elements.iter().filter(|e| e.verdict != Verdict::Correct).filter_map(|e| e.explanation.as_ref()).map(|why| html! { <li>{ crate::components::markdown::render_inline(why) }</li> }) }
            </ul>
        </div>
    }
}

/// The grades table's Mark column: the answer's mark, negative ones included; nothing is a mark before it is graded.
pub fn mark_cell(graded: &Graded) -> String {
    if graded.pending {
        "not graded yet".to_owned()
    } else {
        mark(graded.cbm)
    }
}

fn answers(count: usize) -> String {
    if count == 1 {
        "1 graded answer".to_owned()
    } else {
        format!("{count} graded answers")
    }
}

/// Scrolls to a question without changing the hash, which holds the route.
fn scroll_to(id: &str) -> Callback<MouseEvent> {
    let target = format!("q-{id}");
    Callback::from(move |e: MouseEvent| {
        e.prevent_default();
        if let Some(element) =
            web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(&target))
        {
            element.scroll_into_view();
        }
    })
}

#[derive(Properties, PartialEq)]
pub struct SummaryProps {
    /// `(question id, prompt, result)` in lesson order.
    pub verdicts: Vec<(String, String, Graded)>,
    pub course: Calibration,
}

#[function_component]
pub fn GradeSummary(props: &SummaryProps) -> Html {
    let lesson = Calibration::of(props.verdicts.iter().map(|(_, _, g)| g));
    html! {
        <section class="grade-summary" aria-labelledby="grade-heading">
            <h3 id="grade-heading">{ "How your predictions did" }</h3>
            <table class="verdicts" aria-labelledby="grade-heading">
                <thead><tr><th scope="col">{ "Question" }</th><th scope="col">{ "Verdict" }</th><th scope="col">{ "Mark" }</th><th scope="col">{ "Why" }</th></tr></thead>
                <tbody>
                { for props.verdicts.iter().map(|(id, prompt, g)| html! {
                    <tr>
                        <td><a href={format!("#q-{id}")} onclick={scroll_to(id)}>{ crate::components::markdown::render_inline(prompt) }</a></td>
                        <td>{ verdict_word(g) }<br /><span class="muted">{ format!("confidence {} ({})", g.confidence.get(), level_words(g)) }</span></td>
                        <td class="mark">{ mark_cell(g) }</td>
                        <td>
                            if g.explanations().next().is_none() { { "As predicted." } }
                            { for g.explanations().map(|why| html! { <p class="why">{ crate::components::markdown::render_inline(why) }</p> }) }
                        </td>
                    </tr>
                }) }
                </tbody>
            </table>
            <p class="total-mark"><strong>{ format!("Total mark: {}", mark(lesson.total_mark)) }</strong>{ format!(" over {}.", answers(lesson.count)) }{ " " }{ lesson.sentence() }</p>
            <CalibrationChart title="Confidence against correctness" lesson={Some(lesson)} course={props.course.clone()} />
        </section>
    }
}

#[cfg(test)]
mod test {
    use super::*;
    use miglab_model::grade::{Confidence, Element};

    #[test]
    fn mark_cell_ok() {
        let level = |l| Confidence::new(l).expect("a level");
        let wrong_certain = Graded::new(vec![], 0.0, level(5));
        let right_sure = Graded::by_elements(vec![Element::correct("value", None)], level(4));
        let half_fairly_sure = Graded::new(vec![], 0.5, level(3));
        let cells: Vec<String> =
            [wrong_certain, right_sure, half_fairly_sure].iter().map(mark_cell).collect();
        assert_eq!(cells, ["-10", "+10", "+2.5"]);
        assert_eq!(verdict_word(&Graded::new(vec![], 0.0, level(1))), "Wrong");
    }

    #[test]
    fn pending_has_no_mark_err() {
        let mut pending = Graded::new(vec![], 0.0, Confidence::MAX);
        pending.pending = true;
        assert_eq!(
            (mark_cell(&pending).as_str(), verdict_word(&pending)),
            ("not graded yet", "Not graded yet")
        );
    }
}
