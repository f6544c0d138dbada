"""Forms of the watch-over networks and the daily huddle."""

from __future__ import annotations

from typing import Any

from django import forms

from chiiki.core.validators import date_validators
from chiiki.councils.models import Profession


def _date(label: str, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=date_validators(label),
    )


class WatchCaseForm(forms.Form):
    """A household discussed at the meeting; a resident may be linked from the search."""

    household = forms.CharField(label="世帯（氏名など）", max_length=120)
    district = forms.TypedChoiceField(label="地区", coerce=int)
    person = forms.IntegerField(
        label="住民（検索して選ぶ・任意）", required=False, min_value=1, max_value=2**63 - 1
    )
    concern = forms.CharField(
        label="気になること", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    passed_on = _date("包括につないだ日（つないだときのみ）", required=False)

    def __init__(self, *args: Any, districts: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["district"]
        field.choices = [(d.pk, f"{d.life_area.name} / {d.name}") for d in districts]


class PassForm(forms.Form):
    passed_on = _date("包括につないだ日")
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)


class FollowupForm(forms.Form):
    followup = forms.CharField(
        label="包括からの報告", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    followup_on = _date("報告日")
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)


class HuddleNoteForm(forms.Form):
    body = forms.TypedChoiceField(label="打ち合わせ", coerce=int)
    profession = forms.ChoiceField(label="職種", choices=Profession.choices)
    written_on = _date("日付")
    text = forms.CharField(label="内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, bodies: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["body"]
        field.choices = [(b.pk, b.name) for b in bodies]
