//! `miglab sql versions/`: the revisions of an Alembic versions folder in the order `alembic upgrade [FROM:]TO --sql` runs them.
//!
//! This ports what Alembic's `RevisionMap` does for an upgrade: files load in sorted name order,
//! `down_revision` tuples (merges) and `depends_on` (resolved by id or branch label) link them,
//! the revisions the target needs but the start already has are picked, and `_topological_sort`
//! orders them from the target down, which the upgrade then runs in reverse.
//! The `alembic_version` bookkeeping follows Alembic's `HeadMaintainer`: insert a new base or branch,
//! delete and update at a merge, update along a line.

use miglab_analysis::alembic::{self, version_table, Parsed};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// One revision file of the folder.
pub struct Node {
    pub file: PathBuf,
    pub parsed: Parsed,
    id: String,
    /// `down_revision`, then `depends_on` resolved to ids, minus dependencies an ancestor already has.
    normalized_down: Vec<String>,
}

/// The folder's revisions in file order, which is also Alembic's tie-break order.
pub struct Chain {
    pub nodes: Vec<Node>,
}

/// A problem with the folder as a whole (an unknown revision, two heads…): a full sentence for stderr.
pub type Problem = String;

impl Chain {
    /// Reads every `*.py` revision file directly inside `dir`, as Alembic lists them (sorted, no `__init__.py`).
    pub fn load(dir: &Path) -> Result<Chain, Problem> {
        let entries = std::fs::read_dir(dir)
            .map_err(|e| format!("{}: cannot read the folder: {e}", dir.display()))?;
        let mut files: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                let name =
                    p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                p.is_file()
                    && name.ends_with(".py")
                    && !name.starts_with("__init__")
                    && !name.starts_with(".#")
            })
            .collect();
        files.sort();
        if files.is_empty() {
            return Err(format!(
                "{}: there are no revision files (*.py) in this folder.",
                dir.display()
            ));
        }
        let mut nodes = Vec::new();
        for file in files {
            let source = std::fs::read_to_string(&file)
                .map_err(|e| format!("{}: cannot read file: {e}", file.display()))?;
            let parsed = alembic::parse(&source);
            let id = parsed.migration.revision.revision.clone();
            nodes.push(Node { file, parsed, id, normalized_down: Vec::new() });
        }
        let mut chain = Chain { nodes };
        chain.link()?;
        Ok(chain)
    }

    fn index(&self, id: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.id == id)
    }

    /// Checks every reference and works out each revision's normalized down revisions.
    fn link(&mut self) -> Result<(), Problem> {
        let mut seen = HashSet::new();
        for node in &self.nodes {
            if node.id.is_empty() {
                continue; // its file's own diagnostic says why
            }
            if !seen.insert(node.id.clone()) {
                return Err(format!(
                    "{}: revision {} is defined twice in this folder, which Alembic refuses.",
                    node.file.display(),
                    node.id
                ));
            }
        }
        let mut resolved: Vec<Vec<String>> = Vec::new();
        for node in &self.nodes {
            let revision = &node.parsed.migration.revision;
            for down in &revision.down_revision {
                if self.index(down).is_none() {
                    return Err(format!("{}: down_revision {down} is not a revision in this folder, so Alembic cannot place {} in the history.", node.file.display(), node.id));
                }
            }
            let mut deps = Vec::new();
            for dep in &revision.depends_on {
                let found = self.index(dep).map(|i| self.nodes[i].id.clone()).or_else(|| {
                    self.nodes
                        .iter()
                        .find(|n| n.parsed.migration.revision.branch_labels.contains(dep))
                        .map(|n| n.id.clone())
                });
                match found {
                    Some(id) => deps.push(id),
                    None => return Err(format!("{}: depends_on {dep} is neither a revision nor a branch label in this folder.", node.file.display())),
                }
            }
            resolved.push(deps);
        }
        // Alembic drops a dependency that an ancestor (along down_revision) already depends on.
        for i in 0..self.nodes.len() {
            let mut deps = resolved[i].clone();
            if !deps.is_empty() {
                for ancestor in self.ancestors(&[i], false) {
                    if ancestor != i {
                        deps.retain(|d| !resolved[ancestor].contains(d));
                    }
                }
            }
            let node = &mut self.nodes[i];
            let mut down = node.parsed.migration.revision.down_revision.clone();
            for dep in deps {
                if !down.contains(&dep) {
                    down.push(dep);
                }
            }
            node.normalized_down = down;
        }
        if let Some(cycle) = (0..self.nodes.len()).find(|&i| {
            self.nodes[i]
                .normalized_down
                .iter()
                .any(|d| self.index(d).is_some_and(|d| self.ancestors(&[d], true).contains(&i)))
        }) {
            return Err(format!(
                "{}: revision {} is its own ancestor, which Alembic refuses.",
                self.nodes[cycle].file.display(),
                self.nodes[cycle].id
            ));
        }
        Ok(())
    }

    /// Every revision reachable from `targets` (themselves included) along down revisions,
    /// with dependencies when `dependencies`.
    fn ancestors(&self, targets: &[usize], dependencies: bool) -> Vec<usize> {
        let mut seen = Vec::new();
        let mut todo: Vec<usize> = targets.to_vec();
        while let Some(i) = todo.pop() {
            if seen.contains(&i) {
                continue;
            }
            seen.push(i);
            let node = &self.nodes[i];
            let downs = if dependencies {
                &node.normalized_down
            } else {
                &node.parsed.migration.revision.down_revision
            };
            todo.extend(downs.iter().filter_map(|d| self.index(d)));
        }
        seen
    }

    /// The heads: revisions no other revision names as a down revision (dependencies do not count).
    fn heads(&self) -> Vec<usize> {
        (0..self.nodes.len())
            .filter(|&i| {
                !self
                    .nodes
                    .iter()
                    .any(|n| n.parsed.migration.revision.down_revision.contains(&self.nodes[i].id))
            })
            .collect()
    }

    /// Resolves `head`, `heads`, `base`, a revision id, a unique prefix of one, or a branch label.
    fn resolve(&self, name: &str) -> Result<Vec<usize>, Problem> {
        match name {
            "base" => return Ok(Vec::new()),
            "heads" => return Ok(self.heads()),
            "head" => {
                let heads = self.heads();
                if heads.len() > 1 {
                    let ids: Vec<&str> = heads.iter().map(|&h| self.nodes[h].id.as_str()).collect();
                    return Err(format!("This folder has {} heads ({}), so Alembic refuses `head`; name one, or use `heads`.", heads.len(), ids.join(", ")));
                }
                return Ok(heads);
            }
            _ => {}
        }
        if let Some(i) = self.index(name) {
            return Ok(vec![i]);
        }
        // A branch label names the revision that declares it; `label@head` the head of its branch.
        let (label, at_head) = match name.strip_suffix("@head") {
            Some(label) => (label, true),
            None => (name, false),
        };
        let labelled = |label: &str| {
            self.nodes
                .iter()
                .position(|n| n.parsed.migration.revision.branch_labels.iter().any(|l| l == label))
        };
        if let Some(i) = labelled(label).or_else(|| if at_head { self.index(label) } else { None })
        {
            if !at_head {
                return Ok(vec![i]);
            }
            let heads: Vec<usize> = self
                .heads()
                .into_iter()
                .filter(|&h| self.ancestors(&[h], false).contains(&i))
                .collect();
            return match heads.as_slice() {
                [head] => Ok(vec![*head]),
                _ => Err(format!(
                    "The branch {label:?} has {} heads, so Alembic refuses `{name}`; name one.",
                    heads.len()
                )),
            };
        }
        let matches: Vec<usize> =
            (0..self.nodes.len()).filter(|&i| self.nodes[i].id.starts_with(name)).collect();
        match matches.as_slice() {
            [one] => Ok(vec![*one]),
            [] => Err(format!("No revision in this folder is named {name:?}.")),
            _ => Err(format!("{name:?} is the start of several revision ids; write more of it.")),
        }
    }

    /// The revisions `alembic upgrade FROM:TO` runs, in the order it runs them.
    pub fn upgrade(&self, from: Option<&str>, to: &str) -> Result<Vec<usize>, Problem> {
        let targets = self.resolve(to)?;
        let required = self.ancestors(&targets, true);
        let current = match from {
            Some(from) => self.ancestors(&self.resolve(from)?, true),
            None => Vec::new(),
        };
        let needs: Vec<usize> = required.into_iter().filter(|i| !current.contains(i)).collect();
        let mut order = self.topological(&needs, &targets);
        order.reverse();
        Ok(order)
    }

    /// Alembic's `RevisionMap._topological_sort`: walk down from the heads, switching to another head
    /// whenever it still needs the candidate, so each revision comes after everything that depends on it.
    fn topological(&self, revisions: &[usize], heads: &[usize]) -> Vec<usize> {
        let mut todo: Vec<usize> = revisions.to_vec();
        let mut current: Vec<usize> = heads.iter().copied().filter(|h| todo.contains(h)).collect();
        current.sort();
        current.dedup();
        let mut ancestors: Vec<Vec<usize>> =
            current.iter().map(|&h| self.ancestors(&[h], true)).collect();
        let mut output = Vec::new();
        let mut candidate_index = 0;
        // Each pass either emits, moves to another head, or shrinks a head's list; the bound keeps a broken map from looping.
        let mut budget = (self.nodes.len() + 1).pow(2) * 4 + 16;
        while !current.is_empty() && budget > 0 {
            budget -= 1;
            candidate_index = candidate_index.min(current.len() - 1);
            let candidate = current[candidate_index];
            if let Some(other) = (0..ancestors.len())
                .find(|&j| j != candidate_index && ancestors[j].contains(&candidate))
            {
                candidate_index = other;
                continue;
            }
            if let Some(at) = todo.iter().position(|&t| t == candidate) {
                output.push(candidate);
                todo.remove(at);
            }
            let node = &self.nodes[candidate];
            let to_add: Vec<usize> = node
                .normalized_down
                .iter()
                .filter_map(|d| self.index(d))
                .filter(|d| todo.contains(d) && !current.contains(d))
                .collect();
            match to_add.split_first() {
                None => {
                    current.remove(candidate_index);
                    ancestors.remove(candidate_index);
                    candidate_index = candidate_index.saturating_sub(1);
                }
                Some((first, rest)) => {
                    current[candidate_index] = *first;
                    ancestors[candidate_index] = self.ancestors(&[*first], true);
                    for r in rest {
                        current.push(*r);
                        ancestors.push(self.ancestors(&[*r], true));
                    }
                }
            }
        }
        output
    }

    /// The `alembic_version` statements after each revision of `order`, starting from the heads of `from`.
    pub fn bookkeeping(
        &self,
        from: Option<&str>,
        order: &[usize],
    ) -> Result<Vec<Vec<String>>, Problem> {
        let mut heads: Vec<String> = match from {
            Some(from) => self.resolve(from)?.iter().map(|&i| self.nodes[i].id.clone()).collect(),
            None => Vec::new(),
        };
        let mut out = Vec::new();
        for &i in order {
            let node = &self.nodes[i];
            let downs = &node.normalized_down;
            let present: Vec<&String> = downs.iter().filter(|d| heads.contains(d)).collect();
            let mut statements = Vec::new();
            if downs.is_empty() || present.is_empty() {
                statements.push(version_table::insert(&node.id));
                heads.push(node.id.clone());
            } else if downs.len() > 1 && present.len() > 1 {
                // A merge: keep only parents no other head descends from, delete all but the last, move the last.
                let others: Vec<usize> = heads
                    .iter()
                    .filter(|h| !downs.contains(h))
                    .filter_map(|h| self.index(h))
                    .collect();
                let covered = self.ancestors(&others, true);
                let from_revs: Vec<&String> = present
                    .into_iter()
                    .filter(|d| !self.index(d).is_some_and(|d| covered.contains(&d)))
                    .collect();
                if let Some((last, rest)) = from_revs.split_last() {
                    for rev in rest {
                        statements.push(version_table::delete(rev));
                    }
                    statements.push(version_table::update(last, &node.id));
                }
                heads.retain(|h| !downs.contains(h));
                heads.push(node.id.clone());
            } else {
                let down = present.first().map(|d| (*d).clone()).unwrap_or_default();
                statements.push(version_table::update(&down, &node.id));
                heads.retain(|h| *h != down);
                heads.push(node.id.clone());
            }
            out.push(statements);
        }
        Ok(out)
    }

    #[cfg(test)]
    pub fn id(&self, i: usize) -> &str {
        &self.nodes[i].id
    }

    /// `-- Running upgrade a, b -> c`, the comment Alembic prints before each revision.
    pub fn banner(&self, i: usize) -> String {
        let node = &self.nodes[i];
        format!(
            "-- Running upgrade {} -> {}",
            node.parsed.migration.revision.down_revision.join(", "),
            node.id
        )
    }
}

