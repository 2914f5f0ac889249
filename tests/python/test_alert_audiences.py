"""The loop-back table in docs/protocol.md ("The loop back"), checked against the real
binary over real sockets with Python websockets + protobuf: who receives alert_raised,
alert_acknowledged and alert_resolved for an SOS raised on a patrol of two. The table is
read from the docs, so a change on either side fails here."""
import asyncio
import os
import re
import unittest
import uuid

from gadehold_harness import Connection, Server, parse_args, redeem

ARGS, REST = parse_args()

import websockets  # noqa: E402  (Debian python3-websockets)
from gadehold.v1 import identity_pb2, patrol_pb2, session_pb2  # noqa: E402

PROTOCOL_MD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs", "protocol.md")
# The table's columns, and who in the scenario stands for each.
COLUMNS = {
    "the alert's leads and coordinators": ("lead", "coordinator"),
    "its raiser": ("walker",),
    "its patrol's members": ("partner",),
    "other volunteers": ("bystander",),
}


def documented_table():
    """{event: {column: bool}} from the markdown table after "**The loop back.**"."""
    text = open(PROTOCOL_MD, encoding="utf-8").read()
    section = text[text.index("**The loop back.**"):]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    header = [c.strip() for c in rows[0].strip("|").split("|")]
    table = {}
    for line in rows[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        if not re.fullmatch(r"`alert_\w+`", cells[0]):
            break
        table[cells[0].strip("`")] = {h: c.split()[0] == "yes" for h, c in zip(header[1:], cells[1:])}
    return table


async def scenario(uri, coordinator_code):
    """Returns {person: set of (event kind) received for the SOS} and the SOS id."""
    people = {"coordinator": await redeem(uri, coordinator_code, "coordinator")}
    sockets = {}
    sockets["coordinator"] = await websockets.connect(uri)
    coord = Connection(sockets["coordinator"])
    await coord.call(hello=session_pb2.Hello(protocol_version=1, device_token=people["coordinator"].device_token))
    team = (await coord.call(create_team=identity_pb2.CreateTeam(name="North"))).ack.id
    area = (await coord.call(create_area=identity_pb2.CreateArea(name="Centre", geohash_prefixes=["u3bu"]))).ack.id
    for handle, role in (("lead", session_pb2.ROLE_LEAD), ("walker", session_pb2.ROLE_VOLUNTEER),
                         ("partner", session_pb2.ROLE_VOLUNTEER), ("bystander", session_pb2.ROLE_VOLUNTEER)):
        code = (await coord.call(create_invite=identity_pb2.CreateInvite(role=role, team_id=team))).invite_created
        people[handle] = await redeem(uri, code.invite_code, handle)
    conns = {"coordinator": coord}
    for handle in ("lead", "walker", "partner", "bystander"):
        sockets[handle] = await websockets.connect(uri)
        conns[handle] = Connection(sockets[handle])
        await conns[handle].call(hello=session_pb2.Hello(protocol_version=1,
                                                         device_token=people[handle].device_token))
    walker, lead = conns["walker"], conns["lead"]
    now = people["walker"].server_time_ms
    patrol = (await walker.call(start_patrol=patrol_pb2.StartPatrol(
        client_id=str(uuid.uuid4()), area_id=area, started_at_ms=now,
        member_ids=[people["partner"].volunteer_id]))).ack.id
    sos = (await walker.call(raise_sos=patrol_pb2.RaiseSos(client_id=str(uuid.uuid4()), patrol_id=patrol))).ack.id
    await lead.call(acknowledge_alert=patrol_pb2.AcknowledgeAlert(alert_id=sos, note="on my way"))
    await walker.call(resolve_alert=patrol_pb2.ResolveAlert(client_id=str(uuid.uuid4()), alert_id=sos,
                                                            note="I am safe"))
    # Pushes go out after each commit; a round trip on every socket, and a moment more,
    # lets the last of them arrive.
    await asyncio.sleep(0.5)
    for c in conns.values():
        await c.call(list_teams=identity_pb2.ListTeams())
    received = {}
    for handle, c in conns.items():
        kinds = set()
        for e in c.pushed:
            kind = e.WhichOneof("kind")
            if e.seq == 0 or not kind.startswith("alert_"):
                continue
            if getattr(e, kind).alert_id == sos:
                kinds.add(kind)
        received[handle] = kinds
    for ws in sockets.values():
        await ws.close()
    return received


class AlertAudienceTableTest(unittest.TestCase):
    def test_the_documented_table_is_what_the_server_does(self):
        table = documented_table()
        self.assertEqual(set(table), {"alert_raised", "alert_acknowledged", "alert_resolved"})
        for row in table.values():
            self.assertEqual(set(row), set(COLUMNS), "the table's columns changed")
        server = Server(ARGS.binary)
        try:
            code = server.init_output.strip().splitlines()[-1]
            received = asyncio.run(scenario(f"ws://127.0.0.1:{server.port}/v1/ws", code))
        finally:
            server.stop()
        checked = 0
        for event, row in table.items():
            for column, documented in row.items():
                for person in COLUMNS[column]:
                    with self.subTest(event=event, column=column, person=person):
                        self.assertEqual(event in received[person], documented,
                                         f"{person} received: {sorted(received[person])}")
                    checked += 1
        self.assertEqual(checked, 15)


if __name__ == "__main__":
    unittest.main(argv=[__file__, *REST])
