from __future__ import annotations

from django import forms


class FiguresImportForm(forms.Form):
    file = forms.FileField(
        label="介護保険事業状況報告の数値（CSV または Excel）",
        help_text="列: 年度, 第1号被保険者数, 要支援1, 要支援2, 要介護1〜要介護5, 給付費, "
        "第1号保険料（任意）。1行が1年度。CSV は UTF-8 または Shift_JIS。",
    )


class CenterProfileForm(forms.Form):
    direct = forms.IntegerField(label="直営の箇所数", min_value=0, max_value=1000, initial=0)
    commissioned = forms.IntegerField(label="委託の箇所数", min_value=0, max_value=1000, initial=0)
    note = forms.CharField(
        label="補足（サブセンター・ブランチなど）",
        max_length=200,
        required=False,
        help_text="例: サブセンター7カ所含む。ほか、ブランチとして老人介護支援センターを28カ所設置",
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not self.errors and not (data.get("direct") or data.get("commissioned")):
            raise forms.ValidationError("直営か委託の箇所数を1以上にしてください")
        return data
