#!/usr/bin/python3
"""Combines the phases of tests/load/bench.sh into a table, bench-results.json and the
RESULT line (always the last line). Every target is checked against figures of this
one run; the JSON records which were met."""
import argparse
import json
import sys


def load(path):
    with open(path) as f:
        return json.load(f)


def main():
    ap = argparse.ArgumentParser()
    for name in ("closed", "open", "probe", "idle", "out"):
        ap.add_argument("--" + name, required=True)
    ap.add_argument("--quick", default="0")
    ap.add_argument("--check", action="store_true",
                    help="exit 1 unless every figure exists and is sane (the ctest smoke run)")
    a = ap.parse_args()
    closed, opened, probe, idle = load(a.closed), load(a.open), load(a.probe), load(a.idle)

    acked = closed["acked_per_s"]
    limit = probe["checkin_writes_per_s"]
    ratio = acked / limit if limit > 0 else 0.0
    established = int(idle.get("established", 0))
    held = int(idle.get("held", 0))
    nofile = int(idle.get("server_nofile_limit", 0))
    rss = idle.get("rss_per_conn_kib", -1.0)
    slow = {k: v for k, v in closed["counters"].items() if k.startswith("slow_reader")}
    errors = {k: v for k, v in closed["counters"].items() if k.startswith(("error.", "close.", "connect_failed"))}

    targets = {
        "acked_vs_sqlite_limit >= 0.5": ratio >= 0.5,
        "p99_at_half <= fsync_p99 + 10 ms": opened["p99_ms"] <= probe["fsync_p99_ms"] + 10,
        "idle held >= 19000 (full run)": held >= 19000,
        "idle none dropped": established > 0 and held == established and idle.get("dropped", 0) == 0,
        "rss_per_conn <= 8 KiB": 0 <= rss <= 8,
        "push_p99 <= ack_p99 + 2 ms": closed["push_count"] > 0 and closed["push_p99_ms"] <= closed["p99_ms"] + 2,
        "slow reader closed by the server": any(k.startswith("slow_reader_closed") for k in slow),
        "no errors under load": not errors and closed["counters"].get("unanswered", 0) == 0,
    }
    rows = [
        ("closed loop: acked check-ins/s", f"{acked:,.0f}"),
        ("  connections / in flight each", f"{closed['connections']:.0f} / 4"),
        ("  ack p50 / p90 / p99 / p99.9 ms",
         f"{closed['p50_ms']:.2f} / {closed['p90_ms']:.2f} / {closed['p99_ms']:.2f} / {closed['p999_ms']:.2f}"),
        ("  push to lead p50 / p99 ms (count)",
         f"{closed['push_p50_ms']:.2f} / {closed['push_p99_ms']:.2f} ({closed['push_count']:.0f})"),
        ("  writer's mean batch", f"{closed['mean_batch']:.1f}"),
        ("  slow reader", json.dumps(slow)),
        ("  errors and closes", json.dumps(errors) if errors else "none"),
        ("SQLite limit: whole check-in writes/s", f"{limit:,.0f}"),
        ("  check_ins rows alone/s", f"{probe['rows_per_s']:,.0f}"),
        ("  fdatasync p50 / p99 ms", f"{probe['fsync_p50_ms']:.3f} / {probe['fsync_p99_ms']:.3f}"),
        ("ratio acked / SQLite limit", f"{ratio:.2f}"),
        ("open loop at half: offered / acked per s", f"{opened['offered_per_s']:,.0f} / {opened['acked_per_s']:,.0f}"),
        ("  ack p50 / p99 / p99.9 ms", f"{opened['p50_ms']:.2f} / {opened['p99_ms']:.2f} / {opened['p999_ms']:.2f}"),
        ("  of which the generator sent late, p50 / p99 ms",
         f"{opened['send_lag_p50_ms']:.2f} / {opened['send_lag_p99_ms']:.2f}"),
        ("idle: server open-file limit", f"{nofile}"),
        ("  established / held / dropped", f"{established} / {held} / {idle.get('dropped', 0):.0f}"),
        ("  server RSS before / held / peak KiB",
         f"{idle.get('server_rss_before_kib', 0):,.0f} / {idle.get('server_rss_held_kib', 0):,.0f} / "
         f"{idle.get('server_rss_peak_kib', 0):,.0f}"),
        ("  RSS per connection held / peak KiB", f"{rss:.2f} / {idle.get('rss_peak_per_conn_kib', -1):.2f}"),
        ("  of which anonymous (heap) KiB", f"{idle.get('anon_per_conn_kib', -1):.2f}"),
    ]
    width = max(len(r[0]) for r in rows)
    for name, value in rows:
        print(f"{name.ljust(width)}  {value}")
    print()
    for name, ok in targets.items():
        print(f"{'met' if ok else 'NOT MET'}: {name}")

    result = {
        "quick": a.quick == "1",
        "acked_per_s": acked,
        "sqlite_limit_per_s": limit,
        "sqlite_rows_per_s": probe["rows_per_s"],
        "ratio": ratio,
        "p99_ms": closed["p99_ms"],
        "p99_at_half_ms": opened["p99_ms"],
        "fsync_p50_ms": probe["fsync_p50_ms"],
        "fsync_p99_ms": probe["fsync_p99_ms"],
        "idle_conns": held,
        "server_nofile_limit": nofile,
        "rss_per_conn_kib": rss,
        "push_p99_ms": closed["push_p99_ms"],
        "send_lag_p99_at_half_ms": opened["send_lag_p99_ms"],
        "targets": targets,
        "phases": {"closed": closed, "open": opened, "probe": probe, "idle": idle},
    }
    with open(a.out, "w") as f:
        json.dump(result, f, indent=2)
    print(f"wrote {a.out}")
    print(
        f"RESULT acked_per_s={acked:.0f} sqlite_limit_per_s={limit:.0f} ratio={ratio:.2f} "
        f"p99_ms={closed['p99_ms']:.2f} p99_at_half_ms={opened['p99_ms']:.2f} "
        f"fsync_p99_ms={probe['fsync_p99_ms']:.2f} idle_conns={held} rss_per_conn_kib={rss:.2f} "
        f"push_p99_ms={closed['push_p99_ms']:.2f}"
    )
    if a.check:
        problems = sanity(result, closed, opened, idle)
        for p in problems:
            print(f"INSANE: {p}", file=sys.stderr)
        return 1 if problems else 0
    return 0


