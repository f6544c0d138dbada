from __future__ import annotations

from django import forms


class PopulationImportForm(forms.Form):
    file = forms.FileField(
        label="人口ファイル（CSV または Excel）",
        help_text="列: 地区, 基準日, 性別, 年齢階級, 人数。CSV は UTF-8 または Shift_JIS。",
    )


class AreaTreeImportForm(forms.Form):
    file = forms.FileField(
        label="圏域・地区・町丁目のファイル（CSV または Excel）",
        help_text="列: 市町村コード, 市町村名, 圏域, 地区, 町丁目。1行に1つの町丁目（大字）。"
        "CSV は UTF-8 または Shift_JIS。",
    )
