//! Every code a rule emits has a title in the model's table, and every title belongs to a rule.

use miglab_model::finding::titles::{title, TITLES};
use std::path::Path;

/// The codes a rule file passes to `finding(…)`: each is the first string literal after the call,
/// read from the sources so a new rule without a title fails here.
fn emitted_codes() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules");
    let mut codes = Vec::new();
    for entry in std::fs::read_dir(dir).expect("src/rules is readable") {
        let path = entry.expect("a directory entry").path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("a rule file is readable");
        for (at, _) in text.match_indices("finding(") {
            // The call's arguments up to its first `)`: the code is the only kebab-case literal there.
            let call = &text[at..];
            let call = &call[..call.find(')').unwrap_or(call.len())];
            let Some(literal) = call.split('"').nth(1) else { continue };
            if literal.contains('-') && literal.chars().all(|c| c.is_ascii_lowercase() || c == '-')
            {
                codes.push(literal.to_owned());
            }
        }
    }
    codes.sort();
    codes.dedup();
    codes
}

#[test]
fn every_emitted_code_has_a_title_ok() {
    let codes = emitted_codes();
    assert!(codes.len() >= 20, "found only {codes:?}: the scan of the rule files is broken");
    for code in codes {
        assert!(
            title(&code).is_some(),
            "rule code `{code}` has no title in the model's finding/titles.rs"
        );
    }
}

#[test]
fn every_title_is_emitted_ok() {
    let codes = emitted_codes();
    for (code, _) in TITLES {
        assert!(codes.iter().any(|c| c == code), "`{code}` has a title but no rule emits it");
    }
}
