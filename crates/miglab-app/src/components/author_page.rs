//! The author view (`#/author`): open a lesson folder, a zip or a pack, edit its files with diagnostics at their
//! places as you type, check it on the engine, preview it as a student, and export the files or a pack.
//!
//! It wires `state::author` to the services: the analyzer (a debounced `lessons` request after each edit), the
//! files the browser hands over (`lesson_files`), the draft in localStorage (`author_draft`), the engine check
//! (`author_check`) and downloads.

use crate::components::code_editor::CodeEditor;
use crate::components::lesson_page::LessonPage;
use crate::services::engine_link::Lab;
use crate::services::{analyzer_link, author_check, author_draft, download, lesson_files};
use crate::state::author::{self, AuthorAction, AuthorState, Check, Status};
use crate::state::lesson_model::LessonView;
use crate::state::zip;
use std::rc::Rc;
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// How long typing must pause before the analyzer is asked, in milliseconds.
const DEBOUNCE_MS: u32 = 300;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lab: Lab,
}

type Opened = Result<(String, lesson_files::Opened), String>;

fn added(state: &UseReducerDispatcher<AuthorState>, opened: Opened) {
    match opened {
        Ok((source, (files, messages))) => {
            state.dispatch(AuthorAction::Add { source, files, messages });
        }
        Err(message) => state.dispatch(AuthorAction::Notice(vec![message])),
    }
}

