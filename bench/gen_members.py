#!/usr/bin/env python3
"""Writes a deterministic district for import benchmarks: workplaces.csv and members.csv.

    python3 bench/gen_members.py --members 100000 --out DIR [--seed 1]

The same arguments always give the same bytes. About one workplace per 25 members. Some names
are not ASCII, some values are quoted (commas, doubled quotes), as real exports are.
"""
import argparse
import os
import random

FIRST = ["Olivia", "Amelia", "Zoë", "Siân", "Łukasz", "José", "Priya", "Oliver", "George", "Aoife",
         "Mohammed", "Grace", "Tom", "Rhys", "Kim", "Małgorzata", "Renée", "Seán", "Emily", "David"]
LAST = ["Smith", "Jones", "O'Brien", "Nuñez", "Patel", "Kowalski", "Wiśniewska", "Taylor", "Brown",
        "Müller", "Hughes", "Legg", "Samways", "García", "Okafor", "Chen", "Singh", "Evans", "Hall", "Wood"]
ASCII = {"Zoë": "zoe", "Siân": "sian", "Łukasz": "lukasz", "José": "jose", "Małgorzata": "malgorzata",
         "Renée": "renee", "Seán": "sean", "O'Brien": "obrien", "Nuñez": "nunez", "Wiśniewska": "wisniewska",
         "Müller": "muller", "García": "garcia"}
TOWNS = ["Dorchester", "Weymouth", "Bridport", "Sherborne", "Blandford Forum", "Wimborne Minster",
         "Swanage", "Wareham", "Shaftesbury", "Gillingham"]
KINDS = ["primary", "secondary", "special", "college", "nursery"]
ROLES = [("classroom teacher", "teachers"), ("teaching assistant", "support staff"),
         ("headteacher", "leadership"), ("SENCo", "teachers"), ("cover supervisor", "support staff")]
ZONES = ["", "", "", "", "", "", "", "", "", "Europe/Berlin", "America/Chicago"]


def quote(value):
    if any(c in value for c in ',"\n\r'):
        return '"' + value.replace('"', '""') + '"'
    return value


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--members", type=int, default=100_000)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rnd = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)
    workplaces = max(5, args.members // 25)
    with open(os.path.join(args.out, "workplaces.csv"), "w", encoding="utf-8", newline="") as f:
        f.write("id,name,kind,town,staff_count\r\n")
        for i in range(1, workplaces + 1):
            town = rnd.choice(TOWNS)
            kind = KINDS[i % len(KINDS)]
            name = f"{town} {kind.title()} School {i}, \"{town}\""
            f.write(f"{i},{quote(name)},{kind},{town},{rnd.randint(6, 150)}\r\n")
    with open(os.path.join(args.out, "members.csv"), "w", encoding="utf-8", newline="") as f:
        f.write("membership_number,first_name,last_name,email,workplace_id,role,section,status,"
                "joined_on,timezone,email_opt_out\r\n")
        for i in range(1, args.members + 1):
            first, last = rnd.choice(FIRST), rnd.choice(LAST)
            role, section = rnd.choice(ROLES)
            email = f"{ASCII.get(first, first.lower())}.{ASCII.get(last, last.lower())}{i}@school{i % 997}.example.org"
            status = "active" if rnd.random() < 0.9 else rnd.choice(["lapsed", "left"])
            joined = f"{rnd.randint(2015, 2026)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
            f.write(",".join([f"M{i:07d}", quote(first), quote(last), email, str(rnd.randint(1, workplaces)),
                              role, section, status, joined, rnd.choice(ZONES),
                              rnd.choice(["0", "0", "0", "1", "no", "yes"])]) + "\r\n")


if __name__ == "__main__":
    main()
