"""Hostile load: one device sending 1,000 requests a second, one writing 3,000 requests
before it reads any reply, and 10,000 WebSocket connections that never send Hello.

The server runs with --hello-timeout-s 3 and the default rate limit (20 requests a second,
bursts of 100, per device). While each flood runs, the witness device keeps checking in
and every one of its check-ins must be acked.
"""
import asyncio
import errno
import json
import resource
import selectors
import socket
import struct
import threading
import time
import unittest

import hostile_support as hs

E = hs.E
DEADLINE_S = 3
SILENT = 10_000
BURST, RATE = 100, 20

# Room for 10,000 client sockets here, and (inherited) for the server's side of them.
_soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (_hard, _hard))


class Witness:
    """Checks in every 250 ms on one authenticated connection, and opens a fresh connection
    (Hello + check-in) and asks /healthz every second, in a thread."""

    def __init__(self, prog):
        self.prog = prog
        self.ws = prog.raw("witness")
        self.stop_flag = threading.Event()
        self.acks, self.failures, self.fresh, self.health = 0, [], 0, 0
        self.slowest = 0.0
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        last_fresh = 0.0
        while not self.stop_flag.is_set():
            began = time.monotonic()
            try:
                reply = self.ws.call(hs.check_in(self.prog.patrols["witness"], request_id=0), timeout=10)
                if reply.WhichOneof("body") == "ack":
                    self.acks += 1
                else:
                    self.failures.append(E.ErrorCode.Name(reply.error.code))
                if began - last_fresh > 1:
                    last_fresh = began
                    welcome, fresh = asyncio.run(self.prog._witness_check_in())
                    if welcome.WhichOneof("body") == "welcome" and fresh.WhichOneof("body") == "ack":
                        self.fresh += 1
                    else:
                        self.failures.append("fresh connection refused")
                    status, _ = hs.http_get(self.prog.port, "/healthz", timeout=10)
                    if status == 200:
                        self.health += 1
                    else:
                        self.failures.append(f"/healthz {status}")
            except Exception as e:  # noqa: BLE001 - recorded and asserted on
                self.failures.append(type(e).__name__)
            self.slowest = max(self.slowest, time.monotonic() - began)
            self.stop_flag.wait(0.25)

    def stop(self):
        self.stop_flag.set()
        self.thread.join(30)
        self.ws.close()


def silent_websockets(port, count, budget_s, max_pending=300):
    """Opens `count` WebSockets from 127.0.0.2..41 that never send anything. Returns per
    connection [opened_at, closed_at, close code, reason, status], the most open at once and
    the seconds it all took, from one epoll loop."""
    sel = selectors.DefaultSelector()
    started = time.monotonic()
    conns, done, pending, next_index, open_now, peak = [], 0, 0, 0, 0, 0
    while done < count and time.monotonic() - started < budget_s:
        while next_index < count and pending < max_pending:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setblocking(False)
            sock.bind((f"127.0.0.{2 + next_index % 40}", 0))
            err = sock.connect_ex(("127.0.0.1", port))
            if err not in (0, errno.EINPROGRESS):
                raise OSError(err, "connect")
            state = {"sock": sock, "stage": "connect", "buf": b"", "row": [None, None, None, None, None]}
            conns.append(state["row"])
            sel.register(sock, selectors.EVENT_WRITE, state)
            next_index += 1
            pending += 1
        for key, _ in sel.select(timeout=0.05):
            st = key.data
            sock, row = st["sock"], st["row"]
            if st["stage"] == "connect":
                err = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if err:
                    row[1], row[3] = time.monotonic(), f"connect: {errno.errorcode.get(err, err)}"
                    pending -= 1
                    sel.unregister(sock)
                    sock.close()
                    done += 1
                    continue
                sock.send(hs.RawWs.upgrade_request())
                st["stage"] = "head"
                sel.modify(sock, selectors.EVENT_READ, st)
                continue
            try:
                chunk = sock.recv(4096)
            except ConnectionResetError:
                chunk = b""
            now = time.monotonic()
            if not chunk:  # ended without a close frame
                row[1] = now
                pending -= st["stage"] == "head"
            else:
                st["buf"] += chunk
                if st["stage"] == "head" and b"\r\n\r\n" in st["buf"]:
                    head, st["buf"] = st["buf"].split(b"\r\n\r\n", 1)
                    row[0], row[4] = now, int(head.split()[1])
                    st["stage"] = "open"
                    pending -= 1
                    open_now += 1
                    peak = max(peak, open_now)
                buf = st["buf"]
                if st["stage"] == "open" and len(buf) >= 2:
                    n = buf[1] & 0x7F
                    if buf[0] & 0x0F == 0x8 and len(buf) >= 2 + n:
                        row[1], row[2] = now, struct.unpack("!H", buf[2:4])[0]
                        row[3] = buf[4:2 + n].decode("utf-8", "replace")
                    elif buf[0] & 0x0F != 0x8:
                        row[1], row[3] = now, "unexpected frame"
            if row[1] is not None:
                open_now -= row[0] is not None
                sel.unregister(sock)
                sock.close()
                done += 1
    for key in list(sel.get_map().values()):
        key.fileobj.close()
    return conns, peak, time.monotonic() - started


class LoadTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.prog = hs.Programme(["--hello-timeout-s", str(DEADLINE_S)], drain_stderr=True)

    @classmethod
    def tearDownClass(cls):
        code = cls.prog.stop()
        assert code == 0, f"server exited with {code}"

    def tearDown(self):
        self.prog.assert_still_serving(self)

    def test_1000_requests_per_second_from_one_device_are_rate_limited(self):
        prog = self.prog
        total = 1000

        async def flood():
            async with hs.websockets.connect(prog.uri, compression=None, max_queue=None) as ws:
                await ws.send(hs.hello(prog.tokens["flooder"]).SerializeToString())
                self.assertEqual(hs.parse_server(await ws.recv()).WhichOneof("body"), "welcome")
                replies, answers = {}, 0

                async def read():
                    nonlocal answers
                    while answers < total:
                        msg = hs.parse_server(await ws.recv())
                        if msg.request_id >= 100:
                            answers += 1
                            replies.setdefault(msg.request_id, []).append(msg)

                reader = asyncio.create_task(read())
                loop = asyncio.get_running_loop()
                began = loop.time()
                for i in range(total):
                    delay = began + i / 1000 - loop.time()
                    if delay > 0:
                        await asyncio.sleep(delay)
                    await ws.send(hs.check_in(prog.patrols["flooder"], request_id=100 + i).SerializeToString())
                sent_in = loop.time() - began
                await asyncio.wait_for(reader, 60)
                answered_in = loop.time() - began
                await asyncio.sleep(0.2)  # four tokens' worth
                await ws.send(hs.check_in(prog.patrols["flooder"], request_id=5).SerializeToString())
                while True:
                    after = hs.parse_server(await asyncio.wait_for(ws.recv(), 5))
                    if after.request_id == 5:
                        return replies, sent_in, answered_in, after

        witness = Witness(prog)
        try:
            replies, sent_in, answered_in, after = asyncio.run(flood())
        finally:
            witness.stop()
        self.assertLess(sent_in, 1.5, "could not send 1,000 a second")
        self.assertEqual(sorted(replies), list(range(100, 100 + total)))
        self.assertTrue(all(len(v) == 1 for v in replies.values()), "a request got two replies")
        kinds = [v[0].WhichOneof("body") for v in replies.values()]
        limited = [v[0] for v in replies.values() if v[0].WhichOneof("body") == "error"]
        self.assertEqual({E.ErrorCode.Name(m.error.code) for m in limited}, {"ERROR_CODE_RESOURCE_EXHAUSTED"})
        self.assertEqual({m.error.message for m in limited}, {"too many requests; slow down"})
        acked = kinds.count("ack")
        print(f"\n1,000 check-ins sent in {sent_in:.2f} s, all answered in {answered_in:.2f} s: "
              f"{acked} acked, {len(limited)} RESOURCE_EXHAUSTED", flush=True)
        self.assertEqual(acked + len(limited), total)
        self.assertGreaterEqual(acked, BURST)
        self.assertLessEqual(acked, BURST + RATE * answered_in + 1)
        self.assertEqual(after.WhichOneof("body"), "ack")
        self.assertEqual(witness.failures, [])
        self.assertGreater(witness.acks, 0)

    def test_a_device_that_sends_before_it_reads_is_slowed_not_closed(self):
        # A phone flushing its offline queue over a slow link: 3,000 requests written
        # before any reply is read, through a 4 KiB receive buffer. The server must stop
        # reading rather than close it as a slow consumer, and answer every request.
        prog = self.prog
        total = 3000
        ws = prog.raw("pipeliner", rcvbuf=4096, mss=536)
        # A small send buffer too, so the sender blocks soon after the server stops reading.
        ws.sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
        before = hs.metric(prog.metrics_port, "gadehold_slow_consumers_closed_total")
        frames = b"".join(ws.frame(hs.check_in(prog.patrols["pipeliner"], request_id=100 + i).SerializeToString())
                          for i in range(total))
        sent = threading.Event()

        def send_all():
            ws.sock.sendall(frames)
            sent.set()

        sender = threading.Thread(target=send_all, daemon=True)
        sender.start()
        time.sleep(2)  # long enough for the server to answer what it has read and find nobody reading
        replies = {}
        while len(replies) < total:
            _, opcode, payload = ws.recv_frame(timeout=30)
            self.assertNotEqual(opcode, 8, "closed with %r" % payload[:2])
            if opcode == 2:
                reply = hs.parse_server(payload)
                if reply.request_id >= 100:
                    self.assertNotIn(reply.request_id, replies, "a request got two replies")
                    replies[reply.request_id] = reply.WhichOneof("body")
        sender.join(10)
        self.assertTrue(sent.is_set())
        self.assertEqual(sorted(replies), list(range(100, 100 + total)))
        self.assertEqual(set(replies.values()), {"ack", "error"})
        self.assertEqual(hs.metric(prog.metrics_port, "gadehold_slow_consumers_closed_total"), before)
        time.sleep(0.3)  # a few tokens of the rate limit
        self.assertEqual(ws.call(hs.check_in(prog.patrols["pipeliner"])).WhichOneof("body"), "ack")
        ws.close()
        print(f"\n{total} requests sent before reading: {list(replies.values()).count('ack')} acked, "
              f"the rest rate-limited, none lost, not closed", flush=True)

    def test_10000_connections_without_hello_are_all_closed_on_their_deadline(self):
        prog = self.prog
        witness = Witness(prog)
        try:
            rows, peak, took = silent_websockets(prog.port, SILENT, budget_s=120)
        finally:
            witness.stop()
        self.assertEqual(len(rows), SILENT)
        self.assertEqual([r for r in rows if r[4] != 101][:3], [], "an upgrade failed")
        self.assertEqual([r for r in rows if r[2] != 1008 or r[3] != "authentication timeout"][:3], [])
        lifetimes = sorted(r[1] - r[0] for r in rows)
        self.assertGreaterEqual(lifetimes[0], DEADLINE_S - 0.3)
        self.assertLess(lifetimes[-1], DEADLINE_S + 2, "a connection outlived its deadline")
        self.assertLess(took, 90)
        self.assertEqual(witness.failures, [])
        self.assertGreater(witness.acks, 4)
        self.assertGreater(witness.fresh, 0)
        self.assertLess(witness.slowest, 5)
        # Every session is gone: only the witness of the final check will connect.
        for _ in range(50):
            status, body = hs.http_get(prog.metrics_port, "/healthz")  # the full one counts connections
            if json.loads(body)["connections"] == 0:
                break
            time.sleep(0.2)
        self.assertEqual(json.loads(body)["connections"], 0)
        print(f"\n{SILENT} silent connections: all closed 1008 after {lifetimes[0]:.2f}..{lifetimes[-1]:.2f} s "
              f"(median {lifetimes[len(lifetimes) // 2]:.2f} s), at most {peak} open at once; the run took {took:.1f} s; "
              f"witness: {witness.acks} acks, slowest {witness.slowest:.2f} s", flush=True)


if __name__ == "__main__":
    hs.main()
