"""Onboarding a programme with a client no one here wrote (Python websockets + protobuf):
redeem the first coordinator invite, sign in again with the device token, create a team,
invite a volunteer, and let a second device redeem that invite."""
import asyncio
import sys
import unittest

from gadehold_harness import Connection, Server, parse_args

ARGS, REST = parse_args()

import websockets  # noqa: E402  (Debian python3-websockets)
from gadehold.v1 import envelope_pb2, identity_pb2, session_pb2  # noqa: E402


async def onboard(port, coordinator_code):
    uri = f"ws://127.0.0.1:{port}/v1/ws"
    results = {}
    async with websockets.connect(uri) as ws:
        c = Connection(ws)
        welcome = await c.call(redeem_invite=session_pb2.RedeemInvite(
            invite_code=coordinator_code.lower(), handle="coordinator", device_name="laptop"))
        results["redeem"] = welcome
    token = welcome.welcome.device_token

    async with websockets.connect(uri) as ws:
        c = Connection(ws)
        results["hello"] = await c.call(hello=session_pb2.Hello(protocol_version=1, device_token=token))
        team = await c.call(create_team=identity_pb2.CreateTeam(name="North"))
        results["team"] = team
        invite = await c.call(create_invite=identity_pb2.CreateInvite(
            role=session_pb2.ROLE_VOLUNTEER, team_id=team.ack.id))
        results["invite"] = invite

    async with websockets.connect(uri) as ws:
        c = Connection(ws)
        results["second"] = await c.call(redeem_invite=session_pb2.RedeemInvite(
            invite_code=invite.invite_created.invite_code, handle="river", device_name="phone"))
        results["teams"] = await c.call(list_teams=identity_pb2.ListTeams())

    async with websockets.connect(uri) as ws:
        c = Connection(ws)
        results["reuse"] = await c.call(redeem_invite=session_pb2.RedeemInvite(
            invite_code=invite.invite_created.invite_code, handle="another", device_name="phone"))
    return results


class OnboardingTest(unittest.TestCase):
    def test_redeem_hello_team_invite_second_device(self):
        server = Server(ARGS.binary)
        code = server.init_output.strip().splitlines()[-1]
        try:
            r = asyncio.run(onboard(server.port, code))
        finally:
            exit_code = server.stop()
        self.assertEqual(exit_code, 0)

        self.assertEqual(r["redeem"].WhichOneof("body"), "welcome")
        self.assertEqual(r["redeem"].welcome.role, session_pb2.ROLE_COORDINATOR)
        self.assertEqual(len(r["redeem"].welcome.device_token), 43)

        self.assertEqual(r["hello"].WhichOneof("body"), "welcome")
        self.assertEqual(r["hello"].welcome.volunteer_id, r["redeem"].welcome.volunteer_id)
        self.assertEqual(r["hello"].welcome.device_token, "")

        self.assertTrue(r["team"].ack.id.startswith("team_"))
        self.assertRegex(r["invite"].invite_created.invite_code, r"^([0-9A-Z]{4}-){6}[0-9A-Z]{4}$")

        second = r["second"].welcome
        self.assertEqual(second.role, session_pb2.ROLE_VOLUNTEER)
        self.assertEqual(list(second.team_ids), [r["team"].ack.id])
        self.assertNotEqual(second.device_token, r["redeem"].welcome.device_token)

        teams = r["teams"].team_list.teams
        self.assertEqual(len(teams), 1)
        self.assertEqual([m.handle for m in teams[0].members], ["river"])

        self.assertEqual(r["reuse"].error.code, envelope_pb2.ERROR_CODE_UNAUTHENTICATED)

        log = "".join(server.stderr_lines)
        self.assertNotIn(code, log)
        self.assertNotIn(r["redeem"].welcome.device_token, log)
        self.assertNotIn(r["invite"].invite_created.invite_code, log)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], *REST])
