"""Shared pieces of the hostile-input suite (tests/integration/test_hostile_*.py).

A raw WebSocket client that can send what a library refuses to, a small programme
(coordinator, two teams, volunteers, patrols) set up through the protocol, and the
check every case ends with: the server still answers /healthz and still acks a valid
check-in from another, authenticated device.

Nothing here prints tokens, invite codes, note text or coordinates.
"""
import asyncio
import base64
import json
import os
import socket
import ssl
import struct
import subprocess
import sys
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))

from gadehold_harness import Connection, Server, check_error_contract, parse_args  # noqa: E402

ARGS, REST = parse_args()

import websockets  # noqa: E402  (Debian python3-websockets)
from gadehold.v1 import envelope_pb2, identity_pb2, patrol_pb2, session_pb2  # noqa: E402

E = envelope_pb2
P = patrol_pb2
OPEN_LAT, OPEN_LON = 55.6761, 12.5683  # a street corner; never logged
INVALID_FRAME = "frame is not a valid ClientMessage"


def now_ms():
    return int(time.time() * 1000)


def new_client_id():
    return str(uuid.uuid4())


def check_in(patrol_id, request_id=1, lat=OPEN_LAT, lon=OPEN_LON, at_ms=None, status=P.CHECK_IN_STATUS_OK,
             client_id=None):
    msg = E.ClientMessage(request_id=request_id)
    msg.check_in.client_id = client_id or new_client_id()
    msg.check_in.patrol_id = patrol_id
    msg.check_in.at_ms = now_ms() if at_ms is None else at_ms
    msg.check_in.location.lat = lat
    msg.check_in.location.lon = lon
    msg.check_in.status = status
    return msg


def hello(token, request_id=1):
    msg = E.ClientMessage(request_id=request_id)
    msg.hello.protocol_version = 1
    msg.hello.device_token = token
    return msg


def parse_server(frame):
    msg = E.ServerMessage()
    msg.ParseFromString(frame)
    check_error_contract(msg)
    return msg


# ---- protobuf wire-format pieces, for bytes the Python library will not produce ----

def varint(n):
    n &= (1 << 64) - 1
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def tag(field, wire_type):
    return varint((field << 3) | wire_type)


def len_field(field, payload):
    return tag(field, 2) + varint(len(payload)) + payload


# ---- a raw WebSocket client on a blocking socket ----

class PeerClosed(Exception):
    """The server closed the TCP connection (EOF or reset) without a close frame."""


