//! The application shell: loads the course and saved progress, routes between the catalog and a lesson.

use crate::components::catalog::Catalog;
use crate::components::lesson_page::LessonPage;
use crate::services::engine_link::use_lab;
use crate::state::lesson_model::CourseEntry;
use crate::state::pack_view::PackView;
use crate::state::route::{self, Route};
use miglab_model::lesson::Course;
use std::rc::Rc;
use yew::prelude::*;

enum CourseState {
    Loading,
    Ready(Course, Vec<CourseEntry>),
    Failed(String),
}

/// The lesson pack `?pack=<url>` names, beside the built-in course.
enum PackState {
    None,
    Loading(String),
    Ready(Rc<PackView>),
    Failed { url: String, message: String },
}

fn current_route() -> Route {
    route::parse(&web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default())
}

/// The page: the engine provider around the screens, so Postgres boots once and every screen shares it.
#[function_component]
pub fn App() -> Html {
    html! { <crate::services::engine_boot::EngineProvider><Shell /></crate::services::engine_boot::EngineProvider> }
}

#[function_component]
fn Shell() -> Html {
    let route = use_state(current_route);
    let course = use_state(|| CourseState::Loading);
    let pack = use_state(|| match crate::services::pack_loader::requested() {
        Some(url) => PackState::Loading(url),
        None => PackState::None,
    });
    let crate::services::storage::Saved { progress, notice, on_progress } =
        crate::services::storage::use_saved_progress();
    let lab = use_lab();

    {
        let route = route.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|w| {
                gloo::events::EventListener::new(&w, "hashchange", move |_| {
                    route.set(current_route());
                    if let Some(w) = web_sys::window() {
                        w.scroll_to_with_x_and_y(0.0, 0.0);
                    }
                })
            });
            move || drop(listener)
        });
    }
    {
        let course = course.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                course.set(match crate::services::course_loader::load_course().await {
                    Ok((c, entries)) => CourseState::Ready(c, entries),
                    Err(message) => CourseState::Failed(message),
                });
            });
        });
    }
    {
        let pack = pack.clone();
        use_effect_with((), move |_| {
            if let PackState::Loading(url) = &*pack {
                let url = url.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    pack.set(match crate::services::pack_loader::load(&url).await {
                        Ok(view) => PackState::Ready(Rc::new(view)),
                        Err(message) => PackState::Failed { url, message },
                    });
                });
            }
        });
    }
    let on_export = {
        let (course, progress, notice) = (course.clone(), progress.clone(), notice.clone());
        Callback::from(move |format: &'static str| {
            let CourseState::Ready(_, entries) = &*course else { return };
            let result = match format {
                "json" => crate::services::download::download(
                    "miglab-report.json",
                    "application/json",
                    &crate::state::report::json(entries, &progress),
                ),
                _ => crate::services::download::download(
                    "miglab-report.md",
                    "text/markdown",
                    &crate::state::report::markdown(entries, &progress),
                ),
            };
            if let Err(e) = result {
                notice.set(Some(format!("The report could not be exported: {e}.")));
            }
        })
    };
    let dismiss = {
        let notice = notice.clone();
        Callback::from(move |_: MouseEvent| notice.set(None))
    };

    let body = match (&*course, &*route) {
        (_, Route::Console) => html! { <crate::components::console::ConsolePage /> },
        (course, Route::Sandbox(payload)) => {
            html! { <crate::components::sandbox_page::SandboxPage key={payload.clone().unwrap_or_default()} seeds={seeds(course)} payload={payload.clone()} /> }
        }
        (_, Route::Author) => {
            html! { <crate::components::author_page::AuthorPage lab={lab.clone()} /> }
        }
        (CourseState::Loading, _) => {
            html! { <p class="loading" role="status">{ "Loading the course…" }</p> }
        }
        (CourseState::Failed(message), _) => html! {
            <div class="failure" role="alert"><p><strong>{ "The course could not load." }</strong></p><pre class="diagnostic">{ message }</pre></div>
        },
        (CourseState::Ready(c, entries), Route::Catalog) => html! {
            <>
                { pack_catalog(&pack, &progress) }
                <Catalog course={c.clone()} entries={entries.clone()} progress={(*progress).clone()} on_export={Some(on_export)} />
            </>
        },
        (CourseState::Ready(_, entries), Route::Lesson(id)) => {
            lesson_body(entries.iter().find(|e| e.id() == id), id, &progress, &lab, &on_progress)
        }
        (CourseState::Ready(..), Route::PackLesson(id)) => match &*pack {
            PackState::Ready(view) => lesson_body(
                view.entries.iter().find(|e| e.id() == id),
                id,
                &progress,
                &lab,
                &on_progress,
            ),
            _ => pack_catalog(&pack, &progress),
        },
    };
    html! {
        <>
            <a class="skip-link" href="#main" onclick={skip_to_main()}>{ "Skip to content" }</a>
            <header class="topbar">
                <a class="brand" href="#/">{ "miglab" }</a>
                <nav class="topbar-links" aria-label="Tools">
                    <a href="#/sandbox">{ "Open your own migration" }</a>
                    <a href="#/author">{ "Author" }</a>
                </nav>
                <crate::services::engine_boot::EngineBadge />
            </header>
            if let Some(text) = &*notice {
                <div class="notice banner" role="alert"><p>{ crate::components::markdown::render_inline(text) }</p><button type="button" onclick={dismiss}>{ "Dismiss" }</button></div>
            }
            <main id="main" tabindex="-1">{ body }</main>
        </>
    }
}

