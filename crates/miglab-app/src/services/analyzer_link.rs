//! The app's only way to the parsers: requests to the analyzer module and the author module.
//!
//! Reading Alembic files and SQL needs two parsers that are most of the analysis crate's code. They live in a
//! second wasm module (`crates/miglab-analyzer`, served under `analyzer/`), which this file imports
//! when a lesson opens ([`prefetch`]) or on the first request, and keeps. Loading and packing lessons and the
//! in-page check live in a third (`crates/miglab-author`), imported the same way by the author view and a pack
//! lesson's first opening only; each request goes to the module `Request::module` names. The app depends on the
//! model crate only, so it cannot link them; everything else (schema, runner, grading of answers that need no SQL)
//! it calls in place.
//!
//! Natively, for the app's tests, a request goes through the same JSON to `miglab_analysis::service`.

use miglab_model::diagnostic::Diagnostic;
use miglab_model::finding::Finding;
use miglab_model::grade::Graded;
use miglab_model::migration::{Parsed, Step};
pub use miglab_model::protocol::Module;
use miglab_model::protocol::{CheckRequest, CheckStep, GradeItem, Reply, Request};
use miglab_model::schema::Schema;

#[cfg(target_arch = "wasm32")]
mod module {
    use super::{title, Module};
    use wasm_bindgen::prelude::*;
    use wasm_bindgen_futures::JsFuture;

    // The import is kept once it succeeds and forgotten when it fails, so a later request retries (a dropped
    // connection should not need a reload to recover). Each retry asks for new URLs (`&retry=N`): Chromium keeps
    // a failed dynamic `import()` in the page's module map, so asking for the same URL again fails without a request.
    #[wasm_bindgen(inline_js = r#"
const modules = new Map();
const failures = new Map();
function load(name, stamp) {
  const failed = failures.get(name) ?? 0;
  const retry = failed > 0 ? `&retry=${failed}` : '';
  const url = (file) => new URL(`analyzer/${file}?v=${stamp}${retry}`, document.baseURI).href;
  if (!modules.has(name)) {
    modules.set(name, import(url(`${name}.js`))
      .then(async (module) => { await module.default({ module_or_path: url(`${name}_bg.wasm`) }); return module; })
      .catch((error) => { modules.delete(name); failures.set(name, failed + 1); throw error; }));
  }
  return modules.get(name);
}
export function prefetchModule(name, stamp) { load(name, stamp).catch(() => {}); }
export function callModule(name, method, request, stamp) {
  return load(name, stamp).then(
    (module) => module[method](request),
    (error) => { throw new Error(`could not load (${error.message ?? error})`); },
  );
}"#)]
    extern "C" {
        #[wasm_bindgen(js_name = callModule)]
        fn call_module(name: &str, method: &str, request: &str, stamp: &str) -> js_sys::Promise;
        #[wasm_bindgen(js_name = prefetchModule)]
        fn prefetch_module(name: &str, stamp: &str);
    }

    /// The modules' content hash, in their URLs so a cached module from another build is never paired with this app.
    const STAMP: &str = env!("MIGLAB_ANALYZER_STAMP");

    pub fn prefetch(module: Module) {
        prefetch_module(module.name(), STAMP);
    }

    pub async fn send(module: Module, request: String) -> Result<String, String> {
        reply(module, call_module(module.name(), "analyze", &request, STAMP)).await
    }

    pub async fn check(request: String) -> Result<String, String> {
        reply(Module::Author, call_module(Module::Author.name(), "check", &request, STAMP)).await
    }

    async fn reply(module: Module, promise: js_sys::Promise) -> Result<String, String> {
        // A load failure is worth a retry; a failure inside the module (a trap, which the analysis's tests exist to
        // prevent) is not, and the page should be reloaded for a fresh instance.
        let file = module.name();
        let reply = JsFuture::from(promise).await.map_err(|e| {
            let detail = e.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())).or_else(|| e.as_string()).unwrap_or_else(|| format!("{e:?}"));
            match detail.strip_prefix("could not load ") {
                Some(why) => format!("The {} (analyzer/{file}.js) could not load {why}. Check the connection and try again.", title(module)),
                None => format!("The {} stopped on this input ({detail}). Your text is kept; reload the page and try again, and please report the file.", title(module)),
            }
        })?;
        reply
            .as_string()
            .ok_or_else(|| format!("The {} replied with something other than text.", title(module)))
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod module {
    use super::Module;

    pub fn prefetch(_: Module) {}

    /// Natively each module's side of the service, as the module itself answers it.
    #[allow(clippy::unused_async)]
    pub async fn send(module: Module, request: String) -> Result<String, String> {
        Ok(match module {
            Module::Analyzer => miglab_analysis::service::answer_json(&request),
            Module::Author => miglab_analysis::service::author::answer_json(&request),
        })
    }

    thread_local! {
        /// The check in progress, as the author module keeps it.
        static CHECK: std::cell::RefCell<Option<miglab_analysis::check::stepper::Stepper>> =
            const { std::cell::RefCell::new(None) };
    }

    #[allow(clippy::unused_async)]
    pub async fn check(request: String) -> Result<String, String> {
        Ok(CHECK.with(|state| {
            miglab_analysis::check::stepper::answer_json(&mut state.borrow_mut(), &request)
        }))
    }
}

