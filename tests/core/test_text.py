from hypothesis import given
from hypothesis import strategies as st

from chiiki.core.text import fold, to_katakana


def test_half_width_katakana_full_width_katakana_and_hiragana_fold_alike():
    assert fold("ｻﾄｳ") == fold("サトウ") == fold("さとう") == "さとう"


def test_voiced_half_width_kana_compose_before_folding():
    assert fold("ｶﾞﾝﾀﾞ") == "がんだ"


def test_full_width_latin_and_spaces_fold_away():
    assert fold("ＡＢＣ　ｄｅｆ") == "abcdef"


def test_kana_readings_are_stored_in_full_width_katakana():
    assert to_katakana("さとう") == "サトウ"
    assert to_katakana("ｻﾄｳ") == "サトウ"


@given(st.text(alphabet=st.characters(min_codepoint=0x3041, max_codepoint=0x3093)))
def test_folding_hiragana_or_its_katakana_gives_the_same_key(text):
    assert fold(text) == fold(to_katakana(text))
