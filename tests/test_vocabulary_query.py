"""The `vocabulary` query serves schema/vocabulary.json, over HTTP, to any authenticated role."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graphsvc.principal import ROLES

VOCABULARY = json.loads((Path(__file__).resolve().parent.parent / "schema" / "vocabulary.json").read_text(encoding="utf-8"))


def camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(part.title() for part in rest)


def expected_and_query() -> tuple[dict, str]:
    """What the query should answer, and the query, both from the file: each section by its
    camel-case name; a map of definitions as terms; a map of terms with every key any of them
    has (a term without a key has it at its default: an empty list, or false)."""
    expected, fields = {}, []
    for section, content in VOCABULARY.items():
        if isinstance(content, list):
            expected[camel(section)] = content
            fields.append(camel(section))
        elif all(isinstance(v, str) for v in content.values()):
            expected[camel(section)] = [{"name": name, "definition": text} for name, text in content.items()]
            fields.append(f"{camel(section)} {{ name definition }}")
        else:
            keys = list(dict.fromkeys(k for term in content.values() for k in term))
            defaults = {k: next([] if isinstance(t[k], list) else False for t in content.values() if k in t) for k in keys}
            expected[camel(section)] = [{"name": name, **{camel(k): term.get(k, defaults[k]) for k in keys}} for name, term in content.items()]
            fields.append(f"{camel(section)} {{ name {' '.join(camel(k) for k in keys)} }}")
    return expected, "{ vocabulary { " + " ".join(fields) + " } }"


@pytest.fixture
def world(live):
    return live


def test_the_vocabulary_query_is_the_vocabulary_file(world):
    expected, query = expected_and_query()
    assert world.data(query, roles=["practitioner"])["vocabulary"] == expected


@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_role_may_read_the_vocabulary_without_a_purpose(world, role):
    found = world.data("{ vocabulary { entityKinds { name } lawfulBases { name } } }", roles=[role], purpose=None)["vocabulary"]
    assert [k["name"] for k in found["entityKinds"]] == list(VOCABULARY["entity_kinds"])
    assert [b["name"] for b in found["lawfulBases"]] == list(VOCABULARY["lawful_bases"])
    assert world.audit_entries()[-1]["operation"].endswith(": vocabulary")