/// How a message names a module.
fn title(module: Module) -> &'static str {
    match module {
        Module::Analyzer => "analyzer",
        Module::Author => "author module",
    }
}

/// Starts fetching and compiling a module without waiting, so the first request does not wait for it: the analyzer
/// when a lesson opens, the author module when the author view opens or a pack lesson is checked.
/// A failure here is quiet; the request that needs the module retries and says what went wrong.
pub fn prefetch(module: Module) {
    module::prefetch(module);
}

async fn ask(request: Request) -> Result<Reply, String> {
    let module = request.module();
    let name = title(module);
    let json = serde_json::to_string(&request)
        .map_err(|e| format!("The request for the {name} could not be written: {e}."))?;
    let reply = module::send(module, json).await?;
    match serde_json::from_str(&reply).map_err(|e| {
        format!(
            "The {name}'s reply could not be read ({e}); reload the page so app and {name} match."
        )
    })? {
        Reply::Refused { message } => Err(format!(
            "The {name} refused the request: {message}. Reload the page so app and {name} match."
        )),
        reply => Ok(reply),
    }
}

fn mismatched(reply: &Reply) -> String {
    format!("The analyzer answered a different question (`{}`); reload the page so app and analyzer match.", reply.kind())
}

/// SQL split into statements with their spans, the way every engine runs them (`;` inside strings, `$$` bodies and
/// comments never splits), with the splitter's diagnostics; a console line, an experiment, a value query.
pub async fn split(sql: &str) -> Result<(Vec<Step>, Vec<Diagnostic>), String> {
    match ask(Request::Split { sql: sql.to_owned() }).await? {
        Reply::Split { steps, diagnostics } => Ok((steps, diagnostics)),
        other => Err(mismatched(&other)),
    }
}

/// An Alembic revision file, translated to steps, as `miglab_analysis::alembic::parse` returns it.
pub async fn alembic(text: String) -> Result<Parsed, String> {
    match ask(Request::Alembic { text }).await? {
        Reply::Alembic { migration, diagnostics } => Ok(Parsed { migration, diagnostics }),
        other => Err(mismatched(&other)),
    }
}

/// The safety rules' findings on steps that would run on `schema`.
pub async fn rules(steps: Vec<Step>, schema: Option<Schema>) -> Result<Vec<Finding>, String> {
    match ask(Request::Rules { steps, schema }).await? {
        Reply::Rules { findings } => Ok(findings),
        other => Err(mismatched(&other)),
    }
}

/// One step of the in-page `miglab check` (`services::lesson_check`): start a lesson's check, or answer its last call.
pub async fn check(request: CheckRequest) -> Result<CheckStep, String> {
    let json = serde_json::to_string(&request)
        .map_err(|e| format!("The check request could not be written: {e}."))?;
    let reply = module::check(json).await?;
    serde_json::from_str(&reply).map_err(|e| format!("The author module's check step could not be read ({e}); reload the page so app and analyzer match."))
}

/// Answers graded in order, schema predictions included.
pub async fn grade(items: Vec<GradeItem>) -> Result<Vec<Graded>, String> {
    if items.is_empty() {
        return Ok(Vec::new());
    }
    match ask(Request::Grade { items }).await? {
        Reply::Grade { graded } => Ok(graded),
        other => Err(mismatched(&other)),
    }
}

/// Every lesson folder among the author view's files, loaded as `miglab check` loads it, with its diagnostics.
pub async fn lessons(
    files: std::collections::BTreeMap<String, String>,
) -> Result<Vec<miglab_model::protocol::AuthoredLesson>, String> {
    match ask(Request::Lessons { files }).await? {
        Reply::Lessons { lessons } => Ok(lessons),
        other => Err(mismatched(&other)),
    }
}

/// Files keyed by their path in a lessons folder, and sentences about what could not be made: `miglab new`'s
/// scaffold, or a pack's lessons.
pub type Files = (std::collections::BTreeMap<String, String>, Vec<String>);

/// `miglab new ID`'s files.
pub async fn scaffold(id: &str) -> Result<Files, String> {
    match ask(Request::Scaffold { id: id.to_owned() }).await? {
        Reply::Files { files, messages } => Ok((files, messages)),
        other => Err(mismatched(&other)),
    }
}

/// A lesson pack's lessons as files.
pub async fn unpack(text: String) -> Result<Files, String> {
    match ask(Request::Unpack { text }).await? {
        Reply::Files { files, messages } => Ok((files, messages)),
        other => Err(mismatched(&other)),
    }
}

/// The files as the pack `id`, as `miglab pack` writes it, with its report.
pub async fn pack(
    id: &str,
    files: std::collections::BTreeMap<String, String>,
) -> Result<(Option<String>, Vec<String>), String> {
    match ask(Request::Pack { id: id.to_owned(), files }).await? {
        Reply::Pack { text, messages } => Ok((text, messages)),
        other => Err(mismatched(&other)),
    }
}
