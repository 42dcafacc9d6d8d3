"""segxlsx: compensation negotiation guides and candidate offers in, Excel workbooks out.

The library comes first; `segxlsx.cli` is a thin wrapper over it. Heavy modules (ftfy,
the rate sources, the sheets) are imported only when a command needs them, so `--help` starts fast.
"""

from __future__ import annotations

# Written here rather than looked up in the installed metadata: importlib.metadata costs ~40 ms
# of every start-up (it imports the email package), and every build needs the version
# (fingerprints, the Rates sheet). pyproject.toml reads it from here.
__version__ = "0.3.0"

# The library's front door, imported on first use so that `import segxlsx` stays light:
#   import segxlsx
#   report = segxlsx.build(["data/offers"], ["data/guides"], "output", workers=2)
_PUBLIC = {
    "build": "segxlsx.batch",
    "load_guide": "segxlsx.sources.guides",
    "load_guides": "segxlsx.sources.guides",
    "load_offers": "segxlsx.sources.offers",
    "load_rates": "segxlsx.sources.rates",
    "validate": "segxlsx.validation",
    "offer_figures": "segxlsx.figures",
    "render_offer": "segxlsx.sheets",
    "workbook_bytes": "segxlsx.sheets",
    "SegxlsxError": "segxlsx.errors",
    "make_working_folder": "segxlsx.workspace",
    "default_inputs": "segxlsx.workspace",
    "slug_words": "segxlsx.store.file_names",
}
__all__ = ["__version__", *_PUBLIC]


def __getattr__(name: str) -> object:
    if name in _PUBLIC:
        from importlib import import_module

        return getattr(import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module 'segxlsx' has no attribute {name!r}")
