"""The `segxlsx` command: parse arguments, call the library, turn its errors into exit codes.

Nothing here computes or parses input; each command is a few lines over the library. Library
modules are imported inside the commands so that `segxlsx --help` stays fast.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from .errors import SegxlsxError

if TYPE_CHECKING:
    from .sources.rates import RateTable

_Command = TypeVar("_Command", bound=Callable[..., object])
OUT_OF_MEMORY = "out of memory; give segxlsx more, or fewer offers per file"


class _Cli(click.Group):
    """A group that shows any `SegxlsxError` as one line and exits with its code."""

    def invoke(self, ctx: click.Context):  # type: ignore[no-untyped-def]
        _escape_what_the_terminal_cannot_show()
        try:
            return super().invoke(ctx)
        except SegxlsxError as error:
            click.echo(f"Error: {error}", err=True)
            ctx.exit(error.exit_code)
        except KeyboardInterrupt:  # Ctrl-C outside a build's own handling: the shell's code, no traceback
            click.echo("interrupted", err=True)
            ctx.exit(130)
        except MemoryError:
            click.echo(f"Error: {OUT_OF_MEMORY}", err=True)
            ctx.exit(2)
        except ImportError as error:  # commands import their modules late; a library may not load
            lacking = "memory" in str(error) or "map segment" in str(error)  # dlopen under a ulimit
            click.echo(
                f"Error: {OUT_OF_MEMORY if lacking else f'segxlsx is not installed whole ({error})'}",
                err=True,
            )
            ctx.exit(2)
        except OSError as error:  # a file or the disk failed where no layer below said more
            where = f"{error.filename}: " if getattr(error, "filename", None) else ""
            click.echo(f"Error: {where}{error.strerror or error}", err=True)
            ctx.exit(2)


def _escape_what_the_terminal_cannot_show() -> None:
    """A name in any script, printed to a terminal or pipe that cannot show it, is escaped
    (\\u738b) rather than ending the command with an encoding error."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


@click.group(cls=_Cli, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="segxlsx", prog_name="segxlsx")
def main() -> None:
    """Turn compensation negotiation guides and candidate offers into Excel workbooks.

    \b
    Examples:
      segxlsx init reviews && cd reviews && segxlsx build
      segxlsx import-guide guide.md -o guides/guide.yaml
      segxlsx validate offers/
      segxlsx rates --currency GBP --currency EUR --as-of 2025-06-30
    """


def _as_date(ctx: click.Context, param: click.Parameter, value: datetime | None) -> date | None:
    return None if value is None else value.date()


def _upper_codes(ctx: click.Context, param: click.Parameter, value: Iterable[str]) -> tuple[str, ...]:
    return tuple(code.strip().upper() for code in value)


guides_option = click.option(
    "--guide",
    "guides",
    multiple=True,
    type=click.Path(path_type=Path),
    help="A guide file (.md or .yaml) or a folder of them; repeat for more. Default: guides/ in a "
    "working folder (see init), data/guides/ in the repository.",
)


