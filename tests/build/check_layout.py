#!/usr/bin/env python3
"""The shape of server/ that docs/architecture.md describes, checked on every build:

- the layers depend one way: main -> cli -> net -> app -> store, privacy -> core;
- no include loops: a header and its .cpp are one unit, and no chain of includes
  between units leads back to where it started;
- every SQL statement lives in store/: app/, net/ and cli/ hold none, and only store/
  includes sqlite3.h;
- no file in server/ is over 400 lines.

Exits 1 and names every breach; prints a summary line when the tree is sound.
"""
import re
import sys
from pathlib import Path

MAX_LINES = 400
# A unit may include units of its own layer and of the layers listed for it.
ALLOWED = {
    "core": {"core"},
    "privacy": {"privacy", "core"},
    "store": {"store", "core"},
    "app": {"app", "store", "privacy", "core"},
    "net": {"net", "app", "core"},
    "cli": {"cli", "net", "app", "store", "privacy", "core"},
    "main": {"cli", "core"},
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"(server/[^"]+)"', re.M)
SQL = re.compile(r'"[^"\n]*\b(SELECT|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|PRAGMA|BEGIN\s+IMMEDIATE|SAVEPOINT|ROLLBACK)\b')
SQL_API = re.compile(r"\bstore::Statement\b|\bStatement\s*\(|\.exec\s*\(|\bquery_int\s*\(|\bsqlite3_")


def layer(rel: Path) -> str:
    parts = rel.parts
    return "main" if len(parts) == 2 else parts[1]


def unit(rel: Path) -> str:
    return str(rel.with_suffix(""))


def strongly_connected(graph):
    """Tarjan's algorithm; returns the components with more than one unit."""
    index, low, on_stack, stack, out = {}, {}, set(), [], []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def main() -> int:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2]
    server = root / "server"
    files = sorted(p for p in server.rglob("*") if p.suffix in (".hpp", ".cpp", ".in"))
    problems = []
    graph = {}
    for path in files:
        rel = path.relative_to(root)
        text = path.read_text(encoding="utf-8")
        lines = text.count("\n")
        if lines > MAX_LINES:
            problems.append(f"{rel}: {lines} lines (at most {MAX_LINES}): split it")
        here = layer(rel)
        for target in INCLUDE.findall(text):
            target_rel = Path(target)
            if not (root / target_rel).exists():
                continue  # generated code, e.g. the embedded schema
            there = layer(target_rel)
            if there not in ALLOWED[here]:
                problems.append(f"{rel}: includes {target}: {here}/ may not depend on {there}/")
            if unit(target_rel) != unit(rel):
                graph.setdefault(unit(rel), set()).add(unit(target_rel))
        if here != "store":
            code = re.sub(r"//[^\n]*", "", text)
            if "<sqlite3.h>" in code:
                problems.append(f"{rel}: includes sqlite3.h: only store/ talks to SQLite")
            for match in SQL.finditer(code):
                problems.append(f"{rel}: an SQL statement ({match.group(1)}): it belongs in a repository in store/")
            for match in SQL_API.finditer(code):
                problems.append(f"{rel}: runs SQL itself ({match.group(0).strip()}): call a function of store/")
    for component in strongly_connected(graph):
        problems.append("include loop between " + ", ".join(component))
    for p in problems:
        print(p)
    if problems:
        print(f"check_layout: {len(problems)} problems in {len(files)} files", file=sys.stderr)
        return 1
    units = len({unit(p.relative_to(root)) for p in files})
    print(f"check_layout: {len(files)} files, {units} units: layers one way, no include loops, "
          f"SQL only in store/, none over {MAX_LINES} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
