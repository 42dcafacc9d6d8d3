"""A workbook read back through its input cells' defined names: every field, every layout.

Every input cell of a workbook has a defined name, declared with its field in
`sources/offer_fields.py`; read-back goes through those names alone, and a workbook records the
layout it was written with. Layout 1 (segxlsx 0.2, tests/fixtures/workbooks/layout-1-*.xlsx, as
that version wrote it) is still read; a newer layout than this segxlsx knows is refused.
"""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal as D
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.packaging.custom import IntProperty

import segxlsx
from segxlsx.errors import OfferError
from segxlsx.sheets.names import check_all_defined
from segxlsx.sources.offer_fields import COMPETING, OFFER, competing_cell, differences
from segxlsx.sources.workbooks import LAYOUT, LAYOUT_PROPERTY, read_back
from segxlsx.wording import load_wording
from segxlsx.xlsx.package import SIGNATURE_PROPERTY

from .conftest import FIXTURES
from .parity_cases import CASES, RATES, SEGMENT, STRIPE

GUIDES = {SEGMENT.id: SEGMENT, STRIPE.id: STRIPE}
WORDING = load_wording()


def written(tmp_path: Path, offer, guide, name: str = "offer.xlsx") -> Path:
    path = tmp_path / name
    workbook, _ = segxlsx.render_offer(offer, guide, RATES, WORDING)
    path.write_bytes(segxlsx.workbook_bytes(workbook, RATES.as_of))
    return path


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_input_reads_back_as_the_offer_it_was_written_from(case, tmp_path):
    guide, offer = CASES[case]
    read = read_back(written(tmp_path, offer, guide), GUIDES)
    assert differences(offer, read, GUIDES) == []


def test_every_input_cell_has_its_fields_defined_name(tmp_path):
    guide, offer = CASES["sf-competing-own-schedules"]
    workbook = load_workbook(written(tmp_path, offer, guide))
    names = set(workbook.defined_names)
    expected = {f.cell for f in OFFER if f.cell} | {
        competing_cell(number, f) for number in range(1, len(offer.competing) + 1) for f in COMPETING
    }
    assert expected <= names
    props = {prop.name: prop.value for prop in workbook.custom_doc_props.props}
    assert props.pop(SIGNATURE_PROPERTY).startswith("sha256:")
    assert props == {LAYOUT_PROPERTY: LAYOUT}


def test_a_workbook_missing_an_input_name_is_never_saved():
    """check_all_defined holds every workbook to the field table's names before it is written."""
    guide, offer = CASES["sf-competing"]
    workbook, _ = segxlsx.render_offer(offer, guide, RATES, WORDING)
    del workbook.defined_names["competing_1_vest_every"]
    with pytest.raises(AssertionError, match="competing_1_vest_every"):
        check_all_defined(workbook, ["USD", "GBP", "EUR"], len(offer.competing))


def test_a_deadline_typed_into_the_workbook_reads_back_as_a_date(tmp_path):
    """`expires`, added as one row of the field table, has its named input cell like the rest."""
    guide, offer = CASES["ny-below"]
    path = written(tmp_path, offer, guide)
    workbook = load_workbook(path)
    ((sheet, ref),) = workbook.defined_names["offer_expires"].destinations
    workbook[sheet][ref] = datetime(2026, 12, 12)
    workbook.save(path)

    read = read_back(path, GUIDES)
    assert read.expires == date(2026, 12, 12)
    assert differences(offer, read, GUIDES) == [
        "expires nothing in the offer file, 2026-12-12 in the workbook"
    ]


def test_a_workbook_written_with_a_deadline_shows_and_keeps_it(tmp_path):
    guide, offer = CASES["ny-below"]
    offer = replace(offer, expires=date(2026, 12, 12))
    path = written(tmp_path, offer, guide)
    workbook = load_workbook(path)
    ((sheet, ref),) = workbook.defined_names["offer_expires"].destinations
    assert workbook[sheet][ref].value == datetime(2026, 12, 12) and workbook[sheet][ref].is_date
    assert read_back(path, GUIDES).expires == date(2026, 12, 12)


