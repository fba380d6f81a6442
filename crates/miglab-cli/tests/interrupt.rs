//! Ctrl-C during `miglab check --database-url` drops the scratch databases before the process exits.

use postgres::{Config, NoTls, SimpleQueryMessage};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The scratch databases of process `pid` on the server, by name.
fn scratch_databases(config: &Config, pid: u32) -> Vec<String> {
    let mut client = config.connect(NoTls).expect("the onlooker connects");
    let sql = format!(
        "SELECT datname FROM pg_database WHERE datname LIKE 'miglab\\_{pid}\\_%' ORDER BY 1"
    );
    let rows = client.simple_query(&sql).expect("lists databases");
    rows.into_iter()
        .filter_map(|m| match m {
            SimpleQueryMessage::Row(row) => row.get(0).map(str::to_owned),
            _ => None,
        })
        .collect()
}

#[test]
#[ignore = "needs a PostgreSQL server: set MIGLAB_TEST_DATABASE_URL"]
fn interrupted_check_drops_scratch_databases_ok() {
    let url = std::env::var("MIGLAB_TEST_DATABASE_URL")
        .expect("MIGLAB_TEST_DATABASE_URL names the server to test on");
    let config: Config = url.parse().expect("the URL parses");
    let lessons = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../lessons");
    let child = Command::new(env!("CARGO_BIN_EXE_miglab"))
        .arg("check")
        .arg(&lessons)
        .args(["--database-url", &url])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("miglab starts");
    let pid = child.id();
    // Wait until the first lesson has its database and a branch copy, so there is something to drop.
    let started = Instant::now();
    while scratch_databases(&config, pid).len() < 2 {
        assert!(started.elapsed() < Duration::from_secs(60), "no scratch database appeared");
        std::thread::sleep(Duration::from_millis(50));
    }
    let signalled =
        Command::new("kill").args(["-INT", &pid.to_string()]).status().expect("kill runs");
    assert!(signalled.success());
    let output = child.wait_with_output().expect("miglab exits");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted; dropped the scratch databases miglab_"), "{stderr}");
    if let Some(password) = config.get_password().map(String::from_utf8_lossy) {
        assert!(!stderr.contains(password.as_ref()), "the password is shown: {stderr}");
    }
    assert_eq!(scratch_databases(&config, pid), Vec::<String>::new());
}
