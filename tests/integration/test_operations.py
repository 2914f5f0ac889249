"""What an operator relies on: SIGHUP reopens the log file and reloads the reloadable
keys, JSON log lines, journald priorities, nightly backups with rotation, the alert
gauges that page someone when an SOS goes unanswered, and --version.

Real processes throughout: `gadehold serve` with a config file and a log file, SIGHUP
sent with os.kill, backups of a real database.
"""
import asyncio
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import unittest

import hostile_support as hs

E, P = hs.E, hs.P
BINARY = hs.ARGS.binary


def wait_for(predicate, timeout=10.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def read(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except FileNotFoundError:
        return ""


class ConfiguredServer:
    """`gadehold serve --config FILE` whose log goes to a file (or to stderr in a file)."""

    def __init__(self, config_lines, env=None, stderr_file=None, log_file=False):
        self.log_file = log_file
        self.dir = tempfile.mkdtemp(prefix="gadehold-ops-")
        self.db = os.path.join(self.dir, "gadehold.db")
        self.log = os.path.join(self.dir, "gadehold.log")
        self.conf = os.path.join(self.dir, "gadehold.conf")
        subprocess.run([BINARY, "init", "--db", self.db], check=True, capture_output=True)
        self.write_config(config_lines)
        self.stderr_path = stderr_file or os.path.join(self.dir, "stderr")
        self.stderr = open(self.stderr_path, "ab")
        self.proc = subprocess.Popen([BINARY, "serve", "--config", self.conf], stdout=subprocess.DEVNULL,
                                     stderr=self.stderr, env=env)
        self.port = None

    def write_config(self, lines):
        base = [f"db = {self.db}", "listen = 127.0.0.1:0", "metrics-listen = 127.0.0.1:0"] + (
            [f"log-file = {self.log}"] if self.log_file else [])
        with open(self.conf + ".new", "w") as f:
            f.write("\n".join(base + list(lines)) + "\n")
        os.replace(self.conf + ".new", self.conf)

    def find_port(self, source):
        m = wait_for(lambda: re.search(r"listening on 127\.0\.0\.1:(\d+)", read(source)), what="listening")
        self.port = int(m.group(1))
        return self.port

    def hup(self):
        os.kill(self.proc.pid, signal.SIGHUP)

    def connect_once(self):
        """Opens and closes a WebSocket: the server logs the connection at info level."""
        ws = hs.RawWs(self.port).open()
        ws.close()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.stderr.close()
        shutil.rmtree(self.dir, ignore_errors=True)
        return self.proc.returncode


class ReloadTest(unittest.TestCase):
    def setUp(self):
        self.server = None

    def tearDown(self):
        if self.server is not None:
            code = self.server.stop()
            self.assertEqual(code, 0, "serve did not exit cleanly")

    def start(self, lines, **kw):
        self.server = ConfiguredServer(lines, **kw)
        return self.server

    def test_sighup_reopens_the_log_file_after_rotation(self):
        s = self.start([], log_file=True)
        s.find_port(s.log)
        self.assertNotIn("listening on", read(s.stderr_path), "logged to stderr as well")
        s.connect_once()
        wait_for(lambda: "opened" in read(s.log), what="a connection logged")
        os.rename(s.log, s.log + ".1")  # what logrotate does
        s.connect_once()
        wait_for(lambda: read(s.log + ".1").count("opened") == 2, what="the moved file written until SIGHUP")
        s.hup()
        wait_for(lambda: "reloaded:" in read(s.log), what="a fresh log file")
        s.connect_once()
        wait_for(lambda: "opened" in read(s.log), what="new lines in the fresh file")
        self.assertEqual(read(s.log + ".1").count("opened"), 2, "a line went to the rotated file after SIGHUP")
        self.assertNotIn("reloaded:", read(s.log + ".1"))

    def test_sighup_applies_log_level_and_json_and_names_keys_that_need_a_restart(self):
        s = self.start([], log_file=True)
        s.find_port(s.log)
        text_line = read(s.log).splitlines()[0]
        self.assertRegex(text_line, r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d info gadehold ")

        # warn: connections (info) are no longer logged.
        s.write_config(["log-level = warn"])
        s.hup()
        time.sleep(0.5)
        before = read(s.log)
        s.connect_once()
        time.sleep(0.5)
        self.assertEqual(read(s.log), before, "an info line was logged at level warn")

        # JSON lines, info again, and two keys that only a restart applies.
        s.write_config(["log-json = true", "rate-limit-per-s = 5", "threads = 1"])
        s.hup()
        wait_for(lambda: "wait for a restart" in read(s.log), what="the reload summary")
        new = read(s.log)[len(before):].splitlines()
        records = [json.loads(line) for line in new]  # every line is one JSON object
        self.assertTrue(all(set(r) == {"ts", "level", "msg"} for r in records), records)
        self.assertTrue(all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", r["ts"]) for r in records))
        restart = sorted(r["msg"] for r in records if r["level"] == "warning")
        self.assertEqual(restart, ["reload: rate-limit-per-s changed; it takes effect after a restart",
                                   "reload: threads changed; it takes effect after a restart"])
        self.assertIn({"level": "info", "msg": "reload: log-json changed"},
                      [{k: r[k] for k in ("level", "msg")} for r in records])
        self.assertIn("reloaded: 2 keys applied, 2 wait for a restart", [r["msg"] for r in records])
        status, _ = hs.http_get(s.port, "/healthz")
        self.assertEqual(status, 200)

    def test_a_bad_config_on_reload_keeps_the_running_one(self):
        s = self.start([])
        s.find_port(s.stderr_path)
        s.write_config(["no-such-key = 1"])
        s.hup()
        wait_for(lambda: "reload failed; the running configuration stays" in read(s.stderr_path), what="the error")
        self.assertIn("no-such-key", read(s.stderr_path))
        s.write_config(["geohash-precision = 99"])
        s.hup()
        wait_for(lambda: read(s.stderr_path).count("reload failed") == 2, what="the second error")
        self.assertIn("--geohash-precision: 99 is out of range 4..8", read(s.stderr_path))
        status, _ = hs.http_get(s.port, "/healthz")
        self.assertEqual(status, 200)
        s.connect_once()
        wait_for(lambda: "opened" in read(s.stderr_path), what="info lines still logged")

    def test_sighup_loads_a_renewed_certificate_for_new_connections(self):
        certs = tempfile.mkdtemp(prefix="gadehold-certs-")
        try:
            old_dir, new_dir = os.path.join(certs, "old"), os.path.join(certs, "new")
            os.makedirs(old_dir)
            os.makedirs(new_dir)
            cert, key, _ = hs.self_signed_cert(old_dir)
            new_cert, new_key, _ = hs.self_signed_cert(new_dir)
            s = self.start([f"tls-cert = {cert}", f"tls-key = {key}"])
            s.find_port(s.stderr_path)

            def served_certificate():
                ctx = ssl.create_default_context()
                ctx.check_hostname = False
                ctx.verify_mode = ssl.CERT_NONE
                with socket.create_connection(("127.0.0.1", s.port), timeout=5) as raw:
                    with ctx.wrap_socket(raw) as tls:
                        return tls.getpeercert(binary_form=True)

            def der(path):
                with open(path) as f:
                    return ssl.PEM_cert_to_DER_cert(f.read())

            old = der(cert)
            self.assertEqual(served_certificate(), old)
            # A certificate that does not load keeps the one in use.
            with open(cert, "w") as f:
                f.write("not a certificate\n")
            s.hup()
            wait_for(lambda: "the certificate in use stays" in read(s.stderr_path), what="the refusal")
            self.assertEqual(served_certificate(), old)
            # certbot renews in place: same paths, new files.
            shutil.copy(new_cert, cert)
            shutil.copy(new_key, key)
            s.hup()
            wait_for(lambda: "reload: TLS certificate loaded" in read(s.stderr_path), what="the renewed certificate")
            self.assertEqual(served_certificate(), der(new_cert))
        finally:
            shutil.rmtree(certs, ignore_errors=True)

    def test_journald_gets_priorities_and_no_timestamps(self):
        directory = tempfile.mkdtemp(prefix="gadehold-journal-")
        try:
            stderr_file = os.path.join(directory, "journal")
            open(stderr_file, "w").close()
            st = os.stat(stderr_file)
            env = dict(os.environ, JOURNAL_STREAM=f"{st.st_dev}:{st.st_ino}")
            s = self.start([], env=env, stderr_file=stderr_file)
            s.find_port(stderr_file)
            lines = read(stderr_file).splitlines()
            self.assertTrue(lines)
            self.assertTrue(all(re.match(r"<[2-7]>\S", line) for line in lines), lines[:3])
            self.assertIn("<6>listening on 127.0.0.1:", read(stderr_file))
        finally:
            if self.server is not None:
                self.assertEqual(self.server.stop(), 0)
                self.server = None
            shutil.rmtree(directory, ignore_errors=True)


class DrainTest(unittest.TestCase):
    def test_healthz_answers_503_draining_while_the_server_shuts_down(self):
        server = hs.Server(BINARY, drain_stderr=True)
        try:
            http = socket.create_connection(("127.0.0.1", server.port), timeout=5)
            request = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"

            def ask():
                http.sendall(request)
                head = b""
                while b"\r\n\r\n" not in head:
                    chunk = http.recv(4096)
                    self.assertTrue(chunk, "the server closed the keep-alive connection")
                    head += chunk
                header, _, body = head.partition(b"\r\n\r\n")
                length = int(re.search(rb"(?i)content-length: (\d+)", header).group(1))
                while len(body) < length:
                    body += http.recv(4096)
                return int(header.split()[1]), json.loads(body)

            self.assertEqual(ask()[0], 200)
            # A WebSocket that never answers the close frame keeps the drain going.
            lingering = hs.RawWs(server.port).open()
            # The server registers it just after its 101: wait until the full /healthz, on
            # the metrics listener, counts it.
            wait_for(lambda: json.loads(hs.http_get(server.metrics_port, "/healthz")[1])["connections"] == 1,
                     what="the WebSocket registered")
            server.proc.send_signal(signal.SIGTERM)
            time.sleep(0.5)
            status, body = ask()
            self.assertEqual((status, body["status"]), (503, "draining"))
            lingering.close()
            http.close()
            self.assertEqual(server.proc.wait(15), 0)
        finally:
            server.stop()


class BackupRotationTest(unittest.TestCase):
    def test_out_dir_keeps_the_newest_n_and_leaves_other_files(self):
        directory = tempfile.mkdtemp(prefix="gadehold-backups-")
        try:
            db = os.path.join(directory, "gadehold.db")
            out = os.path.join(directory, "backups")
            subprocess.run([BINARY, "init", "--db", db], check=True, capture_output=True)
            os.makedirs(out)
            keep_me = os.path.join(out, "notes.txt")
            old_style = os.path.join(out, "gadehold-2020-01-01.db")
            for path in (keep_me, old_style):
                open(path, "w").close()
            made = []
            for _ in range(4):
                r = subprocess.run([BINARY, "backup", "--db", db, "--out-dir", out, "--keep", "2"],
                                   capture_output=True, text=True)
                self.assertEqual(r.returncode, 0, r.stderr)
                made.append(re.search(r"backup written to (\S+)", r.stdout).group(1))
            names = sorted(os.listdir(out))
            self.assertEqual(names, sorted(["notes.txt", "gadehold-2020-01-01.db"] +
                                           [os.path.basename(p) for p in made[-2:]]))
            for name in names:
                if name.startswith("gadehold-2") and name != "gadehold-2020-01-01.db":
                    self.assertRegex(name, r"^gadehold-\d{8}T\d{6}Z(-\d+)?\.db$")
            r = subprocess.run([BINARY, "check", "--db", os.path.join(out, os.path.basename(made[-1]))],
                               capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            for args, message in (
                    (["--keep", "2", "--out", os.path.join(directory, "one.db")], "--keep: only with --out-dir"),
                    ([], "give either --out FILE or --out-dir DIR"),
                    (["--out", "a.db", "--out-dir", out], "give either --out FILE or --out-dir DIR")):
                r = subprocess.run([BINARY, "backup", "--db", db] + args, capture_output=True, text=True)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn(message, r.stderr)
                self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
        finally:
            shutil.rmtree(directory, ignore_errors=True)


class AlertGaugeTest(unittest.TestCase):
    def test_an_unacknowledged_sos_shows_in_the_gauges_until_a_lead_acknowledges(self):
        prog = hs.Programme(drain_stderr=True)
        try:
            def gauge(name):
                return hs.metric(prog.metrics_port, f'{name}{{kind="sos"}}')

            self.assertEqual(gauge("gadehold_alerts_unacknowledged"), 0)
            lead = prog.raw("lead")
            volunteer = prog.raw("witness")
            reply = volunteer.call(E.ClientMessage(raise_sos=P.RaiseSos(
                client_id=hs.new_client_id(), patrol_id=prog.patrols["witness"])))
            self.assertEqual(reply.WhichOneof("body"), "ack", reply)
            alert_id = reply.ack.id
            wait_for(lambda: gauge("gadehold_alerts_unacknowledged") == 1, what="the SOS counted")
            wait_for(lambda: gauge("gadehold_alert_oldest_unacknowledged_seconds") >= 2, what="its age",
                     timeout=15)
            reply = lead.call(E.ClientMessage(acknowledge_alert=P.AcknowledgeAlert(alert_id=alert_id)))
            self.assertEqual(reply.WhichOneof("body"), "ack", reply)
            wait_for(lambda: gauge("gadehold_alerts_unacknowledged") == 0, what="the SOS acknowledged")
            self.assertEqual(gauge("gadehold_alert_oldest_unacknowledged_seconds"), 0)
            lead.close()
            volunteer.close()
        finally:
            self.assertEqual(prog.stop(), 0)


class VersionTest(unittest.TestCase):
    def test_version_names_the_git_revision_of_the_build(self):
        r = subprocess.run([BINARY, "--version"], capture_output=True, text=True, check=True)
        m = re.fullmatch(r"gadehold (\d+\.\d+\.\d+) \(([0-9a-f]{12}(-dirty)?|unknown)\)\n"
                         r"allocator: (jemalloc \d+\.\d+\.\d+\S*|system malloc)\n", r.stdout)
        self.assertIsNotNone(m, r.stdout)
        source = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
        with open(os.path.join(source, "CMakeLists.txt")) as f:
            self.assertIn(f"project(gadehold VERSION {m.group(1)} ", f.read())
        head = subprocess.run(["git", "-C", source, "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True)
        if head.returncode != 0:
            self.skipTest("not a git checkout")
        self.assertEqual(m.group(2).removesuffix("-dirty"), head.stdout.strip())
        r = subprocess.run([BINARY, "serve", "--listen", "127.0.0.1:0", "--db", "/nonexistent/x.db"],
                           capture_output=True, text=True, timeout=10)
        self.assertIn(f"gadehold {m.group(1)} ({m.group(2)}) starting", r.stderr)


if __name__ == "__main__":
    hs.main()
