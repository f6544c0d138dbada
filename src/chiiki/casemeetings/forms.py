"""Forms of community care meetings: a series, a meeting, an invitation, opening a case, the
review sheet, a plan task, closing, evaluation, promotion and a policy."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from chiiki.areas.models import Sex
from chiiki.casemeetings import vocab
from chiiki.casemeetings.models import (
    DEFAULT_SLOTS,
    Focus,
    Function,
    Kind,
    Outcome,
    PolicyStatus,
    Stage,
    TaskKind,
)
from chiiki.core.bounds import AGE
from chiiki.core.validators import date_validators, int_validators
from chiiki.people.models import CareLevel


def _date(label: str, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=date_validators(label),
    )


def _text(
    label: str, max_length: int, *, rows: int = 3, required: bool = False, help_text: str = ""
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


class SeriesForm(forms.Form):
    kind = forms.ChoiceField(label="種別", choices=Kind.choices)
    focus = forms.ChoiceField(label="対象", choices=Focus.choices)
    name = forms.CharField(label="会議名", max_length=120)
    host = forms.CharField(label="主催", max_length=120, help_text="例: 北部地域包括支援センター")
    life_area = forms.TypedChoiceField(
        label="日常生活圏域", required=False, coerce=int, empty_value=None
    )
    schedule = forms.CharField(
        label="開催の予定", max_length=120, required=False, help_text="例: 毎月第2火曜 13:30〜15:00"
    )
    meetings_per_year = forms.IntegerField(
        label="年間の開催回数", min_value=1, max_value=130, initial=12
    )
    minutes_per_meeting = forms.IntegerField(
        label="1回の時間（分）", min_value=10, max_value=600, initial=90
    )
    cases_per_meeting = forms.IntegerField(
        label="1回の事例数", min_value=1, max_value=20, initial=4
    )
    slot_presenting = forms.IntegerField(
        label="1事例の時間: 事例の説明（分）",
        min_value=0,
        max_value=240,
        initial=DEFAULT_SLOTS["presenting"],
    )
    slot_plan = forms.IntegerField(
        label="1事例の時間: 事業所のプラン説明（分）",
        min_value=0,
        max_value=240,
        initial=DEFAULT_SLOTS["plan"],
    )
    slot_advice = forms.IntegerField(
        label="1事例の時間: 質疑・助言（分）",
        min_value=0,
        max_value=240,
        initial=DEFAULT_SLOTS["advice"],
    )
    slot_summary = forms.IntegerField(
        label="1事例の時間: まとめ（分）",
        min_value=0,
        max_value=240,
        initial=DEFAULT_SLOTS["summary"],
    )
    professions = forms.MultipleChoiceField(
        label="参加職種", required=False, widget=forms.CheckboxSelectMultiple
    )
    functions = forms.MultipleChoiceField(
        label="会議の機能",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=Function.choices,
    )

    def __init__(self, *args: Any, life_areas: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.life_areas = {la.pk: la for la in life_areas}
        field = self.fields["life_area"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "市町村全体"), *((la.pk, la.name) for la in life_areas)]
        professions = self.fields["professions"]
        assert isinstance(professions, forms.MultipleChoiceField)
        professions.choices = vocab.professions().choices()

    def values(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "kind": d["kind"],
            "focus": d["focus"],
            "name": d["name"],
            "host": d["host"],
            "life_area": self.life_areas.get(d["life_area"]) if d["life_area"] else None,
            "schedule": d["schedule"],
            "meetings_per_year": d["meetings_per_year"],
            "minutes_per_meeting": d["minutes_per_meeting"],
            "cases_per_meeting": d["cases_per_meeting"],
            "slots": {k: d[f"slot_{k}"] for k in DEFAULT_SLOTS},
            "professions": d["professions"],
            "functions": d["functions"],
        }


class MeetingForm(forms.Form):
    held_on = _date("開催日")
    starts_at = forms.TimeField(
        label="開始時刻", initial=dt.time(13, 30), widget=forms.TimeInput(attrs={"type": "time"})
    )
    place = forms.CharField(label="会場", max_length=120, required=False)


class InviteForm(forms.Form):
    invitee = forms.TypedChoiceField(label="参加者", coerce=int)
    profession = forms.ChoiceField(label="職種")
    organisation = forms.CharField(label="所属", max_length=120, required=False)

    def __init__(self, *args: Any, users: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.users = {u.pk: u for u in users}
        invitee = self.fields["invitee"]
        assert isinstance(invitee, forms.TypedChoiceField)
        invitee.choices = [(u.pk, f"{u}（{u.role_label}）") for u in users]
        profession = self.fields["profession"]
        assert isinstance(profession, forms.ChoiceField)
        profession.choices = vocab.professions().choices()


class CaseOpenForm(forms.Form):
    number = forms.CharField(
        label="事例番号", max_length=40, help_text="市町村の記録での番号（例: N-2025-012）"
    )
    person = forms.TypedChoiceField(
        label="本人",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="担当圏域の住民から選びます。選ばないときは地区・年齢などを入れます",
    )
    district = forms.TypedChoiceField(label="地区", required=False, coerce=int, empty_value=None)
    age = forms.IntegerField(label="年齢", required=False, validators=int_validators(AGE, "年齢"))
    sex = forms.ChoiceField(label="性別", choices=[("", "—"), *Sex.choices], required=False)
    care_level = forms.ChoiceField(label="要介護度", choices=CareLevel.choices)
    goal = forms.CharField(
        label="目標（本人の言葉で）",
        max_length=400,
        required=False,
        help_text="例: 「サロンに通えるようになる」",
    )
    mid_due_on = _date("中間の検討の予定日")
    closing_due_on = _date("終了前の検討の予定日")

    def __init__(self, *args: Any, people: list[Any], districts: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {p.pk: p for p in people}
        self.districts = {d.pk: d for d in districts}
        person = self.fields["person"]
        assert isinstance(person, forms.TypedChoiceField)
        person.choices = [
            ("", "—（本人を選ばない）"),
            *((p.pk, f"{p.family_name} {p.given_name}（{p.district.name}）") for p in people),
        ]
        district = self.fields["district"]
        assert isinstance(district, forms.TypedChoiceField)
        district.choices = [
            ("", "—"),
            *((d.pk, f"{d.life_area.name} / {d.name}") for d in districts),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("person") is None:
            for name, label in (("district", "地区"), ("age", "年齢"), ("sex", "性別")):
                if data.get(name) in (None, ""):
                    self.add_error(name, f"本人を選ばないときは{label}を入れてください")
        return data


class ReviewForm(forms.Form):
    present_state = _text("① 現状分析: 今の状態と、なぜそうなったのか", 4000, rows=4)
    goal = _text(
        "② 目標: 本人が望む暮らし（本人の言葉で）",
        1000,
        rows=2,
        help_text="例: 「サロンに通えるようになる」「自宅のお風呂に入れるようになる」",
    )
    real_issue = _text("③ 本当の課題: 目標と今の状態の差", 2000)
    can_solve = _text("④ 本当に解決できますか: 提案のサービスで、その差を埋められるか", 2000)
    advice = _text("専門職からの助言", 4000)
    tags = forms.MultipleChoiceField(
        label="課題の種（地域課題につながる種）",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    no_seed = forms.BooleanField(label="課題の種は「なし」", required=False)
    result = forms.ChoiceField(
        label="この時点の結果", required=False, choices=[("", "—"), *Outcome.choices]
    )

    def __init__(self, *args: Any, tags: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["tags"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = tags


class TaskForm(forms.Form):
    kind = forms.ChoiceField(label="種類", choices=TaskKind.choices)
    text = forms.CharField(label="内容", max_length=400)
    service = forms.TypedChoiceField(
        label="地域資源（名簿から）", required=False, coerce=int, empty_value=None
    )
    role = forms.ChoiceField(label="役割（職種）")
    owner = forms.CharField(label="担当者", max_length=80, help_text="役割を担う人・事業所")
    due_on = _date("期限")
    target = forms.CharField(label="1か月後の目標", max_length=400)

    def __init__(self, *args: Any, services: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.services = {s.pk: s for s in services}
        field = self.fields["service"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "—"), *((s.pk, s.name) for s in services)]
        role = self.fields["role"]
        assert isinstance(role, forms.ChoiceField)
        role.choices = [*vocab.professions().choices(), ("self", "本人・家族")]


class AddReviewForm(forms.Form):
    meeting = forms.TypedChoiceField(label="会議", coerce=int)
    stage = forms.ChoiceField(
        label="段階", choices=[(Stage.MID, Stage.MID.label), (Stage.CLOSING, Stage.CLOSING.label)]
    )

    def __init__(self, *args: Any, meetings: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.meetings = {m.pk: m for m in meetings}
        field = self.fields["meeting"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(m.pk, f"{m.held_on:%Y-%m-%d} {m.series.name}") for m in meetings]


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label="結果", choices=[c for c in Outcome.choices if c[0] != Outcome.ONGOING]
    )
    outcome_key = _text("成功の鍵、またはうまくいかなかった理由", 2000, required=True)
    closed_on = _date("終了日")


class EvaluationForm(forms.Form):
    purpose_shared = forms.BooleanField(
        label="会議の目的（その人の普通の暮らしを取り戻す）を共有できた", required=False
    )
    issues_drawn = forms.BooleanField(
        label="個別の事例から地域課題（課題の種）を抽出できた", required=False
    )
    followups_kept = forms.BooleanField(
        label="前回までの事例のフォローアップを確認した", required=False
    )
    evaluation = _text("振り返り（よかった点・次回への改善）", 4000, rows=3)
    evaluated_on = _date("評価日")


class PromoteForm(forms.Form):
    tag = forms.CharField(widget=forms.HiddenInput, max_length=40)
    title = forms.CharField(
        label="地域課題の名称",
        max_length=200,
        required=False,
        help_text="空欄のときは課題の種の名前",
    )
    description = _text("内容", 8000, rows=2)


class PolicyForm(forms.Form):
    title = forms.CharField(label="施策", max_length=200)
    description = _text("内容", 4000, rows=3)
    status = forms.ChoiceField(label="状況", choices=PolicyStatus.choices)
    proposed_on = _date("提案日")
    plan_reference = forms.CharField(
        label="計画・予算での位置づけ",
        max_length=200,
        required=False,
        help_text="例: 第9期介護保険事業計画 施策3-2",
    )


class ItemForm(forms.Form):
    issue = forms.TypedChoiceField(label="地域課題（事例とつながるもの）", coerce=int)
    note = _text("検討の内容", 4000, rows=2)

    def __init__(self, *args: Any, issues: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.issues = {i.pk: i for i in issues}
        field = self.fields["issue"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(i.pk, i.title) for i in issues]
