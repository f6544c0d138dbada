from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from chiiki.areas.models import District
from chiiki.core.bounds import DATE
from chiiki.people.models import Person
from chiiki.people.services import EDITABLE_FIELDS


class PersonForm(forms.ModelForm):
    """A person's record as staff enter it at the counter; districts limited to the user's."""

    class Meta:
        model = Person
        fields = list(EDITABLE_FIELDS)
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: Any, districts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["district"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = districts
        field.label_from_instance = lambda d: f"{d.life_area.name} / {d.name}"  # type: ignore[method-assign,assignment]
        self.fields["insured_number"].required = False
        # The browser's date picker offers only what the model accepts (1900-01-01 to today).
        self.fields["birth_date"].widget.attrs.update(
            min=DATE.low.isoformat(), max=timezone.localdate().isoformat()
        )

    def clean_insured_number(self) -> str | None:
        value = (self.cleaned_data.get("insured_number") or "").strip()
        return value or None

    def changes(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        district: District = data.pop("district")
        return {"district": district, **data}


class RegisterImportForm(forms.Form):
    file = forms.FileField(
        label="住民記録の抽出ファイル（CSV または Excel）",
        help_text="列: 宛名番号, 氏名, 氏名カナ, 性別, 生年月日, 住所（任意で 電話番号, 世帯人数）。"
        "CSV は UTF-8 または Shift_JIS。",
    )
    on = forms.DateField(
        label="転出等とする日",
        required=False,
        help_text="ファイルにない人を転出等とする日（空欄なら今日）。抽出の基準日を入れてください。",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean_on(self) -> Any:
        on = self.cleaned_data.get("on")
        if on is not None and not DATE.low <= on <= timezone.localdate():
            raise forms.ValidationError(
                f"転出等とする日は{DATE.low:%Y-%m-%d}から今日までの日付です"
            )
        return on


class CareImportForm(forms.Form):
    file = forms.FileField(
        label="要介護認定のファイル（CSV または Excel）",
        help_text="列: 被保険者番号, 宛名番号, 要介護度, 認定有効期間（または 認定有効期間開始 と"
        " 認定有効期間終了）。1行に1人。CSV は UTF-8 または Shift_JIS。",
    )
