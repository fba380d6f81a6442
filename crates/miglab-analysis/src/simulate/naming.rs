//! The names Postgres chooses for unnamed indexes, constraints and sequences.
//!
//! Mirrors `makeObjectName` and `ChooseRelationName` in Postgres's `indexcmds.c`: parts are
//! joined with `_`, the longer part is trimmed until the name fits in 63 bytes, and a clash
//! gets a number after the label (`t_x_idx1`).

/// Postgres's identifier limit (NAMEDATALEN − 1), in bytes.
const MAX_NAME: usize = 63;

/// `<name1>_<name2>_<label>`, trimmed the way Postgres trims it.
pub fn object_name(name1: &str, name2: Option<&str>, label: &str) -> String {
    let overhead = label.len() + 1 + name2.map_or(0, |_| 1);
    let available = MAX_NAME.saturating_sub(overhead);
    let mut keep1 = name1.len();
    let mut keep2 = name2.map_or(0, str::len);
    while keep1 + keep2 > available {
        if keep1 > keep2 {
            keep1 -= 1;
        } else {
            keep2 -= 1;
        }
    }
    let mut out = clip(name1, keep1).to_owned();
    if let Some(name2) = name2 {
        out.push('_');
        out.push_str(clip(name2, keep2));
    }
    out.push('_');
    out.push_str(label);
    out
}

/// The first of `<name>`, `<name with label1>`, `<name with label2>` … that `taken` does not hold.
pub fn choose(
    name1: &str,
    name2: Option<&str>,
    label: &str,
    taken: impl Fn(&str) -> bool,
) -> String {
    let mut pass = 0u32;
    loop {
        let modified = if pass == 0 { label.to_owned() } else { format!("{label}{pass}") };
        let candidate = object_name(name1, name2, &modified);
        if !taken(&candidate) || pass > 1000 {
            return candidate;
        }
        pass += 1;
    }
}

/// Trims to at most `bytes` bytes without splitting a character, as `pg_mbcliplen` does.
fn clip(text: &str, bytes: usize) -> &str {
    let mut end = bytes.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or(text)
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn object_name_ok() {
        assert_eq!(object_name("posts", Some("user_id"), "fkey"), "posts_user_id_fkey");
        assert_eq!(object_name("posts", None, "pkey"), "posts_pkey");
        let long = object_name(
            "a_very_long_table_name_that_goes_on_and_on_and_on_forever_more",
            Some("a_very_long_column_name_that_is_long"),
            "key",
        );
        assert_eq!(long, "a_very_long_table_name_that_g_a_very_long_column_name_that__key");
    }

    #[test]
    fn choose_clash_ok() {
        let taken = ["t_x_idx", "t_x_idx1"];
        assert_eq!(choose("t", Some("x"), "idx", |n| taken.contains(&n)), "t_x_idx2");
    }
}
