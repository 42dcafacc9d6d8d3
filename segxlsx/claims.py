"""What each sentence of a guide's scripts claims, so that a candidate says only what is true of them.

A guide is written by someone for themselves: "I have Snowflake and Databricks offers with
larger equity packages" is true of its author and of few candidates. Every sentence of the
negotiate-up strategy and of the numbered levers is read on its own and given a kind by what it
claims, not by the words it happens to use:

- `ASK`: it names the strategy's targets; each candidate's script asks in its own words, with
  its own figures.
- `CLAIM`: a competing claim. It names another employer (one the guide's level mapping or a
  lever's title names, one of the candidate's own competing offers, or a name the guide never
  uses for itself, said as a rival: "Datadog is close behind"), or it claims an offer, a match
  or a counter ("has already offered me", "offers from", "will match", "their counter",
  "competing"). A candidate makes such a claim only when the offer file lists competing offers,
  and then in segxlsx's words naming exactly those offers; the guide's sentence is never said.
- `FIGURE`: it states an amount ("$15B+", "$180K"): the guide's number, in the guide's currency,
  which no formula of this offer's workbook can carry; it is the coach's to read, not to say.
- `PITCH`: anything else, the guide's argument, which a candidate may say as written.

When in doubt a sentence is a claim: a pitch sentence left out costs a little colour, a claim
said by the wrong candidate costs their credibility. `import-guide` and `validate` list every
sentence classed as a claim or a figure, so a guide's author sees what candidates will not say.
Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from .model import Guide
from .scripts import STATED_MONEY, strategy_targets  # the targets, found as the importer found them

ASK, CLAIM, FIGURE, PITCH = "ask", "competing claim", "figure", "pitch"


@dataclass(frozen=True)
class Sentence:
    """One sentence of a guide's script, its kind, and what made it so (for claims and figures)."""

    text: str
    kind: str
    why: str = ""


# -- sentences ------------------------------------------------------------------------------------

# Abbreviations a sentence does not end at: "e.g. Snowflake", "Acme Inc. has offered…".
_ABBREVIATIONS = re.compile(
    r"(?:\b(?:e\.g|i\.e|vs|etc|approx|incl|Inc|Ltd|Co|Corp|Mr|Ms|Mrs|Dr|St|No|Jr|Sr)\.|\b[A-Z]\.)$"
)
_BREAK = re.compile(r"(?<=[.!?…])[\"”’')\]]*\s+(?=\S)")


def sentences(text: str) -> list[str]:
    """`text` cut into sentences, each as written.

    A sentence ends at ".", "!", "?" or "…" (and any closing quote) before a space, whatever
    the next one starts with ("…offers. mParticle has…"), but not after an abbreviation.
    """
    pieces: list[str] = []
    position = 0
    text = text.strip()
    for match in _BREAK.finditer(text):
        piece = text[position : match.start()] + match.group(0).strip()
        if _ABBREVIATIONS.search(text[position : match.start()]):
            continue  # "e.g. Snowflake": the sentence goes on
        pieces.append(piece.strip())
        position = match.end()
    rest = text[position:].strip()
    if rest:
        pieces.append(rest)
    return pieces


# -- who the other employers are ------------------------------------------------------------------

# Words that say a level or a role, not a company: "Google L3-L4", "mParticle Senior DE".
_LEVEL_WORDS = frozenset(
    """senior staff principal lead junior associate distinguished fellow engineer engineers
    engineering developer manager management director architect scientist analyst designer
    researcher research quant intern graduate grad new mid member technical product data
    software hardware machine learning ml mle swe sde sre de ds pm tpm em ic mts level levels
    grade band bands tier title vp head chief i ii iii iv v vi vii""".split()
)
# Words of a lever's title that say what kind of lever it is, not whom it names.
_LEVER_WORDS = frozenset(
    """counter counters counteroffer counter-offer offer offers match matching competing
    competitor competitors competition comparison compare benchmark leverage lever premium
    equity grant stock base bonus sign-on signon refresh package packages market the a an
    with from against vs versus or and""".split()
)
_COMPETING_TITLE = re.compile(r"\b(?:counter\w*|offers?|match\w*|compet\w+|vs\.?|versus|rivals?)\b|/", re.I)


def employers(guide: Guide, also: Iterable[str] = ()) -> tuple[str, ...]:
    """The other employers a guide names: in its level mapping ("Google L3-L4" is Google) and in
    the titles of its competing levers ("Snowflake/Databricks Counter"), with `also` (a
    candidate's own competing companies); never the guide's own company or its parent."""
    own = {guide.company.casefold(), guide.parent_company.casefold()}
    found: dict[str, None] = {}
    for entry in guide.level_mapping:
        name = _company_of_level(entry)
        if name:
            found.setdefault(name)
    for lever in guide.levers:
        if _COMPETING_TITLE.search(lever.name):
            for name in _companies_in_title(lever.name):
                found.setdefault(name)
    for name in also:
        if name.strip():
            found.setdefault(name.strip())
    return tuple(name for name in found if name.casefold() not in own)


