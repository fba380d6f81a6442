//! Alembic revision files: Python source parsed with a real Python parser, translated into the PostgreSQL DDL Alembic emits.
//!
//! [`parse`] never fails and never panics: everything outside the supported subset of Alembic
//! becomes an error [`crate::diagnostic::Diagnostic`] with a position, and no SQL is guessed for it.
//! The SQL of each [`Step`](crate::migration::Step) matches `alembic upgrade --sql` on PostgreSQL
//! (Alembic 1.1x, SQLAlchemy 2.0), up to layout whitespace.

mod column;
mod constraint;
mod cx;
mod default;
mod dml;
mod eval;
mod generated;
mod ident;
mod ops;
mod python;
mod revision;
#[cfg(test)]
mod signatures;
mod sqlexpr;
mod translate;
mod types;
pub use miglab_model::migration::version_table;

use crate::diagnostic::Span;
use crate::migration::Migration;
/// Where both readers (Alembic files and SQL pairs) put their result; it lives in `migration` so neither reader depends on the other.
pub use crate::migration::Parsed;
use cx::Cx;
use ruff_python_parser::parse_module;

/// Parses an Alembic revision file and translates `upgrade()` and `downgrade()`.
pub fn parse(source: &str) -> Parsed {
    let cx = Cx::new(source);
    if let Some(at) = python::too_deep(source) {
        cx.error::<()>(
            "python-too-deep",
            Span::new(at, at),
            format!("This file nests brackets, blocks or operators more than {} deep, which no migration needs.", python::MAX_NESTING),
            "Flatten the expression.",
        );
        return Parsed { migration: Migration::default(), diagnostics: cx.into_diagnostics() };
    }
    let module = match parse_module(source) {
        Ok(parsed) => parsed.into_syntax(),
        Err(error) => {
            let span = python::span(error.location);
            cx.error::<()>(
                "python-syntax-error",
                span,
                format!("This is not valid Python: {}.", error.error),
                "Fix the syntax at this position.",
            );
            return Parsed { migration: Migration::default(), diagnostics: cx.into_diagnostics() };
        }
    };
    let body = &module.body;
    let (revision, upgrade, downgrade) = {
        let mut interp = eval::Interp::new(&cx);
        interp.run_module(body);
        let revision = revision::revision(&cx, &mut interp, body);
        let upgrade = function(&cx, &mut interp, "upgrade");
        let downgrade = function(&cx, &mut interp, "downgrade");
        (revision, upgrade, downgrade)
    };
    let mut migration = Migration { revision, upgrade, downgrade };
    crate::locks::document(&mut migration);
    Parsed { migration, diagnostics: cx.into_diagnostics() }
}

fn function(cx: &Cx, interp: &mut eval::Interp, name: &str) -> Vec<crate::migration::Step> {
    // Python keeps the last binding of a name, so a second `def upgrade()` replaces the first.
    let end = cx.source.len();
    match interp.run_function(name, Span::new(end, end)) {
        Some(steps) => steps,
        None => {
            let message = format!(
                "This file has no `def {name}():`, so Alembic cannot run it in that direction."
            );
            let help = format!("Add `def {name}() -> None:` with the operations to run.");
            match name {
                "upgrade" => cx
                    .error::<()>("missing-upgrade", Span::new(end, end), message, help)
                    .unwrap_or_default(),
                _ => cx.warning("missing-downgrade", Span::new(end, end), message, help),
            }
            Vec::new()
        }
    }
}

/// Renders a translation the way tests snapshot it: both directions, autocommit steps marked, then diagnostics.
#[cfg(test)]
pub(crate) fn render_for_test(parsed: &Parsed, file: &str) -> String {
    use crate::migration::Step;
    let steps = |steps: &[Step]| -> String {
        steps
            .iter()
            .map(|s| format!("{}{};\n", if s.autocommit { "-- autocommit\n" } else { "" }, s.sql))
            .collect()
    };
    let mut out = format!(
        "-- upgrade\n{}-- downgrade\n{}",
        steps(&parsed.migration.upgrade),
        steps(&parsed.migration.downgrade)
    );
    for diagnostic in &parsed.diagnostics {
        out.push_str(&format!(
            "-- {:?} {}: {}\n",
            diagnostic.severity,
            diagnostic.code,
            diagnostic.render(file)
        ));
    }
    out
}

/// The upgrade of a revision file whose `upgrade()` body is `body` (unindented; the helper indents it).
#[cfg(test)]
pub(crate) fn check(body: &str) -> String {
    let indented: String = body.lines().map(|l| format!("    {l}\n")).collect();
    let source = format!(
        "from alembic import op\nimport sqlalchemy as sa\nfrom sqlalchemy.dialects import postgresql\n\nrevision = \"r1\"\ndown_revision = None\n\n\ndef upgrade():\n{indented}\n\ndef downgrade():\n    pass\n"
    );
    let parsed = parse(&source);
    let mut out: String = parsed
        .migration
        .upgrade
        .iter()
        .map(|s| format!("{}{};\n", if s.autocommit { "-- autocommit\n" } else { "" }, s.sql))
        .collect();
    for diagnostic in &parsed.diagnostics {
        out.push_str(&format!("{} {}\n", diagnostic.code, diagnostic.render("r1.py")));
    }
    out.trim_end().to_owned()
}

#[cfg(test)]
mod test {
    use super::*;

    fn fixtures(verdict: &str) -> Vec<(String, String)> {
        crate::fixture_files::fixtures("alembic", verdict, ".py")
            .into_iter()
            .map(|f| (f.name, f.text))
            .collect()
    }

