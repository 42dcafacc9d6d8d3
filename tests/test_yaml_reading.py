"""YAML is scanned and parsed by libyaml, in C, and composed in Python under our bounds.

PyYAML's own pure-Python parser is what it replaced, and what reads YAML where PyYAML was built
without libyaml: what either reads, a guide or an offer says the same.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from segxlsx.errors import InvalidValue
from segxlsx.sources.files import _load_yaml, _PythonYaml12Loader, _Yaml12Loader, load_yaml

ROOT = Path(__file__).resolve().parent.parent
SHIPPED_YAML = sorted(
    path
    for folder in ("data", "templates", "segxlsx", "tests/fixtures")
    for path in (ROOT / folder).rglob("*.y*ml")
    if path.name != "malformed.yaml"  # the one the parsers word differently: below
)

pytestmark = pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML built without libyaml")


def read(text: str, loader: type) -> tuple[str, object]:
    try:
        return "read", _load_yaml(text, loader)
    except InvalidValue as problem:
        return "refused", problem.location.line if problem.location else None


def test_libyaml_reads_every_file_we_ship_as_pyyaml_does():
    assert len(SHIPPED_YAML) > 10
    for path in SHIPPED_YAML:
        text = path.read_text(encoding="utf-8")
        assert read(text, _Yaml12Loader) == read(text, _PythonYaml12Loader), path


def test_the_faster_loader_is_the_one_in_use():
    assert issubclass(_Yaml12Loader, yaml.cyaml.CParser)


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30),
)
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(documents, st.booleans())
def test_both_parsers_read_what_pyyaml_writes_alike(document, flow):
    text = yaml.safe_dump(document, default_flow_style=flow, allow_unicode=True)
    assert read(text, _Yaml12Loader) == read(text, _PythonYaml12Loader)


# Scraps of YAML's own punctuation: the parsers disagree on what some of these mean (libyaml
# takes a tab inside a plain value, as YAML 1.2 does), never on whether it is one line's problem.
YAML_SCRAPS = st.lists(
    st.sampled_from(list("ab1 :-[]{},\n'\"#&*!|>?%@`\t.~") + ["  ", "\n  ", "- ", ": ", "\x00", "é"]),
    max_size=40,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(YAML_SCRAPS)
def test_any_text_is_read_or_refused_in_one_line(text):
    try:
        load_yaml(text)
    except InvalidValue as problem:
        assert problem.message.startswith(("invalid YAML", "the key", "a YAML alias"))
        assert "\n" not in problem.message


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("a: éééé\n\x00\n\n\n\n", 2),  # libyaml counts a bad character's place in bytes
        ("a: '\ud800'\n", 1),  # a lone surrogate, which cannot be handed to libyaml at all
        ("a: 1\nb: [1,\n", 3),
        ("[" * 5_000, None),  # libyaml's own bound on nesting, said as ours
    ],
)
def test_a_problem_names_its_line(text, line):
    with pytest.raises(InvalidValue) as caught:
        load_yaml(text)
    if line is None:
        assert caught.value.message == "invalid YAML: nested too deeply"
    else:
        assert caught.value.location.line == line