def test_a_stage_chosen_and_a_competing_deadline_typed_in_the_workbook_read_back(tmp_path):
    """`stage` is an input with a drop-down of its words; each competing offer's deadline an
    input of the competing table. Both read back like every other field."""
    guide, offer = CASES["sf-competing"]
    path = written(tmp_path, offer, guide)
    workbook = load_workbook(path)
    ((sheet, stage),) = workbook.defined_names["offer_stage"].destinations
    (choices,) = [
        v for v in workbook[sheet].data_validations.dataValidation if stage.replace("$", "") in v.sqref
    ]
    assert choices.type == "list" and choices.formula1 == '"verbal,written,accepted,declined,withdrawn"'
    assert workbook[sheet][stage].value == "written"
    workbook[sheet][stage] = "verbal"
    ((sheet, expires),) = workbook.defined_names["competing_2_expires"].destinations
    assert workbook[sheet][expires].value is None and workbook[sheet][expires].number_format == "yyyy-mm-dd"
    workbook[sheet][expires] = datetime(2026, 12, 10)
    workbook.save(path)

    read = read_back(path, GUIDES)
    assert (read.stage, read.competing[1].expires) == ("verbal", date(2026, 12, 10))
    assert differences(offer, read, GUIDES) == [
        "stage 'written' in the offer file, 'verbal' in the workbook",
        "competing 2 expires nothing in the offer file, 2026-12-10 in the workbook",
    ]


def test_a_stage_typed_wrong_in_the_workbook_is_named_with_its_cell(tmp_path):
    guide, offer = CASES["ny-below"]
    path = written(tmp_path, offer, guide)
    workbook = load_workbook(path)
    ((sheet, ref),) = workbook.defined_names["offer_stage"].destinations
    workbook[sheet][ref] = "signed"
    workbook.save(path)
    with pytest.raises(OfferError) as caught:
        read_back(path, GUIDES)
    where = f"{sheet}!{ref.replace('$', '')}"
    assert str(caught.value) == (
        f"{path}, cell {where}, candidate 'Ben', field 'stage': unknown stage 'signed'; "
        "known: verbal, written, accepted, declined, withdrawn"
    )


def test_a_competing_grants_frequency_is_an_input_and_reads_back(tmp_path):
    """Layout 1 had no cell for it: a competing offer's monthly vesting was lost on read-back."""
    guide, offer = CASES["sf-competing-own-schedules"]
    monthly = [other for other in offer.competing if other.vesting and other.vesting.every != "yearly"]
    assert monthly, "the case should hold a competing grant that does not vest yearly"
    read = read_back(written(tmp_path, offer, guide), GUIDES)
    assert [o.vesting.every if o.vesting else "yearly" for o in read.competing] == [
        o.vesting.every if o.vesting else "yearly" for o in offer.competing
    ]


def test_a_layout_1_workbook_of_segxlsx_0_2_reads_back(tmp_path):
    """Kept exactly as segxlsx 0.2 wrote it: its text inputs unnamed, found where it put them."""
    guide, offer = CASES["sf-competing"]
    path = FIXTURES / "workbooks" / "layout-1-sf-competing.xlsx"
    assert not load_workbook(path).custom_doc_props.props  # layout 1 recorded none
    assert differences(offer, read_back(path, GUIDES), GUIDES) == []


def test_a_layout_1_workbook_whose_rows_moved_is_reported_not_guessed(tmp_path):
    path = tmp_path / "moved.xlsx"
    workbook = load_workbook(FIXTURES / "workbooks" / "layout-1-sf-competing.xlsx")
    workbook["Offer"].insert_rows(3)  # its text inputs have no defined name: their labels must still match
    workbook.save(path)
    with pytest.raises(OfferError) as caught:
        read_back(path, GUIDES)
    assert caught.value.location.cell == "Offer!A5" and "rows have moved" in caught.value.message


