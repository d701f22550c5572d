"""The typed result and the JSON contract produced from it: schema, validation, upgrades, languages."""

from __future__ import annotations

import copy
import json

import pytest

from formcheck.contract import ContractError, json_schema, to_json, upgrade, validate
from formcheck.engine.run import run
from formcheck.pipeline import run_engine
from tests.golden import GOLDEN, ROOT, full_result
from tests.oracle import oracle_info, oracle_series

SCHEMA_FILE = ROOT / "docs" / "analysis.schema.json"


def test_the_committed_schema_is_the_one_the_dataclasses_give():
    """docs/analysis.schema.json drifts from formcheck.contract: regenerate it with
    python -c "import json; from formcheck.contract import json_schema; print(json.dumps(json_schema(), indent=2, ensure_ascii=False))" > docs/analysis.schema.json"""
    assert json.loads(SCHEMA_FILE.read_text(encoding="utf-8")) == json_schema()


@pytest.mark.parametrize("name", sorted(p.name for p in GOLDEN.glob("*.analysis.*.json")))
def test_every_golden_result_follows_the_schema(name):
    result = json.loads((GOLDEN / name).read_text(encoding="utf-8"))
    validate({**result, "formcheck_version": "test"})


def test_every_metric_of_the_contract_is_described_in_the_schema():
    props = json_schema()["$defs"]["MetricResult"]["properties"]
    assert {"value", "unit", "left", "right", "sd", "n", "confidence", "flag", "source", "n_left", "n_right",
            "confidence_reasons", "confidence_reason_codes", "starting_value", "normal", "reason", "reason_code",
            "reason_params", "value_cm"} <= set(props)


@pytest.mark.parametrize("change, where", [
    (lambda r: r.pop("metrics"), "(top)"),
    (lambda r: r["metrics"]["cadence_spm"].update(value="fast"), "metrics/cadence_spm/value"),
    (lambda r: r["view"].update(gait="hop"), "view/gait"),
    (lambda r: r["quality"]["warnings"].append({"code": 3}), "quality/warnings/0"),
    (lambda r: r["metrics"]["cadence_spm"].update(value=float("nan")), "metrics/cadence_spm/value"),
    (lambda r: r.update(schema_version=7), "schema_version"),
])
def test_a_result_off_the_contract_is_refused_naming_the_field(change, where):
    r = full_result()
    change(r)
    with pytest.raises(ContractError) as err:
        validate(r)
    assert err.value.where.startswith(where), err.value


def test_a_result_stored_before_the_codes_existed_is_upgraded_and_then_valid():
    old = full_result()
    for m in old["metrics"].values():
        m.pop("confidence_reason_codes", None)
        m.pop("reason_code", None)
        m.pop("reason_params", None)
    for key in ("foot_strike_reasons", "foot_strike_uncertain", "advice", "schema_version"):
        old.pop(key)
    old["pose"].pop("variant")
    kept = copy.deepcopy(old)
    new = upgrade(old)
    assert old == kept  # the stored dict is not changed in place
    validate(new)
    assert new["schema_version"] == 1 and new["advice"] == [] and new["pose"]["variant"] is None
    assert new["foot_strike_reasons"] == {"left": None, "right": None}
    assert all(len(m["confidence_reason_codes"]) == len(m["confidence_reasons"])
               for m in new["metrics"].values() if "confidence_reasons" in m)


def test_one_typed_result_renders_in_both_languages_as_two_engine_runs_did(oracle_truth_right):
    truth = oracle_truth_right
    typed, _, _ = run(oracle_series(truth), oracle_info(truth))
    for lang in ("de", "en"):
        assert to_json(typed, lang) == run_engine(oracle_series(truth), oracle_info(truth), lang=lang)
    de, en = to_json(typed, "de"), to_json(typed, "en")
    assert de["cues"] and [c["text"] for c in de["cues"]] != [c["text"] for c in en["cues"]]
    assert de["metrics"] == en["metrics"]  # reasons are English in the JSON in either language


def test_the_engine_result_holds_no_sentences(oracle_truth_right):
    """Language at the edges: every message in the typed result is a code with parameters."""
    from formcheck.contract import Message

    typed, _, _ = run(oracle_series(oracle_truth_right), oracle_info(oracle_truth_right))
    seen = []

    def walk(x):
        if isinstance(x, Message):
            seen.append(x)
            assert all(not isinstance(v, str) or len(v) < 20 for v in x.params.values()), x
        elif isinstance(x, str):
            assert len(x.split()) < 4 or x in ("—",) or "±" in x or "–" in x or "~" in x, x  # norms' typical text only
        elif hasattr(x, "__dataclass_fields__"):
            for f in x.__dataclass_fields__:
                if f not in ("normal",):
                    walk(getattr(x, f))
        elif isinstance(x, dict):
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    walk(typed)
    assert {m.kind for m in seen} >= {"reason", "cue", "advice"}
