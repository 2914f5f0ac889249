"""Crash durability: SIGKILL the server at random moments while 50 clients write.

Each cycle: every client reconnects and re-sends the ids of the last --window cycles
(and every id whose Ack it never saw), then writes new check-ins and notes with fresh
client_ids, 4 in flight, until the server is killed at a random moment. A small
wal-autocheckpoint makes checkpoints frequent, so many kills land inside one.

Every id that was ever acknowledged must come back as Ack{duplicate=true} with the same
id. After the last cycle every client re-sends every id it ever sent; then nothing may
be stored twice, every acked id must be stored, and integrity_check and
foreign_key_check must pass.

    /usr/bin/python3 test_crash.py --binary B --proto-py P [--cycles 500] [--seed S]
"""
import argparse
import asyncio
import os
import random
import sys
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from gadehold_harness import Server, parse_args  # noqa: E402

ARGS, REST = parse_args()
extra = argparse.ArgumentParser()
extra.add_argument("--cycles", type=int, default=20)
extra.add_argument("--clients", type=int, default=50)
extra.add_argument("--window", type=int, default=20, help="cycles of ids re-sent after each restart")
extra.add_argument("--seed", type=int, default=None)
OPTS = extra.parse_args(REST)

import websockets  # noqa: E402  (Debian python3-websockets)
import durability  # noqa: E402

IN_FLIGHT = 4
RESEND_IN_FLIGHT = 32
SERVER_ARGS = [
    "--wal-autocheckpoint-pages", "8",  # a checkpoint every few commits
    "--rate-limit-per-s", "100000", "--rate-limit-burst", "1000000",
]


class Client:
    def __init__(self, token, patrol_id, rng):
        self.token = token
        self.patrol_id = patrol_id
        self.rng = rng
        self.sent = []      # [(client_id, cycle)] in sending order
        self.content = {}   # client_id -> (kind, at_ms): a re-send is the same write
        self.acked = {}     # client_id -> the id of its first Ack
        self.failures = []
        self.lost_acks = 0  # re-sent without having seen an Ack: it had been committed
        self.redone = 0     # re-sent without having seen an Ack: it had not been committed
        self.resent = None  # set when this session's re-sends are all answered

    def request(self, request_id, client_id):
        kind, at_ms = self.content[client_id]
        build = durability.note if kind == "note" else durability.check_in
        return build(request_id, client_id, self.patrol_id, at_ms)

    def on_reply(self, client_id, msg, resend):
        body = msg.WhichOneof("body")
        if body != "ack":
            detail = msg.error.code if body == "error" else body
            self.failures.append(f"{client_id}: {body} {detail}")
            return
        first = self.acked.get(client_id)
        if first is not None:
            if not msg.ack.duplicate or msg.ack.id != first:
                self.failures.append(f"{client_id}: acked as {first}, re-send gave "
                                     f"duplicate={msg.ack.duplicate} id={msg.ack.id}")
            return
        self.acked[client_id] = msg.ack.id
        if not resend:
            if msg.ack.duplicate:
                self.failures.append(f"{client_id}: first send answered duplicate=true")
        elif msg.ack.duplicate:
            self.lost_acks += 1
        else:
            self.redone += 1

    async def session(self, port, cycle, final):
        """Re-sends; then, unless final, writes new ids until the server dies."""
        resend = [cid for cid, c in self.sent
                  if final or c > cycle - OPTS.window or cid not in self.acked]
        pending = {}
        changed = asyncio.Condition()
        self.resent = asyncio.Event()
        try:
            async with websockets.connect(f"ws://127.0.0.1:{port}/v1/ws", compression=None,
                                          open_timeout=10) as ws:
                await ws.send(durability.hello(1, self.token))
                welcome = durability.parse(await asyncio.wait_for(ws.recv(), 10))
                if welcome.WhichOneof("body") != "welcome":
                    self.failures.append(f"hello answered {welcome.WhichOneof('body')}")
                    return

                async def read():
                    try:
                        async for frame in ws:
                            msg = durability.parse(frame)
                            entry = pending.pop(msg.request_id, None)
                            if entry is not None:  # else a pushed event for the patrol
                                self.on_reply(entry[0], msg, entry[1])
                                async with changed:
                                    changed.notify_all()
                    except websockets.ConnectionClosed:
                        pass  # the server was killed: the senders see reader.done()
                    finally:
                        async with changed:
                            changed.notify_all()

                reader = asyncio.create_task(read())
                request_id = 1

                async def send(cid, resent, limit):
                    nonlocal request_id
                    async with changed:
                        await changed.wait_for(lambda: len(pending) < limit or reader.done())
                    if reader.done():
                        raise websockets.ConnectionClosed(None, None)
                    request_id += 1
                    pending[request_id] = (cid, resent)
                    await ws.send(self.request(request_id, cid))

                for cid in resend:
                    await send(cid, True, RESEND_IN_FLIGHT)
                async with changed:
                    await asyncio.wait_for(changed.wait_for(lambda: not pending or reader.done()), 60)
                if pending:
                    self.failures.append(f"{len(pending)} re-sends unanswered by a live server")
                self.resent.set()
                if final:
                    reader.cancel()
                    return
                while True:
                    cid = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
                    kind = "note" if self.rng.random() < 0.25 else "check_in"
                    self.content[cid] = (kind, int(time.time() * 1000))
                    self.sent.append((cid, cycle))
                    await send(cid, False, IN_FLIGHT)
        except (websockets.ConnectionClosed, ConnectionError, OSError):
            if final or not self.resent.is_set():
                self.failures.append("the connection dropped while a live server had re-sends to answer")
        finally:
            self.resent.set()


