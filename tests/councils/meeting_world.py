"""Bodies of the test town with members, for the meeting tests (and the fuzz and browser
tests): a 第2層 body of 北部, a 第3層 body of 須佐 (北部) and of 旭 (南部), and the 第1層 body."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from chiiki.councils.models import Body, BodyKind, Layer, Membership
from chiiki.councils.services.bodies import body_create, membership_add

FOUNDED = dt.date(2018, 4, 1)


@dataclass
class Bodies:
    north: Body  # 第2層 北部
    susa: Body  # 第3層 須佐 (北部)
    asahi: Body  # 第3層 旭 (南部)
    city: Body  # 第1層
    members: dict[str, Membership]


def build_bodies(town) -> Bodies:
    m = town.municipality
    north = body_create(
        user=None,
        municipality=m,
        layer=Layer.LIFE_AREA,
        kind=BodyKind.SC_COUNCIL,
        name="北部地域ささえあい協議体",
        founded_on=FOUNDED,
        life_area=town.north,
        secretariat="北部地域包括支援センター",
    )
    susa = body_create(
        user=None,
        municipality=m,
        layer=Layer.DISTRICT,
        kind=BodyKind.SC_COUNCIL,
        name="須佐地区ささえあい協議体",
        founded_on=dt.date(2018, 6, 1),
        district=town.n1,
    )
    asahi = body_create(
        user=None,
        municipality=m,
        layer=Layer.DISTRICT,
        kind=BodyKind.WELFARE_NETWORK,
        name="旭地区福祉ネットワーク会議",
        founded_on=FOUNDED,
        district=town.s1,
    )
    city = body_create(
        user=None,
        municipality=m,
        layer=Layer.MUNICIPALITY,
        kind=BodyKind.CARE_PROMOTION,
        name="萩市地域ケア推進会議",
        founded_on=FOUNDED,
    )
    members = {
        "chair": membership_add(
            user=None,
            body=north,
            name="山田 太郎",
            organisation_kind="neighbourhood",
            organisation_name="須佐町内会",
            role="会長",
            started_on=FOUNDED,
        ),
        "club": membership_add(
            user=None,
            body=north,
            name="佐藤 花子",
            organisation_kind="seniors_club",
            organisation_name="田万川老人クラブ",
            started_on=FOUNDED,
        ),
        "post": membership_add(
            user=None,
            body=north,
            name="鈴木 一郎",
            organisation_kind="post_office",
            organisation_name="須佐郵便局",
            started_on=dt.date(2019, 4, 1),
        ),
        "left": membership_add(
            user=None,
            body=north,
            name="高橋 次郎",
            organisation_kind="police_box",
            organisation_name="須佐駐在所",
            started_on=FOUNDED,
        ),
    }
    # The police officer moved away at the end of the first fiscal year (membership_end
    # wants a signed-in user; the fixture is the system's).
    Membership.objects.filter(pk=members["left"].pk).update(ended_on=dt.date(2019, 3, 31))
    members["left"].refresh_from_db()
    for body, names in ((susa, ("伊藤 三郎", "渡辺 春子")), (asahi, ("中村 四郎", "小林 夏子"))):
        for n, name in enumerate(names):
            members[name] = membership_add(
                user=None,
                body=body,
                name=name,
                organisation_kind=("welfare_commissioner", "salon")[n],
                started_on=FOUNDED,
            )
    members["city"] = membership_add(
        user=None,
        body=city,
        name="加藤 秋子",
        organisation_kind="social_welfare_council",
        started_on=FOUNDED,
    )
    return Bodies(north=north, susa=susa, asahi=asahi, city=city, members=members)
