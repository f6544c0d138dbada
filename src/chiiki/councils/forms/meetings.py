"""Forms of the meeting pages. Required values and their messages are the services' (the
model names the field), so the forms only parse."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from chiiki.areas.models import District
from chiiki.councils.models import Attendance, Membership

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MeetingForm(forms.Form):
    held_on = forms.DateField(label="開催日", widget=DATE)
    place = forms.CharField(label="会場", required=False, max_length=120)
    agenda = forms.CharField(
        label="議題（1行に1つ）",
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class MinutesForm(MeetingForm):
    minutes = forms.CharField(
        label="議事録",
        required=False,
        max_length=40000,
        widget=forms.Textarea(attrs={"rows": 18}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)


class DecisionForm(forms.Form):
    text = forms.CharField(
        label="決定事項", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = forms.CharField(label="担当", required=False, max_length=80)
    due_on = forms.DateField(label="期限", required=False, widget=DATE)


class AttendanceForm(forms.Form):
    """The members of the day as ticks, and rows for guests (those already there and a few
    empty ones)."""

    members = forms.TypedMultipleChoiceField(
        label="出席した構成員", required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self,
        *args: Any,
        members: Sequence[Membership],
        guests: Sequence[Attendance],
        empty_rows: int = 3,
        **kwargs: Any,
    ) -> None:
        initial = kwargs.pop("initial", None) or {}
        self.rows = len(guests) + empty_rows
        for n, guest in enumerate(guests):
            initial[f"guest_name_{n}"] = guest.guest_name
            initial[f"guest_organisation_{n}"] = guest.guest_organisation
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        field = self.fields["members"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = [
            (m.pk, f"{m.name}（{m.organisation_label}{' ' + m.role if m.role else ''}）")
            for m in members
        ]
        for n in range(self.rows):
            self.fields[f"guest_name_{n}"] = forms.CharField(
                label=f"来賓・オブザーバー{n + 1} 氏名", required=False, max_length=80
            )
            self.fields[f"guest_organisation_{n}"] = forms.CharField(
                label=f"来賓・オブザーバー{n + 1} 所属", required=False, max_length=120
            )

    def guest_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [
            (self[f"guest_name_{n}"], self[f"guest_organisation_{n}"]) for n in range(self.rows)
        ]

    def guests(self) -> list[tuple[str, str]]:
        data = self.cleaned_data
        return [
            (data.get(f"guest_name_{n}") or "", data.get(f"guest_organisation_{n}") or "")
            for n in range(self.rows)
        ]


class GroupWorkForm(forms.Form):
    """Two boxes a district: ええとこ and いかんとこ, one point a line."""

    def __init__(self, *args: Any, districts: Sequence[District], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.districts = list(districts)
        for d in self.districts:
            self.fields[f"good_points_{d.pk}"] = forms.CharField(
                label=f"{d.name}地区のええとこ（1行に1つ）",
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 5}),
            )
            self.fields[f"problems_{d.pk}"] = forms.CharField(
                label=f"{d.name}地区のいかんとこ（1行に1つ）",
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 5}),
            )

    def district_fields(self) -> list[tuple[District, forms.BoundField, forms.BoundField]]:
        return [(d, self[f"good_points_{d.pk}"], self[f"problems_{d.pk}"]) for d in self.districts]

    def entries(self) -> dict[int, tuple[str, str]]:
        data = self.cleaned_data
        return {
            d.pk: (data.get(f"good_points_{d.pk}") or "", data.get(f"problems_{d.pk}") or "")
            for d in self.districts
        }
