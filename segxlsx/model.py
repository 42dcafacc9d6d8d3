"""The domain: guides, their bands and levers, and candidate offers.

Frozen dataclasses that check their own rules and do no I/O. Loaders build them and add the
file and line to any `InvalidValue` raised here; the band maths lives in `figures.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from .errors import InvalidValue, Location, located
from .money import check_amount_range, check_currency


@dataclass(frozen=True)
class Range:
    """A closed interval such as a band's base salary, min ≤ max."""

    min: Decimal
    max: Decimal

    def __post_init__(self) -> None:
        for name in ("min", "max"):
            if not isinstance(getattr(self, name), Decimal):
                raise InvalidValue(f"expected a number, got {getattr(self, name)!r}", field=name)
            check_amount_range(getattr(self, name), field=name)
        if self.min > self.max:
            raise InvalidValue(f"min {self.min:,} is above max {self.max:,}")
        if self.min < 0:
            raise InvalidValue(f"min {self.min:,} is negative")


@dataclass(frozen=True)
class Band:
    """One region's pay band, every amount in the band's own currency."""

    region: str
    currency: str
    base: Range
    stock: Range  # the whole RSU grant, vesting over `vesting_years`
    vesting_years: int
    bonus_pct: Range  # target bonus as a fraction of base: 0.10 is 10%
    total_comp_stated: Range  # as the guide states it; figures.py computes its own

    def __post_init__(self) -> None:
        if not self.region.strip():
            raise InvalidValue("a band needs a region name", field="region")
        check_currency(self.currency, field="currency")
        for name in ("base", "stock"):  # a band of one amount has no range: penetration is 0/0
            band_range = getattr(self, name)
            if not band_range.min < band_range.max:
                raise InvalidValue(
                    f"the {self.region} band's {name} runs from {band_range.min:,} to {band_range.max:,}: "
                    "a band needs its min below its max",
                    field=f"{name}",
                )
        if not (isinstance(self.vesting_years, int) and 1 <= self.vesting_years <= 10):
            raise InvalidValue(f"expected 1 to 10 years, got {self.vesting_years!r}", field="vesting_years")
        check_fraction(self.bonus_pct.max, field="bonus_pct.max")


@dataclass(frozen=True)
class LeverSection:
    """A narrative lever section of a guide: its heading and paragraphs."""

    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Lever:
    """A numbered global lever: its name and the script the guide gives for it."""

    number: int
    name: str
    script: str


@dataclass(frozen=True)
class Strategy:
    """The negotiate-up strategy: a script, its targets and the walk-away.

    The targets belong to the reference region (the first band in the targets' currency);
    asks for other regions are derived from them by range penetration in `figures.py`.
    """

    script: str
    walk_away_line: str
    reference_region: str
    currency: str
    target_base: Decimal
    target_stock: Decimal
    target_bonus_pct: Decimal
    walk_away_stock: Decimal

    def __post_init__(self) -> None:
        check_currency(self.currency, field="currency")
        check_fraction(self.target_bonus_pct, field="target_bonus_pct")
        for name in ("target_base", "target_stock", "walk_away_stock"):
            if not isinstance(getattr(self, name), Decimal) or getattr(self, name) <= 0:
                raise InvalidValue(f"expected a positive amount, got {getattr(self, name)!r}", field=name)
            check_amount_range(getattr(self, name), field=name)


