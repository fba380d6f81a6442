//! The evaluator's tests: each runs Python through the translator and snapshots the SQL and diagnostics
//! (in `eval/snapshots/`); the property tests feed it hostile programs.

use super::super::{check, parse, render_for_test};

fn module(source: &str) -> String {
    render_for_test(&parse(source), "m.py")
}

fn snapshot(name: &str, rendered: String) {
    insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!(name.to_owned(), rendered);
    });
}

#[test]
fn names_and_unpacking_ok() {
    snapshot(
        "names_and_unpacking_ok",
        check(
            r#"
table, column = "orders", "note"
kind: str = "TEXT"
op.execute("ALTER TABLE %s ADD COLUMN %s %s" % (table, column, kind))
(a, b), c = ["x", "y"], "z"
op.execute(f"SELECT '{a}{b}{c}', {len(table) * 2}, {-3 + 1}, {7 // 2}, {2 ** 10}")
op.execute("SELECT {0}, {name}, {0!r}".format("it's", name="n"))
op.execute("SELECT {}, {!r}".format(1, "a"))
parts = {"a": 1}
parts["b"] = 2
parts.update({"c": 3})
op.execute(", ".join(f"{k}={v}" for k, v in parts.items()))
x = 1
x += 41
op.execute("SELECT %d" % x)"#,
        ),
    );
}

#[test]
fn loops_ok() {
    snapshot(
        "loops_ok",
        check(
            r#"
for t in ["a", "b"]:
    op.drop_column(t, "old")
for i in range(2):
    op.execute(f"SELECT {i}")
for name, ty in zip(["x", "y"], [sa.Integer(), sa.Text()]):
    op.add_column("t", sa.Column(name, ty))
for key in {"k1": 1, "k2": 2}:
    op.execute(f"SELECT '{key}'")
for n in range(10):
    if n == 1:
        continue
    if n == 3:
        break
    op.execute(f"SELECT {n}")
else:
    op.execute("SELECT 'not reached'")
for t in ():
    pass
else:
    op.execute("SELECT 'else runs'")
op.execute(" UNION ".join([f"SELECT {n}" for n in range(3) if n != 1]))"#,
        ),
    );
}

#[test]
fn conditions_ok() {
    snapshot(
        "conditions_ok",
        check(
            r#"
FLAG = False
if FLAG:
    op.drop_table("never")
elif op.get_bind().dialect.name == "postgresql" and not FLAG:
    op.execute("SELECT 'postgres'")
else:
    op.drop_table("never")
op.execute("SELECT 'yes'" if "a" in ["a"] else "SELECT 'no'")
if None is None and 1 < 2 <= 2:
    op.execute("SELECT 'chained'")"#,
        ),
    );
}

#[test]
fn helpers_ok() {
    let source = r#"
from alembic import op
import sqlalchemy as sa

revision = "h1"
down_revision = None
PREFIX = "ix"


def name_of(table, *columns, suffix=""):
    return f"{PREFIX}_{table}_{'_'.join(columns)}{suffix}"


def add_index(table, columns, **kw):
    op.create_index(name_of(table, *columns), table, columns, **kw)


def upgrade():
    def local(t):
        add_index(t, ["a", "b"], unique=True)

    local("orders")
    add_index("users", ["email"], postgresql_using="hash")
    op.execute("SELECT '%s'" % name_of("t", "c", suffix="_x"))


def downgrade():
    op.drop_index(name_of("orders", "a", "b"), table_name="orders")
"#;
    snapshot("helpers_ok", module(source));
}

#[test]
fn try_and_batch_ok() {
    snapshot(
        "try_and_batch_ok",
        check(
            r#"
try:
    op.drop_constraint("uq_old", "t", type_="unique")
except Exception:
    op.execute("SELECT 'never'")
else:
    op.execute("SELECT 'else'")
finally:
    op.execute("SELECT 'finally'")
def add(batch, name):
    batch.add_column(sa.Column(name, sa.Text()))
with op.batch_alter_table("orders") as batch_op:
    for name in ["a", "b"]:
        add(batch_op, name)
columns = [sa.Column("id", sa.Integer(), primary_key=True), sa.Column("name", sa.Text())]
statuses = op.create_table("statuses", *columns)
op.bulk_insert(statuses, [{"id": i, "name": n} for i, n in enumerate(["open", "closed"])])
op.bulk_insert(statuses, [dict(id=i, name=n) for i, n in enumerate(["held"], start=10)])
op.bulk_insert(statuses, [dict([("id", 20)], name="pairs")])"#,
        ),
    );
}