    /// Fixture snapshots live in `alembic/snapshots/`, named after the fixture and its verdict.
    fn snapshot(name: &str, rendered: String) {
        insta::with_settings!({ snapshot_path => "alembic/snapshots", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(name.to_owned(), rendered);
        });
    }

    #[test]
    fn fixtures_ok() {
        let files = fixtures("ok");
        assert!(!files.is_empty());
        for (name, source) in files {
            let parsed = parse(&source);
            assert!(!parsed.has_errors(), "{name} has errors: {:#?}", parsed.diagnostics);
            assert!(!parsed.migration.revision.revision.is_empty(), "{name} has no revision id");
            let header = format!("{:#?}\n", parsed.migration.revision);
            snapshot(
                &format!("ok__{name}"),
                header + &render_for_test(&parsed, &format!("{name}.py")),
            );
        }
    }

    #[test]
    fn fixtures_err() {
        let files = fixtures("err");
        assert!(!files.is_empty());
        for (name, source) in files {
            let parsed = parse(&source);
            let errors: Vec<&crate::diagnostic::Diagnostic> =
                parsed.diagnostics.iter().filter(|d| d.is_error()).collect();
            assert!(!errors.is_empty(), "{name} produced no error");
            assert!(
                errors.iter().all(|d| d.at.is_some() && d.help.is_some()),
                "{name}: every error needs a position and a help"
            );
            snapshot(&format!("err__{name}"), render_for_test(&parsed, &format!("{name}.py")));
        }
    }
}

/// Property tests: the front end and the translator never panic, whatever the file says.
#[cfg(test)]
mod fuzz {
    use super::parse;
    use proptest::prelude::*;

    const OK_FIXTURES: &[&str] = &[
        include_str!("../fixtures/alembic/ok/a01_expenses_columns.py"),
        include_str!("../fixtures/alembic/ok/a03_create_table.py"),
        include_str!("../fixtures/alembic/ok/a07_batch_enum_rename.py"),
        include_str!("../fixtures/alembic/ok/a08_options.py"),
    ];

    /// Fragments of migration code, so random sequences reach deep into the translator.
    const TOKENS: &[&str] = &[
        "op.add_column(",
        "op.create_table(",
        "op.alter_column(",
        "op.create_index(",
        "op.execute(",
        "op.drop_constraint(",
        "op.create_foreign_key(",
        "sa.Column(",
        "sa.Enum(",
        "sa.ForeignKey(",
        "sa.Numeric(",
        "sa.ARRAY(",
        "sa.text(",
        "sa.func.now(",
        "op.f(",
        "postgresql.UUID(",
        "sa.PrimaryKeyConstraint(",
        "sa.Index(",
        ".create(op.get_bind())",
        "\"t\"",
        "\"users.id\"",
        "None",
        "True",
        "-1",
        "3",
        "[",
        "]",
        "(",
        ")",
        ",",
        "=",
        "nullable",
        "server_default",
        "type_",
        "primary_key",
        "name",
        "*",
        "**",
        "\n    ",
        "with op.batch_alter_table(\"t\") as batch_op:\n        ",
        "batch_op.",
        "with op.get_context().autocommit_block():\n        ",
    ];

    fn upgrade_of(body: &str) -> String {
        format!("revision = \"r\"\ndown_revision = None\n\ndef upgrade():\n    {body}\n\ndef downgrade():\n    pass\n")
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn arbitrary_text_ok(source in "\\PC*") {
            let _ = parse(&source);
        }

        #[test]
        fn token_soup_ok(tokens in prop::collection::vec(prop::sample::select(TOKENS), 0..40)) {
            let _ = parse(&upgrade_of(&tokens.concat()));
        }

        #[test]
        fn mutated_fixture_ok(which in 0..OK_FIXTURES.len(), at in any::<prop::sample::Index>(), len in 0usize..40, insert in "\\PC{0,8}") {
            let source = OK_FIXTURES[which];
            let mut start = at.index(source.len().max(1)).min(source.len());
            while !source.is_char_boundary(start) {
                start -= 1;
            }
            let mut end = (start + len).min(source.len());
            while !source.is_char_boundary(end) {
                end -= 1;
            }
            let mutated = format!("{}{insert}{}", &source[..start], &source[end..]);
            let _ = parse(&mutated);
        }
    }

    #[test]
    fn deep_nesting_ok() {
        for depth in [100, 1_000, 5_000] {
            let parens =
                upgrade_of(&format!("op.execute({}\"x\"{})", "(".repeat(depth), ")".repeat(depth)));
            let calls =
                upgrade_of(&format!("{}1{}", "sa.Column(".repeat(depth), ")".repeat(depth)));
            let unary = upgrade_of(&format!("op.execute({}1)", "not -".repeat(depth)));
            let lambdas = upgrade_of(&format!("op.execute({}1)", "lambda: ".repeat(depth)));
            let power = upgrade_of(&format!("op.execute(1{})", "**2".repeat(depth)));
            let ternary = upgrade_of(&format!("op.execute(1{})", " if 1 else 1".repeat(depth)));
            // Just under each limit at once: brackets and prefix operators interleaved.
            let mixed =
                upgrade_of(&format!("op.execute({}1{})", "-(not ".repeat(50), ")".repeat(50)));
            let mixed_chain = upgrade_of(&format!(
                "op.execute({}1{})",
                "(1 if 1 else lambda: 2**".repeat(24),
                ")".repeat(24)
            ));
            for source in [parens, calls, unary, lambdas, power, ternary, mixed, mixed_chain] {
                let _ = parse(&source);
            }
        }
    }
}
