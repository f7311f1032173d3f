"""Counterfactuals: the smallest sets of changes that move a verdict one step up."""

from __future__ import annotations

import doctest
import io
import itertools
import json
import shlex
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sistereval import cli
from sistereval.cases import load_case
from sistereval.errors import UsageError
from sistereval.evaluation import evaluate, rule_set
from sistereval.explanation.counterfactual import (
    Change,
    Counterfactual,
    _changed,
    candidate_changes,
    counterfactuals,
    render_counterfactual,
)
from sistereval.explanation.whatif import apply_changes
from sistereval.messages import COUNTERFACTUAL
from sistereval.model import Case
from sistereval.strategies import case_variations

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
NAMUR = EXAMPLES / "bandung-namur.yaml"
SUWON = EXAMPLES / "bandung-suwon.yaml"
SURABAYA = EXAMPLES / "surabaya-kitakyushu.yaml"
SCALE = ("success", "partial", "failure")


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def _reaches(verdict: str, target: str) -> bool:
    return verdict in SCALE and SCALE.index(verdict) <= SCALE.index(target)


@pytest.fixture(scope="module")
def namur() -> Counterfactual:
    return counterfactuals(NAMUR)


class TestCandidates:
    def test_every_changeable_value_of_bandung_namur_that_is_not_yet_better(self) -> None:
        options = candidate_changes(load_case(NAMUR), rule_set("core"))
        fields = [
            (f"fields[{i}].status", "not_implemented", value)
            for i in range(1, 5)
            for value in ("partial", "implemented")
        ]
        assert [
            *fields,  # fields[0] is implemented already: nothing better
            ("budget[0].earmarked", False, True),
            ("budget[1].earmarked", False, True),
            ("budget[0].adequate", False, True),
            ("budget[1].adequate", False, True),
            ("leadership_changes[0].continuity", False, True),
            ("leadership_changes[1].continuity", None, True),
        ] == [(c.path, c.before, c.after) for c in options]

    def test_a_partial_field_only_moves_up(self) -> None:
        options = candidate_changes(load_case(SUWON), rule_set("core"))
        education = [c for c in options if c.path == "fields[2].status"]
        assert [("partial", "implemented")] == [(c.before, c.after) for c in education]

    @pytest.mark.parametrize("path", [NAMUR, SUWON])
    def test_the_fast_path_gives_the_case_apply_changes_gives(self, path: Path) -> None:
        case = load_case(path)
        for change in candidate_changes(case, rule_set("core")):
            assert apply_changes(case, [(change.path, change.after)]) == _changed(case, [change])

    def test_plain_words(self) -> None:
        options = {
            c.path + "=" + str(c.after): c
            for c in candidate_changes(load_case(NAMUR), rule_set("core"))
        }
        assert {
            "en": "Keep the partnership going after the change of mayor in Bandung on 2018-09-05"
            " (continuity: false → true)",
            "id": "Lanjutkan kerja sama setelah pergantian wali kota di Bandung pada 2018-09-05"
            " (continuity: false → true)",
        } == options["leadership_changes[0].continuity=True"].text
        assert (
            "Keep the partnership going after the change of mayor in Bandung on 2021-12-10"
            " (continuity: not set → true)"
        ) == options["leadership_changes[1].continuity=True"].text["en"]
        assert {
            "en": "Implement the field “culture and tourism” in part"
            " (status: not_implemented → partial)",
            "id": "Laksanakan sebagian bidang “culture and tourism”"
            " (status: not_implemented → partial)",
        } == options["fields[4].status=partial"].text
        assert {
            "en": "Earmark Namur's budget line for the partnership (earmarked: false → true)",
            "id": "Anggarkan mata anggaran khusus Namur untuk kerja sama ini"
            " (earmarked: false → true)",
        } == options["budget[1].earmarked=True"].text
        assert (
            "Cukupkan anggaran Bandung untuk kerja sama ini (adequate: false → true)"
            == (options["budget[0].adequate=True"].text["id"])
        )


