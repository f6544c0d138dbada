from __future__ import annotations

from typing import Any, cast

from django import forms

from chiiki.core.bounds import CAPACITY, DATE, YEN
from chiiki.core.validators import date_validators
from chiiki.resources import taxonomy
from chiiki.resources.calendar import WEEKDAY_LABELS, WEEKDAYS
from chiiki.resources.models import SERVICE_STATUSES, ScheduleKind


class SearchForm(forms.Form):
    q = forms.CharField(label="キーワード", required=False, max_length=100)
    category = forms.ChoiceField(label="種類", required=False)
    district = forms.TypedChoiceField(label="地区", required=False, coerce=int, empty_value=None)
    weekday = forms.ChoiceField(
        label="曜日",
        required=False,
        choices=[("", "すべて"), *zip(WEEKDAYS, [f"{w}曜日" for w in WEEKDAY_LABELS], strict=True)],
    )
    time = forms.TimeField(
        label="時刻", required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    pickup = forms.BooleanField(label="送迎あり", required=False)
    free = forms.BooleanField(label="無料", required=False)

    def __init__(self, *args: Any, districts: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        category = cast(forms.ChoiceField, self.fields["category"])
        category.choices = [("", "すべて"), *taxonomy.categories().choices()]
        district = cast(forms.ChoiceField, self.fields["district"])
        district.choices = [("", "すべて")] + [(d.pk, d.name) for d in districts]


class DistrictProfileForm(forms.Form):
    good_points = forms.CharField(
        label="地域のええとこ（良いところ）",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    problems = forms.CharField(
        label="地域のいかんとこ（困りごと・課題）",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


# --- the directory by hand ----------------------------------------------------------------

_TEXTAREA = {"rows": 3}


def _date_input() -> forms.DateInput:
    return forms.DateInput(
        attrs={"type": "date", "min": DATE.low.isoformat(), "max": DATE.high.isoformat()},
        format="%Y-%m-%d",
    )


def _date_field(label: str, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=_date_input(),
        validators=date_validators(label),
        **kwargs,
    )


def _time_input() -> forms.TimeInput:
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class OrganizationForm(forms.Form):
    name = forms.CharField(label="名称", max_length=200)
    provider_kind = forms.ChoiceField(label="提供主体")
    description = forms.CharField(
        label="説明", required=False, max_length=2000, widget=forms.Textarea(attrs=_TEXTAREA)
    )
    email = forms.EmailField(label="メール", required=False)
    website = forms.URLField(label="ウェブサイト", required=False, assume_scheme="https")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = cast(forms.ChoiceField, self.fields["provider_kind"])
        kind.choices = taxonomy.provider_kinds().choices()


class ServiceForm(forms.Form):
    """A service as a coordinator types it; the fee is one option (1回), the phone the
    service's own first one, each changed only when its box was changed."""

    name = forms.CharField(label="名称", max_length=200)
    alternate_name = forms.CharField(label="別名・通称", max_length=200, required=False)
    organization: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="提供団体", queryset=None
    )
    district: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="地区", queryset=None, required=False
    )
    description = forms.CharField(
        label="内容", required=False, max_length=4000, widget=forms.Textarea(attrs=_TEXTAREA)
    )
    categories = forms.MultipleChoiceField(
        label="種類", required=False, widget=forms.CheckboxSelectMultiple
    )
    sogo_type = forms.ChoiceField(label="総合事業の類型", required=False)
    status = forms.ChoiceField(
        label="状態",
        choices=list(SERVICE_STATUSES.items()),
        initial="active",
        help_text="終わったサービスは削除せず「終了」にします（地域課題や事例から参照されるため）",
    )
    capacity = forms.IntegerField(
        label="定員（人）", required=False, min_value=CAPACITY.low, max_value=CAPACITY.high
    )
    eligibility_description = forms.CharField(
        label="利用できる人",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs=_TEXTAREA),
    )
    fee_amount = forms.IntegerField(
        label="利用料（1回・円）",
        required=False,
        min_value=YEN.low,
        max_value=YEN.high,
        help_text="無料は 0。空欄は「利用料」欄の説明だけ",
    )
    fees_description = forms.CharField(
        label="利用料について",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs=_TEXTAREA),
    )
    pickup = forms.BooleanField(label="送迎あり", required=False)
    pickup_note = forms.CharField(label="送迎について", required=False, max_length=2000)
    phone = forms.CharField(label="電話番号", required=False, max_length=30)
    url = forms.URLField(label="URL", required=False, assume_scheme="https")
    email = forms.EmailField(label="メール", required=False)
    closed_on_holidays = forms.BooleanField(label="祝日は休み", required=False, initial=True)
    closed_year_end = forms.BooleanField(label="年末年始（12/29〜1/3）は休み", required=False)

    def __init__(
        self,
        *args: Any,
        organizations: Any,
        districts: Any,
        whole_municipality: bool,
        fee_note: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        org = cast(forms.ModelChoiceField, self.fields["organization"])
        org.queryset = organizations
        district = cast(forms.ModelChoiceField, self.fields["district"])
        district.queryset = districts
        district.label_from_instance = lambda d: f"{d.life_area.name} / {d.name}"  # type: ignore[method-assign,assignment]
        if whole_municipality:
            district.empty_label = "（市町村全域・地区なし）"
        else:
            district.required = True
            district.help_text = "担当の圏域の地区から選びます"
        cats = cast(forms.MultipleChoiceField, self.fields["categories"])
        cats.choices = taxonomy.categories().choices()
        sogo = cast(forms.ChoiceField, self.fields["sogo_type"])
        sogo.choices = [("", "（該当なし）"), *taxonomy.sogo_types().choices()]
        if fee_note:
            self.fields[
                "fee_amount"
            ].help_text = f"いまの料金: {fee_note}。入力するとこの1つの料金（1回）に置き換わります"

    @staticmethod
    def initial_of(service: Any, *, fee: Any, phone: str) -> dict[str, Any]:
        return {
            **{
                name: getattr(service, name)
                for name in (
                    "name",
                    "alternate_name",
                    "description",
                    "sogo_type",
                    "status",
                    "capacity",
                    "eligibility_description",
                    "fees_description",
                    "pickup",
                    "pickup_note",
                    "url",
                    "email",
                    "closed_on_holidays",
                    "closed_year_end",
                )
            },
            "organization": service.organization_id,
            "district": service.district_id,
            "categories": service.categories,
            "fee_amount": fee if isinstance(fee, int) else None,
            "phone": phone,
        }

    def changes(self, *, creating: bool) -> dict[str, Any]:
        """The cleaned values; on an edit, the fee and phone only when changed."""
        data = dict(self.cleaned_data)
        organization = data.pop("organization")
        if not creating:
            for name in ("fee_amount", "phone"):
                if name not in self.changed_data:
                    data.pop(name)
        return {"organization": organization, **data}


class LocationForm(forms.Form):
    name = forms.CharField(label="場所の名前", max_length=200, help_text="例: 旭公民館")
    district: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="地区", queryset=None, required=False
    )
    postal_code = forms.CharField(label="郵便番号", max_length=10, required=False)
    state_province = forms.CharField(label="都道府県", max_length=20, required=False)
    city = forms.CharField(label="市区町村", max_length=60, required=False)
    address_1 = forms.CharField(label="住所（町名・番地）", max_length=200, required=False)
    description = forms.CharField(
        label="説明", required=False, max_length=2000, widget=forms.Textarea(attrs=_TEXTAREA)
    )

    def __init__(self, *args: Any, districts: Any, whole_municipality: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        district = cast(forms.ModelChoiceField, self.fields["district"])
        district.queryset = districts
        district.label_from_instance = lambda d: f"{d.life_area.name} / {d.name}"  # type: ignore[method-assign,assignment]
        if whole_municipality:
            district.empty_label = "（地区なし）"
        else:
            district.required = True


class LocationLinkForm(forms.Form):
    location: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="登録済みの場所", queryset=None
    )

    def __init__(self, *args: Any, locations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["location"])
        field.queryset = locations
        field.label_from_instance = lambda loc: (  # type: ignore[method-assign,assignment]
            f"{loc.name}（{loc.district.name if loc.district else '地区なし'}）"
        )


