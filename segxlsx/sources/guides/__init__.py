"""Loading guides from Markdown (the native form) or YAML (the importer's output)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ...errors import GuideError, InvalidValue, display_path, located
from ...model import Guide
from ..files import check_file_name, load_yaml, read_text
from .markdown import parse_guide
from .mojibake import Dropped
from .yaml import dump_guide, guide_from_dict

GUIDE_SUFFIXES = (".md", ".markdown", ".yaml", ".yml")


@dataclass(frozen=True)
class LoadedGuide:
    """A guide and what reading it had to drop (emoji whose bytes were lost)."""

    guide: Guide
    dropped: tuple[Dropped, ...] = ()


def read_guide(path: str | Path) -> LoadedGuide:
    """Read one guide file; `GuideError` names the file and the line or key of any problem."""
    path = Path(path)
    file = display_path(path)
    with located(GuideError, file=file):
        if path.suffix.lower() not in GUIDE_SUFFIXES:
            raise InvalidValue(f"expected a guide in Markdown (.md) or YAML (.yaml), not {path.suffix!r}")
        text = read_text(check_file_name(path))  # the name is the guide's id, shown in workbooks
        if path.suffix.lower() in (".md", ".markdown"):
            guide, dropped = parse_guide(text, path.stem, file)
            return LoadedGuide(guide, tuple(dropped))
        return LoadedGuide(guide_from_dict(load_yaml(text), path.stem, file))


def load_guide(path: str | Path) -> Guide:
    return read_guide(path).guide


def load_guides(paths: Iterable[str | Path]) -> dict[str, Guide]:
    """Load guide files and folders of them, keyed by guide id (the file's stem)."""
    guides: dict[str, Guide] = {}
    for path in guide_files(paths):
        guide = load_guide(path)
        if guide.id in guides:
            raise GuideError(
                f"a second guide with the id {guide.id!r}; guide ids are file stems and must differ",
                file=display_path(path),
            )
        guides[guide.id] = guide
    if not guides:
        raise GuideError("no guide files found (expected .md or .yaml files)")
    return guides


def guide_files(paths: Iterable[str | Path]) -> list[Path]:
    """The guide files named, with folders expanded to the guides inside them (sorted)."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            # Not `is_file()`: a guide that is a FIFO or a looping link is refused by name, not skipped.
            files += sorted(p for p in path.iterdir() if p.suffix.lower() in GUIDE_SUFFIXES)
        elif path.exists() or path.is_symlink():
            files.append(path)
        else:
            raise GuideError("no such file or folder", file=display_path(path))
    return files


__all__ = ["LoadedGuide", "dump_guide", "guide_files", "load_guide", "load_guides", "read_guide"]
