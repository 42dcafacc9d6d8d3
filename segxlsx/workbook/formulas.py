"""Formula text for each figure: the same rules as `figures.py`, written for Excel.

One function per rule, so "penetration = (value − min) / (max − min)" exists once in Python and
once here; the LibreOffice tests prove the two agree. Arguments are cell references or names.
"""

from __future__ import annotations

from ..money import SYMBOL_FOR
from .names import rate_name

# Excel refuses string constants longer than 255 characters inside a formula.
MAX_LITERAL = 255


def annual_total_comp(base: str, stock: str, years: str, bonus_pct: str) -> str:
    return f"={base}+{stock}/{years}+{base}*{bonus_pct}"


def per_year(stock: str, years: str) -> str:
    return f"={stock}/{years}"


def bonus(base: str, bonus_pct: str) -> str:
    return f"={base}*{bonus_pct}"


def midpoint(low: str, high: str) -> str:
    return f"=({low}+{high})/2"


def range_penetration(value: str, low: str, high: str) -> str:
    return f"=IF({high}={low},IF({value}>={high},1,0),({value}-{low})/({high}-{low}))"


def compa_ratio(value: str, mid: str) -> str:
    return f"={value}/{mid}"


def status(value: str, low: str, high: str) -> str:
    return f'=IF({value}<{low},"below",IF({value}>{high},"above","within"))'


def ask_at(penetration: str, low: str, high: str) -> str:
    # ROUND(…,-3): asks are said in round thousands ("£152K").
    return f"=ROUND({low}+{penetration}*({high}-{low}),-3)"


def converted(amount: str, currency: str) -> str:
    """An amount in `currency` converted to the offer's currency through the Rates sheet."""
    return f"={amount}*{rate_name(currency)}"


def at_least(value: str, floor: str) -> str:
    return f"={value}>={floor}"


def difference(value: str, base: str) -> str:
    return f"={value}-{base}"


def relative_difference(stated: str, computed: str) -> str:
    return f"=IF({stated}=0,0,({computed}-{stated})/{stated})"


def flag_over(limit: str, *differences: str) -> str:
    worst = ",".join(f"ABS({d})" for d in differences)
    return f'=IF(MAX({worst})>{limit},"check","ok")'


def reference(value: str) -> str:
    return f"={value}"


# -- text built by formulas, mirrored by `money.short_money` and `percent_text` --------------


def money_text(value: str, currency: str) -> str:
    """An expression giving "$195K", "£1.2M", "CHF 140K" or "€1,234" for `value`."""
    symbol = SYMBOL_FOR.get(currency)
    prefix = literal(symbol if symbol else f"{currency} ")
    millions = f'{value}/1000000&"M"'
    thousands = f'{value}/1000&"K"'
    plain = f'TEXT({value},"#,##0")'
    return (
        f"{prefix}&IF(AND(ABS({value})>=1000000,MOD({value},10000)=0),{millions},"
        f"IF(AND(ABS({value})>=1000,MOD({value},1000)=0),{thousands},{plain}))"
    )


def percent_text(value: str) -> str:
    """An expression giving "12%" or "12.5%" for a fraction."""
    return f'ROUND({value}*100,2)&"%"'


def literal(text: str) -> str:
    """`text` as an Excel string expression: quotes doubled, long text cut into ≤255 pieces."""
    if not text:
        return '""'
    chunks = [text[i : i + MAX_LITERAL] for i in range(0, len(text), MAX_LITERAL)]
    return "&".join('"' + chunk.replace('"', '""') + '"' for chunk in chunks)


def concatenation(parts: list[str]) -> str:
    """A formula joining string expressions."""
    return "=" + "&".join(parts) if parts else '=""'