@dataclass(frozen=True)
class Guide:
    """A negotiation guide for one role at one company, across regions."""

    id: str  # the guide file's stem; offers name their guide by it
    title: str
    role: str
    company: str
    parent_company: str  # whose RSUs are granted (Twilio for Segment)
    tagline: str
    bands: tuple[Band, ...]
    narrative: tuple[str, ...]
    level_mapping: tuple[str, ...]  # equivalent levels, e.g. ("Segment DE", "Google L3-L4")
    lever_sections: tuple[LeverSection, ...]
    levers: tuple[Lever, ...]
    strategy: Strategy
    sources: tuple[str, ...]
    # What reading the guide had to change for the user to hear of, e.g. a character an Excel
    # file cannot hold, replaced in the prose with U+FFFD. Not part of the guide itself.
    notes: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        if not self.bands:
            raise InvalidValue("a guide needs at least one band", field="bands")
        seen: set[str] = set()
        for number, band in enumerate(self.bands):
            key = band.region.strip().casefold()  # "London" and "london " are one region
            if key in seen:
                raise InvalidValue(f"region {band.region!r} appears twice", field=f"bands[{number}].region")
            seen.add(key)
        with located(field="strategy.reference_region"):
            reference = self.band(self.strategy.reference_region)
        if reference.currency != self.strategy.currency:
            raise InvalidValue(
                f"the targets are in {self.strategy.currency} but {reference.region} is paid in "
                f"{reference.currency}",
                field="strategy.currency",
            )

    @property
    def regions(self) -> tuple[str, ...]:
        return tuple(band.region for band in self.bands)

    @property
    def reference_band(self) -> Band:
        return self.band(self.strategy.reference_region)

    def band(self, region: str) -> Band:
        """The band for `region`, matched case-insensitively; an unknown one lists the known."""
        wanted = region.strip().casefold()
        for band in self.bands:
            if band.region.strip().casefold() == wanted:
                return band
        raise InvalidValue(unknown_choice("region", region, self.regions))


def unknown_choice(what: str, given: str, known: tuple[str, ...]) -> str:
    """The sentence for a value not among `known`: lists them and suggests the closest."""
    by_fold = {k.casefold(): k for k in known}
    import difflib  # only for a name given wrong: not worth a millisecond of every start-up

    close = difflib.get_close_matches(given.casefold(), list(by_fold), n=1, cutoff=0.6)
    hint = f" (did you mean {by_fold[close[0]]!r}?)" if close else ""
    return f"unknown {what} {given!r}{hint}; known: {', '.join(known)}"


def check_fraction(value: Decimal, field: str) -> Decimal:
    """A bonus percentage as a fraction must lie in 0..1 (0% to 100%)."""
    if not isinstance(value, Decimal) or not 0 <= value <= 1:
        shown = (
            f"{(value * 100).normalize():f}%"
            if isinstance(value, Decimal) and value.is_finite()
            else repr(value)
        )
        raise InvalidValue(f"expected a percentage between 0% and 100%, got {shown}", field=field)
    return value


@dataclass(frozen=True)
class CompetingOffer:
    """Another company's offer the candidate holds, in its own currency."""

    company: str
    currency: str
    base: Decimal
    stock: Decimal  # the whole grant
    bonus_pct: Decimal
    sign_on: tuple[Decimal, ...] = ()  # paid in year 1, 2, …
    vesting: Vesting | None = None  # None: even over the guide's vesting years, 12-month cliff
    expires: date | None = None  # the day the candidate must answer it by, when it has one

    def __post_init__(self) -> None:
        check_currency(self.currency, field="currency")
        check_base(self.base)
        check_amount(self.stock, field="stock")
        check_fraction(self.bonus_pct, field="bonus")
        for number, amount in enumerate(self.sign_on, start=1):
            check_amount(amount, field="sign_on" if len(self.sign_on) == 1 else f"sign_on[{number}]")
        if self.vesting is not None:
            check_sign_on_years(self.sign_on, self.vesting.years)
        if self.expires is not None:
            check_day(self.expires, field="expires")


# How often a grant vests, as months between vest dates. Tranches fall on whole multiples of
# this from the start date, so every frequency has vested the same amount at each year end.
VEST_EVERY = {"monthly": 1, "quarterly": 3, "yearly": 12}
DEFAULT_CLIFF_MONTHS = 12
DEFAULT_STAGE = "written"  # what an offer file that says nothing holds: an offer to weigh
# Competing offers an offer may list. Each takes a column of the Compare sheet and a clause of
# the counter script; a candidate weighing more than this many is a pasting accident.
MAX_COMPETING_OFFERS = 20
MAX_VESTING_YEARS = 10
# Even over three years is 33.33…% a year, which no decimal writes exactly; a schedule this
# close to 100% is accepted, and `figures.vested_share` divides by its own total anyway.
PERCENT_TOLERANCE = Decimal("1e-6")