#[test]
fn unknown_values_err() {
    let source = r#"
from alembic import op
import sqlalchemy as sa
import os
from myapp.models import helper

revision = "u1"
down_revision = None


def upgrade():
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id FROM t")).fetchall()
    for row in rows:
        op.execute(f"DELETE FROM t WHERE id = {row[0]}")
    if os.environ.get("X"):
        op.drop_table("t")
    value = helper()
    while True:
        pass
    op.execute(f"SELECT {undefined}")
    op.execute("%s %s" % ("only one",))
    op.execute("{:>10}".format("x"))
    op.execute("{} {0}".format("x"))
    a, b = [1, 2, 3]
    op.execute(["not", "sql"][5])
    raise NotImplementedError()


def downgrade():
    pass
"#;
    snapshot("unknown_values_err", module(source));
}

#[test]
fn limits_err() {
    let source = r#"
from alembic import op

revision = "l1"
down_revision = None


def forever(n):
    return forever(n + 1)


def upgrade():
    for i in range(5000):
        for j in range(5000):
            pass
    op.execute("SELECT 'not reached'")


def downgrade():
    big = "x" * 10**9
    op.execute(big)
    forever(0)
    items = [1] * 10**9
"#;
    snapshot("limits_err", module(source));
}

#[test]
fn module_level_ok() {
    let source = r#"
"""module level"""
from alembic import op
import sqlalchemy as sa

revision = "c1"
down_revision = None
TABLE = "expenses"
COLUMNS = ["a", "b"]
TWICE = "x"
TWICE = "y"
if TABLE == "expenses":
    INDEX = f"ix_{TABLE}_{'_'.join(COLUMNS)}"
op.drop_table("ignored at import")


def upgrade():
    op.create_index(INDEX, TABLE, COLUMNS)
    op.drop_column(TWICE, "z")


def downgrade():
    op.drop_index(INDEX, table_name=TABLE)
"#;
    snapshot("module_level_ok", module(source));
}

/// Property tests: hostile programs never hang, overflow the stack, or panic.
mod fuzz {
    use super::super::super::parse;
    use proptest::prelude::*;

    fn program(upgrade: &str) -> String {
        format!("from alembic import op\nrevision = \"r\"\ndown_revision = None\n\n{upgrade}\n\ndef downgrade():\n    pass\n")
    }

    /// Statements that loop, recurse, grow values or nest, combined at random.
    const PIECES: &[&str] = &[
        "def f(n):\n    return f(n + 1)\n",
        "def g(n):\n    for i in range(100):\n        g(i)\n",
        "def h(x):\n    return [h(x), h(x)]\n",
        "x = []\n",
        "x = [x, x]\n",
        "x = x + x\n",
        "x.append(x)\n",
        "s = 'ab'\n",
        "s = s * 1000\n",
        "s = s + s\n",
        "s = f'{s}{s}'\n",
        "n = 10 ** 18\n",
        "n = n * n\n",
        "for i in range(10000):\n    s = s + 'x'\n",
        "for i in range(10000):\n    for j in range(10000):\n        pass\n",
        "for i in x:\n    x.append(i)\n",
        "if f(1):\n    pass\n",
        "g(0)\n",
        "h(0)\n",
        "f(0)\n",
        "op.execute(s)\n",
        "op.execute('%s' % (s,))\n",
        "while True:\n    pass\n",
        "try:\n    f(0)\nexcept Exception:\n    pass\n",
        "d = {}\n",
        "d[1] = d\n",
        "x = [i for i in range(10000) for j in range(10000)]\n",
        "m = -9223372036854775807 - 1\n",
        "m = m // -1\n",
        "m = m % -1\n",
        "m = -m\n",
        "m = m ** 3\n",
        "r = list(range(m, 9223372036854775807, 4611686018427387904))\n",
        "r = [s[m], s[-m], x[m]]\n",
        "op.execute('%d %s' % (m, s))\n",
        "op.execute('{}{}'.format(s, m) * m)\n",
    ];

