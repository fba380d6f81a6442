"""Reduces `--sql` output to one statement per line: no BEGIN/COMMIT, comments or layout whitespace."""
import re
import sys

text = sys.stdin.read()
text = "\n".join(line for line in text.splitlines() if not line.startswith("-- "))
statements = []
for statement in text.split(";\n"):
    statement = re.sub(r"\s+", " ", statement).strip()
    statement = re.sub(r"\( ", "(", statement)
    statement = re.sub(r" \)", ")", statement)
    # `op.execute("…;")` makes Alembic print `;;`; miglab keeps one statement per step.
    statement = statement.rstrip(";").rstrip()
    if statement and statement not in ("BEGIN", "COMMIT"):
        statements.append(statement)

# Alembic creates a new table's indexes by iterating a Python set, so their order varies between runs:
# compare each run of consecutive CREATE INDEX statements as a sorted group.
run = []
for statement in statements + [""]:
    if statement.startswith(("CREATE INDEX", "CREATE UNIQUE INDEX")):
        run.append(statement)
        continue
    for index in sorted(run):
        print(index)
    run = []
    if statement:
        print(statement)
