"""Pages of the directory, with who may see what."""

from __future__ import annotations

import subprocess

import pytest
from icalendar import Calendar

from chiiki.accounts.models import AuditEvent
from chiiki.resources import demo
from chiiki.resources.models import DistrictProfile, Service
from tests.conftest import make_person


@pytest.fixture
def cafe(directory):
    return Service.objects.get(uuid=demo.CAFE_ID)


def test_the_search_page_finds_two_character_queries_and_answers_htmx_with_the_partial(
    directory, personas, client_for
):
    client = client_for(personas["volunteer"])
    page = client.get("/resources/", {"q": "送迎"})
    assert page.status_code == 200 and "地域資源" in page.content.decode()
    partial = client.get("/resources/", {"q": "体操", "pickup": "on"}, HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert 'id="results"' in body and "<h1>" not in body


def test_the_search_page_runs_a_fixed_number_of_queries(
    directory, personas, client_for, django_assert_max_num_queries
):
    client = client_for(personas["officer"])
    with django_assert_max_num_queries(12):
        assert client.get("/resources/", {"q": "サロン"}).status_code == 200


def test_the_service_page_and_calendar_show_the_cafe_as_the_guide_prints_it(
    directory, personas, client_for, cafe
):
    client = client_for(personas["coordinator"])
    detail = client.get(f"/resources/services/{cafe.pk}/").content.decode()
    assert "毎週 火・水・金・土 08:00〜12:00" in detail
    body = client.get(f"/resources/services/{cafe.pk}/calendar/2019/1/").content.decode()
    assert "元日" in body and "成人の日" in body and "★出張販売 11:45~" in body
    assert 'data-date="2019-01-08"' in body and "08:00~12:00" in body


def test_the_service_feed_is_an_icalendar_with_each_opening(directory, personas, client_for, cafe):
    response = client_for(personas["officer"]).get(f"/resources/services/{cafe.pk}/calendar.ics")
    assert response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert events and all(str(e["SUMMARY"]).startswith(demo.CAFE_NAME) for e in events)


def test_the_district_calendar_and_feed_list_the_districts_services(
    directory, personas, client_for
):
    client = client_for(personas["officer"])
    d = directory.s2
    assert client.get(f"/resources/districts/{d.pk}/calendar/2019/1/").status_code == 200
    assert client.get(f"/resources/districts/{d.pk}/calendar.ics").status_code == 200


def test_the_coordinator_writes_the_sheet_of_their_district_and_downloads_the_pdf(
    directory, personas, client_for, tmp_path
):
    client = client_for(personas["coordinator"])
    d = directory.s1
    response = client.post(
        f"/resources/districts/{d.pk}/sheet/",
        {"good_points": "顔見知りが多い\n神社の祭りが続いている", "problems": "バスが1日2便"},
    )
    assert response.status_code == 302
    assert DistrictProfile.objects.get(district=d).problems == "バスが1日2便"
    pdf = client.get(f"/resources/districts/{d.pk}/sheet.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf.content)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    assert "Noto-Sans-CJK-JP" in fonts and " yes " in fonts


def test_a_nurse_may_not_write_the_sheet_of_a_district_outside_their_areas(
    directory, personas, client_for
):
    before = DistrictProfile.objects.get(district=directory.s1).good_points
    response = client_for(personas["nurse"]).post(
        f"/resources/districts/{directory.s1.pk}/sheet/", {"good_points": "x", "problems": "y"}
    )
    assert response.status_code == 403
    assert DistrictProfile.objects.get(district=directory.s1).good_points == before != "x"


def test_the_coverage_page_flags_missing_kinds_for_the_users_districts(
    directory, personas, client_for
):
    body = client_for(personas["nurse"]).get("/resources/coverage/").content.decode()
    assert "須佐" in body and "旭" not in body
    assert client_for(personas["volunteer"]).get("/resources/coverage/").status_code == 403


def test_what_is_open_near_a_person_this_week_is_audited(directory, personas, client_for):
    person = make_person(directory.s2)
    response = client_for(personas["coordinator"]).get(f"/resources/near/{person.pk}/")
    assert response.status_code == 200 and "今週ひらいている" in response.content.decode()
    assert AuditEvent.objects.filter(object_id=person.pk, action="read").exists()
    outside = make_person(directory.n1)
    assert (
        client_for(personas["coordinator"]).get(f"/resources/near/{outside.pk}/").status_code == 403
    )


@pytest.mark.parametrize(
    "url",
    [
        "/resources/services/{cafe}/",
        "/resources/services/{cafe}/calendar/2019/1/",
        "/resources/services/{cafe}/calendar.ics",
        "/resources/districts/{district}/calendar/2019/1/",
        "/resources/districts/{district}/calendar.ics",
        "/resources/districts/{district}/sheet/",
        "/resources/districts/{district}/sheet.pdf",
        "/resources/coverage/",
    ],
)
def test_an_outsider_is_refused_every_page_of_another_municipality(
    directory, personas, client_for, cafe, url
):
    path = url.format(cafe=cafe.pk, district=directory.s2.pk)
    client = client_for(personas["outsider"])
    response = client.get(path)
    if "coverage" in path:
        assert "須佐" not in response.content.decode()
    else:
        assert response.status_code in (403, 404)


def test_an_anonymous_visitor_is_sent_to_the_login_page(directory, client):
    assert client.get("/resources/").status_code == 302
    assert client.get("/resources/coverage/").status_code == 302


def test_the_outsider_search_page_shows_nothing_of_another_municipality(
    directory, personas, client_for
):
    body = client_for(personas["outsider"]).get("/resources/", {"q": "サロン"}).content.decode()
    assert demo.CAFE_NAME not in body and "該当する地域資源はありません" in body


def test_what_is_open_near_a_person_includes_the_neighbouring_districts(
    directory, personas, client_for
):
    from chiiki.resources.selectors import services_near_person

    directory.n1.neighbours.add(directory.n2)
    person = make_person(directory.n1)
    _, nearby = services_near_person(
        user=personas["nurse"], person_id=person.pk, today=__import__("datetime").date(2019, 1, 7)
    )
    near = {directory.n1.pk, directory.n2.pk}
    assert directory.n2.pk in {n.service.district_id for n in nearby}
    for n in nearby:
        served = {
            n.service.district_id,
            *n.service.service_areas.values_list("district_id", flat=True),
        }
        assert served & near
    assert all(d.open for n in nearby for d in n.days)
    # Those in the person's own district come first.
    own = [n.service.district_id == directory.n1.pk for n in nearby]
    assert own == sorted(own, reverse=True)
