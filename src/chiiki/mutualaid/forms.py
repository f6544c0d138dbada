from __future__ import annotations

from typing import Any

from django import forms

from chiiki.mutualaid.models import SLOT_CHOICES, Service


class RequestForm(forms.Form):
    """A request taken by phone or at the counter."""

    service = forms.ModelChoiceField(
        queryset=Service.objects.none(), label="サービス", empty_label=None
    )
    person = forms.IntegerField(label="依頼者", widget=forms.HiddenInput)
    task = forms.ChoiceField(label="作業")
    week = forms.DateField(
        label="希望週（その週のいずれかの日）", widget=forms.DateInput(attrs={"type": "date"})
    )
    preferred_slots = forms.TypedMultipleChoiceField(
        label="希望の時間帯", choices=SLOT_CHOICES, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    estimated_minutes = forms.IntegerField(label="見込み時間（分）", initial=30, min_value=1)
    address = forms.CharField(
        label="作業場所（空欄なら依頼者の住所）", required=False, max_length=200
    )
    notes = forms.CharField(label="メモ", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, services: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["service"]
        field.queryset = services
        first = services.first()
        task_field: Any = self.fields["task"]
        task_field.choices = first.tariff.task_choices() if first else []


class DoneForm(forms.Form):
    actual_minutes = forms.IntegerField(
        label="実際の時間（分）", min_value=-10_000, max_value=10_000
    )
    done_on = forms.DateField(
        label="実施日", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class AssignForm(forms.Form):
    volunteer = forms.IntegerField(label="ボランティア")
    slot = forms.TypedChoiceField(label="時間帯", choices=SLOT_CHOICES, coerce=int)


class RedeemForm(forms.Form):
    points = forms.IntegerField(label="交換するポイント")
    note = forms.CharField(label="交換の内容", required=False, max_length=200)
