"""The Hello exchange with a client no one here wrote: Python websockets + protobuf.

Covers plain ws and wss (TLS with a self-signed certificate made at test time).
"""
import asyncio
import os
import ssl
import subprocess
import sys
import tempfile
import unittest
import warnings

from gadehold_harness import Server, parse_args

ARGS, REST = parse_args()

import websockets  # noqa: E402  (Debian python3-websockets)
from gadehold.v1 import envelope_pb2  # noqa: E402  (generated from proto/ at build time)


def hello(request_id, token, version=1):
    msg = envelope_pb2.ClientMessage(request_id=request_id)
    msg.hello.protocol_version = version
    msg.hello.device_token = token
    return msg.SerializeToString()


def parse(frame):
    msg = envelope_pb2.ServerMessage()
    msg.ParseFromString(frame)
    return msg


async def exchange(uri, ssl_context=None):
    async with websockets.connect(uri, ssl=ssl_context, compression=None) as ws:
        await ws.send(hello(7, "no-such-token"))
        first = parse(await asyncio.wait_for(ws.recv(), 5))
        await ws.send(b"\xff\xff\xff\xff\x0fnot protobuf")
        second = parse(await asyncio.wait_for(ws.recv(), 5))
        await ws.send(hello(8, "x", version=42))
        third = parse(await asyncio.wait_for(ws.recv(), 5))
        return first, second, third


class SessionStartTest(unittest.TestCase):
    def check_replies(self, replies):
        first, second, third = replies
        self.assertEqual(first.request_id, 7)
        self.assertEqual(first.WhichOneof("body"), "error")
        self.assertEqual(first.error.code, envelope_pb2.ERROR_CODE_UNAUTHENTICATED)
        self.assertEqual(second.error.code, envelope_pb2.ERROR_CODE_INVALID_ARGUMENT)
        self.assertEqual(third.request_id, 8)
        self.assertEqual(third.error.code, envelope_pb2.ERROR_CODE_FAILED_PRECONDITION)
        self.assertEqual(third.error.field, "protocol_version")

    def test_plain_ws(self):
        server = Server(ARGS.binary)
        try:
            replies = asyncio.run(exchange(f"ws://127.0.0.1:{server.port}/v1/ws"))
        finally:
            code = server.stop()
        self.check_replies(replies)
        self.assertEqual(code, 0)

    def test_text_frame_closes_with_1003(self):
        server = Server(ARGS.binary)

        async def run():
            async with websockets.connect(f"ws://127.0.0.1:{server.port}/v1/ws") as ws:
                await ws.send("text is not allowed")
                with self.assertRaises(websockets.ConnectionClosed) as ctx:
                    await asyncio.wait_for(ws.recv(), 5)
                return ctx.exception.rcvd.code

        try:
            self.assertEqual(asyncio.run(run()), 1003)
        finally:
            server.stop()

    def test_tls(self):
        with tempfile.TemporaryDirectory() as tmp:
            cert = os.path.join(tmp, "cert.pem")
            key = os.path.join(tmp, "key.pem")
            subprocess.run(
                ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                 "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1",
                 "-keyout", key, "-out", cert],
                check=True, capture_output=True,
            )
            server = Server(ARGS.binary, ["--tls-cert", cert, "--tls-key", key])
            try:
                ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
                ctx.load_verify_locations(cert)
                replies = asyncio.run(exchange(f"wss://127.0.0.1:{server.port}/v1/ws", ctx))

                # A client that offers only TLS 1.0/1.1 at security level 0; it does connect
                # to a server that allows those versions (checked against openssl s_server).
                old = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
                old.load_verify_locations(cert)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", DeprecationWarning)
                    old.minimum_version = ssl.TLSVersion.TLSv1
                    old.maximum_version = ssl.TLSVersion.TLSv1_1
                old.set_ciphers("DEFAULT@SECLEVEL=0")
                with self.assertRaises((ssl.SSLError, OSError, websockets.InvalidHandshake)):
                    asyncio.run(exchange(f"wss://127.0.0.1:{server.port}/v1/ws", old))
            finally:
                code = server.stop()
            self.check_replies(replies)
            self.assertEqual(code, 0)
            self.assertTrue(any("(wss)" in line for line in server.stderr_lines))


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], *REST])
