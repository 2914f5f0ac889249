"""deploy/nginx/gadehold.conf in front of the real server, in a real nginx (Debian's package).

The test changes only what cannot work here: the server name, the certificate paths (a
self-signed certificate made now), the listen ports (free ports on 127.0.0.1), the log
and webroot folders, and the upstream port. Everything else is the file as shipped.
Through it: the WebSocket programme over wss://, the per-address limit on failed logins
seeing each client's own address (and not a forged X-Forwarded-For), the public /healthz,
/metrics never (the server serves it only on its metrics listener), the dashboard with the server's security headers, the http server
(ACME challenges, redirect), the TLS settings, the size limits, and that the calendar
feed's secret path reaches no log.

Skipped only when nginx is not installed (deploy/install-deps.sh installs it).
Nothing here prints tokens, invite codes, note text or coordinates.
"""
import asyncio
import gzip
import http.client
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import hostile_support  # noqa: E402  (parses --binary/--proto-py; puts tests/python on the path)
from hostile_support import ARGS, E, check_in, new_client_id, now_ms, self_signed_cert  # noqa: E402
from gadehold_harness import Connection, Server  # noqa: E402

import websockets  # noqa: E402  (Debian python3-websockets)
from gadehold.v1 import envelope_pb2, identity_pb2, patrol_pb2, session_pb2, shift_pb2  # noqa: E402

SITE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "deploy", "nginx", "gadehold.conf")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
NAME = "localhost"  # the server name the test gives the site (the certificate's CN)
FAILURES_PER_MIN = 3  # --auth-failures-per-ip-per-min: small, so the limit shows quickly
MAX_MESSAGE_BYTES = 65536  # the server's default max-message-bytes
MOZILLA_TLS12_CIPHERS = {
    "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
    "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305"}
REFUSED_MESSAGE = "too many failed authentications; wait a minute"
# The server's headers on every response (the contract of issue 10), passed on by nginx.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
                               "form-action 'self'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "geolocation=(self), camera=(), microphone=()",
}
# The bundle CMake built next to the binary; a build with GADEHOLD_WEB=OFF has none.
WEB_DIST = os.path.join(os.path.dirname(os.path.abspath(ARGS.binary)), "web", "dist")


def free_ports(n):
    """n distinct ports free on 127.0.0.1 now (held open together, so none repeats)."""
    socks = [socket.socket() for _ in range(n)]
    try:
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def site_for_test(text, http_port, https_port, upstream_port, cert, key, logs, webroot):
    """The shipped site with only the machine-specific parts replaced. Each replacement must
    match, so a changed site file fails here instead of being tested half-transformed."""
    text = re.sub(r"(?m)^\s*#.*\n", "", text)  # comments: the install notes name the same paths
    live = "/etc/letsencrypt/live/gadehold.example.org/"
    replacements = [
        (re.escape(live + "fullchain.pem"), cert, 1),
        (re.escape(live + "privkey.pem"), key, 1),
        # The self-signed certificate is its own issuer. OCSP stapling stays on: nginx only
        # warns that it has nothing to staple for it.
        (re.escape(live + "chain.pem"), cert, 1),
        (r"gadehold\.example\.org", NAME, 2),  # both server_name lines
        (r"/var/log/nginx/", logs + "/", None),
        (r"/var/www/letsencrypt", webroot, 1),
        (r"server 127\.0\.0\.1:8080;", f"server 127.0.0.1:{upstream_port};", 1),
        # Loopback only, and ports free now: 80 and 443 need root and may be taken.
        (r"listen 80;", f"listen 127.0.0.1:{http_port};", 1),
        (r"listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;", 1),
        # IPv6 may be missing in a container; the IPv4 listeners reach the same servers.
        (r"(?m)^\s*listen \[::\]:\d+[^;]*;\n", "", 2),
    ]
    for pattern, replacement, count in replacements:
        text, n = re.subn(pattern, lambda _m, r=replacement: r, text)
        if n == 0 or (count is not None and n != count):
            raise AssertionError(f"the site file changed: {pattern!r} matched {n} times, expected {count or 'some'}")
    leftover = re.search(r"example\.org|/etc/letsencrypt|/var/|:8080\b|listen (80|443)\b", text)
    if leftover:
        raise AssertionError(f"the site file has something this test does not replace: {leftover.group(0)!r}")
    return text


