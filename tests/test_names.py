"""File names from people's names in any script (`segxlsx.store.file_names.slug_words`)."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from segxlsx.store.file_names import slug_words


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("王小明", "wang-xiao-ming"),
        ("José Núñez", "jose-nunez"),
        ("Ñúñez", "nunez"),
        ("Priya Raman", "priya-raman"),
        ("  Dana   WHITFIELD ", "dana-whitfield"),
        ("田中 太郎", "tian-zhong-tai-lang"),  # Japanese written in kanji is read as Chinese
        ("さくら", "sakura"),  # kana spell a word: it stays one
        ("김민준", "gim-min-jun"),
        ("Владимир Петров", "vladimir-petrov"),
        ("Σωκράτης", "sokratis"),
        ("Nguyễn Văn An", "nguyen-van-an"),
        ("Straße", "strasse"),
        ("Ærøskøbing", "aeroskobing"),
        ("Łukasz Żuk", "lukasz-zuk"),
        ("अमित", "amit"),
        ("O'Brien-Smith", "o-brien-smith"),
        (unicodedata.normalize("NFD", "José Núñez"), "jose-nunez"),  # accents as combining marks
        ("Kim 2", "kim-2"),
        ("../../etc/passwd", "etc-passwd"),  # no separator survives
        ("𰀀", "u30000"),  # a letter the table does not know still names the file
        ("—", ""),
        ("", ""),
    ],
)
def test_slug_words(name: str, words: str) -> None:
    assert slug_words(name) == words


@given(st.text(max_size=40))
def test_slug_words_are_lower_case_ascii_and_never_empty_when_there_is_a_letter(name: str) -> None:
    words = slug_words(name)

    assert re.fullmatch(r"([a-z0-9]+(-[a-z0-9]+)*)?", words)
    if any(c.isalpha() for c in name):
        assert words
