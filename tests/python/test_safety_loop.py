"""The safety loop with a client no one here wrote (Python websockets + protobuf), over
real sockets to the real binary: the lead tells a patrol to come back, and both walkers
hear it; a volunteer raises an SOS without a patrol, the lead
who signs in a moment later sees it first with its exact position, acknowledges it, and
the volunteer and their partner hear who is on it; the volunteer resolves it ("I am
safe"); a restart keeps that, forgets the position, and raises nothing again."""
import asyncio
import unittest
import uuid

from gadehold_harness import Connection, Server, parse_args, redeem

ARGS, REST = parse_args()

import websockets  # noqa: E402  (Debian python3-websockets)
from gadehold.v1 import envelope_pb2, identity_pb2, patrol_pb2, session_pb2  # noqa: E402

WHERE = patrol_pb2.Location(lat=55.6761234, lon=12.5683456)


def cid():
    return str(uuid.uuid4())


class Client:
    """One signed-in device on its own socket; its pushed events in `c.pushed` (the
    reminders after Welcome have seq 0)."""

    def __init__(self, uri, token):
        self.uri, self.token = uri, token

    async def __aenter__(self):
        self.ws = await websockets.connect(self.uri)
        self.c = Connection(self.ws)
        reply = await self.call(hello=session_pb2.Hello(protocol_version=1, device_token=self.token))
        assert reply.WhichOneof("body") == "welcome", reply
        self.welcome = reply.welcome
        return self

    async def __aexit__(self, *exc):
        await self.ws.close()

    async def call(self, **body):
        return await self.c.call(**body)

    async def wait_event(self, kind, timeout=5):
        """The first pushed event of `kind` (with a seq) not yet taken."""
        async def next_one():
            while True:
                for i, e in enumerate(self.c.pushed):
                    if e.seq != 0 and e.WhichOneof("kind") == kind:
                        return self.c.pushed.pop(i)
                reply = envelope_pb2.ServerMessage()
                reply.ParseFromString(await self.ws.recv())
                if reply.request_id == 0 and reply.WhichOneof("body") == "event":
                    self.c.pushed.append(reply.event)
        return await asyncio.wait_for(next_one(), timeout)

    async def reminders(self):
        """The reminders that follow Welcome: a no-op read flushes them in."""
        await self.call(list_teams=identity_pb2.ListTeams())
        return [e.alert_raised for e in self.c.pushed if e.seq == 0 and e.WhichOneof("kind") == "alert_raised"]

    async def list_alerts(self, resolved_since=0):
        out, token = [], ""
        while True:
            page = (await self.call(list_alerts=patrol_pb2.ListAlerts(
                page_token=token, include_resolved_since_ms=resolved_since))).alert_list
            out.extend(page.alerts)
            token = page.next_page_token
            if not token:
                return out


async def programme(uri, coordinator_code):
    """A coordinator, team North with a lead and two volunteers; their tokens."""
    tokens = {"coordinator": (await redeem(uri, coordinator_code, "coordinator")).device_token}
    async with Client(uri, tokens["coordinator"]) as coord:
        north = (await coord.call(create_team=identity_pb2.CreateTeam(name="North"))).ack.id
        await coord.call(create_area=identity_pb2.CreateArea(name="Centre", geohash_prefixes=["u3bu"]))
        codes = {}
        for handle, role in (("lead", session_pb2.ROLE_LEAD), ("walker", session_pb2.ROLE_VOLUNTEER),
                             ("partner", session_pb2.ROLE_VOLUNTEER)):
            codes[handle] = (await coord.call(create_invite=identity_pb2.CreateInvite(
                role=role, team_id=north))).invite_created.invite_code
    for handle, code in codes.items():
        tokens[handle] = (await redeem(uri, code, handle)).device_token
    return tokens


