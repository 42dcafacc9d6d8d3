"""The `segxlsx` command: parse arguments, call the library, turn its errors into exit codes.

Nothing here computes or parses input; each command is a few lines over the library. Library
modules are imported inside the commands so that `segxlsx --help` stays fast.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .errors import SegxlsxError


class _Cli(click.Group):
    """A group that shows any `SegxlsxError` as one line and exits with its code."""

    def invoke(self, ctx: click.Context):  # type: ignore[no-untyped-def]
        try:
            return super().invoke(ctx)
        except SegxlsxError as error:
            click.echo(f"Error: {error}", err=True)
            ctx.exit(error.exit_code)


@click.group(cls=_Cli, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="segxlsx", prog_name="segxlsx")
def main() -> None:
    """Turn compensation negotiation guides and candidate offers into Excel workbooks.

    \b
    Examples:
      segxlsx import-guide guide.md -o data/guides/guide.yaml
    """


@main.command("import-guide")
@click.argument("guide", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the YAML here instead of to standard output.",
)
def import_guide(guide: Path, output: Path | None) -> None:
    """Convert a Markdown negotiation guide into YAML.

    Repairs mojibake (UTF-8 read as cp1252) and reports what it could not restore, and notes
    each band whose stated total comp is more than 2% from base + stock/year + bonus.

    \b
    Examples:
      segxlsx import-guide segment-data-engineer.md
      segxlsx import-guide segment-data-engineer.md -o data/guides/segment-data-engineer.yaml
    """
    from .figures import total_comp_check
    from .guides import dump_guide, read_guide

    loaded = read_guide(guide)
    for dropped in loaded.dropped:
        click.echo(
            f"warning: {guide}:{dropped.line}: dropped {dropped.text!r}: its bytes were lost "
            "in a wrong encoding and cannot be restored without guessing",
            err=True,
        )
    for band in loaded.guide.bands:
        check = total_comp_check(band)
        if check.flagged:
            worst = max(abs(check.min_difference), abs(check.max_difference))
            click.echo(
                f"note: {band.region}: stated total comp differs from base + stock/year + "
                f"bonus by up to {worst:.1%}",
                err=True,
            )
    text = dump_guide(loaded.guide, source=guide.name)
    if output is None:
        sys.stdout.write(text)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)
