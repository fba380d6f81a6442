//! `miglab lint FILE`: safety findings for a migration file (.py via the Alembic front end, .sql directly).
//!
//! Exit codes: 0 when nothing is destructive, 1 when a destructive finding exists (the drop
//! guard would stop), 2 when the file cannot be read or parsed.

use miglab_analysis::alembic;
use miglab_analysis::analysis::steps_from_sql;
use miglab_analysis::diagnostic::{Diagnostic, LineIndex};
use miglab_analysis::downgrade;
use miglab_analysis::migration::Migration;
use miglab_analysis::rules::{self, Finding, RuleContext};
use miglab_analysis::schema::Schema;
use serde::Serialize;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// An Alembic revision file (.py) or a SQL migration (.sql).
    file: PathBuf,
    /// `human` (file:line:col: code: message) or `json`.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Lint what `downgrade()` runs instead of `upgrade()` (Alembic files only).
    #[arg(long)]
    downgrade: bool,
    /// The schema before the migration, as JSON (e.g. the engine's introspection with row counts),
    /// so rules know which tables hold rows.
    #[arg(long)]
    schema: Option<PathBuf>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Human,
    Json,
}

#[derive(Serialize)]
struct Report<'a> {
    file: String,
    destructive: bool,
    findings: Vec<JsonFinding<'a>>,
    diagnostics: Vec<Diagnostic>,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    #[serde(flatten)]
    finding: &'a Finding,
    line: Option<u32>,
    column: Option<u32>,
}

pub fn run(args: Args) -> ExitCode {
    let source = match crate::read_source(&args.file) {
        Ok(source) => source,
        Err(code) => return code,
    };
    let shown = args.file.display().to_string();
    let schema = match args.schema.as_ref().map(load_schema).transpose() {
        Ok(schema) => schema,
        Err(code) => return code,
    };
    let is_python = args.file.extension().is_some_and(|e| e.eq_ignore_ascii_case("py"));
    let (steps, mut diagnostics, migration) = if is_python {
        let parsed = alembic::parse(&source);
        let steps = if args.downgrade {
            parsed.migration.downgrade.clone()
        } else {
            parsed.migration.upgrade.clone()
        };
        (steps, parsed.diagnostics, Some(parsed.migration))
    } else {
        let (steps, diagnostics) = steps_from_sql(&source);
        (steps, diagnostics, None)
    };
    if diagnostics.iter().any(Diagnostic::is_error) {
        for diagnostic in &diagnostics {
            eprintln!("{}", diagnostic.render(&shown));
        }
        return ExitCode::from(2);
    }
    // Statements that do not parse: a SQL file's errors point at the exact position, an
    // Alembic file's at the operation that produced the statement.
    let syntax = if is_python {
        miglab_analysis::analysis::analyze(&steps).diagnostics
    } else {
        miglab_analysis::analysis::analyze_sql(&source).diagnostics
    };
    diagnostics.extend(syntax.into_iter().map(|d| resolve(d, &source)));
    let broken = diagnostics.iter().any(Diagnostic::is_error);
    if let (Some(migration), false) = (&migration, args.downgrade) {
        diagnostics.extend(downgrade_diagnostics(migration, schema.as_ref(), &source));
    }
    let findings = rules::check(&steps, &RuleContext { schema: schema.as_ref() });
    let destructive = rules::any_destructive(&findings);
    match args.format {
        Format::Human => print_human(&shown, &source, &findings, &diagnostics),
        Format::Json => {
            let index = LineIndex::new(&source);
            let findings = findings
                .iter()
                .map(|finding| {
                    let at = finding.span.map(|s| index.line_col(s.start));
                    JsonFinding { finding, line: at.map(|a| a.line), column: at.map(|a| a.column) }
                })
                .collect();
            let report = Report { file: shown, destructive, findings, diagnostics };
            match serde_json::to_string_pretty(&report) {
                Ok(json) => println!("{json}"),
                Err(error) => {
                    eprintln!("miglab lint: cannot write JSON: {error}");
                    return ExitCode::from(2);
                }
            }
        }
    }
    if broken {
        ExitCode::from(2)
    } else if destructive {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn load_schema(path: &PathBuf) -> Result<Schema, ExitCode> {
    let text = crate::read_source(path)?;
    serde_json::from_str(&text).map_err(|error| {
        eprintln!("{}:{}:{}: not a schema: {error}", path.display(), error.line(), error.column());
        ExitCode::from(2)
    })
}

fn resolve(diagnostic: Diagnostic, source: &str) -> Diagnostic {
    match (diagnostic.span, diagnostic.at) {
        (Some(span), None) => diagnostic.with_span(span, source),
        _ => diagnostic,
    }
}

/// The downgrade check's findings for an Alembic file, as warnings beside the safety findings.
fn downgrade_diagnostics(
    migration: &Migration,
    schema: Option<&Schema>,
    source: &str,
) -> Vec<Diagnostic> {
    downgrade::check_from(migration, schema)
        .diagnostics
        .into_iter()
        .map(|d| resolve(d, source))
        .collect()
}

fn print_human(file: &str, source: &str, findings: &[Finding], diagnostics: &[Diagnostic]) {
    for finding in findings {
        let diagnostic = finding.to_diagnostic(Some(source));
        let at = diagnostic.at.map(|at| format!("{at}:")).unwrap_or_default();
        println!("{file}:{at} {}: {}", finding.code, finding.message);
        println!("  help: {}", finding.help);
    }
    for diagnostic in diagnostics {
        let at = diagnostic.at.map(|at| format!("{at}:")).unwrap_or_default();
        println!("{file}:{at} {}: {}", diagnostic.code, diagnostic.message);
        if let Some(help) = &diagnostic.help {
            println!("  help: {help}");
        }
    }
    let destructive = findings.iter().filter(|f| f.is_destructive()).count();
    println!("{} finding(s), {destructive} destructive.", findings.len());
}
