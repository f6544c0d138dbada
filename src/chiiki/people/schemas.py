from __future__ import annotations

import datetime as dt

from ninja import Schema


class PersonOut(Schema):
    id: int
    family_name: str
    given_name: str
    family_kana: str
    given_kana: str
    sex: str
    birth_date: dt.date
    district_id: int
    district: str
    life_area: str
    lives_alone: bool
    is_volunteer: bool
    # 要配慮個人情報: null unless the user's role may see health data.
    care_level: str | None = None
    insured_number: str | None = None


class PersonDetailOut(PersonOut):
    address: str
    phone: str
