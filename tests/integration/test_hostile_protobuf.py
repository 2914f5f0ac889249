"""Hostile input, protobuf: frames that are not valid ClientMessages, or valid ones with
values no phone would send. Sent by an authenticated device (mallory) on a raw socket.

A frame that does not parse gets Error{INVALID_ARGUMENT} with request_id 0 and the
connection stays open; one that parses but breaks a rule gets INVALID_ARGUMENT naming the
field. Every case ends by checking /healthz and another device's check-in.
"""
import time
import unittest

import hostile_support as hs

E = hs.E
P = hs.P
LIMIT = 64 * 1024


class ProtobufTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.prog = hs.Programme()
        cls.ws = cls.prog.raw("mallory")

    @classmethod
    def tearDownClass(cls):
        cls.ws.close()
        code = cls.prog.stop()
        assert code == 0, f"server exited with {code}"

    def tearDown(self):
        # The hostile connection itself is still served, and so is everyone else.
        reply = self.ws.call(hs.check_in(self.prog.patrols["mallory"], request_id=0))
        self.assertEqual(reply.WhichOneof("body"), "ack")
        self.prog.assert_still_serving(self)

    def assert_unparsable(self, frame):
        reply = self.ws.call(frame)
        self.assertEqual(reply.request_id, 0)
        self.assertEqual(reply.WhichOneof("body"), "error")
        self.assertEqual(reply.error.code, E.ERROR_CODE_INVALID_ARGUMENT)
        self.assertEqual(reply.error.message, hs.INVALID_FRAME)

    def assert_invalid_field(self, frame, request_id, field):
        reply = self.ws.call(frame) if isinstance(frame, hs.E.ClientMessage) else self._call_raw(frame, request_id)
        self.assertEqual(reply.request_id, request_id)
        self.assertEqual(reply.error.code, E.ERROR_CODE_INVALID_ARGUMENT)
        self.assertEqual(reply.error.field, field)

    def _call_raw(self, frame, request_id):
        self.ws.send_frame(frame)
        while True:
            _, opcode, payload = self.ws.recv_frame(5)
            reply = hs.parse_server(payload)
            if opcode == 2 and reply.WhichOneof("body") != "event":
                return reply

    def valid_check_in_bytes(self, request_id=41):
        return hs.check_in(self.prog.patrols["mallory"], request_id=request_id).SerializeToString()

    def test_truncated_varint(self):
        self.assert_unparsable(b"\x08\xff\xff")  # request_id whose varint never ends
        self.assert_unparsable(self.valid_check_in_bytes() + b"\x08\x80")

    def test_eleven_byte_varint(self):
        self.assert_unparsable(b"\x08" + b"\xff" * 10 + b"\x01")
        self.assert_unparsable(b"\x08" + b"\x80" * 10 + b"\x00")

    def test_length_past_the_buffer(self):
        body = hs.check_in(self.prog.patrols["mallory"]).check_in.SerializeToString()
        self.assert_unparsable(hs.varint(8) + b"\x05" + hs.tag(23, 2) + hs.varint(len(body) + 1) + body)
        self.assert_unparsable(hs.varint(8) + b"\x05" + hs.tag(23, 2) + hs.varint(0x7FFFFFFF) + body)
        self.assert_unparsable(hs.varint(8) + b"\x05" + hs.tag(23, 2) + hs.varint(1 << 63) + body)

    def test_deep_nesting(self):
        # Groups of an unknown field (9) nest on the wire without limit; the parser stops at
        # depth 100 instead of recursing 30,000 times.
        depth = 30000
        self.assert_unparsable(hs.tag(9, 3) * depth + hs.tag(9, 4) * depth)
        self.assert_unparsable(hs.tag(9, 3) * depth)
        # 101 levels fail too, 99 parse (the group is skipped as an unknown field).
        self.assert_unparsable(self.valid_check_in_bytes(42) + hs.tag(9, 3) * 101 + hs.tag(9, 4) * 101)
        reply = self.ws.call(self.valid_check_in_bytes(43) + hs.tag(9, 3) * 99 + hs.tag(9, 4) * 99, want=43)
        self.assertEqual((reply.request_id, reply.WhichOneof("body")), (43, "ack"))
        # Length-delimited unknown fields nested 5,000 deep are skipped, never parsed.
        nested = b""
        for _ in range(5000):
            nested = hs.len_field(1, nested)
        reply = self.ws.call(self.valid_check_in_bytes(44) + hs.len_field(77, nested), want=44)
        self.assertEqual((reply.request_id, reply.WhichOneof("body")), (44, "ack"))

    def test_wrong_wire_type(self):
        # CheckIn.status (field 5) as bytes: protobuf keeps it as an unknown field, so the
        # check-in has no status.
        body = hs.check_in(self.prog.patrols["mallory"]).check_in
        body.ClearField("status")
        raw = body.SerializeToString() + hs.len_field(5, b"\x01")
        self.assert_invalid_field(hs.varint(8) + b"\x2a" + hs.len_field(23, raw), 42, "status")
        # The body (field 23) as a fixed64: no body at all.
        self.assert_invalid_field(hs.varint(8) + b"\x2b" + hs.tag(23, 1) + b"\0" * 8, 43, "body")
        # Wire types 6 and 7 do not exist.
        self.assert_unparsable(hs.varint(8) + b"\x2c" + hs.tag(23, 6) + b"\0")
        self.assert_unparsable(hs.varint(8) + b"\x2c" + hs.tag(23, 7) + b"\0")

    def test_huge_unknown_fields(self):
        # Unknown fields are ignored, up to the frame limit: the check-in is acked.
        frame = self.valid_check_in_bytes(44) + hs.len_field(536870911, b"u" * (LIMIT - 400))
        self.assertLessEqual(len(frame), LIMIT)
        reply = self.ws.call(frame, want=44)
        self.assertEqual(reply.request_id, 44)
        self.assertEqual(reply.WhichOneof("body"), "ack")
        # Many small unknown fields: also ignored.
        many = b"".join(hs.tag(100 + i % 1000, 0) + b"\x01" for i in range(20000))
        reply = self.ws.call(self.valid_check_in_bytes(45) + many, want=45)
        self.assertEqual(reply.WhichOneof("body"), "ack")
        # An unknown field that claims more bytes than the frame has: unparsable.
        self.assert_unparsable(self.valid_check_in_bytes(46) + hs.tag(9999, 2) + hs.varint(1 << 30) + b"u" * 100)

    def test_a_million_repeated_elements(self):
        # A million member ids (empty strings, two bytes each) make a 2 MB frame: the
        # header alone gets the connection closed with 1009, before any of it is parsed.
        start = P.StartPatrol(client_id=hs.new_client_id(), area_id=self.prog.area, started_at_ms=hs.now_ms())
        body = start.SerializeToString() + (hs.tag(4, 2) + b"\x00") * 1_000_000
        ws = self.prog.raw("mallory")
        try:
            try:
                ws.send_frame(hs.varint(8) + b"\x2f" + hs.len_field(22, body))
            except (BrokenPipeError, ConnectionResetError):
                pass  # closed while we were still sending
            code, _, _ = ws.wait_close(5)
        finally:
            ws.close()
        self.assertEqual(code, 1009)
        # As many as fit: 32,000 member ids in one StartPatrol are refused (at most 50).
        start = P.StartPatrol(client_id=hs.new_client_id(), area_id=self.prog.area, started_at_ms=hs.now_ms())
        start.member_ids.extend("" for _ in range(32000))
        msg = E.ClientMessage(request_id=47, start_patrol=start)
        self.assertLessEqual(msg.ByteSize(), LIMIT)
        began = time.monotonic()
        reply = self.ws.call(msg)
        self.assertLess(time.monotonic() - began, 2)
        self.assertEqual(reply.error.code, E.ERROR_CODE_INVALID_ARGUMENT)
        self.assertEqual(reply.error.field, "member_ids")

    def test_invalid_utf8_in_string_field(self):
        # proto3 strings must be UTF-8; the parser refuses the whole frame.
        for bad in (b"\xff\xfe", b"\xc0\xaf", b"\xed\xa0\x80", b"ok\xf4\x90\x80\x80"):
            with self.subTest(bad=bad.hex()):
                note = (hs.tag(1, 2) + hs.varint(36) + hs.new_client_id().encode() +
                        hs.len_field(2, self.prog.patrols["mallory"].encode()) +
                        hs.tag(3, 0) + hs.varint(hs.now_ms()) + hs.tag(5, 0) + b"\x01" + hs.tag(6, 0) + b"\x01" +
                        hs.tag(7, 0) + b"\x01" + hs.tag(8, 0) + b"\x01" + hs.len_field(9, b"text " + bad))
                self.assert_unparsable(hs.varint(8) + b"\x30" + hs.len_field(25, note))
        # In the patrol id and the Hello token too.
        self.assert_unparsable(hs.varint(8) + b"\x31" + hs.len_field(23, hs.len_field(2, b"pat_\xff")))
        self.assert_unparsable(hs.varint(8) + b"\x31" + hs.len_field(10, hs.tag(1, 0) + b"\x01" + hs.len_field(2, b"\xff")))

    def test_invalid_enum_values(self):
        # proto3 enums are open: unknown numbers parse and the handler refuses them.
        for status in (7, 3, -1, 2**31 - 1):
            with self.subTest(status=status):
                body = hs.check_in(self.prog.patrols["mallory"]).check_in
                body.ClearField("status")
                raw = body.SerializeToString() + hs.tag(5, 0) + hs.varint(status)
                self.assert_invalid_field(hs.varint(8) + b"\x32" + hs.len_field(23, raw), 50, "status")
        note = P.SubmitNote(client_id=hs.new_client_id(), patrol_id=self.prog.patrols["mallory"], at_ms=hs.now_ms(),
                            outcome=P.NOTE_OUTCOME_ADVICE_GIVEN, age_band=P.AGE_BAND_ADULT, group_size=2)
        for field, number, name in ((5, 99, "category"), (5, -5, "category")):
            raw = note.SerializeToString() + hs.tag(field, 0) + hs.varint(number)
            self.assert_invalid_field(hs.varint(8) + b"\x33" + hs.len_field(25, raw), 51, name)
        note.category = P.NOTE_CATEGORY_OTHER
        raw = note.SerializeToString() + hs.tag(7, 0) + hs.varint(1000)
        self.assert_invalid_field(hs.varint(8) + b"\x34" + hs.len_field(25, raw), 52, "age_band")


if __name__ == "__main__":
    hs.main()