def _company_of_level(entry: str) -> str:
    """ "mParticle Senior DE" → "mParticle": the words before the first that says a level."""
    words = entry.split()
    taken: list[str] = []
    for word in words:
        plain = word.strip("()[],;:").casefold()
        if taken and (any(c.isdigit() for c in plain) or plain in _LEVEL_WORDS):
            break
        if taken and word.isupper() and len(word) <= 4:  # "DE", "SWE": a role's initials
            break
        taken.append(word.strip("()[],;:"))
    return " ".join(taken).strip()


def _companies_in_title(title: str) -> list[str]:
    """ "Snowflake/Databricks Counter" → Snowflake, Databricks; "Big Tech Counter" → Big Tech."""
    names = []
    for part in re.split(r"\s*(?:/|&|,|\+|\bvs\.?|\bversus\b|\band\b|\bor\b)\s*", title):
        words = [w for w in part.split() if w.casefold().strip(".:") not in _LEVER_WORDS]
        if words and any(w[:1].isupper() or any(c.isupper() for c in w[1:]) for w in words):
            names.append(" ".join(words))
    return names


# -- what a sentence claims -------------------------------------------------------------------------

# Each: what it claims, and phrasings that claim it whoever the employer is.
_CLAIMS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (why, re.compile(pattern, re.I))
    for why, pattern in (
        ("claims an offer", r"\boffer(?:ed|s|ing)?\s+(?:me|us)\b"),
        ("claims an offer", r"\b(?:has|have|had|'ve|’ve|'s|’s|'d|’d)\s+(?:\w+\s+){0,2}?offered\b"),
        ("claims an offer", r"\boffers?\s+(?:from|by|at|in\s+hand|on\s+the\s+table|pending)\b"),
        ("claims an offer", r"\boffers?\s+(?:I|I['’]ve|we|we['’]ve)\b"),
        ("claims an offer", r"\b(?:numbers?|packages?|grants?|bids?|proposals?)\s+from\b"),
        (
            "claims an offer",
            r"\b(?:an|another|other|two|three|four|five|several|multiple|many|more|competing|outside"
            r"|rival|external|written|verbal|signed|better|higher|bigger|larger|stronger|richer"
            r"|alternative|second|job|exploding|final|formal|firm)\s+(?:\w+\s+)?offers?\b",
        ),
        (
            "claims an offer",
            r"\b(?:I|we)(?:'ve|’ve|'m|’m|'d|’d)?\s+(?:\w+\s+){0,3}?(?:have|hold|holding|got|gotten|received"
            r"|receiving|considering|weighing|evaluating|comparing|expecting|had|accepted|declined"
            r"|turned\s+down|sitting\s+on)\b[^.;!?]*?\boffers?\b",
        ),
        ("claims a competing offer", r"\bcompet(?:ing|itors?)\b|\bthe\s+competition\b|\brivals?\b"),
        (
            "claims a match",
            r"\bmatch(?:es|ed|ing)?\b(?=[^.;!?]{0,40}?\b(?:offers?|package|grant|number|numbers|comp"
            r"|compensation|salary|bid|them|it|that)\b[^\w-]*(?:[.;!?,]|$))"
            r"|\bmatched\b|\bprice[- ]match\w*|\bmatching\s+(?:offers?|package|grant)\b",
        ),
        ("claims a counter", r"\bcounter(?:s|ed|ing)?\b|\bcounter-?offers?\b"),
        ("claims a rival pays more", r"\b(?:beat|beats|beating|outbid\w*|topped|tops)\b"),
        (
            "claims a rival pays more",
            r"\b(?:pays?|paying|paid|offering)\b[^.;!?]{0,30}?\b(?:more|better|higher|above)\b",
        ),
        (
            "names another employer",
            r"\b(?:other|another|different|outside)\s+(?:company|companies|employer|employers|firm|firms"
            r"|startup|startups|team|teams|opportunit(?:y|ies)|roles?|positions?|jobs?)\b|\belsewhere\b",
        ),
        (
            "claims interviews elsewhere",
            r"\b(?:interview(?:ing|s|ed)?|talk(?:s|ing)?|final\s+rounds?|late[- ]stage|on-?sites?"
            r"|process(?:es)?|recruit(?:ed|ing)|conversations?)\s+(?:with|at|by|to)\b|\bapproached\s+(?:me|by)\b",
        ),
    )
)
# Said of a name the guide never uses for itself, these make it a rival: "Datadog is close behind".
_RIVAL = re.compile(
    r"\b(?:close\s+behind|behind|ahead|in\s+the\s+running|interested|keen|wants?\s+me|chasing"
    r"|courting|reached\s+out|came\s+(?:in|back)|made\s+me|is\s+hiring\s+me|would\s+hire"
    r"|compared\s+(?:with|to)|versus|vs)\b"
    r"|['’]s?\s+(?:\w+\s+){0,2}(?:offers?|packages?|grants?|numbers?|base|equity|comp|bids?)\b",
    re.I,
)
_PROPER = re.compile(r"(?<![\w$])(?:[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)*|[a-z]+[A-Z][A-Za-z0-9]*)(?![\w])")
# Capitalised words that begin sentences and name nobody.
_STARTERS = frozenset(
    """I A An The This That These Those My Our Your Their His Her Its We You They He She It
    Every Each Any All Some Most Many More Much With Without If When While As In On At For
    From To And But So Or Nor Yet Because Since After Before Given Unlike Like Here There What
    Why How Who Where Which Also Still Just Only Even Then Now Today Processing Building
    Please Let Happy Thanks Thank Overall""".split()
)


