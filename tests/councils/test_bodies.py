from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from chiiki.councils.models import BodyKind, Layer
from chiiki.councils.selectors import bodies as selectors
from chiiki.councils.services import bodies as services


def test_a_district_body_lies_in_its_districts_life_area(bodies, town):
    assert bodies["susa"].life_area == town.north and bodies["asahi"].life_area == town.south


@pytest.mark.parametrize(
    "layer,area,field",
    [
        (Layer.MUNICIPALITY, "district", "layer"),
        (Layer.LIFE_AREA, None, "life_area"),
        (Layer.DISTRICT, None, "district"),
    ],
)
def test_a_body_must_name_the_area_of_its_layer(town, layer, area, field):
    with pytest.raises(ValidationError) as info:
        services.body_create(
            user=None,
            municipality=town.municipality,
            layer=layer,
            kind=BodyKind.SC_COUNCIL,
            name="x",
            founded_on=dt.date(2018, 1, 1),
            district=town.n1 if area == "district" else None,
        )
    assert field in info.value.message_dict


def test_a_member_without_an_organisation_kind_is_refused_naming_the_field(bodies):
    with pytest.raises(ValidationError) as info:
        services.membership_add(
            user=None,
            body=bodies["susa"],
            name="山田 一",
            organisation_kind="",
            started_on=dt.date(2018, 2, 1),
        )
    assert info.value.message_dict == {"organisation_kind": ["団体の種類を選んでください"]}
    with pytest.raises(ValidationError, match="一覧にありません"):
        services.membership_add(
            user=None,
            body=bodies["susa"],
            name="山田 一",
            organisation_kind="pirates",
            started_on=dt.date(2018, 2, 1),
        )


def test_a_member_who_leaves_stays_in_the_bodys_history(bodies, personas):
    body = bodies["susa"]
    m = services.membership_add(
        user=personas["nurse"],
        body=body,
        name="山田 一",
        organisation_kind="neighbourhood",
        started_on=dt.date(2018, 2, 1),
    )
    services.membership_end(user=personas["nurse"], membership=m, ended_on=dt.date(2019, 3, 31))
    found = selectors.body_get_for_user(user=personas["officer"], body_id=body.pk)
    assert [(x.name, x.ended_on) for x in found.memberships.all()] == [
        ("山田 一", dt.date(2019, 3, 31))
    ]
    with pytest.raises(ValidationError, match="退任日は就任日より後"):
        services.membership_end(user=personas["nurse"], membership=m, ended_on=dt.date(2017, 1, 1))


def test_support_center_staff_and_coordinators_run_only_the_bodies_of_their_areas(bodies, personas):
    services.membership_add(
        user=personas["nurse"],
        body=bodies["susa"],
        name="A",
        organisation_kind="salon",
        started_on=dt.date(2018, 2, 1),
    )
    for user, body in (
        (personas["nurse"], "asahi"),
        (personas["coordinator"], "susa"),
        (personas["nurse"], "town"),
    ):
        with pytest.raises(PermissionDenied):
            services.membership_add(
                user=user,
                body=bodies[body],
                name="B",
                organisation_kind="salon",
                started_on=dt.date(2020, 1, 1),
            )
    with pytest.raises(PermissionDenied):
        services.body_create(
            user=personas["coordinator"],
            municipality=bodies["susa"].municipality,
            layer=Layer.DISTRICT,
            kind=BodyKind.SC_COUNCIL,
            name="田万川",
            founded_on=dt.date(2020, 1, 1),
            district=bodies["susa"]
            .district.life_area.districts.exclude(pk=bodies["susa"].district_id)
            .first(),
        )


def test_every_staff_role_reads_the_bodies_and_nobody_else_does(bodies, personas):
    names = {b.name for b in selectors.body_list_for_user(user=personas["nurse"])}
    assert names == {b.name for b in bodies.values()}
    for role in ("volunteer", "pref"):
        with pytest.raises(PermissionDenied):
            list(selectors.body_list_for_user(user=personas[role]))
    assert not selectors.body_list_for_user(user=personas["outsider"]).exists()


def test_coverage_counts_the_districts_with_a_body_and_since_when(bodies, personas):
    cov = selectors.coverage_for_user(user=personas["officer"], on=dt.date(2020, 1, 1))
    rows = {r.district.name: r for r in cov.rows}
    # 北部 has a 第2層 body (so 須佐 and 田万川 are covered); 旭 its 第3層; 福栄 nothing.
    assert (
        cov.covered == 3
        and rows["福栄"].life_area_body is None
        and rows["福栄"].district_body is None
    )
    assert rows["須佐"].since == dt.date(2017, 4, 1) and rows["旭"].since == dt.date(2019, 6, 1)
    assert cov.by_year[2017] == 2 and cov.by_year[2019] == 3


def test_the_body_pages_answer_each_role(bodies, personas, client_for):
    url = reverse("councils:body_detail", args=[bodies["susa"].pk])
    for role, status in (
        ("admin", 200),
        ("nurse", 200),
        ("coordinator", 200),
        ("volunteer", 403),
        ("pref", 403),
        ("outsider", 403),
    ):
        assert client_for(personas[role]).get(url).status_code == status, role
    add = client_for(personas["coordinator"]).post(
        url, {"name": "X", "organisation_kind": "salon", "started_on": "2020-01-01"}
    )
    assert add.status_code == 403  # 旭 is the coordinator's, 須佐 is not
    form = client_for(personas["nurse"]).post(
        url, {"name": "X", "organisation_kind": "", "started_on": "2020-01-01"}
    )
    assert form.status_code == 200 and "団体の種類" in form.content.decode()


def test_an_officer_sets_up_a_body_on_its_page(town, personas, client_for):
    client = client_for(personas["officer"])
    response = client.post(
        reverse("councils:body_new"),
        {
            "layer": 3,
            "kind": "sc_council",
            "name": "福栄地域ささえあい協議体",
            "area": f"d-{town.s2.pk}",
            "founded_on": "2018-05-01",
        },
    )
    assert response.status_code == 302
    body = selectors.body_list_for_user(user=personas["officer"]).get(
        name="福栄地域ささえあい協議体"
    )
    assert (body.district, body.life_area) == (town.s2, town.south)
    bad = client.post(
        reverse("councils:body_new"),
        {"layer": 3, "kind": "sc_council", "name": "x", "area": "", "founded_on": "2018-05-01"},
    )
    assert bad.status_code == 200 and "第3層の協議体は地区を指定します" in bad.content.decode()
