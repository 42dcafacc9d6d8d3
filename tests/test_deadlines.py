"""Deadlines: when a decision is due, said on the Offer sheet and in the scripts, in English days.

An offer's `expires`, its competing offers' and its `stage` make two figures, `decision_due`
(the first deadline while the offer is open) and `answer_by` (the working day before). The
Offer sheet shows them as dates and in words; the candidate's script asks to settle in time,
and the coach's note says whose deadline bites first. With no deadline, or a settled offer,
nothing is said of deadlines at all. Words are English whoever opens the file: a German
LibreOffice recalculates them too.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from openpyxl import load_workbook

from segxlsx.figures import offer_figures
from segxlsx.sheets import offer as o
from segxlsx.sheets.scripts import FIRST_LINE_ROW, NOTE, SAY
from segxlsx.wording import load_wording, offer_scripts

from .libreoffice import convert
from .parity_cases import CASES, RATES, SEGMENT

WORDING = load_wording()
DEADLINE_WORDS = ("settle", "deadline", "expires", "answer by")


def said(case_offer, guide=SEGMENT) -> tuple[str, str]:
    """Negotiate up as the model says it: the candidate's words and the coach's note."""
    figures = offer_figures(case_offer, guide, RATES)
    return offer_scripts(case_offer, guide, WORDING).texts(figures, case_offer.currency)[0]


def test_a_competing_deadline_that_comes_first_is_said_as_another_offer_and_named_to_the_coach():
    _, quinn = CASES["sf-deadlines"]  # verbal, due Monday 14; Databricks' due Saturday 12
    figures = offer_figures(quinn, SEGMENT, RATES)
    assert (figures.decision_due, figures.answer_by) == (date(2026, 12, 12), date(2026, 12, 11))
    say, note = said(quinn)
    assert say.endswith(
        " Could we settle this by Friday 11 December? I have another offer to answer by Saturday 12 December."
    )
    assert note.endswith(
        " Databricks's offer expires first, on Saturday 12 December: use it before then. "
        "The candidate asks to settle by Friday 11 December, the working day before."
    )


def test_the_offers_own_deadline_first_asks_for_the_working_day_before():
    _, quinn = CASES["sf-deadlines"]
    sooner = replace(quinn, expires=date(2026, 12, 7))  # a Monday: the Friday before
    say, note = said(sooner)
    assert say.endswith(
        " Could we settle this by Friday 4 December, the working day before the offer expires?"
    )
    assert note.endswith(
        " This offer's own deadline comes first: it expires on Monday 7 December. "
        "The candidate asks to settle by Friday 4 December, the working day before."
    )
    tie = replace(quinn, expires=date(2026, 12, 12))  # the same day as Databricks': its own, first
    assert said(tie)[1].endswith(
        "This offer's own deadline comes first: it expires on Saturday 12 December. "
        "The candidate asks to settle by Friday 11 December, the working day before."
    )


@pytest.mark.parametrize("case", ["sf-within", "sf-competing", "ny-accepted"])
def test_nothing_is_said_of_deadlines_when_none_is_set_or_the_offer_is_settled(case):
    guide, offer = CASES[case]
    figures = offer_figures(offer, guide, RATES)
    assert figures.decision_due is None and figures.answer_by is None
    for line in offer_scripts(offer, guide, WORDING).texts(figures, offer.currency):
        for text in line:
            assert not any(word in text.lower() for word in DEADLINE_WORDS), text


def test_another_offer_is_never_claimed_by_a_candidate_without_competing_offers(tmp_path):
    """The competing sentence is in the formula only when the offer file lists competing offers:
    no edit of a workbook can make a candidate claim an offer they do not hold."""
    import segxlsx

    guide, offer = CASES["ny-below"]
    dated = replace(offer, expires=date(2026, 12, 10))
    workbook, _ = segxlsx.render_offer(dated, guide, RATES, WORDING)
    path = tmp_path / "ben.xlsx"
    path.write_bytes(segxlsx.workbook_bytes(workbook, RATES.as_of))
    sheet = load_workbook(path)["Scripts"]
    formulas = sheet[f"{SAY}{FIRST_LINE_ROW}"].value + sheet[f"{NOTE}{FIRST_LINE_ROW}"].value
    assert "another offer" not in formulas and "settle this by" in formulas
    assert said(dated)[0].endswith(
        "Could we settle this by Wednesday 9 December, the working day before the offer expires?"
    )


@pytest.mark.parametrize("case", ["sf-deadlines", "edited-deadline", "ny-accepted"])
def test_libreoffice_shows_the_deadline_and_the_scripts_the_model_says(case, built, recalculated):
    """Recalculated, the Offer sheet's days and words and the scripts are the model's, for a
    deadline typed into the workbook (edited-deadline) too."""
    _, figures, offer = built[case]
    workbook = load_workbook(recalculated[case], data_only=True)
    offer_sheet, scripts = workbook["Offer"], workbook["Scripts"]
    words = [offer_sheet[f"F{row}"].value or "" for row in (o.DECISION_DUE, o.ANSWER_BY)]
    from segxlsx.rules import day_in_words

    assert words == [day_in_words(figures.decision_due), day_in_words(figures.answer_by)]
    texts = offer_scripts(offer, SEGMENT, WORDING).texts(figures, offer.currency)
    assert (scripts[f"{SAY}{FIRST_LINE_ROW}"].value, scripts[f"{NOTE}{FIRST_LINE_ROW}"].value) == texts[0]
    if case == "edited-deadline":  # due Wednesday 9, before Databricks' Saturday 12
        assert words[0] == "Wednesday 9 December 2026"
        assert texts[0][0].endswith(
            "Could we settle this by Tuesday 8 December, the working day before the offer expires?"
        )


def test_days_are_english_in_a_german_libreoffice(built, tmp_path):
    """TEXT(day, "dddd") would say "Samstag" there (and read its format letters in German);
    the words are CHOOSE over English names, so every reader shows the same sentence."""
    path, figures, offer = built["sf-deadlines"]
    (german,) = convert([path], tmp_path, locale="de-DE")
    workbook = load_workbook(german, data_only=True)
    assert workbook["Offer"][f"F{o.DECISION_DUE}"].value == "Saturday 12 December 2026"
    texts = offer_scripts(offer, SEGMENT, WORDING).texts(figures, offer.currency)
    assert workbook["Scripts"][f"{SAY}{FIRST_LINE_ROW}"].value == texts[0][0]
    # The check is real: this LibreOffice did run in German.
    from segxlsx.sheets.styles import new_workbook, put, put_formula

    control = new_workbook("control")
    sheet = control.add_sheet("Days")
    put(sheet, "A1", date(2026, 12, 12), "yyyy-mm-dd")
    put_formula(sheet, "B1", '=TEXT(A1,"dddd")', "Saturday")
    (tmp_path / "control.xlsx").write_bytes(control.to_bytes(RATES.as_of))
    (recalculated,) = convert([tmp_path / "control.xlsx"], tmp_path / "de", locale="de-DE")
    assert load_workbook(recalculated, data_only=True)["Days"]["B1"].value == "Samstag"