    fn indent(text: &str) -> String {
        text.lines().map(|l| format!("    {l}\n")).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        #[test]
        fn hostile_programs_ok(pieces in prop::collection::vec(prop::sample::select(PIECES), 1..12), at_module in any::<bool>()) {
            let body: String = pieces.concat();
            let source = if at_module {
                program(&format!("{body}\ndef upgrade():\n    f(0)\n    g(0)\n"))
            } else {
                program(&format!("def upgrade():\n{}", indent(&body)))
            };
            let _ = parse(&source);
        }
    }

    #[test]
    fn deep_blocks_ok() {
        // Nested `if` blocks far deeper than the limit, and a long chain of helpers calling each other.
        let mut nested = String::new();
        for depth in 0..1000 {
            nested.push_str(&format!("{}if True:\n", "    ".repeat(depth + 1)));
        }
        nested.push_str(&format!("{}op.execute('SELECT 1')\n", "    ".repeat(1001)));
        let parsed = parse(&program(&format!("def upgrade():\n{nested}")));
        assert!(parsed.diagnostics.iter().any(|d| d.code == "python-too-deep"));
        // Just under CPython's limit of 100 levels the parser still runs, and the evaluator stops at its own limit.
        let under: String =
            (0..98).map(|d| format!("{}if True:\n", "    ".repeat(d + 1))).collect();
        let under = format!("{under}{}pass\n", "    ".repeat(99));
        let parsed = parse(&program(&format!("def upgrade():\n{under}")));
        assert!(parsed.diagnostics.iter().any(|d| d.code == "evaluation-limit"));
        let chain: String = (0..200).map(|i| format!("def f{i}():\n    f{}()\n", i + 1)).collect();
        let parsed = parse(&program(&format!("{chain}\ndef upgrade():\n    f0()\n")));
        assert!(parsed
            .diagnostics
            .iter()
            .any(|d| d.code == "unsupported-statement" || d.code == "evaluation-limit"));
    }
}

#[test]
fn operations_in_expressions_err() {
    let source = r#"
from alembic import op, context
import sqlalchemy as sa

revision = "o1"
down_revision = None


def make():
    return op.create_table("made", sa.Column("id", sa.Integer(), primary_key=True))


def upgrade():
    made = make()
    op.bulk_insert(made, [{"id": 1}])
    tables = [op.drop_table("a"), op.drop_table("b")]
    print(op.execute("SELECT 1"))
    op.get_bind().execute("UPDATE t SET a = 1")
    op.get_bind().execute(sa.text("UPDATE t SET a = :a"), {"a": 1})
    names = ["x"]
    op.execute("SELECT '%s'" % names)
    op.execute("SELECT '%s'" % ("tuple",))
    if context.is_offline_mode():
        op.execute("SELECT 'offline'")
    else:
        op.execute("SELECT 'online'")


def downgrade():
    pass
"#;
    snapshot("operations_in_expressions_err", module(source));
}

#[test]
fn operations_run_once_ok() {
    snapshot(
        "operations_run_once_ok",
        check(
            r#"
def make(name):
    return op.create_table(name, sa.Column("id", sa.Integer(), primary_key=True))
made = make("made")
alias = made
op.bulk_insert(alias, [{"id": 1}])
alias
op.drop_table
def again():
    return made
again()"#,
        ),
    );
}

/// Helpers called from inside deeply nested expressions: the nesting counts across calls, so the stack stays bounded.
#[test]
fn deep_expressions_through_helpers_ok() {
    let nested = format!("{}f(n + 1){}", "[".repeat(60), "]".repeat(60));
    let source = format!(
        "from alembic import op\nrevision = \"r\"\ndown_revision = None\n\ndef f(n):\n    return {nested}\n\ndef upgrade():\n    f(0)\n\ndef downgrade():\n    pass\n"
    );
    let parsed = parse(&source);
    assert!(
        parsed.diagnostics.iter().any(|d| d.code == "evaluation-limit"),
        "{:?}",
        parsed.diagnostics
    );
}

#[test]
fn logging_decorators_and_globals_ok_and_err() {
    let source = r#"
import logging
import functools
from alembic import op

revision = "g1"
down_revision = None
log = logging.getLogger(__name__)
COUNT = 0


@functools.lru_cache
def cached():
    op.execute("SELECT 'cached'")


def bump():
    global COUNT
    COUNT += 1


def upgrade():
    log.info("adding the index")
    logging.getLogger("alembic").warning("careful")
    op.execute("SELECT 'logged'")
    cached()
    bump()


def downgrade():
    pass
"#;
    snapshot("logging_decorators_and_globals_ok_and_err", module(source));
}