def sanity(result, closed, opened, idle):
    """What must hold for the figures to mean anything, whatever the machine."""
    problems = []
    finite = lambda v: isinstance(v, (int, float)) and v == v and v not in (float("inf"), float("-inf"))
    for key in ("acked_per_s", "sqlite_limit_per_s", "sqlite_rows_per_s", "ratio", "p99_ms", "p99_at_half_ms",
                "fsync_p50_ms", "fsync_p99_ms", "rss_per_conn_kib", "push_p99_ms"):
        v = result.get(key)
        if not finite(v) or v <= 0:
            problems.append(f"{key} = {v}")
    if result["fsync_p50_ms"] > result["fsync_p99_ms"]:
        problems.append("fsync p50 above p99")
    if not closed["p50_ms"] <= closed["p99_ms"] <= closed["p999_ms"] <= closed["max_ms"]:
        problems.append("closed-loop percentiles out of order")
    if not 0 <= opened["send_lag_p50_ms"] <= opened["send_lag_p99_ms"]:
        problems.append("open-loop send lag missing or out of order")
    if closed["push_count"] <= 0:
        problems.append("no push reached a lead")
    if closed["counters"].get("unanswered", 0) or opened["counters"].get("unanswered", 0):
        problems.append("requests left unanswered")
    if opened["acked_per_s"] < 0.5 * opened["offered_per_s"]:
        problems.append("the open loop acked under half of what it offered")
    wanted = idle.get("connections", 0)
    if not (wanted > 0 and idle.get("established") == wanted and idle.get("held") == wanted
            and idle.get("dropped", 1) == 0):
        problems.append(f"idle: wanted {wanted}, established {idle.get('established')}, held {idle.get('held')}")
    if result["server_nofile_limit"] <= 0:
        problems.append("server open-file limit not read")
    if not 0 < result["rss_per_conn_kib"] < 1024:
        problems.append(f"rss per connection {result['rss_per_conn_kib']} KiB")
    return problems


if __name__ == "__main__":
    sys.exit(main())
