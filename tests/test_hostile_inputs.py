"""Hostile input: what a careless user or an attacker can feed the readers.

A few tests per kind of problem (text XML cannot hold, malformed CSV, YAML 1.1 forms, duplicate
keys, alias bombs, absurd amounts, inputs that are not files, validate agreeing with build), each
with inputs made here, then fuzz tests: arbitrary text in every offer text field and arbitrary
bytes in the CSV, YAML and JSON readers give an offer or one of our errors, never a traceback,
and every row is either built or reported.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import signal
import time
import tracemalloc
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

import segxlsx
from segxlsx.cli import main
from segxlsx.errors import GuideError, OfferError, RatesError, SegxlsxError, display_path
from segxlsx.model import MAX_COMPETING_OFFERS
from segxlsx.sheets import render_offer, workbook_bytes
from segxlsx.sources.files import MAX_YAML_NODES, load_yaml, read_text
from segxlsx.sources.guides import dump_guide, load_guide, read_guide
from segxlsx.sources.guides.yaml import guide_from_dict
from segxlsx.sources.offer_fields import read_offer
from segxlsx.sources.offers import LoadedOffers, load_offers, read_offer_file
from segxlsx.sources.rates import FileRates, load_rates
from segxlsx.text import first_unwritable
from segxlsx.validation import check_figures
from segxlsx.wording import TemplateError, load_wording

from .conftest import ROOT, SEED, SEED_YAML

GUIDE = load_guide(SEED_YAML)
GUIDES = {GUIDE.id: GUIDE}
KIM = {"candidate": "Kim Lee", "region": "London", "base": 130000, "stock": 100000, "bonus": "12%"}
COMPETING = {"company": "Snowflake", "base": 120000, "stock": 90000, "bonus": 0.1}
HEADER = "candidate,region,base,stock,bonus,notes\n"
# Every character class XML 1.0 cannot hold, one of each.
UNWRITABLE = ["\ufffe", "\uffff", "\ud800", "\udfff", "\x00", "\x01", "\x0b", "\x0c", "\x1f"]


@pytest.fixture(scope="module")
def offline():
    return load_rates("offline")


@pytest.fixture(scope="module")
def wording():
    return load_wording()


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return path


# --- characters XML 1.0 cannot hold --------------------------------------------------------------

TEXT_FIELDS = {  # field as the error names it → the offer with `char` in that field
    "candidate": lambda c: {**KIM, "candidate": f"Kim{c}Lee"},
    "region": lambda c: {**KIM, "region": f"Lon{c}don"},
    "currency": lambda c: {**KIM, "currency": f"GB{c}"},
    "guide": lambda c: {**KIM, "guide": f"seg{c}"},
    "vest_every": lambda c: {**KIM, "vest_every": f"year{c}ly"},
    "notes": lambda c: {**KIM, "notes": f"fine\n{c}"},
    "competing[1].company": lambda c: {**KIM, "competing": [{**COMPETING, "company": f"Snow{c}"}]},
}


@pytest.mark.parametrize("char", UNWRITABLE)
@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_unwritable_text_in_any_offer_field_is_refused_with_its_code_point(char, field):
    with pytest.raises(OfferError) as caught:
        read_offer(TEXT_FIELDS[field](char), GUIDES)
    error = caught.value
    assert error.location.field == field
    assert f"U+{ord(char):04X}" in error.message and "Excel file cannot hold" in error.message
    assert first_unwritable(str(error)) is None  # the message itself is safe to write anywhere


def test_the_error_names_file_offer_candidate_field_and_code_point(tmp_path):
    # JSON escapes are how a lone surrogate or U+FFFE gets past a UTF-8 decoder
    offers = [KIM, {**KIM, "candidate": "Ana Diaz", "notes": "ok \\ud800 there"}]
    path = write(tmp_path / "offers.json", json.dumps(offers).replace("\\\\ud800", "\\ud800"))
    loaded = read_offer_file(path, GUIDES)
    assert [o.candidate for o in loaded.offers] == ["Kim Lee"]
    (error,) = loaded.failures
    assert str(error) == (
        f"{error.location.file}, offer 2, candidate 'Ana Diaz', field 'notes': "
        "contains U+D800 at character 4, which an Excel file cannot hold"
    )
    csv_path = write(tmp_path / "offers.csv", HEADER + "Kim Lee,London,1,1,0.1,\ufffe\nAna,London,1,1,0.1,\n")
    (error,) = read_offer_file(csv_path, GUIDES).failures
    assert (error.location.row, error.location.candidate, error.location.field) == (1, "Kim Lee", "notes")
    assert "U+FFFE" in error.message


def test_a_name_in_a_guide_is_refused_and_prose_is_mended_visibly(tmp_path):
    text = SEED_YAML.read_text(encoding="utf-8")
    bad_region = write(tmp_path / "region.yaml", text.replace("region: London", 'region: "Lon\\uFFFEdon"', 1))
    with pytest.raises(GuideError) as caught:
        load_guide(bad_region)
    assert caught.value.location.field == "bands[2].region" and "U+FFFE" in caught.value.message

    data = yaml.safe_load(text)
    data["narrative"][0] = "\x01" + data["narrative"][0]
    guide = load_guide(write(tmp_path / "prose.yaml", yaml.safe_dump(data, allow_unicode=True)))
    assert guide.narrative[0].startswith("\ufffd")
    (note,) = guide.notes
    assert note.endswith(
        "prose.yaml, field 'narrative[0]': replaced U+0001 with U+FFFD (an Excel file cannot hold it)"
    )


def test_a_markdown_guide_mends_prose_by_line_and_refuses_a_band_row(tmp_path):
    seed = SEED.read_text(encoding="utf-8")
    lines = seed.split("\n")
    prose_line = next(n for n, line in enumerate(lines) if line.startswith("Segment "))  # narrative
    lines[prose_line] += "\uffff"
    path = write(tmp_path / "prose.md", "\n".join(lines))
    loaded = read_guide(path)
    assert any("\ufffd" in paragraph for paragraph in loaded.guide.narrative)
    assert loaded.guide.notes == (
        f"{display_path(path)}:{prose_line + 1}: replaced U+FFFF with U+FFFD (an Excel file cannot hold it)",
    )
    band_line = next(n for n, line in enumerate(lines) if line.startswith("| London"))
    lines[band_line] = lines[band_line].replace("London", "Lon\x02don")
    with pytest.raises(GuideError) as caught:
        load_guide(write(tmp_path / "band.md", "\n".join(lines)))
    assert caught.value.location.line == band_line + 1 and "U+0002" in caught.value.message


def test_templates_rate_files_and_file_names_are_checked_too(tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    for source in (ROOT / "templates").glob("*.txt"):
        (templates / source.name).write_bytes(source.read_bytes())
    write(templates / "counter.txt", "Given {competitors} \ufffe")
    with pytest.raises(TemplateError) as caught:
        load_wording(templates)
    assert "counter.txt" in str(caught.value) and "U+FFFE" in caught.value.message

    rates = write(
        tmp_path / "rates.yaml", 'as_of: 2026-11-27\nbase: USD\nsource: "Q4\\x07"\nrates: {GBP: 0.79}\n'
    )
    with pytest.raises(RatesError) as caught:
        FileRates(rates).table()
    assert caught.value.location.field == "source" and "U+0007" in caught.value.message

    named = write(
        tmp_path / "kim\x01lee.yaml", "candidate: Kim Lee\nregion: London\nbase: 1\nstock: 1\nbonus: 0.1\n"
    )
    (error,) = read_offer_file(named, GUIDES).failures
    assert error.message == "the file's name contains U+0001 at character 4, which an Excel file cannot hold"
    assert first_unwritable(str(error)) is None


@pytest.mark.parametrize(
    "wording",
    ["I'd like { asks }.", "I'd like {asks!r}.", "I'd like {asks:>30}.", "I'd like {asks[0]}.",
     "I'd like {asks.x}.", "Unclosed {asks", "I'd like {asks} }", "{{asks}}", "{0}", "{}", "{aks}"],
)  # fmt: skip
def test_any_brace_of_wording_that_is_not_a_known_placeholder_stops_the_build(tmp_path, wording):
    """A placeholder spelt any other way would be said to the candidate word for word, braces
    and all: every brace of a template is a known placeholder's, or the file is refused."""
    templates = tmp_path / "templates"
    templates.mkdir()
    for source in (ROOT / "templates").glob("*.txt"):
        (templates / source.name).write_bytes(source.read_bytes())
    write(templates / "ask.txt", wording)
    with pytest.raises(TemplateError) as caught:
        load_wording(templates)
    assert "ask.txt" in str(caught.value)
    assert "brace that is not a placeholder" in caught.value.message or "unknown placeholder" in (
        caught.value.message
    )


