"""Hostile input, semantics: well-formed requests with values that must be refused, or
stored exactly as sent. Sent by an authenticated North volunteer (mallory).

Each case checks the exact Error code and field, then that /healthz answers and another
device's check-in is acked.
"""
import math
import sqlite3
import unittest

import hostile_support as hs

E = hs.E
P = hs.P
SQL_TEXT = "'); DROP TABLE notes;--"


class SemanticsTest(unittest.TestCase):
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
        self.prog.assert_still_serving(self)

    def refused(self, msg, code, field):
        reply = self.ws.call(msg)
        self.assertEqual(reply.request_id, msg.request_id)
        self.assertEqual(reply.WhichOneof("body"), "error")
        self.assertEqual(E.ErrorCode.Name(reply.error.code), E.ErrorCode.Name(code))
        self.assertEqual(reply.error.field, field)
        return reply

    def mine(self, **kw):
        return hs.check_in(self.prog.patrols["mallory"], request_id=0, **kw)

    def test_latitude_91_and_other_impossible_positions(self):
        for lat, lon in ((91, 0), (-90.0000001, 0), (0, 180.5), (1e308, 1e308)):
            with self.subTest(lat=lat, lon=lon):
                self.refused(self.mine(lat=lat, lon=lon), E.ERROR_CODE_INVALID_ARGUMENT, "location")
        # The edges are fine.
        self.assertEqual(self.ws.call(self.mine(lat=90, lon=-180)).WhichOneof("body"), "ack")

    def test_nan_and_infinite_coordinates(self):
        for lat, lon in ((math.nan, 0), (0, math.nan), (math.inf, 0), (0, -math.inf)):
            with self.subTest(lat=lat, lon=lon):
                self.refused(self.mine(lat=lat, lon=lon), E.ERROR_CODE_INVALID_ARGUMENT, "location")
        note = E.ClientMessage(submit_note=P.SubmitNote(
            client_id=hs.new_client_id(), patrol_id=self.prog.patrols["mallory"], at_ms=hs.now_ms(),
            category=P.NOTE_CATEGORY_OTHER, outcome=P.NOTE_OUTCOME_ADVICE_GIVEN, age_band=P.AGE_BAND_ADULT,
            group_size=1, location=P.Location(lat=math.nan, lon=1)))
        self.refused(note, E.ERROR_CODE_INVALID_ARGUMENT, "location")

    def test_timestamp_in_2099(self):
        in_2099 = 4_070_908_800_000  # 2099-01-01T00:00:00Z
        self.refused(self.mine(at_ms=in_2099), E.ERROR_CODE_INVALID_ARGUMENT, "at_ms")
        self.refused(self.mine(at_ms=-1), E.ERROR_CODE_INVALID_ARGUMENT, "at_ms")
        self.refused(self.mine(at_ms=2**63 - 1), E.ERROR_CODE_INVALID_ARGUMENT, "at_ms")
        end = E.ClientMessage(end_patrol=P.EndPatrol(client_id=hs.new_client_id(),
                                                     patrol_id=self.prog.patrols["mallory"], ended_at_ms=in_2099))
        self.refused(end, E.ERROR_CODE_INVALID_ARGUMENT, "ended_at_ms")

    def test_check_in_on_another_teams_patrol(self):
        # Indistinguishable from a patrol that does not exist.
        self.refused(hs.check_in(self.prog.patrols["southerner"], request_id=0), E.ERROR_CODE_NOT_FOUND, "patrol_id")
        self.refused(hs.check_in("pat_does_not_exist", request_id=0), E.ERROR_CODE_NOT_FOUND, "patrol_id")
        # A patrol of mallory's own team that mallory is not walking on.
        self.refused(hs.check_in(self.prog.patrols["witness"], request_id=0), E.ERROR_CODE_NOT_FOUND, "patrol_id")

    def test_check_in_on_an_ended_patrol(self):
        self.refused(hs.check_in(self.prog.ended_patrol, request_id=0), E.ERROR_CODE_FAILED_PRECONDITION, "patrol_id")
        # Ending it again is what a partner's phone does when the other ended it first:
        # done already, so an Ack with duplicate=true, not a failure to show.
        end = E.ClientMessage(end_patrol=P.EndPatrol(client_id=hs.new_client_id(), patrol_id=self.prog.ended_patrol,
                                                     ended_at_ms=hs.now_ms()))
        reply = self.ws.call(end)
        self.assertEqual(reply.WhichOneof("body"), "ack")
        self.assertTrue(reply.ack.duplicate)
        self.assertEqual(reply.ack.id, self.prog.ended_patrol)

    def test_sql_looking_text_is_stored_scrubbed_and_intact(self):
        texts = [SQL_TEXT, "x\" OR 1=1; -- ", "%' UNION SELECT text FROM notes --",
                 SQL_TEXT + " mum on 07700 900123"]
        ids = []
        for text in texts:
            note = E.ClientMessage(submit_note=P.SubmitNote(
                client_id=hs.new_client_id(), patrol_id=self.prog.patrols["mallory"], at_ms=hs.now_ms(),
                category=P.NOTE_CATEGORY_CONVERSATION, outcome=P.NOTE_OUTCOME_NO_ACTION_NEEDED,
                age_band=P.AGE_BAND_18_24, group_size=2, text=text))
            reply = self.ws.call(note)
            self.assertEqual(reply.WhichOneof("body"), "ack")
            ids.append((reply.ack.id, reply.ack.scrub_report))
        self.assertEqual([r.phone for _, r in ids], [0, 0, 0, 1])
        # Read back through the protocol: the team lead's Sync replays the NoteRecorded events.
        lead = self.prog.raw("lead")
        try:
            stored = {}
            since = 0
            while True:
                page = lead.call(E.ClientMessage(sync=P.Sync(since_seq=since, limit=500))).sync_page
                for event in page.events:
                    if event.WhichOneof("kind") == "note_recorded":
                        stored[event.note_recorded.note_id] = event.note_recorded.text
                since = page.next_seq
                if not page.more:
                    break
        finally:
            lead.close()
        expected = texts[:3] + [SQL_TEXT + " mum on [PHONE]"]
        for (note_id, _), want in zip(ids, expected):
            self.assertIn(note_id, stored)
            self.assertTrue(stored[note_id] == want, "a note's text was not stored exactly as scrubbed")
        # And the table is still there, holding exactly those texts.
        with sqlite3.connect(f"file:{self.prog.server.db}?mode=ro", uri=True) as db:
            rows = dict(db.execute("SELECT id, text FROM notes").fetchall())
        self.assertTrue(all(rows.get(note_id) == want for (note_id, _), want in zip(ids, expected)),
                        "the notes table does not hold the scrubbed texts")

    def test_sql_looking_team_name_is_stored_intact(self):
        coordinator = hs.RawWs(self.prog.port).open()
        try:
            coordinator.authenticate(self.prog.coordinator)
            name = "Robert'); DROP TABLE teams;--"
            reply = coordinator.call(E.ClientMessage(create_team=hs.identity_pb2.CreateTeam(name=name)))
            self.assertEqual(reply.WhichOneof("body"), "ack")
            teams = coordinator.call(E.ClientMessage(list_teams=hs.identity_pb2.ListTeams())).team_list.teams
        finally:
            coordinator.close()
        self.assertEqual({t.team_id: t.name for t in teams}[reply.ack.id], name)
        self.assertEqual(len(teams), 3)

    def test_replayed_client_id_with_other_content(self):
        first = self.mine()
        original = self.ws.call(first)
        self.assertEqual(original.WhichOneof("body"), "ack")
        # The same content again: the same id, marked duplicate.
        again = self.ws.call(self.mine(client_id=first.check_in.client_id, at_ms=first.check_in.at_ms))
        self.assertEqual((again.ack.id, again.ack.duplicate), (original.ack.id, True))
        # Other content under the same client_id: CONFLICT, for every kind of difference.
        for change in ({"status": P.CHECK_IN_STATUS_NEED_SUPPORT}, {"at_ms": first.check_in.at_ms + 1},
                       {"lat": 48.8566, "lon": 2.3522}):
            with self.subTest(change=sorted(change)):
                kw = {"client_id": first.check_in.client_id, "at_ms": first.check_in.at_ms, **change}
                self.refused(self.mine(**kw), E.ERROR_CODE_CONFLICT, "client_id")
        # The same client_id for another kind of write is a conflict too.
        note = E.ClientMessage(submit_note=P.SubmitNote(
            client_id=first.check_in.client_id, patrol_id=self.prog.patrols["mallory"], at_ms=hs.now_ms(),
            category=P.NOTE_CATEGORY_OTHER, outcome=P.NOTE_OUTCOME_ADVICE_GIVEN, age_band=P.AGE_BAND_ADULT,
            group_size=1))
        self.refused(note, E.ERROR_CODE_CONFLICT, "client_id")
        # client_ids belong to a volunteer: another one may use the same UUID.
        other = self.prog.raw("witness")
        try:
            reply = other.call(hs.check_in(self.prog.patrols["witness"], request_id=0,
                                           client_id=first.check_in.client_id))
        finally:
            other.close()
        self.assertEqual(reply.WhichOneof("body"), "ack")
        self.assertFalse(reply.ack.duplicate)
        self.assertNotEqual(reply.ack.id, original.ack.id)


if __name__ == "__main__":
    hs.main()
