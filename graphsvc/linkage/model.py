"""The Splink model of when two person records are the same person: settings, training on the
store's own records (u by random sampling, m by EM), and the trained model saved as versioned
JSON beside the store.

Splink 5 takes its input tables registered with a database API (DuckDBAPI().register); the
DuckDB backend is the embedded default. The same settings run on SparkAPI for national scale.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, Sequence

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

from ..model import utcnow
from . import priors
from .people import SCHEMES

FORMAT = 1  # of the saved file; a file of another format is not loaded
# Splink logs each step at INFO and untrainable levels at WARNING; the CLI reports counts itself.
LOG_LEVEL = logging.ERROR

# A record in the input table: every column the settings name (PersonRow.features).
FEATURES = ("unique_id", "first_name", "first_name_canonical", "surname", "surname_soundex", "dob", "birth_year",
            "gender", "postcode", "postcode_district", *(s.lower() for s in SCHEMES))

# Dates of birth as agencies get them wrong: day and month swapped, or one of the three fields.
_DOB_SWAPPED = ("substr(dob_l, 1, 4) = substr(dob_r, 1, 4) AND substr(dob_l, 6, 2) = substr(dob_r, 9, 2) "
                "AND substr(dob_l, 9, 2) = substr(dob_r, 6, 2)")
_DOB_ONE_FIELD = ("(CASE WHEN substr(dob_l, 1, 4) = substr(dob_r, 1, 4) THEN 1 ELSE 0 END + "
                  "CASE WHEN substr(dob_l, 6, 2) = substr(dob_r, 6, 2) THEN 1 ELSE 0 END + "
                  "CASE WHEN substr(dob_l, 9, 2) = substr(dob_r, 9, 2) THEN 1 ELSE 0 END) = 2")


# Fixed, not estimated: in a store's own records the pairs blocked on date of birth are full of
# twins and siblings (one surname, date, address), and EM takes them for matches; a person's
# first name differing outright is rare in a true match.
DIFFERENT_FIRST_NAME_M = 0.001
# Likewise a parent and child of one name at one address (Wayne Mitchell and his son): EM on a
# store with few duplicates puts a wholly different date of birth at no cost (measured on the
# large-la demo: -0.06 bits, 103 such pairs at 0.8-0.9). All three fields wrong: 0.5% of true
# matches (one wrong field, or day and month swapped, have their own levels).
DIFFERENT_DOB_M = 0.005


def _compared(column: str, *levels: Any, otherwise: Any = None) -> cl.CustomComparison:
    """A comparison of `column`: missing on either side, then `levels` in order, then the rest."""
    return cl.CustomComparison(output_column_name=column,
                               comparison_levels=[cll.NullLevel(column), *levels, otherwise or cll.ElseLevel()])


def comparisons() -> list[Any]:
    return [
        _compared("first_name",
                  cll.ExactMatchLevel("first_name", term_frequency_adjustments=True),
                  cll.CustomLevel("first_name_canonical_l = first_name_canonical_r", "nickname or variant (Jess/Jessica)"),
                  cll.JaroWinklerLevel("first_name", 0.92),
                  cll.JaroWinklerLevel("first_name", 0.8),
                  cll.CustomLevel("first_name_l = surname_r AND surname_l = first_name_r", "first name and surname swapped"),
                  otherwise=cll.ElseLevel().configure(m_probability=DIFFERENT_FIRST_NAME_M, fix_m_probability=True)),
        _compared("surname",
                  cll.ExactMatchLevel("surname", term_frequency_adjustments=True),
                  cll.JaroWinklerLevel("surname", 0.92),
                  cll.CustomLevel("surname_soundex_l = surname_soundex_r", "sounds the same (Soundex)"),
                  cll.JaroWinklerLevel("surname", 0.8)),
        _compared("dob",
                  cll.ExactMatchLevel("dob"),
                  cll.CustomLevel(_DOB_SWAPPED, "day and month swapped"),
                  cll.CustomLevel(_DOB_ONE_FIELD, "one of day, month, year differs"),
                  otherwise=cll.ElseLevel().configure(m_probability=DIFFERENT_DOB_M, fix_m_probability=True)),
        cl.ExactMatch("gender"),
        _compared("postcode",
                  cll.ExactMatchLevel("postcode", term_frequency_adjustments=True),
                  cll.ExactMatchLevel("postcode_district")),
        *(cl.ExactMatch(s.lower()) for s in SCHEMES),
    ]


def settings() -> SettingsCreator:
    """The untrained model: blocking rules that find the pairs worth scoring, and comparisons."""
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        blocking_rules_to_generate_predictions=[
            block_on("dob"),
            block_on("surname_soundex", "birth_year"),
            block_on("first_name_canonical", "surname_soundex"),  # a missing or wrong date of birth
            block_on("first_name_canonical", "postcode"),  # a changed surname at one address
            *(block_on(s.lower()) for s in SCHEMES),
        ],
        comparisons=comparisons(),
        # The intermediate columns carry each comparison's match weight: a candidate's evidence.
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=True,
    )


# EM runs over pairs blocked on one field at a time, so that the others' m are learned free of it.
TRAINING_BLOCKS = (block_on("dob"), block_on("surname_soundex", "first_name_canonical"))
# Pairs EM and the u sampling may look at: enough for stable estimates, small enough for 2 cores.
MAX_EM_PAIRS = 2e6
MAX_U_PAIRS = 1e7
SEED = 36  # sampling seeded: the same records train the same model


@dataclass(frozen=True)
class Model:
    """A trained model: Splink's own settings dict with its parameters, and our version."""

    splink: dict[str, Any]
    version: str  # the date trained and a hash of the settings it was trained from
    trained_at: str
    records: int  # how many person records it was trained on
    priors: tuple[str, ...] = ()  # the comparisons whose m came from priors.M, not from EM

    def to_json(self) -> dict[str, Any]:
        return {"format": FORMAT, "version": self.version, "trained_at": self.trained_at, "records": self.records,
                "priors": list(self.priors), "splink": self.splink}

    def save(self, path: Path) -> None:
        tmp = Path(str(path) + ".tmp")
        tmp.write_text(json.dumps(self.to_json(), indent=1, sort_keys=True), encoding="utf-8")
        tmp.replace(path)  # a reader never finds half a model


