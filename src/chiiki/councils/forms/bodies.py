"""Forms of a body and its members. Choices come from the selectors (the user's own
areas); the services check the reach again."""

from __future__ import annotations

from typing import Any

from django import forms

from chiiki.core.validators import date_validators
from chiiki.councils import taxonomy
from chiiki.councils.models import BodyKind, Layer


class DateInput(forms.DateInput):
    input_type = "date"


def _date(label: str, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, widget=DateInput(), validators=date_validators(label)
    )


class BodyForm(forms.Form):
    layer = forms.TypedChoiceField(label="層", choices=Layer.choices, coerce=int)
    kind = forms.ChoiceField(label="種類", choices=BodyKind.choices)
    name = forms.CharField(label="名称", max_length=120)
    area = forms.ChoiceField(label="圏域・地区", required=False)
    founded_on = _date("設置日")
    dissolved_on = _date("廃止日", required=False)
    secretariat = forms.CharField(label="事務局", max_length=120, required=False)
    notes = forms.CharField(
        label="メモ", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self, *args: Any, life_areas: list[Any], districts: list[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.life_areas = {f"la-{la.pk}": la for la in life_areas}
        self.districts = {f"d-{d.pk}": d for d in districts}
        area = self.fields["area"]
        assert isinstance(area, forms.ChoiceField)
        area.choices = [
            ("", "（市町村全体：第1層）"),
            *((k, f"圏域 {la.name}") for k, la in self.life_areas.items()),
            *((k, f"地区 {d.life_area.name} / {d.name}") for k, d in self.districts.items()),
        ]
        area.help_text = "第2層は圏域を、第3層は地区を選びます。"

    def chosen_area(self) -> tuple[Any, Any]:
        key = self.cleaned_data.get("area") or ""
        return self.life_areas.get(key), self.districts.get(key)


class MembershipForm(forms.Form):
    name = forms.CharField(label="氏名", max_length=80)
    organisation_kind = forms.ChoiceField(label="団体の種類")
    organisation_name = forms.CharField(label="団体名", max_length=120, required=False)
    role = forms.CharField(label="役職", max_length=60, required=False)
    contact = forms.CharField(label="連絡先", max_length=120, required=False)
    started_on = _date("就任日")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["organisation_kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [("", "選んでください"), *taxonomy.organisation_kinds().choices()]


class MembershipEndForm(forms.Form):
    ended_on = _date("退任日")