def test_a_build_with_unwritable_text_writes_the_good_offer_and_a_summary_that_opens(tmp_path):
    offers = write(
        tmp_path / "offers.csv", HEADER + "Kim Lee,London,130000,100000,12%,ok\nAna\ufffe,London,1,1,0.1,\n"
    )
    report = segxlsx.build([offers], [SEED_YAML], tmp_path / "out", workers=1)
    assert report.count("written") == 1 and not report.kept
    (failure,) = report.failures
    assert "U+FFFE" in failure.message
    summary = load_workbook(report.summary)  # openpyxl's XML parser refuses a corrupt part
    assert summary["Errors"].max_row == 2


# --- text that starts like a formula stays text, in Excel's editor too ---------------------------

# What Excel's editor would take for a formula: = + - @, their full-width forms, tab, CR, LF.
FORMULA_LIKE = ['=HYPERLINK("http://evil","click")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)",
                "\uff1d1+1", "\t=1+1", "\r=1+1"]  # fmt: skip


def formula_like_without_quote_prefix(path: Path) -> list[str]:
    """Every text cell of the file that starts like a formula and lacks the quote prefix, and
    every other text cell that has one."""
    from segxlsx.xlsx.text import starts_like_formula

    wrong = []
    for sheet in load_workbook(path):
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "s" and bool(cell.quotePrefix) != starts_like_formula(cell.value):
                    wrong.append(
                        f"{path.name} {sheet.title}!{cell.coordinate} {cell.value!r} {cell.quotePrefix}"
                    )
    return wrong


