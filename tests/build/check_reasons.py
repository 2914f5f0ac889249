#!/usr/bin/env python3
"""Checks proto/gadehold/v1/reasons.tsv, the one list of Error reasons and alert params.

  check_reasons.py ROOT           fails when docs/protocol.md's generated tables differ
                                  from the list, a listed reason is never used by the
                                  server, or an AlertKind has no row
  check_reasons.py ROOT --write   rewrites those tables in docs/protocol.md

The server's Reason enum is generated from the same file (cmake/Reasons.cmake), so a
reason the server uses but the list lacks does not compile.
"""
import pathlib
import re
import sys

CODES = {
    "INVALID_ARGUMENT", "UNAUTHENTICATED", "PERMISSION_DENIED", "NOT_FOUND", "CONFLICT",
    "FAILED_PRECONDITION", "RESOURCE_EXHAUSTED", "UNAVAILABLE", "INTERNAL", "ALERT", "RESOLVED",
}
NOT_ERRORS = ("ALERT", "RESOLVED")
BLOCKS = {
    "reasons": "<!-- generated from proto/gadehold/v1/reasons.tsv: error reasons -->",
    "alerts": "<!-- generated from proto/gadehold/v1/reasons.tsv: alert params -->",
    "resolutions": "<!-- generated from proto/gadehold/v1/reasons.tsv: server resolutions -->",
}
END = "<!-- end of generated table -->"


def read_list(path):
    """Rows of (reason, code, params, when); raises ValueError on a malformed line."""
    rows, header_seen = [], False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line or line.startswith("#"):
            continue
        cells = line.split("\t")
        if not header_seen:
            if cells != ["reason", "code", "params", "when"]:
                raise ValueError(f"{path.name}:{number}: the header is reason, code, params, when")
            header_seen = True
            continue
        if len(cells) != 4:
            raise ValueError(f"{path.name}:{number}: {len(cells)} columns, not 4")
        reason, code, params, when = cells
        if not re.fullmatch(r"[A-Z][A-Z0-9_]*", reason):
            raise ValueError(f"{path.name}:{number}: {reason!r} is not an upper-case constant")
        if code not in CODES:
            raise ValueError(f"{path.name}:{number}: unknown code {code!r}")
        if params != "-" and not re.fullmatch(r"[a-z][a-z0-9_]*(,[a-z][a-z0-9_]*)*", params):
            raise ValueError(f"{path.name}:{number}: params {params!r} are not lower-case keys")
        if not when.strip():
            raise ValueError(f"{path.name}:{number}: say when the reason applies")
        rows.append((reason, code, [] if params == "-" else params.split(","), when))
    names = [r[0] for r in rows]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"{path.name}: listed twice: {', '.join(duplicates)}")
    return rows


def cell(text):
    return text.replace("|", "\\|")


def tables(rows):
    reasons = ["| reason | code | params | when |", "| --- | --- | --- | --- |"]
    alerts = ["| kind | params | meaning |", "| --- | --- | --- |"]
    resolutions = ["| resolve_reason | resolve_params | when |", "| --- | --- | --- |"]
    for reason, code, params, when in rows:
        keys = ", ".join(f"`{p}`" for p in params) or "none"
        if code == "ALERT":
            alerts.append(f"| `{reason}` | {keys} | {cell(when)} |")
        elif code == "RESOLVED":
            resolutions.append(f"| `{reason}` | {keys} | {cell(when)} |")
        else:
            reasons.append(f"| `{reason}` | `{code}` | {keys} | {cell(when)} |")
    return {"reasons": reasons, "alerts": alerts, "resolutions": resolutions}


def render(doc, generated):
    """The document with each generated block replaced; raises ValueError without markers."""
    lines = doc.split("\n")
    for key, marker in BLOCKS.items():
        if marker not in lines:
            raise ValueError(f"docs/protocol.md lacks the line {marker}")
        start = lines.index(marker) + 1
        try:
            end = lines.index(END, start)
        except ValueError:
            raise ValueError(f"docs/protocol.md: no {END} after {marker}") from None
        lines[start:end] = generated[key]
    return "\n".join(lines)


def problems(root, rows):
    found = []
    server = "\n".join(p.read_text(encoding="utf-8") for p in (root / "server").rglob("*.cpp"))
    server += "\n".join(p.read_text(encoding="utf-8") for p in (root / "server").rglob("*.hpp"))
    for reason, code, _, _ in rows:
        if code not in NOT_ERRORS and f"Reason::{reason}" not in server:
            found.append(f"{reason} is listed but the server never gives it")
        if code == "RESOLVED" and f'"{reason}"' not in server:
            found.append(f"{reason} is listed but the server never resolves with it")
    listed_resolutions = {r[0] for r in rows if r[1] == "RESOLVED"}
    for used in sorted(set(re.findall(r'"(RESOLVED_[A-Z0-9_]+)"', server)) - listed_resolutions):
        found.append(f"the server resolves with {used}, which reasons.tsv does not list")
    proto = (root / "proto/gadehold/v1/patrol.proto").read_text(encoding="utf-8")
    kinds = set(re.findall(r"\b(ALERT_KIND_[A-Z_]+)\s*=\s*[1-9]", proto))
    listed = {r[0] for r in rows if r[1] == "ALERT"}
    for kind in sorted(kinds - listed):
        found.append(f"{kind} has no row in reasons.tsv")
    for kind in sorted(listed - kinds):
        found.append(f"{kind} is listed as an alert but is no AlertKind")
    return found


def main(argv):
    if len(argv) < 2:
        print("usage: check_reasons.py ROOT [--write]", file=sys.stderr)
        return 2
    root = pathlib.Path(argv[1])
    docs = root / "docs/protocol.md"
    try:
        rows = read_list(root / "proto/gadehold/v1/reasons.tsv")
        doc = docs.read_text(encoding="utf-8")
        wanted = render(doc, tables(rows))
    except (OSError, ValueError) as e:
        print(f"check_reasons: {e}", file=sys.stderr)
        return 1
    if "--write" in argv[2:]:
        docs.write_text(wanted, encoding="utf-8")
    elif wanted != doc:
        print("check_reasons: docs/protocol.md's reason tables differ from reasons.tsv; "
              "run tests/build/check_reasons.py . --write", file=sys.stderr)
        return 1
    found = problems(root, rows)
    for p in found:
        print(f"check_reasons: {p}", file=sys.stderr)
    errors = sum(1 for r in rows if r[1] not in NOT_ERRORS)
    kinds = sum(1 for r in rows if r[1] == "ALERT")
    print(f"check_reasons: {errors} reasons, {kinds} alert kinds, {len(rows) - errors - kinds} resolutions, "
          f"{len(found)} problems")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
