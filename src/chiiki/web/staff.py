"""The administrator's pages for their municipality's logins: who may sign in, with which
role and which life areas (Django's admin is the operator's alone)."""

from __future__ import annotations

from typing import Any

from django import forms

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.accounts.models import Role, User
from chiiki.accounts.services import ASSIGNABLE_ROLES
from chiiki.areas.models import LifeArea
from chiiki.people.models import Person


def staff_form_choices(
    *, user: User, editing: User | None = None
) -> tuple[list[LifeArea], list[Person]]:
    """The administrator's life areas, and the volunteers who may be given a login (those
    without one, and the one the edited login already has); the names shown are audited."""
    areas = list(access.visible(user, Cap.USERS_MANAGE, LifeArea.objects.order_by("order", "code")))
    free = Person.objects.current().filter(volunteer__isnull=False, user__isnull=True)
    if editing is not None and editing.person_id:
        free = free | Person.objects.filter(pk=editing.person_id)
    volunteers = access.read_rows(
        user,
        Cap.USERS_MANAGE,
        free.order_by("family_kana", "given_kana"),
        what="ボランティアの選択肢",
        limit=500,
    )
    return areas, volunteers


class StaffForm(forms.Form):
    username = forms.RegexField(
        label="ユーザー名",
        regex=r"^[A-Za-z0-9._-]{3,40}$",
        error_messages={"invalid": "半角英数字と . _ - で3〜40文字にしてください"},
    )
    display_name = forms.CharField(label="表示名", max_length=60, required=False)
    role = forms.ChoiceField(label="役割")
    life_areas = forms.MultipleChoiceField(
        label="担当圏域", required=False, widget=forms.CheckboxSelectMultiple
    )
    person = forms.TypedChoiceField(
        label="本人の記録（ボランティアのみ）", required=False, coerce=int, empty_value=None
    )
    support_center = forms.CharField(
        label="所属（地域包括支援センター）",
        max_length=100,
        required=False,
        help_text="例: 萩市中央地域包括支援センター、萩市社会福祉協議会",
    )
    email = forms.EmailField(label="メール", required=False, max_length=254)
    is_active = forms.BooleanField(
        label="ログインできる",
        required=False,
        initial=True,
        help_text="外すとログインもAPIトークンも使えなくなります。消さないので、監査ログには名前が残ります。",
    )
    password = forms.CharField(
        label="パスワード", required=False, widget=forms.PasswordInput, strip=False, max_length=128
    )

    def __init__(
        self,
        *args: Any,
        areas: list[LifeArea],
        volunteers: list[Person],
        creating: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.areas = {str(a.pk): a for a in areas}
        self.volunteers = {p.pk: p for p in volunteers}
        role = self.fields["role"]
        assert isinstance(role, forms.ChoiceField)
        role.choices = [(r, Role(r).label) for r in ASSIGNABLE_ROLES]
        la = self.fields["life_areas"]
        assert isinstance(la, forms.MultipleChoiceField)
        la.choices = [(str(a.pk), a.name) for a in areas]
        la.help_text = "地域包括支援センター職員・生活支援コーディネーターは担当圏域の人だけを見ます（未設定なら誰も見えません）。管理者・市町村職員は未設定なら市町村全体です。"
        person = self.fields["person"]
        assert isinstance(person, forms.TypedChoiceField)
        person.choices = [("", "—"), *((p.pk, f"{p.name}（{p.kana}）") for p in volunteers)]
        if creating:
            self.fields["password"].label = "パスワード（空欄なら自動で作ります）"
            self.fields[
                "password"
            ].help_text = "8文字以上。空欄にすると作ったパスワードを一度だけ表示します。"
        else:
            del self.fields["username"]
            self.fields["password"].label = "新しいパスワード（変えるときだけ）"

    def chosen_areas(self) -> list[LifeArea]:
        return [self.areas[k] for k in self.cleaned_data.get("life_areas", []) if k in self.areas]

    def chosen_person(self) -> Person | None:
        pk = self.cleaned_data.get("person")
        return self.volunteers.get(pk) if pk is not None else None


class StaffImportForm(forms.Form):
    file = forms.FileField(
        label="職員の一覧（CSV または Excel）",
        help_text="列: ログインID, 氏名, 役割（必須）, 圏域, 所属（地域包括支援センター）, メール, "
        "有効。1行に1人。CSV は UTF-8 または Shift_JIS。",
    )
