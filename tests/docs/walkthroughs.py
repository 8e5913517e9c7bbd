#!/usr/bin/env python3
"""Keeps docs/architecture.md's two walk-throughs ("How to add a process", "The library
API and how to add a command") honest: every file they name must exist and every code name
they put in backticks (a class, function or member) must occur in the sources. Names of the
example being added (NAME, frobnicate) are skipped. Exit 1 listing what is missing."""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
doc = (root / "docs/architecture.md").read_text(encoding="utf-8")


def section(title):
    start = doc.index(title)
    nxt = re.search(r"^#{2,3} ", doc[start + len(title):], re.M)
    return doc[start:start + len(title) + (nxt.start() if nxt else len(doc))]


text = section("### How to add a process") + section("### The library API and how to add a command")
sources = "\n".join(p.read_text(encoding="utf-8", errors="replace")
                    for d in ("engine", "models", "tests")
                    for p in (root / d).rglob("*") if p.suffix in (".h", ".cpp"))
sources += (root / "CMakeLists.txt").read_text(encoding="utf-8")
missing = []
tokens = set(re.findall(r"`([^`\n]+)`", text))
tokens |= set(re.findall(r"\b((?:engine|models|tests)/[\w./]+\.(?:h|cpp))", text))
for tok in sorted(tokens):
    if "NAME" in tok or "frobnicate" in tok:
        continue
    if re.fullmatch(r"(?:engine|models|tests)/[\w./{},]+", tok):
        if not (root / tok.split("{")[0]).exists():
            missing.append(f"file {tok}")
        continue
    name = re.fullmatch(r"(?:[a-z]+::)*([A-Za-z_]\w*)(?:\(\))?", tok)
    if name and len(name.group(1)) > 2 and not re.search(r"\b" + re.escape(name.group(1)) + r"\b", sources):
        missing.append(f"name {tok}")
if missing:
    print("docs/architecture.md walk-throughs name what the code does not have:")
    print("\n".join("  " + m for m in missing))
    sys.exit(1)
print(f"walk-throughs: {len(tokens)} names and files checked")
