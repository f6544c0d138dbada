from __future__ import annotations

from typing import Any, cast

from django import forms

from chiiki.resources import taxonomy
from chiiki.resources.calendar import WEEKDAY_LABELS, WEEKDAYS


class SearchForm(forms.Form):
    q = forms.CharField(label="キーワード", required=False, max_length=100)
    category = forms.ChoiceField(label="種類", required=False)
    district = forms.TypedChoiceField(label="地区", required=False, coerce=int, empty_value=None)
    weekday = forms.ChoiceField(
        label="曜日",
        required=False,
        choices=[("", "すべて"), *zip(WEEKDAYS, [f"{w}曜日" for w in WEEKDAY_LABELS], strict=True)],
    )
    time = forms.TimeField(
        label="時刻", required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    pickup = forms.BooleanField(label="送迎あり", required=False)
    free = forms.BooleanField(label="無料", required=False)

    def __init__(self, *args: Any, districts: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        category = cast(forms.ChoiceField, self.fields["category"])
        category.choices = [("", "すべて"), *taxonomy.categories().choices()]
        district = cast(forms.ChoiceField, self.fields["district"])
        district.choices = [("", "すべて")] + [(d.pk, d.name) for d in districts]


class DistrictProfileForm(forms.Form):
    good_points = forms.CharField(
        label="地域のええとこ（良いところ）",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    problems = forms.CharField(
        label="地域のいかんとこ（困りごと・課題）",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
