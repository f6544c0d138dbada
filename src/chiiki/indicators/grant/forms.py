"""The form of one answer: はい・一部・いいえ, a note, and the records picked as evidence from
the year's candidates (posted as ``kind:id``)."""

from __future__ import annotations

from typing import Any

from django import forms

from chiiki.indicators.grant.catalog import EVIDENCE_KINDS, Indicator
from chiiki.indicators.grant.evidence import Candidate
from chiiki.indicators.models import GrantAnswerChoice


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label="回答",
        choices=GrantAnswerChoice.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "「回答」を「はい」「一部」「いいえ」から選んでください",
            "invalid_choice": "「回答」は「はい」「一部」「いいえ」のいずれかです（%(value)s は選べません）",
        },
    )
    note = forms.CharField(
        label="メモ",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "max_length": "「メモ」は %(limit_value)d 文字以内です（%(show_value)d 文字）"
        },
    )
    evidence = forms.MultipleChoiceField(
        label="根拠（この年度の記録から選ぶ）",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "「根拠」の %(value)s はこの年度の候補にありません。一覧から選んでください",
        },
    )

    def __init__(
        self,
        *args: Any,
        indicator: Indicator,
        candidates: dict[str, list[Candidate]],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("auto_id", f"{indicator.id}-%s")
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        field = self.fields["evidence"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [
            (
                EVIDENCE_KINDS[kind],
                [
                    (c.key, f"{c.on:%Y-%m-%d} {c.label}" if c.on else c.label)
                    for c in candidates.get(kind, [])
                ],
            )
            for kind in indicator.evidence
        ]

    def picks(self) -> list[tuple[str, int]]:
        """The chosen ``kind:id`` values as pairs (the choices already vouch for them)."""
        out: list[tuple[str, int]] = []
        for value in self.cleaned_data.get("evidence", []):
            kind, _, rid = str(value).partition(":")
            out.append((kind, int(rid)))
        return out
