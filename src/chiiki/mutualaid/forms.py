from __future__ import annotations

from typing import Any

from django import forms

from chiiki.core.bounds import MINUTES
from chiiki.core.validators import date_validators
from chiiki.mutualaid.models import JOBS_PER_WEEK, SLOT_CHOICES, Service


class RequestForm(forms.Form):
    """A request taken by phone or at the counter."""

    service = forms.ModelChoiceField(
        queryset=Service.objects.none(), label="サービス", empty_label=None
    )
    person = forms.IntegerField(label="依頼者", widget=forms.HiddenInput)
    task = forms.ChoiceField(label="作業")
    week = forms.DateField(
        label="希望週（その週のいずれかの日）",
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=date_validators("希望週"),
    )
    preferred_slots = forms.TypedMultipleChoiceField(
        label="希望の時間帯", choices=SLOT_CHOICES, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    estimated_minutes = forms.IntegerField(
        label="見込み時間（分）", initial=30, min_value=MINUTES.low, max_value=MINUTES.high
    )
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
    # Wider than MINUTES on purpose: the tariff refuses 0 or 90 minutes with its own reason
    # (「上限 60分」); the bounds only keep absurd numbers from reaching it.
    actual_minutes = forms.IntegerField(
        label="実際の時間（分）", min_value=-10_000, max_value=10_000
    )
    done_on = forms.DateField(
        label="実施日",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=date_validators("実施日"),
    )


class AssignForm(forms.Form):
    volunteer = forms.IntegerField(label="ボランティア")
    slot = forms.TypedChoiceField(label="時間帯", choices=SLOT_CHOICES, coerce=int)


class AvailabilityForm(forms.Form):
    """The weekly free slots: part of the staff's profile form, and the volunteer's own."""

    availability = forms.TypedMultipleChoiceField(
        label="空いている時間帯（毎週）",
        choices=SLOT_CHOICES,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class ProfileForm(AvailabilityForm):
    """A volunteer's profile for a service; the choices come from the service's tariff."""

    field_order = (
        "service",
        "skills",
        "tools",
        "districts",
        "availability",
        "max_jobs_per_week",
        "trainings",
    )

    service = forms.ModelChoiceField(
        queryset=Service.objects.none(), label="サービス", empty_label=None
    )
    skills = forms.MultipleChoiceField(label="できる作業", widget=forms.CheckboxSelectMultiple)
    tools = forms.MultipleChoiceField(
        label="道具", widget=forms.CheckboxSelectMultiple, required=False
    )
    districts = forms.MultipleChoiceField(
        label="活動する地区（住んでいる地区は必ず含みます）",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    max_jobs_per_week = forms.IntegerField(
        label="週の上限件数",
        min_value=JOBS_PER_WEEK.low,
        max_value=JOBS_PER_WEEK.high,
        initial=3,
    )
    trainings = forms.CharField(
        label="受講した研修（1行に1つ）", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, services: Any, districts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        service_field: Any = self.fields["service"]
        service_field.queryset = services
        first = services.first()
        tariff = first.tariff if first else None
        skills: Any = self.fields["skills"]
        skills.choices = tariff.task_choices() if tariff else []
        tools: Any = self.fields["tools"]
        tools.choices = list(tariff.tools.items()) if tariff else []
        covered: Any = self.fields["districts"]
        covered.choices = [(str(d.pk), d.name) for d in districts]


class ExceptionForm(forms.Form):
    """A day away, entered by staff or by the volunteer on their own page (who may give only
    a day from today to a year ahead: the service checks that)."""

    date = forms.DateField(
        label="休みの日",
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=date_validators("休みの日"),
    )
    note = forms.CharField(label="理由", required=False, max_length=100)


class RedeemForm(forms.Form):
    points = forms.IntegerField(label="交換するポイント", min_value=1, max_value=1_000_000)
    note = forms.CharField(label="交換の内容", required=False, max_length=200)
