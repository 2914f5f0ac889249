"""Starts the real gadehold binary for tests that use third-party clients.

Only the Debian packages python3-websockets and python3-protobuf are used; run with
/usr/bin/python3.
"""
import argparse
import asyncio
import functools
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time


REASONS_TSV = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "proto", "gadehold",
                           "v1", "reasons.tsv")


@functools.lru_cache(maxsize=None)
def load_reasons():
    """{reason: (code, set of params)} from proto/gadehold/v1/reasons.tsv, errors only."""
    reasons = {}
    with open(REASONS_TSV, encoding="utf-8") as f:
        rows = [line.rstrip("\n").split("\t") for line in f if line.strip() and not line.startswith("#")]
    for reason, code, params, _ in rows[1:]:
        if code not in ("ALERT", "RESOLVED"):
            reasons[reason] = (code, set() if params == "-" else set(params.split(",")))
    return reasons


def check_error_contract(reply, reasons=None):
    """Raises AssertionError unless an Error reply has a listed reason, the reason's code
    and only the reason's params. Replies that are not errors pass."""
    if reply.WhichOneof("body") != "error":
        return
    from gadehold.v1 import envelope_pb2

    reasons = reasons or load_reasons()
    error = reply.error
    assert error.reason in reasons, f"reason {error.reason!r} is not in reasons.tsv: {error}"
    code, params = reasons[error.reason]
    assert envelope_pb2.ErrorCode.Name(error.code) == "ERROR_CODE_" + code, f"code differs: {error}"
    assert set(error.params) <= params, f"params {sorted(error.params)} not all listed for {error.reason}"


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--proto-py", required=True)
    args, rest = parser.parse_known_args()
    sys.path.insert(0, args.proto_py)
    return args, rest


class Connection:
    """One socket; call() sends a request and waits for its reply. Pushed events that
    arrive meanwhile are kept in `pushed`, in order."""

    def __init__(self, ws):
        self.ws = ws
        self.next_id = 1
        self.pushed = []

    async def call(self, **body):
        from gadehold.v1 import envelope_pb2  # generated; on the path after parse_args()

        msg = envelope_pb2.ClientMessage(request_id=self.next_id, **body)
        self.next_id += 1
        await self.ws.send(msg.SerializeToString())
        while True:
            reply = envelope_pb2.ServerMessage()
            reply.ParseFromString(await asyncio.wait_for(self.ws.recv(), 5))
            if reply.request_id == msg.request_id:
                check_error_contract(reply)
                return reply
            if reply.request_id == 0 and reply.WhichOneof("body") == "event":
                self.pushed.append(reply.event)


async def redeem(uri, code, handle, device_name="phone"):
    """Redeems an invite on a socket of its own; returns the Welcome."""
    import websockets  # Debian python3-websockets
    from gadehold.v1 import session_pb2

    async with websockets.connect(uri) as ws:
        reply = await Connection(ws).call(redeem_invite=session_pb2.RedeemInvite(
            invite_code=code, handle=handle, device_name=device_name))
        assert reply.WhichOneof("body") == "welcome", reply
        return reply.welcome


class Server:
    """`gadehold init` + `gadehold serve` on 127.0.0.1 port 0 in a temporary folder."""

    def __init__(self, binary, extra_args=(), listen="127.0.0.1:0", drain_stderr=False,
                 directory=None, wrapper=(), metrics_listen="127.0.0.1:0"):
        """directory: an existing folder for the database (removed by stop());
        wrapper: a command the server runs under, e.g. ("prlimit", "--fsize=N", "--");
        metrics_listen: the metrics listener's address (a free port by default, so that
        servers run side by side; "" turns it off). Its port is in `metrics_port`."""
        self.binary = binary
        self.dir = directory or tempfile.mkdtemp(prefix="gadehold-py-")
        self.db = os.path.join(self.dir, "gadehold.db")
        self.init_output = subprocess.run(
            [binary, "init", "--db", self.db], check=True, capture_output=True, text=True
        ).stdout
        self.serve_args = [*wrapper, binary, "serve", "--listen", listen, "--metrics-listen", metrics_listen,
                           "--db", self.db, "--threads", "2", *extra_args]
        self.drain_stderr = drain_stderr
        self.stderr_lines = []
        self.start()

    def start(self):
        """Starts `gadehold serve` on this database: at first, and again after kill()."""
        self.proc = subprocess.Popen(self.serve_args, stderr=subprocess.PIPE)
        self._drainer = None
        self.metrics_port = None
        self.port = self._wait_for_port()
        if self.drain_stderr:
            # A server that logs a lot (thousands of connections) would block on a full
            # pipe; keep reading its log into stderr_lines until it exits.
            self._drainer = threading.Thread(target=self._drain, daemon=True)
            self._drainer.start()

    def kill(self):
        """SIGKILL, as a power cut would: no drain, no checkpoint. The folder stays."""
        self.proc.kill()
        self.proc.wait()
        if self._drainer is not None:
            self._drainer.join(timeout=10)
        self.proc.stderr.close()

    def _drain(self):
        for raw in self.proc.stderr:
            self.stderr_lines.append(raw.decode("utf-8", "replace"))

    def _wait_for_port(self):
        # Raw reads on the descriptor: a buffered readline() could swallow the line we
        # wait for into Python's buffer, where select() cannot see it.
        fd = self.proc.stderr.fileno()
        pending = b""
        deadline = time.time() + 20
        while time.time() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.5)
            if not ready:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for raw in lines:
                line = raw.decode("utf-8", "replace") + "\n"
                self.stderr_lines.append(line)
                # Logged before "listening on", when there is a metrics listener.
                metrics = re.search(r"serving metrics on [0-9.]+:(\d+)", line)
                if metrics:
                    self.metrics_port = int(metrics.group(1))
                match = re.search(r"listening on [0-9.]+:(\d+)", line)
                if match:
                    return int(match.group(1))
        self.stop()
        raise RuntimeError("server did not start: " + "".join(self.stderr_lines))

    def terminate(self):
        """SIGTERM and wait, keeping the folder, so that start() serves the same database."""
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=30)
        if self._drainer is not None:
            self._drainer.join(timeout=10)
        else:
            rest = self.proc.stderr.read().decode("utf-8", "replace")
            self.stderr_lines.extend(line + "\n" for line in rest.splitlines())
        return code

    def stop(self, sig=signal.SIGTERM):
        """Signals the server and returns its exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            code = self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
        if self._drainer is not None:
            self._drainer.join(timeout=10)
        else:
            rest = self.proc.stderr.read().decode("utf-8", "replace")
            self.stderr_lines.extend(line + "\n" for line in rest.splitlines())
        shutil.rmtree(self.dir, ignore_errors=True)
        return code
