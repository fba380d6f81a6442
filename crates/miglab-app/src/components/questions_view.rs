//! A stage's questions with one submit button that locks them; nothing is revealed before it is pressed.

use crate::components::question_view::QuestionView;
use crate::state::lesson_model::Stage;
use crate::state::lesson_state::{LessonAction, LessonState};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub stage: Stage,
    pub state: UseReducerHandle<LessonState>,
}

#[function_component]
pub fn QuestionsView(props: &Props) -> Html {
    let state = &props.state;
    let stage = props.stage;
    let questions = state.questions(stage);
    if questions.is_empty() {
        return html! {};
    }
    let locked = state.locked(stage);
    let waiting_for_engine = questions
        .iter()
        .any(|q| matches!(q.kind, crate::state::lesson_model::QuestionKind::Schema))
        && state.start.is_none()
        && !locked;
    let submit =
        state.dispatcher().to_callback().reform(move |_: MouseEvent| LessonAction::Submit(stage));
    let grade_again =
        state.dispatcher().to_callback().reform(|_: MouseEvent| LessonAction::GradeAgain);
    html! {
        <section class="questions" aria-label={format!("{} questions", stage.label())}>
            { for questions.iter().enumerate().map(|(i, q)| {
                let d = state.dispatcher().to_callback();
                let id = q.id.clone();
                let (a, c, e, s, n) = (id.clone(), id.clone(), id.clone(), id.clone(), id);
                html! {
                    <QuestionView
                        number={i + 1}
                        question={q.clone()}
                        answer={state.answer(q)}
                        {locked}
                        verdict={state.verdict(&q.id).cloned()}
                        disputed={state.disputed.get(&q.id).cloned()}
                        on_answer={d.reform(move |response| LessonAction::Answer { question: a.clone(), response })}
                        on_confidence={d.reform(move |level| LessonAction::Confidence { question: c.clone(), level })}
                        on_edit={d.reform(move |edit| LessonAction::EditSchema { question: e.clone(), edit })}
                        no_change={state.no_change(q)}
                        on_no_change={d.reform(move |on| LessonAction::NoChange { question: n.clone(), on })}
                        on_self_assess={d.reform(move |assessment| LessonAction::SelfAssess { question: s.clone(), assessment })}
                    />
                }
            }) }
            if waiting_for_engine { <p class="notice" role="status">{ "The schema editor fills in once Postgres has built the lesson's database." }</p> }
            if locked {
                <p class="locked-note" role="status">{ if stage == Stage::Predict { "Your answers are locked. They are graded against what Postgres does when you run the migration." } else { "Your answers are locked." } }</p>
                if let Some(error) = &state.grading_error {
                    <p class="error" role="alert">
                        { error }{ " " }
                        <button type="button" onclick={grade_again}>{ "Grade again" }</button>
                    </p>
                }
            } else {
                <div class="submit-row">
                    <button type="button" class="primary" onclick={submit}>{ "Lock my answers" }</button>
                    <span class="muted">{ "You cannot change them afterwards." }</span>
                </div>
                if let Some(error) = &state.submit_error { <p class="error" role="alert">{ crate::components::markdown::render_inline(error) }</p> }
            }
        </section>
    }
}
