//! The migration as the student reads it: the Alembic file highlighted, and a toggle for the DDL underneath.

use crate::components::code_editor::CodeEditor;
use miglab_model::lesson::{LessonMigration, MigrationSource};
use miglab_model::migration::Step;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub migration: LessonMigration,
    /// Lines Postgres failed on, marked in the source.
    #[prop_or_default]
    pub mark: Option<(u32, u32)>,
}

fn ddl(steps: &[Step]) -> String {
    if steps.is_empty() {
        return "-- nothing: the function is empty or only says pass\n".to_owned();
    }
    steps
        .iter()
        .map(|s| {
            format!(
                "{}{};\n",
                if s.autocommit { "-- outside the transaction (autocommit block)\n" } else { "" },
                s.sql
            )
        })
        .collect()
}

#[function_component]
pub fn MigrationView(props: &Props) -> Html {
    let show_ddl = use_state(|| false);
    let toggle = {
        let show_ddl = show_ddl.clone();
        Callback::from(move |_: MouseEvent| show_ddl.set(!*show_ddl))
    };
    let m = &props.migration;
    let (file, text, language) = match &m.source {
        MigrationSource::Alembic { file, text } => (file.clone(), text.clone(), "python"),
        MigrationSource::Sql { up_file, up, down_file, down, .. } => (
            format!("{up_file} + {down_file}"),
            format!("-- {up_file}\n{up}\n-- {down_file}\n{down}"),
            "sql",
        ),
    };
    let underneath = format!(
        "-- upgrade()\n{}\n-- downgrade()\n{}",
        ddl(&m.migration.upgrade),
        ddl(&m.migration.downgrade)
    );
    let region = format!("ddl-{}", m.id());
    html! {
        <section class="migration" aria-label={format!("Migration {}", m.id())}>
            <header class="migration-head">
                <code class="file">{ file }</code>
                <button type="button" class="toggle" aria-expanded={(*show_ddl).to_string()} aria-controls={region.clone()} onclick={toggle}>
                    { if *show_ddl { "Hide the DDL underneath" } else { "Show the DDL underneath" } }
                </button>
            </header>
            <CodeEditor value={text} language={language} label={format!("Migration file {}", m.id())} read_only=true mark={props.mark} />
            if *show_ddl {
                <div id={region} class="ddl">
                    <p class="muted">{ "What Postgres runs, as miglab translates the file (the same SQL " }<code>{ "alembic upgrade --sql" }</code>{ " prints):" }</p>
                    <CodeEditor value={underneath} language="sql" label={format!("DDL of migration {}", m.id())} read_only=true />
                </div>
            }
        </section>
    }
}
