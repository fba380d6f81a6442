//! `cargo xtask bench`: medians of the engine and lesson-tool figures in headless Chromium, next to Alembic on a
//! PostgreSQL server, printed and written to `docs/benchmarks.md`. Figures, never assertions: a slow machine is not a
//! failing test.

use crate::sh::{self, cmd, root, Result};
use crate::{bench_lessons, setup, site, static_server};
use std::path::Path;
use std::time::Instant;

const RUNS: usize = 10;

pub fn run(args: &[String]) -> Result<bool> {
    let runs = args.iter().find_map(|a| a.parse().ok()).unwrap_or(RUNS).max(10);
    // `bench lessons` times only the lesson tools, printed and not written, to try them without the whole bench.
    let only_lessons = args.iter().any(|a| a == "lessons");
    site::prepare()?;
    setup::apt("chromium", "/usr/bin/chromium")?;
    let built = site::build(true)?;
    let app = optimise_wasm(
        &site::app_wasm(&built.dist).ok_or("the release build has no miglab-app wasm")?,
    )?;
    let analyzer = optimise_wasm(&built.dist.join("analyzer/miglab_analyzer_bg.wasm"))?;
    let author = optimise_wasm(&built.dist.join("analyzer/miglab_author_bg.wasm"))?;
    // Served as a host that compresses ahead of time serves it: brotli to a browser that accepts it.
    static_server::precompress(&built.dist)?;
    let url =
        static_server::start(&built.dist).map_err(|e| format!("cannot serve the site: {e}"))?;
    if only_lessons {
        let load_before = load_average();
        let lessons = bench_lessons::figures(&url, runs)?;
        for (name, ms, target) in lessons.rows() {
            println!("| {name} | {ms:.2} | {target} |");
        }
        println!("check: {:?}\npack: {:?}\ncli: {:?}", lessons.check, lessons.pack, lessons.cli);
        println!("load average {load_before} before, {} after", load_average());
        return Ok(true);
    }
    let load_before = load_average();
    let page = page_figures(&url, runs)?;
    let lessons = bench_lessons::figures(&url, runs)?;
    let load = format!(
        "The machine's load average (1, 5 and 15 minutes, from `/proc/loadavg`) was {load_before} as the browser figures began and {} as they ended; other work on the machine slows every figure, the engine's most.",
        load_average()
    );
    let alembic = alembic_figures(runs)?;

    let (cycle, cycle_reload) = (median(&page.cycle), median(&page.cycle_reload));
    let cycle_traced = median(&page.cycle_traced);
    // Each run of the cycle traces two statements (the ALTER and the `alembic_version` update), four in all.
    let per_traced_statement = (cycle_traced - cycle) / 4.0;
    let alembic_cycle = median(&alembic.cycle);
    let rows = [
        ("page load to engine ready, cold cache", median(&page.cold), "—"),
        ("page load to engine ready, warm cache (served by the service worker)", median(&page.warm), "≤ 1000"),
        ("first visit over 10 Mbit/s with 40 ms latency: navigation to engine ready", median(&page.first_visit), "≤ 6000"),
        ("branch (commit + checkpoint + dumpDataDir)", median(&page.branch), "—"),
        ("reset after a transactional change (ROLLBACK TO SAVEPOINT)", median(&page.reset_rollback), "≤ 5"),
        ("reset after CREATE INDEX CONCURRENTLY (reload the dump)", median(&page.reset_reload), "≤ 300"),
        ("confidence_score cycle: upgrade + introspect + downgrade + introspect, after a transactional reset (the lab's usual path)", cycle, "≤ 15"),
        ("the same cycle straight after a reload from the dump (worst case: a fresh backend)", cycle_reload, "—"),
        ("the same cycle with the lock trace on (every lesson run in the lab is traced)", cycle_traced, "≤ 10"),
        ("tracing, per traced statement: (traced − untraced cycle) / 4 statements", per_traced_statement, "≤ 1"),
    ]
    .map(|(name, ms, target)| (name.to_owned(), ms, target))
    .into_iter()
    .chain(lessons.rows())
    .chain([
        ("Alembic: `alembic upgrade head` on PostgreSQL", median(&alembic.upgrade), "—"),
        ("Alembic: `alembic downgrade -1` on PostgreSQL", median(&alembic.downgrade), "—"),
        ("Alembic: the same cycle (upgrade head + downgrade -1)", alembic_cycle, "—"),
    ]
    .map(|(name, ms, target)| (name.to_owned(), ms, target)));
    let ratio = alembic_cycle / cycle.max(0.001);
    let mut table = String::from("| Figure (median of runs) | ms | Target |\n|---|---:|---|\n");
    for (name, ms, target) in rows {
        table.push_str(&format!("| {name} | {ms:.2} | {target} |\n"));
    }
    let ratio_reload = alembic_cycle / cycle_reload.max(0.001);
    table.push_str(&format!("| **cycle speed-up over Alembic + server** (after a reload: {ratio_reload:.0}×) | **{ratio:.0}×** | ≥ 30× |\n"));
    let wasm = format!(
        "| Wasm, bytes | the app's own (target ≤ 600 KB brotli) | the analyzer (every visit) | the author module (the author view and a pack lesson's first opening) |\n|---|---:|---:|---:|\n\
         | raw, as built (release) | {} | {} | {} |\n| after `wasm-opt -Oz` | {} | {} | {} |\n| after `wasm-opt`, gzip -9 | {} | {} | {} |\n| after `wasm-opt`, brotli q11 | **{}** | {} | {} |\n",
        app.raw, analyzer.raw, author.raw, app.optimised, analyzer.optimised, author.optimised,
        app.gzip, analyzer.gzip, author.gzip, app.brotli, analyzer.brotli, author.brotli
    );
    let first = first_visit_table(&page.first_files);
    println!("\n{table}\n{wasm}\n{first}");
    println!("{runs} runs each; PostgreSQL {}", alembic.server);
    println!("{load}");
    write_report(runs, &table, &wasm, &first, &alembic.server, &load)?;
    Ok(true)
}

