#!/usr/bin/env python3
"""Sample output in the docs, generated from the program and checked (issue 19, part 6).

Every sample of plancast's output in README.md and docs/ (terminal tables, JSON and CSV
excerpts, error messages) is marked with an HTML comment naming the command that prints
it, directly before its fenced block:

    <!-- sample: plancast run --runs 20000 --seed 7 -->
    ```
    ...what that command prints...
    ```

The command is a bash command line run from the repository root, with `plancast` being
BUILD_DIR/plancast on the PATH; standard output and standard error both go into the block,
in the order written. The exit status does not matter (samples of errors exit 2), but a
command that is not found does. `$TMP` is an empty folder for the command's own files. It
may end in filters, applied here to what the command printed:

    | lines A-B        lines A to B: each a line number (from 1) or /REGEX/, the first line
                       that matches (B: after A); "A-<B" stops before B, "A-" at the end
    | head N           the first N lines
    | json PATH...     parts of a JSON document: `.key`, `[N]`, `.key[N].key`, `.` for all
                       of it, each printed with an indent of 2, one after the other
    | omit A-B         lines A to B (as for lines) replaced by one line "..."
    | etc              then a line "..." (the sample is an excerpt)

so that one run of a command serves every sample that shows a part of it (anything else,
`| sed -n 3,9p` say, is part of the bash command). A marker `<!-- sample: $ plancast ... -->`
starts the block with the line "$ plancast ..." (the command as a reader would type it).

Numbers quoted in the prose around a sample are checked too: a comment

    <!-- sample-quotes: "3.7%" "[3.6%, 3.8%]" -->

after the paragraph requires each quoted string to occur in the output of the nearest
sample above it on the page.

Usage:
    scripts/docs_samples.py BUILD_DIR            check: exit 1 with a diff of every block
                                                 that differs from what the program prints
    scripts/docs_samples.py --update BUILD_DIR   rewrite every block from the program
    options: -j N (commands at once, default 2), --files F... (only these pages)

Lines are compared and written without trailing spaces. Commands that occur more than once
run once.
"""
import argparse
import concurrent.futures
import difflib
import json
import os
import pathlib
import re
import shlex
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
PAGES = ["README.md", "docs/*.md", "docs/models/*.md"]
MARKER = re.compile(r"^<!-- sample: (.*?) -->\s*$")
QUOTES = re.compile(r"^<!-- sample-quotes: (.*?) -->\s*$")
TIMEOUT_S = 300  # per command; generous: the machine may be shared


# ---- the filters ----

FILTER = re.compile(r"\s+\|\s+(lines|head|json|omit|etc)\b([^|]*)$")


def split_command(command):
    """(the bash command, [(filter, args)...]) of a marker's text."""
    filters = []
    while True:
        m = FILTER.search(command)
        if not m:
            return command, filters[::-1]
        filters.append((m.group(1), shlex.split(m.group(2))))
        command = command[:m.start()]


def select_json(doc, path):
    """One part of a JSON document by a jq-like path: .a.b[0].c (or . for all of it)."""
    node = doc
    for key, index in re.findall(r"\.([A-Za-z_@][\w@\-]*)|\[(-?\d+)\]", path):
        node = node[key] if key else node[int(index)]
    return node


class Raw(str):
    """A JSON number as the program wrote it."""


def dump_json(node, indent=""):
    """JSON with an indent of 2, numbers as written (json.dumps would re-print floats)."""
    inner = indent + "  "
    if isinstance(node, dict) and node:
        items = [inner + json.dumps(k, ensure_ascii=False) + ": " + dump_json(v, inner)
                 for k, v in node.items()]
        return "{\n" + ",\n".join(items) + "\n" + indent + "}"
    if isinstance(node, list) and node:
        return "[\n" + ",\n".join(inner + dump_json(v, inner) for v in node) + "\n" + indent + "]"
    if isinstance(node, Raw):
        return str(node)
    return json.dumps(node, ensure_ascii=False)


RANGE = re.compile(r"(\d+|/[^/]+/)-(<?)(\d*|/[^/]+/)")


