//! The order the sandbox's revisions run in: Alembic files by their `down_revision`, SQL pairs by their number.
//!
//! Alembic files must form one straight chain, as `alembic upgrade head` needs (a merge or a branch is refused with
//! a sentence); the chain starts at the file whose `down_revision` names no file here (the starting database's own
//! revision, or none). SQL pairs run after the Alembic chain, lowest number first, and each gets the revision id
//! `sql-<number>` revising the one before it (the first revises the starting database's stamp, if it has one), so
//! the model's runner keeps `alembic_version` for them as Alembic would: one row, moved along the chain.

use miglab_model::migration::Revision;

/// One revision as the chain sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Link {
    Alembic(Revision),
    Sql { order: u32 },
}

/// The indices of `links` in the order they run, and each one's revision identity; `stamp` is the revision the
/// starting database's `alembic_version` names, which a chain of SQL pairs alone starts from.
pub fn order(links: &[Link], stamp: Option<&str>) -> Result<Vec<(usize, Revision)>, String> {
    let alembic: Vec<(usize, &Revision)> = links
        .iter()
        .enumerate()
        .filter_map(|(i, l)| match l {
            Link::Alembic(r) => Some((i, r)),
            Link::Sql { .. } => None,
        })
        .collect();
    for (k, (_, r)) in alembic.iter().enumerate() {
        if alembic[..k].iter().any(|(_, o)| o.revision == r.revision) {
            return Err(format!(
                "Two revision files say `revision = \"{}\"`; give each its own id.",
                r.revision
            ));
        }
        if r.down_revision.len() > 1 {
            return Err(format!("Revision `{}` merges {}; the sandbox runs one straight chain, so add the merged revisions in one line instead.", r.revision, r.down_revision.join(" and ")));
        }
    }
    let known = |id: &str| alembic.iter().any(|(_, r)| r.revision == id);
    let parent = |r: &Revision| r.down_revision.first().filter(|d| known(d)).cloned();
    let roots: Vec<&(usize, &Revision)> =
        alembic.iter().filter(|(_, r)| parent(r).is_none()).collect();
    let mut out: Vec<(usize, Revision)> = Vec::new();
    match roots.as_slice() {
        [] if alembic.is_empty() => {}
        [] => return Err("The revision files form a cycle: each `down_revision` names another file here, so none comes first.".to_owned()),
        [(i, r)] => {
            out.push((*i, (*r).clone()));
            loop {
                let last = &out[out.len() - 1].1.revision;
                let children: Vec<&(usize, &Revision)> =
                    alembic.iter().filter(|(_, r)| parent(r).as_deref() == Some(last.as_str())).collect();
                match children.as_slice() {
                    [] => break,
                    [(i, r)] if !out.iter().any(|(_, o)| o.revision == r.revision) => out.push((*i, (*r).clone())),
                    [_] => break,
                    several => {
                        return Err(format!(
                            "{} all revise `{last}`: that is a branch, and the sandbox runs one straight chain.",
                            several.iter().map(|(_, r)| format!("`{}`", r.revision)).collect::<Vec<_>>().join(" and ")
                        ))
                    }
                }
            }
            if out.len() < alembic.len() {
                return Err("Some revision files are not in the chain: their `down_revision`s form a cycle.".to_owned());
            }
        }
        several => {
            return Err(format!(
                "The revision files do not form one chain: {} each start one (their `down_revision` names no file here).",
                several.iter().map(|(_, r)| format!("`{}`", r.revision)).collect::<Vec<_>>().join(" and ")
            ))
        }
    }
    let mut sql: Vec<(usize, u32)> = links
        .iter()
        .enumerate()
        .filter_map(|(i, l)| match l {
            Link::Sql { order } => Some((i, *order)),
            Link::Alembic(_) => None,
        })
        .collect();
    sql.sort_by_key(|(_, o)| *o);
    if let Some(w) = sql.windows(2).find(|w| w[0].1 == w[1].1) {
        return Err(format!("Two SQL pairs have the number {}; give each its own.", w[0].1));
    }
    for (i, number) in sql {
        let down_revision = match out.last() {
            Some((_, r)) => vec![r.revision.clone()],
            None => stamp.map(|s| vec![s.to_owned()]).unwrap_or_default(),
        };
        let revision =
            Revision { revision: format!("sql-{number}"), down_revision, ..Revision::default() };
        out.push((i, revision));
    }
    Ok(out)
}

#[cfg(test)]
mod test {
    use super::*;

    fn alembic(id: &str, down: &[&str]) -> Link {
        Link::Alembic(Revision {
            revision: id.into(),
            down_revision: down.iter().map(|d| (*d).to_owned()).collect(),
            ..Revision::default()
        })
    }

    /// The run order as `index:revision<-down`, or the refusal.
    fn check(links: &[Link], expect: Result<&str, &str>) {
        check_from(links, None, expect);
    }

    fn check_from(links: &[Link], stamp: Option<&str>, expect: Result<&str, &str>) {
        let got = order(links, stamp).map(|o| {
            o.iter()
                .map(|(i, r)| format!("{i}:{}<-{}", r.revision, r.down_revision.join("+")))
                .collect::<Vec<_>>()
                .join(" ")
        });
        assert_eq!(got.as_deref().map_err(String::as_str), expect);
    }

    #[test]
    fn chain_by_down_revision_ok() {
        check(
            &[
                alembic("b", &["a"]),
                Link::Sql { order: 3 },
                alembic("a", &["stamp"]),
                Link::Sql { order: 1 },
            ],
            Ok("2:a<-stamp 0:b<-a 3:sql-1<-b 1:sql-3<-sql-1"),
        );
        check(&[Link::Sql { order: 2 }], Ok("0:sql-2<-"));
        check_from(&[Link::Sql { order: 2 }], Some("9f0e"), Ok("0:sql-2<-9f0e"));
        check_from(
            &[alembic("a", &["9f0e"]), Link::Sql { order: 1 }],
            Some("9f0e"),
            Ok("0:a<-9f0e 1:sql-1<-a"),
        );
    }

    #[test]
    fn chain_err() {
        check(&[alembic("a", &[]), alembic("b", &[])], Err("The revision files do not form one chain: `a` and `b` each start one (their `down_revision` names no file here)."));
        check(&[alembic("a", &[]), alembic("b", &["a"]), alembic("c", &["a"])], Err("`b` and `c` all revise `a`: that is a branch, and the sandbox runs one straight chain."));
        check(&[alembic("a", &["b"]), alembic("b", &["a"])], Err("The revision files form a cycle: each `down_revision` names another file here, so none comes first."));
        check(
            &[alembic("a", &[]), alembic("a", &[])],
            Err("Two revision files say `revision = \"a\"`; give each its own id."),
        );
        check(
            &[Link::Sql { order: 1 }, Link::Sql { order: 1 }],
            Err("Two SQL pairs have the number 1; give each its own."),
        );
    }
}
