"""Forms of the register: an issue, its steps, its evidence and its tags."""

from __future__ import annotations

from typing import Any

from django import forms

from chiiki.councils.forms.bodies import _date
from chiiki.councils.models import EvidenceKind, IssueStatus


class IssueForm(forms.Form):
    title = forms.CharField(label="地域課題", max_length=200)
    description = forms.CharField(
        label="内容", required=False, max_length=8000, widget=forms.Textarea(attrs={"rows": 4})
    )
    area = forms.ChoiceField(label="地域", required=False)
    tags = forms.MultipleChoiceField(
        label="タグ", required=False, widget=forms.CheckboxSelectMultiple
    )
    body = forms.TypedChoiceField(
        label="担当の協議体", required=False, coerce=int, empty_value=None
    )
    status_on = _date("把握した日")

    def __init__(
        self,
        *args: Any,
        life_areas: list[Any],
        districts: list[Any],
        tags: list[tuple[str, str]],
        bodies: list[Any],
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.life_areas = {f"la-{la.pk}": la for la in life_areas}
        self.districts = {f"d-{d.pk}": d for d in districts}
        self.bodies = {b.pk: b for b in bodies}
        area = self.fields["area"]
        assert isinstance(area, forms.ChoiceField)
        area.choices = [
            ("", "市町村全体"),
            *((k, f"圏域 {la.name}") for k, la in self.life_areas.items()),
            *((k, f"地区 {d.life_area.name} / {d.name}") for k, d in self.districts.items()),
        ]
        tag_field = self.fields["tags"]
        assert isinstance(tag_field, forms.MultipleChoiceField)
        tag_field.choices = tags
        body = self.fields["body"]
        assert isinstance(body, forms.TypedChoiceField)
        body.choices = [("", "—"), *((b.pk, b.name) for b in bodies)]
        if editing:
            del self.fields["area"]
            del self.fields["status_on"]

    def chosen_area(self) -> tuple[Any, Any]:
        key = self.cleaned_data.get("area") or ""
        return self.life_areas.get(key), self.districts.get(key)

    def chosen_body(self) -> Any:
        pk = self.cleaned_data.get("body")
        return self.bodies.get(pk) if pk else None


class IssueMoveForm(forms.Form):
    to = forms.ChoiceField(label="次の状況", choices=IssueStatus.choices)
    on = _date("日付")
    reason = forms.CharField(
        label="理由・経緯",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label="根拠の種類", choices=EvidenceKind.choices)
    title = forms.CharField(label="見出し", max_length=200)
    note = forms.CharField(
        label="メモ", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class SurveyFigureForm(forms.Form):
    """A survey figure as the results page shows it: survey, grouping, group and risk."""

    survey = forms.TypedChoiceField(label="ニーズ調査", coerce=int)
    by = forms.ChoiceField(label="集計の単位")
    group = forms.CharField(
        label="地域・属性",
        max_length=120,
        widget=forms.TextInput(attrs={"list": "figure-groups", "autocomplete": "off"}),
        help_text="結果の表の行の見出しのとおり（例: 北部圏域、須佐、全体）",
    )
    risk = forms.ChoiceField(label="リスク")


class ResourceLinkForm(forms.Form):
    service = forms.TypedChoiceField(label="地域資源（サービス）", coerce=int)
    started_on = _date("開始日")
    note = forms.CharField(label="メモ", required=False, max_length=200)


class TagForm(forms.Form):
    name = forms.CharField(label="タグの名称", max_length=60)