def line_range(spec, lines):
    """[lo, hi) of a range A-B: each end a line number (from 1) or /REGEX/ (the first line
    matching it; for B, the first after A); B included, or excluded when written <B; no B:
    to the end."""
    m = RANGE.fullmatch(spec)
    if not m:
        raise RuntimeError("expected a range A-B (N or /REGEX/ each), got %r" % spec)
    a, exclusive, b = m.groups()

    def find(end, start):
        if not end.startswith("/"):
            return int(end) - 1
        rx = re.compile(end[1:-1])
        for k in range(start, len(lines)):
            if rx.search(lines[k]):
                return k
        raise RuntimeError("no line matches %s (from line %d)" % (end, start + 1))

    lo = find(a, 0)
    if not b:
        return lo, len(lines)
    return lo, find(b, lo + 1 if b.startswith("/") else 0) + (0 if exclusive else 1)


def apply_filter(name, args, lines):
    if name in ("lines", "omit"):
        if len(args) != 1:
            raise RuntimeError("%s: expected one range A-B, got %r" % (name, " ".join(args)))
        lo, hi = line_range(args[0], lines)
        return lines[lo:hi] if name == "lines" else lines[:lo] + ["..."] + lines[hi:]
    if name == "head":
        if len(args) != 1 or not args[0].lstrip("-").isdigit():
            raise RuntimeError("head: expected a number of lines, got %r" % " ".join(args))
        return lines[:abs(int(args[0]))]
    if name == "json":
        try:
            # Numbers keep the program's own digits (8.0 stays 8.0, 0.1 is not re-rounded).
            doc = json.loads("\n".join(lines), parse_float=Raw, parse_int=Raw)
            out = []
            for path in args or ["."]:
                out += dump_json(select_json(doc, path)).split("\n")
            return out
        except (ValueError, KeyError, IndexError, TypeError) as e:
            raise RuntimeError("json %s: %s" % (" ".join(args), e))
    return lines + ["..."]  # etc


# ---- pages, markers and blocks ----

class Block:
    def __init__(self, page, marker_line, command, start, end, body):
        self.page, self.marker_line, self.command = page, marker_line, command
        self.start, self.end, self.body = start, end, body  # body: lines between the fences


def parse(page, lines):
    """The sample blocks and quote checks of a page (line numbers from 0)."""
    blocks, quotes, errors = [], [], []
    for i, line in enumerate(lines):
        m = MARKER.match(line)
        if m:
            if i + 1 >= len(lines) or not lines[i + 1].startswith("```"):
                errors.append("%s:%d: a sample marker must be directly before a ``` block"
                              % (page, i + 1))
                continue
            j = i + 2
            while j < len(lines) and not lines[j].startswith("```"):
                j += 1
            if j >= len(lines):
                errors.append("%s:%d: the block after this marker is not closed" % (page, i + 1))
                continue
            blocks.append(Block(page, i, m.group(1).strip(), i + 1, j, lines[i + 2:j]))
        q = QUOTES.match(line)
        if q:
            owner = blocks[-1] if blocks else None
            if owner is None:
                errors.append("%s:%d: sample-quotes with no sample above it" % (page, i + 1))
            else:
                quotes.append((i, owner, re.findall(r'"([^"]*)"', q.group(1))))
    return blocks, quotes, errors


def make_shims(bindir, plancast):
    (bindir / "plancast").symlink_to(plancast)


