"""Demo data for this module: a resource directory for the demo municipality (idempotent).

A few hundred synthetic services across the guide's categories and the municipality's
districts, with the café of the guide (国東市, 「2019年 1月 カフェ カレンダー」) among them,
so that its January 2019 calendar can be printed as the guide shows it. Everything comes
from the seed: the same seed gives the same directory, ids included. Contacts are
offices (事務局, 窓口), never named persons.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid

from chiiki.areas.models import District, Municipality
from chiiki.resources import hsds
from chiiki.resources.models import Service
from chiiki.resources.services import directory_import, district_profile_store
from chiiki.resources.taxonomy import NAMESPACE

CAFE_ID = str(uuid.uuid5(NAMESPACE, "demo/guide-cafe"))
CAFE_NAME = "ちょい寄りカフェ"

# (category, name pattern, provider kind, 総合事業 type, pickup chance, fee yen or None)
KINDS: list[tuple[str, tuple[str, ...], str, str, float, int | None]] = [
    (
        "kayoi",
        ("{town}ふれあいサロン", "茶話会「{town}」", "{town}いきいきサロン"),
        "jumin",
        "tsusho_b",
        0.3,
        100,
    ),
    ("taiso", ("いきいき百歳体操 {town}会場",), "jumin", "", 0.1, 0),
    ("shokuji", ("{town}ふれあい食事会", "配食サービス {district}"), "shakyo", "", 0.4, 500),
    (
        "ido",
        ("おでかけ号（{district}移動支援）", "通院・買い物送迎 {district}"),
        "npo",
        "homon_d",
        1.0,
        200,
    ),
    (
        "kaimono",
        ("移動販売「とくし丸」{district}便", "買い物支援サービス {district}"),
        "minkan",
        "",
        0.0,
        0,
    ),
    ("mimamori", ("{district}見守りネットワーク", "{town}安否確認訪問"), "jumin", "", 0.0, 0),
    ("kaji", ("{district}ちょい加勢（家事援助）",), "jumin", "homon_b", 0.0, 300),
    ("kusakari", ("{district}草刈り隊",), "jumin", "", 0.0, 600),
    ("hanashi", ("話し相手ボランティア {district}",), "jumin", "", 0.0, 0),
    ("ninchisho_cafe", ("オレンジカフェ {town}",), "kaigo_jigyosho", "", 0.2, 100),
    ("sodan", ("{district}福祉なんでも相談",), "shakyo", "", 0.0, 0),
    ("yobo", ("{town}介護予防教室", "元気アップ教室 {district}"), "gyosei", "tsusho_c", 0.3, 0),
]
HOURS = [((10, 0), (12, 0)), ((13, 30), (15, 30)), ((9, 30), (11, 30)), ((10, 0), (15, 0))]
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA"]


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _time(hm: tuple[int, int]) -> dt.time:
    return dt.time(*hm)


def _schedules(rng: random.Random, category: str) -> tuple[hsds.ScheduleRecord, ...]:
    if category in {"mimamori", "hanashi", "kaji", "kusakari", "kaimono"} and rng.random() < 0.4:
        # On request (申込制): no fixed opening hours.
        return ()
    if category == "sodan":
        return (
            hsds.ScheduleRecord(
                uuid=_uuid(rng),
                freq="WEEKLY",
                byday="MO,TU,WE,TH,FR",
                opens_at=dt.time(8, 30),
                closes_at=dt.time(17, 15),
            ),
        )
    opens, closes = rng.choice(HOURS)
    if rng.random() < 0.35:
        nth = rng.choice([("1", "3"), ("2", "4")])
        day = rng.choice(WEEKDAYS[:5])
        freq, byday = "MONTHLY", ",".join(f"{n}{day}" for n in nth)
    else:
        days = sorted(rng.sample(range(6), rng.choice([1, 1, 1, 2, 3])))
        freq, byday = "WEEKLY", ",".join(WEEKDAYS[d] for d in days)
    return (
        hsds.ScheduleRecord(
            uuid=_uuid(rng),
            freq=freq,
            byday=byday,
            opens_at=_time(opens),
            closes_at=_time(closes),
        ),
    )


def _cafe_schedules(ids: list[str]) -> tuple[hsds.ScheduleRecord, ...]:
    """The café's opening hours, events and closures of January 2019 (the guide's calendar)."""
    d = dt.date
    s = hsds.ScheduleRecord
    return (
        s(
            ids[3],
            "open",
            "WEEKLY",
            1,
            "TU,WE,FR,SA",
            opens_at=dt.time(8),
            closes_at=dt.time(12),
        ),
        s(
            ids[4],
            "open",
            dtstart=d(2019, 1, 20),
            opens_at=dt.time(13),
            closes_at=dt.time(15),
            notes="30分休憩",
        ),
        s(
            ids[5],
            "event",
            "MONTHLY",
            1,
            "1TH,2TH,3TH,4TH",
            description="★食事会（健康の話し会）",
        ),
        s(ids[6], "event", dtstart=d(2019, 1, 31), description="★送迎あり"),
        s(
            ids[7],
            "event",
            "WEEKLY",
            1,
            "TH",
            opens_at=dt.time(11, 45),
            description="★出張販売",
        ),
        s(
            ids[8],
            "event",
            dtstart=d(2019, 1, 20),
            opens_at=dt.time(6, 30),
            description="コーヒー",
        ),
        s(
            ids[9],
            "closed",
            valid_from=d(2018, 12, 31),
            valid_to=d(2018, 12, 31),
            description="年末休業",
        ),
        s(
            ids[10],
            "closed",
            valid_from=d(2019, 1, 2),
            valid_to=d(2019, 1, 5),
            description="年始休業",
        ),
    )


def guide_cafe(district: District, rng: random.Random) -> hsds.ServiceRecord:
    """The café of the guide: 週4日開催 (火・水・金・土 8:00~12:00); Thursday the meal
    gathering (健康の話し会) with the mobile shop at 11:45, 送迎 on the fifth Thursday;
    closed 12/31, 元日 and 1/2–1/5, Sundays, Mondays and public holidays; a special
    Sunday on 1/20 (コーヒー 6時半~, 13:00~15:00)."""
    ids = [str(uuid.uuid5(NAMESPACE, f"demo/guide-cafe/{n}")) for n in range(12)]
    town = district.name
    return hsds.ServiceRecord(
        uuid=CAFE_ID,
        name=CAFE_NAME,
        alternate_name="地域の居場所カフェ",
        description=(
            "住民が運営する気軽な居場所。週4日開催。週1日（木曜日）は送迎付きの食事会"
            "（健康の話し会）と体操。民間の移動販売と連携した出張販売があります。"
        ),
        organization=hsds.OrganizationRecord(
            uuid=ids[0],
            name=f"{town}地区 支え合いの会",
            description="住民主体の支え合い活動（居場所、ちょい加勢）",
            provider_kind="jumin",
        ),
        district_code=district.code,
        categories=("kayoi", "shokuji", "kaimono"),
        sogo_type="tsusho_b",
        capacity=30,
        eligibility_description="どなたでも利用できます",
        fees_description="コーヒー100円、食事会300円",
        pickup=True,
        pickup_note="毎週水曜日は送迎を利用できます（スタッフまたは事務局へ申込み）",
        closed_on_holidays=True,
        locations=(
            hsds.LocationRecord(
                uuid=ids[1],
                at_uuid=ids[2],
                name=f"{town}交流センター",
                address_1=f"{town}1234番地",
                city="萩市",
                state_province="山口県",
                postal_code="759-3411",
                district_code=district.code,
            ),
        ),
        schedules=_cafe_schedules(ids),
        contacts=(
            hsds.ContactRecord(
                uuid=ids[11],
                department="支え合いの会 事務局",
                phones=(hsds.PhoneRecord(_uuid(rng), "0838-78-0000"),),
            ),
        ),
        cost_options=(
            hsds.CostRecord(_uuid(rng), "コーヒー", 100),
            hsds.CostRecord(_uuid(rng), "食事会", 300),
        ),
        areas=(hsds.AreaRecord(_uuid(rng), district.name, district.code),),
    )


def records(municipality: Municipality, seed: int) -> list[hsds.ServiceRecord]:
    """The demo directory as records (deterministic from the seed)."""
    rng = random.Random(seed * 7 + 4)
    districts = list(District.objects.filter(municipality=municipality).order_by("order", "code"))
    if not districts:
        return []
    result: list[hsds.ServiceRecord] = [guide_cafe(districts[-1], rng)]
    seen: dict[str, int] = {}
    for district in districts:
        towns = [district.name, f"{district.name}東", f"{district.name}西"]
        neighbours = [n for n in districts if n.pk != district.pk]
        # A district with many kinds and one with few: gaps for the coverage page.
        richness = rng.uniform(0.5, 1.0)
        for category, names, kind, sogo, pickup_chance, fee in KINDS:
            if rng.random() > richness:
                continue
            for _ in range(rng.choice([1, 2, 2, 3, 3])):
                town = rng.choice(towns)
                name = rng.choice(names).format(town=town, district=district.name)
                # Two gatherings of one kind in one place are told apart as residents do.
                seen[name] = seen.get(name, 0) + 1
                if seen[name] > 1:
                    name = f"{name}（その{seen[name]}）"
                org_name = _org_name(kind, town, district, municipality)
                areas = [
                    district,
                    *rng.sample(neighbours, k=min(len(neighbours), rng.choice([0, 0, 1]))),
                ]
                place = rng.choice(["公民館", "集会所", "交流センター", "コミュニティセンター"])
                result.append(
                    _demo_service(
                        rng,
                        municipality=municipality,
                        district=district,
                        kind_row=(category, kind, sogo, pickup_chance, fee),
                        name=name,
                        town=town,
                        org_name=org_name,
                        areas=areas,
                        place=place,
                    )
                )
    return result


def _org_name(kind: str, town: str, district: District, municipality: Municipality) -> str:
    return {
        "jumin": f"{town}支え合いの会",
        "shakyo": f"{municipality.name}社会福祉協議会",
        "npo": f"NPO法人 {district.name}くらしサポート",
        "minkan": "株式会社ふれあい商店",
        "gyosei": f"{municipality.name} 地域包括支援センター",
        "kaigo_jigyosho": f"デイサービス{town}",
    }[kind]


def _demo_service(
    rng: random.Random,
    *,
    municipality: Municipality,
    district: District,
    kind_row: tuple[str, str, str, float, int | None],
    name: str,
    town: str,
    org_name: str,
    areas: list[District],
    place: str,
) -> hsds.ServiceRecord:
    """One generated service; the random draws keep their order, so the seed gives the
    same directory."""
    category, kind, sogo, pickup_chance, fee = kind_row
    org_id = str(uuid.uuid5(NAMESPACE, f"demo/{municipality.code}/org/{org_name}"))
    return hsds.ServiceRecord(
        uuid=_uuid(rng),
        name=name,
        organization=hsds.OrganizationRecord(
            uuid=org_id,
            name=org_name,
            description=f"{org_name}（{_kind_label(kind)}）",
            provider_kind=kind,
        ),
        description=f"{district.name}地区の{_label(category)}。{rng.choice(_NOTES[category])}",
        district_code=district.code,
        categories=(category,) + (("taiso",) if category == "kayoi" and rng.random() < 0.4 else ()),
        sogo_type=sogo if sogo and rng.random() < 0.5 else "",
        capacity=rng.choice([10, 15, 20, 30])
        if category in {"kayoi", "taiso", "yobo", "shokuji"}
        else None,
        eligibility_description=rng.choice(
            [
                "どなたでも",
                "おおむね65歳以上の方",
                "要支援・事業対象者の方",
                f"{district.name}地区にお住まいの方",
            ]
        ),
        fees_description="無料" if not fee else f"1回{fee}円",
        pickup=rng.random() < pickup_chance,
        closed_on_holidays=rng.random() < 0.85,
        closed_year_end=category in {"sodan", "yobo"} or rng.random() < 0.5,
        locations=(
            hsds.LocationRecord(
                uuid=_uuid(rng),
                at_uuid=_uuid(rng),
                name=f"{town}{place}",
                address_1=f"{town}{rng.randint(1, 999)}番地",
                city=municipality.name,
                state_province=municipality.prefecture.name,
                postal_code=f"758-{rng.randint(0, 9999):04d}",
                district_code=district.code,
            ),
        ),
        schedules=_schedules(rng, category),
        contacts=(
            hsds.ContactRecord(
                uuid=_uuid(rng),
                department=f"{org_name} 事務局",
                phones=(hsds.PhoneRecord(_uuid(rng), _phone(rng)),),
            ),
        ),
        phones=(hsds.PhoneRecord(_uuid(rng), _phone(rng)),),
        cost_options=((hsds.CostRecord(_uuid(rng), "1回", fee),) if fee is not None else ()),
        areas=tuple(hsds.AreaRecord(_uuid(rng), a.name, a.code) for a in areas),
    )


def _phone(rng: random.Random) -> str:
    return f"0838-{rng.randint(20, 29)}-{rng.randint(0, 9999):04d}"


def _kind_label(kind: str) -> str:
    from chiiki.resources.taxonomy import provider_kinds

    term = provider_kinds().get(kind)
    return term.name if term else kind


def _label(category: str) -> str:
    from chiiki.resources.taxonomy import categories

    term = categories().get(category)
    return term.name if term else category


_NOTES = {
    "kayoi": [
        "お茶を飲みながらおしゃべり。",
        "手芸や歌の会もあります。",
        "体操とおしゃべりの集いです。",
    ],
    "taiso": ["重りを使った体操を週1回。", "DVDを見ながら30分の体操。"],
    "shokuji": ["みんなで昼食をいただきます。", "お弁当を自宅まで届けます（見守りを兼ねます）。"],
    "ido": ["通院や買い物への送迎（要予約）。", "サロンへの送迎も行います。"],
    "kaimono": ["移動販売車が集会所前に来ます。", "買い物の代行をします。"],
    "mimamori": ["一人暮らしの方への声かけ訪問。", "新聞や郵便受けの様子で安否を確認します。"],
    "kaji": ["電球交換、ゴミ出しなど1時間以内のちょっとした困りごと。"],
    "kusakari": ["草刈り・草取り（1時間以内）。"],
    "hanashi": ["ご自宅を訪問してお話しします。", "電話での話し相手。"],
    "ninchisho_cafe": ["認知症の方とご家族、地域の方の集い。"],
    "sodan": ["暮らしの困りごとの相談窓口。"],
    "yobo": ["保健師・理学療法士による介護予防教室。", "運動と口腔・栄養の教室。"],
}


# 「地域のええとこ・いかんとこ」 as coordination bodies write them (synthetic).
GOOD_POINTS = [
    "顔見知りが多く、声をかけ合える",
    "神社・お寺の行事が今も続いている",
    "老人クラブと婦人会が元気",
    "公民館が歩いて行ける所にある",
    "移動販売が週に1回来る",
    "畑仕事をしている人が多く、野菜のおすそ分けがある",
]
PROBLEMS = [
    "バスの便が1日2便しかなく、通院が大変",
    "買い物できる店が遠い",
    "草刈りの担い手が減っている",
    "一人暮らしの高齢者が増えている",
    "坂道が多く、サロンまで歩けない人がいる",
    "若い世代が地域の活動に参加しにくい",
]


def build(municipality: Municipality, seed: int) -> None:
    """Add this module's demo data unless it is there already."""
    if Service.objects.filter(municipality=municipality).exists():
        return
    directory_import(municipality=municipality, records=records(municipality, seed))
    rng = random.Random(seed * 7 + 5)
    for district in District.objects.filter(municipality=municipality).order_by("order", "code"):
        district_profile_store(
            district=district,
            good_points="\n".join(rng.sample(GOOD_POINTS, 2)),
            problems="\n".join(rng.sample(PROBLEMS, 2)),
        )