#[function_component]
pub fn AuthorPage(props: &Props) -> Html {
    let state = use_reducer(|| {
        let (mut state, notice) = author_draft::load();
        state.notice.extend(notice);
        state
    });
    let preview = use_state(|| None::<Rc<LessonView>>);
    let new_id = use_state(|| "my_lesson".to_owned());
    let pack_id = use_state(String::new);
    let folder_input = use_node_ref();

    use_effect_with((), |_| analyzer_link::prefetch(analyzer_link::Module::Author));
    {
        // After each change: once typing pauses, save the draft and ask the analyzer about the text as it is then.
        let (files, revision, dispatcher, snapshot) =
            (state.files.clone(), state.revision, state.dispatcher(), (*state).clone());
        use_effect_with(revision, move |_| {
            let timer = (revision > 0).then(|| {
                gloo::timers::callback::Timeout::new(DEBOUNCE_MS, move || {
                    if let Err(message) = author_draft::save(&snapshot) {
                        dispatcher.dispatch(AuthorAction::Notice(vec![message]));
                    }
                    if !files.keys().any(|p| p.ends_with("/lesson.toml")) {
                        return;
                    }
                    spawn_local(async move {
                        let result = analyzer_link::lessons(files).await;
                        dispatcher.dispatch(AuthorAction::Analyzed { revision, result });
                    });
                })
            });
            move || drop(timer)
        });
    }

    if let Some(view) = &*preview {
        let back = {
            let preview = preview.clone();
            Callback::from(move |_: MouseEvent| preview.set(None))
        };
        return html! {
            <>
                <div class="notice banner preview-banner" role="status">
                    <p>{ format!("Previewing `{}` as a student, with a fresh progress that is not saved.", view.id()) }</p>
                    <button type="button" onclick={back}>{ "Back to editing" }</button>
                </div>
                <LessonPage key={view.progress_key.clone()} lesson={view.clone()} progress={crate::state::progress::LessonProgress::default()} lab={props.lab.clone()} other_graded={Vec::new()} on_progress={Callback::noop()} />
            </>
        };
    }

    let on_new = {
        let (dispatcher, new_id) = (state.dispatcher(), new_id.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (dispatcher, id) = (dispatcher.clone(), new_id.trim().to_owned());
            spawn_local(async move {
                let opened = analyzer_link::scaffold(&id).await.and_then(|(files, messages)| {
                    if files.is_empty() {
                        Err(messages.join(" "))
                    } else {
                        Ok((format!("the new lesson `{id}`"), (files, messages)))
                    }
                });
                added(&dispatcher, opened);
            });
        })
    };
    let on_new_id = {
        let new_id = new_id.clone();
        Callback::from(move |e: InputEvent| {
            new_id.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let on_pick = {
        let (dispatcher, folder_input) = (state.dispatcher(), folder_input.clone());
        Callback::from(move |_: MouseEvent| {
            if !lesson_files::has_directory_picker() {
                if let Some(input) = folder_input.cast::<HtmlInputElement>() {
                    input.click();
                }
                return;
            }
            let dispatcher = dispatcher.clone();
            spawn_local(async move {
                match lesson_files::pick_folder().await {
                    Ok(Some(opened)) => added(&dispatcher, Ok(opened)),
                    Ok(None) => {}
                    Err(message) => added(&dispatcher, Err(message)),
                }
            });
        })
    };
    let on_files = {
        let dispatcher = state.dispatcher();
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            let Some(list) = input.files() else { return };
            let reading = lesson_files::from_input(&list);
            input.set_value("");
            let dispatcher = dispatcher.clone();
            spawn_local(async move { added(&dispatcher, reading.await) });
        })
    };
    let on_drop = {
        let dispatcher = state.dispatcher();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            let Some(transfer) = e.data_transfer() else { return };
            let reading = lesson_files::from_drop(&transfer);
            let dispatcher = dispatcher.clone();
            spawn_local(async move { added(&dispatcher, reading.await) });
        })
    };
    let on_drag_over = Callback::from(|e: DragEvent| e.prevent_default());

    let export_name = state
        .folder()
        .filter(|_| state.folders().len() == 1)
        .unwrap_or_else(|| "lessons".to_owned());
    let on_export_zip = {
        let (files, dispatcher, name) =
            (state.files.clone(), state.dispatcher(), export_name.clone());
        Callback::from(move |_: MouseEvent| {
            let file = format!("{name}.zip");
            let notice =
                match download::download_bytes(&file, "application/zip", &zip::stored(&files)) {
                    Ok(()) => format!("Exported {} files as `{file}`.", files.len()),
                    Err(e) => format!("The files could not be exported: {e}."),
                };
            dispatcher.dispatch(AuthorAction::Notice(vec![notice]));
        })
    };
    let on_pack_id = {
        let pack_id = pack_id.clone();
        Callback::from(move |e: InputEvent| {
            pack_id.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let pack_name =
        if pack_id.trim().is_empty() { export_name.clone() } else { pack_id.trim().to_owned() };
    let on_export_pack = {
        let (files, dispatcher, id) = (state.files.clone(), state.dispatcher(), pack_name.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (files, dispatcher, id) = (files.clone(), dispatcher.clone(), id.clone());
            spawn_local(async move {
                let lines = match analyzer_link::pack(&id, files).await {
                    Ok((Some(text), mut report)) => {
                        let file = format!("{id}.miglab.json");
                        match download::download(&file, "application/json", &text) {
                            Ok(()) => {
                                report.insert(0, format!("Exported the pack as `{file}`. Put it on any static host or in your LMS's file area, and share this page's address with `?pack=<its URL>`."));
                                report
                            }
                            Err(e) => vec![format!("The pack could not be exported: {e}.")],
                        }
                    }
                    Ok((None, mut messages)) => {
                        messages.insert(0, "The pack could not be written:".to_owned());
                        messages
                    }
                    Err(message) => vec![message],
                };
                dispatcher.dispatch(AuthorAction::Notice(lines));
            });
        })
    };
    let lesson = state.preview().map(Rc::new);
    let on_preview = {
        let (preview, lesson) = (preview.clone(), lesson.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(view) = &lesson {
                preview.set(Some(view.clone()));
                if let Some(w) = web_sys::window() {
                    w.scroll_to_with_x_and_y(0.0, 0.0);
                }
            }
        })
    };
    let on_check = {
        let (dispatcher, lab) = (state.dispatcher(), props.lab.clone());
        let (folder, files) = (state.folder(), state.files.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(folder) = folder.clone() else { return };
            let (dispatcher, lab, files) = (dispatcher.clone(), lab.clone(), files.clone());
            dispatcher.dispatch(AuthorAction::Checking);
            spawn_local(async move {
                let check = author_check::check_on_engine(&lab, &folder, files).await;
                dispatcher.dispatch(AuthorAction::Checked(check));
            });
        })
    };
    let dismiss = {
        let dispatcher = state.dispatcher();
        Callback::from(move |_: MouseEvent| dispatcher.dispatch(AuthorAction::Dismiss))
    };

    let has_files = !state.files.is_empty();
    let ready = lesson.is_some();
    html! {
        <div class="author">
            <h1>{ "Author a lesson" }</h1>
            <p class="summary">{ "Write a lesson in the browser: open its folder, a .zip or a lesson pack, or start a new one; edit it with the analyzer's diagnostics as you type; preview it as a student; export it as files or as a pack to share with ?pack=. Your files stay in this browser until you export them." }</p>
            if !state.notice.is_empty() {
                <div class="notice banner" role="alert">
                    <div>{ for state.notice.iter().map(|line| html! { <p class="diagnostic">{ line }</p> }) }</div>
                    <button type="button" onclick={dismiss}>{ "Dismiss" }</button>
                </div>
            }
            <section class="author-open" aria-label="Open or start a lesson" ondrop={on_drop} ondragover={on_drag_over}>
                <form class="toolbar" onsubmit={on_new}>
                    <label>{ "Lesson id " }<input type="text" value={(*new_id).clone()} oninput={on_new_id} spellcheck="false" /></label>
                    <button type="submit">{ "New lesson" }</button>
                </form>
                <div class="toolbar">
                    <button type="button" onclick={on_pick}>{ "Open a lesson folder…" }</button>
                    <label class="file-input">{ "Or choose a folder: " }<input ref={folder_input} type="file" webkitdirectory=true multiple=true onchange={on_files.clone()} /></label>
                    <label class="file-input">{ "A .zip or a lesson pack: " }<input type="file" accept=".zip,.json,application/zip,application/json" onchange={on_files} /></label>
                </div>
                <p class="drop-zone muted">{ "Or drop a lesson folder, a .zip or a lesson pack anywhere in this box." }</p>
            </section>
            if has_files {
                { status_line(&state) }
                <div class="toolbar" aria-label="Lesson actions">
                    <button type="button" onclick={on_check} disabled={!ready || state.check == Check::Running}>{ "Check on the engine" }</button>
                    <button type="button" onclick={on_preview} disabled={!ready}>{ "Preview as a student" }</button>
                    <button type="button" onclick={on_export_zip}>{ "Export as a zip" }</button>
                    <form class="inline-form" onsubmit={on_export_pack}>
                        <label>{ "Pack id " }<input type="text" value={(*pack_id).clone()} placeholder={export_name.clone()} oninput={on_pack_id} spellcheck="false" /></label>
                        <button type="submit">{ "Export as a pack" }</button>
                    </form>
                </div>
                { check_result(&state.check) }
                <div class="author-work">
                    { file_list(&state) }
                    { editor(&state) }
                </div>
                { diagnostics_list(&state) }
            }
        </div>
    }
}

