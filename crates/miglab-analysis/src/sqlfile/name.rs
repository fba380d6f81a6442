//! Migration file names: golang-migrate (`000001_add_x.up.sql` / `.down.sql`)
//! and Flyway (`V2__add_x.sql` with the undo `U2__add_x.sql`).

/// What a file name says about the migration inside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FileName {
    pub version: String,
    /// The description with `_` read as spaces, as both tools display it.
    pub description: String,
    pub direction: Role,
    pub style: Style,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    Up,
    Down,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Style {
    GolangMigrate,
    Flyway,
}

/// Reads a file name (a path is fine: only the last component counts); `None` if it follows neither convention.
pub(crate) fn file_name(path: &str) -> Option<FileName> {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    golang_migrate(name).or_else(|| flyway(name))
}

fn golang_migrate(name: &str) -> Option<FileName> {
    let (stem, direction) = match name.strip_suffix(".up.sql") {
        Some(stem) => (stem, Role::Up),
        None => (name.strip_suffix(".down.sql")?, Role::Down),
    };
    let (version, title) = stem.split_once('_').unwrap_or((stem, ""));
    if version.is_empty() || !version.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(FileName {
        version: version.to_owned(),
        description: title.replace('_', " "),
        direction,
        style: Style::GolangMigrate,
    })
}

fn flyway(name: &str) -> Option<FileName> {
    let stem = name.strip_suffix(".sql")?;
    let direction = match stem.chars().next()? {
        'V' => Role::Up,
        'U' => Role::Down,
        _ => return None,
    };
    let (version, description) = stem.get(1..)?.split_once("__")?;
    // Flyway accepts `_` as well as `.` between version parts: `V1_1__x` is version 1.1.
    let version = version.replace('_', ".");
    if version.is_empty() || !version.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    Some(FileName {
        version,
        description: description.replace('_', " "),
        direction,
        style: Style::Flyway,
    })
}

#[cfg(test)]
mod test {
    use super::*;

    fn check(name: &str) -> String {
        match file_name(name) {
            Some(f) => {
                format!("{:?} {:?} v{} {:?}", f.style, f.direction, f.version, f.description)
            }
            None => "none".to_owned(),
        }
    }

    #[test]
    fn names_ok() {
        let names = [
            "000001_add_x.up.sql",
            "migrations/000001_add_x.down.sql",
            "V2__add_x.sql",
            "U2__add_x.sql",
            "V1_1__split_name.sql",
            "20240101120000_init.up.sql",
        ];
        insta::assert_snapshot!(names.map(check).join("\n"), @r#"
            GolangMigrate Up v000001 "add x"
            GolangMigrate Down v000001 "add x"
            Flyway Up v2 "add x"
            Flyway Down v2 "add x"
            Flyway Up v1.1 "split name"
            GolangMigrate Up v20240101120000 "init"
            "#);
    }

    #[test]
    fn names_err() {
        let names = ["add_x.sql", "V__x.sql", "R__views.sql", "0001_x.up.txt", "Vx__y.sql"];
        insta::assert_snapshot!(names.map(check).join("\n"), @r#"
            none
            none
            none
            none
            none
            "#);
    }
}