FREQ_CHOICES = [("WEEKLY", "毎週"), ("MONTHLY", "毎月"), ("", "この日だけ（1回）")]
WEEK_CHOICES = [
    ("1", "第1"),
    ("2", "第2"),
    ("3", "第3"),
    ("4", "第4"),
    ("5", "第5"),
    ("-1", "最終"),
]
WEEKDAY_CHOICES = list(zip(WEEKDAYS, WEEKDAY_LABELS, strict=True))
_WIDE_DIGITS = str.maketrans("０１２３４５６７８９，、－ー−", "0123456789,,---")


class ScheduleForm(forms.Form):
    """One schedule of a service, by kind: opening hours (a weekly or monthly pattern, or one
    day), an event on top, or a closure (休み) from one date to another.

    Weekdays and week numbers make the RFC 5545 BYDAY: 毎週 火・金 is ``TU,FR``; 毎月 第2・第4
    火 is ``2TU,4TU``. The model (and the calendar engine behind it) judges the rule.
    """

    kind = forms.ChoiceField(choices=ScheduleKind.choices, widget=forms.HiddenInput)
    freq = forms.ChoiceField(
        label="繰り返し", choices=FREQ_CHOICES, required=False, initial="WEEKLY"
    )
    interval = forms.IntegerField(
        label="間隔",
        min_value=1,
        max_value=99,
        initial=1,
        required=False,
        help_text="1 は毎週（毎月）、2 は隔週（2か月ごと）",
    )
    weekdays = forms.MultipleChoiceField(
        label="曜日", choices=WEEKDAY_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    weeks = forms.MultipleChoiceField(
        label="第何週（毎月のとき）",
        choices=WEEK_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    bymonthday = forms.CharField(
        label="日付（毎月のとき）",
        required=False,
        max_length=60,
        help_text="例: 1,15（末日は -1）",
    )
    dtstart = _date_field("開始日", help_text="1回だけのときはその日。隔週はこの日の週から数えます")
    opens_at = forms.TimeField(label="開始時刻", required=False, widget=_time_input())
    closes_at = forms.TimeField(label="終了時刻", required=False, widget=_time_input())
    valid_from = _date_field("有効期間（から）")
    valid_to = _date_field("有効期間（まで）")
    description = forms.CharField(label="メモ", required=False, max_length=300)
    notes = forms.CharField(label="備考", required=False, max_length=2000)

    # The fields each kind shows; the others keep what is stored.
    FIELDS = {
        ScheduleKind.OPEN: (
            "kind",
            "freq",
            "interval",
            "weekdays",
            "weeks",
            "bymonthday",
            "dtstart",
            "opens_at",
            "closes_at",
            "valid_from",
            "valid_to",
            "description",
            "notes",
        ),
        ScheduleKind.EVENT: (
            "kind",
            "description",
            "freq",
            "interval",
            "weekdays",
            "weeks",
            "bymonthday",
            "dtstart",
            "opens_at",
            "closes_at",
            "valid_from",
            "valid_to",
            "notes",
        ),
        ScheduleKind.CLOSED: ("kind", "valid_from", "valid_to", "description", "notes"),
    }

    def __init__(self, *args: Any, kind: str, for_preview: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.schedule_kind = ScheduleKind(kind)
        self.fields["kind"].initial = self.schedule_kind.value
        for name in list(self.fields):
            if name not in self.FIELDS[self.schedule_kind]:
                del self.fields[name]
        if self.schedule_kind == ScheduleKind.EVENT:
            self.fields["description"].label = "催しの名前"
            # The preview needs the dates, not yet the name.
            self.fields["description"].required = not for_preview
        elif self.schedule_kind == ScheduleKind.CLOSED:
            for name, label in (("valid_from", "休みの初日"), ("valid_to", "休みの最終日")):
                self.fields[name].label = label
                self.fields[name].validators = cast(list[Any], date_validators(label))
            self.fields["valid_from"].required = True
            self.fields["valid_to"].help_text = "1日だけなら空欄"
            self.fields["description"].label = "理由"
            self.fields["description"].help_text = "例: 年始休業、会場の点検"
        # Order as the kind lists them.
        self.order_fields(list(self.FIELDS[self.schedule_kind]))

    @staticmethod
    def initial_of(schedule: Any) -> dict[str, Any]:
        """The form's values for a stored schedule (BYDAY split into weekdays and weeks)."""
        weekdays: list[str] = []
        weeks: list[str] = []
        for code in (c.strip().upper() for c in schedule.byday.split(",") if c.strip()):
            day, nth = code[-2:], code[:-2]
            if day not in weekdays:
                weekdays.append(day)
            if nth and nth not in weeks:
                weeks.append(nth)
        return {
            "kind": schedule.kind,
            "freq": schedule.freq,
            "interval": schedule.interval,
            "weekdays": [d for d in WEEKDAYS if d in weekdays],
            "weeks": [w for w, _ in WEEK_CHOICES if w in weeks],
            **{
                name: getattr(schedule, name)
                for name in (
                    "bymonthday",
                    "dtstart",
                    "opens_at",
                    "closes_at",
                    "valid_from",
                    "valid_to",
                    "description",
                    "notes",
                )
            },
        }

    def clean_bymonthday(self) -> str:
        text = (self.cleaned_data.get("bymonthday") or "").translate(_WIDE_DIGITS)
        parts = [p.strip() for p in text.split(",") if p.strip()]
        for part in parts:
            try:
                int(part)
            except ValueError:
                raise forms.ValidationError(
                    f"「{part}」は日付の数字です（例: 1,15。末日は -1）"
                ) from None
        return ",".join(parts)

    def values(self) -> dict[str, Any]:
        """The schedule's model fields from what was typed."""
        data = self.cleaned_data
        if self.schedule_kind == ScheduleKind.CLOSED:
            return {
                "kind": self.schedule_kind.value,
                "freq": "",
                "byday": "",
                "bymonthday": "",
                "dtstart": None,
                "valid_from": data.get("valid_from"),
                "valid_to": data.get("valid_to"),
                "description": data.get("description") or "",
                "notes": data.get("notes") or "",
            }
        freq = data.get("freq") or ""
        weekdays = [d for d in WEEKDAYS if d in (data.get("weekdays") or [])]
        weeks = data.get("weeks") or []
        if freq == "MONTHLY" and weeks:
            byday = ",".join(f"{w}{d}" for w in weeks for d in weekdays)
        else:
            byday = ",".join(weekdays) if freq else ""
        return {
            "kind": self.schedule_kind.value,
            "freq": freq,
            "interval": data.get("interval") or 1,
            "byday": byday,
            "bymonthday": (data.get("bymonthday") or "") if freq == "MONTHLY" else "",
            "dtstart": data.get("dtstart"),
            "opens_at": data.get("opens_at"),
            "closes_at": data.get("closes_at"),
            "valid_from": data.get("valid_from"),
            "valid_to": data.get("valid_to"),
            "description": data.get("description") or "",
            "notes": data.get("notes") or "",
        }

    def add_model_errors(self, errors: dict[str, list[str]]) -> None:
        """A refusal of the model or engine, on the field it names (else above the form)."""
        for name, messages in errors.items():
            target = {"byday": "weekdays", "freq": "freq", "count": None, "until": None}.get(
                name, name
            )
            self.add_error(target if target in self.fields else None, messages)