pub(crate) fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

struct Sizes {
    raw: u64,
    optimised: u64,
    gzip: u64,
    brotli: u64,
}

/// `wasm-opt -Oz` on a wasm module in place (the page then serves the optimised one), and its compressed sizes
/// (Node's zlib). wasm-opt is npm's `binaryen` (pinned in web/package.json, binaryen compiled to wasm): Debian's
/// binaryen 108 cannot parse what rustc 1.95 emits (reference-types `table.fill`), and Trunk would download its own.
fn optimise_wasm(wasm: &Path) -> Result<Sizes> {
    let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or_default();
    let raw = size(wasm);
    let path = wasm.to_string_lossy().into_owned();
    let wasm_opt = root().join("web/node_modules/.bin/wasm-opt").to_string_lossy().into_owned();
    sh::run(&mut cmd(
        &wasm_opt,
        &["-Oz", "--strip-debug", "--strip-producers", &path, "-o", &path],
    ))?;
    let script = "const z=require('zlib'),b=require('fs').readFileSync(process.argv[1]);\
        console.log(z.gzipSync(b,{level:9}).length, z.brotliCompressSync(b,{params:{[z.constants.BROTLI_PARAM_QUALITY]:11}}).length)";
    let out = sh::output(&mut cmd("node", &["-e", script, &path]))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut numbers = text.split_whitespace().map(|n| n.parse().unwrap_or_default());
    Ok(Sizes {
        raw,
        optimised: size(wasm),
        gzip: numbers.next().unwrap_or_default(),
        brotli: numbers.next().unwrap_or_default(),
    })
}

#[derive(Default)]
struct Page {
    cold: Vec<f64>,
    warm: Vec<f64>,
    branch: Vec<f64>,
    reset_rollback: Vec<f64>,
    reset_reload: Vec<f64>,
    cycle: Vec<f64>,
    cycle_reload: Vec<f64>,
    cycle_traced: Vec<f64>,
    first_visit: Vec<f64>,
    first_files: Vec<(String, u64)>,
}

/// What a first visit downloads, per file (largest first) and in all, against the 5 MB target.
fn first_visit_table(files: &[(String, u64)]) -> String {
    let mut sorted = files.to_vec();
    sorted.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let total: u64 = sorted.iter().map(|(_, bytes)| bytes).sum();
    let mut table = String::from(
        "| A first visit downloads (bytes on the wire, as served) | bytes |\n|---|---:|\n",
    );
    for (file, bytes) in &sorted {
        table.push_str(&format!("| `{file}` | {bytes} |\n"));
    }
    table.push_str(&format!(
        "| **in all** ({} responses; target ≤ 5 MB = 5,000,000) | **{total}** |\n",
        sorted.len()
    ));
    table
}