def test_text_that_starts_like_a_formula_carries_a_quote_prefix_in_every_file(tmp_path):
    from segxlsx.export import export
    from segxlsx.sheets.intake import intake_bytes

    names = FORMULA_LIKE[:4] + ["Ana \uff1d1+1"]  # candidates: a name holds no control characters
    offers = [
        {**KIM, "candidate": name, "notes": FORMULA_LIKE[(n + 4) % len(FORMULA_LIKE)],
         "competing": [{**COMPETING, "company": FORMULA_LIKE[n]}]}
        for n, name in enumerate(names)
    ]  # fmt: skip
    source = write(tmp_path / "offers.yaml", yaml.safe_dump(offers, allow_unicode=True))
    out = tmp_path / "out"
    assert segxlsx.build([source], [SEED_YAML], out, workers=1).exit_code == 0
    exported = export(out, tmp_path / "export.xlsx", [SEED_YAML]).path
    (tmp_path / "intake.xlsx").write_bytes(intake_bytes(GUIDES, date(2026, 11, 27)))
    files = [*sorted(out.glob("*.xlsx")), exported, tmp_path / "intake.xlsx"]
    assert len(files) == len(names) + 3  # the workbooks, the summary, the export, the intake sheet
    assert [problem for path in files for problem in formula_like_without_quote_prefix(path)] == []
    summary = load_workbook(out / "summary.xlsx")["Summary"]
    shown = {cell.value for row in summary.iter_rows() for cell in row if cell.quotePrefix}
    assert set(names[:4]) <= shown  # the candidates, as text with their prefix
    with zipfile.ZipFile(out / "summary.xlsx") as archive:  # as the file says it, not as openpyxl reads it
        styles = archive.read("xl/styles.xml").decode()
    assert 'quotePrefix="1"' in styles


# --- one malformed CSV row is one error ----------------------------------------------------------


def rows_of(loaded: LoadedOffers) -> list[int]:
    return sorted([o.source.row for o in loaded.offers] + [f.location.row for f in loaded.failures])


def test_a_stray_quote_is_one_error_and_the_rows_after_it_are_read(tmp_path):
    path = write(
        tmp_path / "offers.csv",
        HEADER
        + "Ann Lee,London,130000,100000,12%,\n"
        + '"Bob Ray,London,130000,100000,12%,\n'  # a quote opened and never closed
        + "Cat Kim,London,130000,100000,12%,\n"
        + 'Dan Wu,London,130000,100000,12%,"quoted, fine"\n',
    )
    loaded = read_offer_file(path, GUIDES)
    assert [o.candidate for o in loaded.offers] == ["Ann Lee", "Cat Kim", "Dan Wu"]
    (error,) = loaded.failures
    assert (error.location.line, error.location.row) == (3, 2)
    assert rows_of(loaded) == [1, 2, 3, 4]  # every row of the file, built or reported


def test_a_quote_followed_by_text_is_one_error(tmp_path):
    path = write(tmp_path / "offers.csv", HEADER + '"Ann" Lee,London,1,1,0.1,\nBob,London,1,1,0.1,\n')
    loaded = read_offer_file(path, GUIDES)
    assert [o.candidate for o in loaded.offers] == ["Bob"]
    assert rows_of(loaded) == [1, 2]


def test_a_cell_over_the_csv_field_limit_is_one_error_and_the_rows_after_it_are_read(tmp_path):
    huge = "x" * (csv.field_size_limit() + 10)
    path = write(
        tmp_path / "offers.csv",
        HEADER
        + f"Ann,London,1,1,0.1,{huge}\nBob,London,1,1,0.1,\n"
        + f'Cat,London,1,1,0.1,"{huge}\n{huge}"\nDan,London,1,1,0.1,\n',
    )
    limit_before = csv.field_size_limit()
    loaded = read_offer_file(path, GUIDES)
    assert csv.field_size_limit() == limit_before  # put back after the read
    assert [o.candidate for o in loaded.offers] == ["Bob", "Dan"]
    assert [(f.location.row, f.location.field) for f in loaded.failures] == [(1, "notes"), (3, "notes")]
    assert "over the limit of 32,767" in loaded.failures[0].message


