"""Pages and API routes: the main path, what each role sees, and refusals."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest
from django.utils.timezone import localdate

from chiiki.mutualaid import services
from chiiki.mutualaid.models import HelpRequest, PointEntry, Status
from tests.conftest import audited
from tests.mutualaid.conftest import WEEK, new_request

PAGES = [
    "/mutualaid/",
    "/mutualaid/requests/",
    "/mutualaid/requests/new/",
    "/mutualaid/matching/",
    "/mutualaid/volunteers/",
    "/mutualaid/report/",
]


def _confirmed(aid, user, **kw):
    req = new_request(aid, user, **kw)
    services.proposal_change(
        user=user, request_id=req.pk, volunteer=aid.hanako, slot=kw.get("slots", (0,))[0]
    )
    services.proposal_confirm(user=user, request_id=req.pk)
    return req


@pytest.mark.parametrize("url", PAGES)
def test_staff_pages_open_for_the_officer(aid, personas, client_for, url):
    assert client_for(personas["officer"]).get(url).status_code == 200


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("who", ["outsider", "pref"])
def test_staff_pages_are_refused_to_outsiders_and_the_prefecture(
    aid, personas, client_for, url, who
):
    response = client_for(personas[who]).get(url)
    assert response.status_code == 403 or (
        response.status_code == 200 and "旭ちょい加勢" not in response.text
    )


def test_an_outsider_cannot_open_or_act_on_a_request(aid, personas, client_for):
    req = new_request(aid, personas["officer"])
    c = client_for(personas["outsider"])
    assert c.get(f"/mutualaid/requests/{req.pk}/").status_code == 403
    assert c.get(f"/mutualaid/requests/{req.pk}/receipt.pdf").status_code == 403
    assert c.post(f"/mutualaid/requests/{req.pk}/cancel/").status_code == 403
    assert HelpRequest.objects.get(pk=req.pk).status == Status.REQUESTED
    assert "山本" not in c.get("/mutualaid/requests/").text


def test_a_nurse_of_another_life_area_does_not_see_the_request(aid, personas, client_for):
    req = new_request(aid, personas["officer"])
    c = client_for(personas["nurse"])
    assert c.get(f"/mutualaid/requests/{req.pk}/").status_code == 403
    assert f"依頼{req.pk}" not in c.get("/mutualaid/requests/").text


def test_anonymous_visitors_are_sent_to_log_in(aid, client):
    assert client.get("/mutualaid/requests/").status_code == 302
    assert client.get("/api/mutualaid/requests").status_code == 401


def test_the_officer_takes_a_request_through_the_form(aid, personas, client_for):
    c = client_for(personas["officer"])
    found = c.get("/mutualaid/requests/new/?q=ヤマモト")
    assert "山本 ハル" in found.text
    response = c.post(
        "/mutualaid/requests/new/",
        {
            "service": aid.service.pk,
            "person": aid.resident.pk,
            "task": "weeding",
            "week": "2019-06-05",
            "preferred_slots": ["0", "2"],
            "estimated_minutes": "30",
            "address": "",
            "notes": "玄関の前",
        },
    )
    req = HelpRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/mutualaid/requests/{req.pk}/"
    assert req.week == WEEK and req.preferred_slots == [0, 2] and req.notes == "玄関の前"


def test_the_request_form_refuses_a_job_over_the_maximum_with_the_reason(aid, personas, client_for):
    c = client_for(personas["officer"])
    response = c.post(
        "/mutualaid/requests/new/",
        {
            "service": aid.service.pk,
            "person": aid.resident.pk,
            "task": "weeding",
            "week": "2019-06-05",
            "preferred_slots": ["0"],
            "estimated_minutes": "90",
        },
    )
    assert response.status_code == 200 and "上限 60分" in response.text
    assert not HelpRequest.objects.exists()


def test_the_request_page_shows_contact_details_but_no_health_data_and_audits_the_read(
    aid, personas, client_for
):
    req = new_request(aid, personas["officer"])
    before = audited(aid.resident, action="read").count()
    text = client_for(personas["officer"]).get(f"/mutualaid/requests/{req.pk}/").text
    assert "0838-55-1234" in text and "要支援" not in text
    opened = audited(aid.resident, action="read")
    assert opened.count() == before + 1
    event = opened.latest("id")
    assert (event.model, event.object_id) == ("mutualaid.helprequest", req.pk)
    assert event.municipality_id == aid.resident.municipality_id


def test_matching_from_the_page_proposes_with_reasons_and_confirming_twice_tells_the_second(
    aid, personas, client_for
):
    req = new_request(aid, personas["officer"], task="mowing", slots=(1,))
    c = client_for(personas["officer"])
    c.post("/mutualaid/matching/", {"week": "2019-06-03"})
    page = c.get("/mutualaid/matching/?week=2019-06-03").text
    assert "奉仕 花子" in page and "草刈機" in page
    first = c.post(
        f"/mutualaid/requests/{req.pk}/confirm/", {"volunteer": aid.hanako.pk}, follow=True
    )
    assert "担当を確定しました" in first.text
    second = client_for(personas["coordinator"]).post(
        f"/mutualaid/requests/{req.pk}/confirm/", {"volunteer": aid.hanako.pk}, follow=True
    )
    assert "他の人が先に操作しました" in second.text


def test_done_and_paid_from_the_page_with_a_japanese_receipt_pdf(
    aid, personas, client_for, tmp_path
):
    req = _confirmed(aid, personas["officer"], task="mowing")
    c = client_for(personas["officer"])
    refused = c.post(f"/mutualaid/requests/{req.pk}/done/", {"actual_minutes": "75"}, follow=True)
    assert "上限 60分" in refused.text
    c.post(f"/mutualaid/requests/{req.pk}/done/", {"actual_minutes": "45", "done_on": "2019-06-03"})
    c.post(f"/mutualaid/requests/{req.pk}/paid/")
    req.refresh_from_db()
    assert (req.status, req.fee, req.paid) == (Status.DONE, 800, True)
    pdf = c.get(f"/mutualaid/requests/{req.pk}/receipt.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    if shutil.which("pdffonts"):
        path = tmp_path / "receipt.pdf"
        path.write_bytes(pdf.content)
        fonts = subprocess.run(
            ["pdffonts", str(path)], capture_output=True, text=True, check=True
        ).stdout
        assert "Noto-Sans-CJK-JP" in fonts
        assert all(
            line.split()[-5] == "yes" for line in fonts.splitlines()[2:] if line.strip()
        )  # emb


def test_the_volunteer_sees_only_their_jobs_with_family_name_address_task_and_time(
    aid, personas, client_for
):
    officer = personas["officer"]
    matched = new_request(aid, officer, task="weeding", slots=(1,))
    services.proposal_change(user=officer, request_id=matched.pk, volunteer=aid.hanako, slot=1)
    confirmed = _confirmed(aid, officer, task="mowing", slots=(0,))
    other = new_request(aid, officer, task="weeding", slots=(2,), person=aid.resident)
    services.proposal_change(user=officer, request_id=other.pk, volunteer=aid.jiro, slot=2)
    c = client_for(personas["volunteer"])
    assert c.get("/mutualaid/").status_code == 302
    text = c.get("/mutualaid/my/?week=2019-06-03").text
    assert (
        f"job-{matched.pk}" in text
        and f"job-{confirmed.pk}" in text
        and f"job-{other.pk}" not in text
    )
    assert (
        "山本 様" in text
        and aid.resident.address in text
        and "草刈り" in text
        and "月 午前" in text
    )
    assert "ハル" not in text and "要支援" not in text
    assert text.count("0838-55-1234") == 2  # the confirmed job only (link and text)
    api = c.get("/api/mutualaid/my/jobs?week=2019-06-03").json()
    assert {j["id"]: j["phone"] for j in api} == {confirmed.pk: "0838-55-1234", matched.pk: None}
    assert set(api[0]) == {
        "id",
        "family_name",
        "address",
        "task",
        "date",
        "slot",
        "status",
        "phone",
    }


def test_the_volunteer_marks_their_job_done_and_earns_points(aid, personas, client_for):
    req = _confirmed(aid, personas["officer"], task="weeding")
    c = client_for(personas["volunteer"])
    response = c.post(
        f"/mutualaid/my/{req.pk}/done/", {"actual_minutes": "40", "week": "2019-06-03"}, follow=True
    )
    assert "完了を記録しました" in response.text
    req.refresh_from_db()
    assert req.status == Status.DONE and req.fee == 600
    assert PointEntry.objects.get(request=req).points == 2
    assert "ポイント残高 <strong>2</strong>" in c.get("/mutualaid/my/?week=2019-06-03").text


def test_the_volunteer_page_is_refused_to_staff_and_staff_pages_to_the_volunteer(
    aid, personas, client_for
):
    assert client_for(personas["officer"]).get("/mutualaid/my/").status_code == 403
    v = client_for(personas["volunteer"])
    for url in PAGES[1:]:
        assert v.get(url).status_code == 403
    assert v.get("/api/mutualaid/requests").status_code == 403


def test_the_volunteers_own_page_records_today_as_the_day_done(aid, personas, client_for):
    req = _confirmed(aid, personas["officer"], task="weeding")
    client_for(personas["volunteer"]).post(
        f"/mutualaid/my/{req.pk}/done/", {"actual_minutes": "40", "done_on": "2099-12-31"}
    )
    req.refresh_from_db()
    assert req.status == Status.DONE and req.done_on == localdate()
    assert PointEntry.objects.get(request=req).on == localdate()


def test_a_volunteer_cannot_date_their_own_job_through_the_staff_route(aid, personas, client_for):
    req = _confirmed(aid, personas["officer"], task="weeding")
    response = client_for(personas["volunteer"]).post(
        f"/mutualaid/requests/{req.pk}/done/", {"actual_minutes": "40", "done_on": "2099-12-31"}
    )
    assert response.status_code == 403
    req.refresh_from_db()
    assert req.status == Status.CONFIRMED and req.done_on is None
    assert not PointEntry.objects.filter(request=req).exists()


@pytest.mark.parametrize(
    ("done_on", "expected"),
    [
        ("2099-12-31", "より後にはできません"),
        ("1900-01-01", "依頼の週（2019-06-03から）より前にはできません"),
        ("2019-06-02", "依頼の週（2019-06-03から）より前にはできません"),
    ],
)
def test_staff_cannot_record_a_day_done_after_today_or_before_the_requests_week(
    aid, personas, client_for, done_on, expected
):
    req = _confirmed(aid, personas["officer"], task="weeding")
    response = client_for(personas["officer"]).post(
        f"/mutualaid/requests/{req.pk}/done/",
        {"actual_minutes": "40", "done_on": done_on},
        follow=True,
    )
    assert "実施日" in response.text and expected in response.text
    req.refresh_from_db()
    assert req.status == Status.CONFIRMED and req.done_on is None
    assert not PointEntry.objects.filter(request=req).exists()


def test_the_volunteer_cannot_mark_someone_elses_job_done(aid, personas, client_for):
    officer = personas["officer"]
    req = new_request(aid, officer, task="weeding", slots=(2,))
    services.proposal_change(user=officer, request_id=req.pk, volunteer=aid.jiro, slot=2)
    services.proposal_confirm(user=officer, request_id=req.pk)
    assert (
        client_for(personas["volunteer"])
        .post(f"/mutualaid/my/{req.pk}/done/", {"actual_minutes": "30"})
        .status_code
        == 403
    )
    assert HelpRequest.objects.get(pk=req.pk).status == Status.CONFIRMED


def test_the_volunteer_page_shows_the_statement_and_refuses_an_overdraft(aid, personas, client_for):
    req = _confirmed(aid, personas["officer"], task="weeding")
    services.request_done(
        user=personas["officer"], request_id=req.pk, actual_minutes=60, done_on=dt.date(2019, 6, 3)
    )
    c = client_for(personas["officer"])
    page = c.get(f"/mutualaid/volunteers/{aid.hanako.pk}/?month=2019-06").text
    assert "完了 1件・60分・利用料 600円" in page and "2ポイント" in page
    refused = c.post(f"/mutualaid/volunteers/{aid.hanako.pk}/", {"points": "5"}, follow=True)
    assert "残高 2ポイント" in refused.text
    assert services.points_balance(aid.hanako.pk) == 2
    assert (
        client_for(personas["outsider"]).get(f"/mutualaid/volunteers/{aid.hanako.pk}/").status_code
        == 403
    )


def test_the_yearly_report_counts_jobs_hours_residents_and_volunteers(aid, personas, client_for):
    for slot, minutes in ((0, 30), (1, 60)):
        req = _confirmed(aid, personas["officer"], task="weeding", slots=(slot,))
        services.request_done(user=personas["officer"], request_id=req.pk, actual_minutes=minutes)
    page = client_for(personas["officer"]).get("/mutualaid/report/?year=2019").text
    assert "2019年度" in page and "plotly/plotly.min.js" in page and "cdn" not in page.lower()
    from chiiki.mutualaid.selectors import year_report

    data = year_report(user=personas["officer"], service=aid.service, fiscal_year=2019)
    assert (
        data["jobs"],
        data["hours"],
        data["residents"],
        data["volunteers_active"],
        data["volunteers_new"],
    ) == (2, 1.5, 1, 1, 2)
    assert data["monthly"]["草取り"][2] == 2  # June is the third month of the 年度


def test_the_request_list_runs_a_fixed_number_of_queries(
    aid, personas, client_for, django_assert_max_num_queries
):
    for _ in range(5):
        new_request(aid, personas["officer"], task="weeding")
    c = client_for(personas["officer"])
    with django_assert_max_num_queries(12):
        c.get("/mutualaid/requests/")


def test_the_api_quotes_and_refuses_with_the_reason(aid, personas, client_for):
    c = client_for(personas["officer"])
    ok = c.get("/api/mutualaid/quote?task=mowing&minutes=45").json()
    assert ok["fee"] == 800 and [p["amount"] for p in ok["parts"]] == [600, 200]
    bad = c.get("/api/mutualaid/quote?task=mowing&minutes=61")  # the document's maximum is 60
    assert bad.status_code == 422 and bad.json()["errors"][0]["name"] == "minutes"
    assert "60 以下" in bad.json()["errors"][0]["reason"]
    assert (
        client_for(personas["outsider"])
        .get("/api/mutualaid/quote?task=mowing&minutes=45")
        .status_code
        == 200
    )
    assert (
        client_for(personas["pref"]).get("/api/mutualaid/quote?task=mowing&minutes=45").status_code
        == 403
    )


def test_the_api_confirms_once_and_answers_409_to_the_second(aid, personas, client_for):
    req = new_request(aid, personas["officer"])
    services.proposal_change(
        user=personas["officer"], request_id=req.pk, volunteer=aid.hanako, slot=0
    )
    c = client_for(personas["officer"])
    url = f"/api/mutualaid/requests/{req.pk}/confirm"
    assert c.post(url, {}, content_type="application/json").status_code == 200
    second = c.post(url, {}, content_type="application/json")
    assert second.status_code == 409 and "確定" in second.json()["detail"]
    listed = c.get("/api/mutualaid/requests").json()
    assert listed[0]["status"] == "confirmed" and "phone" not in listed[0]
    assert (
        client_for(personas["outsider"]).post(url, {}, content_type="application/json").status_code
        == 403
    )
    assert client_for(personas["outsider"]).get("/api/mutualaid/requests").json() == []


def test_an_empty_week_on_the_volunteer_page_points_to_the_nearest_week_with_jobs(
    aid, personas, client_for
):
    req = new_request(aid, personas["officer"], task="weeding", slots=(0,))
    services.proposal_change(
        user=personas["officer"], request_id=req.pk, volunteer=aid.hanako, slot=0
    )
    text = client_for(personas["volunteer"]).get("/mutualaid/my/?week=2019-09-02").text
    assert "この週の活動はありません" in text and "?week=2019-06-03" in text


def test_the_request_list_answers_htmx_with_the_results_partial_only(aid, personas, client_for):
    new_request(aid, personas["officer"], task="weeding")
    response = client_for(personas["officer"]).get(
        "/mutualaid/requests/?status=requested", HTTP_HX_REQUEST="true"
    )
    assert response.text.lstrip().startswith('<div id="results">') and "<html" not in response.text
    assert "山本様" in response.text


def test_the_volunteer_list_and_matching_pages_run_a_fixed_number_of_queries(
    aid, personas, client_for, django_assert_max_num_queries
):
    for slot in (0, 1, 2):
        req = new_request(aid, personas["officer"], task="weeding", slots=(slot,))
        services.proposal_change(
            user=personas["officer"],
            request_id=req.pk,
            volunteer=aid.jiro if slot != 1 else aid.hanako,
            slot=slot,
        )
    c = client_for(personas["officer"])
    with django_assert_max_num_queries(12):
        c.get("/mutualaid/volunteers/")
    with django_assert_max_num_queries(14):
        c.get("/mutualaid/matching/?week=2019-06-03")


def test_the_overview_shows_the_guides_fee_table_and_falls_back_to_the_latest_busy_week(
    aid, personas, client_for
):
    new_request(aid, personas["officer"], task="weeding")
    text = client_for(personas["officer"]).get("/mutualaid/").text
    assert "30分以内" in text and "300円" in text and "+200円" in text and "草刈り・耕し" in text
    assert "2019年6月3日からの週の依頼" in text


def test_staff_set_up_a_new_volunteers_profile_and_a_day_away(aid, personas, client_for, town):
    from chiiki.people.services import volunteer_register
    from tests.conftest import make_person

    newcomer = volunteer_register(
        person=make_person(
            town.s1,
            family_name="新井",
            given_name="三郎",
            family_kana="アライ",
            given_kana="サブロウ",
        ),
        registered_on=dt.date(2019, 6, 1),
    )
    c = client_for(personas["coordinator"])
    assert "新井 三郎" in c.get("/mutualaid/volunteers/").text  # listed as not set up yet
    response = c.post(
        f"/mutualaid/volunteers/{newcomer.pk}/edit/",
        {
            "service": aid.service.pk,
            "skills": ["weeding", "mowing"],
            "tools": ["mower"],
            "districts": [str(town.s2.pk)],
            "availability": ["0", "1"],
            "max_jobs_per_week": "2",
            "trainings": "草刈機の安全講習\n傾聴研修",
        },
    )
    assert response.status_code == 302
    profile = newcomer.mutualaid_profile
    assert profile.skills == ["weeding", "mowing"] and profile.trainings == [
        "草刈機の安全講習",
        "傾聴研修",
    ]
    assert {d.pk for d in profile.districts.all()} == {town.s1.pk, town.s2.pk}
    c.post(
        f"/mutualaid/volunteers/{newcomer.pk}/edit/",
        {"form": "exception", "date": "2019-06-03", "note": "通院"},
    )
    assert profile.exceptions.get().note == "通院"
    page = c.get(f"/mutualaid/volunteers/{newcomer.pk}/").text
    assert "草刈機" in page and "通院" in page


def test_a_profile_with_a_tool_the_tariff_does_not_know_is_refused(aid, personas, client_for):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="chainsaw"):
        services.volunteer_profile_save(
            volunteer=aid.jiro, service=aid.service, skills=["weeding"], tools=["chainsaw"]
        )


def test_staff_of_other_areas_cannot_edit_a_volunteer(aid, personas, client_for):
    for who in ("nurse", "outsider", "volunteer"):
        assert (
            client_for(personas[who]).get(f"/mutualaid/volunteers/{aid.jiro.pk}/edit/").status_code
            == 403
        )


def test_the_openapi_document_describes_the_mutual_aid_routes_and_their_refusals(client, db):
    doc = client.get("/api/openapi.json").json()
    quote_op = doc["paths"]["/api/v1/mutualaid/quote"]["get"]
    assert {"200", "400", "422"} <= set(quote_op["responses"])
    assert (
        "409"
        in doc["paths"]["/api/v1/mutualaid/requests/{request_id}/confirm"]["post"]["responses"]
    )


def test_a_malformed_parameter_is_answered_422(aid, personas, client_for):
    response = client_for(personas["officer"]).get("/api/mutualaid/quote?task=mowing&minutes=abc")
    assert response.status_code == 422 and response.json()["title"] == "Unprocessable Content"
    assert response.json()["errors"] == [
        {"name": "minutes", "in": "query", "reason": "整数を指定してください"}
    ]


def test_the_request_list_filters_the_done_jobs_still_unpaid(aid, personas, client_for):
    officer = personas["officer"]
    paid, unpaid = (_confirmed(aid, officer, task="weeding", slots=(s,)) for s in (0, 1))
    for r in (paid, unpaid):
        services.request_done(user=officer, request_id=r.pk, actual_minutes=30)
    services.request_paid(user=officer, request_id=paid.pk)
    text = client_for(officer).get("/mutualaid/requests/?unpaid=1").text
    assert f"依頼{unpaid.pk}<" in text and f"依頼{paid.pk}<" not in text


def test_every_route_refuses_an_outsider_or_shows_nothing_of_this_town(aid, personas, client_for):
    officer = personas["officer"]
    req = _confirmed(aid, officer, task="weeding")
    services.request_done(user=officer, request_id=req.pk, actual_minutes=30)
    c = client_for(personas["outsider"])
    refused_get = [
        f"/mutualaid/requests/{req.pk}/",
        f"/mutualaid/requests/{req.pk}/receipt.pdf",
        f"/mutualaid/volunteers/{aid.hanako.pk}/",
        f"/mutualaid/volunteers/{aid.hanako.pk}/edit/",
        "/mutualaid/my/",
        "/api/mutualaid/my/jobs",
    ]
    for url in refused_get:
        assert c.get(url).status_code == 403, url
    refused_post = [
        f"/mutualaid/requests/{req.pk}/paid/",
        f"/mutualaid/requests/{req.pk}/confirm/",
        f"/mutualaid/volunteers/{aid.hanako.pk}/",
        f"/mutualaid/my/{req.pk}/done/",
    ]
    for url in refused_post:
        assert c.post(url, {"points": "1", "actual_minutes": "30"}).status_code == 403, url
    req.refresh_from_db()
    assert not req.paid and services.points_balance(aid.hanako.pk) == 1
    c.post("/mutualaid/matching/", {"week": "2019-06-03"})  # nothing of this town to match
    for url in (
        "/mutualaid/",
        "/mutualaid/requests/",
        "/mutualaid/volunteers/",
        "/mutualaid/report/",
    ):
        text = c.get(url).text
        assert "山本" not in text and "奉仕" not in text and "旭ちょい加勢" not in text, url
    assert c.get("/api/mutualaid/requests").json() == []


def test_the_intake_form_shows_the_fee_or_the_tariffs_refusal_as_the_staff_type(
    aid, personas, client_for
):
    c = client_for(personas["officer"])
    ok = c.get("/mutualaid/quote/?task=mowing&estimated_minutes=45", HTTP_HX_REQUEST="true").text
    assert "800円" in ok and "燃料代（60分以内） 200円" in ok
    refused = c.get(
        "/mutualaid/quote/?task=mowing&estimated_minutes=90", HTTP_HX_REQUEST="true"
    ).text
    assert "上限 60分" in refused
    assert (
        client_for(personas["volunteer"])
        .get("/mutualaid/quote/?task=mowing&estimated_minutes=45")
        .status_code
        == 403
    )


def test_the_yearly_table_downloads_as_csv_with_a_bom_and_guarded_cells(aid, personas, client_for):
    from chiiki.mutualaid.models import Service

    Service.objects.filter(pk=aid.service.pk).update(name="=旭ちょい加勢")
    req = _confirmed(aid, personas["officer"], task="mowing")
    services.request_done(user=personas["officer"], request_id=req.pk, actual_minutes=45)
    response = client_for(personas["officer"]).get("/mutualaid/report/?year=2019&format=csv")
    text = response.content.decode("utf-8")
    assert response["Content-Type"].startswith("text/csv") and text.startswith("\ufeff")
    assert "'=旭ちょい加勢,2019,草刈り,1,0.8,800" in text


def test_after_matching_the_page_says_why_a_request_got_nobody(aid, personas, client_for):
    req = new_request(aid, personas["officer"], task="tilling", slots=(0,))  # nobody has a tiller
    response = client_for(personas["officer"]).post(
        "/mutualaid/matching/", {"week": "2019-06-03"}, follow=True
    )
    assert (
        f"依頼{req.pk}: 作業・道具・地区・時間の条件に合うボランティアがいません" in response.text
    )


def test_the_api_takes_a_request_and_refuses_bad_ones_with_the_reason(aid, personas, client_for):
    c = client_for(personas["coordinator"])
    body = {
        "service_id": aid.service.pk,
        "person_id": aid.resident.pk,
        "task": "mowing",
        "week": "2019-06-05",
        "preferred_slots": [0, 3],
        "estimated_minutes": 45,
    }
    created = c.post("/api/mutualaid/requests", body, content_type="application/json")
    assert created.status_code == 201 and created.json()["status"] == "requested"
    assert created.json()["week"] == "2019-06-03"
    too_long = c.post(
        "/api/mutualaid/requests",
        {**body, "estimated_minutes": 75},
        content_type="application/json",
    )
    assert too_long.status_code == 409 and "上限 60分" in too_long.json()["detail"]
    bad_slot = c.post(
        "/api/mutualaid/requests",
        {**body, "preferred_slots": [14]},
        content_type="application/json",
    )
    assert bad_slot.status_code == 422
    assert bad_slot.json()["errors"][0]["name"] == "preferred_slots.0"
    outsider = client_for(personas["outsider"]).post(
        "/api/mutualaid/requests", body, content_type="application/json"
    )
    assert outsider.status_code == 403
    assert HelpRequest.objects.count() == 1
