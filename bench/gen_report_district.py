#!/usr/bin/env python3
"""Fills an empty muster database with a large district and two years of history, for bench/report.sh.

    python3 bench/gen_report_district.py DB --members 500000 --workplaces 2000 --days 730 --today 2026-11-23

Workplaces with staff counts (a tenth unknown) and regions; members mostly active; a rep at about
seven workplaces in ten; one open ballot for every active member (about 30% voted); 50 events with
registrations; a snapshot per day and workplace for DAYS days up to yesterday; status changes for
most lapsed and left members; section entries (some into leadership). Deterministic for a seed.
"""
import argparse
import datetime
import random
import sqlite3


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("db")
    ap.add_argument("--members", type=int, default=500_000)
    ap.add_argument("--workplaces", type=int, default=2_000)
    ap.add_argument("--days", type=int, default=730)
    ap.add_argument("--today", default="2026-11-23")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    today = datetime.date.fromisoformat(a.today)
    first = today - datetime.timedelta(days=a.days)
    db = sqlite3.connect(a.db)
    db.execute("PRAGMA synchronous = OFF")
    regions = ["West", "North", "East", "South", "Central", "Coast", "Vale", "Downs"]
    kinds = ["primary", "secondary", "special", "college", "nursery"]
    sections = ["teachers"] * 6 + ["support staff"] * 3 + ["leadership"]
    W = a.workplaces
    per = a.members / W
    db.executemany("INSERT INTO workplaces(id, name, kind, town, region, staff_count) VALUES (?, ?, ?, ?, ?, ?)",
                   ((w, f"Workplace {w}", rnd.choice(kinds), f"Town {w % 97}", regions[w % len(regions)],
                     None if rnd.random() < 0.1 else int(per / (0.3 + rnd.random() * 0.65)) + 1) for w in range(1, W + 1)))
    members, changes, lives = [], [], []
    for i in range(1, a.members + 1):
        w = rnd.randint(1, W)
        roll = rnd.random()
        status = "active" if roll < 0.88 else "lapsed" if roll < 0.95 else "left"
        joined = today - datetime.timedelta(days=7 + rnd.randrange(3650))
        members.append((i, f"M{i}", "Name", f"m{i}@example.org", w, "teacher", rnd.choice(sections), status, joined.isoformat()))
        leaves = None
        if status != "active" and rnd.random() < 0.8:
            leaves = first + datetime.timedelta(days=1 + rnd.randrange(a.days - 2))
            leaves = max(leaves, joined + datetime.timedelta(days=30))
            if leaves >= today:
                leaves = today - datetime.timedelta(days=1)
            changes.append((i, "active", status, leaves.isoformat() + "T10:00:00Z", "bench"))
        lives.append((w, joined, leaves if status != "active" else None, status))
    db.executemany("""INSERT INTO members(id, membership_number, first_name, email, workplace_id, role, section, status, joined_on)
                      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""", members)
    db.executemany("INSERT INTO muster_status_changes(member_id, from_status, to_status, at, source) VALUES (?, ?, ?, ?, ?)", changes)
    # Reps: the first active member of about 70% of workplaces.
    firsts = {}
    for m in members:
        if m[7] == "active" and m[4] not in firsts:
            firsts[m[4]] = m[0]
    db.executemany("INSERT INTO reps(member_id, workplace_id) VALUES (?, ?)",
                   ((mid, w) for w, mid in sorted(firsts.items()) if rnd.random() < 0.7))
    # One open ballot for every active member.
    db.execute("INSERT INTO ballots(id, title, opens_at, closes_at, turnout_threshold) VALUES (1, 'Pay ballot', ?, ?, 0.5)",
               ((today - datetime.timedelta(days=5)).isoformat() + "T08:00:00Z", (today + datetime.timedelta(days=16)).isoformat() + "T17:00:00Z"))
    db.executemany("INSERT INTO ballot_members(ballot_id, member_id, voted_at) VALUES (1, ?, ?)",
                   ((m[0], (today.isoformat() + "T07:00:00Z") if rnd.random() < 0.3 else None) for m in members if m[7] == "active"))
    # Events in the last year and the next month, with registrations.
    for e in range(1, 51):
        start = today + datetime.timedelta(days=rnd.randint(-330, 30))
        db.execute("INSERT INTO events(id, kind, title, starts_at, workplace_id) VALUES (?, 'meeting', ?, ?, ?)",
                   (e, f"Meeting {e}", start.isoformat() + "T17:00:00Z", None if e % 3 else rnd.randint(1, W)))
        db.executemany("INSERT OR IGNORE INTO registrations(event_id, member_id, status) VALUES (?, ?, ?)",
                       ((e, rnd.randint(1, a.members), rnd.choice(["registered", "attended"])) for _ in range(200)))
    # Snapshots: active per workplace and day, from each member's joined and leaving days.
    delta = [[0] * (a.days + 1) for _ in range(W + 1)]
    base = [0] * (W + 1)
    for w, joined, leaves, status in lives:
        if status != "active" and leaves is None:
            continue
        start = max((joined - first).days, 0)
        end = (leaves - first).days if leaves else a.days
        if start >= end:
            continue
        if start == 0:
            base[w] += 1
        else:
            delta[w][start] += 1
        if end < a.days:
            delta[w][end] -= 1
    reps = dict(db.execute("SELECT workplace_id, count(*) FROM reps GROUP BY 1").fetchall())
    running = base[:]
    rows = []
    for d in range(a.days):
        day = (first + datetime.timedelta(days=d)).isoformat()
        for w in range(1, W + 1):
            running[w] += delta[w][d]
            rows.append((day, w, running[w], reps.get(w, 0)))
        if len(rows) > 200_000:
            db.executemany("INSERT INTO muster_snapshots(day, workplace_id, active, reps) VALUES (?, ?, ?, ?)", rows)
            rows = []
    db.executemany("INSERT INTO muster_snapshots(day, workplace_id, active, reps) VALUES (?, ?, ?, ?)", rows)
    started = first.isoformat() + "T07:00:00Z"
    db.execute("INSERT INTO muster_member_seen(member_id, status, section) SELECT id, status, section FROM members")
    db.execute("INSERT INTO muster_section_entries(member_id, section, entered_at, baseline) SELECT id, section, ?, 1 FROM members", (started,))
    db.execute("""UPDATE muster_section_entries SET baseline = 0, entered_at = ? WHERE section = 'leadership' AND member_id % 5 = 0""",
               ((today - datetime.timedelta(days=100)).isoformat() + "T08:00:00Z",))
    db.execute("INSERT INTO muster_meta(key, value) VALUES ('history_started_at', ?)", (started,))
    db.commit()


if __name__ == "__main__":
    main()