@dataclass(frozen=True)
class Vesting:
    """How a stock grant vests: a percent of the whole grant per year, a cliff, how often.

    What this means month by month is `figures.vested_share`, written once there and once as
    a formula in `workbook/formulas.py`.
    """

    percents: tuple[Decimal, ...]  # of the whole grant, per 12-month year: (25, 25, 25, 25)
    cliff_months: int = DEFAULT_CLIFF_MONTHS  # nothing vests before; what was due vests then
    every: str = "yearly"  # a key of VEST_EVERY

    def __post_init__(self) -> None:
        if not 1 <= len(self.percents) <= MAX_VESTING_YEARS:
            raise InvalidValue(
                f"expected a percent for each of 1 to {MAX_VESTING_YEARS} years, got {len(self.percents)}",
                field="vesting",
            )
        for number, percent in enumerate(self.percents, start=1):
            if not isinstance(percent, Decimal) or percent < 0:
                raise InvalidValue(
                    f"expected a percent of 0 or more, got {percent}", field=f"vesting[{number}]"
                )
        total = sum(self.percents)
        if abs(total - 100) > PERCENT_TOLERANCE:
            # A schedule written as fractions (0.25 a year) adds up to 1: say how to write it.
            hint = "; write percents, e.g. 25 for 25%" if total == 1 else ""
            raise InvalidValue(
                f"the percents per year add up to {total.normalize():f}%, not 100%{hint}", field="vesting"
            )
        if self.every not in VEST_EVERY:
            raise InvalidValue(
                unknown_choice("vesting frequency", self.every, tuple(VEST_EVERY)), field="vest_every"
            )
        cliff = self.cliff_months
        if isinstance(cliff, bool) or not isinstance(cliff, int) or cliff < 0:
            raise InvalidValue(
                f"expected a whole number of months, 0 or more, got {cliff!r}", field="cliff_months"
            )
        if cliff > 12 * self.years:
            raise InvalidValue(
                f"a {cliff}-month cliff falls after the grant has finished vesting ({12 * self.years} months)",
                field="cliff_months",
            )

    @classmethod
    def even(cls, years: int, cliff_months: int = DEFAULT_CLIFF_MONTHS, every: str = "yearly") -> Vesting:
        """The same percent every year: the guide's assumption when an offer does not say."""
        return cls(tuple(Decimal(100) / years for _ in range(years)), cliff_months, every)

    @property
    def years(self) -> int:
        return len(self.percents)

    @property
    def months_between_vests(self) -> int:
        return VEST_EVERY[self.every]


@dataclass(frozen=True)
class Offer:
    """One candidate's offer against one guide's band, amounts in `currency`."""

    candidate: str
    guide_id: str
    region: str  # the band's own spelling, once matched
    currency: str
    base: Decimal
    stock: Decimal  # whole grant over the vesting years
    bonus_pct: Decimal
    # Sign-on paid in year 1, 2, …; one amount given alone is paid in year 1.
    sign_on: tuple[Decimal, ...] = ()
    competing: tuple[CompetingOffer, ...] = ()
    notes: str = ""
    source: Location = field(default_factory=Location)  # file and row/index it came from
    vesting: Vesting | None = None  # None: even over the band's vesting years, as the guide assumes
    expires: date | None = None  # the offer's deadline, when it has one
    stage: str = DEFAULT_STAGE  # where the offer stands: one of STAGES
    # What the candidate keeps as offered (no raise is asked for it) and where they want the
    # argument: components named as in `PAY_COMPONENTS`.
    keep: tuple[str, ...] = ()
    focus: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.sign_on, tuple):  # Decimal(25000) or a list: the frozen way to normalise
            amounts = self.sign_on if isinstance(self.sign_on, list) else [self.sign_on]
            object.__setattr__(self, "sign_on", tuple(amounts))
        check_currency(self.currency, field="currency")
        check_fraction(self.bonus_pct, field="bonus")
        check_base(self.base)
        check_amount(self.stock, field="stock")
        for number, amount in enumerate(self.sign_on, start=1):
            check_amount(amount, field="sign_on" if len(self.sign_on) == 1 else f"sign_on[{number}]")
        if len(self.competing) > MAX_COMPETING_OFFERS:
            raise InvalidValue(
                f"lists {len(self.competing):,} competing offers; at most {MAX_COMPETING_OFFERS} fit the workbook",
                field="competing",
            )
        if self.vesting is not None:
            check_sign_on_years(self.sign_on, self.vesting.years)
        if self.expires is not None:
            check_day(self.expires, field="expires")
        if self.stage not in STAGES:
            raise InvalidValue(unknown_choice("stage", str(self.stage), STAGES), field="stage")
        check_components(self.keep, field="keep")
        if self.focus is not None:
            check_components((self.focus,), field="focus")
            if self.focus in self.keep:
                raise InvalidValue(
                    f"{self.focus} is both kept as offered and the focus; keep it or argue for it",
                    field="focus",
                )

    @property
    def sign_on_total(self) -> Decimal:
        return sum(self.sign_on, Decimal(0))