#[cfg(test)]
mod test {
    use super::*;

    fn folder(files: &[(&str, &str, &str, &str)]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "miglab-chain-{}-{}",
            std::process::id(),
            files.len() * 7 + files.first().map_or(0, |f| f.0.len())
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp folder");
        for (name, rev, down, extra) in files {
            let text = format!("from alembic import op\n\nrevision = \"{rev}\"\ndown_revision = {down}\n{extra}\n\ndef upgrade():\n    op.execute(\"SELECT '{rev}'\")\n\n\ndef downgrade():\n    pass\n");
            std::fs::write(dir.join(name), text).expect("write revision");
        }
        dir
    }

    fn order(chain: &Chain, from: Option<&str>, to: &str) -> String {
        match chain.upgrade(from, to) {
            Ok(order) => order.iter().map(|&i| chain.id(i)).collect::<Vec<_>>().join(" "),
            Err(problem) => problem,
        }
    }

    #[test]
    fn branches_merge_and_depends_on_ok() {
        // a <- b1 <- m, a <- b2 <- m, and a second base c <- d where c depends on b2; file order differs from history.
        // The expected orders are what Alembic 1.20 prints for `upgrade TARGET --sql` on the same folder.
        let dir = folder(&[
            ("1_m.py", "m", "(\"b1\", \"b2\")", ""),
            ("2_a.py", "a", "None", ""),
            ("3_b2.py", "b2", "\"a\"", ""),
            ("4_b1.py", "b1", "\"a\"", ""),
            ("5_c.py", "c", "None", "branch_labels = (\"other\",)\ndepends_on = \"b2\""),
            ("6_d.py", "d", "\"c\"", ""),
        ]);
        let chain = Chain::load(&dir).expect("loads");
        assert_eq!(order(&chain, None, "heads"), "a b2 c d b1 m");
        assert_eq!(
            order(&chain, None, "head"),
            "This folder has 2 heads (m, d), so Alembic refuses `head`; name one, or use `heads`."
        );
        assert_eq!(order(&chain, None, "m"), "a b2 b1 m");
        assert_eq!(order(&chain, Some("b1"), "m"), "b2 m");
        assert_eq!(order(&chain, None, "c"), "a b2 c");
        assert_eq!(order(&chain, None, "other"), "a b2 c");
        assert_eq!(order(&chain, None, "other@head"), "a b2 c d");
        assert_eq!(
            order(&chain, None, "b"),
            "\"b\" is the start of several revision ids; write more of it."
        );
        let plan = chain.upgrade(None, "m").expect("plan");
        let bookkeeping = chain.bookkeeping(None, &plan).expect("bookkeeping");
        let statements: Vec<String> = bookkeeping.concat();
        assert_eq!(
            statements,
            [
                version_table::insert("a"),
                version_table::update("a", "b2"),
                version_table::insert("b1"),
                version_table::delete("b1"),
                version_table::update("b2", "m"),
            ]
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn broken_folder_err() {
        let dir = folder(&[("1_a.py", "a", "\"zz\"", "")]);
        assert!(Chain::load(&dir)
            .err()
            .is_some_and(|e| e.contains("down_revision zz is not a revision")));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
