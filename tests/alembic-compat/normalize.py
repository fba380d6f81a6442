"""Reduces `--sql` output to one statement per line: no BEGIN/COMMIT, comments or layout whitespace."""
import re
import sys

text = sys.stdin.read()
text = "\n".join(line for line in text.splitlines() if not line.startswith("-- "))
for statement in text.split(";\n"):
    statement = re.sub(r"\s+", " ", statement).strip()
    statement = re.sub(r"\( ", "(", statement)
    statement = re.sub(r" \)", ")", statement)
    # `op.execute("…;")` makes Alembic print `;;`; miglab keeps one statement per step.
    statement = statement.rstrip(";").rstrip()
    if statement and statement not in ("BEGIN", "COMMIT"):
        print(statement)