fn page_figures(url: &str, runs: usize) -> Result<Page> {
    let out = sh::output(
        cmd("node", &["bench/page.mjs", url, &runs.to_string()]).current_dir(root().join("web")),
    )?;
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
    let json = String::from_utf8_lossy(&out.stdout);
    let line = json.lines().last().unwrap_or_default();
    if !out.status.success() || !line.starts_with('{') {
        return Err(format!("the page bench failed: {json}"));
    }
    let list = |key: &str| numbers(line, key);
    Ok(Page {
        cold: list("cold"),
        warm: list("warm"),
        branch: list("branch"),
        reset_rollback: list("reset_rollback"),
        reset_reload: list("reset_reload"),
        cycle: list("cycle"),
        cycle_reload: list("cycle_reload"),
        cycle_traced: list("cycle_traced"),
        first_visit: list("first_visit"),
        first_files: sizes(line, "first_files"),
    })
}

/// The numbers of `"key":[…]` in a flat JSON object, which is all the page prints.
pub(crate) fn numbers(json: &str, key: &str) -> Vec<f64> {
    let Some(start) = json.find(&format!("\"{key}\":[")) else { return Vec::new() };
    let rest = &json[start + key.len() + 4..];
    let end = rest.find(']').unwrap_or(rest.len());
    rest[..end].split(',').filter_map(|n| n.trim().parse().ok()).collect()
}

/// The entries of `"key":{"name":123,…}` in a flat JSON object; the names hold no quotes or commas.
fn sizes(json: &str, key: &str) -> Vec<(String, u64)> {
    let Some(start) = json.find(&format!("\"{key}\":{{")) else { return Vec::new() };
    let rest = &json[start + key.len() + 4..];
    let end = rest.find('}').unwrap_or(rest.len());
    rest[..end]
        .split(',')
        .filter_map(|entry| {
            let (name, bytes) = entry.rsplit_once(':')?;
            Some((name.trim().trim_matches('"').to_owned(), bytes.trim().parse().ok()?))
        })
        .collect()
}

struct Alembic {
    upgrade: Vec<f64>,
    downgrade: Vec<f64>,
    cycle: Vec<f64>,
    server: String,
}

