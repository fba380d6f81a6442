#!/usr/bin/env bash
# Compares `miglab sql` with real `alembic upgrade --sql` / `downgrade --sql` on every case in cases/.
# Usage: tests/alembic-compat/run.sh [case.py ...]   (from the repository root)
# By default the cases are every ok fixture (crates/miglab-analysis/fixtures/alembic/ok/*.py) and every lesson migration (lessons/**/*.py),
# so each one is checked against real Alembic.
# `cargo xtask test` runs it, after making the venv under target/ with the versions xtask/src/setup.rs pins
# (by hand: python3 -m venv target/alembic-venv && target/alembic-venv/bin/pip install alembic==1.20.1 SQLAlchemy==2.0.58).
# Then each folder in chains/ runs as a whole history: `alembic upgrade TARGET --sql` for each line of its `targets`
# (`FROM:TO` too) against `miglab sql --version-table [--from FROM] --to TO FOLDER`, branches, merges and depends_on included.
# It ends with `N passed, N failed`, one per case and direction.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/tests/alembic-compat"
alembic="$root/target/alembic-venv/bin/alembic"
[ -x "$alembic" ] || { echo "no venv: see the header of $0" >&2; exit 2; }
# MIGLAB overrides the binary under test (any program taking `sql`'s arguments).
if [ -z "${MIGLAB:-}" ]; then
    (cd "$root" && cargo build -q --bin miglab)
    MIGLAB="${CARGO_TARGET_DIR:-$root/target}/debug/miglab sql"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cases=("$@")
if [ ${#cases[@]} -eq 0 ]; then
    mapfile -t cases < <(find "$root/crates/miglab-analysis/fixtures/alembic/ok" "$root/lessons" -name '*.py' 2>/dev/null | sort)
fi
failed=0
passes=0
failures=0
# Alembic's offline output carries BEGIN/COMMIT, comments, blank lines and SQLAlchemy's line breaks;
# keep only the statements, with whitespace collapsed, one per line.
normalize() {
    python3 "$here/normalize.py"
}
for case in "${cases[@]}"; do
    name=$(basename "$case" .py)
    rev=$(sed -n "s/^revision[^=]*= [\"']\([^\"']*\)[\"'].*/\1/p" "$case")
    rm -rf "$work/env" && mkdir -p "$work/env/versions"
    cp "$here/env.py" "$here/script.py.mako" "$work/env/"
    # Each case runs alone, from an empty history: its parent is cut off so Alembic treats it as a root.
    sed -e 's/^down_revision\(.*\)= .*/down_revision\1= None/' "$case" > "$work/env/versions/$name.py"
    printf '[alembic]\nscript_location = %s\n' "$work/env" > "$work/env/alembic.ini"
    for direction in upgrade downgrade; do
        if [ $direction = upgrade ]; then
            (cd "$work/env" && "$alembic" upgrade "$rev" --sql) > "$work/alembic.sql" 2> "$work/alembic.err" || { cat "$work/alembic.err"; echo "FAIL $direction $name (alembic failed)"; failed=1; failures=$((failures + 1)); continue; }
            $MIGLAB --version-table "$work/env/versions/$name.py" > "$work/miglab.sql" || true
        else
            (cd "$work/env" && "$alembic" downgrade "$rev:base" --sql) > "$work/alembic.sql" 2> "$work/alembic.err" || { cat "$work/alembic.err"; echo "FAIL $direction $name (alembic failed)"; failed=1; failures=$((failures + 1)); continue; }
            $MIGLAB --downgrade --version-table "$work/env/versions/$name.py" > "$work/miglab.sql" || true
        fi
        normalize < "$work/alembic.sql" > "$work/a.txt"
        normalize < "$work/miglab.sql" > "$work/m.txt"
        if diff -u --label "alembic $direction $name" --label "miglab $direction $name" "$work/a.txt" "$work/m.txt"; then
            echo "ok   $direction $name"
            passes=$((passes + 1))
        else
            echo "FAIL $direction $name"
            failed=1
            failures=$((failures + 1))
        fi
    done
done
chains=()
if [ $# -eq 0 ]; then
    mapfile -t chains < <(find "$here/chains" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | sort)
fi
for chain in "${chains[@]}"; do
    name=$(basename "$chain")
    rm -rf "$work/env" && mkdir -p "$work/env/versions"
    cp "$here/env.py" "$here/script.py.mako" "$work/env/"
    cp "$chain"/*.py "$work/env/versions/"
    printf '[alembic]\nscript_location = %s\n' "$work/env" > "$work/env/alembic.ini"
    while read -r target; do
        [ -n "$target" ] || continue
        from=()
        to=$target
        if [[ $target == *:* ]]; then
            from=(--from "${target%%:*}")
            to=${target#*:}
        fi
        (cd "$work/env" && "$alembic" upgrade "$target" --sql) > "$work/alembic.sql" 2> "$work/alembic.err" || { cat "$work/alembic.err"; echo "FAIL upgrade $name $target (alembic failed)"; failed=1; failures=$((failures + 1)); continue; }
        $MIGLAB --version-table "${from[@]}" --to "$to" "$work/env/versions" > "$work/miglab.sql" || true
        normalize < "$work/alembic.sql" > "$work/a.txt"
        normalize < "$work/miglab.sql" > "$work/m.txt"
        if diff -u --label "alembic upgrade $target ($name)" --label "miglab $target ($name)" "$work/a.txt" "$work/m.txt"; then
            echo "ok   upgrade $name $target"
            passes=$((passes + 1))
        else
            echo "FAIL upgrade $name $target"
            failed=1
            failures=$((failures + 1))
        fi
    done < "$chain/targets"
done
echo "$passes passed, $failures failed"
exit $failed