def classify(
    text: str, names: Iterable[str], own: Iterable[str] = (), common: Iterable[str] = ()
) -> Sentence:
    """The kind of one sentence (not an ask: the caller knows those by their targets).

    `names` are other employers; `own` the names the guide uses for itself (company, parent,
    role, regions); `common` words the guide writes in lower case, which at the start of a
    sentence name nobody.
    """
    reasons: list[str] = []
    named = [name for name in names if _names(name, text)]
    if named:
        reasons.append("names " + ", ".join(named))
    for why, pattern in _CLAIMS:
        if why not in reasons and pattern.search(text):
            reasons.append(why)
    if not named and _RIVAL.search(text):
        strangers = _strangers(text, own, common)
        if strangers:
            reasons.append("names " + ", ".join(strangers) + " as a rival")
    if reasons:
        return Sentence(text, CLAIM, "; ".join(reasons))
    amounts = STATED_MONEY.findall(text)
    if amounts:
        return Sentence(text, FIGURE, "states " + ", ".join(a.strip() for a in amounts))
    return Sentence(text, PITCH)


def _strangers(text: str, own: Iterable[str], common: Iterable[str]) -> list[str]:
    """Names in `text` the guide does not use for itself: capitalised words (or "mParticle")
    that are not its own names, not initials ("AI", "RSUs"), and not a common word starting
    the sentence."""
    own_words = {word.casefold() for name in own for word in re.findall(r"[\w'’-]+", name)}
    common_words = {word.casefold() for word in common}
    found = []
    for match in _PROPER.finditer(text):
        word = match.group(0)
        folded = word.casefold().removesuffix("'s").removesuffix("’s")
        if folded in own_words or word in _STARTERS:
            continue
        if match.start() == _first_word_at(text) and folded in common_words:
            continue
        found.append(word)
    return found


def _first_word_at(text: str) -> int:
    match = re.search(r"[A-Za-z]", text)
    return match.start() if match else -1


# -- a guide's scripts, sentence by sentence ----------------------------------------------------------


@dataclass(frozen=True)
class GuideSentences:
    """A guide's strategy and numbered levers, each cut into classified sentences."""

    strategy: tuple[Sentence, ...]
    levers: tuple[tuple[Sentence, ...], ...]  # in the guide's order of levers


def read_sentences(guide: Guide, also: Iterable[str] = ()) -> GuideSentences:
    """Classify every sentence of `guide`'s strategy script and levers.

    `also`: more employer names (a candidate's competing companies) to count as other employers.
    A guide's sentences read the same for every offer with the same competing companies, and
    classifying them is ~1,000 regular-expression searches: each guide and set of companies is
    read once per process.
    """
    return _read_sentences(guide, tuple(also))


@lru_cache(maxsize=64)  # guides times sets of competing companies: a few in a usual batch
def _read_sentences(guide: Guide, also: tuple[str, ...]) -> GuideSentences:
    read = _read_guide(guide)
    names = employers(guide, also)
    added = [name for name in names if name not in read.names]
    if not added:
        return read.sentences

    def again(sentence: Sentence) -> Sentence:
        # Only a sentence that names an added company can read differently with it.
        if sentence.kind == ASK or not any(_names(name, sentence.text) for name in added):
            return sentence
        return classify(sentence.text, names, read.own, read.common)

    return GuideSentences(
        tuple(again(sentence) for sentence in read.sentences.strategy),
        tuple(tuple(again(sentence) for sentence in lever) for lever in read.sentences.levers),
    )


@dataclass(frozen=True)
class _GuideReading:
    names: tuple[str, ...]  # the other employers the guide itself names
    own: tuple[str, ...]
    common: frozenset[str]
    sentences: GuideSentences  # classified with those names