fn status_line(state: &AuthorState) -> Html {
    let text = match state.status() {
        Status::Empty => "No `lesson.toml` is open; start a new lesson or open one.".to_owned(),
        Status::Analyzing => "Checking the files…".to_owned(),
        Status::Failed(message) => message,
        Status::Problems { errors, warnings } => format!(
            "{errors} {} and {warnings} {} in the files{}.",
            if errors == 1 { "error" } else { "errors" },
            if warnings == 1 { "warning" } else { "warnings" },
            if state.is_current() { "" } else { " (checking your latest edit…)" }
        ),
        Status::Clean { lessons: 1 } if state.is_current() => {
            "No problems: the lesson loads as `miglab check` loads it.".to_owned()
        }
        Status::Clean { lessons } if state.is_current() => {
            format!("No problems: all {lessons} lessons load as `miglab check` loads them.")
        }
        Status::Clean { .. } => "Checking your latest edit…".to_owned(),
    };
    html! { <p class="status author-status" role="status">{ text }</p> }
}

fn check_result(check: &Check) -> Html {
    match check {
        Check::Idle => Html::default(),
        Check::Running => {
            html! { <p class="busy" role="status">{ "Checking the lesson on the engine…" }</p> }
        }
        Check::Failed(message) => html! { <p class="notice" role="status">{ message }</p> },
        Check::Done { passed, lines } => html! {
            <div class={if *passed { "verdict right" } else { "failure" }} role="status">
                <p><strong>{ if *passed { "The lesson passes its check on the engine." } else { "The lesson fails its check on the engine." } }</strong></p>
                <pre class="diagnostic">{ lines.join("\n") }</pre>
            </div>
        },
    }
}

