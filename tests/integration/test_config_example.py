"""deploy/gadehold.conf.example names every key of `gadehold serve`, with its default.

The keys and defaults come from the binary's own `serve --help`, so a key added to the
binary without a line in the example, or a default changed on one side only, fails
here. The example must also really parse: a copy (db, listen and metrics-listen pointed
at a temporary folder and free ports) starts a server that answers /healthz. A config file with an
unknown key must stop `serve` with exit code 2 and one line naming the key.

Convention of the example file, checked line by line:
  `# text` or `#`      a comment (a `#` followed by a space, or alone);
  `key = value`        a key set to a value, which must not be empty;
  `#key =`             a key left unset: only for keys without a default value;
  blank line.
Anything else is an error, and each key line follows a comment line that says what
the key does.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from gadehold_harness import Server, parse_args  # noqa: E402

ARGS, REST = parse_args()

EXAMPLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "deploy",
                       "gadehold.conf.example")
# Options of `serve --help` that are not config keys.
NOT_KEYS = {"config", "help"}
# The production layout sets these to other values than the binary's defaults; the
# comment above each must still name the default.
PRODUCTION = {"db": "/var/lib/gadehold/gadehold.db", "behind-proxy": "true"}

TRUE_WORDS = {"true", "yes", "on", "1"}
FALSE_WORDS = {"false", "no", "off", "0"}

HELP_OPTION = re.compile(
    r"^  (?:-\w \[ )?--(?P<key>[a-z0-9][a-z0-9-]*)(?: \])?"
    r"(?P<arg> arg)?(?: \(=(?P<default>[^)]*)\))?(?:\s|$)")
KEY = r"[a-z0-9][a-z0-9-]*"
SET_LINE = re.compile(rf"^(?P<key>{KEY}) = (?P<value>[^#\s](?:[^#]*[^#\s])?)$")
UNSET_LINE = re.compile(rf"^#(?P<key>{KEY}) =$")
COMMENT_LINE = re.compile(r"^#(?: .*)?$")


class HelpOption:
    def __init__(self, takes_arg, default):
        self.takes_arg = takes_arg  # False: a switch (bool_switch), default false
        self.default = default      # None when --help shows none


def serve_help_options(binary):
    """{key: HelpOption} from `gadehold serve --help`."""
    out = subprocess.run([binary, "serve", "--help"], capture_output=True, text=True,
                         timeout=30)
    if out.returncode != 0:
        raise AssertionError(f"serve --help exited {out.returncode}: {out.stderr}")
    options = {}
    for line in out.stdout.splitlines():
        match = HELP_OPTION.match(line)
        if not match:
            continue
        key = match.group("key")
        if key in options:
            raise AssertionError(f"serve --help lists --{key} twice")
        takes_arg = match.group("arg") is not None
        default = match.group("default")
        if not takes_arg:
            default = "false"
        options[key] = HelpOption(takes_arg, default)
    if len(options) < 10:
        raise AssertionError("could not read the options of serve --help:\n" + out.stdout)
    return {k: v for k, v in options.items() if k not in NOT_KEYS}


class ExampleLine:
    def __init__(self, number, key, value, is_set, comment_above):
        self.number, self.key, self.value, self.is_set = number, key, value, is_set
        self.comment_above = comment_above  # the comment lines right above, joined


def read_example(path):
    """Returns ([ExampleLine], [error]) following the convention in the docstring."""
    entries, errors = [], []
    comment_block = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f.read().split("\n"), start=1):
            set_match, unset_match = SET_LINE.match(line), UNSET_LINE.match(line)
            if set_match or unset_match:
                match = set_match or unset_match
                if not comment_block:
                    errors.append(f"line {number}: key {match.group('key')} has no "
                                  "comment line above it saying what it does")
                entries.append(ExampleLine(
                    number, match.group("key"), set_match.group("value") if set_match else "",
                    bool(set_match), " ".join(comment_block)))
                comment_block = []
            elif COMMENT_LINE.match(line):
                comment_block.append(line[2:])
            elif line == "":
                comment_block = []
            else:
                errors.append(f"line {number}: {line!r} is neither `# comment`, "
                              "`key = value` nor `#key =`")
                comment_block = []
    return entries, errors


def same_value(a, b):
    if a.lower() in TRUE_WORDS | FALSE_WORDS and b.lower() in TRUE_WORDS | FALSE_WORDS:
        return (a.lower() in TRUE_WORDS) == (b.lower() in TRUE_WORDS)
    return a == b


def replace_setting(text, key, value):
    """The example's text with `key = value` in place of its line for `key`."""
    new, count = re.subn(rf"^{re.escape(key)} = .*$", f"{key} = {value}", text, flags=re.M)
    if count != 1:
        raise AssertionError(f"the example has {count} `{key} = ` lines, expected 1")
    return new