class TestSearch:
    def test_bandung_namur(self, namur: Counterfactual) -> None:
        assert ("failure", "partial", True, 14) == (
            namur.verdict_before,
            namur.target,
            namur.complete,
            namur.options,
        )
        # 14 + 91 pairs - 4 pairs that change one field twice, + the triples
        # that contain no solution
        assert 417 == namur.searched
        assert 8 == len(namur.solutions)
        first = namur.solutions[0]
        assert ("partial", [
            "fields[1].status", "budget[0].earmarked", "leadership_changes[0].continuity"
        ]) == (first.verdict, [c.path for c in first.changes])  # fmt: skip
        for solution in namur.solutions:
            paths = [c.path for c in solution.changes]
            assert "leadership_changes[0].continuity" in paths
            assert any(p.startswith("budget[") and p.endswith(".earmarked") for p in paths)
            assert any(p.startswith("fields[") for p in paths)

    def test_to_dict(self, namur: Counterfactual) -> None:
        data = json.loads(json.dumps(namur.to_dict()))
        assert {"failure", "partial", 417, True} == {
            data["verdict_before"],
            data["target"],
            data["searched"],
            data["complete"],
        }
        assert {
            "path": "leadership_changes[0].continuity",
            "from": False,
            "to": True,
            "text": {
                "en": "Keep the partnership going after the change of mayor in Bandung on "
                "2018-09-05 (continuity: false → true)",
                "id": "Lanjutkan kerja sama setelah pergantian wali kota di Bandung pada "
                "2018-09-05 (continuity: false → true)",
            },
        } == data["solutions"][0]["changes"][2]
        assert ["verdict", "changes"] == list(data["solutions"][0])

    def test_too_few_changes_allowed(self) -> None:
        result = counterfactuals(NAMUR, max_changes=2)
        assert (101, True, ()) == (result.searched, result.complete, result.solutions)

    def test_the_bound_stops_the_search(self) -> None:
        result = counterfactuals(NAMUR, max_candidates=50)
        assert (50, False, ()) == (result.searched, result.complete, result.solutions)

    def test_deterministic(self, namur: Counterfactual) -> None:
        assert namur == counterfactuals(load_case(NAMUR))

    def test_partial_to_success(self) -> None:
        result = counterfactuals(SUWON)
        assert ("partial", "success") == (result.verdict_before, result.target)
        assert result.solutions
        assert {"success"} == {s.verdict for s in result.solutions}

    def test_nothing_better_than_success(self) -> None:
        result = counterfactuals(SURABAYA)
        assert ("success", None, 0, ()) == (
            result.verdict_before,
            result.target,
            result.searched,
            result.solutions,
        )

    def test_not_assessable_has_no_target(self) -> None:
        case = load_case(NAMUR)
        only_loi = [m for m in case.milestones if m.type.value == "loi"]
        result = counterfactuals(attrs.evolve(case, milestones=tuple(only_loi)))
        assert ("not_assessable", None, 0) == (
            result.verdict_before,
            result.target,
            result.searched,
        )

    def test_bad_bounds(self) -> None:
        with pytest.raises(UsageError):
            counterfactuals(NAMUR, max_changes=0)


@settings(max_examples=12, deadline=None)  # each example searches up to 300 sets
@given(
    st.sampled_from([load_case(p) for p in (NAMUR, SUWON, SURABAYA)]).flatmap(
        lambda case: case_variations(case, max_changes=2)
    )
)
def test_every_solution_reaches_the_target_and_no_strict_subset_does(case: Case) -> None:
    result = counterfactuals(case, max_changes=3, max_candidates=300)
    assert result.verdict_before == evaluate(case).verdict
    for solution in result.solutions:
        assert result.target is not None
        pairs = [(c.path, c.after) for c in solution.changes]
        after = evaluate(apply_changes(case, pairs)).verdict
        assert (solution.verdict, True) == (after, _reaches(after, result.target))
        for size in range(1, len(pairs)):
            for subset in itertools.combinations(pairs, size):
                verdict = evaluate(apply_changes(case, subset)).verdict
                assert not _reaches(verdict, result.target), subset
    sizes = [len(s.changes) for s in result.solutions]
    assert sorted(sizes) == sizes