/// The lessons whose starting database the sandbox offers (none while the course loads).
fn seeds(course: &CourseState) -> Rc<Vec<crate::components::sandbox_page::Seed>> {
    let CourseState::Ready(_, entries) = course else { return Rc::default() };
    Rc::new(
        entries
            .iter()
            .filter_map(|e| match e {
                CourseEntry::Ready(view) => Some(crate::components::sandbox_page::Seed {
                    id: view.lesson.manifest.id.clone(),
                    title: view.lesson.manifest.title.clone(),
                    seed: view.lesson.seed.clone(),
                }),
                CourseEntry::Unavailable { .. } => None,
            })
            .collect(),
    )
}

/// A lesson page, or why the lesson cannot open.
fn lesson_body(
    entry: Option<&CourseEntry>,
    id: &str,
    progress: &crate::state::progress::Progress,
    lab: &crate::services::engine_link::Lab,
    on_progress: &Callback<(String, crate::state::progress::LessonProgress)>,
) -> Html {
    match entry {
        Some(CourseEntry::Ready(lesson)) => {
            let key = &lesson.progress_key;
            let other_graded = progress
                .lessons
                .iter()
                .filter(|(k, _)| *k != key)
                .flat_map(|(_, l)| l.verdicts.values().cloned())
                .collect::<Vec<_>>();
            html! { <LessonPage key={key.clone()} lesson={lesson.clone()} progress={progress.lesson(key)} lab={lab.clone()} {other_graded} on_progress={on_progress.clone()} /> }
        }
        Some(CourseEntry::Unavailable { message, .. }) => html! {
            <div class="failure" role="alert"><p><strong>{ crate::components::markdown::render_inline(&format!("The lesson `{id}` is unavailable.")) }</strong></p><pre class="diagnostic">{ message }</pre><p><a href="#/">{ "Back to the course" }</a></p></div>
        },
        None => {
            html! { <p class="notice">{ format!("There is no lesson `{id}`. ") }<a href="#/">{ "Back to the course" }</a></p> }
        }
    }
}

/// The opened pack's catalog above the course's, or where the pack is and why it did not open.
fn pack_catalog(pack: &PackState, progress: &crate::state::progress::Progress) -> Html {
    match pack {
        PackState::None => Html::default(),
        PackState::Loading(url) => {
            html! { <p class="loading" role="status">{ format!("Loading the lesson pack from {url}…") }</p> }
        }
        PackState::Failed { url, message } => html! {
            <div class="failure" role="alert">
                <p><strong>{ format!("The lesson pack at {url} could not be opened.") }</strong></p>
                <pre class="diagnostic">{ message }</pre>
                <p>{ "The built-in course below still works." }</p>
            </div>
        },
        PackState::Ready(view) => html! {
            <section class="pack" aria-label="Lesson pack">
                <p class="meta">{ format!("Lesson pack `{}` from {}, sha256 {}…", view.id, view.url, view.sha256.get(..16).unwrap_or(&view.sha256)) }</p>
                <Catalog course={view.course.clone()} entries={view.entries.clone()} progress={view.progress(progress)} link="#/pack/" heading_id="pack-title" />
            </section>
        },
    }
}

/// The hash holds the route, so the skip link moves focus itself instead of following `#main`.
fn skip_to_main() -> Callback<MouseEvent> {
    Callback::from(|e: MouseEvent| {
        e.prevent_default();
        let main =
            web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("main"));
        if let Some(main) =
            main.and_then(|m| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(m).ok())
        {
            let _ = main.focus();
        }
    })
}
