"""Demo data for meetings: two fiscal years (April 2018 to March 2020) of the bodies' meetings,
with attendance, minutes, decisions and the group work of 「地域のええとこ・いかんとこ」 carried
onto the district sheets.

A 第3層 body meets quarterly, a 第2層 body every two months, the 第1層 body twice a year.
Watch-over networks and the daily huddle keep meetings of their own and are left alone.
Everything comes from the seed and the body (never from database ids), and a meeting
already there is left as it is, so a second run adds nothing. The text is synthetic; guests
are Faker ja_JP names.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from faker import Faker

from chiiki.areas.models import Municipality
from chiiki.core import wareki
from chiiki.councils.models import Body, BodyKind, Layer, Meeting, Membership
from chiiki.councils.selectors.meetings import body_districts, members_on
from chiiki.councils.services import meetings as services

FISCAL_YEARS = (2018, 2019)
MONTHS = {
    Layer.DISTRICT: (5, 8, 11, 2),
    Layer.LIFE_AREA: (4, 6, 8, 10, 12, 2),
    Layer.MUNICIPALITY: (7, 1),
}
SKIPPED = {BodyKind.WATCH_NETWORK, BodyKind.DAILY_HUDDLE}
PLACES = ("{d}公民館", "{d}地区集会所", "{d}コミュニティセンター", "{d}ふれあいセンター")

TOPICS = (
    "地区の見守り活動について",
    "移動・買い物の困りごとについて",
    "サロン・通いの場の状況報告",
    "いきいき百歳体操の広がりについて",
    "支え合いの仕組みづくり（ちょい加勢）について",
    "地区アンケートの進め方について",
    "防災と避難の手助けが要る人について",
    "わがまちこんなとこシートの更新について",
)
REMARKS = {
    TOPICS[0]: (
        "新聞や郵便物がたまっている家に気づいたら、民生委員に知らせる流れを確認した。",
        "郵便局の配達時の声かけを続けてもらえることになった。",
    ),
    TOPICS[1]: (
        "バスの便が少なく、通院と買い物が重なる日に困るとの声が多かった。",
        "移動販売の停留所を1か所増やせないか、事業者に相談することにした。",
    ),
    TOPICS[2]: (
        "サロンの参加者は横ばい。男性の参加が少ないことが話題になった。",
        "担い手の高齢化が進んでおり、若い世代への声かけが必要との意見があった。",
    ),
    TOPICS[3]: (
        "体操会場が増え、週1回通う人が増えている。",
        "会場までの送迎を近所の人が手伝っている例が紹介された。",
    ),
    TOPICS[4]: (
        "電球の交換やごみ出しなど、ちょっとした手伝いの依頼が増えている。",
        "手伝う側の登録を増やすため、チラシを回覧することにした。",
    ),
    TOPICS[5]: (
        "地区アンケートの設問案を確認し、回収は町内会の班長にお願いすることにした。",
        "回答を集計し、次回の会議で結果を共有する。",
    ),
    TOPICS[6]: (
        "避難のときに手助けが要る人の把握の仕方について意見を交わした。",
        "集会所の段差解消について、市に相談することにした。",
    ),
    TOPICS[7]: (
        "前回のグループワークの内容をシートに反映したことを報告した。",
        "シートを回覧板で地区に配ることにした。",
    ),
}
DECISIONS = (
    "移動販売の停留所の追加について事業者と相談する",
    "サロンの担い手募集のチラシを作り、回覧する",
    "見守りの連絡先一覧を更新し、構成員に配る",
    "百歳体操の新しい会場の候補を探す",
    "ちょい加勢の手伝い手の登録会を開く",
    "地区アンケートの回収と集計を行う",
    "集会所の段差について市の担当課に相談する",
    "わがまちこんなとこシートを回覧板で配る",
)
GOOD = (
    "{d}の夏祭りに子どもから高齢者まで集まる",
    "朝のラジオ体操が長く続いている",
    "商店の人が高齢者の様子に気づいて声をかけてくれる",
    "郵便局の配達の人が声をかけてくれる",
    "神社の清掃を町内会で続けている",
    "サロンが月2回開かれ、楽しみにしている人が多い",
    "近所同士で野菜を分け合う",
    "民生委員さんがよく回ってくれる",
    "{d}の景色がよく、散歩する人が多い",
    "老人クラブのグラウンドゴルフが盛ん",
)
PROBLEMS = (
    "バスが1日数便しかなく通院が不便",
    "買い物できる店が遠い",
    "草刈りができない家が増えた",
    "ひとり暮らしの高齢者が増えている",
    "集会所に段差があり行きにくい",
    "サロンの担い手が高齢化している",
    "冬は道が凍って外に出にくい",
    "ごみ出しが難しい人がいる",
    "{d}では若い人が少なく、行事の準備が大変",
    "空き家が増えて防犯が心配",
)
GUEST_ORGANISATIONS = (
    "市 高齢者支援課",
    "社会福祉協議会",
    "地域包括支援センター",
    "県 健康福祉センター",
    "地元の高校",
)


def _rng(seed: int, body: Body, *parts: object) -> random.Random:
    # A string seed is hashed the same way in every run (unlike hash()).
    key = [seed, body.municipality.code, body.layer, body.kind, body.name, *parts]
    return random.Random(":".join(str(p) for p in key))


def _meeting_days(seed: int, body: Body) -> list[dt.date]:
    rng = _rng(seed, body, "days")
    weekday, week = rng.choice((1, 2, 3)), rng.choice((1, 2, 3))  # Tue–Thu, 2nd–4th week
    days = []
    for fy in FISCAL_YEARS:
        for month in MONTHS[Layer(body.layer)]:
            year = fy if month >= 4 else fy + 1
            first = dt.date(year, month, 1)
            day = first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * week)
            if day >= body.founded_on and (body.dissolved_on is None or day <= body.dissolved_on):
                days.append(day)
    return days


def _owner(member: Membership | None) -> str:
    if member is None:
        return "事務局（生活支援コーディネーター）"
    return f"{member.name}（{member.organisation_label}）"[:80]


def _minutes(rng: random.Random, body: Body, topics: list[str], present: list[Membership]) -> str:
    chair = f"{body.coordinator}" if body.coordinator else "事務局"
    parts = [f"開会。{chair}より挨拶。出席者{len(present)}名。"]
    for n, topic in enumerate(topics, start=1):
        speaker = rng.choice(present) if present else None
        said = REMARKS.get(topic, ("意見を交わした。", "次回も続けて話し合う。"))
        who = f"{speaker.organisation_label}の{speaker.name}さん" if speaker else "出席者"
        parts.append(f"{n}. {topic}\n・{who}から：{said[0]}\n・{said[1]}")
    parts.append("閉会。次回の日程は事務局から連絡する。")
    return "\n\n".join(parts)


def _group_work_at(body: Body, index_in_year: int, fiscal_year: int) -> bool:
    if body.layer == Layer.DISTRICT:
        return index_in_year in (0, 2)
    if body.layer == Layer.LIFE_AREA:
        return index_in_year == 0
    return index_in_year == 0 and fiscal_year == FISCAL_YEARS[0]


def _meeting_build(seed: int, body: Body, day: dt.date, index_in_year: int, *, first: bool) -> None:
    rng = _rng(seed, body, day.isoformat())
    first_district = body.district.name if body.district else (body.life_area or body).name
    group_work = _group_work_at(body, index_in_year, wareki.fiscal_year(day))
    opening = (
        ["協議体の設置と進め方について", "今年度の活動計画"]
        if first
        else ["昨年度の活動の振り返り", "今年度の活動計画"]
    )
    topics = (opening if index_in_year == 0 or first else []) + rng.sample(TOPICS, 2)
    agenda = topics + (["グループワーク「地域のええとこ・いかんとこ」"] if group_work else [])
    members = list(members_on(body, day).order_by("organisation_kind", "name", "id"))
    present = [m for m in members if rng.random() < 0.8]
    meeting = services.meeting_create(
        user=None,
        body=body,
        held_on=day,
        place=rng.choice(PLACES).format(d=first_district),
        agenda="\n".join(agenda),
        minutes=_minutes(rng, body, topics[-2:], present),
    )
    guests = []
    if rng.random() < 0.35:
        fake = Faker("ja_JP")
        fake.seed_instance(rng.randrange(2**31))
        guests.append((fake.name(), rng.choice(GUEST_ORGANISATIONS)))
    services.attendance_set(
        user=None, meeting=meeting, membership_ids=[m.pk for m in present], guests=guests
    )
    for n in range(rng.choice((1, 2))):
        due = day + dt.timedelta(days=rng.choice((30, 45, 60, 90)))
        done = due - dt.timedelta(days=rng.randint(0, 20)) if rng.random() < 0.8 else None
        services.decision_add(
            user=None,
            meeting=meeting,
            text=DECISIONS[(TOPICS.index(topics[-2 + n]))],
            owner=_owner(rng.choice(present) if present and rng.random() < 0.7 else None),
            due_on=due,
            done_on=done if done and done >= day and done <= dt.date(2020, 3, 31) else None,
        )
    if group_work:
        entries = {}
        for d in body_districts(body):
            r = _rng(seed, body, day.isoformat(), d.code)
            good = [g.format(d=d.name) for g in r.sample(GOOD, r.choice((2, 3)))]
            bad = [p.format(d=d.name) for p in r.sample(PROBLEMS, r.choice((2, 3)))]
            entries[d.pk] = ("\n".join(good), "\n".join(bad))
        services.groupwork_save(user=None, meeting=meeting, entries=entries)


def build(municipality: Municipality, seed: int, bodies: list[Body]) -> None:
    """Two years of meetings for each of ``bodies`` (those of ``municipality``); idempotent."""
    for body in bodies:
        if body.municipality_id != municipality.pk or body.kind in SKIPPED:
            continue
        held = set(Meeting.objects.filter(body=body).values_list("held_on", flat=True))
        counts: dict[int, int] = {}
        days = _meeting_days(seed, body)
        for day in days:
            fy = wareki.fiscal_year(day)
            index_in_year = counts.get(fy, 0)
            counts[fy] = index_in_year + 1
            if day not in held:
                with transaction.atomic():  # a meeting is there whole, or not at all
                    _meeting_build(seed, body, day, index_in_year, first=day == days[0])