@lru_cache(maxsize=16)  # ~1,000 searches a guide, once per process
def _read_guide(guide: Guide) -> _GuideReading:
    names = employers(guide)
    own = own_names(guide)
    common = common_words(guide)
    script = guide.strategy.script
    targets = strategy_targets(script)
    strategy: list[Sentence] = []
    position = 0
    for text in sentences(script):
        start = script.find(text, position)
        end = start + len(text) if start >= 0 else position
        position = max(position, end)
        if start >= 0 and any(start <= found.start < end for found in targets.values()):
            strategy.append(Sentence(text, ASK))
        else:
            strategy.append(classify(text, names, own, common))
    levers = tuple(
        tuple(classify(text, names, own, common) for text in sentences(lever.script))
        for lever in guide.levers
    )
    return _GuideReading(names, own, common, GuideSentences(tuple(strategy), levers))


def _names(name: str, text: str) -> bool:
    """Whether `text` names `name`, as a whole word in any case."""
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.I) is not None


def own_names(guide: Guide) -> tuple[str, ...]:
    """The names a guide uses for itself: its company, parent company, role, regions, title."""
    return (guide.company, guide.parent_company, guide.role, guide.title, guide.tagline, *guide.regions)


def common_words(guide: Guide) -> frozenset[str]:
    """Words the guide writes in lower case somewhere: ordinary words, wherever they stand."""
    prose = [guide.strategy.script, *guide.narrative, *(lever.script for lever in guide.levers)]
    prose += [paragraph for section in guide.lever_sections for paragraph in section.paragraphs]
    return frozenset(word for text in prose for word in re.findall(r"\b[a-z][a-z'’-]*\b", text))


def held_back(guide: Guide) -> list[str]:
    """One line per sentence of the guide a candidate will not say as written: each competing
    claim and each figure, where it is, and why. For `import-guide` and `validate`."""
    read = read_sentences(guide)
    lines = []
    places = [("the strategy", read.strategy)] + [
        (f"lever {lever.number} ({lever.name})", said)
        for lever, said in zip(guide.levers, read.levers, strict=True)
    ]
    for place, said in places:
        for sentence in said:
            if sentence.kind == CLAIM:
                lines.append(
                    f'{guide.id}: {place}: "{sentence.text}" is a competing claim ({sentence.why}): '
                    "a candidate makes it only with their own competing offers, in their own words"
                )
            elif sentence.kind == FIGURE:
                amounts = sentence.why.removeprefix("states ")
                lines.append(
                    f'{guide.id}: {place}: "{sentence.text}" states the guide\'s own figure ({amounts}): '
                    "shown to the coach, never in what a candidate says"
                )
    return lines


# -- the strategy, by what each sentence does ---------------------------------------------------


@dataclass(frozen=True)
class StrategyParts:
    """A guide's negotiate-up script cut into what each sentence does (`claims`).

    The ask (the sentences naming the targets) is rewritten for each candidate; the value
    argument is the guide's own pitch, kept as written; the competing claims are the guide's,
    true for the guide's author and not for every candidate, so they are never reused; the
    figures are the guide's amounts, which no formula of an offer's workbook carries.
    """

    ask: str
    value_argument: str
    competing_claim: str
    figures: str = ""

    @property
    def pitch(self) -> list[tuple[str, tuple[str, ...]]]:
        """Each sentence of the value argument, with the components it argues for (`argues_for`)."""
        return [(sentence, argues_for(sentence)) for sentence in sentences(self.value_argument)]


# What a pitch sentence argues for, by the words it uses: "Segment's RSU grant must be
# competitive" argues for the grant, and reads oddly beside "I'm happy with the grant as offered".
_ARGUES_FOR = {
    "stock": re.compile(r"\b(?:RSUs?|equity|grants?|stock|shares|options)\b", re.I),
    "base": re.compile(r"\b(?:base|salary|cash)\b", re.I),
    "bonus_pct": re.compile(r"\bbonus", re.I),
}


def argues_for(sentence: str) -> tuple[str, ...]:
    """The components (stock, base, bonus_pct) a sentence argues for; none: the offer as a whole."""
    return tuple(component for component, words in _ARGUES_FOR.items() if words.search(sentence))


def strategy_parts(guide: Guide, also: Iterable[str] = ()) -> StrategyParts:
    """Cut `guide`'s strategy script into its ask, value argument, competing claims and figures.

    `also`: a candidate's own competing companies, which a pitch sentence may not name either.
    """
    parts: dict[str, list[str]] = {ASK: [], PITCH: [], CLAIM: [], FIGURE: []}
    for sentence in read_sentences(guide, also).strategy:
        parts[sentence.kind].append(sentence.text)
    return StrategyParts(*(" ".join(parts[kind]) for kind in (ASK, PITCH, CLAIM, FIGURE)))