fn file_list(state: &UseReducerHandle<AuthorState>) -> Html {
    let errors =
        |path: &str| state.diagnostics().iter().filter(|d| d.file == path && d.is_error()).count();
    let item = |path: &String, label: &str, close: Option<Callback<MouseEvent>>| {
        let select = {
            let (dispatcher, path) = (state.dispatcher(), path.clone());
            Callback::from(move |_: MouseEvent| {
                dispatcher.dispatch(AuthorAction::Select(path.clone()))
            })
        };
        let current = state.open.as_ref() == Some(path);
        let count = errors(path);
        html! {
            <li>
                <button type="button" class="file" aria-current={current.then_some("true")} onclick={select}>
                    { label.to_owned() }
                    if count > 0 { <span class="badge wrong-badge">{ format!("{count} {}", if count == 1 { "error" } else { "errors" }) }</span> }
                </button>
                if let Some(close) = close {
                    <button type="button" class="link-button" onclick={close} aria-label={format!("Close {path}")}>{ "Close" }</button>
                }
            </li>
        }
    };
    let groups = state.folders().into_iter().map(|folder| {
        let prefix = format!("{folder}/");
        let close = {
            let (dispatcher, folder) = (state.dispatcher(), folder.clone());
            Callback::from(move |_: MouseEvent| dispatcher.dispatch(AuthorAction::Close(folder.clone())))
        };
        html! {
            <li>
                <span class="folder">{ format!("{folder}/") }</span>
                <button type="button" class="link-button" onclick={close} aria-label={format!("Close lesson {folder}")}>{ "Close" }</button>
                <ul>{ for state.files.keys().filter_map(|p| Some(item(p, p.strip_prefix(&prefix)?, None))) }</ul>
            </li>
        }
    });
    let others = state
        .files
        .keys()
        .filter(|p| !state.folders().iter().any(|f| p.starts_with(&format!("{f}/"))))
        .map(|p| {
            let close = {
                let (dispatcher, path) = (state.dispatcher(), p.clone());
                Callback::from(move |_: MouseEvent| {
                    dispatcher.dispatch(AuthorAction::Close(path.clone()))
                })
            };
            item(p, p, Some(close))
        });
    html! {
        <nav class="author-files" aria-label="Lesson files">
            <ul>{ for others }{ for groups }</ul>
        </nav>
    }
}

fn editor(state: &UseReducerHandle<AuthorState>) -> Html {
    let Some((path, text)) =
        state.open.as_ref().and_then(|p| Some((p.clone(), state.files.get(p)?.clone())))
    else {
        return html! { <p class="muted">{ "Choose a file to edit." }</p> };
    };
    let on_change = {
        let (dispatcher, path) = (state.dispatcher(), path.clone());
        Callback::from(move |text: String| {
            dispatcher.dispatch(AuthorAction::Edit { path: path.clone(), text })
        })
    };
    let marks = serde_json::to_string(&state.marks(&path)).unwrap_or_else(|_| "[]".to_owned());
    // Marks of older text stay where the editor moved them while the analyzer reads the newer text.
    let diagnostics = state.is_current().then(|| AttrValue::from(marks));
    let jump =
        state.jump.as_ref().filter(|j| j.path == path).map(|j| (j.at.line, j.at.column, j.seq));
    html! {
        <div class="author-editor">
            <p class="meta"><strong>{ path.clone() }</strong></p>
            <CodeEditor key={path.clone()} value={AttrValue::from(text)} language={author::language(&path)} label={format!("Edit {path}")} {on_change} {diagnostics} {jump} />
        </div>
    }
}

fn diagnostics_list(state: &UseReducerHandle<AuthorState>) -> Html {
    let all = state.diagnostics();
    if all.is_empty() {
        return Html::default();
    }
    let items = all.into_iter().map(|d| {
        let at = d.diagnostic.at;
        let place = match at {
            Some(at) => format!("{}:{}:{}", d.file, at.line, at.column),
            None => d.file.clone(),
        };
        let jump = {
            let (dispatcher, path) = (state.dispatcher(), d.file.clone());
            Callback::from(move |_: MouseEvent| match at {
                Some(at) => dispatcher.dispatch(AuthorAction::Jump { path: path.clone(), at }),
                None => dispatcher.dispatch(AuthorAction::Select(path.clone())),
            })
        };
        let kind = if d.is_error() { "error" } else { "warning" };
        html! {
            <li class={classes!("author-diagnostic", kind)}>
                <button type="button" class="link-button" onclick={jump}>{ place }</button>
                { format!(" {kind}: {}", author::shown(d)) }
            </li>
        }
    });
    html! {
        <section aria-label="Diagnostics" class="author-diagnostics">
            <h2>{ "Diagnostics" }</h2>
            <ul>{ for items }</ul>
        </section>
    }
}
