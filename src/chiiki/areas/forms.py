from __future__ import annotations

from django import forms


class PopulationImportForm(forms.Form):
    file = forms.FileField(
        label="人口ファイル（CSV または Excel）",
        help_text="列: 地区, 基準日, 性別, 年齢階級, 人数。CSV は UTF-8 または Shift_JIS。",
    )
