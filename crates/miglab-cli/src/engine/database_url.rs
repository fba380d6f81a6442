//! The `--database-url` as the CLI keeps it and shows it: parsed once, and shown without its password.
//!
//! The URL may carry a password for a teaching server, and `check`'s output ends up in CI logs and
//! screenshots, so every message that names the server uses [`DatabaseUrl::shown`], and engine
//! errors pass through [`DatabaseUrl::scrub`] in case a driver message ever repeats the secret.

use postgres::config::Host;
use postgres::Config;

#[derive(Clone, Debug)]
pub struct DatabaseUrl {
    config: Config,
    shown: String,
    /// The password as written (perhaps percent-encoded) and as decoded, for [`DatabaseUrl::scrub`].
    secrets: Vec<String>,
}

impl DatabaseUrl {
    /// Parses a `postgres://` URL or a `key=value` connection string; the error never holds the password.
    pub fn parse(raw: &str) -> Result<DatabaseUrl, String> {
        let config: Config = raw.parse().map_err(|e: postgres::Error| {
            format!(
                "the database URL {} does not parse: {}",
                redact_text(raw),
                redact_text(&e.to_string())
            )
        })?;
        let mut secrets: Vec<String> = config
            .get_password()
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .into_iter()
            .collect();
        secrets.extend(written_password(raw));
        secrets.retain(|s| !s.is_empty());
        Ok(DatabaseUrl { shown: show(&config), config, secrets })
    }

    /// The connection settings, password included, for connecting only.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// `postgres://user:***@host:port/db`: what messages show.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// `text` with the password replaced by `***` wherever it appears.
    pub fn scrub(&self, text: &str) -> String {
        self.secrets
            .iter()
            .fold(text.to_owned(), |text, secret| text.replace(secret.as_str(), "***"))
    }
}

/// The settings as a URL, with `***` for a password and nothing that was not given.
fn show(config: &Config) -> String {
    let mut shown = "postgres://".to_owned();
    if let Some(user) = config.get_user() {
        shown.push_str(user);
        if config.get_password().is_some() {
            shown.push_str(":***");
        }
        shown.push('@');
    }
    let ports = config.get_ports();
    let mut sockets = Vec::new();
    let mut hosts = Vec::new();
    for (i, host) in config.get_hosts().iter().enumerate() {
        // One port applies to every host; otherwise there is one per host.
        let port = ports.get(i).or(if ports.len() == 1 { ports.first() } else { None });
        let port = port.filter(|&&p| p != 5432).map(|p| format!(":{p}")).unwrap_or_default();
        match host {
            Host::Tcp(name) => hosts.push(format!("{name}{port}")),
            Host::Unix(path) => sockets.push(format!("host={}", path.display())),
        }
    }
    shown.push_str(&hosts.join(","));
    shown.push('/');
    shown.push_str(config.get_dbname().unwrap_or_default());
    if !sockets.is_empty() {
        shown.push('?');
        shown.push_str(&sockets.join("&"));
    }
    shown
}

/// The password exactly as it is written in a URL's user info or a `password=` pair.
fn written_password(raw: &str) -> Option<String> {
    if let Some(rest) =
        raw.strip_prefix("postgres://").or_else(|| raw.strip_prefix("postgresql://"))
    {
        let authority = rest.split(['/', '?']).next().unwrap_or_default();
        let (user_info, _) = authority.rsplit_once('@')?;
        return user_info.split_once(':').map(|(_, password)| password.to_owned());
    }
    let start = raw.find("password")?;
    let value = raw[start + "password".len()..].trim_start().strip_prefix('=')?.trim_start();
    let value = value.strip_prefix('\'').map_or_else(
        || value.split_whitespace().next().unwrap_or_default(),
        |quoted| quoted.split('\'').next().unwrap_or_default(),
    );
    Some(value.to_owned())
}

/// For text that did not parse: the password as written, if one can be found, becomes `***`.
fn redact_text(text: &str) -> String {
    match written_password(text).filter(|p| !p.is_empty()) {
        Some(password) => text.replace(&password, "***"),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn shown_without_password_ok() {
        let cases = [
            (
                "postgres://alice:s3cret@db.example:5433/miglab",
                "postgres://alice:***@db.example:5433/miglab",
            ),
            ("postgresql://alice@localhost/miglab", "postgres://alice@localhost/miglab"),
            (
                "postgres://alice:p%40ss%3Aword@localhost:5432/miglab",
                "postgres://alice:***@localhost/miglab",
            ),
            (
                "postgres://alice:s3cret@h1,h2:5434/db?sslmode=disable",
                "postgres://alice:***@h1,h2:5434/db",
            ),
            (
                "host=localhost user=alice password=s3cret dbname=miglab",
                "postgres://alice:***@localhost/miglab",
            ),
            (
                "host=localhost user=alice password='s3 cret' dbname=miglab",
                "postgres://alice:***@localhost/miglab",
            ),
            (
                "postgres:///miglab?host=/var/run/postgresql",
                "postgres:///miglab?host=/var/run/postgresql",
            ),
        ];
        for (raw, shown) in cases {
            let url = DatabaseUrl::parse(raw);
            assert_eq!(url.as_ref().map(DatabaseUrl::shown), Ok(shown), "{raw}");
        }
    }

    #[test]
    fn scrub_ok() {
        let cases = [
            (
                "postgres://alice:s3cret@localhost/miglab",
                "FATAL: password s3cret",
                "FATAL: password ***",
            ),
            ("postgres://alice:p%40ss@localhost/miglab", "p@ss or p%40ss", "*** or ***"),
            ("host=localhost user=alice password='s3 cret'", "s3 cret", "***"),
            ("postgres://alice@localhost/miglab", "nothing secret", "nothing secret"),
        ];
        for (raw, text, scrubbed) in cases {
            let url = DatabaseUrl::parse(raw);
            assert_eq!(url.map(|url| url.scrub(text)), Ok(scrubbed.to_owned()), "{raw}");
        }
    }

    #[test]
    fn unparsable_url_err() {
        let cases = [
            "postgres://alice:s3cret@localhost/miglab?sslmode=bogus",
            "postgres://alice:s3cret@localhost:notaport/miglab",
            "host=localhost password=s3cret sslmode=bogus",
            "postgres://alice:s3cret@localhost/miglab?unknown=1",
        ];
        for raw in cases {
            let error = DatabaseUrl::parse(raw).err().unwrap_or_default();
            assert!(!error.contains("s3cret"), "{error}");
            assert!(error.starts_with("the database URL "), "{error}");
        }
    }
}
