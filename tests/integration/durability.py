"""Shared by the crash and storage-error tests: a team of paired volunteers on patrol,
the writes they send, and the checks of the database file afterwards."""
import asyncio
import signal
import sqlite3
import time

import websockets  # Debian python3-websockets
from gadehold.v1 import envelope_pb2, identity_pb2, patrol_pb2, session_pb2  # generated

# Copenhagen: inside the area's geohash prefix u3bu.
LAT, LON = 55.6761, 12.5683


def now_ms():
    return int(time.time() * 1000)


def parse(frame):
    msg = envelope_pb2.ServerMessage()
    msg.ParseFromString(frame)
    return msg


def hello(request_id, token):
    msg = envelope_pb2.ClientMessage(request_id=request_id)
    msg.hello.protocol_version = 1
    msg.hello.device_token = token
    return msg.SerializeToString()


def check_in(request_id, client_id, patrol_id, at_ms):
    return envelope_pb2.ClientMessage(request_id=request_id, check_in=patrol_pb2.CheckIn(
        client_id=client_id, patrol_id=patrol_id, at_ms=at_ms,
        location=patrol_pb2.Location(lat=LAT, lon=LON),
        status=patrol_pb2.CHECK_IN_STATUS_OK)).SerializeToString()


def note(request_id, client_id, patrol_id, at_ms):
    return envelope_pb2.ClientMessage(request_id=request_id, submit_note=patrol_pb2.SubmitNote(
        client_id=client_id, patrol_id=patrol_id, at_ms=at_ms,
        category=patrol_pb2.NOTE_CATEGORY_CONVERSATION, outcome=patrol_pb2.NOTE_OUTCOME_ADVICE_GIVEN,
        age_band=patrol_pb2.AGE_BAND_16_17, group_size=3,
        text="talked by the station about football and school")).SerializeToString()


async def call(ws, request_id, msg):
    msg.request_id = request_id
    await ws.send(msg.SerializeToString())
    while True:
        reply = parse(await asyncio.wait_for(ws.recv(), 10))
        if reply.request_id == request_id:
            if reply.WhichOneof("body") == "error":
                raise RuntimeError(f"request {request_id} failed: {reply.error.code} {reply.error.field}")
            return reply


class Fleet:
    """A coordinator, one area, one team, and `count` volunteers in patrols of two.

    devices: [(device_token, patrol_id)], one per volunteer.
    """

    def __init__(self):
        self.devices = []

    @classmethod
    async def create(cls, server, count):
        fleet = cls()
        uri = f"ws://127.0.0.1:{server.port}/v1/ws"
        code = server.init_output.strip().splitlines()[-1]
        async with websockets.connect(uri, compression=None) as ws:
            Msg = envelope_pb2.ClientMessage
            await call(ws, 1, Msg(redeem_invite=session_pb2.RedeemInvite(
                invite_code=code, handle="coordinator", device_name="laptop")))
            area = await call(ws, 2, Msg(create_area=identity_pb2.CreateArea(
                name="Centre", geohash_prefixes=["u3bu"])))
            team = await call(ws, 3, Msg(create_team=identity_pb2.CreateTeam(name="Night")))
            invites = []
            for i in range(count):
                reply = await call(ws, 10 + i, Msg(create_invite=identity_pb2.CreateInvite(
                    role=session_pb2.ROLE_VOLUNTEER, team_id=team.ack.id)))
                invites.append(reply.invite_created.invite_code)
        members = []
        for i, invite in enumerate(invites):
            async with websockets.connect(uri, compression=None) as ws:
                welcome = await call(ws, 1, envelope_pb2.ClientMessage(
                    redeem_invite=session_pb2.RedeemInvite(
                        invite_code=invite, handle=f"walker-{i}", device_name="phone")))
                members.append((welcome.welcome.device_token, welcome.welcome.volunteer_id))
        for i in range(0, count - 1, 2):
            (token, _), (partner_token, partner) = members[i], members[i + 1]
            async with websockets.connect(uri, compression=None) as ws:
                await ws.send(hello(1, token))
                parse(await asyncio.wait_for(ws.recv(), 10))
                start = await call(ws, 2, envelope_pb2.ClientMessage(
                    start_patrol=patrol_pb2.StartPatrol(
                        client_id=f"00000000-0000-4000-8000-{i:012d}", area_id=area.ack.id,
                        member_ids=[partner], checkin_interval_s=7200,
                        started_at_ms=welcome.welcome.server_time_ms)))
            fleet.devices += [(token, start.ack.id), (partner_token, start.ack.id)]
        return fleet


def stop_gracefully(server):
    """SIGTERM and wait, keeping the folder so that the database can be read."""
    server.proc.send_signal(signal.SIGTERM)
    return server.proc.wait(timeout=60)


def check_database(path, acked, sent):
    """Checks the file after a clean stop. acked: {server id: "check_in" | "note"}.

    Returns a list of failures.
    """
    failures = []
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        integrity = db.execute("PRAGMA integrity_check").fetchall()
        if integrity != [("ok",)]:
            failures.append(f"integrity_check: {integrity[:5]}")
        foreign = db.execute("PRAGMA foreign_key_check").fetchall()
        if foreign:
            failures.append(f"foreign_key_check: {foreign[:5]}")
        for kind, table in (("check_in", "check_ins"), ("note", "notes")):
            want = {i for i, k in acked.items() if k == kind}
            have = [row[0] for row in db.execute(f"SELECT id FROM {table}")]
            if len(have) != len(set(have)) or set(have) != want:
                failures.append(f"{table}: {len(have)} rows stored, {len(want)} acked, "
                                f"{len(want - set(have))} acked but missing")
        writes = db.execute("SELECT count(*) FROM client_writes WHERE kind IN ('check_in', 'note')").fetchone()[0]
        if writes != sent:
            failures.append(f"client_writes: {writes} rows for {sent} distinct writes sent")
    finally:
        db.close()
    return failures
