"""The examples of the binary's output in README.md and docs/*.md match the real binary.

- Every /healthz answer shown (a JSON object with "status" and "schema_version") has
  exactly the keys of a live /healthz answer (the app port's public one or the metrics
  listener's full one), and each value it shows equals the live one, except the placeholders "…" and N; the live schema_version is the newest
  migration in schema/. "`PRAGMA user_version`; N in gadehold V" in docs/operations.md
  and each `gadehold V (REVISION)` name this binary's schema version and version.
- The metrics table of docs/operations.md ("Monitoring with Prometheus") names exactly
  the metric families that /metrics (on the metrics listener) serves, each with its type
  and its labels.
- The README's list of commands ("The binary") is the one of `gadehold --help`, and every
  `--option` written after `gadehold COMMAND` in README.md and docs/*.md is an option of
  that command's --help.

Tested elsewhere, so not here: the config example's keys and defaults
(test_config_example.py), the format of --version (test_operations.py).
"""
import glob
import http.client
import json
import os
import re
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from gadehold_harness import Server, parse_args  # noqa: E402

ARGS, REST = parse_args()
BINARY = ARGS.binary
SOURCE = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
DOCS = [os.path.join(SOURCE, "README.md")] + sorted(glob.glob(os.path.join(SOURCE, "docs", "*.md")))
PLACEHOLDERS = {'"…"', "N"}


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def where(path, text, offset):
    return f"{os.path.relpath(path, SOURCE)}:{text.count(chr(10), 0, offset) + 1}"


def run(*args):
    r = subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=30)
    if r.returncode != 0:
        raise AssertionError(f"gadehold {' '.join(args)} exited {r.returncode}: {r.stderr}")
    return r.stdout


def binary_version():
    return re.match(r"gadehold (\d+\.\d+\.\d+) ", run("--version")).group(1)


def newest_migration():
    names = [os.path.basename(p) for p in glob.glob(os.path.join(SOURCE, "schema", "*.sql"))]
    return max(int(re.match(r"(\d{4})_", n).group(1)) for n in names)


def stop(server):
    code = server.stop()
    server.proc.stderr.close()
    if code != 0:
        raise AssertionError(f"serve exited {code}: " + "".join(server.stderr_lines))


