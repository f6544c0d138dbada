"""The prefecture's forms: one dispatch by hand, and a dispatch file."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from chiiki.prefecture import dispatch_file
from chiiki.prefecture.models import WorkKind


class DispatchImportForm(forms.Form):
    file = forms.FileField(
        label="派遣実績のファイル（CSV または Excel）",
        help_text="列: 日付, 市町村コード, 派遣元, 事業区分, 職種, 件数（任意、空欄は1件）。"
        "CSV は UTF-8 または Shift_JIS。",
    )


class DispatchForm(forms.Form):
    day = forms.CharField(
        label="日付", max_length=30, help_text="例: 2017-06-01、平成29年6月1日", initial=""
    )
    municipality = forms.ChoiceField(label="派遣先の市町村")
    sender = forms.CharField(
        label="派遣元", max_length=dispatch_file.SENDER_MAX, help_text="例: 広域支援センター"
    )
    work = forms.ChoiceField(label="事業区分", choices=WorkKind.choices)
    profession = forms.CharField(
        label="職種", max_length=dispatch_file.PROFESSION_MAX, help_text="例: 理学療法士"
    )
    count = forms.IntegerField(
        label="件数",
        min_value=dispatch_file.COUNT.low,
        max_value=dispatch_file.COUNT.high,
        initial=1,
    )

    def __init__(self, *args: Any, municipalities: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["municipality"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "選んでください"), *municipalities]

    def clean_day(self) -> dt.date:
        raw = self.cleaned_data["day"]
        try:
            return dispatch_file.parse_day(raw, timezone.localdate())
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean_sender(self) -> str:
        return self._text("sender", "派遣元", dispatch_file.SENDER_MAX)

    def clean_profession(self) -> str:
        return self._text("profession", "職種", dispatch_file.PROFESSION_MAX)

    def _text(self, name: str, label: str, limit: int) -> str:
        try:
            return dispatch_file.parse_text(self.cleaned_data[name], label, limit)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