def test_a_layout_newer_than_this_segxlsx_is_refused_in_one_line(tmp_path):
    guide, offer = CASES["sf-within"]
    path = written(tmp_path, offer, guide)
    workbook = load_workbook(path)
    workbook.custom_doc_props.props = [IntProperty(name=LAYOUT_PROPERTY, value=LAYOUT + 1)]
    workbook.save(path)
    with pytest.raises(OfferError) as caught:
        read_back(path, GUIDES)
    assert str(caught.value).endswith(
        f"it was written by a newer segxlsx (layout {LAYOUT + 1}); this one reads layouts 1 to {LAYOUT}: "
        "upgrade segxlsx to read it"
    )
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda wb: wb.defined_names.pop("offer_base"), "the workbook has no defined name offer_base"),
        (lambda wb: [wb.defined_names.pop(name) for name in list(wb.defined_names)],
         "it is not a workbook segxlsx wrote (it has no defined name offer_base)"),
    ],
)  # fmt: skip
def test_a_workbook_without_its_names_is_named_not_guessed(tmp_path, change, message):
    guide, offer = CASES["sf-within"]
    path = written(tmp_path, offer, guide)
    workbook = load_workbook(path)
    if "not a workbook" in message:
        workbook.custom_doc_props.props = []
    change(workbook)
    workbook.save(path)
    with pytest.raises(OfferError, match=re.escape(message)):
        read_back(path, GUIDES)


def test_a_cell_that_does_not_validate_is_named_with_its_field(tmp_path):
    guide, offer = CASES["sf-competing"]
    path = written(tmp_path, offer, guide)
    workbook = load_workbook(path)
    ((sheet, ref),) = workbook.defined_names["competing_1_bonus_pct"].destinations
    workbook[sheet][ref] = 15  # a bonus typed as 15 for 15%
    workbook.save(path)
    with pytest.raises(OfferError) as caught:
        read_back(path, GUIDES)
    where = caught.value.location
    assert (where.cell, where.field) == (f"{sheet}!{ref.replace('$', '')}", "competing[1].bonus")


def test_reading_back_needs_no_more_than_the_workbook_bytes(tmp_path):
    """A workbook copied anywhere reads back the same: nothing is looked up beside it."""
    guide, offer = CASES["london-paid-in-eur"]
    data = written(tmp_path, offer, guide).read_bytes()
    elsewhere = tmp_path / "elsewhere" / "copy.xlsx"
    elsewhere.parent.mkdir()
    elsewhere.write_bytes(data)
    assert (
        read_back(elsewhere, GUIDES).base
        == offer.base
        == load_workbook(io.BytesIO(data))["Offer"]["B9"].value
    )
    assert isinstance(offer.base, D)


# -- edits Excel allows ------------------------------------------------------------------------------


def renamed_as_excel_does(workbook, old: str, new: str) -> None:
    """openpyxl renames the sheet only; Excel also rewrites every name that points at it."""
    workbook[old].title = new
    quoted = "'" + new.replace("'", "''") + "'"
    for definition in workbook.defined_names.values():
        sheet, _, ref = definition.attr_text.rpartition("!")
        if sheet.strip("'") == old:
            definition.attr_text = f"{quoted}!{ref}"


@pytest.mark.parametrize("title", ["Yea!rs", "Year's pay", "Years, 2027", "Année 1"])
def test_a_sheet_renamed_in_excel_reads_back_the_same(tmp_path, title):
    guide, offer = CASES["sf-competing-own-schedules"]
    path = written(tmp_path, offer, guide)
    before = read_back(path, GUIDES)
    workbook = load_workbook(path)
    renamed_as_excel_does(workbook, "Years", title)
    renamed_as_excel_does(workbook, "Compare", f"{title} (2)")
    workbook.save(path)
    assert read_back(path, GUIDES) == before


