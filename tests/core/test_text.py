from hypothesis import given
from hypothesis import strategies as st

from chiiki.core.text import fold, fold_joined, to_katakana


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


# Names and their troublemakers: kana of both widths, the marks that join what precedes
# them, Greek capitals (final sigma), Hangul jamo, letters, digits and spaces.
_NAME_PARTS = st.text(
    alphabet=st.one_of(
        st.sampled_from("佐藤々ーｻﾄｳｶﾞﾞﾟかがハパ\u3099\u309aΣσςΑ\u1100\u1161AaＡ1１ 　\t\x00"),
        st.characters(codec="utf-8"),
    ),
    max_size=8,
)


@given(_NAME_PARTS, _NAME_PARTS)
def test_two_names_folded_apart_and_joined_fold_as_one(first, second):
    assert fold_joined(first, second) == fold(first + second)


def test_a_voiced_mark_that_starts_a_given_name_joins_the_family_name():
    assert fold_joined("ｶ", "ﾞﾝﾀﾞ") == fold("ｶﾞﾝﾀﾞ") == "がんだ"
    assert fold_joined("ΑΣ", "a") == fold("ΑΣa")
