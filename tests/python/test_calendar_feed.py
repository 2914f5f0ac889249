"""Shift calendar feeds read by clients no one here wrote: Python websockets + protobuf
for the set-up, http.client for the feed, and icalendar (Debian python3-icalendar) to parse
it. Checks the events, escaping, folding, ETag/304, updates, cancellation, revocation, and
that no volunteer's handle or id leaks into a feed."""
import asyncio
import base64
import datetime
import http.client
import os
import sys
import time
import unittest
import uuid

from gadehold_harness import Connection, Server, parse_args

ARGS, REST = parse_args()

import icalendar  # noqa: E402  (Debian python3-icalendar)
import websockets  # noqa: E402  (Debian python3-websockets)
from gadehold.v1 import envelope_pb2, identity_pb2, session_pb2, shift_pb2  # noqa: E402

HOUR_MS = 3600 * 1000
TITLE_A = "Evening walk, harbour; north side"
# Long enough to be folded; "ø" in "Fløjte" straddles octet 75 of the DESCRIPTION line.
NOTES_A = ("Meet by the blue kiosk.\nBring a torch; the path along the Fløjte quay is "
           "dark and the lamps near Nørrebro bro are out – ask at the kiosk (æøå).")
TITLE_B = "Morning round"
AREA = "Søndre havn"
HANDLES = {"coordinator": "zz-coord-kestrel", "lead": "zz-lead-pelican",
           "v1": "zz-vol-marmot", "v2": "zz-vol-ocelot"}


def utc(ms):
    return datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc)


def get(port, path, etag=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path, headers={"If-None-Match": etag} if etag else {})
        res = conn.getresponse()
        return res.status, res.headers, res.read()
    finally:
        conn.close()