@pytest.mark.parametrize(
    ("redefined", "message"),
    [
        ("'Offer'!$B$9:$B$10", "the defined name offer_base should be one cell, not 2"),
        (
            "'Offer'!$B:$B",
            "the defined name offer_base points at 'Offer'!$B:$B, which is not a cell or a range of cells",
        ),
        (
            "'Offer'!$B$10:$B$9",
            "the defined name offer_base points at 'Offer'!$B$10:$B$9, which is not a cell or a range of cells",
        ),
        (
            "'Offer'!$B$0",
            "the defined name offer_base points at 'Offer'!$B$0, which is not a cell or a range of cells",
        ),
        ("130000", "the defined name offer_base points at 130000, which is not a cell or a range of cells"),
        (
            "#REF!$B$9",
            "the defined name offer_base points nowhere (#REF!$B$9): the sheet or cells it named were deleted",
        ),
        ("'Gone'!$B$9", "the workbook has no sheet 'Gone'"),
        ("'Offer'!$A$1:$Z$9", "the defined name offer_base points at more than 64 cells"),
        # each area small, all of them together not: refused before they are held
        pytest.param(
            ",".join(["'Offer'!$B$9"] * 100_000),
            "the defined name offer_base points at more than 64 cells",
            id="100,000 one-cell areas",
        ),
    ],
)
def test_a_name_redefined_in_excel_is_named_not_guessed(tmp_path, redefined, message):
    guide, offer = CASES["sf-within"]
    path = written(tmp_path, offer, guide)
    workbook = load_workbook(path)
    workbook.defined_names["offer_base"].attr_text = redefined
    workbook.save(path)
    with pytest.raises(OfferError) as caught:
        read_back(path, GUIDES)
    assert caught.value.message == message and "\n" not in str(caught.value)


def test_a_deleted_sheet_is_named(tmp_path):
    guide, offer = CASES["sf-competing"]
    path = written(tmp_path, offer, guide)
    workbook = load_workbook(path)
    del workbook["Compare"]  # openpyxl leaves the names pointing at it, as a damaged file would
    workbook.save(path)
    with pytest.raises(OfferError, match="the workbook has no sheet 'Compare'"):
        read_back(path, GUIDES)


@pytest.mark.parametrize(
    ("keep", "focus", "read", "problem"),
    [
        ("Base, sign-on", "stock", (("base", "sign_on"), "stock"), None),
        ("salary", None, None, ("keep", "unknown component 'salary'")),
        ("base", "base", None, ("focus", "base is both kept as offered and the focus")),
    ],
)
def test_what_the_candidate_keeps_typed_into_the_workbook_reads_back(tmp_path, keep, focus, read, problem):
    """`keep` and `focus`, rows of the field table, are named text inputs: read back like any
    other, a value that does not validate named with its cell."""
    guide, offer = CASES["ny-below"]
    path = written(tmp_path, offer, guide)
    workbook = load_workbook(path)
    cells = {}
    for name, value in (("offer_keep", keep), ("offer_focus", focus)):
        ((sheet, ref),) = workbook.defined_names[name].destinations
        workbook[sheet][ref] = value
        cells[name] = f"{sheet}!{ref.replace('$', '')}"
    workbook.save(path)
    if problem is None:
        back = read_back(path, GUIDES)
        assert (back.keep, back.focus) == read
        assert differences(offer, back, GUIDES) == [
            "keep none in the offer file, base, sign_on in the workbook",
            "focus nothing in the offer file, stock in the workbook",
        ]
        return
    field, message = problem
    with pytest.raises(OfferError, match=re.escape(message)) as caught:
        read_back(path, GUIDES)
    assert (caught.value.location.field, caught.value.location.cell) == (field, cells[f"offer_{field}"])


def test_a_figure_name_gone_bad_does_not_stop_the_inputs_reading_back(tmp_path):
    """Read-back reads the inputs' names and cells only: a figure's name pointing nowhere
    (a sheet deleted in Excel) is no input of the offer."""
    guide, offer = CASES["sf-within"]
    path = written(tmp_path, offer, guide)
    before = read_back(path, GUIDES)
    workbook = load_workbook(path)
    workbook.defined_names["pen_base"].attr_text = "#REF!$B$30"
    workbook.save(path)
    assert read_back(path, GUIDES) == before