class SafetyLoopTest(unittest.TestCase):
    def test_sos_anywhere_heard_acknowledged_and_resolved_across_a_restart(self):
        server = Server(ARGS.binary)
        try:
            self.run_loop(server)
        finally:
            server.stop()

    def run_loop(self, server):
        code = server.init_output.strip().splitlines()[-1]

        async def first_part(uri):
            tokens = await programme(uri, code)
            async with Client(uri, tokens["walker"]) as walker, Client(uri, tokens["partner"]) as partner:
                areas = (await walker.call(list_areas=identity_pb2.ListAreas())).area_list.areas
                # A patrol with the partner, ended: the walker is walking home.
                now = walker.welcome.server_time_ms
                patrol = await walker.call(start_patrol=patrol_pb2.StartPatrol(
                    client_id=cid(), area_id=areas[0].area_id, started_at_ms=now,
                    member_ids=[partner.welcome.volunteer_id]))
                self.assertEqual(patrol.WhichOneof("body"), "ack", patrol)
                # One open patrol at a time.
                twice = await walker.call(start_patrol=patrol_pb2.StartPatrol(
                    client_id=cid(), area_id=areas[0].area_id, started_at_ms=now))
                self.assertEqual(twice.error.code, envelope_pb2.ERROR_CODE_FAILED_PRECONDITION)
                self.assertEqual(twice.error.field, "patrol_id")
                self.assertEqual(twice.error.reason, "ALREADY_ON_PATROL")  # from reasons.tsv, for apps to translate
                # The lead tells the patrol to come back; both walkers hear it.
                async with Client(uri, tokens["lead"]) as lead:
                    told = await lead.call(send_patrol_message=patrol_pb2.SendPatrolMessage(
                        client_id=cid(), patrol_id=patrol.ack.id, text="come back to base"))
                    self.assertEqual(told.WhichOneof("body"), "ack", told)
                for member in (walker, partner):
                    got = (await member.wait_event("patrol_message")).patrol_message
                    self.assertEqual((got.message_id, got.text, got.from_handle),
                                     (told.ack.id, "come back to base", "lead"))
                # Ended by the partner first; the walker's own EndPatrol is then no failure.
                end = patrol_pb2.EndPatrol(patrol_id=patrol.ack.id, ended_at_ms=now)
                end.client_id = cid()
                self.assertFalse((await partner.call(end_patrol=end)).ack.duplicate)
                end.client_id = cid()
                again = await walker.call(end_patrol=end)
                self.assertTrue(again.ack.duplicate)

                sos = await walker.call(raise_sos=patrol_pb2.RaiseSos(
                    client_id=cid(), location=WHERE, message="followed on the way home"))
                self.assertEqual(sos.WhichOneof("body"), "ack", sos)
                sos_id = sos.ack.id

                # The lead signs in afterwards: the SOS comes first, with its position.
                async with Client(uri, tokens["lead"]) as lead:
                    seen = await lead.reminders()
                    self.assertEqual(seen[0].alert_id, sos_id)
                    self.assertEqual(seen[0].state, patrol_pb2.ALERT_STATE_OPEN)
                    self.assertAlmostEqual(seen[0].location.lat, WHERE.lat)
                    listed = await lead.list_alerts()
                    self.assertEqual(listed[0].alert_id, sos_id)
                    self.assertAlmostEqual(listed[0].location.lon, WHERE.lon)

                    ack = await lead.call(acknowledge_alert=patrol_pb2.AcknowledgeAlert(
                        alert_id=sos_id, note="calling you now"))
                    self.assertFalse(ack.ack.duplicate)
                heard = await walker.wait_event("alert_acknowledged")
                self.assertEqual(heard.alert_acknowledged.alert_id, sos_id)
                self.assertEqual(heard.alert_acknowledged.acknowledged_by_handle, "lead")
                self.assertEqual(heard.alert_acknowledged.note, "calling you now")
                self.assertEqual(heard.alert_acknowledged.alert.state, patrol_pb2.ALERT_STATE_ACKNOWLEDGED)

                done = await walker.call(resolve_alert=patrol_pb2.ResolveAlert(
                    client_id=cid(), alert_id=sos_id, note="I am safe"))
                self.assertFalse(done.ack.duplicate)
            return tokens, sos_id

        uri = f"ws://127.0.0.1:{server.port}/v1/ws"
        tokens, sos_id = asyncio.run(first_part(uri))

        # A restart: resolved stays resolved, nothing is raised again, the position is gone.
        self.assertEqual(server.terminate(), 0)
        server.start()
        uri = f"ws://127.0.0.1:{server.port}/v1/ws"

        async def second_part():
            async with Client(uri, tokens["lead"]) as lead:
                self.assertEqual(await lead.reminders(), [])
                self.assertEqual(await lead.list_alerts(), [])
                history = await lead.list_alerts(resolved_since=1)
                self.assertEqual([a.alert_id for a in history], [sos_id])
                self.assertEqual(history[0].state, patrol_pb2.ALERT_STATE_RESOLVED)
                self.assertEqual(history[0].resolved_by_handle, "walker")
                self.assertEqual(history[0].resolve_note, "I am safe")
                self.assertEqual(history[0].acknowledged_by_handle, "lead")
                self.assertFalse(history[0].HasField("location"))
                self.assertEqual(history[0].cell, "u3butz")

        asyncio.run(second_part())
        log = "".join(server.stderr_lines)
        for secret in ("55.676", "12.568", "followed on the way home", "calling you now", "I am safe",
                       "come back to base"):
            self.assertNotIn(secret, log)


if __name__ == "__main__":
    unittest.main(argv=[__file__, *REST])
