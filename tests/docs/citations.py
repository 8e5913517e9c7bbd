#!/usr/bin/env python3
"""No user-facing page cites documents users do not have (issue 19, part 6): README.md,
every page under docs/ and every scenario under scenarios/ (whose comments users read)
must not contain "SPEC §", "SPEC.md", "DATASHEET" or "DS §" (the design notes the
project was built from are not shipped). Exit 1 listing each FILE:LINE."""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
BANNED = re.compile(r"SPEC §|SPEC\.md|DATASHEET|DS §")
files = [root / "README.md"]
files += sorted(p for p in (root / "docs").rglob("*") if p.is_file() and p.suffix in
                (".md", ".ipynb", ".html", ".txt"))
files += sorted((root / "scenarios").rglob("*.yaml"))
found = []
for f in files:
    for n, line in enumerate(f.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
        if BANNED.search(line):
            found.append("%s:%d: %s" % (f.relative_to(root), n, line.strip()))
for line in found:
    print(line)
if found:
    print("%d citations of documents users do not have: say what the source says instead"
          % len(found))
sys.exit(1 if found else 0)
