"""The checked-in contracts under schema/ are exactly what the code defines."""

from __future__ import annotations

from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from graphsvc import records, vocabulary
from graphsvc.contracts import CONTRACTS

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema"


@pytest.mark.parametrize("name", sorted(CONTRACTS))
def test_checked_in_contract_matches_the_code(name):
    checked_in = (SCHEMA_DIR / name).read_text(encoding="utf-8")
    assert checked_in == CONTRACTS[name](), f"schema/{name} is out of date: run `graphsvc schema`"


def test_record_schema_is_valid_and_its_examples_validate():
    Draft202012Validator.check_schema(records.SCHEMA)
    validator = Draft202012Validator(records.SCHEMA)
    for name, definition in records.RECORD_TYPES.items():
        assert definition["examples"], name
        for example in definition["examples"]:
            assert list(validator.iter_errors(example)) == [], name


def test_every_term_has_a_plain_language_definition():
    data = vocabulary.as_dict()
    for section in ("entity_kinds", "links", "attributes"):
        for name, term in data[section].items():
            assert len(term["definition"]) > 15, (section, name)
    for section in ("methods", "epistemic_statuses", "source_reliability", "information_confidence", "handling_conditions"):
        assert all(len(text) > 10 for text in data[section].values()), section