# --- YAML 1.1 forms are not salaries -------------------------------------------------------------


def test_yaml_is_read_as_yaml_1_2_core(tmp_path):
    path = write(
        tmp_path / "offers.yaml",
        "- {candidate: NO, region: London, base: 0130000, stock: 100000, bonus: 0.12, notes: off,"
        " competing: [{company: Yes, base: 1, stock: 1, bonus: 0.1}]}\n"
        "- {candidate: Sexa Gesimal, region: London, base: 1:20:00, stock: 1, bonus: 0.1}\n",
    )
    loaded = read_offer_file(path, GUIDES)
    (offer,) = loaded.offers
    # 0130000 is the decimal 130000 (YAML 1.2), never octal 45056; NO, off and Yes stay text
    assert (offer.candidate, offer.base, offer.notes, offer.competing[0].company) == (
        "NO",
        130000,
        "off",
        "Yes",
    )
    (error,) = loaded.failures
    assert (error.location.field, error.message) == (
        "base",
        'cannot read \'1:20:00\' as an amount (write e.g. 125000, "£125K", "CHF 140,000")',
    )


def test_guides_and_rate_files_are_yaml_1_2_too(tmp_path):
    text = SEED_YAML.read_text(encoding="utf-8").replace("company: Segment", "company: NO", 1)
    assert load_guide(write(tmp_path / "g.yaml", text)).company == "NO"
    rates = write(tmp_path / "rates.yaml", "as_of: 2026-11-27\nbase: USD\nrates: {GBP: 0.79, NOK: 010}\n")
    assert FileRates(rates).table().per_base["NOK"] == 10


def test_import_guide_writes_yaml_that_reads_back_as_the_same_text():
    # YAML 1.1 writers leave 1e3 unquoted, which YAML 1.2 reads as the number 1000.0
    lever = dataclasses.replace(GUIDE.levers[0], name="1e3")
    guide = dataclasses.replace(
        GUIDE, levers=(lever, *GUIDE.levers[1:]), tagline="NO", sources=("0130", "1:20")
    )
    assert guide_from_dict(load_yaml(dump_guide(guide)), GUIDE.id) == guide


# --- duplicate keys ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "line", "key"),
    [
        ("offer.yaml", "candidate: Kim\nregion: London\nbase: 1\nbase: 2\nstock: 1\nbonus: 0.1\n", 4, "base"),
        ("offers.yaml", "- candidate: Kim\n  region: London\n  notes: a\n  notes: b\n", 4, "notes"),
        ("offer.json", '{"candidate": "Kim", "base": 1, "base": 2}', None, "base"),
    ],
)
def test_a_duplicate_key_in_an_offer_names_the_key_and_its_line(tmp_path, name, text, line, key):
    (error,) = read_offer_file(write(tmp_path / name, text), GUIDES).failures
    assert error.message.startswith(f"the key {key!r} is given twice")
    assert error.location.line == line


def test_a_duplicate_key_in_a_rate_file_or_guide_is_an_error(tmp_path):
    rates = write(tmp_path / "rates.yaml", "as_of: 2026-11-27\nbase: USD\nrates: {GBP: 0.79, GBP: 0.5}\n")
    with pytest.raises(RatesError) as caught:
        FileRates(rates).table()
    assert str(caught.value).endswith("rates.yaml:3: the key 'GBP' is given twice (first on line 3)")
    guide = write(tmp_path / "g.yaml", SEED_YAML.read_text(encoding="utf-8") + "title: Again\n")
    with pytest.raises(GuideError, match="the key 'title' is given twice"):
        load_guide(guide)


def test_merge_keys_may_be_overridden_without_counting_as_duplicates(tmp_path):
    path = write(
        tmp_path / "list.yaml",
        "- &d {candidate: Kim, region: London, base: 1, stock: 1, bonus: 0.1}\n"
        "- {<<: *d, candidate: Ana, base: 2}\n",
    )
    kim, ana = read_offer_file(path, GUIDES).offers
    assert (kim.base, ana.candidate, ana.base) == (1, "Ana", 2)


# --- alias bombs refused, shared defaults accepted -----------------------------------------------


def alias_bomb(levels: int = 10, width: int = 20) -> str:
    lines = ['a0: &a0 "lol"']
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * width)}]" for n in range(1, levels)]
    return "\n".join(lines) + "\n"


