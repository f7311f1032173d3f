"""The library's shared text layer: languages, labels, value formatting, suggestions.

Every text sistereval shows a reader is in English (``en``) and Indonesian
(``id``): :data:`LANGUAGES`.  This module holds what every phase shares: the
labels of the terminal text, Markdown, HTML, explain and what-if
(:data:`LABELS`), the names of offices, how a fact value is written for
reading (:func:`format_value`), the tag of a finding (:func:`finding_tag`),
and the did-you-mean suggestions of error messages.  It imports nothing of
sistereval's, so every phase may use it.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any, Literal, Protocol, TypeAlias, TypeGuard

__all__ = [
    "BACKEND",
    "CHECK",
    "CLI",
    "COMPARE",
    "COUNTERFACTUAL",
    "DISPUTES",
    "EXPLAIN",
    "LABELS",
    "LANGUAGES",
    "NOTEBOOK",
    "OFFICES",
    "PLUGIN",
    "REACH",
    "REGISTER",
    "REPORT",
    "SCHEMA",
    "TABLES",
    "WHATIF",
    "Language",
    "closest",
    "did_you_mean",
    "finding_tag",
    "format_value",
    "is_language",
    "office_name",
    "one_of",
    "suggest_value",
    "texts",
]

#: A language of the texts sistereval writes for readers.
Language: TypeAlias = Literal["en", "id"]
#: The languages of every text sistereval writes for readers.
LANGUAGES: tuple[Language, ...] = ("en", "id")


def is_language(text: str) -> TypeGuard[Language]:
    """Whether ``text`` is one of :data:`LANGUAGES`."""
    return text in LANGUAGES


#: The labels every renderer shares (text, Markdown, HTML, explain, what-if).
LABELS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "verdict": "verdict",
        "confidence": "confidence",
        "case": "case",
        "rules": "rules",
        "as_of": "measured to",
        "as_of.given": "the case's as_of",
        "as_of.sources": "the latest date of its sources and records",
        "as_of.evaluation_date": "the day of the evaluation: no as_of and no dated source",
        "deciding": "decided by",
        "findings": "findings",
        "facts": "facts",
        "sources": "sources",
        "factors": "success factors",
        "obstacles": "obstacle groups",
        "disputes": "disputes",
        "not_fired": "rules that did not fire",
        "none": "none",
        "rule_source": "rule source",
        "success": "success",
        "partial": "partial",
        "failure": "failure",
        "not_assessable": "not assessable",
        "chosen": "used",
        "json_hint": "(why: sistereval explain CASE)",
        "derived": "derived",
        # kinds and severities of findings
        "kind.strength": "strength",
        "kind.obstacle": "obstacle",
        "kind.risk": "risk",
        "kind.compliance": "compliance",
        "severity.low": "low",
        "severity.medium": "medium",
        "severity.high": "high",
    },
    "id": {
        "verdict": "putusan",
        "confidence": "tingkat keyakinan",
        "case": "kasus",
        "rules": "aturan",
        "as_of": "diukur sampai",
        "as_of.given": "as_of kasus",
        "as_of.sources": "tanggal terakhir sumber dan catatannya",
        "as_of.evaluation_date": "hari evaluasi: tanpa as_of dan tanpa sumber bertanggal",
        "deciding": "diputuskan oleh",
        "findings": "temuan",
        "facts": "fakta",
        "sources": "sumber",
        "factors": "faktor keberhasilan",
        "obstacles": "kelompok hambatan",
        "disputes": "perbedaan sumber",
        "not_fired": "aturan yang tidak terpenuhi",
        "none": "tidak ada",
        "rule_source": "sumber aturan",
        "success": "berhasil",
        "partial": "berhasil sebagian",
        "failure": "gagal",
        "not_assessable": "tidak dapat dinilai",
        "chosen": "dipakai",
        "json_hint": "(alasannya: sistereval explain CASE)",
        "derived": "fakta turunan",
        # kinds and severities of findings
        "kind.strength": "kekuatan",
        "kind.obstacle": "hambatan",
        "kind.risk": "risiko",
        "kind.compliance": "kepatuhan",
        "severity.low": "rendah",
        "severity.medium": "sedang",
        "severity.high": "tinggi",
    },
}


class Consequence(Protocol):
    """What a rule concludes, as a finding (:class:`~sistereval.verdict.Finding`) or a
    rule that did not fire has it: what tags and report lines are made of."""

    @property
    def kind(self) -> str: ...
    @property
    def factor(self) -> str | None: ...
    @property
    def severity(self) -> str | None: ...
    @property
    def verdict(self) -> str | None: ...


def finding_tag(finding: Consequence, labels: Mapping[str, str]) -> str:
    """The bracketed tag of a finding: ``obstacle, finance, high`` or ``verdict → failure``.

    Kinds and severities are named in the labels' language when it names them
    (``hambatan, finance, tinggi``); factors are the rule set's identifiers.
    """
    if finding.kind == "verdict":
        return f"{labels['verdict']} → {labels[finding.verdict or 'not_assessable']}"
    if finding.kind == "derived":
        return labels["derived"]
    kind = labels.get(f"kind.{finding.kind}", finding.kind)
    severity = labels.get(f"severity.{finding.severity}", finding.severity)
    return f"{kind}, {finding.factor}, {severity}"


#: The names of offices case files usually write (``office`` is free text), in
#: the languages other than English; any other office is shown as written.
OFFICES: Mapping[str, Mapping[str, str]] = {
    "id": {
        "mayor": "wali kota",
        "deputy mayor": "wakil wali kota",
        "governor": "gubernur",
        "regent": "bupati",
        "city council": "DPRD kota",
        "council": "DPRD",
    },
}


def office_name(office: str, language: str) -> str:
    """``mayor`` in ``language`` (``wali kota``), or as written when not known."""
    return OFFICES.get(language, {}).get(office.casefold(), office)


def format_value(value: object) -> str:
    """A fact value for reading: ``?`` when unknown, ``true``, ``0.2``, ``[a, b]``."""
    if value is None:
        return "?"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        shown = (f"{k}: {format_value(v)}" for k, v in value.items() if v is not None)
        return "{" + ", ".join(shown) + "}"
    return str(value)


# --------------------------------------------------------------------------
# The catalogues of each phase's texts; every key exists in every language (a test checks it).

#: ``sistereval explain`` (:mod:`sistereval.explanation.text`).
EXPLAIN: Mapping[str, Mapping[str, str]] = {
    "en": {
        "chain": "why: the deciding chain",
        "outside_chain": "fired, outside the deciding chain",
        "deciding_rule": "deciding",
        "uses": "uses",
        "facts": "facts",
        "sources": "sources",
        "cited": "sources cited",
        "better": "rules for a better verdict",
        "any_verdict": "rules that would give a verdict",
        "others": "other rules that did not fire",
        "nearness": "{true} of {total} clause(s) true",
        "actual": "actual",
        "versus": "vs",
        "true": "true",
        "false": "false",
        "unknown": "unknown",
        "match": "{n} of {total} item(s) match",
        "fail": "{n} of {total} item(s) fail it",
        "all_of": "all of",
        "any_of": "any of",
        "condition": "condition",
        "none": "none",
        "rule": "rule",
        "blocked": "blocked by",
    },
    "id": {
        "chain": "alasan: rantai penentu",
        "outside_chain": "terpenuhi, di luar rantai penentu",
        "deciding_rule": "penentu",
        "uses": "memakai",
        "facts": "fakta",
        "sources": "sumber",
        "cited": "sumber yang dikutip",
        "better": "aturan untuk putusan yang lebih baik",
        "any_verdict": "aturan yang akan memberi putusan",
        "others": "aturan lain yang tidak terpenuhi",
        "nearness": "{true} dari {total} klausa benar",
        "actual": "nilai",
        "versus": "lawan",
        "true": "benar",
        "false": "salah",
        "unknown": "tidak diketahui",
        "match": "{n} dari {total} butir cocok",
        "fail": "{n} dari {total} butir tidak memenuhinya",
        "all_of": "semua dari",
        "any_of": "salah satu dari",
        "condition": "kondisi",
        "none": "tidak ada",
        "rule": "aturan",
        "blocked": "terhalang oleh",
    },
}

#: ``sistereval whatif`` (:mod:`sistereval.explanation.whatif`).
WHATIF: Mapping[str, Mapping[str, str]] = {
    "en": {
        "what_if": "what if",
        "changes": "changes",
        "before": "before",
        "after": "after",
        "better": "better",
        "worse": "worse",
        "same": "unchanged",
        "gained": "findings gained",
        "lost": "findings lost",
        "factor_changes": "factor changes",
        "none": "none",
        "unset": "(not set)",
    },
    "id": {
        "what_if": "bagaimana jika",
        "changes": "perubahan",
        "before": "sebelum",
        "after": "sesudah",
        "better": "lebih baik",
        "worse": "lebih buruk",
        "same": "tidak berubah",
        "gained": "temuan baru",
        "lost": "temuan yang hilang",
        "factor_changes": "perubahan faktor",
        "none": "tidak ada",
        "unset": "(tidak diisi)",
    },
}

#: Counterfactuals (:mod:`sistereval.explanation.counterfactual`).
COUNTERFACTUAL: Mapping[str, Mapping[str, str]] = {
    "en": {
        "title": "what would move the verdict up",
        "searched": "{searched} set(s) of up to {max} change(s) searched over {options} "
        "possible change(s)",
        "complete": "every set searched",
        "bounded": "stopped at the bound of {bound} set(s); larger or later sets not searched",
        "stopped_work": "stopped at the budget of {bound} case records evaluated (a large "
        "case); larger or later sets not searched",
        "stopped_time": "stopped at the time budget of {seconds} s; larger or later sets not "
        "searched",
        "no_target": "no better verdict to search for",
        "none_found": "no set of up to {max} change(s) reaches {target}",
        "solution": "verdict {verdict} with {n} change(s):",
        "try": "try",
        "more": "... and {n} more solution(s) (--format json lists them all)",
        "unset": "not set",
    },
    "id": {
        "title": "apa yang akan menaikkan putusan",
        "searched": "{searched} himpunan berisi paling banyak {max} perubahan diperiksa dari "
        "{options} perubahan yang mungkin",
        "complete": "semua himpunan diperiksa",
        "bounded": "berhenti pada batas {bound} himpunan; himpunan yang lebih besar atau "
        "berikutnya tidak diperiksa",
        "stopped_work": "berhenti pada anggaran {bound} rekaman kasus yang dievaluasi (kasus "
        "besar); himpunan yang lebih besar atau berikutnya tidak diperiksa",
        "stopped_time": "berhenti pada anggaran waktu {seconds} detik; himpunan yang lebih besar "
        "atau berikutnya tidak diperiksa",
        "no_target": "tidak ada putusan yang lebih baik untuk dicari",
        "none_found": "tidak ada himpunan berisi paling banyak {max} perubahan yang mencapai "
        "{target}",
        "solution": "putusan {verdict} dengan {n} perubahan:",
        "try": "coba",
        "more": "... dan {n} solusi lain (--format json memuat semuanya)",
        "unset": "tidak diisi",
    },
}

#: Disputed facts (:mod:`sistereval.explanation.disputes`).
DISPUTES: Mapping[str, Mapping[str, str]] = {
    "en": {
        "title": "disputed facts",
        "none": "none",
        "depends": "the verdict depends on it",
        "holds": "the verdict is the same under every value",
        "chosen": "used",
        "derived": "derived from the case",
        "verdict": "verdict",
    },
    "id": {
        "title": "fakta yang dipersengketakan",
        "none": "tidak ada",
        "depends": "putusan bergantung padanya",
        "holds": "putusan sama untuk setiap nilai",
        "chosen": "dipakai",
        "derived": "diturunkan dari kasus",
        "verdict": "putusan",
    },
}

#: The certainty of a verdict in plain words (:mod:`sistereval.explanation.certaintytext`).
CERTAINTY: Mapping[str, Mapping[str, str]] = {
    "en": {
        "title": "certainty",
        "grade": "grade {grade}; independent lines of evidence behind the deciding facts: {lines}",
        "grade_none": "no grade: no source stands behind the deciding facts",
        "none": "none",
        "high": "high",
        "medium": "medium",
        "low": "low",
        "always": (
            "the verdict holds whatever the unknown facts are and whichever side of each "
            "dispute is true"
        ),
        "always_search": (
            "the verdict holds: every alternative tried gives the same verdict ({searched} tried)"
        ),
        "depends": "the verdict depends on: {facts}",
        "limit": (
            "not shown to hold: the search stopped at its limit of {limit} alternatives "
            "({searched} of {combinations} tried), none with another verdict"
        ),
        "not_varied": (
            "not shown to hold: these unknown facts could not be given every kind of value: {facts}"
        ),
        "flip": "if {changes}: verdict {verdict}",
        "unknown": "unknown facts the rules read",
        "unknown_irrelevant": "they do not change the verdict",
        "disputed": "disputed facts",
        "matters": "changes the verdict",
        "harmless": "does not change the verdict",
        "unsure": "not shown either way",
        "derived": "derived from it: {facts}",
        "support": "deciding facts",
        "known": "known",
        "not_known": "unknown",
        "independent": "{n} independent",
        "is_disputed": "disputed",
        "no_source": "no source",
        "independent_evaluation": "independent evaluation",
        "self_assessment": "self-assessment",
        "academic_study": "academic study",
        "official_record": "official record",
        "news_report": "news report",
        "testimony": "testimony",
        "other": "other",
        "unspecified": "type not given",
        "change": "certainty",
        "robust_always": "holds",
        "robust_depends": "depends on unknown or disputed facts",
        "robust_limit": "not shown to hold",
    },
    "id": {
        "title": "kepastian",
        "grade": "tingkat {grade}; jalur bukti independen di balik fakta penentu: {lines}",
        "grade_none": "tanpa tingkat: tidak ada sumber di balik fakta penentu",
        "none": "tidak ada",
        "high": "tinggi",
        "medium": "sedang",
        "low": "rendah",
        "always": (
            "putusan tetap berlaku apa pun nilai fakta yang tidak diketahui dan pihak mana pun "
            "yang benar dalam setiap sengketa"
        ),
        "always_search": (
            "putusan tetap berlaku: setiap alternatif yang dicoba memberi putusan yang sama "
            "({searched} dicoba)"
        ),
        "depends": "putusan bergantung pada: {facts}",
        "limit": (
            "belum terbukti tetap berlaku: pencarian berhenti pada batas {limit} alternatif "
            "({searched} dari {combinations} dicoba), tidak satu pun memberi putusan lain"
        ),
        "not_varied": (
            "belum terbukti tetap berlaku: fakta yang tidak diketahui ini tidak dapat dicoba "
            "dengan setiap jenis nilai: {facts}"
        ),
        "flip": "jika {changes}: putusan {verdict}",
        "unknown": "fakta tidak diketahui yang dibaca aturan",
        "unknown_irrelevant": "fakta itu tidak mengubah putusan",
        "disputed": "fakta yang dipersengketakan",
        "matters": "mengubah putusan",
        "harmless": "tidak mengubah putusan",
        "unsure": "belum terbukti ke arah mana pun",
        "derived": "diturunkan darinya: {facts}",
        "support": "fakta penentu",
        "known": "diketahui",
        "not_known": "tidak diketahui",
        "independent": "{n} independen",
        "is_disputed": "dipersengketakan",
        "no_source": "tanpa sumber",
        "independent_evaluation": "evaluasi independen",
        "self_assessment": "penilaian diri",
        "academic_study": "kajian akademik",
        "official_record": "catatan resmi",
        "news_report": "berita",
        "testimony": "kesaksian",
        "other": "lainnya",
        "unspecified": "jenis tidak disebutkan",
        "change": "kepastian",
        "robust_always": "tetap berlaku",
        "robust_depends": "bergantung pada fakta yang tidak diketahui atau dipersengketakan",
        "robust_limit": "belum terbukti tetap berlaku",
    },
}

#: Reports (:mod:`sistereval.report`).
REPORT: Mapping[str, Mapping[str, str]] = {
    "en": {
        "report": "Evaluation report",
        "certainty_heading": "Certainty",
        "summary": "Summary",
        "partners": "partners",
        "kind": "kind",
        "rule_set": "rule set",
        "measured_to": "measured to",
        "generated": "generated by sistereval {version}",
        "scores": "Success factors and obstacle groups",
        "factors_panel": "Success factors",
        "obstacles_panel": "Obstacle groups",
        "factor_axis": "score: strengths minus weaknesses, by severity (low 1, medium 2, high 3)",
        "obstacle_axis": "weight of the obstacles found, by severity (low 1, medium 2, high 3)",
        "group": "group",
        "name": "name",
        "score": "score",
        "timeline": "Timeline",
        "milestones": "milestones",
        "leadership": "leadership changes",
        "date": "date",
        "event": "event",
        "detail": "detail",
        "change_of": "change of {office}",
        "findings_heading": "Findings",
        "rule": "rule",
        "title": "title",
        "clauses_head": "clauses",
        "severity": "severity",
        "deciding_mark": "deciding",
        "not_fired_heading": "Rules that did not fire",
        "not_fired_intro": "nearest first; ★ marks a rule for a better verdict",
        "clauses": "{true} of {total} clause(s) true",
        "blocked_by": "stopped by",
        "consequence": "consequence",
        "counterfactuals": "What would change the verdict",
        "none_computed": "none computed",
        "searched": "{n} variant(s) of the case searched for the verdict {target}",
        "no_solution": "no change found that gives the verdict {target}",
        "derived_value": "derived from the case",
        "no_target": "no better verdict than {verdict} to search for",
        "search_bounded": "the search stopped at its bound; larger sets were not tried",
        "search_work": "the search stopped at its budget of case records evaluated (a large "
        "case); later sets were not tried",
        "search_time": "the search stopped at its time budget; later sets were not tried",
        "solution": "solution {n}: verdict {verdict}",
        "change": "change",
        "before": "from",
        "after": "to",
        "disputes_heading": "Disputed facts",
        "fact": "fact",
        "value": "value",
        "used": "used",
        "depends": "the verdict depends on it",
        "not_depends": "the verdict does not depend on it",
        "bibliography": "Bibliography",
        "reliability": "reliability",
        "accessed": "accessed",
        "cited_by": "cited by",
        "yes": "yes",
        "kind.strength": "strength",
        "kind.obstacle": "obstacle",
        "kind.risk": "risk",
        "kind.compliance": "compliance",
        "kind.verdict": "verdict",
        "kind.derived": "derived fact",
        "severity.low": "low",
        "severity.medium": "medium",
        "severity.high": "high",
        "factor.shared_values": "shared values and goals",
        "factor.community_participation": "community participation and commitment",
        "factor.long_term_vision": "long-term vision and sustainability",
        "factor.institutional_support": "institutional support and resources",
        "factor.distance": "distance",
        "factor.finance": "finance",
        "factor.leadership_participation": "leadership policy and participation",
        "milestone.loi": "Letter of Intent",
        "milestone.council_approval": "council approval",
        "milestone.central_approval": "central-government approval",
        "milestone.mou": "MoU signed",
        "milestone.agreement": "agreement signed",
        "milestone.action_plan": "action plan",
        "milestone.renewal": "renewal",
        "milestone.visit": "visit",
        "milestone.suspended": "suspended",
        "milestone.resumed": "resumed",
        "milestone.lapsed": "lapsed",
        "milestone.ended": "ended",
        "source.interview": "interview",
        "source.document": "document",
        "source.literature": "literature",
        "source.news": "news",
        "source.official": "official",
        "case.sister_city": "sister city",
        "case.friendship": "friendship city",
        "case.sister_province": "sister province",
        "case.other": "other partnership",
    },
    "id": {
        "certainty_heading": "Kepastian",
        "report": "Laporan evaluasi",
        "summary": "Ringkasan",
        "partners": "mitra",
        "kind": "jenis",
        "rule_set": "perangkat aturan",
        "measured_to": "diukur sampai",
        "generated": "dibuat dengan sistereval {version}",
        "scores": "Faktor keberhasilan dan kelompok hambatan",
        "factors_panel": "Faktor keberhasilan",
        "obstacles_panel": "Kelompok hambatan",
        "factor_axis": "skor: kekuatan dikurangi kelemahan, menurut tingkat (rendah 1, sedang 2, "
        "tinggi 3)",
        "obstacle_axis": "bobot hambatan yang ditemukan, menurut tingkat (rendah 1, sedang 2, "
        "tinggi 3)",
        "group": "kelompok",
        "name": "nama",
        "score": "skor",
        "timeline": "Lini masa",
        "milestones": "tonggak",
        "leadership": "pergantian pimpinan",
        "date": "tanggal",
        "event": "peristiwa",
        "detail": "keterangan",
        "change_of": "pergantian {office}",
        "findings_heading": "Temuan",
        "rule": "aturan",
        "title": "judul",
        "clauses_head": "klausa",
        "severity": "tingkat",
        "deciding_mark": "penentu",
        "not_fired_heading": "Aturan yang tidak terpenuhi",
        "not_fired_intro": "yang terdekat lebih dulu; ★ menandai aturan untuk putusan yang "
        "lebih baik",
        "clauses": "{true} dari {total} klausa benar",
        "blocked_by": "terhenti pada",
        "consequence": "akibat",
        "counterfactuals": "Apa yang akan mengubah putusan",
        "none_computed": "belum dihitung",
        "searched": "{n} varian kasus ditelusuri untuk putusan {target}",
        "no_solution": "tidak ditemukan perubahan yang menghasilkan putusan {target}",
        "derived_value": "diturunkan dari kasus",
        "no_target": "tidak ada putusan yang lebih baik daripada {verdict} untuk dicari",
        "search_bounded": "penelusuran berhenti pada batasnya; himpunan yang lebih besar "
        "tidak dicoba",
        "search_work": "penelusuran berhenti pada anggaran rekaman kasus yang dievaluasi "
        "(kasus besar); himpunan berikutnya tidak dicoba",
        "search_time": "penelusuran berhenti pada anggaran waktunya; himpunan berikutnya "
        "tidak dicoba",
        "solution": "solusi {n}: putusan {verdict}",
        "change": "perubahan",
        "before": "dari",
        "after": "menjadi",
        "disputes_heading": "Fakta yang diperselisihkan",
        "fact": "fakta",
        "value": "nilai",
        "used": "dipakai",
        "depends": "putusan bergantung padanya",
        "not_depends": "putusan tidak bergantung padanya",
        "bibliography": "Daftar pustaka",
        "reliability": "keandalan",
        "accessed": "diakses",
        "cited_by": "dikutip oleh",
        "yes": "ya",
        "kind.strength": "kekuatan",
        "kind.obstacle": "hambatan",
        "kind.risk": "risiko",
        "kind.compliance": "kepatuhan",
        "kind.verdict": "putusan",
        "kind.derived": "fakta turunan",
        "severity.low": "rendah",
        "severity.medium": "sedang",
        "severity.high": "tinggi",
        "factor.shared_values": "kesamaan nilai dan tujuan",
        "factor.community_participation": "partisipasi dan komitmen masyarakat",
        "factor.long_term_vision": "visi jangka panjang dan keberlanjutan",
        "factor.institutional_support": "dukungan kelembagaan dan sumber daya",
        "factor.distance": "jarak",
        "factor.finance": "keuangan",
        "factor.leadership_participation": "kebijakan kepemimpinan dan partisipasi",
        "milestone.loi": "Letter of Intent (surat pernyataan kehendak)",
        "milestone.council_approval": "persetujuan DPRD/dewan kota",
        "milestone.central_approval": "persetujuan pemerintah pusat",
        "milestone.mou": "penandatanganan MoU",
        "milestone.agreement": "penandatanganan perjanjian",
        "milestone.action_plan": "rencana aksi",
        "milestone.renewal": "pembaruan",
        "milestone.visit": "kunjungan",
        "milestone.suspended": "ditangguhkan",
        "milestone.resumed": "dilanjutkan kembali",
        "milestone.lapsed": "habis masa berlaku",
        "milestone.ended": "berakhir",
        "source.interview": "wawancara",
        "source.document": "dokumen",
        "source.literature": "pustaka",
        "source.news": "berita",
        "source.official": "resmi",
        "case.sister_city": "kota kembar",
        "case.friendship": "kota sahabat",
        "case.sister_province": "provinsi kembar",
        "case.other": "kerja sama lain",
    },
}


#: The comparison of many cases (``sistereval report DIR``, :mod:`sistereval.report.compare`)
#: and the deciding count of a verdict (:mod:`sistereval.report.deciding`).
COMPARE: Mapping[str, Mapping[str, str]] = {
    "en": {
        "comparison": "Comparison of partnerships",
        "written": "written to {file}, with {reports} case report(s) beside it",
        "input": "input",
        "cases_line": "{n} case(s) from {source}, evaluated with the rule set {ruleset} {version}",
        "failed_line": "{n} case(s) could not be evaluated",
        "cases_heading": "Cases",
        "case": "case",
        "deciding_count": "deciding count",
        "report_link": "report",
        "own_reports": "Each case's own report: sistereval report followed by the case's "
        "input (shown with it), or --out DIR to write them all beside this comparison.",
        "scores_heading": "Success factors and obstacle groups by case",
        "verdicts_heading": "Verdicts",
        "occurrences_heading": "How often each strength and obstacle occurs",
        "occurrences_intro": "The number of cases in which each strength and obstacle rule "
        "fired, most frequent first",
        "strengths_chart": "Strengths",
        "obstacles_chart": "Obstacles",
        "cases_axis": "number of cases",
        "cases_count": "cases",
        "failed_heading": "Cases that could not be evaluated",
        "error": "error",
        "none_fired": "No strength or obstacle rule fired",
        "count.serious.one": "{n} serious obstacle",
        "count.serious.other": "{n} serious obstacles",
        "count.strength.one": "{n} strength",
        "count.strength.other": "{n} strengths",
        "count.obstacle.one": "{n} obstacle",
        "count.obstacle.other": "{n} obstacles",
        "count.risk.one": "{n} risk",
        "count.risk.other": "{n} risks",
        "count.compliance.one": "{n} compliance finding",
        "count.compliance.other": "{n} compliance findings",
        "count.matching": "{condition} = {n}",
        "count.needs": "{counted} ({need})",
        "count.op>=": "{verdict} needs at least {n}",
        "count.op>": "{verdict} needs more than {n}",
        "count.op==": "{verdict} needs exactly {n}",
        "count.opnone": "{verdict} needs none",
        "count.op<=": "{verdict} allows at most {n}",
        "count.op<": "{verdict} needs fewer than {n}",
        "count.op!=": "{verdict} needs any number but {n}",
    },
    "id": {
        "comparison": "Perbandingan kerja sama",
        "written": "ditulis ke {file}, dengan {reports} laporan kasus di sampingnya",
        "input": "masukan",
        "cases_line": "{n} kasus dari {source}, dievaluasi dengan perangkat aturan {ruleset} "
        "{version}",
        "failed_line": "{n} kasus tidak dapat dievaluasi",
        "cases_heading": "Kasus",
        "case": "kasus",
        "deciding_count": "jumlah penentu",
        "report_link": "laporan",
        "own_reports": "Laporan tiap kasus: sistereval report diikuti masukan kasus itu "
        "(tertera bersamanya), atau --out DIR untuk menulis semuanya di samping perbandingan "
        "ini.",
        "scores_heading": "Faktor keberhasilan dan kelompok hambatan per kasus",
        "verdicts_heading": "Hasil penilaian",
        "occurrences_heading": "Seberapa sering tiap kekuatan dan hambatan muncul",
        "occurrences_intro": "Banyaknya kasus tempat tiap aturan kekuatan dan hambatan "
        "terpenuhi, yang paling sering lebih dulu",
        "strengths_chart": "Kekuatan",
        "obstacles_chart": "Hambatan",
        "cases_axis": "banyaknya kasus",
        "cases_count": "kasus",
        "failed_heading": "Kasus yang tidak dapat dievaluasi",
        "error": "galat",
        "none_fired": "Tidak ada aturan kekuatan atau hambatan yang terpenuhi",
        "count.serious.one": "{n} hambatan serius",
        "count.serious.other": "{n} hambatan serius",
        "count.strength.one": "{n} kekuatan",
        "count.strength.other": "{n} kekuatan",
        "count.obstacle.one": "{n} hambatan",
        "count.obstacle.other": "{n} hambatan",
        "count.risk.one": "{n} risiko",
        "count.risk.other": "{n} risiko",
        "count.compliance.one": "{n} temuan kepatuhan",
        "count.compliance.other": "{n} temuan kepatuhan",
        "count.matching": "{condition} = {n}",
        "count.needs": "{counted} ({need})",
        "count.op>=": 'untuk hasil "{verdict}" diperlukan paling sedikit {n}',
        "count.op>": 'untuk hasil "{verdict}" diperlukan lebih dari {n}',
        "count.op==": 'untuk hasil "{verdict}" diperlukan tepat {n}',
        "count.opnone": 'untuk hasil "{verdict}" tidak boleh ada',
        "count.op<=": 'untuk hasil "{verdict}" paling banyak {n}',
        "count.op<": 'untuk hasil "{verdict}" diperlukan kurang dari {n}',
        "count.op!=": 'untuk hasil "{verdict}" diperlukan jumlah selain {n}',
    },
}


#: What ``sistereval upgrade`` says about each file.
UPGRADE: Mapping[str, Mapping[str, str]] = {
    "en": {
        "upgraded": "{file}: upgraded to {format}",
        "as_of": " (as_of {as_of} added: the date {old} measured to without it)",
        "current": "{file}: already {format}, nothing to do",
        "would": "{file}: would be upgraded to {format}",
    },
    "id": {
        "upgraded": "{file}: ditingkatkan ke {format}",
        "as_of": " (as_of {as_of} ditambahkan: tanggal yang diukur {old} bila tidak ada)",
        "current": "{file}: sudah {format}, tidak ada yang diubah",
        "would": "{file}: akan ditingkatkan ke {format}",
    },
}


#: Choosing the evaluator (:func:`sistereval.evaluation.resolve_backend`, the command line).
BACKEND: Mapping[str, Mapping[str, str]] = {
    "en": {
        "fallback": "sistereval: notice: the durable_rules engine cannot be loaded "
        "({reason}); evaluating with the reference evaluator, which gives the same verdicts. "
        "Install it as docs/install.md says, or pass --backend reference (or set "
        "SISTEREVAL_BACKEND=reference) to silence this notice.",
        "library_fallback": "the durable_rules engine cannot be loaded ({reason}); evaluating "
        "with the reference evaluator, which gives the same verdicts (pass "
        "backend='reference' to silence this warning)",
        "unavailable": "sistereval: the durable backend cannot be used: {reason}. "
        "Install durable_rules as docs/install.md says, or use --backend reference.",
        "bad_variable": "sistereval: SISTEREVAL_BACKEND is {value!r}; use one of {choices}",
    },
    "id": {
        "fallback": "sistereval: pemberitahuan: mesin durable_rules tidak dapat dimuat "
        "({reason}); evaluasi memakai evaluator rujukan, yang memberikan putusan yang sama. "
        "Pasang mesin itu sesuai docs/install.md, atau pakai --backend reference (atau "
        "SISTEREVAL_BACKEND=reference) agar pemberitahuan ini tidak muncul.",
        "library_fallback": "mesin durable_rules tidak dapat dimuat ({reason}); evaluasi "
        "memakai evaluator rujukan, yang memberikan putusan yang sama (berikan "
        "backend='reference' agar peringatan ini tidak muncul)",
        "unavailable": "sistereval: backend durable tidak dapat dipakai: {reason}. "
        "Pasang durable_rules sesuai docs/install.md, atau pakai --backend reference.",
        "bad_variable": "sistereval: SISTEREVAL_BACKEND bernilai {value!r}; pakai salah satu "
        "dari {choices}",
    },
}


#: The command line's own texts (:mod:`sistereval.cli`): errors, notices, ``examples``.
CLI: Mapping[str, Mapping[str, str]] = {
    "en": {
        "internal_error": "sistereval: internal error ({error}). This is a bug in sistereval: "
        "please report it at {url} with the command you ran and its output with --debug.",
        "traceback": "sistereval: the traceback of the internal error follows.",
        "interrupted": "sistereval: interrupted",
        "unknown_command": "sistereval: unknown command {command!r}",
        "unknown_option": "sistereval {command}: unknown option {option!r}",
        "unknown_arguments": "sistereval {command}: unrecognized arguments: {arguments}",
        "suggest": "did you mean {suggestion!r}?",
        "commands_are": "the commands are: {commands}",
        "help_hint": "see 'sistereval {command}--help'",
        "stdin_twice": "sistereval: standard input ('-') can be read only once in a command",
        "progress_search": "searching for counterfactuals: {n} set(s) evaluated",
        "progress_check": "checking properties: {n} case(s) evaluated",
        "stdin_empty": "<stdin>: file-error: standard input is empty",
        "not_found_hint": "hint: {names} not found. 'sistereval examples' lists the example "
        "case files shipped with sistereval, and 'sistereval examples --copy .' copies them here.",
        "version": "sistereval {version} (backend: {backend})",
        "version_durable": "durable_rules {version}",
        "version_reference": "reference evaluator; durable_rules cannot be loaded: {reason}",
        "examples_in": "The examples shipped with sistereval, in {folder}:",
        "examples_copy_hint": "Copy them into a folder with: sistereval examples --copy DIR",
        "copied": "copied {file}",
        "kept": "kept {file} (it exists; --force replaces it)",
        "copy_failed": "sistereval examples: cannot copy to {folder}: {reason}",
        "completion_failed": "sistereval completion: {shell!r} is not a shell it writes; "
        "use one of {choices}",
    },
    "id": {
        "internal_error": "sistereval: galat internal ({error}). Ini adalah bug pada sistereval: "
        "mohon laporkan di {url} beserta perintah yang Anda jalankan dan keluarannya dengan "
        "--debug.",
        "traceback": "sistereval: berikut traceback galat internal tersebut.",
        "interrupted": "sistereval: dihentikan",
        "unknown_command": "sistereval: perintah {command!r} tidak dikenal",
        "unknown_option": "sistereval {command}: opsi {option!r} tidak dikenal",
        "unknown_arguments": "sistereval {command}: argumen tidak dikenal: {arguments}",
        "suggest": "mungkin maksud Anda {suggestion!r}?",
        "commands_are": "perintah yang tersedia: {commands}",
        "help_hint": "lihat 'sistereval {command}--help'",
        "stdin_twice": "sistereval: masukan standar ('-') hanya dapat dibaca sekali dalam satu "
        "perintah",
        "stdin_empty": "<stdin>: file-error: masukan standar kosong",
        "progress_search": "mencari kontrafaktual: {n} himpunan dievaluasi",
        "progress_check": "memeriksa sifat: {n} kasus dievaluasi",
        "not_found_hint": "petunjuk: {names} tidak ditemukan. 'sistereval examples' menampilkan "
        "berkas kasus contoh yang disertakan dalam sistereval, dan 'sistereval examples --copy .' "
        "menyalinnya ke folder ini.",
        "version": "sistereval {version} (backend: {backend})",
        "version_durable": "durable_rules {version}",
        "version_reference": "evaluator rujukan; durable_rules tidak dapat dimuat: {reason}",
        "examples_in": "Contoh yang disertakan dalam sistereval, di {folder}:",
        "examples_copy_hint": "Salin ke sebuah folder dengan: sistereval examples --copy DIR",
        "copied": "{file} disalin",
        "kept": "{file} dibiarkan (sudah ada; --force menggantinya)",
        "copy_failed": "sistereval examples: tidak dapat menyalin ke {folder}: {reason}",
        "completion_failed": "sistereval completion: {shell!r} bukan shell yang didukung; "
        "pakai salah satu dari {choices}",
    },
}


#: A register named on the command line (:mod:`sistereval.cases.rows`): ``FILE#ID``
#: selects a row.
REGISTER: Mapping[str, Mapping[str, str]] = {
    "en": {
        "id_needed": "the register has {rows} rows: name the one to read, as {example}",
        "id_needed_hint": "its ids: {ids}; 'sistereval batch {file}' evaluates every row",
        "unknown_id": "no row of the register has the id {id!r}; its ids: {ids}",
        "did_you_mean": "did you mean {id!r}?",
        "no_rows": "none, the register has no rows",
        "duplicate_id": "the id {id!r} is also the id of the row on line {line}",
        "duplicate_hint": "give every row its own id",
    },
    "id": {
        "id_needed": "register ini memiliki {rows} baris: sebutkan baris yang dibaca, "
        "seperti {example}",
        "id_needed_hint": "id-nya: {ids}; 'sistereval batch {file}' mengevaluasi setiap baris",
        "unknown_id": "tidak ada baris register dengan id {id!r}; id yang ada: {ids}",
        "did_you_mean": "mungkin maksud Anda {id!r}?",
        "no_rows": "tidak ada, register ini tidak memiliki baris",
        "duplicate_id": "id {id!r} sudah dipakai oleh baris pada nomor baris {line}",
        "duplicate_hint": "beri setiap baris id-nya sendiri",
    },
}


#: What ``sistereval schema ... --out FILE`` says (:mod:`sistereval.cli.schema`).
SCHEMA: Mapping[str, Mapping[str, str]] = {
    "en": {
        "case": "the JSON Schema of case files",
        "rules": "the JSON Schema of rule files",
        "facts": "the fact schema",
        "written": "{file}: {what} written",
        "modeline": "to have an editor check a YAML file against it, start the file with: "
        "# yaml-language-server: $schema={file}",
        "cannot_write": "sistereval schema: cannot write {file}: {reason}",
    },
    "id": {
        "case": "JSON Schema berkas kasus",
        "rules": "JSON Schema berkas aturan",
        "facts": "skema fakta",
        "written": "{file}: {what} telah ditulis",
        "modeline": "agar editor memeriksa berkas YAML terhadapnya, awali berkas itu dengan: "
        "# yaml-language-server: $schema={file}",
        "cannot_write": "sistereval schema: tidak dapat menulis {file}: {reason}",
    },
}


#: The files a rule file names (:mod:`sistereval.language.reach`): ``extends``, a test's
#: ``case:``, a decision table.  Problems are reported in English; ``id`` is the same
#: text in Indonesian (docs/errors.md shows both).
REACH: Mapping[str, Mapping[str, str]] = {
    "en": {
        "absolute": "{path!r} is not a path relative to this rule file",
        "outside": "{path!r} leads outside the folder of this rule file",
        "hint": "name a file in this rule file's folder or below it by a relative path "
        "(such as base.yaml or parents/base.yaml), or a shipped one by its name "
        "(extends: core); '..' out of the folder, absolute paths, '~', URLs and links "
        "pointing outside are refused",
        "bad_name": "{path!r} is not the name of a {what}",
        "name_hint": "a {what}'s name ends in {suffixes}",
        "not_a_file": "{path!r} is {kind}, not a regular file",
        "directory": "a directory",
        "special": "a device, FIFO or socket",
        "file_hint": "name a {what} saved in this rule file's folder",
        "not_rule_file": "{path!r} is not a rule file (it does not start with "
        "'format: sistereval/rules@1'); its content is not shown",
        "not_rule_file_hint": "extend a rule file, or a shipped rule set by name",
        "not_case_file": "{path!r} is not a case file (it does not start with "
        "'format: sistereval/case@1'); its content is not shown",
        "unknown_example": "no shipped example is named {name!r}",
    },
    "id": {
        "absolute": "{path!r} bukan path relatif terhadap berkas aturan ini",
        "outside": "{path!r} mengarah ke luar folder berkas aturan ini",
        "hint": "sebut berkas di folder berkas aturan ini atau di bawahnya dengan path "
        "relatif (seperti base.yaml atau parents/base.yaml), atau berkas bawaan dengan "
        "namanya (extends: core); '..' ke luar folder, path absolut, '~', URL dan tautan "
        "yang mengarah ke luar ditolak",
        "bad_name": "{path!r} bukan nama {what}",
        "name_hint": "nama {what} berakhiran {suffixes}",
        "not_a_file": "{path!r} adalah {kind}, bukan berkas biasa",
        "directory": "sebuah direktori",
        "special": "sebuah perangkat, FIFO atau soket",
        "file_hint": "sebut {what} yang tersimpan di folder berkas aturan ini",
        "not_rule_file": "{path!r} bukan berkas aturan (tidak diawali "
        "'format: sistereval/rules@1'); isinya tidak ditampilkan",
        "not_rule_file_hint": "perluas sebuah berkas aturan, atau himpunan aturan bawaan "
        "dengan namanya",
        "not_case_file": "{path!r} bukan berkas kasus (tidak diawali "
        "'format: sistereval/case@1'); isinya tidak ditampilkan",
        "unknown_example": "tidak ada contoh bawaan bernama {name!r}",
    },
}


#: The problems of a decision table (:mod:`sistereval.language.tables`).  Problems are
#: reported in English; ``id`` is the same text in Indonesian (docs/errors.md shows both).
TABLES: Mapping[str, Mapping[str, str]] = {
    "en": {
        "not_relative": "{file!r} is not a path relative to this rule file",
        "not_a_table": "{file!r} is not a table: its name must end in .csv, .tsv or .xlsx",
        "csv_sheet": "a CSV table has no sheets: drop 'sheet'",
        "unreadable": "cannot read the table {path}: {reason}",
        "empty": "the table is empty: its first row names the columns",
        "no_condition": "the table has no condition column (a column named by a fact or an "
        "expression)",
        "both_outputs": "a table outputs a verdict or a finding, not both",
        "no_output": "the table has neither a 'verdict' nor a 'finding' column",
        "unique_findings": "the hit policy 'unique' is for verdict tables; a finding table is "
        "'collect' or 'first'",
        "named_twice": "the column {name!r} is named twice (columns {first} and {second})",
        "not_a_language": "column {name!r}: {language!r} is not a language of the rule set",
        "unknown_column": "unknown column {name!r}: not an output, and not a fact",
        "missing_column": "the required column {name!r} is missing",
        "no_message_column": "a table needs a message column per language: because.en, because.id",
        "unnamed_cell": "column {column} has no name but holds {text!r}",
        "empty_id": "the required column 'id' is empty",
        "bad_id": "{text!r} is not a rule id (lower-case letters, digits and '-')",
        "empty_source": "the required column 'source' is empty",
        "empty_message": "the message in {language!r} (because.{language}) is empty",
        "empty_item": "{text!r} has an empty item",
        "empty_verdict": "the column 'verdict' is empty",
        "finding_needs": "a finding needs 'finding', 'factor' and 'severity': {missing} empty",
        "not_a_kind": "{text!r} is not a finding kind",
        "not_a_severity": "{text!r} is not a severity",
    },
    "id": {
        "not_relative": "{file!r} bukan path relatif terhadap berkas aturan ini",
        "not_a_table": "{file!r} bukan tabel: namanya harus berakhiran .csv, .tsv atau .xlsx",
        "csv_sheet": "tabel CSV tidak mempunyai lembar kerja: hapus 'sheet'",
        "unreadable": "tabel {path} tidak dapat dibaca: {reason}",
        "empty": "tabel kosong: baris pertamanya memuat nama kolom",
        "no_condition": "tabel tidak mempunyai kolom kondisi (kolom yang dinamai dengan fakta "
        "atau ekspresi)",
        "both_outputs": "keluaran tabel berupa putusan atau temuan, tidak keduanya",
        "no_output": "tabel tidak mempunyai kolom 'verdict' maupun kolom 'finding'",
        "unique_findings": "hit policy 'unique' hanya untuk tabel putusan; tabel temuan "
        "memakai 'collect' atau 'first'",
        "named_twice": "nama kolom {name!r} dipakai dua kali (kolom {first} dan {second})",
        "not_a_language": "kolom {name!r}: {language!r} bukan bahasa himpunan aturan ini",
        "unknown_column": "kolom {name!r} tidak dikenal: bukan keluaran dan bukan fakta",
        "missing_column": "kolom wajib {name!r} tidak ada",
        "no_message_column": "tabel memerlukan satu kolom pesan untuk setiap bahasa: "
        "because.en, because.id",
        "unnamed_cell": "kolom {column} tidak bernama tetapi berisi {text!r}",
        "empty_id": "kolom wajib 'id' kosong",
        "bad_id": "{text!r} bukan id aturan (huruf kecil, angka dan '-')",
        "empty_source": "kolom wajib 'source' kosong",
        "empty_message": "pesan dalam bahasa {language!r} (because.{language}) kosong",
        "empty_item": "{text!r} memuat butir yang kosong",
        "empty_verdict": "kolom 'verdict' kosong",
        "finding_needs": "temuan memerlukan 'finding', 'factor' dan 'severity': {missing} kosong",
        "not_a_kind": "{text!r} bukan jenis temuan",
        "not_a_severity": "{text!r} bukan tingkat keparahan",
    },
}


#: What the pytest plugin (:mod:`sistereval.pytestplugin`) reports for a failed declared
#: test, in the language of ``--sistereval-lang`` (or the ``sistereval_lang`` setting).
PLUGIN: Mapping[str, Mapping[str, str]] = {
    "en": {
        "failed": "{location}: sistereval test {name!r} failed",
        "error": "  error: {error}",
        "verdict": "  expected verdict {expected}, got {actual}",
        "not_fired": "  did not fire: {rule}",
        "blocked_by": "    blocked by: {condition}",
        "values": "    values: {detail}",
        "unexpected": "  fired unexpectedly: {rule}",
        "fired": "  fired: {rules}",
        "none": "none",
    },
    "id": {
        "failed": "{location}: uji sistereval {name!r} gagal",
        "error": "  galat: {error}",
        "verdict": "  putusan yang diharapkan {expected}, yang didapat {actual}",
        "not_fired": "  tidak terpenuhi: {rule}",
        "blocked_by": "    terhalang oleh: {condition}",
        "values": "    nilai: {detail}",
        "unexpected": "  terpenuhi padahal tidak diharapkan: {rule}",
        "fired": "  yang terpenuhi: {rules}",
        "none": "tidak ada",
    },
}


#: The budget of ``check``'s property searches (:mod:`sistereval.check.properties`).
#: ``check`` reports in English; ``id`` is the same text in Indonesian.
CHECK: Mapping[str, Mapping[str, str]] = {
    "en": {
        "work_budget": "the budget of {bound} rule evaluations",
        "time_budget": "the time budget of {seconds} s",
        "stopped": "stopped at {budget}: {n} rule(s) without a witness not searched to the "
        "end (not reported as no-witness)",
        "incomplete": "no defect found, but incomplete: the property searches stopped at "
        "their budget",
    },
    "id": {
        "work_budget": "anggaran {bound} evaluasi aturan",
        "time_budget": "anggaran waktu {seconds} detik",
        "stopped": "berhenti pada {budget}: {n} aturan tanpa saksi tidak dicari sampai "
        "selesai (tidak dilaporkan sebagai no-witness)",
        "incomplete": "tidak ada cacat yang ditemukan, tetapi belum lengkap: penelusuran "
        "sifat berhenti pada anggarannya",
    },
}


#: What notebooks show of evaluations, explanations and comparisons
#: (``_repr_html_`` and ``_repr_markdown_``), besides :data:`LABELS` and :data:`REPORT`.
NOTEBOOK: Mapping[str, Mapping[str, str]] = {
    "en": {
        "finding": "finding",
        "message": "message",
        "no_findings": "No rule fired.",
        "disputed": "{count} disputed fact(s): sistereval.explain(evaluation) shows them",
        "explain_hint": "Why: sistereval.explain(evaluation); what would change it: "
        "sistereval.counterfactuals(case).",
        "cases": "{count} cases",
        "explanation": "Explanation",
    },
    "id": {
        "finding": "temuan",
        "message": "pesan",
        "no_findings": "Tidak ada aturan yang terpenuhi.",
        "disputed": "{count} fakta diperselisihkan sumber: sistereval.explain(evaluation) "
        "menampilkannya",
        "explain_hint": "Alasannya: sistereval.explain(evaluation); apa yang akan mengubahnya: "
        "sistereval.counterfactuals(case).",
        "cases": "{count} kasus",
        "explanation": "Penjelasan",
    },
}


def texts(catalogue: Mapping[str, Mapping[str, str]], language: str) -> Mapping[str, str]:
    """The texts of ``catalogue`` in ``language``, or in English when it has none."""
    return catalogue.get(language, catalogue["en"])


# --------------------------------------------------------------------------
# Did-you-mean suggestions for misspelt names, keys and values.


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate most like ``word``, if any is close enough."""
    pool = sorted(set(candidates))
    matches = difflib.get_close_matches(word, pool, n=1, cutoff=0.6)
    if not matches:
        lowered = {c.lower(): c for c in pool}
        matches = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
        return lowered[matches[0]] if matches else None
    return matches[0]


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """``"did you mean 'x'?"`` or None."""
    match = closest(word, candidates)
    return f"did you mean {match!r}?" if match is not None else None


def one_of(values: Iterable[str]) -> str:
    """``"one of 'a', 'b', 'c'"``."""
    return "one of " + ", ".join(repr(v) for v in values)


def suggest_value(word: str, values: Iterable[str]) -> str:
    """The did-you-mean if a value is close, else the list of allowed values."""
    values = tuple(values)
    return did_you_mean(word, values) or one_of(values)


def reference_text(reference: Mapping[str, Any], t: Mapping[str, str]) -> str:
    """``2022 (the case's as_of)``: the date an evaluation measured durations to and where
    it comes from; empty when no date is known."""
    if not reference.get("date"):
        return ""
    basis = t.get(f"as_of.{reference.get('basis')}", str(reference.get("basis")))
    cited = reference.get("sources") or ()
    sources = f": {', '.join(cited)}" if cited else ""
    return f"{format_value(reference['date'])} ({basis}{sources})"


def reference_lines(reference: Mapping[str, Any], t: Mapping[str, str]) -> list[str]:
    """``  measured to 2022 (the case's as_of)``, or nothing when no date is known."""
    text = reference_text(reference, t)
    return [f"  {t['as_of']} {text}"] if text else []