class ModelError(ValueError):
    """A saved model file that cannot be used (another format, not JSON)."""


def load(path: Path) -> Model:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"LINKAGE_MODEL_UNREADABLE: {path}: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("splink"), dict):
        raise ModelError(f"LINKAGE_MODEL_FORMAT: {path} is not a format-{FORMAT} linkage model")
    return Model(data["splink"], str(data["version"]), str(data["trained_at"]), int(data["records"]), tuple(data.get("priors", ())))


def settings_hash() -> str:
    """What the settings say, untrained, hashed: a model trained from other settings differs."""
    spec = settings().get_settings("duckdb").as_dict()
    spec.pop("linker_uid", None)
    return hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()[:12]


def linker(rows: Sequence[dict[str, Any]], model: Optional[Model] = None) -> Linker:
    """A DuckDB (in-memory) linker over these feature rows, with the model's parameters if given."""
    import pyarrow as pa

    db = DuckDBAPI()
    table = db.register(pa.Table.from_pylist(list(rows), schema=_schema()), table_name="people")
    return Linker(table, model.splink if model is not None else settings(), log_level=LOG_LEVEL)


def _schema():
    import pyarrow as pa

    return pa.schema([(name, pa.string()) for name in FEATURES])


def train(rows: Sequence[dict[str, Any]]) -> Model:
    """Estimate the model from these records alone (no labels): the prior from exact matches on
    an identifier or on name and date of birth, u from random pairs, m by EM."""
    if len(rows) < 2:
        raise ModelError("LINKAGE_TOO_FEW_RECORDS: at least two person records are needed to train")
    link = linker(rows)
    training = link.training
    try:
        training.estimate_probability_two_random_records_match(
            [block_on("nhs"), block_on("upn"), block_on("pnc"), block_on("first_name", "surname", "dob")], recall=0.7)
    except Exception:  # noqa: BLE001 - no deterministic match at all: keep the settings' prior
        pass
    training.estimate_u_using_random_sampling(max_pairs=MAX_U_PAIRS, seed=SEED, min_count_per_level=None, num_chunks=1)
    for rule in TRAINING_BLOCKS:
        try:
            training.estimate_parameters_using_expectation_maximisation(rule, max_pairs=MAX_EM_PAIRS, record_sample_proportion=1.0)
        except Exception:  # noqa: BLE001 - no pairs under this rule (every date of birth distinct): priors.checked covers it
            pass
    trained = link.misc.save_model_to_json()
    replaced = priors.checked(trained)
    now = utcnow()
    return Model(trained, f"{now:%Y%m%d}-{settings_hash()}", now.isoformat().replace("+00:00", "Z"), len(rows), tuple(replaced))
