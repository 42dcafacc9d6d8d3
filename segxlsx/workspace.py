"""Working folders: what `segxlsx init` lays out, and what `build` reads when given no paths.

A working folder holds `guides/`, `offers/`, `templates/` and a README.txt, so that a recruiter
can `cd` into it and run `segxlsx build`. The repository itself is the other layout `build`
knows (`data/guides`, `data/offers`, `templates/`), so its README's commands keep working.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .errors import SegxlsxError, display_path
from .sources.shipped import shipped_folder

README = "README.txt"
INIT_DOES_NOT_OVERWRITE = ("guides", "offers", "templates", README)

README_TEXT = """\
A segxlsx working folder: candidate offers in, one Excel workbook per offer out.

What to edit
  offers/     the offers: .yaml, .yml, .json, .csv or .xlsx files, one offer per file, a
              list of them, or one per row. offers.xlsx is an intake sheet to type offers
              into (regions and currencies as drop-downs; its one example row is built like
              any offer: replace it). Each offer has a candidate, region, base, stock (the
              whole grant) and bonus ("12%"); it may add currency, sign_on, vesting,
              cliff_months, vest_every, competing (other offers held), notes, and guide
              (needed with more than one guide).
  guides/     the negotiation guide: bands per region, levers, targets and the walk-away.
              `segxlsx import-guide GUIDE.md -o guides/NAME.yaml` turns a Markdown guide
              into one; with more than one guide, each offer names its `guide`.
  templates/  the wording of each workbook's Scripts sheet: edit the sentences, keep the
              {placeholders}; templates/README.md says where each one appears.

What to run, in this folder
  segxlsx validate      check every offer, write nothing
  segxlsx build         output/<candidate>.xlsx for each offer, and output/summary.xlsx
  segxlsx rates         the exchange rates a build would use, and how old they are
  segxlsx build --help  every option: rates, dates, another output folder
"""


INTAKE_SHEET = "offers.xlsx"


class WorkspaceError(SegxlsxError):
    """No working folder where one is needed, or one where `init` would write."""


@dataclass(frozen=True)
class Layout:
    """Where a kind of folder keeps its guides, offers and script wording."""

    guides: Path
    offers: Path
    templates: Path


WORKING_FOLDER = Layout(Path("guides"), Path("offers"), Path("templates"))
REPOSITORY = Layout(Path("data", "guides"), Path("data", "offers"), Path("templates"))


@dataclass(frozen=True)
class Inputs:
    """What a build or a validation reads."""

    offers: tuple[Path, ...]
    guides: tuple[Path, ...]
    templates: Path | None  # None: the wording shipped with segxlsx


def find_layout(folder: Path = Path(".")) -> Layout | None:
    """The layout of `folder`, its paths joined to it: a working folder, the repository, or None."""
    for layout in (WORKING_FOLDER, REPOSITORY):
        if (folder / layout.guides).is_dir():
            return Layout(folder / layout.guides, folder / layout.offers, folder / layout.templates)
    return None


def default_inputs(
    offers: Iterable[Path] = (),
    guides: Iterable[Path] = (),
    templates: Path | None = None,
    folder: Path = Path("."),
) -> Inputs:
    """The paths given, and for each kind left out, `folder`'s own (see `find_layout`).

    Templates left out are the folder's `templates/` when it has one, else those shipped with
    segxlsx. Offers or guides left out where `folder` has neither layout are a `WorkspaceError`
    saying what to do. Every command finds its inputs here: `build` and `validate` all three,
    `summary` and `export` their guides (`default_guides`).
    """
    offers, guides = tuple(offers), tuple(guides)
    layout = find_layout(folder)
    if layout is None and not (offers and guides):
        raise _no_layout("guides" if not guides else "offers", "--guide and OFFERS")
    guides = default_guides(guides, folder)
    if layout is None:
        return Inputs(offers, guides, templates)
    if templates is None and layout.templates.is_dir():
        templates = layout.templates
    return Inputs(offers or (layout.offers,), guides, templates)


def default_guides(guides: Iterable[Path] = (), folder: Path = Path(".")) -> tuple[Path, ...]:
    """The guides given, else `folder`'s own: `guides/` in a working folder, `data/guides/` in
    the repository; elsewhere a `WorkspaceError` saying what to do."""
    guides = tuple(guides)
    if guides:
        return guides
    layout = find_layout(folder)
    if layout is None:
        raise _no_layout("guides", "--guide")
    return (layout.guides,)


def _no_layout(missing: str, option: str) -> WorkspaceError:
    return WorkspaceError(
        f"no {missing} here: run `segxlsx init` to start a working folder, or pass {option}"
    )


def make_working_folder(folder: Path = Path(".")) -> list[Path]:
    """Lay out a working folder in `folder` (made when missing) and return what was made.

    Copies the shipped example guide, example offers and script wording, and writes a
    README.txt. Refuses, before writing anything, when `folder` already has any of them:
    a recruiter's edited offers and wording are never overwritten.
    """
    taken = [name for name in INIT_DOES_NOT_OVERWRITE if (folder / name).exists()]
    if taken:
        shown = taken[0] + ("/" if (folder / taken[0]).is_dir() else "")
        raise WorkspaceError(
            f"{display_path(folder)} already has {shown}: segxlsx init never overwrites a working "
            "folder (name a new one: segxlsx init NEW-FOLDER)"
        )
    made = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name in ("guides", "offers", "templates"):
            made.append(_copy_files(shipped_folder(name), folder / name))
        _intake_sheet(folder)  # inside offers/, which `made` already names
        (folder / README).write_text(README_TEXT, encoding="utf-8")
        made.append(folder / README)
    except OSError as error:
        raise WorkspaceError(
            f"cannot make the working folder: {error.strerror or error}", file=display_path(folder)
        ) from None
    return made


def _intake_sheet(folder: Path) -> Path:
    """offers/offers.xlsx: a sheet to type offers into, with the example guide's drop-downs."""
    from datetime import date  # imported here: `segxlsx --help` stays free of openpyxl

    from .sheets.intake import intake_bytes
    from .sources.guides import load_guides

    intake = folder / "offers" / INTAKE_SHEET
    intake.write_bytes(intake_bytes(load_guides([folder / "guides"]), date.today()))
    return intake


def _copy_files(source: Path, target: Path) -> Path:
    """The files of `source` (not its folders, not hidden files) into a new folder `target`."""
    target.mkdir()
    for path in sorted(source.iterdir()):
        if path.is_file() and not path.name.startswith("."):
            shutil.copyfile(path, target / path.name)
    return target
