"""Storage errors: a full disk, a file-size limit, and a read-only file system.

The first two make real writes fail under a running server. Every write must then be
answered Error{UNAVAILABLE}, never Ack; /healthz must answer 503, and the full one (on
the metrics listener) say the writes are failing; nothing acked may be lost; and nothing refused may have been stored. The full disk is a
small tmpfs and the read-only file system a read-only bind mount (mounting needs root;
without it those cases say they are skipped). The file-size limit (prlimit --fsize)
needs nothing. A server started on a read-only file system must exit 1 with one line.
"""
import asyncio
import errno
import json
import os
import subprocess
import sys
import tempfile
import unittest
import urllib.error
import urllib.request
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from gadehold_harness import Server, parse_args  # noqa: E402

ARGS, REST = parse_args()

import websockets  # noqa: E402  (Debian python3-websockets)
import durability  # noqa: E402
from gadehold.v1 import envelope_pb2  # noqa: E402

UNAVAILABLE = envelope_pb2.ERROR_CODE_UNAVAILABLE


def healthz(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


class Writer:
    """One volunteer's device: sends check-ins and remembers what each got."""

    def __init__(self, token, patrol_id):
        self.token, self.patrol_id = token, patrol_id
        self.acked = {}     # client_id -> server id
        self.refused = []   # client_ids answered UNAVAILABLE
        self.other = []     # anything else: a failure
        self.at_ms = {}

    async def send(self, port, count, stop_after_refusals=None, client_ids=None):
        async with websockets.connect(f"ws://127.0.0.1:{port}/v1/ws", compression=None) as ws:
            await ws.send(durability.hello(1, self.token))
            durability.parse(await asyncio.wait_for(ws.recv(), 10))
            replies = []
            ids = client_ids or [str(uuid.uuid4()) for _ in range(count)]
            for n, cid in enumerate(ids, start=2):
                self.at_ms.setdefault(cid, durability.now_ms())
                await ws.send(durability.check_in(n, cid, self.patrol_id, self.at_ms[cid]))
                while True:
                    msg = durability.parse(await asyncio.wait_for(ws.recv(), 30))
                    if msg.request_id == n:
                        break
                replies.append((cid, msg))
                body = msg.WhichOneof("body")
                if body == "ack":
                    self.acked.setdefault(cid, msg.ack.id)
                elif body == "error" and msg.error.code == UNAVAILABLE:
                    self.refused.append(cid)
                    if stop_after_refusals and len(self.refused) >= stop_after_refusals:
                        break
                else:
                    self.other.append(f"{body} {msg.error.code if body == 'error' else ''}")
            return replies


class StorageErrorTest(unittest.TestCase):
    def run_case(self, break_storage, repair_storage, server):
        """break_storage() makes writes fail; repair_storage() undoes it (it may restart)."""
        fleet = asyncio.run(durability.Fleet.create(server, 2))
        w = Writer(*fleet.devices[0])
        asyncio.run(w.send(server.port, 20))
        self.assertEqual(len(w.acked), 20)
        self.assertEqual(healthz(server.port)[0], 200)

        break_storage()
        asyncio.run(w.send(server.port, 3000, stop_after_refusals=5))
        self.assertEqual(w.other, [])
        self.assertGreaterEqual(len(w.refused), 5, "no write was refused on broken storage")
        status, body = healthz(server.port)
        self.assertEqual((status, body["status"]), (503, "unavailable"))
        self.assertNotIn("writes", body, "the public /healthz says only status and schema version")
        status, body = healthz(server.metrics_port)
        self.assertEqual((status, body["writes"], body["status"]), (503, "failing", "unavailable"))

        repair_storage()
        before = dict(w.acked)
        asyncio.run(w.send(server.port, 5))
        self.assertEqual(len(w.acked), len(before) + 5, "writes do not work again after repair")
        self.assertEqual(healthz(server.port)[0], 200)

        # Every acked write is stored once; every refused one was not stored at all.
        w2 = Writer(w.token, w.patrol_id)
        w2.at_ms = w.at_ms
        replies = asyncio.run(w2.send(server.port, 0, client_ids=list(w.acked) + w.refused))
        for cid, msg in replies:
            self.assertEqual(msg.WhichOneof("body"), "ack")
            if cid in w.acked:
                self.assertEqual((msg.ack.duplicate, msg.ack.id), (True, w.acked[cid]))
            else:
                self.assertFalse(msg.ack.duplicate, "a write answered UNAVAILABLE had been stored")
        self.assertEqual(durability.stop_gracefully(server), 0)
        acked = {i: "check_in" for i in w2.acked.values()}
        self.assertEqual(durability.check_database(server.db, acked, len(acked)), [])
        return len(w.refused)

    def test_file_size_limit(self):
        server = Server(ARGS.binary, [], drain_stderr=True,
                        wrapper=("prlimit", "--fsize=2000000", "--"))
        try:
            def repair():
                # A limit cannot be lifted from outside; restart without it, as an operator would.
                durability.stop_gracefully(server)
                server.serve_args = server.serve_args[3:]
                server.start()
            refused = self.run_case(lambda: None, repair, server)
            print(f"file-size limit: {refused} writes refused", file=sys.stderr)
        finally:
            server.stop()

    def mounted_case(self, name, size, break_storage, repair_storage):
        mount_point = tempfile.mkdtemp(prefix="gadehold-tmpfs-")
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", mount_point],
                                 capture_output=True)
        if mounted.returncode != 0:
            os.rmdir(mount_point)
            self.skipTest(f"{name}: mounting a tmpfs is not permitted here")
        try:
            os.mkdir(os.path.join(mount_point, "data"))
            server = Server(ARGS.binary, [], drain_stderr=True,
                            directory=os.path.join(mount_point, "data"))
            try:
                refused = self.run_case(lambda: break_storage(mount_point),
                                        lambda: repair_storage(mount_point), server)
                print(f"{name}: {refused} writes refused", file=sys.stderr)
            finally:
                server.stop()
        finally:
            subprocess.run(["umount", "-l", mount_point], check=False)
            os.rmdir(mount_point)

    def test_disk_full(self):
        filler = []

        def fill(mount_point):
            path = os.path.join(mount_point, "filler")
            filler.append(path)
            # Unbuffered: a buffered file keeps the bytes a short write left over and
            # raises ENOSPC again when it is closed.
            with open(path, "wb", buffering=0) as f:
                chunk = b"\0" * 65536
                try:
                    while True:
                        f.write(chunk)
                except OSError as e:
                    self.assertEqual(e.errno, errno.ENOSPC)

        self.mounted_case("disk full", "16m", fill, lambda _: os.remove(filler[0]))

    def test_read_only_file_system(self):
        # Linux refuses to remount a file system read-only while a process holds a file
        # on it open for writing, so this case is a restart onto a read-only bind mount.
        server = Server(ARGS.binary, [], drain_stderr=True)
        mount_point = None
        try:
            fleet = asyncio.run(durability.Fleet.create(server, 2))
            w = Writer(*fleet.devices[0])
            asyncio.run(w.send(server.port, 10))
            self.assertEqual(len(w.acked), 10)
            self.assertEqual(durability.stop_gracefully(server), 0)
            bound = subprocess.run(["mount", "--bind", server.dir, server.dir], capture_output=True)
            if bound.returncode != 0:
                self.skipTest("read-only: bind mounts are not permitted here")
            mount_point = server.dir
            subprocess.run(["mount", "-o", "remount,bind,ro", mount_point], check=True)
            refused = subprocess.run(server.serve_args, capture_output=True, text=True, timeout=60)
            self.assertEqual(refused.returncode, 1)
            last = refused.stderr.strip().splitlines()[-1]
            self.assertEqual(last, "gadehold serve: database error: sql failed: unable to open database file")
            subprocess.run(["umount", mount_point], check=True)
            mount_point = None
            server.start()
            again = Writer(w.token, w.patrol_id)
            again.at_ms = w.at_ms
            replies = asyncio.run(again.send(server.port, 0, client_ids=list(w.acked)))
            self.assertEqual([(m.ack.duplicate, m.ack.id) for _, m in replies],
                             [(True, w.acked[cid]) for cid, _ in replies])
        finally:
            if mount_point:
                subprocess.run(["umount", "-l", mount_point], check=False)
            server.stop()

if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], *REST], verbosity=2)