def wrapper_conf(tmp, site, logs):
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must read the 0700 temp folder
    return f"""{user}worker_processes 1;
pid {tmp}/nginx.pid;
error_log {logs}/error.log warn;
events {{ worker_connections 128; }}
http {{
    # As Debian's /etc/nginx/nginx.conf has them: the site's own settings must win.
    ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;
    ssl_prefer_server_ciphers on;
    access_log {logs}/access.log;
    client_body_temp_path {tmp}/temp/body;
    proxy_temp_path {tmp}/temp/proxy;
    fastcgi_temp_path {tmp}/temp/fastcgi;
    uwsgi_temp_path {tmp}/temp/uwsgi;
    scgi_temp_path {tmp}/temp/scgi;
    include {site};
}}
"""


def child_pids(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def read(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""


class NginxProxyTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.path.exists(NGINX):
            raise unittest.SkipTest(f"nginx is not installed ({NGINX} is missing); deploy/install-deps.sh installs it")
        cls.tmp = tempfile.mkdtemp(prefix="gadehold-nginx-")
        cls.addClassCleanup(shutil.rmtree, cls.tmp, True)
        cls.logs = os.path.join(cls.tmp, "log")
        cls.webroot = os.path.join(cls.tmp, "webroot")
        for d in (cls.logs, cls.webroot, os.path.join(cls.tmp, "temp")):
            os.makedirs(d)
        cert, key, cls.tls = self_signed_cert(cls.tmp)

        cls.server = Server(ARGS.binary, ["--behind-proxy", "--auth-failures-per-ip-per-min", str(FAILURES_PER_MIN)],
                            drain_stderr=True)
        cls.addClassCleanup(lambda: cls.server.proc.stderr.close())  # runs after stop(): cleanups go last-in first-out
        cls.addClassCleanup(cls.server.stop)

        cls.http_port, cls.https_port = free_ports(2)
        with open(SITE) as f:
            site = site_for_test(f.read(), cls.http_port, cls.https_port, cls.server.port, cert, key, cls.logs,
                                 cls.webroot)
        site_path = os.path.join(cls.tmp, "gadehold.conf")
        with open(site_path, "w") as f:
            f.write(site)
        conf = os.path.join(cls.tmp, "nginx.conf")
        with open(conf, "w") as f:
            f.write(wrapper_conf(cls.tmp, site_path, cls.logs))
        command = [NGINX, "-p", cls.tmp, "-e", os.path.join(cls.logs, "error.log"), "-c", conf]
        checked = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=20)
        if checked.returncode != 0:
            raise AssertionError("nginx -t refused the site:\n" + checked.stderr + checked.stdout)
        cls.nginx_stderr = open(os.path.join(cls.tmp, "nginx.stderr"), "w")
        cls.addClassCleanup(cls.nginx_stderr.close)
        cls.nginx = subprocess.Popen([*command, "-g", "daemon off;"], stdout=subprocess.DEVNULL,
                                     stderr=cls.nginx_stderr)
        cls.addClassCleanup(cls._stop_nginx)
        cls._wait_for_nginx()

        asyncio.run(cls._programme())

    @classmethod
    def _wait_for_nginx(cls):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if cls.nginx.poll() is not None:
                raise AssertionError("nginx exited:\n" + read(os.path.join(cls.logs, "error.log")))
            try:
                socket.create_connection(("127.0.0.1", cls.https_port), timeout=1).close()
                socket.create_connection(("127.0.0.1", cls.http_port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("nginx did not listen within 10 s:\n" + read(os.path.join(cls.logs, "error.log")))

    @classmethod
    def _stop_nginx(cls):
        workers = child_pids(cls.nginx.pid)
        if cls.nginx.poll() is None:
            cls.nginx.send_signal(signal.SIGTERM)  # fast shutdown: the master stops its workers
        try:
            cls.nginx.wait(timeout=10)
        except subprocess.TimeoutExpired:
            cls.nginx.kill()
            cls.nginx.wait()
        for pid in workers:  # only if the master died before it could stop them
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    # ---- WebSocket through nginx ----

    @classmethod
    def connect(cls, source=None, headers=None):
        return websockets.connect(f"wss://127.0.0.1:{cls.https_port}/v1/ws", ssl=cls.tls, compression=None,
                                  open_timeout=5, close_timeout=2, extra_headers=headers,
                                  local_addr=(source, 0) if source else None)

    @staticmethod
    async def _ok(conn, kind, **body):
        reply = await conn.call(**body)
        got = reply.WhichOneof("body")
        if got != kind:
            detail = E.ErrorCode.Name(reply.error.code) if got == "error" else got
            raise AssertionError(f"{list(body)[0]} answered {detail}, not {kind}")
        return getattr(reply, kind)

    @classmethod
    async def _redeem(cls, code, handle):
        async with cls.connect() as ws:
            return await cls._ok(Connection(ws), "welcome", redeem_invite=session_pb2.RedeemInvite(
                invite_code=code, handle=handle, device_name="phone"))

    @classmethod
    async def _programme(cls):
        """A coordinator (the first invite code of `gadehold init`), a team, an area, and one
        volunteer on patrol: all set up through nginx."""
        coordinator = await cls._redeem(cls.server.init_output.strip().splitlines()[-1], "coordinator")
        cls.coordinator_token = coordinator.device_token
        async with cls.connect() as ws:
            c = Connection(ws)
            await cls._ok(c, "welcome", hello=session_pb2.Hello(protocol_version=1, device_token=cls.coordinator_token))
            team = (await cls._ok(c, "ack", create_team=identity_pb2.CreateTeam(name="Harbour"))).id
            cls.area = (await cls._ok(c, "ack", create_area=identity_pb2.CreateArea(
                name="Centre", geohash_prefixes=["u3bu"]))).id
            code = (await cls._ok(c, "invite_created", create_invite=identity_pb2.CreateInvite(
                role=session_pb2.ROLE_VOLUNTEER, team_id=team))).invite_code
        cls.volunteer_token = (await cls._redeem(code, "volunteer")).device_token
        async with cls.connect() as ws:
            c = Connection(ws)
            await cls._ok(c, "welcome", hello=session_pb2.Hello(protocol_version=1, device_token=cls.volunteer_token))
            cls.patrol = (await cls._ok(c, "ack", start_patrol=patrol_pb2.StartPatrol(
                client_id=new_client_id(), area_id=cls.area, started_at_ms=now_ms()))).id

    async def _hello(self, token, source=None, headers=None):
        """One Hello on a fresh connection; returns the reply."""
        async with self.connect(source, headers) as ws:
            return await Connection(ws).call(hello=session_pb2.Hello(protocol_version=1, device_token=token))

    def volunteer_call(self, want, **body):
        """Hello as the volunteer on a fresh connection, then one request; returns its reply."""
        async def run():
            async with self.connect() as ws:
                c = Connection(ws)
                await self._ok(c, "welcome", hello=session_pb2.Hello(protocol_version=1,
                                                                     device_token=self.volunteer_token))
                return await self._ok(c, want, **body)
        return asyncio.run(run())

    def test_check_in_over_wss(self):
        ack = self.volunteer_call("ack", check_in=check_in(self.patrol).check_in)
        self.assertTrue(ack.id.startswith("chk_"), ack.id)
        self.assertFalse(ack.duplicate)

    def test_oversized_message_ends_the_connection(self):
        """nginx passes frames of any size after the upgrade; the server's limit ends the
        connection, with no reply. The code is 1009 when the server's close frame gets
        through and 1006 when it does not (about half the time here): the server closes its
        socket with the rest of the message unread (Beast's teardown reads 2 KiB, then closes),
        the reset makes nginx's next write fail, and nginx drops the connection before
        forwarding the close frame. Without nginx the client always gets 1009."""
        async def run():
            async with self.connect() as ws:
                await self._ok(Connection(ws), "welcome", hello=session_pb2.Hello(
                    protocol_version=1, device_token=self.volunteer_token))
                await ws.send(os.urandom(MAX_MESSAGE_BYTES + 1))
                with self.assertRaises(websockets.ConnectionClosed):
                    # Pushed events may come first (the reminders of the volunteer's own
                    # patrol's alerts after Welcome); never a reply.
                    while True:
                        msg = envelope_pb2.ServerMessage()
                        msg.ParseFromString(await asyncio.wait_for(ws.recv(), 5))
                        self.assertEqual(msg.request_id, 0)
                return ws.close_code
        self.assertIn(asyncio.run(run()), (1009, 1006))

    def test_failed_logins_are_counted_per_real_client_address(self):
        async def run():
            # 127.0.0.2 fails Hello until its address is out of attempts. The server closes a
            # connection after 5 failures, so this may take more than one.
            attempts = 0
            refused = None
            for _ in range(3):
                try:
                    async with self.connect("127.0.0.2") as ws:
                        c = Connection(ws)
                        while refused is None:
                            reply = await c.call(hello=session_pb2.Hello(protocol_version=1,
                                                                         device_token="no-such-device-token"))
                            attempts += 1
                            if reply.error.code == E.ERROR_CODE_RESOURCE_EXHAUSTED:
                                refused = reply.error.message
                            else:
                                self.assertEqual(reply.error.code, E.ERROR_CODE_UNAUTHENTICATED, str(reply))
                except websockets.ConnectionClosed:
                    pass
                if refused is not None:
                    break
            self.assertEqual(refused, REFUSED_MESSAGE, f"not refused after {attempts} failed Hellos")
            self.assertEqual(attempts, FAILURES_PER_MIN + 1)

            # A forged X-Forwarded-For does not help 127.0.0.2: nginx appends the real
            # address and the server takes the rightmost one that is not a trusted proxy.
            spoofed = await self._hello("no-such-device-token", "127.0.0.2", {"X-Forwarded-For": "127.0.0.3"})
            self.assertEqual(spoofed.WhichOneof("body"), "error", "a forged X-Forwarded-For got past the limit")
            self.assertEqual(spoofed.error.code, E.ERROR_CODE_RESOURCE_EXHAUSTED)

            # The budget counts failures only: a valid token from 127.0.0.2 (a shared NAT, a
            # community centre's Wi-Fi) still signs in.
            valid = await self._hello(self.volunteer_token, "127.0.0.2")
            self.assertEqual(valid.WhichOneof("body"), "welcome", "a valid token was locked out by failures")

            # Another client through the same nginx is not affected. If the server saw
            # nginx's address for everyone, this would be refused as well.
            other = await self._hello(self.volunteer_token, "127.0.0.3")
            self.assertEqual(other.WhichOneof("body"), "welcome",
                             "127.0.0.3 was refused: the server does not see the client's own address")
        asyncio.run(run())

    # ---- plain HTTP(S) through nginx ----

    def https(self, path, method="GET", context=None, source=None, headers=None):
        """Returns (status, headers, body, TLS version, cipher name, session)."""
        conn = http.client.HTTPSConnection("127.0.0.1", self.https_port, context=context or self.tls, timeout=5,
                                           source_address=(source, 0) if source else None)
        try:
            conn.connect()
            version, cipher, session = conn.sock.version(), conn.sock.cipher()[0], conn.sock.session
            conn.request(method, path, headers=headers or {})
            res = conn.getresponse()
            return res.status, res.headers, res.read(), version, cipher, session
        finally:
            conn.close()

    def raw_https(self, head):
        """Sends a hand-made request head; returns the response's status code."""
        with socket.create_connection(("127.0.0.1", self.https_port), timeout=5) as raw:
            with self.tls.wrap_socket(raw, server_hostname="127.0.0.1") as sock:
                sock.sendall(head)
                data = b""
                while b"\r\n" not in data:
                    chunk = sock.recv(4096)
                    if not chunk:
                        break
                    data += chunk
        return int(data.split()[1])

    def test_healthz_over_https_with_hsts(self):
        status, headers, body, _, _, _ = self.https("/healthz")
        self.assertEqual(status, 200, body)
        self.assertIn(b'"status":"ok"', body)
        self.assertEqual(headers["Strict-Transport-Security"], "max-age=63072000")
        self.assertNotIn("nginx/", headers.get("Server", ""))  # server_tokens off

    def assert_security_headers(self, headers):
        for name, value in SECURITY_HEADERS.items():
            self.assertEqual(headers.get_all(name), [value], name)

    def test_dashboard_over_https_with_the_servers_headers(self):
        if not os.path.isdir(WEB_DIST):
            # Built without the dashboard: the server's own 404, with its headers.
            status, headers, _, _, _, _ = self.https("/")
            self.assertEqual(status, 404)
            self.assert_security_headers(headers)
            return
        with open(os.path.join(WEB_DIST, "index.html"), "rb") as f:
            page = f.read()
        status, headers, body, _, _, _ = self.https("/")
        self.assertEqual(status, 200)
        self.assertEqual(headers["Content-Type"], "text/html; charset=utf-8")
        self.assertEqual(body, page)
        self.assert_security_headers(headers)
        self.assertEqual(headers["Strict-Transport-Security"], "max-age=63072000")  # nginx's own
        self.assertEqual(headers["Cache-Control"], "no-cache")
        self.assertIn(b"/app.js", body)
        self.assertIn(b"/app.css", body)

        for path, content_type in (("/app.js", "text/javascript; charset=utf-8"),
                                   ("/app.css", "text/css; charset=utf-8"),
                                   ("/sw.js", "text/javascript; charset=utf-8"),
                                   ("/manifest.webmanifest", "application/manifest+json")):
            with self.subTest(path=path):
                with open(os.path.join(WEB_DIST, path[1:]), "rb") as f:
                    plain = f.read()
                status, headers, body, _, _, _ = self.https(path)
                self.assertEqual((status, headers["Content-Type"]), (200, content_type))
                self.assertEqual(body, plain)
                self.assert_security_headers(headers)
                self.assertEqual(headers["Strict-Transport-Security"], "max-age=63072000")
                # Revalidated at each load (and at each service worker update check).
                self.assertEqual(headers["Cache-Control"], "no-cache")
                # The gzip twin passes through nginx as the server sent it.
                status, headers, body, _, _, _ = self.https(path, headers={"Accept-Encoding": "gzip"})
                self.assertEqual((status, headers["Content-Encoding"]), (200, "gzip"))
                self.assertEqual(gzip.decompress(body), plain)
                # So does the 304 for a cached copy.
                status, headers, body, _, _, _ = self.https(
                    path, headers={"Accept-Encoding": "gzip", "If-None-Match": headers["ETag"]})
                self.assertEqual((status, body), (304, b""))

        # The manifest's icons, the iOS home-screen icon and the favicon: images, no twins.
        for path, content_type in (("/icon-192.png", "image/png"), ("/icon-512.png", "image/png"),
                                   ("/icon-maskable-192.png", "image/png"), ("/icon-maskable-512.png", "image/png"),
                                   ("/apple-touch-icon.png", "image/png"), ("/favicon.ico", "image/x-icon")):
            with self.subTest(path=path):
                with open(os.path.join(WEB_DIST, path[1:]), "rb") as f:
                    plain = f.read()
                status, headers, body, _, _, _ = self.https(path, headers={"Accept-Encoding": "gzip"})
                self.assertEqual((status, headers["Content-Type"]), (200, content_type))
                self.assertIsNone(headers["Content-Encoding"])
                self.assertEqual(body, plain)
                self.assert_security_headers(headers)
                self.assertEqual(headers["Strict-Transport-Security"], "max-age=63072000")
                self.assertEqual(headers["Cache-Control"], "no-cache")

        # /index.html is the page too; the twins are no files of their own, and nginx does
        # not even ask the server.
        self.assertEqual(self.https("/index.html")[2], page)
        for path in ("/app.js.gz", "/sw.js.gz", "/sw.js/", "/static/sw.js", "/icon-192.png.gz", "/icon-256.png",
                     "/apple-touch-icon-precomposed.png", "/favicon.ico/"):
            with self.subTest(path=path):
                status, _, body, _, _, _ = self.https(path)
                self.assertEqual(status, 404)
                self.assertNotIn(b"gadehold", body)

    def test_metrics_never_through_nginx(self):
        # Not even from this host: Prometheus scrapes the metrics listener directly.
        for source in ("127.0.0.1", "127.0.0.2"):
            status, _, body, _, _, _ = self.https("/metrics", source=source)
            self.assertEqual(status, 404, source)
            self.assertNotIn(b"gadehold_", body)
        # The public /healthz through nginx says no more than status and schema version.
        status, _, body, _, _, _ = self.https("/healthz")
        self.assertEqual(status, 200)
        self.assertEqual(sorted(json.loads(body)), ["schema_version", "status"])
        # The metrics listener itself, next to nginx, has it all.
        status, body = hostile_support.http_get(self.server.metrics_port, "/metrics")
        self.assertEqual(status, 200)
        self.assertIn("gadehold_open_connections ", body)

    def test_other_paths_are_not_proxied(self):
        status, _, body, _, _, _ = self.https("/v1/nothing-here")
        self.assertEqual(status, 404)
        self.assertNotIn(b"gadehold", body)  # nginx's page, not the server's "not found"

    def test_http_serves_acme_challenges_and_redirects_the_rest(self):
        folder = os.path.join(self.webroot, ".well-known", "acme-challenge")
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "probe"), "w") as f:
            f.write("challenge-answer")
        conn = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=5)
        try:
            conn.request("GET", "/.well-known/acme-challenge/probe")
            res = conn.getresponse()
            self.assertEqual((res.status, res.read()), (200, b"challenge-answer"))
            conn.request("GET", "/healthz?x=1")
            res = conn.getresponse()
            res.read()
            self.assertEqual(res.status, 301)
            self.assertEqual(res.headers["Location"], f"https://{NAME}/healthz?x=1")
        finally:
            conn.close()

    def test_size_limits(self):
        # A body over client_max_body_size: nginx answers 413 from Content-Length alone.
        self.assertEqual(self.raw_https(b"POST /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 65537\r\n"
                                        b"Connection: close\r\n\r\n"), 413)
        # Headers of 21 KiB in three lines of 7 KiB: more than the two 8k buffers hold. 400
        # is nginx's answer; the server's would be 431.
        pad = b"".join(b"X-Pad-%d: %s\r\n" % (i, b"a" * 7000) for i in range(3))
        self.assertEqual(self.raw_https(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n" + pad +
                                        b"Connection: close\r\n\r\n"), 400)
        # One such line passes.
        self.assertEqual(self.raw_https(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n" + pad.split(b"\r\n")[0] +
                                        b"\r\nConnection: close\r\n\r\n"), 200)

    # ---- TLS ----

    def client_context(self, version, ciphers=None):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.load_verify_locations(os.path.join(self.tmp, "cert.pem"))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # TLSVersion.TLSv1_1
            if ciphers:
                ctx.set_ciphers(ciphers)
            ctx.minimum_version = ctx.maximum_version = version
        return ctx

    def handshake_with_permissive_server(self, client):
        """The client handshakes with an in-process server that accepts anything OpenSSL can
        do, so a refusal by nginx below is nginx's doing, not the client's."""
        server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server.load_cert_chain(os.path.join(self.tmp, "cert.pem"), os.path.join(self.tmp, "key.pem"))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            server.set_ciphers("ALL:@SECLEVEL=0")
            server.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
        a, b = socket.socketpair()
        a.settimeout(5)
        b.settimeout(5)

        def serve():
            try:
                server.wrap_socket(a, server_side=True).close()
            except (ssl.SSLError, OSError):
                a.close()
        t = threading.Thread(target=serve)
        t.start()
        try:
            with client.wrap_socket(b, server_hostname="127.0.0.1") as sock:
                return sock.version()
        finally:
            t.join(timeout=10)

    def test_tls_1_1_is_refused(self):
        old = self.client_context(ssl.TLSVersion.TLSv1_1, "DEFAULT:@SECLEVEL=0")
        self.assertEqual(self.handshake_with_permissive_server(old), "TLSv1.1")
        with self.assertRaises(ssl.SSLError):
            self.https("/healthz", context=old)

    def test_cipher_outside_the_list_is_refused(self):
        cbc = self.client_context(ssl.TLSVersion.TLSv1_2, "ECDHE-RSA-AES128-SHA")
        self.assertEqual(self.handshake_with_permissive_server(cbc), "TLSv1.2")
        with self.assertRaises(ssl.SSLError):
            self.https("/healthz", context=cbc)

    def test_tls_1_2_and_1_3_work(self):
        status, _, _, version, cipher, session = self.https("/healthz", context=self.client_context(
            ssl.TLSVersion.TLSv1_2))
        self.assertEqual((status, version), (200, "TLSv1.2"))
        self.assertIn(cipher, MOZILLA_TLS12_CIPHERS)
        self.assertFalse(session.has_ticket, "ssl_session_tickets off, yet a TLS 1.2 session ticket came")
        status, _, _, version, _, _ = self.https("/healthz", context=self.client_context(ssl.TLSVersion.TLSv1_3))
        self.assertEqual((status, version), (200, "TLSv1.3"))

    # ---- logs ----

    def feed_path(self):
        path = self.volunteer_call("calendar_feed", get_calendar_feed=shift_pb2.GetCalendarFeed(
            scope=shift_pb2.CALENDAR_SCOPE_MINE)).url_path
        # Not assertRegex: a failure would print the path, which holds the secret.
        self.assertTrue(re.fullmatch(r"/v1/calendar/[A-Za-z0-9_-]{16,}\.ics", path), "unexpected feed path form")
        return path

    def secrets(self, feed_path):
        return {"feed secret": feed_path[len("/v1/calendar/"):-len(".ics")],
                "volunteer's device token": self.volunteer_token,
                "coordinator's device token": self.coordinator_token}

    def assert_no_secret_logged(self, feed_path):
        logs = {name: read(os.path.join(self.logs, name)) for name in os.listdir(self.logs)}
        logs["server stderr"] = "".join(self.server.stderr_lines)
        for name, text in logs.items():
            for what, secret in self.secrets(feed_path).items():
                # assertFalse, not assertNotIn: a failure must not print the secret.
                self.assertFalse(secret in text, f"the {what} is in {name}")
        return logs

    def wait_for_log(self, name, needle):
        deadline = time.monotonic() + 5
        while needle not in read(os.path.join(self.logs, name)):
            if time.monotonic() > deadline:
                self.fail(f"{needle!r} never appeared in {name}")
            time.sleep(0.05)

    def test_calendar_feed_through_nginx_logs_no_secret(self):
        path = self.feed_path()
        status, headers, body, _, _, _ = self.https(path)
        self.assertEqual(status, 200, body)
        self.assertTrue(headers["Content-Type"].startswith("text/calendar"), headers["Content-Type"])
        self.assertTrue(body.startswith(b"BEGIN:VCALENDAR"), body[:40])
        # The same path on the http port is redirected; its log line is redacted too.
        conn = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=5)
        try:
            conn.request("GET", path)
            self.assertEqual(conn.getresponse().status, 301)
        finally:
            conn.close()
        self.wait_for_log("gadehold.access.log", '"GET /v1/calendar/REDACTED HTTP/1.1" 301')
        self.wait_for_log("gadehold.access.log", '"GET /v1/calendar/REDACTED HTTP/1.1" 200')
        self.assert_no_secret_logged(path)

    def test_z_outage_logs_no_secret(self):
        """Runs last (unittest sorts by name): it stops the server. nginx's error lines quote
        the request line; the calendar location must keep the secret out of them."""
        path = self.feed_path()
        self.assertEqual(self.server.stop(), 0)
        self.assertEqual(self.https(path)[0], 502)
        self.assertEqual(self.https("/healthz")[0], 502)
        # The /healthz failure is logged: the error log works, and errors do reach it.
        self.wait_for_log("gadehold.error.log", 'request: "GET /healthz HTTP/1.1"')
        logs = self.assert_no_secret_logged(path)
        self.assertFalse("/v1/calendar/" in logs["gadehold.error.log"], "the calendar request is in the error log")


if __name__ == "__main__":
    hostile_support.main()