async def cycle_once(server, clients, cycle, rng):
    tasks = [asyncio.create_task(c.session(server.port, cycle, False)) for c in clients]
    await asyncio.sleep(0)  # every session has its `resent` event now
    await asyncio.wait_for(asyncio.gather(*(c.resent.wait() for c in clients)), 120)
    # Kill at a random moment of the new writes.
    await asyncio.sleep(0.05 + rng.random() * 0.45)
    server.kill()
    await asyncio.wait_for(asyncio.gather(*tasks), 120)
    server.start()


async def run():
    seed = OPTS.seed if OPTS.seed is not None else random.SystemRandom().randrange(2**32)
    print(f"crash_test: seed {seed}, {OPTS.cycles} cycles, {OPTS.clients} clients", flush=True)
    rng = random.Random(seed)
    server = Server(ARGS.binary, SERVER_ARGS, drain_stderr=True)
    ok = False
    try:
        fleet = await durability.Fleet.create(server, OPTS.clients)
        clients = [Client(token, patrol, random.Random(rng.getrandbits(64)))
                   for token, patrol in fleet.devices]
        started = time.monotonic()
        for cycle in range(1, OPTS.cycles + 1):
            await cycle_once(server, clients, cycle, rng)
            failures = [f for c in clients for f in c.failures]
            if failures:
                print(f"cycle {cycle}: {len(failures)} failures, first: {failures[0]}")
                return False
        await asyncio.gather(*(c.session(server.port, OPTS.cycles + 1, True) for c in clients))
        elapsed = time.monotonic() - started
        code = durability.stop_gracefully(server)
        if code != 0:
            print(f"FAIL the server exited with {code} on SIGTERM")
            return False
        sent = sum(len(c.sent) for c in clients)
        acked = {c.acked[cid]: c.content[cid][0] for c in clients for cid in c.acked}
        failures = [f for c in clients for f in c.failures]
        failures += durability.check_database(server.db, acked, sent)
        print(f"crash_test: {OPTS.cycles} kill cycles in {elapsed:.1f} s; {sent} writes sent, "
              f"{len(acked)} acked; acks lost to a kill but committed: "
              f"{sum(c.lost_acks for c in clients)}; re-done after a kill: "
              f"{sum(c.redone for c in clients)}")
        for f in failures[:20]:
            print("FAIL", f)
        ok = not failures and len(acked) == sent
        if len(acked) != sent:
            print(f"FAIL {sent - len(acked)} writes never acked")
        return ok
    finally:
        server.stop()
        if not ok:
            sys.stdout.write("".join(server.stderr_lines[-30:]))


if __name__ == "__main__":
    sys.exit(0 if asyncio.run(run()) else 1)