def rates_options(command: _Command) -> _Command:
    """Add --rates, --as-of and --strict-rates, the same for every command that converts money."""
    options = [
        click.option(
            "--rates",
            "rates_spec",
            default="offline",
            show_default=True,
            metavar="offline|live|FILE",
            help="Where exchange rates come from: the ECB reference rates shipped with the tool "
            "(offline), forex-python over the network (live), or a YAML rate file such as "
            "{as_of: 2026-11-27, base: USD, rates: {GBP: 0.79, EUR: 0.92}}.",
        ),
        click.option(
            "--as-of",
            type=click.DateTime(formats=["%Y-%m-%d"]),
            callback=_as_date,
            metavar="DATE",
            help="Use the rates of this date (YYYY-MM-DD), or of the business day before it when it "
            "has none; after the offline rates' last day, that day's, with a note. Default: the latest "
            "available.",
        ),
        click.option(
            "--strict-rates",
            is_flag=True,
            help="Stop (exit 2) when live rates cannot be had, instead of falling back to offline, "
            "or when --as-of is after the last day of the offline rates, instead of using that day's.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def today_option(command: _Command) -> _Command:
    """Add --today: the summary's date, which its board counts days left from."""
    return click.option(
        "--today",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        callback=_as_date,
        metavar="DATE",
        help="The summary's date (YYYY-MM-DD): its board counts each deadline's days left from it, "
        "and a build dates the rounds it starts by it. Pin it for a run to repeat byte for byte. "
        "Default: today, on this computer's clock.",
    )(command)


def _load_rates(spec: str, currencies: Iterable[str] | None, as_of: date | None, strict: bool) -> RateTable:
    """The rates a command uses, with any note about them (e.g. live fell back) shown as a warning."""
    from .sources.rates import load_rates

    table = load_rates(spec, currencies, as_of, strict=strict)
    for note in table.notes:
        click.echo(f"warning: {note}", err=True)
    return table


@main.command("init")
@click.argument("folder", default=".", type=click.Path(file_okay=False, path_type=Path))
def init(folder: Path) -> None:
    """Lay out a working folder in FOLDER (default: this one) to build offers in.

    It gets guides/ (an example guide), offers/ (example offers in YAML, JSON and CSV),
    templates/ (the scripts' wording) and a README.txt saying what to edit and what to run.
    Inside it, `segxlsx build` needs no arguments. A folder that already has any of these is
    left alone (exit 2).

    \b
    Examples:
      segxlsx init reviews && cd reviews && segxlsx build
      segxlsx init
    """
    from .errors import display_path
    from .workspace import make_working_folder

    made = make_working_folder(folder)
    click.echo(f"made {', '.join(display_path(path) for path in made)}")
    go = "" if folder.resolve() == Path.cwd().resolve() else f"cd {shlex.quote(str(folder))} && "
    click.echo(f"next: edit the offers, then {go}segxlsx build (README.txt says more)")


@main.command("import-guide")
@click.argument("guide", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--out",
    "--output",
    "output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the YAML here instead of to standard output (--out, as the other commands spell it).",
)
def import_guide(guide: Path, output: Path | None) -> None:
    """Convert a Markdown negotiation guide into YAML.

    Repairs mojibake (UTF-8 read as cp1252) and reports what it could not restore, and notes
    each band whose stated total comp is more than 2% from base + stock/year + bonus. Lists each
    sentence of the strategy and levers a candidate will not say as written: competing claims
    (naming another employer, or claiming an offer, a match or a counter), said only by a
    candidate with competing offers of their own, in their own words; and the guide's figures.

    \b
    Examples:
      segxlsx import-guide segment-data-engineer.md
      segxlsx import-guide segment-data-engineer.md -o data/guides/segment-data-engineer.yaml
    """
    from .claims import held_back
    from .figures import total_comp_check
    from .sources.guides import dump_guide, read_guide
    from .store.folder import check_target, write_atomically

    loaded = read_guide(guide)
    for dropped in loaded.dropped:
        click.echo(
            f"warning: {guide}:{dropped.line}: dropped {dropped.text!r}: its bytes were lost "
            "in a wrong encoding and cannot be restored without guessing",
            err=True,
        )
    for note in loaded.guide.notes:
        click.echo(f"warning: {note}", err=True)
    for band in loaded.guide.bands:
        check = total_comp_check(band)
        if check.flagged:
            worst = max(abs(check.min_difference), abs(check.max_difference))
            click.echo(
                f"note: {band.region}: stated total comp differs from base + stock/year + "
                f"bonus by up to {worst:.1%}",
                err=True,
            )
    for line in held_back(loaded.guide):
        click.echo(f"note: {line}", err=True)
    text = dump_guide(loaded.guide, source=guide.name)
    if output is None:
        sys.stdout.write(text)
    else:
        check_target(output, reads=guide)
        write_atomically(output, text.encode("utf-8"))
        click.echo(f"wrote {output}", err=True)


@main.command("validate")
@click.argument("offers", nargs=-1, type=click.Path(path_type=Path))
@guides_option
@rates_options
@click.option(
    "--templates", type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="A folder of script wording to check. Default: templates/ here, else the wording shipped with segxlsx.",
)  # fmt: skip
@click.pass_context
def validate(
    ctx: click.Context,
    offers: tuple[Path, ...],
    guides: tuple[Path, ...],
    rates_spec: str,
    as_of: date | None,
    strict_rates: bool,
    templates: Path | None,
) -> None:
    """Check offer files as a build would, without writing anything.

    OFFERS are .yaml, .yml, .json, .csv and .xlsx files, or folders of them (default: offers/ in
    a working folder, data/offers/ in the repository). Runs the checks `build` runs, rates
    included, so an offer that validates builds. Prints one
    line per problem, naming the file, the row or offer number, the candidate and the field,
    then a count. Exits 0 when every offer is good, 1 when any is not, and 2 when nothing could
    be checked (a bad guide, a missing path, rates that cannot be had). Notes, on standard error,
    each sentence of a guide's scripts a candidate will not say as written (a competing claim, a
    figure of the guide's own), as import-guide does.

    \b
    Examples:
      segxlsx validate
      segxlsx validate data/offers/ --guide data/guides/segment-data-engineer.yaml
      segxlsx validate new-offers.csv priya-raman.yaml --rates q4-rates.yaml
    """
    from .validation import validate as validate_offers
    from .workspace import default_inputs

    inputs = default_inputs(offers, guides, templates)
    checked = validate_offers(
        inputs.offers,
        inputs.guides,
        rates=rates_spec,
        as_of=as_of,
        strict_rates=strict_rates,
        templates=inputs.templates,
    )
    for note in checked.notes:
        click.echo(f"warning: {note}", err=True)
    for line in checked.held_back:
        click.echo(f"note: {line}", err=True)
    for failure in checked.failures:
        click.echo(str(failure))
    count = len(checked.offers)
    click.echo(f"{count} offer{'' if count == 1 else 's'} OK, {len(checked.failures)} with problems")
    ctx.exit(checked.exit_code)


@main.command("rates")
@rates_options
@click.option(
    "-c",
    "--currency",
    "currencies",
    multiple=True,
    callback=_upper_codes,
    metavar="CODE",
    help="A currency to show (repeatable). Default: every currency the source has.",
)
@click.option(
    "--in",
    "target",
    callback=lambda ctx, param, value: value and value.strip().upper(),
    metavar="CODE",
    help="Show the value of 1 unit in this currency. Default: USD, or the source's base without USD.",
)
def rates(
    rates_spec: str, as_of: date | None, strict_rates: bool, currencies: tuple[str, ...], target: str | None
) -> None:
    """Show the exchange rates a build would use, one line per currency.

    Each line: the code, the value of 1 unit in USD (or --in), the source's own quote (units per
    1 unit of its base currency), the date of the rates and where they come from. A last line
    gives the first and last dates the source has rates for.

    \b
    Examples:
      segxlsx rates
      segxlsx rates --currency GBP --currency EUR --as-of 2025-06-30
      segxlsx rates --rates live --strict-rates -c GBP
      segxlsx rates --rates q4-rates.yaml --in GBP
    """
    table = _load_rates(rates_spec, [*currencies, *([target] if target else [])], as_of, strict_rates)
    target = target or ("USD" if "USD" in table.currencies else table.base)
    lines = [
        (
            code,
            f"1 {code} = {_significant(table.value_in(code, target))} {target}",
            f"{table.per_base.get(code, Decimal(1))} per 1 {table.base}",
        )
        for code in dict.fromkeys(currencies or table.currencies)  # each once, in the order asked
    ]
    code_width, value_width, quote_width = (max(len(line[i]) for line in lines) for i in range(3))
    for code, value, quote in lines:
        click.echo(
            f"{code:<{code_width}}  {value:<{value_width}}  {quote:<{quote_width}}  {table.as_of}  {table.source}"
        )
    if table.span:
        first, last = table.span
        click.echo(f"rates from {first} to {last}" if first != last else f"rates for {last} only")


def _significant(value: Decimal, digits: int = 6) -> str:
    """A rate for reading: `digits` significant digits, no exponent (1 JPY = 0.00636535 USD)."""
    if value == 0:
        return "0"
    rounded = value.quantize(Decimal(1).scaleb(value.adjusted() - digits + 1))
    return f"{rounded.normalize():f}"


@main.command("build")
@click.argument("offers", nargs=-1, type=click.Path(path_type=Path))
@guides_option
@click.option(
    "-o", "--out", type=click.Path(file_okay=False, path_type=Path), default=Path("output"), show_default=True,
    help="Folder for the workbooks and summary.xlsx (created when missing).",
)  # fmt: skip
@rates_options
@click.option(
    "-w", "--workers", type=click.IntRange(min=1), default=None,
    help="Processes building workbooks in parallel, at most one a core. Default: the machine's cores.",
)  # fmt: skip
@click.option(
    "--force", is_flag=True,
    help="Build every offer, even one whose inputs are unchanged, and replace workbooks that were "
    "edited by hand since segxlsx wrote them.",
)  # fmt: skip
@click.option(
    "--replace", "replace", multiple=True, metavar="WORKBOOK",
    help="Rebuild this workbook of --out (e.g. jordan-lee.xlsx) from its offer even if it was "
    "edited by hand; repeat for more. --force does it for all.",
)  # fmt: skip
@click.option("--fail-fast", is_flag=True, help="Stop at the first bad offer.")
@click.option(
    "--shard", metavar="K/N",
    help="Build only shard K of N (1 <= K <= N): the offers whose identity hashes to K, with the "
    "shard's own manifest and lock and no summary.xlsx. N runs (a job array) can share one --out; "
    "then `segxlsx summary` merges them.",
)  # fmt: skip
@click.option(
    "--report-currency", callback=lambda ctx, param, value: value and value.strip().upper(), metavar="CODE",
    help="The summary's common currency for total comp. Default: the one most offers are paid in "
    "(on a tie, the guide's reference region's, else the first offer's).",
)  # fmt: skip
@click.option("-q", "--quiet", is_flag=True, help="No progress bar; print only problems and the last line.")
@click.option(
    "--templates", type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="A folder of script wording to use. Default: templates/ here, else the wording shipped with segxlsx.",
)  # fmt: skip
@click.option(
    "--talking-points", is_flag=True,
    help="Also write, beside each workbook, <name>.md: the candidate's copy, with only what they may "
    "say and the amounts they say (never the walk-away or a coach's note), to paste into an email.",
)  # fmt: skip
@today_option
@click.pass_context
def build(
    ctx: click.Context,
    offers: tuple[Path, ...],
    guides: tuple[Path, ...],
    out: Path,
    rates_spec: str,
    as_of: date | None,
    strict_rates: bool,
    workers: int | None,
    force: bool,
    fail_fast: bool,
    report_currency: str | None,
    quiet: bool,
    templates: Path | None,
    shard: str | None,
    talking_points: bool,
    replace: tuple[str, ...],
    today: date | None,
) -> None:
    """Build one Excel workbook per offer, plus summary.xlsx.

    OFFERS are .yaml, .yml, .json, .csv and .xlsx files, or folders of them (default: offers/ in
    a working folder made by `segxlsx init`, data/offers/ in the repository). Each workbook
    compares the offer with its band, says what to ask for and gives the scripts,
    all as live formulas. Exits 0 when every offer was built, 1 when some failed (the rest are
    built and each failure is listed), 2 when nothing could run (or another build is writing to
    the same --out), 130 / 143 when stopped by Ctrl-C / SIGTERM after recording what was done.

    A workbook edited by hand since segxlsx wrote it is kept (and said what differs from its
    offer) unless --replace names it or --force; one whose inputs match its offer file again is
    taken back by itself. One open in
    LibreOffice or Excel is kept and its offer fails; an offer whose inputs (offer, guide, rates,
    templates, segxlsx version) and workbook are as the last build left them is not built again.
    A stopped build is resumed by building again. With --talking-points each workbook gets a
    Markdown file beside it for the candidate (priya-raman.xlsx, priya-raman.md).

    \b
    Examples:
      segxlsx build
      segxlsx build offers/ --guide guides/segment-data-engineer.md --out reviews/
      segxlsx build new.csv --rates live --as-of 2026-11-27 --workers 2
      segxlsx build --rates q4-rates.yaml --force --quiet
      segxlsx build --replace jordan-lee.xlsx
      segxlsx build offers/ --out reviews/ --shard 3/8
      segxlsx build offers/ --out reviews/ --talking-points
    """

    from .batch import build as build_offers
    from .batch.workers import usable_cores
    from .workspace import default_inputs

    inputs = default_inputs(offers, guides, templates)
    show_progress = not quiet and sys.stderr.isatty()
    bar = _ProgressBar() if show_progress else None
    try:
        report = build_offers(
            inputs.offers,
            inputs.guides,
            out,
            rates=rates_spec,
            as_of=as_of,
            strict_rates=strict_rates,
            workers=workers or usable_cores(),
            force=force,
            fail_fast=fail_fast,
            templates=inputs.templates,
            progress=bar.update if bar else None,
            report_currency=report_currency,
            shard=shard,
            talking_points=talking_points,
            replace=[Path(name).name for name in replace],
            today=today,
        )
    finally:
        if bar:
            bar.close()
    _report(report, quiet)
    ctx.exit(report.exit_code)


class _ProgressBar:
    """click's progress bar, opened when the library first says how many offers there are."""

    def __init__(self) -> None:
        self.bar = None

    def update(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=total, label="Building", file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def _what_differs(outcome, rates_day: date | None) -> list[str]:  # type: ignore[no-untyped-def]
    """What a kept workbook's lines say: what its inputs change in its offer file (or why they
    cannot be read, or that none changed), and the older rates it was built on."""
    from .summary.row import RESAVED

    if outcome.problem:
        lines = [f"cannot be read back: {outcome.problem}"]
    else:
        lines = list(outcome.differences) or [RESAVED]
    if outcome.rates_day and rates_day and outcome.rates_day < rates_day:
        lines.append(
            f"built on rates of {outcome.rates_day.isoformat()}; this build's are of {rates_day.isoformat()}"
        )
    return lines


def _report(report, quiet: bool) -> None:  # type: ignore[no-untyped-def]
    """One screen: what was built, kept, skipped and failed, and where it all is."""
    from .errors import display_path

    for note in report.notes:
        click.echo(f"warning: {note}", err=True)
    kept, unchanged = report.kept, report.count("unchanged")
    if kept:
        click.echo(
            f"Kept {len(kept)} workbook(s) saved since segxlsx wrote them "
            "(--replace NAME rebuilds one from its offer, --force all):",
            err=True,
        )
        for outcome in kept:
            click.echo(f"  {display_path(report.out / outcome.file)}", err=True)
            for line in _what_differs(outcome, report.rates_day):
                click.echo(f"    {line}", err=True)
    if report.failures:
        click.echo(f"Failed {len(report.failures)} offer(s):", err=True)
        for failure in report.failures:
            click.echo(f"  {failure}", err=True)
    if report.stopped_early:
        click.echo("Stopped at the first bad offer (--fail-fast).", err=True)
    written = report.count("written")
    where = display_path(report.summary) if report.summary else display_path(report.out)
    line = (
        f"{written} written, {unchanged} unchanged, {len(kept)} kept, {len(report.failures)} failed"
        f" -> {where}"
    )
    if report.interrupted:
        click.echo(f"interrupted: {line}", err=True)
        return
    click.echo(line)
    if report.points is not None:
        counts = report.points
        click.echo(
            f"talking points: {counts['written']} written, {counts['unchanged']} unchanged, "
            f"{counts['kept']} kept, {counts['failed']} failed"
        )
    if not quiet and unchanged:
        click.echo(
            f"(unchanged: same inputs and rates as the last build, so not rewritten; "
            f"{report.skipped} not even built)"
        )


@main.command("summary")
@click.argument("folders", nargs=-1, required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "-o", "--out", "target", type=click.Path(dir_okay=False, path_type=Path),
    help="The summary to write. Default: summary.xlsx in the first FOLDER.",
)  # fmt: skip
@guides_option
@rates_options
@click.option(
    "--report-currency", callback=lambda ctx, param, value: value and value.strip().upper(), metavar="CODE",
    help="The summary's common currency for total comp. Default: the one most offers are paid in "
    "(on a tie, the guide's reference region's, else the first offer's).",
)  # fmt: skip
@click.option("--force", is_flag=True, help="Replace a summary that was edited by hand.")
@today_option
@click.pass_context
def summary(
    ctx: click.Context,
    folders: tuple[Path, ...],
    target: Path | None,
    guides: tuple[Path, ...],
    rates_spec: str,
    as_of: date | None,
    strict_rates: bool,
    report_currency: str | None,
    force: bool,
    today: date | None,
) -> None:
    """Write one summary.xlsx of every workbook in FOLDERS, from their builds' manifests.

    The last step after `build --shard K/N` runs (into one folder or several): one table, in
    input order, as an unsharded build's summary. Workbooks are not opened, except one edited
    by hand since its build, which is read back (its guide is needed: --guide). Failed offers
    are in each shard's own output, not here. Exits 1 when the summary was kept because edited.

    \b
    Examples:
      segxlsx summary reviews/
      segxlsx summary shards/1 shards/2 shards/3 -o reviews/summary.xlsx
    """
    from .errors import display_path
    from .summary.merge import summarise
    from .workspace import default_guides

    merged = summarise(
        folders,
        default_guides(guides),
        target,
        rates=rates_spec,
        as_of=as_of,
        strict_rates=strict_rates,
        report_currency=report_currency,
        force=force,
        today=today,
    )
    for note in merged.notes:
        click.echo(f"warning: {note}", err=True)
    if merged.path is None:
        ctx.exit(1)
    click.echo(f"{merged.workbooks} workbook(s) -> {display_path(merged.path)}")


@main.command("export")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "-o", "--out", "target", required=True, type=click.Path(dir_okay=False, path_type=Path),
    help="The offers file to write: .yaml, .csv or .xlsx.",
)  # fmt: skip
@guides_option
@click.pass_context
def export(ctx: click.Context, folder: Path, target: Path, guides: tuple[Path, ...]) -> None:
    """Write the offers of FOLDER's workbooks, hand edits included, to an offers file.

    Each workbook's input cells are read back and checked like an offer file; building from
    the export gives the same offers. Exits 1 when a workbook's inputs no longer validate (it
    is listed, the rest are exported).

    \b
    Examples:
      segxlsx export output -o offers/current.yaml
      segxlsx export reviews/ -o offers.xlsx --guide guides/
    """
    from .errors import display_path
    from .export import export as export_offers
    from .workspace import default_guides

    done = export_offers(folder, target, default_guides(guides))
    for note in done.notes:
        click.echo(f"warning: {note}", err=True)
    for failure in done.failures:
        click.echo(f"  {failure}", err=True)
    click.echo(
        f"{len(done.offers)} offer(s) exported, {len(done.failures)} failed -> {display_path(done.path)}"
    )
    ctx.exit(done.exit_code)


if __name__ == "__main__":  # python -m segxlsx.cli
    main()