def measured(call):  # type: ignore[no-untyped-def]
    """What `call` returns or raises, the seconds it took and the peak memory it allocated."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        try:
            outcome = call()
        except SegxlsxError as error:
            outcome = error
        seconds = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return outcome, seconds, peak


BOMB_MESSAGE = f"the YAML stands for more than {MAX_YAML_NODES:,} values once its aliases are expanded"


@pytest.mark.parametrize("kind", ["rate file", "guide", "offer file", "merge keys"])
def test_an_alias_bomb_is_refused_in_milliseconds_within_bounded_memory(tmp_path, kind):
    if kind == "rate file":
        path = write(
            tmp_path / "rates.yaml", alias_bomb() + "as_of: 2026-11-27\nbase: USD\nrates: {GBP: 0.79}\n"
        )
        load = lambda: FileRates(path).table()  # noqa: E731
    elif kind == "guide":
        path = write(tmp_path / "g.yaml", alias_bomb() + SEED_YAML.read_text(encoding="utf-8"))
        load = lambda: load_guide(path)  # noqa: E731
    else:
        bomb = (
            alias_bomb()
            if kind == "offer file"
            else "m0: &m0 {a: 1, b: 2}\n"
            + "".join(f"m{n}: &m{n} {{<<: [{', '.join([f'*m{n - 1}'] * 8)}]}}\n" for n in range(1, 12))
        )  # each level merges 8 copies of the one before: 8**11 keys
        path = write(tmp_path / "offer.yaml", bomb)
        load = lambda: read_offer_file(path, GUIDES).failures[0]  # noqa: E731
    error, seconds, peak = measured(load)
    assert isinstance(error, SegxlsxError) and BOMB_MESSAGE in error.message
    assert seconds < 0.2, seconds  # measured: 1 to 5 ms
    assert peak < 1_000_000, peak  # measured: under 0.1 MB


def test_a_long_file_sharing_defaults_is_accepted(tmp_path):
    first = (
        "- &defaults\n  candidate: Candidate 0\n  region: London\n  base: 130000\n  stock: 100000\n"
        "  bonus: 12%\n  competing: [{company: Snowflake, base: 120000, stock: 90000, bonus: 10%}]\n"
    )
    others = "".join(f"- <<: *defaults\n  candidate: Candidate {n}\n" for n in range(1, 150))
    loaded = read_offer_file(write(tmp_path / "offers.yaml", first + others), GUIDES)
    assert loaded.failures == ()
    assert len(loaded.offers) == 150
    assert loaded.offers[-1].candidate == "Candidate 149"
    assert loaded.offers[-1].competing[0].company == "Snowflake"


# --- absurd amounts and inputs that are not files ------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "big.json",
            '{"base": 12345678901234567890123456789}',
            "a number of 29 digits is over the limit of 1,000,000,000,000",
        ),
        ("exp.json", '{"base": 1e30}', "a number of 31 digits is over the limit of 1,000,000,000,000"),
        ("huge.json", '{"base": 1' + "0" * 5000 + "}", "invalid JSON: a number too long to be one"),
        (
            "big.yaml",
            "base: 12345678901234567890123456789",
            "a number of 29 digits is over the limit of 1,000,000,000,000",
        ),
        ("trillion.yaml", "base: 1000000000001", "1,000,000,000,001 is over the limit of 1,000,000,000,000"),
        (
            "bonus.yaml",
            "bonus: '" + "9" * 30 + "%'",
            "a number of 30 digits is over the limit of 1,000,000,000,000",
        ),
        (
            "vesting.yaml",
            "vesting: [" + "1" * 30 + "]",
            "expected a percent from 0 to 100, got 11111111111111111111…",
        ),
    ],
)
def test_an_absurd_amount_is_a_one_line_error(tmp_path, name, text, message):
    fields = {k: v for k, v in KIM.items() if k not in text}
    if name.endswith(".json"):
        body = json.dumps(fields)[:-1] + ", " + text[1:]
    else:
        body = yaml.safe_dump(fields) + text + "\n"
    (error,) = read_offer_file(write(tmp_path / name, body), GUIDES).failures
    assert error.message == message
    assert "\n" not in str(error) and len(str(error)) < 300


def test_amounts_at_the_limit_are_fine_and_the_model_itself_refuses_more():
    offer = read_offer({**KIM, "base": 10**12, "stock": "£1,000,000,000,000"}, GUIDES)
    assert offer.base == offer.stock == 10**12
    with pytest.raises(SegxlsxError, match="over the limit"):
        segxlsx.model.Offer("Kim", GUIDE.id, "London", "GBP", Decimal("1e13"), Decimal(1), Decimal("0.1"))


@pytest.fixture
def no_hang():
    """Fail instead of hanging forever if a read blocks (a FIFO opened the ordinary way)."""
    signal.signal(signal.SIGALRM, lambda *_: pytest.fail("the read hung"))
    signal.alarm(5)
    yield
    signal.alarm(0)


def test_inputs_that_are_not_regular_files_are_refused_without_hanging(tmp_path, no_hang):
    folder = tmp_path / "offers"
    folder.mkdir()
    write(folder / "good.yaml", yaml.safe_dump(KIM))
    os.mkfifo(folder / "pipe.csv")
    (folder / "zero.csv").symlink_to("/dev/zero")
    (folder / "folder.yaml").mkdir()
    (folder / "loop.json").symlink_to(folder / "loop.json")
    loaded = load_offers([folder], GUIDES)
    assert [o.candidate for o in loaded.offers] == ["Kim Lee"]
    messages = {Path(f.location.file).name: f.message for f in loaded.failures}
    assert messages == {  # a folder named like an offer file is named as skipped, not read (skipped_files)
        "loop.json": "cannot read the file: Too many levels of symbolic links",
        "pipe.csv": "expected a file, but this is a named pipe",
        "zero.csv": "expected a file, but this is a device",
    }
    # named directly, they are refused the same way
    (error,) = read_offer_file(folder / "pipe.csv", GUIDES).failures
    assert error.message == "expected a file, but this is a named pipe"
    guide_pipe = tmp_path / "guide.yaml"
    os.mkfifo(guide_pipe)
    with pytest.raises(GuideError, match="named pipe"):
        load_guide(guide_pipe)


def test_the_size_cap_counts_bytes_read_not_what_stat_says(tmp_path):
    proc = Path("/proc/self/maps")  # a regular file whose size stat reports as 0
    assert proc.stat().st_size == 0
    with pytest.raises(SegxlsxError, match="over the 100-byte limit"):
        read_text(proc, limit=100)
    path = write(tmp_path / "exact.yaml", "x" * 100)
    assert read_text(path, limit=100) == "x" * 100


# --- validate and build agree; a cap on competing offers ----------------------------------------


def test_too_many_competing_offers_is_a_clear_error():
    many = [{**COMPETING, "company": f"Company {n}"} for n in range(17_000)]
    with pytest.raises(OfferError) as caught:
        read_offer({**KIM, "competing": many}, GUIDES)
    assert (caught.value.location.field, caught.value.message) == (
        "competing",
        f"lists 17,000 competing offers; at most {MAX_COMPETING_OFFERS} fit the workbook",
    )
    assert len(read_offer({**KIM, "competing": many[:MAX_COMPETING_OFFERS]}, GUIDES).competing) == 20


def test_validate_fails_what_build_would_fail(tmp_path):
    # AED is an ISO currency, but the shipped ECB rates have no rate for it: build cannot convert
    offers = write(
        tmp_path / "offers.yaml", yaml.safe_dump([KIM, {**KIM, "candidate": "Ana", "currency": "AED"}])
    )
    runner = CliRunner()
    validated = runner.invoke(main, ["validate", str(offers), "--guide", str(SEED_YAML)])
    built = runner.invoke(
        main, ["build", str(offers), "--guide", str(SEED_YAML), "--out", str(tmp_path / "o"), "-w", "1"]
    )
    assert (validated.exit_code, built.exit_code) == (1, 1)
    assert validated.stdout.splitlines()[-1] == "1 offer OK, 1 with problems"
    (problem,) = validated.stdout.splitlines()[:-1]
    assert "candidate 'Ana'" in problem and "no AED rate" in problem
    assert "no AED rate" in built.stderr


CURRENCIES = ["GBP", "USD", "EUR", "JPY", "INR", "CHF", "AED", "XOF", "gbp", ""]
hostile_text = st.text(
    st.one_of(
        st.characters(), st.sampled_from(UNWRITABLE + ["=", "+", "@", '"', "\n", "\t", "\x7f", "\x85"])
    ),
    max_size=30,
)
amounts = st.one_of(
    st.integers(-10, 10**13),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.floats(),
    st.sampled_from(["£125K", "125,000", "1.2M", "CHF 140,000", "$1", "0", "1e30", "9" * 29, ""]),
    hostile_text,
)
bonuses = st.one_of(st.decimals(0, 1, places=4), st.sampled_from(["12%", "0%", "100%", "101%", 2]), amounts)


@st.composite
def offers(draw):
    """Offer fields as a recruiter (or an attacker) might write them, valid or not."""
    fields = {
        "candidate": draw(st.one_of(st.just("Kim Lee"), hostile_text)),
        "region": draw(st.sampled_from(["London", "new york", "San Francisco", "Paris", ""])),
        "currency": draw(st.sampled_from(CURRENCIES)),
        "base": draw(amounts),
        "stock": draw(amounts),
        "bonus": draw(bonuses),
        "sign_on": draw(st.one_of(st.none(), amounts, st.lists(amounts, max_size=5))),
        "vesting": draw(st.sampled_from([None, "even", "5/15/40/40", [50, 50], [100], [10] * 10, [0, 100]])),
        "cliff_months": draw(st.sampled_from([None, 0, 6, 12, 120])),
        "vest_every": draw(st.sampled_from([None, "monthly", "quarterly", "yearly", "weekly"])),
        "notes": draw(st.one_of(st.none(), hostile_text)),
    }
    competing = draw(
        st.lists(
            st.fixed_dictionaries(
                {"company": hostile_text, "base": amounts, "stock": amounts, "bonus": bonuses},
                optional={"currency": st.sampled_from(CURRENCIES)},
            ),
            max_size=MAX_COMPETING_OFFERS + 2,
        )
    )
    if competing:
        fields["competing"] = competing
    return {key: value for key, value in fields.items() if value is not None}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fields=offers())
def test_an_offer_that_validates_builds(offline, wording, fields):
    """validate-ok => build-ok, through the library calls each command makes."""
    try:
        offer = read_offer(fields, GUIDES)
    except OfferError:
        return  # refused by validate, so build never sees it: nothing to prove
    checked = check_figures(LoadedOffers((offer,)), GUIDES, offline)
    if checked.failures:
        return
    workbook, _ = render_offer(offer, GUIDE, offline, wording)
    data = workbook_bytes(workbook, offline.as_of)
    load_workbook(io.BytesIO(data))  # the XML parses: not a corrupt file


printable = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), min_size=1, max_size=40)


@st.composite
def plausible_offers(draw):
    """Offers that mostly validate, to put the workbook through its paces."""
    currencies = ["GBP", "USD", "EUR", "JPY", "INR", "CHF", "CAD"]
    money = st.one_of(st.integers(0, 10**12), st.decimals(0, 10**12, places=2))
    return {
        "candidate": draw(st.one_of(printable, st.sampled_from(["=1+1", "@SUM(A1)", "王小明", "-2"]))),
        "region": draw(st.sampled_from(["London", "New York", "San Francisco"])),
        "currency": draw(st.sampled_from(currencies)),
        "base": draw(money),
        "stock": draw(money),
        "bonus": draw(st.decimals(0, 1, places=4)),
        "sign_on": draw(st.lists(money, max_size=4)),
        "vesting": draw(st.sampled_from(["even", "5/15/40/40", [25, 25, 25, 25], [100], [10] * 10])),
        "cliff_months": draw(st.integers(0, 12)),
        "vest_every": draw(st.sampled_from(["monthly", "quarterly", "yearly"])),
        "notes": draw(st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs"), include_characters="\t\n"), max_size=200)),
        "competing": draw(
            st.lists(
                st.fixed_dictionaries(
                    {"company": printable, "base": money, "stock": money, "bonus": st.decimals(0, 1, places=2),
                     "currency": st.sampled_from(currencies)}
                ),
                max_size=MAX_COMPETING_OFFERS,
            )
        ),
    }  # fmt: skip


@settings(max_examples=25, deadline=None)
@given(fields=plausible_offers())
def test_a_plausible_offer_that_validates_builds(offline, wording, fields):
    test_an_offer_that_validates_builds.hypothesis.inner_test(offline, wording, fields)


# --- fuzz: never a traceback, every row accounted for -----------------------------------------------


TEXT_FIELD_NAMES = ["candidate", "region", "currency", "guide", "vest_every", "notes"]


@settings(max_examples=200, deadline=None)
@given(field=st.sampled_from([*TEXT_FIELD_NAMES, "company"]), text=st.one_of(hostile_text, st.text()))
def test_fuzz_any_text_in_any_text_field_gives_an_offer_or_our_error(field, text):
    fields = (
        {**KIM, field: text} if field != "company" else {**KIM, "competing": [{**COMPETING, "company": text}]}
    )
    try:
        offer = read_offer(fields, GUIDES)
    except OfferError as error:
        assert first_unwritable(str(error)) is None
        return
    written = [
        offer.candidate,
        offer.region,
        offer.currency,
        offer.notes,
        *(c.company for c in offer.competing),
    ]
    assert all(first_unwritable(value) is None for value in written)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400), suffix=st.sampled_from([".csv", ".yaml", ".json"]))
def test_fuzz_arbitrary_bytes_give_offers_or_our_errors(tmp_path, data, suffix):
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    loaded = read_offer_file(path, GUIDES)  # never raises: a file that cannot be read is one failure
    assert all(isinstance(failure, OfferError) for failure in loaded.failures)
    assert all(first_unwritable(str(failure)) is None for failure in loaded.failures)


yaml_ish = st.lists(
    st.sampled_from(
        list("{}[],:-&*!<>|'\"\n #\t?abc01%.") + ["<<", "*a", "&a", "!!int ", "NO", "~", "\\x00"]
    ),
    max_size=60,
).map("".join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=yaml_ish)
def test_fuzz_yaml_shaped_text_gives_offers_or_our_errors(tmp_path, text):
    path = tmp_path / "fuzz.yaml"
    path.write_text(text, encoding="utf-8")
    loaded = read_offer_file(path, GUIDES)
    assert all(isinstance(failure, OfferError) for failure in loaded.failures)


cells = st.text(st.characters(codec="utf-8", exclude_characters='\r\n"\ufeff'), max_size=12)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(st.lists(cells, min_size=1, max_size=8), min_size=1, max_size=8),
    stray=st.tuples(st.integers(0, 7), st.integers(0, 7)),
)
def test_fuzz_every_csv_row_is_built_or_reported(tmp_path, rows, stray):
    """Arbitrary cells, one stray quote at the start of one cell: every non-blank row counts once."""
    row, column = stray[0] % len(rows), stray[1] % len(rows[stray[0] % len(rows)])
    rows[row][column] = '"' + rows[row][column]
    lines = [",".join(cells) for cells in rows]
    path = tmp_path / "fuzz.csv"
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
    loaded = read_offer_file(path, GUIDES)
    # Blank as the reader judges a row: its cells all whitespace as Python's strip() knows it
    # (\x1f and the Unicode spaces too, which a list of characters here once missed).
    expected = [n for n, line in enumerate(lines, start=1) if line.replace(",", "").strip()]
    seen = rows_of(loaded)
    assert len(seen) == len(set(seen))  # no row counted twice
    assert set(expected) <= set(seen) <= set(range(1, len(lines) + 1))


def test_validate_and_import_guide_report_mended_guide_prose(tmp_path):
    seed = SEED.read_text(encoding="utf-8").replace(
        "Segment Data Engineers build", "Segment Data\x0c Engineers build"
    )
    guide = write(tmp_path / "guide.md", seed)
    runner = CliRunner()
    imported = runner.invoke(main, ["import-guide", str(guide), "-o", str(tmp_path / "guide.yaml")])
    assert imported.exit_code == 0
    assert "replaced U+000C with U+FFFD" in imported.stderr
    offers = write(tmp_path / "kim.yaml", yaml.safe_dump(KIM))
    validated = runner.invoke(main, ["validate", str(offers), "--guide", str(tmp_path / "guide.yaml")])
    assert validated.exit_code == 0
    assert "replaced U+000C with U+FFFD" not in validated.stderr  # the YAML holds the visible U+FFFD now
    # On a date the rates have, the mended prose is the only note.
    validated = runner.invoke(main, ["validate", str(offers), "--guide", str(guide), "--as-of", "2026-10-30"])
    assert (validated.exit_code, validated.stderr.count("warning: ")) == (0, 1)
    assert segxlsx.validate([offers], [guide], as_of=date(2026, 10, 30)).notes == tuple(
        line.removeprefix("warning: ")
        for line in validated.stderr.splitlines()
        if line.startswith("warning: ")
    )


def test_messages_say_a_value_as_it_was_written_and_a_path_once(tmp_path):
    """A bonus over 100% is said as the percentage written, not as a Python Decimal; a small
    number YAML reads as a float is read as written, not as "1e-05"; a guide's missing nested
    key is named once."""
    offers = write(
        tmp_path / "pct.csv", HEADER + "A,London,100000,1000,250%,\nB,London,100000,1000,100.5%,\n"
    )
    messages = [error.message for error in read_offer_file(offers, GUIDES).failures]
    assert messages == [
        "expected a percentage between 0% and 100%, got 250%",
        "expected a percentage between 0% and 100%, got 100.5%",
    ]
    tiny = write(
        tmp_path / "tiny.yaml", "candidate: A\nregion: London\nbase: 100000\nstock: 0.00001\nbonus: 0.00001\n"
    )
    (offer,) = read_offer_file(tiny, GUIDES).offers
    assert (offer.stock, offer.bonus_pct) == (Decimal("0.00001"), Decimal("0.00001"))
    data = yaml.safe_load((ROOT / "data" / "guides" / "segment-data-engineer.yaml").read_text())
    data["bands"][0]["total_comp_statd"] = data["bands"][0].pop("total_comp_stated")
    with pytest.raises(GuideError) as caught:
        load_guide(write(tmp_path / "guide.yaml", yaml.safe_dump(data)))
    assert caught.value.location.field == "bands[0].total_comp_stated" and caught.value.message == "missing"