/// Alembic itself, in a venv under target/, against Debian's PostgreSQL on 127.0.0.1.
fn alembic_figures(runs: usize) -> Result<Alembic> {
    setup::apt("postgresql", "/usr/bin/pg_ctlcluster")?;
    let url = start_postgres()?;
    let venv = root().join("target/bench/venv");
    let alembic = venv.join("bin/alembic");
    if !alembic.is_file() {
        sh::run(&mut cmd("python3", &["-m", "venv", &venv.to_string_lossy()]))?;
        let pip = venv.join("bin/pip");
        sh::run(&mut cmd(
            &pip.to_string_lossy(),
            &["install", "--quiet", "alembic>=1.13,<2", "psycopg2-binary>=2.9,<3"],
        ))?;
    }
    let project = root().join("xtask/bench/alembic");
    let ini = project.join("alembic.ini").to_string_lossy().into_owned();
    let alembic = alembic.to_string_lossy().into_owned();
    let step = |args: &[&str]| -> Result<f64> {
        let mut all = vec!["-c", ini.as_str()];
        all.extend(args);
        let mut command = cmd(&alembic, &all);
        command.env("MIGLAB_BENCH_URL", &url);
        let started = Instant::now();
        let out = sh::output(&mut command)?;
        if !out.status.success() {
            return Err(format!(
                "alembic {} failed: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok(started.elapsed().as_secs_f64() * 1000.0)
    };
    step(&["downgrade", "base"])?;
    step(&["upgrade", "9f0e1d2c4b7a"])?;
    let (mut upgrade, mut downgrade, mut cycle) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        let up = step(&["upgrade", "head"])?;
        let down = step(&["downgrade", "-1"])?;
        upgrade.push(up);
        downgrade.push(down);
        cycle.push(up + down);
    }
    let version = sh::output(&mut cmd(
        "psql",
        &[&url.replace("postgresql+psycopg2", "postgresql"), "-Atc", "SHOW server_version"],
    ))?;
    let server = String::from_utf8_lossy(&version.stdout).trim().to_owned();
    Ok(Alembic { upgrade, downgrade, cycle, server })
}

/// Starts Debian's cluster (listening on localhost) and makes a password login and a scratch database for the bench.
fn start_postgres() -> Result<String> {
    let clusters = sh::output(&mut cmd("pg_lsclusters", &["-h"]))?;
    let text = String::from_utf8_lossy(&clusters.stdout).into_owned();
    let Some(cluster) = text.lines().next().map(|l| l.split_whitespace().collect::<Vec<_>>())
    else {
        return Err(
            "Debian's postgresql has no cluster; run `pg_createcluster --start <version> main`"
                .to_owned(),
        );
    };
    let (version, name, port) = (cluster[0], cluster[1], cluster[2]);
    if cluster.get(3) != Some(&"online") {
        sh::run(&mut cmd("pg_ctlcluster", &[version, name, "start"]))?;
    }
    let psql = |sql: &str| {
        sh::run(&mut cmd("runuser", &["-u", "postgres", "--", "psql", "-p", port, "-qAtc", sql]))
    };
    psql("ALTER USER postgres PASSWORD 'miglab-bench'")?;
    psql("DROP DATABASE IF EXISTS miglab_bench WITH (FORCE)")?;
    psql("CREATE DATABASE miglab_bench")?;
    Ok(format!("postgresql+psycopg2://postgres:miglab-bench@127.0.0.1:{port}/miglab_bench"))
}

/// The 1, 5 and 15 minute load averages, as `0.52, 0.58, 0.59`; figures are only comparable at a similar load.
fn load_average() -> String {
    let text = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let fields: Vec<&str> = text.split_whitespace().take(3).collect();
    match fields.len() {
        3 => fields.join(", "),
        _ => "unknown (no /proc/loadavg)".to_owned(),
    }
}

fn write_report(
    runs: usize,
    table: &str,
    wasm: &str,
    first: &str,
    server: &str,
    load: &str,
) -> Result<()> {
    let text = format!(
        "# Benchmarks\n\n\
         Written by `cargo xtask bench`; medians of {runs} runs each, on this repository's CI machine kind (2 cores).\n\
         Browser figures come from headless Debian Chromium on the release build after `wasm-opt -Oz`.\n\
         Alembic figures time the real `alembic` command (a venv under `target/bench/`) against PostgreSQL {server} on 127.0.0.1, Python start-up included, as a learner following a tutorial pays it.\n\
         The first visit is a fresh browser profile on `#/console` over Chromium's network emulation (10 Mbit/s down and up, 40 ms latency), served by xtask's static server as a static host that compresses ahead of time serves it: \
         brotli (quality 11) for HTML, JavaScript, CSS, JSON and wasm to a browser that accepts it, an `ETag` and `304 Not Modified` for a copy the browser has, and the engine's prebuilt files (already brotli) as they are. \
         Its bytes are every response of that visit (page, engine worker and service worker, until the service worker has cached the site), body as served plus headers.\n\
         The lesson tools' figures are read inside the page (`performance.now()`, so the test driver's polling adds nothing): the check of confidence_score from the click to its result, in one profile, after the engine became ready and the author view loaded the lessons folder; the pack from navigation start to its catalog listing every lesson, each run a fresh navigation (the pack is served with `no-store` from another port) in a profile whose service worker has cached the site, the engine booting beside it but not waited for. \
         `miglab check lessons` is the release CLI, wall clock, its PGlite in Node included.\n\
         {load}\n\n\
         {table}\n{wasm}\n{first}"
    );
    std::fs::write(root().join("docs/benchmarks.md"), text)
        .map_err(|e| format!("cannot write docs/benchmarks.md: {e}"))
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn numbers_ok() {
        let json = r#"{"cold":[1.5,2],"warm":[],"cycle":[9.25]}"#;
        assert_eq!(numbers(json, "cold"), [1.5, 2.0]);
        assert_eq!(numbers(json, "cycle"), [9.25]);
        assert!(numbers(json, "warm").is_empty() && numbers(json, "nope").is_empty());
    }

    #[test]
    fn sizes_ok() {
        let json = r#"{"cold":[1],"first_files":{"./":812,"engine/dist/pgdata.tar.br":578147},"warm":[2]}"#;
        assert_eq!(
            sizes(json, "first_files"),
            [("./".to_owned(), 812), ("engine/dist/pgdata.tar.br".to_owned(), 578147)]
        );
        assert!(sizes(json, "nope").is_empty());
    }

    #[test]
    fn median_ok() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
    }
}