def run_command(command, bindir):
    """What a sample command prints (stdout and stderr together), lines without trailing
    spaces; raises RuntimeError when the command cannot run."""
    shown = command[2:] if command.startswith("$ ") else command
    env = dict(os.environ, PATH=str(bindir) + os.pathsep + os.environ.get("PATH", ""),
               LC_ALL="C.UTF-8", COLUMNS="100")
    env.pop("PLANCAST_SHARD_KEY", None)
    with tempfile.TemporaryDirectory(prefix="docs-sample-") as tmp:
        env["TMP"] = tmp
        try:
            p = subprocess.run(["bash", "-c", shown], cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            raise RuntimeError("took more than %d s" % TIMEOUT_S)
    out = p.stdout.decode("utf-8", errors="replace")
    if p.returncode in (126, 127) or "command not found" in out:
        raise RuntimeError("exit %d: %s" % (p.returncode, out.strip()[-400:]))
    lines = [line.rstrip() for line in out.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    if not lines:
        raise RuntimeError("printed nothing (exit %d)" % p.returncode)
    if command.startswith("$ "):
        lines.insert(0, command)
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("build_dir", help="the build folder holding plancast")
    ap.add_argument("--update", action="store_true", help="rewrite the blocks")
    ap.add_argument("-j", type=int, default=2, help="commands run at once (default 2)")
    ap.add_argument("--files", nargs="*", help="only these pages (paths from the repo root)")
    a = ap.parse_args()
    plancast = pathlib.Path(a.build_dir).resolve() / "plancast"
    if not os.access(plancast, os.X_OK):
        sys.exit("docs_samples: no program at %s" % plancast)
    pages = a.files or sorted({str(p.relative_to(ROOT)) for g in PAGES for p in ROOT.glob(g)})

    texts, parsed, problems = {}, {}, []
    for page in pages:
        texts[page] = (ROOT / page).read_text(encoding="utf-8").split("\n")
        blocks, quotes, errors = parse(page, texts[page])
        parsed[page] = (blocks, quotes)
        problems += errors
    commands = sorted({split_command(b.command)[0] for bs, _ in parsed.values() for b in bs})

    outputs = {}
    with tempfile.TemporaryDirectory(prefix="docs-bin-") as bindir:
        make_shims(pathlib.Path(bindir), plancast)
        with concurrent.futures.ThreadPoolExecutor(max(1, a.j)) as pool:
            futures = {c: pool.submit(run_command, c, pathlib.Path(bindir)) for c in commands}
            for c, f in futures.items():
                try:
                    outputs[c] = f.result()
                except RuntimeError as e:
                    problems.append("command `%s`: %s" % (c, e))

    for bs, _ in parsed.values():
        for b in bs:
            shell, filters = split_command(b.command)
            if shell not in outputs:
                continue
            try:
                lines = outputs[shell]
                for name, args in filters:
                    lines = apply_filter(name, args, lines)
                outputs[b.command] = lines
            except RuntimeError as e:
                problems.append("%s:%d: %s" % (b.page, b.marker_line + 1, e))

    differ, updated = 0, []
    for page in pages:
        blocks, quotes = parsed[page]
        lines = texts[page]
        for b in blocks:
            new = outputs.get(b.command)
            if new is None or new == [line.rstrip() for line in b.body]:
                continue
            differ += 1
            if not a.update:
                diff = difflib.unified_diff(b.body, new, "%s:%d (the page)" % (page, b.start + 2),
                                            "`%s` (the program)" % b.command, lineterm="")
                problems.append("\n".join(diff))
        for at, owner, wanted in quotes:
            out = "\n".join(outputs.get(owner.command, []))
            for w in wanted:
                if owner.command in outputs and w not in out:
                    problems.append('%s:%d: the prose quotes "%s", which the sample above '
                                    "(`%s`) no longer prints: reword it"
                                    % (page, at + 1, w, owner.command))
        if a.update:
            for b in reversed(blocks):
                if b.command in outputs:
                    lines[b.start + 1:b.end] = outputs[b.command]
            text = "\n".join(lines)
            if text != (ROOT / page).read_text(encoding="utf-8"):
                (ROOT / page).write_text(text, encoding="utf-8")
                updated.append(page)

    nblocks = sum(len(bs) for bs, _ in parsed.values())
    for p in problems:
        print(p + "\n", file=sys.stderr)
    if a.update:
        print("docs_samples: %d samples from %d commands; rewrote %s"
              % (nblocks, len(commands), ", ".join(updated) or "nothing"))
    else:
        print("docs_samples: %d samples from %d commands; %d differ from the program"
              % (nblocks, len(commands), differ))
        if differ:
            print("run `python3 scripts/docs_samples.py --update %s` to rewrite them, then "
                  "check the prose around each" % a.build_dir, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
