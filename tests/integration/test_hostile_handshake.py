"""Hostile input, the HTTP upgrade and the time limits: bad upgrade requests, oversized
headers, slow and silent clients, and a client that never reads what is pushed to it.

The server runs with --hello-timeout-s 2 (the deadline for the TLS handshake, the HTTP
request head and the Hello alike) and --outbound-queue-limit 8. Every case ends by checking
that /healthz answers and another device's check-in is acked.
"""
import asyncio
import select
import socket
import time
import unittest

import hostile_support as hs

E = hs.E
DEADLINE_S = 2
SLACK_S = 1.5  # how late a close may be on a loaded two-core machine


def dribble_until_closed(sock, data, interval, limit_s):
    """Sends `data` one byte per `interval` and returns (seconds until the server closed,
    bytes it sent back)."""
    start = time.monotonic()
    received = b""
    for byte in data:
        try:
            sock.send(bytes([byte]))
        except (BrokenPipeError, ConnectionResetError):
            return time.monotonic() - start, received
        ready, _, _ = select.select([sock], [], [], interval)
        if ready:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                return time.monotonic() - start, received
            received += chunk
        if time.monotonic() - start > limit_s:
            break
    return None, received


class HandshakeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.prog = hs.Programme(drain_stderr=True, extra_args=["--hello-timeout-s", str(DEADLINE_S), "--outbound-queue-limit", "8",
                                 "--rate-limit-per-s", "200", "--rate-limit-burst", "400"])

    @classmethod
    def tearDownClass(cls):
        code = cls.prog.stop()
        assert code == 0, f"server exited with {code}"

    def tearDown(self):
        self.prog.assert_still_serving(self)

    def assert_closed_after_response(self, ws):
        with self.assertRaises(hs.PeerClosed):
            ws.recv_frame(3)

    def test_wrong_websocket_version_gets_426(self):
        ws = hs.RawWs(self.prog.port)
        try:
            status, headers, _ = ws.handshake(version="8")
            self.assertEqual(status, 426)
            self.assertEqual(headers.get("sec-websocket-version"), "13")
            self.assertNotIn("sec-websocket-accept", headers)
            self.assert_closed_after_response(ws)
        finally:
            ws.close()

    def test_missing_key_gets_400(self):
        ws = hs.RawWs(self.prog.port)
        try:
            status, headers, body = ws.handshake(key=False)
            self.assertEqual(status, 400)
            self.assertNotIn("sec-websocket-accept", headers)
            self.assertIn(b"Sec-WebSocket-Key", body)
            self.assert_closed_after_response(ws)
        finally:
            ws.close()

    def test_64_kib_of_headers_gets_431(self):
        ws = hs.RawWs(self.prog.port)
        try:
            extra = b"".join(b"X-Filler-%04d: %s\r\n" % (i, b"f" * 46) for i in range(1100))
            self.assertGreaterEqual(len(extra), 64 * 1024)
            status, headers, _ = ws.handshake(extra=extra)
            self.assertEqual(status, 431)
            self.assertEqual(headers.get("connection"), "close")
            self.assert_closed_after_response(ws)
        finally:
            ws.close()

    def test_slowloris_handshake_closed_at_deadline(self):
        # One byte every 100 ms: the whole head would take ~15 s; the deadline is absolute.
        request = hs.RawWs.upgrade_request()
        with socket.create_connection(("127.0.0.1", self.prog.port), timeout=5) as sock:
            elapsed, received = dribble_until_closed(sock, request, 0.1, DEADLINE_S + 10)
        self.assertIsNotNone(elapsed, "a dribbling client was never closed")
        self.assertEqual(received, b"")
        self.assertGreaterEqual(elapsed, DEADLINE_S - 0.3)
        self.assertLess(elapsed, DEADLINE_S + SLACK_S)

    def test_silent_tcp_client_closed_at_deadline(self):
        with socket.create_connection(("127.0.0.1", self.prog.port), timeout=5) as sock:
            start = time.monotonic()
            sock.settimeout(DEADLINE_S + 5)
            try:
                data = sock.recv(1)
            except ConnectionResetError:
                data = b""
            elapsed = time.monotonic() - start
        self.assertEqual(data, b"")
        self.assertGreaterEqual(elapsed, DEADLINE_S - 0.3)
        self.assertLess(elapsed, DEADLINE_S + SLACK_S)

    def test_silent_websocket_closed_1008_at_deadline(self):
        ws = hs.RawWs(self.prog.port).open()
        start = time.monotonic()
        try:
            code, reason, _ = ws.wait_close(DEADLINE_S + 5)
        finally:
            ws.close()
        elapsed = time.monotonic() - start
        self.assertEqual((code, reason), (1008, "authentication timeout"))
        self.assertGreaterEqual(elapsed, DEADLINE_S - 0.3)
        self.assertLess(elapsed, DEADLINE_S + SLACK_S)

    def test_pinging_without_hello_closed_1008_at_deadline(self):
        # Traffic that is not a Hello (pings, here) does not move the deadline.
        ws = hs.RawWs(self.prog.port).open()
        start = time.monotonic()
        pongs = 0
        try:
            while True:
                ws.send_frame(b"still here", opcode=0x9)
                _, opcode, payload = ws.recv_frame(5)
                if opcode == 0x8:
                    break
                self.assertEqual(opcode, 0xA)
                pongs += 1
                time.sleep(0.2)
                self.assertLess(time.monotonic() - start, DEADLINE_S + 5, "never closed")
        finally:
            ws.close()
        elapsed = time.monotonic() - start
        self.assertEqual((int.from_bytes(payload[:2], "big"), payload[2:]), (1008, b"authentication timeout"))
        self.assertGreater(pongs, 3)
        self.assertLess(elapsed, DEADLINE_S + SLACK_S)

    def test_client_that_never_reads_is_closed_1008_as_slow_consumer(self):
        prog = self.prog
        # The lead receives every note of the team (about 6 KiB each here) and never reads;
        # a small receive buffer makes the server's queue fill after a few dozen.
        lead = prog.raw("lead", rcvbuf=4096, mss=536)
        before = hs.metric(prog.metrics_port, "gadehold_slow_consumers_closed_total")
        text = ("quiet evening on the square \U0001F642 " * 200)[:2000]

        async def push():
            acks = errors = 0
            conns = []
            for who in ("pusher-a", "pusher-b"):
                ws = await hs.websockets.connect(prog.uri, compression=None)
                c = hs.Connection(ws)
                welcome = await c.call(hello=hs.hello(prog.tokens[who]).hello)
                self.assertEqual(welcome.WhichOneof("body"), "welcome")
                conns.append((who, c, ws))

            async def four(who, c):
                # Four notes in flight on one connection, then their four replies.
                ids = []
                for _ in range(4):
                    msg = hs.E.ClientMessage(request_id=c.next_id, submit_note=hs.P.SubmitNote(
                        client_id=hs.new_client_id(), patrol_id=prog.patrols[who], at_ms=hs.now_ms(),
                        category=hs.P.NOTE_CATEGORY_CONVERSATION, outcome=hs.P.NOTE_OUTCOME_NO_ACTION_NEEDED,
                        age_band=hs.P.AGE_BAND_16_17, group_size=3, text=text))
                    c.next_id += 1
                    ids.append(msg.request_id)
                    await c.ws.send(msg.SerializeToString())
                replies = []
                while len(replies) < 4:
                    reply = hs.parse_server(await asyncio.wait_for(c.ws.recv(), 10))
                    if reply.request_id in ids:
                        replies.append(reply)
                return replies

            closed_after = None
            for batch in range(60):
                replies = sum(await asyncio.gather(*(four(who, c) for who, c, _ in conns)), [])
                acks += sum(r.WhichOneof("body") == "ack" for r in replies)
                errors += sum(r.WhichOneof("body") != "ack" for r in replies)
                if closed_after is None and await asyncio.to_thread(
                        hs.metric, prog.metrics_port, "gadehold_slow_consumers_closed_total") > before:
                    closed_after = acks
                    # Keep pushing a little: the others must not notice the slow one.
                    last = batch + 3
                if closed_after is not None and batch >= last:
                    break
            for _, _, ws in conns:
                await ws.close()
            return acks, errors, closed_after

        try:
            acks, errors, closed_after = asyncio.run(push())
            # Now read: what was in flight, then the close frame (within the 5 s grace).
            code, reason, skipped = lead.wait_close(5)
        finally:
            lead.close()
        self.assertIsNotNone(closed_after, "the non-reading client was never closed")
        self.assertEqual(errors, 0)
        self.assertGreater(acks, closed_after)
        self.assertEqual((code, reason), (1008, "slow consumer"))
        self.assertGreater(skipped, 0)
        self.assertEqual(hs.metric(prog.metrics_port, "gadehold_slow_consumers_closed_total"), before + 1)


if __name__ == "__main__":
    hs.main()
