"""Hostile input, WebSocket framing: frames that RFC 6455 forbids or the server refuses.

Each case crafts bytes on a raw socket, checks the exact close code, then checks that the
server still answers /healthz and still acks another device's valid check-in.
Protocol violations found by Beast's frame parser close with 1002; a message over
--max-message-bytes (checked from the frame header, before any payload) with 1009; a text
message with 1003 (the server's own rule).
"""
import struct
import unittest

import hostile_support as hs

E = hs.E
LIMIT = 64 * 1024  # the default --max-message-bytes


class FramingTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.prog = hs.Programme()

    @classmethod
    def tearDownClass(cls):
        cls.exit_code = cls.prog.stop()
        assert cls.exit_code == 0, f"server exited with {cls.exit_code}"

    def closes_with(self, payload_frames, code, reason=""):
        ws = self.prog.raw()
        try:
            for frame in payload_frames:
                ws.send_raw(frame)
            got, got_reason, _ = ws.wait_close(5)
        finally:
            ws.close()
        self.assertEqual(got, code)
        self.assertEqual(got_reason, reason)

    def tearDown(self):
        self.prog.assert_still_serving(self)

    def test_unmasked_client_frame_closes_1002(self):
        self.closes_with([hs.RawWs.frame(hs.hello("x").SerializeToString(), mask=False)], 1002)

    def test_reserved_bits_close_1002(self):
        # No extension is negotiated (permessage-deflate is off), so RSV1..3 must be 0.
        for rsv in (4, 2, 1):
            with self.subTest(rsv=rsv):
                self.closes_with([hs.RawWs.frame(b"\x08\x01", rsv=rsv)], 1002)

    def test_unknown_opcodes_close_1002(self):
        for opcode in (0x3, 0x7, 0xB, 0xF):
            with self.subTest(opcode=opcode):
                self.closes_with([hs.RawWs.frame(b"\x08\x01", opcode=opcode)], 1002)

    def test_length_2_pow_63_closes_1009(self):
        # The header alone: Beast compares the declared length with the limit before
        # reading any payload, so this is "too big" (1009) rather than a size error.
        first = struct.pack("!BBQ", 0x82, 0x80 | 127, 1 << 63) + b"\x01\x02\x03\x04"
        self.closes_with([first], 1009)

    def test_ping_over_125_bytes_closes_1002(self):
        ws = self.prog.raw()
        try:
            ws.send_frame(b"p" * 125, opcode=0x9)  # the largest legal ping is answered
            fin, opcode, payload = ws.recv_frame(5)
            self.assertEqual((fin, opcode, payload), (True, 0xA, b"p" * 125))
            ws.send_frame(b"p" * 126, opcode=0x9)
            code, reason, _ = ws.wait_close(5)
        finally:
            ws.close()
        self.assertEqual((code, reason), (1002, ""))

    def test_continuation_without_start_closes_1002(self):
        self.closes_with([hs.RawWs.frame(b"\x08\x01", opcode=0x0, fin=True)], 1002)
        self.closes_with([hs.RawWs.frame(b"\x08\x01", opcode=0x0, fin=False)], 1002)

    def test_text_frame_closes_1003(self):
        self.closes_with([hs.RawWs.frame(b"hello", opcode=0x1)], 1003, "binary frames only")
        # Also as a text message valid as protobuf bytes, and fragmented.
        self.closes_with([hs.RawWs.frame(b"\x08", opcode=0x1, fin=False), hs.RawWs.frame(b"\x01", opcode=0x0)],
                         1003, "binary frames only")

    def padded_list_teams(self, size):
        """A valid ClientMessage of exactly `size` bytes: ListTeams plus an unknown field."""
        head = hs.varint(8) + b"\x07" + hs.len_field(18, b"")  # request_id 7, list_teams {}
        for pad in range(size, 0, -1):
            msg = head + hs.len_field(999, b"z" * pad)
            if len(msg) == size:
                return msg
        raise AssertionError("cannot pad")

    def test_message_in_fragments_and_parts_is_read_whole(self):
        # The server reads a message in parts, the first of at most 256 bytes
        # (ws_session.hpp): a message of one frame on either side of that size, and one
        # over several frames with a ping between them, is answered as one.
        ws = self.prog.raw()
        try:
            for size in (255, 256, 257, 3000):
                reply = ws.call(self.padded_list_teams(size), want=7)
                self.assertEqual(reply.error.code, E.ERROR_CODE_UNAUTHENTICATED, size)
            for size in (200, 257, 3000):
                body = self.padded_list_teams(size)
                ws.send_frame(body[:1], fin=False)
                ws.send_frame(body[1:size // 2], opcode=0x0, fin=False)
                ws.send_frame(b"mid", opcode=0x9)
                ws.send_frame(body[size // 2:], opcode=0x0)
                self.assertEqual(ws.recv_frame(5), (True, 0xA, b"mid"))
                fin, opcode, payload = ws.recv_frame(5)
                self.assertEqual((fin, opcode), (True, 0x2))
                reply = hs.parse_server(payload)
                self.assertEqual(reply.request_id, 7, size)
                self.assertEqual(reply.error.code, E.ERROR_CODE_UNAUTHENTICATED, size)
        finally:
            ws.close()

    def test_message_at_the_limit_is_read_one_byte_over_closes_1009(self):
        ws = self.prog.raw()
        try:
            # Exactly the limit is read and parsed: unauthenticated, it gets UNAUTHENTICATED.
            reply = ws.call(self.padded_list_teams(LIMIT), want=7)
            self.assertEqual(reply.request_id, 7)
            self.assertEqual(reply.error.code, E.ERROR_CODE_UNAUTHENTICATED)
            ws.send_frame(self.padded_list_teams(LIMIT + 1))
            code, reason, _ = ws.wait_close(5)
        finally:
            ws.close()
        self.assertEqual((code, reason), (1009, ""))
        # One byte over in two fragments: the sum is checked too.
        body = self.padded_list_teams(LIMIT + 1)
        self.closes_with([hs.RawWs.frame(body[:40000], fin=False), hs.RawWs.frame(body[40000:], opcode=0)], 1009)


if __name__ == "__main__":
    hs.main()
