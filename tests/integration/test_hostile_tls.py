"""Hostile input on the TLS port: plain text where a TLS ClientHello belongs, and a client
that offers nothing newer than TLS 1.0 (the server allows TLS 1.2 and 1.3 only).

The certificate is self-signed, made at test time. Every case ends by checking /healthz
over TLS and another device's check-in over wss.
"""
import os
import socket
import struct
import tempfile
import time
import unittest

import hostile_support as hs

DEADLINE_S = 3
ALERT, FATAL, PROTOCOL_VERSION = 21, 2, 70


def client_hello(version, suites=(0x002F, 0x0035, 0xC013, 0xC014, 0x00FF)):
    """A ClientHello whose only version is `version` (no supported_versions extension)."""
    extensions = (
        struct.pack("!HHH", 0x000A, 4, 2) + struct.pack("!H", 0x0017)  # supported_groups: secp256r1
        + struct.pack("!HHB", 0x000B, 2, 1) + b"\x00"  # ec_point_formats: uncompressed
        + struct.pack("!HHH", 0x000D, 6, 4) + struct.pack("!HH", 0x0804, 0x0401)  # signature_algorithms
    )
    body = (struct.pack("!H", version) + os.urandom(32) + b"\x00"
            + struct.pack("!H", 2 * len(suites)) + b"".join(struct.pack("!H", s) for s in suites)
            + b"\x01\x00" + struct.pack("!H", len(extensions)) + extensions)
    handshake = b"\x01" + len(body).to_bytes(3, "big") + body
    return struct.pack("!BHH", 22, 0x0301, len(handshake)) + handshake


def exchange(port, data, timeout=DEADLINE_S + 5):
    """Sends `data` and reads until the server ends the connection; returns (bytes, seconds)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        start = time.monotonic()
        sock.sendall(data)
        received = b""
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            received += chunk
        return received, time.monotonic() - start


class TlsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cert, key, ctx = hs.self_signed_cert(cls.tmp.name)
        cls.prog = hs.Programme(["--tls-cert", cert, "--tls-key", key, "--hello-timeout-s", str(DEADLINE_S)], tls=ctx)

    @classmethod
    def tearDownClass(cls):
        code = cls.prog.stop()
        cls.tmp.cleanup()
        assert code == 0, f"server exited with {code}"

    def tearDown(self):
        self.prog.assert_still_serving(self)

    def test_plain_text_to_the_tls_port(self):
        for text in (b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                     hs.RawWs.upgrade_request(),
                     b"\x00" * 64):
            with self.subTest(text=text[:12]):
                received, elapsed = exchange(self.prog.port, text)
                # No HTTP answer and no data: OpenSSL fails the handshake on the first record.
                self.assertNotIn(b"HTTP/", received)
                self.assertIn(received, (b"", ), "unexpected bytes: " + received[:16].hex())
                self.assertLess(elapsed, DEADLINE_S - 1, "waited for the deadline instead of failing at once")

    def test_tls_1_0_only_client_hello_gets_protocol_version_alert(self):
        for version in (0x0301, 0x0302):
            with self.subTest(version=hex(version)):
                received, elapsed = exchange(self.prog.port, client_hello(version))
                self.assertGreaterEqual(len(received), 7, "no alert")
                content_type, _, length = struct.unpack("!BHH", received[:5])
                self.assertEqual((content_type, length), (ALERT, 2))
                self.assertEqual((received[5], received[6]), (FATAL, PROTOCOL_VERSION))
                self.assertEqual(len(received), 7)
                self.assertLess(elapsed, DEADLINE_S - 1)
        # The same hello offering TLS 1.2 gets a ServerHello: the refusal is about the version.
        received, _ = self._first_record(client_hello(0x0303, suites=(0xC02F, 0xC030)))
        self.assertEqual(received[0], 22)  # handshake

    def _first_record(self, data):
        with socket.create_connection(("127.0.0.1", self.prog.port), timeout=5) as sock:
            sock.sendall(data)
            return sock.recv(5), None


if __name__ == "__main__":
    hs.main()
