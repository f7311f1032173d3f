"""What if: changes to a case, validated, and the evaluation before and after."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from sistereval import cli
from sistereval.cases import case_to_dict, load_case
from sistereval.errors import CaseError, UsageError
from sistereval.explanation.whatif import (
    WhatIf,
    apply_changes,
    parse_change,
    render_whatif,
    what_if,
)
from sistereval.messages import WHATIF
from sistereval.model import Case

ROOT = Path(__file__).resolve().parents[1]
NAMUR = ROOT / "examples" / "bandung-namur.yaml"

#: Continuity after the first change of mayor, both budget lines earmarked,
#: and two more of the five fields implemented (3 of 5).
RESCUE = [
    ("leadership_changes[0].continuity", True),
    ("budget[0].earmarked", True),
    ("budget[1].earmarked", True),
    ("fields[1].status", "implemented"),
    ("fields[name=culture and tourism].status", "implemented"),
]
RESCUE_ARGS = [arg for path, value in RESCUE for arg in ("--set", f"{path}={str(value).lower()}")]


@pytest.fixture(scope="module")
def case() -> Case:
    return load_case(NAMUR)


@pytest.fixture(scope="module")
def rescued(case: Case) -> WhatIf:
    return what_if(case, RESCUE)


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(["whatif", *argv], out, err)
    return code, out.getvalue(), err.getvalue()


class TestParseChange:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("fields[1].status=implemented", ("fields[1].status", "implemented")),
            ("leadership_changes[0].continuity=true", ("leadership_changes[0].continuity", True)),
            ("distance.km=9000", ("distance.km", 9000)),
            ("distance.km = 9000.5", ("distance.km", 9000.5)),
            (
                "fields[name=information technology].status=partial",
                ("fields[name=information technology].status", "partial"),
            ),
            ("fields[0].note=null", ("fields[0].note", None)),
        ],
    )
    def test_reads_path_and_yaml_scalar(self, text: str, expected: tuple[str, object]) -> None:
        assert expected == parse_change(text)

    @pytest.mark.parametrize("text", ["nonsense", "=3", "distance.km=[1, 2]", "a=b: c: d"])
    def test_refuses_what_is_not_path_equals_scalar(self, text: str) -> None:
        with pytest.raises(UsageError, match=r"^--set "):
            parse_change(text)

    def test_never_evaluates_python(self) -> None:
        assert ("x", "__import__('os').system('true')") == parse_change(
            "x=__import__('os').system('true')"
        )


class TestApplyChanges:
    def test_the_original_case_is_unchanged(self, case: Case) -> None:
        before = case_to_dict(case)
        changed = apply_changes(case, RESCUE)
        assert before == case_to_dict(case)
        assert before != case_to_dict(changed)
        assert load_case(NAMUR) == case

    def test_sets_each_kind_of_path(self, case: Case) -> None:
        changed = case_to_dict(
            apply_changes(
                case,
                {
                    "distance.km": 9000,
                    "assessments.shared_values.rating": "strong",
                    "fields[name=information technology].status": "partial",
                    "leadership_changes[1].continuity": True,
                },
            )
        )
        assert 9000 == changed["distance"]["km"]
        assert {"shared_values": {"rating": "strong"}} == changed["assessments"]
        assert "partial" == changed["fields"][1]["status"]
        assert changed["leadership_changes"][1]["continuity"] is True

    def test_null_clears_an_optional_key(self, case: Case) -> None:
        changed = apply_changes(case, [("leadership_changes[0].continuity", None)])
        assert changed.leadership_changes[0].continuity is None

    @pytest.mark.parametrize(
        ("path", "message"),
        [
            ("distnce.km", "--set distnce.km=1: unknown key 'distnce' (did you mean 'distance'?)"),
            (
                "fields[0].statsu",
                "--set fields[0].statsu=1: unknown key 'statsu' in fields[0] "
                "(did you mean 'status'?)",
            ),
            (
                "fields[9].status",
                "--set fields[9].status=1: fields[9] does not exist (fields has items 0 to 4)",
            ),
            (
                "fields[name=culture & tourism].status",
                "--set fields[name=culture & tourism].status=1: no item of fields has name "
                "'culture & tourism' (did you mean 'culture and tourism'?)",
            ),
            ("distance[0]", "--set distance[0]=1: distance is not a list"),
            (
                "fields[*].status",
                "--set fields[*].status=1: fields[*] stands for every item; name one, "
                "such as fields[0]",
            ),
            ("title.x", "--set title.x=1: title is a single value, not a mapping"),
        ],
    )
    def test_a_path_that_does_not_exist(self, case: Case, path: str, message: str) -> None:
        with pytest.raises(UsageError) as info:
            apply_changes(case, [(path, 1)])
        assert message == str(info.value)

    def test_a_bad_value_names_the_change_and_the_allowed_values(self, case: Case) -> None:
        with pytest.raises(CaseError) as info:
            apply_changes(case, [("distance.km", 9000), ("fields[0].status", "done")])
        assert (
            "--set fields[0].status=done: bad-enum: 'done' is not an allowed value in "
            "fields[0].status (expected one of: implemented, partial, planned, "
            "not_implemented, discontinued, unknown)"
        ) == str(info.value)

    def test_no_change(self, case: Case) -> None:
        with pytest.raises(UsageError, match="no change"):
            apply_changes(case, [])


class TestWhatIf:
    def test_the_rescue_moves_failure_to_partial(self, rescued: WhatIf) -> None:
        assert ("failure", "partial", "better") == (
            rescued.before.verdict,
            rescued.after.verdict,
            rescued.verdict_change,
        )

    def test_findings_lost_and_gained(self, rescued: WhatIf) -> None:
        assert [
            "few-fields-implemented",
            "leadership-change-without-continuity",
            "no-earmarked-budget",
            "verdict-failure",
            "verdict-failure-ended-without-strength",
        ] == [f.rule for f in rescued.lost]
        assert [
            "some-fields-implemented",
            "earmarked-budget",
            "verdict-partial-one-obstacle",
        ] == [f.rule for f in rescued.gained]

    def test_factor_and_confidence_changes(self, rescued: WhatIf) -> None:
        assert {
            "long_term_vision": (-6.0, -2.0),
            "institutional_support": (0.0, 2.0),
            "finance": (5.0, 2.0),
            "leadership_participation": (3.0, 0.0),
        } == {c.factor: (c.before, c.after) for c in rescued.factors}
        assert (0.64, 0.68, 0.04) == (
            rescued.before.confidence,
            rescued.after.confidence,
            rescued.confidence_change,
        )

    def test_a_change_that_moves_nothing(self, case: Case) -> None:
        result = what_if(case, {"milestones[0].note": "Signed in Jakarta."})
        assert ("same", (), (), ()) == (
            result.verdict_change,
            result.gained,
            result.lost,
            result.factors,
        )

    def test_to_dict_is_json(self, rescued: WhatIf) -> None:
        record = json.loads(json.dumps(rescued.to_dict()))
        assert {"before": "failure", "after": "partial", "change": "better"} == record["verdict"]
        assert {"path": "budget[0].earmarked", "value": True} == record["changes"][1]
        assert "verdict-failure" in [f["rule"] for f in record["findings_lost"]]
        assert "partial" == record["after"]["verdict"]


class TestText:
    def test_strings_have_the_same_keys_in_every_language(self) -> None:
        assert set(WHATIF["en"]) == set(WHATIF["id"])

    def test_english(self, rescued: WhatIf) -> None:
        text = render_whatif(rescued)
        assert text.startswith("bandung-namur: what if\n  changes:\n")
        assert "  verdict: failure → partial (better)\n" in text
        assert "    - verdict-failure [verdict → failure]\n" in text
        assert "    + earmarked-budget [strength, institutional_support, medium]\n" in text
        assert "    long_term_vision: -6 → -2 (+4)\n" in text

    def test_indonesian_differs(self, case: Case) -> None:
        text = render_whatif(what_if(case, RESCUE, language="id"))
        assert "  putusan: gagal → berhasil sebagian (lebih baik)\n" in text
        assert "temuan yang hilang:" in text
        assert render_whatif(what_if(case, RESCUE)) != text


class TestCommand:
    def test_text(self) -> None:
        code, out, err = run(str(NAMUR), *RESCUE_ARGS)
        assert (0, "") == (code, err)
        assert "verdict: failure → partial (better)" in out

    def test_json(self) -> None:
        code, out, _ = run(str(NAMUR), *RESCUE_ARGS, "--format", "json")
        assert 0 == code
        assert "partial" == json.loads(out)["verdict"]["after"]

    def test_indonesian(self) -> None:
        _, english, _ = run(str(NAMUR), *RESCUE_ARGS)
        code, out, _ = run(str(NAMUR), *RESCUE_ARGS, "--lang", "id")
        assert 0 == code
        assert "putusan: gagal → berhasil sebagian" in out
        assert english != out

    def test_bad_path_suggests(self) -> None:
        code, out, err = run(str(NAMUR), "--set", "leadership_changes[0].continuty=true")
        assert (2, "") == (code, out)
        assert (
            "--set leadership_changes[0].continuty=true: unknown key 'continuty' in "
            "leadership_changes[0] (did you mean 'continuity'?)\n"
        ) == err

    def test_bad_value_names_allowed_values(self) -> None:
        code, out, err = run(str(NAMUR), "--set", "fields[0].status=done")
        assert (2, "") == (code, out)
        assert err.startswith("--set fields[0].status=done: bad-enum: ")
        assert "expected one of: implemented, partial, planned, not_implemented" in err

    def test_bad_type(self) -> None:
        code, _, err = run(str(NAMUR), "--set", "distance.km=far")
        assert 2 == code
        assert err.startswith("--set distance.km=far: wrong-type: ")

    def test_set_is_required(self) -> None:
        code, _, err = run(str(NAMUR))
        assert 2 == code
        assert "--set" in err

    def test_missing_case_file(self) -> None:
        code, _, err = run("nowhere.yaml", "--set", "distance.km=1")
        assert 2 == code
        assert "nowhere.yaml: file-error: no such file" in err