class CalendarFeedTest(unittest.TestCase):
    def body_of(self, reply, kind):
        self.assertEqual(reply.WhichOneof("body"), kind, str(reply))
        return getattr(reply, kind)

    def fetch(self, port, path):
        status, headers, body = get(port, path)
        self.assertEqual(status, 200, body)
        self.assertTrue(headers["Content-Type"].startswith("text/calendar"), headers["Content-Type"])
        self.assertTrue(headers["ETag"], "no ETag")
        return headers["ETag"], body

    def events(self, body):
        """Checks the raw body's line structure, then parses it: {uid: VEVENT}."""
        self.assertTrue(body.endswith(b"\r\n"), body[-40:])
        self.assertEqual(body.count(b"\n"), body.count(b"\r\n"), "bare LF in the feed:\n%r" % body)
        for line in body.split(b"\r\n"):
            self.assertLessEqual(len(line), 75, "line longer than 75 octets: %r" % line)
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                self.fail("a fold splits a UTF-8 sequence: %r" % line)
        for secret in self.secrets:
            self.assertNotIn(secret.encode(), body, "feed leaks %r:\n%s" % (secret, body.decode()))
        cal = icalendar.Calendar.from_ical(body)
        found = {str(ev["UID"]): ev for ev in cal.walk("VEVENT")}
        self.assertEqual(len(found), len(cal.walk("VEVENT")), "duplicate UIDs")
        return found

    def check_event(self, ev, title, starts_ms, ends_ms, sequence, status, notes=None):
        self.assertEqual(str(ev["SUMMARY"]), title)
        self.assertEqual(str(ev["LOCATION"]), AREA)
        for name, ms in (("DTSTART", starts_ms), ("DTEND", ends_ms)):
            value = ev.decoded(name)
            self.assertEqual(value.utcoffset(), datetime.timedelta(0), name)
            self.assertEqual(value, utc(ms), name)
            self.assertTrue(ev[name].to_ical().endswith(b"Z"), ev[name].to_ical())
        self.assertEqual(int(ev.decoded("SEQUENCE")), sequence)
        self.assertEqual(str(ev["STATUS"]), status)
        self.assertIn("DTSTAMP", ev)
        if notes is not None:
            self.assertEqual(str(ev["DESCRIPTION"]), notes)

    async def scenario(self, port, code):
        uri = f"ws://127.0.0.1:{port}/v1/ws"
        async with websockets.connect(uri) as ws_c, websockets.connect(uri) as ws_l, \
                websockets.connect(uri) as ws_v1, websockets.connect(uri) as ws_v2:
            coord, lead, v1, v2 = (Connection(w) for w in (ws_c, ws_l, ws_v1, ws_v2))

            async def redeem(conn, invite, who):
                return self.body_of(await conn.call(redeem_invite=session_pb2.RedeemInvite(
                    invite_code=invite, handle=HANDLES[who], device_name="phone")), "welcome")

            await redeem(coord, code, "coordinator")
            team = self.body_of(await coord.call(create_team=identity_pb2.CreateTeam(name="Harbour team")), "ack").id
            area_id = self.body_of(await coord.call(create_area=identity_pb2.CreateArea(
                name=AREA, geohash_prefixes=["u3bu"])), "ack").id
            invite = self.body_of(await coord.call(create_invite=identity_pb2.CreateInvite(
                role=session_pb2.ROLE_LEAD, team_id=team)), "invite_created").invite_code
            ids = [(await redeem(lead, invite, "lead")).volunteer_id]
            for conn, who in ((v1, "v1"), (v2, "v2")):
                invite = self.body_of(await lead.call(create_invite=identity_pb2.CreateInvite(
                    role=session_pb2.ROLE_VOLUNTEER, team_id=team)), "invite_created").invite_code
                ids.append((await redeem(conn, invite, who)).volunteer_id)
            # Volunteers' handles and ids must never reach a feed (the team lead's neither).
            self.secrets = [HANDLES["lead"], HANDLES["v1"], HANDLES["v2"], *ids]

            start_a = (int(time.time()) // 60 + 2 * 24 * 60) * 60 * 1000  # now + 2 days, whole minute
            end_a = start_a + 3 * HOUR_MS
            start_b, end_b = start_a + 24 * HOUR_MS, start_a + 27 * HOUR_MS

            async def create(title, notes, starts, ends):
                return self.body_of(await lead.call(create_shift=shift_pb2.CreateShift(
                    client_id=str(uuid.uuid4()), team_id=team, area_id=area_id, starts_at_ms=starts,
                    ends_at_ms=ends, min_volunteers=1, max_volunteers=4, title=title, notes=notes)), "ack").id

            shift_a = await create(TITLE_A, NOTES_A, start_a, end_a)
            shift_b = await create(TITLE_B, "", start_b, end_b)
            self.body_of(await v1.call(sign_up=shift_pb2.SignUp(shift_id=shift_a, client_id=str(uuid.uuid4()))), "ack")

            mine = self.body_of(await v1.call(get_calendar_feed=shift_pb2.GetCalendarFeed(
                scope=shift_pb2.CALENDAR_SCOPE_MINE)), "calendar_feed")
            team_feed = self.body_of(await lead.call(get_calendar_feed=shift_pb2.GetCalendarFeed(
                scope=shift_pb2.CALENDAR_SCOPE_TEAM, team_id=team)), "calendar_feed")
            self.assertRegex(mine.url_path, r"^/v1/calendar/[A-Za-z0-9_-]+\.ics$")
            self.assertNotEqual(mine.url_path, team_feed.url_path)
            uid_a, uid_b = f"{shift_a}@gadehold", f"{shift_b}@gadehold"

            # 2 + 3: content, escaping, folding, privacy; ETag and 304.
            etag_mine, body = self.fetch(port, mine.url_path)
            evs = self.events(body)
            self.assertEqual(set(evs), {uid_a})
            self.check_event(evs[uid_a], TITLE_A, start_a, end_a, 0, "CONFIRMED", NOTES_A)
            etag_team, body = self.fetch(port, team_feed.url_path)
            sizes = [len(body)]
            evs = self.events(body)
            self.assertEqual(set(evs), {uid_a, uid_b})
            self.check_event(evs[uid_a], TITLE_A, start_a, end_a, 0, "CONFIRMED", NOTES_A)
            self.check_event(evs[uid_b], TITLE_B, start_b, end_b, 0, "CONFIRMED")
            for path, etag in ((mine.url_path, etag_mine), (team_feed.url_path, etag_team)):
                status, headers, body = get(port, path, etag)
                self.assertEqual((status, body), (304, b""))
                self.assertEqual(headers["ETag"], etag)

            # 4: moved one hour later.
            start_a, end_a = start_a + HOUR_MS, end_a + HOUR_MS
            self.body_of(await lead.call(update_shift=shift_pb2.UpdateShift(
                shift_id=shift_a, client_id=str(uuid.uuid4()), starts_at_ms=start_a, ends_at_ms=end_a)), "ack")
            status, headers, body = get(port, team_feed.url_path, etag_team)
            self.assertEqual(status, 200, "old ETag still matches after an update")
            self.assertNotEqual(headers["ETag"], etag_team)
            evs = self.events(body)
            self.assertEqual(set(evs), {uid_a, uid_b})
            self.check_event(evs[uid_a], TITLE_A, start_a, end_a, 1, "CONFIRMED", NOTES_A)
            self.check_event(evs[uid_b], TITLE_B, start_b, end_b, 0, "CONFIRMED")

            # 5: cancelled; still in MINE since volunteer 1 stays signed up.
            self.body_of(await lead.call(cancel_shift=shift_pb2.CancelShift(
                shift_id=shift_a, client_id=str(uuid.uuid4()), reason="Storm warning")), "ack")
            for path, expected in ((mine.url_path, {uid_a}), (team_feed.url_path, {uid_a, uid_b})):
                _, body = self.fetch(port, path)
                sizes.append(len(body))
                evs = self.events(body)
                self.assertEqual(set(evs), expected)
                self.check_event(evs[uid_a], TITLE_A, start_a, end_a, 2, "CANCELLED")
                self.assertTrue(str(evs[uid_a]["DESCRIPTION"]).startswith(NOTES_A))

            # 6: revocation, and a path that never existed.
            self.body_of(await v1.call(revoke_calendar_feed=shift_pb2.RevokeCalendarFeed(
                feed_id=mine.feed_id)), "ack")
            self.assertEqual(get(port, mine.url_path)[0], 404)
            self.assertEqual(get(port, team_feed.url_path)[0], 200)
            made_up = base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode()
            self.assertEqual(len(made_up), 43)
            self.assertEqual(get(port, f"/v1/calendar/{made_up}.ics")[0], 404)
            return sizes

    def test_feeds(self):
        server = Server(ARGS.binary)
        code = server.init_output.strip().splitlines()[-1]
        try:
            sizes = asyncio.run(self.scenario(server.port, code))
        finally:
            exit_code = server.stop()
        self.assertEqual(exit_code, 0)
        log = "".join(server.stderr_lines)
        self.assertNotIn("/v1/calendar/", log, "a feed path (a secret) was logged")
        print(f"calendar feeds: MINE+TEAM parsed, escaping/folding/CRLF, 304, update seq 1, "
              f"cancel seq 2, revoke 404; TEAM {sizes[0]} B, cancelled MINE {sizes[1]} B, "
              f"cancelled TEAM {sizes[2]} B", file=sys.stderr)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], *REST])
