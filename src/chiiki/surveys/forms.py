from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone

from chiiki.core.validators import date_validators
from chiiki.surveys import rules
from chiiki.surveys.models import HEIGHT_CM, WEIGHT_KG, InstrumentKind, Outcome

KCL_ITEMS = [i for i in rules.instrument("kcl").items if i.kind == "choice"]


class SurveyCreateForm(forms.Form):
    name = forms.CharField(label="調査名", max_length=100)
    fiscal_year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    instrument = forms.ChoiceField(label="調査票", choices=InstrumentKind.choices)
    ruleset = forms.ChoiceField(label="判定ルール")

    def __init__(
        self, *args: Any, rulesets: list[rules.RuleSet] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["ruleset"]).choices = [
            (rs.name, f"{rs.label}（{rs.version}・{rs.status}）")
            for rs in (rulesets if rulesets is not None else rules.builtin_rulesets().values())
        ]


class ImportForm(forms.Form):
    file = forms.FileField(label="回答ファイル（CSV: UTF-8 / Shift_JIS、または XLSX）")
    mapping = forms.CharField(
        label="列の対応づけ（1行に「見出し=項目ID」。空欄なら保存済みの対応づけと自動判定）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 60}),
    )

    def clean_mapping(self) -> dict[str, str]:
        text: str = self.cleaned_data.get("mapping") or ""
        mapping: dict[str, str] = {}
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            if "=" not in line:
                raise forms.ValidationError(f"{number}行目: 「見出し=項目ID」の形で書いてください")
            header, item = line.split("=", 1)
            mapping[header.strip()] = item.strip()
        return mapping


class MailingForm(forms.Form):
    file = forms.FileField(label="発送名簿（被保険者番号の列を含む CSV / XLSX）")


class VisitForm(forms.Form):
    outcome = forms.ChoiceField(
        label="訪問結果", choices=[c for c in Outcome.choices if c[0] != Outcome.PENDING]
    )
    visited_on = forms.DateField(
        label="訪問日",
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=date_validators("訪問日"),
    )
    note = forms.CharField(label="メモ", max_length=200, required=False)


class KclForm(forms.Form):
    """The 25 items as printed: each answer carries its point (the risk answer is 1)."""

    screened_on = forms.DateField(
        label="実施日",
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=date_validators("実施日"),
    )
    height_cm = forms.DecimalField(
        label="身長（cm）",
        max_digits=5,
        decimal_places=2,
        min_value=HEIGHT_CM[0],
        max_value=HEIGHT_CM[1],
        required=False,
    )
    weight_kg = forms.DecimalField(
        label="体重（kg）",
        max_digits=5,
        decimal_places=2,
        min_value=WEIGHT_KG[0],
        max_value=WEIGHT_KG[1],
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for item in KCL_ITEMS:
            self.fields[item.id] = forms.TypedChoiceField(
                label=f"{item.number}. {item.text}",
                coerce=int,
                required=False,
                empty_value=None,
                choices=[(code, f"{code}.{text}") for code, text in item.options.items()],
                widget=forms.RadioSelect,
            )

    def item_fields(self) -> list[forms.BoundField]:
        return [self[item.id] for item in KCL_ITEMS]

    def answers(self) -> dict[str, int | None]:
        return {item.id: self.cleaned_data.get(item.id) for item in KCL_ITEMS}