class TestText:
    def test_strings_have_the_same_keys_in_every_language(self) -> None:
        assert set(COUNTERFACTUAL["en"]) == set(COUNTERFACTUAL["id"])

    def test_english(self, namur: Counterfactual) -> None:
        text = render_counterfactual(namur, case_file="namur.yaml", limit=1)
        assert [
            "  what would move the verdict up (failure → partial):",
            "    417 set(s) of up to 3 change(s) searched over 14 possible change(s);"
            " every set searched",
            "    1. verdict partial with 3 change(s):",
            "       - Implement the field “information technology”"
            " (status: not_implemented → implemented)",
            "       - Earmark Bandung's budget line for the partnership (earmarked: false → true)",
            "       - Keep the partnership going after the change of mayor in Bandung on"
            " 2018-09-05 (continuity: false → true)",
            "       try: sistereval whatif namur.yaml --set 'fields[1].status=implemented'"
            " --set 'budget[0].earmarked=true' --set 'leadership_changes[0].continuity=true'",
            "    ... and 7 more solution(s) (--format json lists them all)",
        ] == text.splitlines()

    def test_indonesian_and_the_bound(self) -> None:
        result = counterfactuals(NAMUR, max_candidates=50, language="id")
        assert [
            "  apa yang akan menaikkan putusan (gagal → berhasil sebagian):",
            "    50 himpunan berisi paling banyak 3 perubahan diperiksa dari 14 perubahan yang"
            " mungkin; berhenti pada batas 50 himpunan; himpunan yang lebih besar atau"
            " berikutnya tidak diperiksa",
            "    tidak ada himpunan berisi paling banyak 3 perubahan yang mencapai"
            " berhasil sebagian",
        ] == render_counterfactual(result).splitlines()

    def test_no_target(self) -> None:
        assert "  what would move the verdict up (success): no better verdict to search for\n" == (
            render_counterfactual(counterfactuals(SURABAYA))
        )


def _set_args(changes: list[dict[str, Any]]) -> list[str]:
    args = []
    for change in changes:
        value = change["to"]
        shown = value if isinstance(value, str) else json.dumps(value)
        args.extend(["--set", f"{change['path']}={shown}"])
    return args


class TestCommand:
    def test_the_proposal_applied_with_whatif_gives_the_better_verdict(self) -> None:
        code, out, err = run("explain", str(NAMUR), "--counterfactual", "--format", "json")
        assert (0, "") == (code, err)
        proposal = json.loads(out)["counterfactual"]
        first = proposal["solutions"][0]
        code, out, err = run("whatif", str(NAMUR), *_set_args(first["changes"]), "--format", "json")
        assert (0, "") == (code, err)
        verdict = json.loads(out)["verdict"]
        assert ("failure", proposal["target"], "better") == (
            verdict["before"],
            verdict["after"],
            verdict["change"],
        )
        assert "partial" == verdict["after"] == first["verdict"]

    def test_the_command_the_text_proposes_runs(self) -> None:
        code, out, _ = run("explain", str(NAMUR), "--counterfactual")
        assert 0 == code
        line = next(x for x in out.splitlines() if x.strip().startswith("try: sistereval whatif"))
        argv = shlex.split(line.strip().removeprefix("try: sistereval "))
        code, out, err = run(*argv)
        assert (0, "") == (code, err)
        assert "  verdict: failure → partial (better)" in out.splitlines()

    def test_indonesian(self) -> None:
        code, out, _ = run(
            "explain", str(NAMUR), "--counterfactual", "--max-changes", "3", "--lang", "id"
        )
        assert 0 == code
        assert "  apa yang akan menaikkan putusan (gagal → berhasil sebagian):" in out
        assert "Lanjutkan kerja sama setelah pergantian wali kota di Bandung pada 2018-09-05" in out

    def test_max_changes(self) -> None:
        code, out, _ = run(
            "explain", str(NAMUR), "--counterfactual", "--max-changes", "1", "--format", "json"
        )
        data = json.loads(out)["counterfactual"]
        assert (0, 14, 1, []) == (code, data["searched"], data["max_changes"], data["solutions"])

    @pytest.mark.parametrize(
        ("argv", "message"),
        [
            (["--max-changes", "2"], "--max-changes needs --counterfactual"),
            (["--counterfactual", "--max-changes", "0"], "expected a whole number of at least 1"),
        ],
    )
    def test_usage(self, argv: list[str], message: str) -> None:
        code, out, err = run("explain", str(NAMUR), *argv)
        assert (2, "") == (code, out)
        assert message in err

    def test_without_counterfactual_there_is_none(self) -> None:
        code, out, _ = run("explain", str(NAMUR))
        assert 0 == code
        assert "what would move the verdict up" not in out


def test_change_argument() -> None:
    change = Change(path="budget[0].earmarked", before=False, after=True, text={})
    assert "budget[0].earmarked=true" == change.argument


class TestDocumentation:
    def test_examples_run(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from sistereval.explanation import counterfactual

        monkeypatch.chdir(ROOT)
        module = doctest.testmod(counterfactual)
        page = doctest.testfile(
            str(ROOT / "docs" / "explanations.md"), module_relative=False, encoding="utf-8"
        )
        assert (0, 0, True, True) == (
            module.failed,
            page.failed,
            module.attempted > 0,
            page.attempted > 0,
        )