class ConfigServer(Server):
    """`gadehold init`, then `gadehold serve --config FILE` and nothing else."""

    def __init__(self, binary, config, directory, db):
        self.binary, self.dir, self.db = binary, directory, db
        self.init_output = subprocess.run([binary, "init", "--db", db], check=True,
                                          capture_output=True, text=True).stdout
        self.serve_args = [binary, "serve", "--config", config]
        self.drain_stderr = False
        self.stderr_lines = []
        self.start()


class ConfigExampleTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.options = serve_help_options(ARGS.binary)
        cls.entries, cls.format_errors = read_example(EXAMPLE)

    def test_example_follows_the_line_convention(self):
        self.assertEqual(self.format_errors, [])

    def test_example_names_every_key_once_and_no_other(self):
        named = [e.key for e in self.entries]
        twice = sorted({k for k in named if named.count(k) > 1})
        missing = sorted(set(self.options) - set(named))
        unknown = sorted(set(named) - set(self.options))
        self.assertEqual(twice, [], "keys named more than once in the example")
        self.assertEqual(missing, [], "keys serve accepts that the example does not name")
        self.assertEqual(unknown, [], "keys in the example that serve does not accept")

    def test_example_values_are_the_defaults_or_the_production_values(self):
        wrong = []
        for e in self.entries:
            option = self.options.get(e.key)
            if option is None:
                continue  # reported by the test above
            default = option.default
            if e.key in PRODUCTION:
                if not e.is_set or e.value != PRODUCTION[e.key]:
                    wrong.append(f"line {e.number}: {e.key} should be set to the production "
                                 f"value {PRODUCTION[e.key]!r}, is {e.value!r}")
                if default is None or default == "" or default not in e.comment_above:
                    wrong.append(f"line {e.number}: the comment above {e.key} should name "
                                 f"its built-in default {default!r}")
            elif default is None or default == "":
                if e.is_set:
                    wrong.append(f"line {e.number}: {e.key} has no default value; write it "
                                 f"as `#{e.key} =`")
            elif not e.is_set:
                wrong.append(f"line {e.number}: {e.key} has the default {default!r}; write "
                             f"`{e.key} = {default}`")
            elif not same_value(e.value, default):
                wrong.append(f"line {e.number}: {e.key} = {e.value}, but the binary's "
                             f"default is {default!r}")
        self.assertEqual(wrong, [])

    def test_production_overrides_are_options_of_serve(self):
        # A key dropped from the binary must be dropped from PRODUCTION too.
        self.assertEqual(sorted(set(PRODUCTION) - set(self.options)), [])

    def _config_copy(self, directory):
        """The example with db in `directory` and a free port; returns (path, db)."""
        with open(EXAMPLE, encoding="utf-8") as f:
            text = f.read()
        db = os.path.join(directory, "gadehold.db")
        text = replace_setting(text, "db", db)
        text = replace_setting(text, "listen", "127.0.0.1:0")
        text = replace_setting(text, "metrics-listen", "127.0.0.1:0")  # tests run side by side
        path = os.path.join(directory, "gadehold.conf")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path, db

    def test_serve_runs_on_the_example(self):
        directory = tempfile.mkdtemp(prefix="gadehold-conf-")
        config, db = self._config_copy(directory)
        try:
            server = ConfigServer(ARGS.binary, config, directory, db)
        except Exception:
            shutil.rmtree(directory, ignore_errors=True)
            raise
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/healthz",
                                        timeout=10) as response:
                self.assertEqual(response.status, 200)
        finally:
            code = server.stop()
            server.proc.stderr.close()
        self.assertEqual(code, 0, "".join(server.stderr_lines))

    def test_unknown_key_stops_serve_with_one_line_naming_it(self):
        # Not the example: this is about the binary, whatever the example holds.
        directory = tempfile.mkdtemp(prefix="gadehold-conf-")
        try:
            db = os.path.join(directory, "gadehold.db")
            config = os.path.join(directory, "gadehold.conf")
            with open(config, "w", encoding="utf-8") as f:
                f.write(f"db = {db}\nlisten = 127.0.0.1:0\nbehind-proxi = true\n")
            subprocess.run([ARGS.binary, "init", "--db", db], check=True, capture_output=True)
            try:
                run = subprocess.run([ARGS.binary, "serve", "--config", config],
                                     capture_output=True, text=True, timeout=20)
            except subprocess.TimeoutExpired:
                self.fail("serve started with an unknown key in its config file")
            lines = run.stderr.splitlines()
            self.assertEqual(run.returncode, 2, run.stderr)
            self.assertEqual(len(lines), 1, run.stderr)
            self.assertRegex(lines[0], r"\bbehind-proxi\b")
            print(f"unknown key: exit {run.returncode}: {lines[0]}", file=sys.stderr)
        finally:
            shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], *REST], verbosity=2)