class RawWs:
    def __init__(self, port, tls=None, rcvbuf=None, mss=None, timeout=10.0):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        if mss:
            # A small MSS also keeps the server's send buffer small (Linux sizes it from
            # the MSS), so a reader that stops shows up in the server's queue quickly.
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, mss)
        self.sock.settimeout(timeout)
        self.sock.connect(("127.0.0.1", port))
        if tls is not None:
            self.sock = tls.wrap_socket(self.sock, server_hostname="127.0.0.1")
        self.buf = b""
        self.next_id = 1

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def send_raw(self, data):
        self.sock.sendall(data)

    def _fill(self, deadline):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("no data from the server in time")
        self.sock.settimeout(remaining)
        try:
            chunk = self.sock.recv(65536)
        except (ConnectionResetError, BrokenPipeError) as e:
            raise PeerClosed(str(e)) from e
        except socket.timeout as e:
            raise TimeoutError("no data from the server in time") from e
        if not chunk:
            raise PeerClosed("eof")
        self.buf += chunk

    def _take(self, n, deadline):
        while len(self.buf) < n:
            self._fill(deadline)
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def read_http_response(self, timeout=5.0):
        """Reads a response head (and a Content-Length body); returns (status, headers, body)."""
        deadline = time.monotonic() + timeout
        while b"\r\n\r\n" not in self.buf:
            self._fill(deadline)
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        body = self._take(int(headers.get("content-length", "0")), deadline)
        return status, headers, body

    @staticmethod
    def upgrade_request(version="13", key=True, extra=b""):
        lines = [b"GET /v1/ws HTTP/1.1", b"Host: 127.0.0.1", b"Upgrade: websocket", b"Connection: Upgrade"]
        if key:
            lines.append(b"Sec-WebSocket-Key: " + base64.b64encode(os.urandom(16)))
        if version is not None:
            lines.append(b"Sec-WebSocket-Version: " + version.encode())
        return b"\r\n".join(lines) + b"\r\n" + extra + b"\r\n"

    def handshake(self, **kw):
        self.send_raw(self.upgrade_request(**kw))
        return self.read_http_response()

    def open(self):
        status, _, _ = self.handshake()
        if status != 101:
            raise AssertionError(f"upgrade answered {status}")
        return self

    @staticmethod
    def frame(payload, opcode=2, fin=True, rsv=0, mask=True):
        first = (0x80 if fin else 0) | (rsv << 4) | opcode
        n = len(payload)
        if n < 126:
            head = struct.pack("!BB", first, (0x80 if mask else 0) | n)
        elif n < 65536:
            head = struct.pack("!BBH", first, (0x80 if mask else 0) | 126, n)
        else:
            head = struct.pack("!BBQ", first, (0x80 if mask else 0) | 127, n)
        if not mask:
            return head + payload
        key = os.urandom(4)
        return head + key + _mask(payload, key)

    def send_frame(self, payload, **kw):
        self.send_raw(self.frame(payload, **kw))

    def recv_frame(self, timeout=5.0):
        """Returns (fin, opcode, payload) of the next server frame."""
        deadline = time.monotonic() + timeout
        b0, b1 = self._take(2, deadline)
        if b1 & 0x80:
            raise AssertionError("the server masked a frame")
        n = b1 & 0x7F
        if n == 126:
            (n,) = struct.unpack("!H", self._take(2, deadline))
        elif n == 127:
            (n,) = struct.unpack("!Q", self._take(8, deadline))
        return bool(b0 & 0x80), b0 & 0x0F, self._take(n, deadline)

    def wait_close(self, timeout=5.0):
        """Skips data frames up to the server's close frame; returns (code, reason, data frames
        skipped), or (None, None, skipped) if the TCP connection ended without one."""
        deadline = time.monotonic() + timeout
        skipped = 0
        try:
            while True:
                _, opcode, payload = self.recv_frame(max(0.01, deadline - time.monotonic()))
                if opcode == 8:
                    code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
                    return code, payload[2:].decode("utf-8", "replace"), skipped
                skipped += 1
        except PeerClosed:
            return None, None, skipped

    def call(self, msg, timeout=5.0, want=0):
        """Sends a ClientMessage (or raw bytes) and returns the reply with the same request_id
        (`want` for raw bytes: 0 if the server cannot parse them), skipping pushed events."""
        if isinstance(msg, bytes):
            self.send_frame(msg)
        else:
            if msg.request_id == 0:
                msg.request_id = self.next_id
                self.next_id += 1
            self.send_frame(msg.SerializeToString())
            want = msg.request_id
        deadline = time.monotonic() + timeout
        while True:
            _, opcode, payload = self.recv_frame(max(0.01, deadline - time.monotonic()))
            if opcode == 8:
                raise AssertionError("closed with %r" % (struct.unpack("!H", payload[:2])[0] if payload else None))
            if opcode != 2:
                continue
            reply = parse_server(payload)
            if reply.request_id == want and reply.WhichOneof("body") != "event":
                return reply

    def authenticate(self, token):
        reply = self.call(hello(token))
        if reply.WhichOneof("body") != "welcome":
            raise AssertionError("Hello refused: %s" % E.ErrorCode.Name(reply.error.code))
        return reply.welcome


