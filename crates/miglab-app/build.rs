//! Stamps the URLs of the files Trunk's pre-build hooks write (the analyzer module and `course.json`)
//! with a hash of their content, which the hooks leave beside them (`cargo xtask analyzer`, `course`).
//! Trunk hashes the app's own file names, not these, so without the stamp a browser could pair this
//! app with a cached analyzer or course from another build.

fn main() {
    for (var, path) in [
        ("MIGLAB_ANALYZER_STAMP", "../../web/analyzer/dist/stamp"),
        ("MIGLAB_COURSE_STAMP", "../../web/course/dist/stamp"),
    ] {
        println!("cargo:rerun-if-changed={path}");
        // No stamp yet (a native test build before any site build): the URL just carries `dev`.
        let stamp = std::fs::read_to_string(path)
            .map(|s| s.trim().to_owned())
            .unwrap_or_else(|_| "dev".to_owned());
        println!("cargo:rustc-env={var}={stamp}");
    }
}
