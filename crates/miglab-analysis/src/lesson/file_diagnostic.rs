//! A diagnostic about one lesson file; the type is the model's, so the analyzer's replies can carry it to the page.

pub use miglab_model::lesson::FileDiagnostic;