def http_get(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        res = conn.getresponse()
        return res.status, res.read().decode("utf-8")
    finally:
        conn.close()


# ---- /healthz ----

JSON_OBJECT = re.compile(r"\{[^{}`]*\}")
PAIR = re.compile(r'\s*"(?P<key>[a-z_]+)"\s*:\s*(?P<value>"[^"]*"|[^,"]+?)\s*(?:,|$)')


def documented_healthz():
    """[(where, text, {key: value as written} or None)] for each /healthz answer shown in
    the docs; None when it is not written out whole."""
    found = []
    for path in DOCS:
        text = read(path)
        for m in JSON_OBJECT.finditer(text):
            body = m.group(0)[1:-1]
            if '"status"' not in body or '"schema_version"' not in body:
                continue
            pairs, at = {}, 0
            while pairs is not None and at < len(body):
                p = PAIR.match(body, at)
                if p is None:
                    pairs = None
                else:
                    pairs[p.group("key")] = p.group("value")
                    at = p.end()
            found.append((where(path, text, m.start()), m.group(0), pairs))
    return found


class HealthzTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        server = Server(BINARY)
        try:
            status, body = http_get(server.port, "/healthz")
            full_status, full_body = http_get(server.metrics_port, "/healthz")
        finally:
            stop(server)
        assert status == 200, body
        assert full_status == 200, full_body
        # The app port's answer, and the full one of the metrics listener.
        cls.live = json.loads(body)
        cls.live_full = json.loads(full_body)

    def test_the_live_schema_version_is_the_newest_migration(self):
        self.assertEqual(self.live["schema_version"], newest_migration())
        self.assertEqual(self.live_full["schema_version"], newest_migration())

    def test_every_healthz_example_has_the_live_keys_and_values(self):
        examples = documented_healthz()
        self.assertIn("README.md", {w.split(":")[0] for w, _, _ in examples}, "the README shows no /healthz answer")
        for place, written_out, pairs in examples:
            with self.subTest(place):
                self.assertIsNotNone(pairs, "not a whole /healthz answer (write every key, with … or N for a "
                                            "value that varies): " + written_out)
                # Either the public answer or the metrics listener's full one, exactly.
                live = self.live if sorted(pairs) == sorted(self.live) else self.live_full
                self.assertEqual(sorted(pairs), sorted(live), "keys differ from both live /healthz answers")
                for key, written in pairs.items():
                    if written not in PLACEHOLDERS:
                        self.assertEqual(json.loads(written), live[key], f"{key} differs from the live /healthz")

    def test_the_schema_version_and_version_named_in_the_docs_are_the_binary_s(self):
        version = binary_version()
        text = read(os.path.join(SOURCE, "docs", "operations.md"))
        m = re.search(r"`PRAGMA user_version`; (\d+) in gadehold (\d+\.\d+\.\d+)\)", text)
        self.assertIsNotNone(m, "docs/operations.md no longer names the schema version of this release")
        self.assertEqual((int(m.group(1)), m.group(2)), (newest_migration(), version))
        named = 0
        for path in DOCS:
            for v in re.findall(r"`gadehold (\d+\.\d+\.\d+) \(REVISION\)`", read(path)):
                named += 1
                self.assertEqual(v, version, path)
        self.assertGreater(named, 0, "no `gadehold X.Y.Z (REVISION)` in the docs")


# ---- /metrics ----

def documented_metrics():
    """{name: (type, {labels})} from the metrics table of docs/operations.md."""
    text = read(os.path.join(SOURCE, "docs", "operations.md"))
    section = text.split("\n## Monitoring with Prometheus\n", 1)[1].split("\n## ", 1)[0]
    table = {}
    for m in re.finditer(r"^\| `(gadehold_[a-z_]+)(?:\{([a-z_,]*)\})?` \| ([a-z]+)[^|]* \|", section, re.M):
        name, labels, kind = m.group(1), m.group(2), m.group(3)
        if name in table:
            raise AssertionError(f"docs/operations.md lists {name} twice")
        table[name] = (kind, set(labels.split(",")) if labels else set())
    if not table:
        raise AssertionError("no metrics table in docs/operations.md")
    return table


def live_metrics(port):
    """{name: (type, {labels seen on its samples, le excepted})} from /metrics."""
    status, body = http_get(port, "/metrics")
    assert status == 200, body
    families = {}
    for line in body.splitlines():
        m = re.match(r"# TYPE (\S+) (\S+)$", line)
        if m:
            families[m.group(1)] = (m.group(2), set())
    for line in body.splitlines():
        m = re.match(r"([a-z_]+)(?:\{(.*)\})? \S+$", line)
        if not m:
            continue
        name = m.group(1)
        if name not in families:
            name = re.sub(r"_(bucket|sum|count)$", "", name)
        labels = {kv.split("=", 1)[0] for kv in m.group(2).split(",")} if m.group(2) else set()
        families[name][1].update(labels - {"le"})
    return families


async def refused_hello(port):
    """One Hello with an unknown token: samples for the labelled counters of messages and errors."""
    import websockets  # Debian's python3-websockets
    from gadehold.v1 import envelope_pb2

    msg = envelope_pb2.ClientMessage(request_id=1)
    msg.hello.protocol_version = 1
    msg.hello.device_token = "not-a-token"
    async with websockets.connect(f"ws://127.0.0.1:{port}/v1/ws") as ws:
        await ws.send(msg.SerializeToString())
        reply = envelope_pb2.ServerMessage()
        reply.ParseFromString(await ws.recv())
        assert reply.WhichOneof("body") == "error", reply


class MetricsTest(unittest.TestCase):
    def test_the_metrics_table_names_what_metrics_serves(self):
        import asyncio

        server = Server(BINARY)
        try:
            asyncio.run(refused_hello(server.port))
            live = live_metrics(server.metrics_port)
        finally:
            stop(server)
        documented = documented_metrics()
        with self.subTest("in docs/operations.md, not served by /metrics"):
            self.assertEqual(sorted(set(documented) - set(live)), [])
        with self.subTest("served by /metrics, not in docs/operations.md"):
            self.assertEqual(sorted(set(live) - set(documented)), [])
        for name, (kind, labels) in documented.items():
            if name not in live:
                continue
            with self.subTest(name):
                self.assertEqual(kind, live[name][0], "type")
                # A labelled family with no sample yet (the push counters before the first
                # push) shows no labels to compare.
                if live[name][1] or not labels:
                    self.assertEqual(labels, live[name][1], "labels")


# ---- commands and options ----

def help_commands():
    text = run("--help")
    return set(re.findall(r"^  ([a-z]+)  ", text.split("commands:", 1)[1], re.M))


def help_options(command):
    return set(re.findall(r"^  (?:-\w \[ )?--([a-z0-9-]+)", run(*command.split(), "--help"), re.M)) - {"help"}


def documented_invocations(commands):
    """[(where, "command [sub]", [options])]: each `gadehold COMMAND ...` of the docs, with
    the lines that continue it (after a trailing backslash, or indented in a code block)."""
    pattern = re.compile(r"(?<![\w-])gadehold (?P<command>%s)\b(?: (?P<sub>export|merge)\b)?"
                         % "|".join(sorted(commands)))
    found = []
    for path in DOCS:
        text = read(path)
        lines = text.split("\n")
        in_code = False
        offset = 0
        for i, line in enumerate(lines):
            start = offset
            offset += len(line) + 1
            if line.startswith("```"):
                in_code = not in_code
                continue
            for m in pattern.finditer(line):
                rest = line[m.end():]
                if not in_code:
                    rest = rest.split("`", 1)[0]  # a code span ends at its backtick
                j = i
                while j + 1 < len(lines) and in_code and (
                        rest.rstrip().endswith("\\") or lines[j + 1].startswith(" ")):
                    j += 1
                    rest += " " + lines[j]
                command = m.group("command") + (f" {m.group('sub')}" if m.group("sub") else "")
                found.append((where(path, text, start), command, re.findall(r"(?<![\w-])--([a-z0-9-]+)", rest)))
    return found


class CommandsTest(unittest.TestCase):
    def test_the_readme_lists_the_commands_of_help(self):
        text = read(os.path.join(SOURCE, "README.md"))
        block = text.split("\n## The binary\n", 1)[1].split("```", 2)[1]
        listed = set(re.findall(r"^gadehold ([a-z]+)", block, re.M))
        self.assertEqual(listed, help_commands())
        self.assertIn("\ngadehold --version\n", block)
        binary_version()  # and it answers

    def test_every_option_in_the_docs_is_an_option_of_its_command(self):
        commands = help_commands()
        options = {}
        checked = 0
        for place, command, written in documented_invocations(commands):
            if command not in options:
                try:
                    options[command] = help_options(command)
                except AssertionError as e:
                    options[command] = set()
                    with self.subTest(f"gadehold {command} --help"):
                        raise e
            for option in written:
                checked += 1
                with self.subTest(f"{place}: gadehold {command} --{option}"):
                    self.assertIn(option, options[command])
        self.assertGreater(checked, 50, "found too few options in the docs: is the parser broken?")


if __name__ == "__main__":
    unittest.main(module="__main__", argv=[sys.argv[0], *REST])
