//! Phase one of loading: parse a `lesson.toml` and check everything that needs no other file.

use super::file_diagnostic::FileDiagnostic;
use super::spans::Located;
use super::validate::check_manifest;
use super::LessonManifest;

/// Parses one lesson manifest. `path` is where it lives relative to the lessons folder,
/// e.g. `confidence_score/lesson.toml`; its folder must equal the lesson id.
/// Returns the manifest whenever it deserialized, even with diagnostics, so the caller can
/// still list its files; the lesson is usable only if no diagnostic is an error.
pub fn parse_manifest(path: &str, text: &str) -> (Option<LessonManifest>, Vec<FileDiagnostic>) {
    let (manifest, located, mut diagnostics) = Located::parse::<LessonManifest>(path, text);
    let Some(manifest) = manifest else { return (None, diagnostics) };
    let folder = path.rsplit_once('/').map(|(dir, _)| dir.rsplit('/').next().unwrap_or(dir));
    diagnostics.extend(check_manifest(&located, &manifest, folder));
    (Some(manifest), diagnostics)
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::lesson::{load, parse_course, scaffold};
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    proptest! {
        /// A broken lesson must never take the app down: any text gives diagnostics, not a panic.
        #[test]
        fn arbitrary_text_never_panics_ok(text in "\\PC{0,400}") {
            let _ = parse_course(&text);
            let (manifest, _) = parse_manifest("x/lesson.toml", &text);
            if let Some(manifest) = manifest {
                let _ = load(&manifest, &BTreeMap::new());
            }
        }

        /// Cutting the scaffold's manifest anywhere still gives diagnostics, never a panic.
        #[test]
        fn truncated_manifest_never_panics_ok(cut in 0usize..6000) {
            let files = scaffold("t");
            let text = files.get("t/lesson.toml").cloned().unwrap_or_default();
            let cut = (0..=cut.min(text.len())).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
            let (manifest, diagnostics) = parse_manifest("t/lesson.toml", &text[..cut]);
            prop_assert!(manifest.is_some() || !diagnostics.is_empty());
            if let Some(manifest) = manifest {
                let relative = files.iter().map(|(k, v)| (k.trim_start_matches("t/").to_owned(), v.clone())).collect();
                let _ = load(&manifest, &relative);
            }
        }
    }
}