def _mask(payload, key):
    k = (key * (len(payload) // 4 + 1))[: len(payload)]
    return (int.from_bytes(payload, "big") ^ int.from_bytes(k, "big")).to_bytes(len(payload), "big")


# ---- HTTP ----

def http_get(port, path, tls=None, timeout=5.0):
    """GET over a fresh connection; returns (status, body as text)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as raw:
        sock = tls.wrap_socket(raw, server_hostname="127.0.0.1") if tls is not None else raw
        try:
            sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
            data = b""
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                data += chunk
        finally:
            sock.close()
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body.decode("utf-8", "replace")


def metric(metrics_port, name):
    """A sample's value from /metrics, which only the metrics listener (plain HTTP) serves."""
    status, body = http_get(metrics_port, "/metrics")
    assert status == 200
    for line in body.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return 0.0


# ---- the programme every hostile file runs against ----

class Programme:
    """A server plus: a coordinator; teams North and South; an area; in North a lead, a
    witness (the well-behaved device of the final check), mallory (the hostile one) and two
    pushers; in South one volunteer. Patrols: one each for witness, mallory, south, and one
    of mallory's that has ended."""

    def __init__(self, extra_args=(), tls=None, drain_stderr=False):
        self.server = Server(ARGS.binary, list(extra_args), drain_stderr=drain_stderr)
        self.port = self.server.port
        self.metrics_port = self.server.metrics_port
        self.tls = tls
        self.scheme = "wss" if tls is not None else "ws"
        try:
            asyncio.run(self._setup(self.server.init_output.strip().splitlines()[-1]))
        except BaseException:
            self.server.stop()
            raise

    @property
    def uri(self):
        return f"{self.scheme}://127.0.0.1:{self.port}/v1/ws"

    async def _call(self, conn, **body):
        reply = await conn.call(**body)
        if reply.WhichOneof("body") == "error":
            raise AssertionError("setup %s refused: %s %s" % (list(body)[0], E.ErrorCode.Name(reply.error.code),
                                                               reply.error.field))
        return reply

    async def _redeem(self, code, handle):
        async with websockets.connect(self.uri, ssl=self.tls, compression=None) as ws:
            reply = await self._call(Connection(ws), redeem_invite=session_pb2.RedeemInvite(
                invite_code=code, handle=handle, device_name="phone"))
            return reply.welcome

    async def _setup(self, coordinator_code):
        coord = await self._redeem(coordinator_code, "coordinator")
        self.coordinator = coord.device_token
        self.tokens, self.volunteer_ids = {}, {}
        async with websockets.connect(self.uri, ssl=self.tls, compression=None) as ws:
            c = Connection(ws)
            await self._call(c, hello=session_pb2.Hello(protocol_version=1, device_token=self.coordinator))
            self.north = (await self._call(c, create_team=identity_pb2.CreateTeam(name="North"))).ack.id
            self.south = (await self._call(c, create_team=identity_pb2.CreateTeam(name="South"))).ack.id
            self.area = (await self._call(c, create_area=identity_pb2.CreateArea(
                name="Centre", geohash_prefixes=["u3bu"]))).ack.id
            people = [("lead", session_pb2.ROLE_LEAD, self.north), ("witness", session_pb2.ROLE_VOLUNTEER, self.north),
                      ("mallory", session_pb2.ROLE_VOLUNTEER, self.north),
                      ("pusher-a", session_pb2.ROLE_VOLUNTEER, self.north),
                      ("pusher-b", session_pb2.ROLE_VOLUNTEER, self.north),
                      ("flooder", session_pb2.ROLE_VOLUNTEER, self.north),
                      ("pipeliner", session_pb2.ROLE_VOLUNTEER, self.north),
                      ("southerner", session_pb2.ROLE_VOLUNTEER, self.south)]
            codes = {}
            for handle, role, team in people:
                codes[handle] = (await self._call(c, create_invite=identity_pb2.CreateInvite(
                    role=role, team_id=team))).invite_created.invite_code
        for handle, _, _ in people:
            welcome = await self._redeem(codes[handle], handle)
            self.tokens[handle] = welcome.device_token
            self.volunteer_ids[handle] = welcome.volunteer_id
        # Mallory's first patrol, ended; then everyone's open one (one at a time each).
        self.ended_patrol = await self.start_patrol("mallory")
        async with websockets.connect(self.uri, ssl=self.tls, compression=None) as ws:
            c = Connection(ws)
            await self._call(c, hello=session_pb2.Hello(protocol_version=1, device_token=self.tokens["mallory"]))
            await self._call(c, end_patrol=P.EndPatrol(client_id=new_client_id(), patrol_id=self.ended_patrol,
                                                      ended_at_ms=now_ms()))
        self.patrols = {}
        for who in ("witness", "mallory", "southerner", "pusher-a", "pusher-b", "flooder",
                    "pipeliner"):
            self.patrols[who] = await self.start_patrol(who)

    async def start_patrol(self, who):
        async with websockets.connect(self.uri, ssl=self.tls, compression=None) as ws:
            c = Connection(ws)
            await self._call(c, hello=session_pb2.Hello(protocol_version=1, device_token=self.tokens[who]))
            reply = await self._call(c, start_patrol=P.StartPatrol(
                client_id=new_client_id(), area_id=self.area, started_at_ms=now_ms()))
            return reply.ack.id

    def raw(self, who=None, **kw):
        """A raw WebSocket, opened, and authenticated as `who` if given."""
        ws = RawWs(self.port, tls=self.tls, **kw).open()
        if who is not None:
            ws.authenticate(self.tokens[who])
        return ws

    def stop(self):
        return self.server.stop()

    async def _witness_check_in(self):
        async with websockets.connect(self.uri, ssl=self.tls, compression=None) as ws:
            c = Connection(ws)
            welcome = await c.call(hello=session_pb2.Hello(protocol_version=1, device_token=self.tokens["witness"]))
            reply = await c.call(check_in=check_in(self.patrols["witness"]).check_in)
            return welcome, reply

    def assert_still_serving(self, tc):
        """The end of every case: /healthz is ok, and another authenticated client's valid
        check-in is acked."""
        status, body = http_get(self.port, "/healthz", self.tls)
        tc.assertEqual(status, 200)
        tc.assertEqual(json.loads(body)["status"], "ok")
        welcome, reply = asyncio.run(self._witness_check_in())
        tc.assertEqual(welcome.WhichOneof("body"), "welcome")
        tc.assertEqual(reply.WhichOneof("body"), "ack")
        tc.assertTrue(reply.ack.id.startswith("chk_"))
        tc.assertFalse(reply.ack.duplicate)
        tc.assertIsNone(self.server.proc.poll(), "the server exited")


def self_signed_cert(folder):
    cert = os.path.join(folder, "cert.pem")
    key = os.path.join(folder, "key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert],
        check=True, capture_output=True)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(cert)
    return cert, key, ctx


def main():
    import unittest
    unittest.main(module="__main__", argv=[sys.argv[0], *REST])
