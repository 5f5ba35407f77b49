"""Synthetic people for the linkage tests: a seeded background of distinct people, each recorded
by one agency, and planted duplicates across agencies with known variations. No real data."""

from __future__ import annotations

import random
from typing import Any

from records import entity, link

FIRST = ["Riley", "Morgan", "Harvey", "Logan", "Phoebe", "Isla", "Reuben", "Nadia", "Kian", "Freya", "Tobias", "Layla",
         "Ezra", "Maisie", "Jude", "Poppy", "Rowan", "Sienna", "Arlo", "Esme", "Finley", "Zara", "Caleb", "Mila"]
SURNAMES = ["Ashdown", "Brightwell", "Carrow", "Dunmore", "Ellery", "Fairbank", "Gadsby", "Holloway", "Ingleby", "Jarrold",
            "Kettley", "Lindqvist", "Marchetti", "Northcott", "Oakes", "Pemberton", "Quayle", "Redfern", "Sallis", "Thornbury"]
AGENCIES = {"police": "police", "csc": "csc", "health": "health|mash", "school": "education"}

# (id, agency, name, date of birth or None, gender, postcode or None, identifiers)
PLANTED: list[tuple[str, str, str, Any, str, Any, list[str]]] = [
    ("p-jess", "police", "Jess Harlow", "2011-04-02", "female", "LS6 2AB", []),  # nickname
    ("h-jessica", "health", "Jessica Harlow", "2011-04-02", "female", "LS6 2AB", ["NHS:9990000011"]),
    ("s-callum", "school", "Callum Fitzgerald", "2009-11-23", "male", "LS8 4QT", ["UPN:A123456789012"]),  # typo
    ("c-calum", "csc", "Calum Fitzgerald", "2009-11-23", "male", "LS8 4QT", []),
    ("p-amira", "police", "Amira Okafor", "2010-03-07", "female", "LS11 9HD", ["PNC:10/123456A"]),  # day/month swapped
    ("c-amira", "csc", "Amira Okafor", "2010-07-03", "female", "LS11 9HD", []),
    ("h-tyler", "health", "Tyler Brennan", "2012-06-15", "male", "LS9 7JJ", ["NHS:9990000022"]),  # dob missing
    ("p-tyler", "police", "Tyler Brennan", None, "male", "LS9 7JJ", []),
    ("s-kayla", "school", "Kayla Mendes", "2008-01-30", "female", "LS12 3PL", ["NHS:9990000033"]),  # shared NHS number
    ("h-kayla", "health", "Kayla Mendes-Rowe", "2008-01-30", "female", None, ["NHS:9990000033"]),
    # twins: one surname, date of birth and address; recorded by two agencies each
    ("c-ella", "csc", "Ella Whitcombe", "2013-09-09", "female", "LS7 1XY", []),
    ("p-ella", "police", "Ella Whitcombe", "2013-09-09", "female", "LS7 1XY", []),
    ("c-grace", "csc", "Grace Whitcombe", "2013-09-09", "female", "LS7 1XY", []),
    ("p-grace", "police", "Grace Whitcombe", "2013-09-09", "female", "LS7 1XY", []),
    # namesakes: a father and son of one name at one address
    ("h-wayne", "health", "Wayne Mitchell", "1984-05-12", "male", "LS14 6TR", ["NHS:9990000044"]),
    ("p-wayne", "police", "Wayne Mitchell", "2012-10-01", "male", "LS14 6TR", []),
]
SAME = {("h-jessica", "p-jess"), ("c-calum", "s-callum"), ("c-amira", "p-amira"), ("h-tyler", "p-tyler"),
        ("h-kayla", "s-kayla"), ("c-ella", "p-ella"), ("c-grace", "p-grace")}
NAMESAKES = {("h-wayne", "p-wayne")}
TWINS = {("c-ella", "c-grace"), ("c-ella", "p-grace"), ("c-grace", "p-ella"), ("p-ella", "p-grace")}


def background(count: int, seed: int = 36) -> list[tuple[str, str, str, Any, str, Any, list[str]]]:
    """`count` distinct people, one record each: no two share a first name and surname."""
    rng = random.Random(seed)
    pairs = rng.sample([(f, s) for f in FIRST for s in SURNAMES], count)
    out = []
    for i, (first, surname) in enumerate(pairs):
        agency = rng.choice(list(AGENCIES))
        dob = f"{rng.randint(2006, 2014)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        ids = [f"NHS:{9980000000 + i}"] if agency == "health" else [f"UPN:B{100000000000 + i}"] if agency == "school" else []
        out.append((f"bg-{i:03d}", agency, f"{first} {surname}", dob, rng.choice(["female", "male"]), f"LS{rng.randint(1, 29)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJ')}{rng.choice('LNPQRSTU')}", ids))
    return out


def records(people: list[tuple[str, str, str, Any, str, Any, list[str]]], scopes: dict[str, str] = AGENCIES) -> list[dict[str, Any]]:
    """Import records: each person an entity of its agency under that agency's scope, living at
    an address (its own record, named with the postcode) when it has a postcode."""
    out, addresses = [], set()
    for pid, agency, name, dob, gender, postcode, ids in people:
        attributes: dict[str, Any] = {"name": name, "gender": gender}
        if dob:
            attributes["date_of_birth"] = dob
        if ids:
            attributes["identifier"] = ids
        out.append(entity(pid, "child", agency=agency, scope=scopes[agency], attributes=attributes))
        if postcode:
            address = "addr-" + postcode.replace(" ", "").lower()
            if address not in addresses:
                addresses.add(address)
                out.append(entity(address, "address", agency="csc", attributes={"name": f"1 Example Road, Leeds {postcode}"}))
            out.append(link(pid, "lives_at", address, agency=agency, scope=scopes[agency]))
    return out