# Where an offer stands, as recruiters say it: a number said on the phone, an offer in writing,
# then the candidate's answer (or the company taking it back). Verbal and written offers are
# open: a decision is still to come, and their deadlines count.
STAGES = ("verbal", "written", "accepted", "declined", "withdrawn")
OPEN_STAGES = ("verbal", "written")


# The parts of a package a candidate may keep as offered or put the argument on, as offer files
# name them (`keep: [base]`, `focus: stock`).
PAY_COMPONENTS = ("base", "stock", "bonus", "sign_on")


def check_components(names: tuple[str, ...], field: str) -> tuple[str, ...]:
    """Components of pay, each one of PAY_COMPONENTS, each once."""
    for name in names:
        if name not in PAY_COMPONENTS:
            raise InvalidValue(unknown_choice("component", str(name), PAY_COMPONENTS), field=field)
    if len(set(names)) != len(names):
        raise InvalidValue("names a component twice", field=field)
    return names


def schedule_of(grant: Offer | CompetingOffer, years: int) -> Vesting:
    """How a grant vests: its own schedule or, when it does not say, the guide's assumption,
    even over `years` (its band's vesting years) with a 12-month cliff."""
    return grant.vesting or Vesting.even(years)


def check_sign_on_years(sign_on: tuple[Decimal, ...], years: int) -> None:
    """A sign-on paid after the stock has vested would fall outside the year-by-year table."""
    if len(sign_on) > years:
        raise InvalidValue(
            f"is paid over {len(sign_on)} years but the stock vests over {years}; "
            "the year-by-year table covers the vesting years",
            field="sign_on",
        )


# The days a deadline may fall on: Excel counts days from 1900, and a year outside these is a typo.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)


def check_day(value: date, field: str) -> date:
    """A day such as an offer's deadline: a `date` (not a datetime) from FIRST_DAY to LAST_DAY."""
    if not isinstance(value, date) or isinstance(value, datetime):
        raise InvalidValue(f"expected a date, got {value!r}", field=field)
    if not FIRST_DAY <= value <= LAST_DAY:
        raise InvalidValue(f"expected a date from {FIRST_DAY} to {LAST_DAY}, got {value}", field=field)
    return value


def check_base(value: Decimal) -> Decimal:
    """A base salary: above zero. A grant, bonus or sign-on may be none; a salary of nothing is a
    typo, and every ask, compa-ratio and script sentence would be built on it."""
    if check_amount(value, field="base") == 0:
        raise InvalidValue("expected a base salary above 0, got 0", field="base")
    return value


def check_amount(value: Decimal, field: str) -> Decimal:
    """An amount of money: a `Decimal` from 0 to `money.MAX_AMOUNT`."""
    if not isinstance(value, Decimal) or check_amount_range(value, field=field) < 0:
        raise InvalidValue(f"expected an amount of 0 or more, got {value!r}", field=field)
    return value
