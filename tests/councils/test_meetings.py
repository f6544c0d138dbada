"""Meetings of coordination bodies: agenda, attendance, minutes with optimistic locking,
decisions with owners, the group work that feeds the district sheet, the prints, the API,
and who may do what."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from chiiki.accounts.models import AuditEvent
from chiiki.councils import demo_meetings
from chiiki.councils.models import Attendance, Decision, GroupWork, Meeting
from chiiki.councils.selectors import meetings as selectors
from chiiki.councils.services import meetings as services
from chiiki.resources.models import DistrictProfile
from chiiki.resources.services import district_profile_store
from tests.councils.meeting_world import build_bodies

DAY = dt.date(2019, 5, 21)


@pytest.fixture
def bodies(town):
    return build_bodies(town)


@pytest.fixture
def meeting(bodies, personas):
    return services.meeting_create(
        user=personas["officer"],
        body=bodies.north,
        held_on=DAY,
        place="須佐公民館",
        agenda="移動支援について\nサロンの担い手について",
    )


def _pdf_text(content: bytes, tmp_path) -> str:
    assert content.startswith(b"%PDF"), content[:40]
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext (poppler-utils) is needed to read the PDFs back")
    path = tmp_path / "out.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout


# --- creating a meeting -------------------------------------------------------------------


def test_a_meeting_dated_before_the_body_was_founded_is_refused_naming_the_date(bodies, personas):
    with pytest.raises(ValidationError) as caught:
        services.meeting_create(
            user=personas["officer"], body=bodies.susa, held_on=dt.date(2018, 5, 31)
        )
    assert caught.value.message_dict == {
        "held_on": ["開催日は協議体の設置日（2018-06-01）以後の日付です"]
    }
    services.meeting_create(user=personas["officer"], body=bodies.susa, held_on=dt.date(2018, 6, 1))


def test_the_new_meeting_page_shows_the_refusal_on_the_date_field(bodies, personas, client_for):
    client = client_for(personas["nurse"])
    url = reverse("councils:meeting_new", args=[bodies.susa.pk])
    response = client.post(url, {"held_on": "2018-05-01", "place": "須佐公民館"})
    assert response.status_code == 200
    assert response.context["form"].errors["held_on"] == [
        "開催日は協議体の設置日（2018-06-01）以後の日付です"
    ]
    assert "開催日は協議体の設置日（2018-06-01）以後の日付です" in response.content.decode()
    assert not Meeting.objects.exists()
    response = client.post(url, {"held_on": "2019-07-02", "place": "須佐公民館", "agenda": "議題A"})
    created = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("councils:meeting_detail", args=[created.pk])
    assert (created.body, created.held_on, created.place) == (
        bodies.susa,
        dt.date(2019, 7, 2),
        "須佐公民館",
    )


def test_a_date_outside_the_stored_range_is_refused_naming_the_field(bodies, personas, client_for):
    client = client_for(personas["officer"])
    url = reverse("councils:meeting_new", args=[bodies.north.pk])
    response = client.post(url, {"held_on": "9999-12-31"})
    assert response.status_code == 200
    assert "開催日は" in response.context["form"].errors["held_on"][0]
    assert not Meeting.objects.exists()


def test_a_meeting_after_the_body_was_dissolved_is_refused(bodies, personas):
    from chiiki.councils.services.bodies import body_update

    body_update(user=personas["officer"], body=bodies.asahi, dissolved_on=dt.date(2019, 3, 31))
    with pytest.raises(ValidationError) as caught:
        services.meeting_create(user=personas["officer"], body=bodies.asahi, held_on=DAY)
    assert "廃止日（2019-03-31）" in caught.value.message_dict["held_on"][0]


# --- attendance ---------------------------------------------------------------------------


def test_attendance_offers_the_members_of_the_day_and_takes_guests_by_name_and_organisation(
    bodies, meeting, personas, client_for
):
    sheet = selectors.meeting_sheet(meeting=meeting)
    # 高橋 left on 2019-03-31; 鈴木 joined on 2019-04-01: the meeting is in May 2019.
    assert {line.membership.name for line in sheet.members} == {
        "山田 太郎",
        "佐藤 花子",
        "鈴木 一郎",
    }
    client = client_for(personas["nurse"])
    url = reverse("councils:meeting_attendance", args=[meeting.pk])
    page = client.get(url)
    assert "高橋 次郎" not in page.content.decode()
    chair, post = bodies.members["chair"], bodies.members["post"]
    response = client.post(
        url,
        {
            "members": [chair.pk, post.pk],
            "guest_name_0": "木村 さくら",
            "guest_organisation_0": "社会福祉協議会",
        },
    )
    assert response.status_code == 302
    sheet = selectors.meeting_sheet(
        meeting=selectors.meeting_get_for_user(user=personas["nurse"], meeting_id=meeting.pk)
    )
    assert {(line.membership.name, line.present) for line in sheet.members} == {
        ("山田 太郎", True),
        ("佐藤 花子", False),
        ("鈴木 一郎", True),
    }
    assert [(g.guest_name, g.guest_organisation) for g in sheet.guests] == [
        ("木村 さくら", "社会福祉協議会")
    ]
    # Saving again replaces the attendance: nobody is counted twice.
    client.post(url, {"members": [chair.pk], "guest_name_0": "木村 さくら"})
    assert Attendance.objects.filter(meeting=meeting).count() == 2


def test_a_member_who_had_left_cannot_be_ticked_and_a_guest_needs_a_name(bodies, meeting, personas):
    with pytest.raises(ValidationError) as caught:
        services.attendance_set(
            user=personas["officer"],
            meeting=meeting,
            membership_ids=[bodies.members["left"].pk],
        )
    assert caught.value.message_dict == {
        "members": ["出席者は2019-05-21時点の構成員から選んでください"]
    }
    with pytest.raises(ValidationError) as caught:
        services.attendance_set(
            user=personas["officer"],
            meeting=meeting,
            membership_ids=[],
            guests=[("木村 さくら", "社協"), ("", "郵便局")],
        )
    assert caught.value.message_dict == {
        "guests": ["来賓・オブザーバー2行目: 氏名を入れてください（所属「郵便局」）"]
    }
    assert not Attendance.objects.exists()


def test_a_member_of_another_body_cannot_be_ticked(bodies, meeting, personas, client_for):
    other = bodies.members["伊藤 三郎"]  # 須佐's body
    response = client_for(personas["officer"]).post(
        reverse("councils:meeting_attendance", args=[meeting.pk]), {"members": [other.pk]}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["members"]
    assert not Attendance.objects.exists()


# --- decisions ----------------------------------------------------------------------------


def test_a_decision_without_an_owner_is_refused_naming_the_owner(meeting, personas, client_for):
    with pytest.raises(ValidationError) as caught:
        services.decision_add(
            user=personas["officer"], meeting=meeting, text="チラシを作る", owner="  "
        )
    assert caught.value.message_dict == {"owner": ["決定事項には担当を入れてください"]}
    client = client_for(personas["nurse"])
    response = client.post(
        reverse("councils:meeting_decision_add", args=[meeting.pk]),
        {"text": "チラシを作る", "owner": "", "due_on": "2019-06-30"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "決定事項には担当を入れてください" in body
    assert response.context["decision_form"].errors["owner"] == ["決定事項には担当を入れてください"]
    assert not Decision.objects.exists()


def test_a_decision_has_an_owner_and_a_due_date_and_is_marked_done(meeting, personas, client_for):
    client = client_for(personas["nurse"])
    response = client.post(
        reverse("councils:meeting_decision_add", args=[meeting.pk]),
        {"text": "移動販売の停留所を相談する", "owner": "山田（町内会）", "due_on": "2019-06-30"},
    )
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert (decision.owner, decision.due_on, decision.done_on) == (
        "山田（町内会）",
        dt.date(2019, 6, 30),
        None,
    )
    url = reverse("councils:meeting_decision_done", args=[meeting.pk, decision.pk])
    client.post(url, {"done_on": "2019-06-20"})
    decision.refresh_from_db()
    assert decision.done_on == dt.date(2019, 6, 20)
    client.post(url, {"undo": "1"})
    decision.refresh_from_db()
    assert decision.done_on is None
    # Done before the meeting was held: refused, and said.
    response = client.post(url, {"done_on": "2019-01-01"}, follow=True)
    assert "完了日は開催日（2019-05-21）以後の日付です" in response.content.decode()
    decision.refresh_from_db()
    assert decision.done_on is None


def test_a_due_date_before_the_meeting_is_refused_naming_it(meeting, personas):
    with pytest.raises(ValidationError) as caught:
        services.decision_add(
            user=personas["officer"],
            meeting=meeting,
            text="x",
            owner="事務局",
            due_on=dt.date(2019, 5, 1),
        )
    assert caught.value.message_dict == {"due_on": ["期限は開催日（2019-05-21）以後の日付です"]}


# --- minutes: two editors ------------------------------------------------------------------


def test_of_two_editors_of_the_same_minutes_the_second_is_told_and_nothing_is_overwritten(
    meeting, personas
):
    loaded = meeting.version
    first = selectors.meeting_get_for_user(
        user=personas["officer"], meeting_id=meeting.pk, cap=selectors.Cap.COUNCILS_MANAGE
    )
    second = selectors.meeting_get_for_user(
        user=personas["nurse"], meeting_id=meeting.pk, cap=selectors.Cap.COUNCILS_MANAGE
    )
    services.meeting_update(
        user=personas["officer"],
        meeting=first,
        held_on=DAY,
        place=first.place,
        agenda=first.agenda,
        minutes="A の議事録",
        version=loaded,
    )
    with pytest.raises(services.StaleError) as caught:
        services.meeting_update(
            user=personas["nurse"],
            meeting=second,
            held_on=DAY,
            place=second.place,
            agenda=second.agenda,
            minutes="B の議事録",
            version=loaded,
        )
    assert "先に保存しました" in str(caught.value)
    assert caught.value.current.minutes == "A の議事録"
    stored = Meeting.objects.get(pk=meeting.pk)
    assert (stored.minutes, stored.version, stored.updated_by) == (
        "A の議事録",
        loaded + 1,
        personas["officer"],
    )


def test_the_second_editor_keeps_their_text_sees_the_saved_one_and_can_save_after_merging(
    meeting, personas, client_for
):
    url = reverse("councils:meeting_edit", args=[meeting.pk])
    officer = client_for(personas["officer"])
    form = officer.get(url).context["form"]
    loaded = form.initial["version"]
    values = {"held_on": "2019-05-21", "place": "須佐公民館", "agenda": meeting.agenda}
    assert (
        officer.post(url, values | {"minutes": "A の議事録", "version": loaded}).status_code == 302
    )

    from django.test import Client

    nurse = Client()
    nurse.force_login(personas["nurse"], backend="django.contrib.auth.backends.ModelBackend")
    response = nurse.post(url, values | {"minutes": "B の議事録", "version": loaded})
    assert response.status_code == 409
    page = response.content.decode()
    assert "先に保存しました" in page
    assert "B の議事録</textarea>" in page  # the second editor's text stays in the form
    assert 'id="saved-minutes">A の議事録' in page  # and the saved one is beside it
    assert Meeting.objects.get(pk=meeting.pk).minutes == "A の議事録"
    # Having merged, the second editor saves over the version they have now seen.
    merged = response.context["form"].data["version"]
    assert int(merged) == loaded + 1
    response = nurse.post(url, values | {"minutes": "A の議事録\nB の追記", "version": merged})
    assert response.status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).minutes == "A の議事録\nB の追記"


def test_an_edit_without_the_version_it_was_loaded_at_is_refused_and_said(
    meeting, personas, client_for
):
    url = reverse("councils:meeting_edit", args=[meeting.pk])
    values = {"held_on": "2019-05-21", "minutes": "上書きしようとした議事録"}
    for version in ("", "abc", "0"):
        response = client_for(personas["officer"]).post(url, values | {"version": version})
        assert response.status_code == 200
        assert "版（version）" in response.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).minutes == ""


def test_a_change_to_the_minutes_is_in_the_audit_trail(meeting, personas):
    services.meeting_update(
        user=personas["nurse"],
        meeting=meeting,
        held_on=DAY,
        place="田万川公民館",
        agenda=meeting.agenda,
        minutes="議事録です",
        version=meeting.version,
    )
    event = AuditEvent.objects.filter(model="councils.meeting", action="update").get()
    assert event.user == personas["nurse"]
    assert event.changes == {
        "place": ["須佐公民館", "田万川公民館"],
        "minutes": ["0文字", "5文字"],
    }


# --- group work onto the district sheet -----------------------------------------------------


def test_the_group_work_is_done_for_the_districts_of_the_bodys_area(bodies, town):
    assert [d.name for d in selectors.body_districts(bodies.susa)] == ["須佐"]
    assert [d.name for d in selectors.body_districts(bodies.north)] == ["須佐", "田万川"]
    assert [d.name for d in selectors.body_districts(bodies.city)] == [
        "須佐",
        "田万川",
        "旭",
        "福栄",
    ]


def test_group_work_of_a_district_outside_the_bodys_area_is_refused(meeting, town, personas):
    with pytest.raises(ValidationError) as caught:
        services.groupwork_save(
            user=personas["officer"], meeting=meeting, entries={town.s1.pk: ("よい", "わるい")}
        )
    assert caught.value.message_dict == {"district": ["この協議体の地域の地区を選んでください"]}


def test_group_work_adds_its_lines_to_the_sheet_keeping_the_old_ones_and_never_twice(
    meeting, town, personas, client_for, tmp_path
):
    district_profile_store(
        district=town.n1, good_points="顔見知りが多い", problems="・バスが1日2便"
    )
    saved = services.groupwork_save(
        user=personas["nurse"],
        meeting=meeting,
        entries={
            town.n1.pk: (
                "海がきれい\n顔見知りが多い\n\n 神社の祭りが続いている ",
                "バスが１日２便\n買い物が不便",  # the first is the sheet's line in full width
            ),
            town.n2.pk: ("", ""),
        },
    )
    assert [w.district for w in saved] == [town.n1]  # an empty district is not stored
    work = GroupWork.objects.get()
    assert work.applied_at is not None
    profile = DistrictProfile.objects.get(district=town.n1)
    assert profile.good_points == "顔見知りが多い\n海がきれい\n神社の祭りが続いている"
    assert profile.problems == "・バスが1日2便\n買い物が不便"
    # Applying again (another save of the same group work) adds nothing.
    services.groupwork_apply(user=personas["nurse"], group_work=work)
    profile.refresh_from_db()
    assert profile.good_points == "顔見知りが多い\n海がきれい\n神社の祭りが続いている"
    assert not DistrictProfile.objects.filter(district=town.n2).exists()

    client = client_for(personas["coordinator"])  # any staff member reads the sheet
    page = client.get(reverse("resources:district_sheet", args=[town.n1.pk])).content.decode()
    assert "神社の祭りが続いている" in page and "買い物が不便" in page
    pdf = client.get(reverse("resources:district_sheet_pdf", args=[town.n1.pk])).content
    text = _pdf_text(pdf, tmp_path)
    assert "神社の祭りが続いている" in text and "買い物が不便" in text


def test_saving_the_group_work_page_applies_it_to_the_sheet(meeting, town, personas, client_for):
    client = client_for(personas["nurse"])
    url = reverse("councils:meeting_groupwork", args=[meeting.pk])
    page = client.get(url).content.decode()
    assert "須佐地区のええとこ" in page and "田万川地区のいかんとこ" in page and "旭" not in page
    response = client.post(
        url,
        {
            f"good_points_{town.n2.pk}": "棚田の景色がよい",
            f"problems_{town.n2.pk}": "草刈りができない家が増えた",
        },
        follow=True,
    )
    assert "資源シート（田万川地区）に反映しました" in response.content.decode()
    assert DistrictProfile.objects.get(district=town.n2).problems == "草刈りができない家が増えた"
    # Too long a box is refused naming the district and the box.
    response = client.post(url, {f"good_points_{town.n1.pk}": "あ" * 4001})
    assert response.status_code == 200
    assert response.context["form"].errors[f"good_points_{town.n1.pk}"]


def test_merging_lines_ignores_width_kana_spaces_and_bullets():
    merged = services.merge_lines(
        "・バスが少ない\nサロンがある", "ﾊﾞｽが少ない\n サロンがある\n● 店が遠い"
    )
    assert merged == "・バスが少ない\nサロンがある\n● 店が遠い"
    assert services.merge_lines("", "a\n\nb\na") == "a\nb"


# --- prints ----------------------------------------------------------------------------------


def test_the_agenda_and_the_minutes_print_as_a4_pdfs_in_japanese(
    bodies, meeting, town, personas, client_for, tmp_path
):
    services.attendance_set(
        user=personas["officer"],
        meeting=meeting,
        membership_ids=[bodies.members["chair"].pk],
        guests=[("木村 さくら", "社会福祉協議会")],
    )
    services.meeting_update(
        user=personas["officer"],
        meeting=meeting,
        held_on=DAY,
        place=meeting.place,
        agenda=meeting.agenda,
        minutes="移動販売の停留所について意見を交わした。",
        version=meeting.version,
    )
    services.decision_add(
        user=personas["officer"],
        meeting=meeting,
        text="事業者に相談する",
        owner="山田（町内会）",
        due_on=dt.date(2019, 6, 30),
    )
    services.groupwork_save(
        user=personas["officer"], meeting=meeting, entries={town.n1.pk: ("海がきれい", "店が遠い")}
    )
    client = client_for(personas["coordinator"])  # reads every body's meetings
    agenda = client.get(reverse("councils:meeting_agenda_pdf", args=[meeting.pk]))
    assert agenda["Content-Type"] == "application/pdf"
    text = _pdf_text(agenda.content, tmp_path)
    for expected in (
        "北部地域ささえあい協議体",
        "会議次第",
        "令和元年5月21日",
        "須佐公民館",
        "移動支援について",
        "佐藤 花子",
        "鈴木 一郎",
    ):
        assert expected in text, expected
    assert "高橋 次郎" not in text  # no longer a member on the day
    minutes = client.get(reverse("councils:meeting_minutes_pdf", args=[meeting.pk]))
    text = _pdf_text(minutes.content, tmp_path)
    for expected in (
        "議事録",
        "移動販売の停留所について意見を交わした",
        "事業者に相談する",
        "山田（町内会）",
        "2019-06-30",
        "木村 さくら",
        "海がきれい",
        "店が遠い",
    ):
        assert expected in text, expected
    fonts = subprocess.run(
        ["pdffonts", str(tmp_path / "out.pdf")], capture_output=True, text=True
    ).stdout
    assert "Noto-Sans-CJK-JP" in fonts


def test_the_members_attendance_over_a_fiscal_year_prints(bodies, personas, client_for, tmp_path):
    chair, left = bodies.members["chair"], bodies.members["left"]
    for day, present in ((dt.date(2018, 6, 5), [chair, left]), (dt.date(2019, 6, 4), [chair])):
        m = services.meeting_create(user=personas["officer"], body=bodies.north, held_on=day)
        services.attendance_set(
            user=personas["officer"], meeting=m, membership_ids=[p.pk for p in present]
        )
    grid = selectors.body_attendance_for_user(
        user=personas["nurse"], body_id=bodies.north.pk, fiscal_year=2018
    )
    assert {r.membership.name: r.marks for r in grid.rows} == {
        "山田 太郎": ["○"],
        "佐藤 花子": ["×"],
        "高橋 次郎": ["○"],
    }
    latest = selectors.body_attendance_for_user(user=personas["nurse"], body_id=bodies.north.pk)
    assert latest.fiscal_year == 2019 and latest.years == [2019, 2018]
    assert {r.membership.name: r.marks for r in latest.rows} == {
        "山田 太郎": ["○"],
        "佐藤 花子": ["×"],
        "鈴木 一郎": ["×"],
    }
    url = reverse("councils:body_attendance_pdf", args=[bodies.north.pk])
    text = _pdf_text(client_for(personas["nurse"]).get(url + "?year=2018").content, tmp_path)
    assert "2018年度" in text and "高橋 次郎" in text and "鈴木 一郎" not in text
    response = client_for(personas["nurse"]).get(url + "?year=abc")
    assert response.status_code == 400
    assert "year" in response.content.decode()


# --- pages and who may use them -----------------------------------------------------------

VIEW, MANAGE = "view", "manage"
ROUTES = [
    ("meeting_list", "body", VIEW, "get"),
    ("body_attendance_pdf", "body", VIEW, "get"),
    ("meeting_new", "body", MANAGE, "get"),
    ("meeting_detail", "meeting", VIEW, "get"),
    ("meeting_agenda_pdf", "meeting", VIEW, "get"),
    ("meeting_minutes_pdf", "meeting", VIEW, "get"),
    ("meeting_edit", "meeting", MANAGE, "get"),
    ("meeting_attendance", "meeting", MANAGE, "get"),
    ("meeting_groupwork", "meeting", MANAGE, "get"),
    ("meeting_decision_add", "meeting", MANAGE, "post"),
    ("meeting_decision_done", "decision", MANAGE, "post"),
]
# Who reads (every staff member of the municipality) and who runs the 北部 body and the 旭 one.
READS = {"admin", "officer", "nurse", "coordinator"}
RUNS = {"north": {"admin", "officer", "nurse"}, "south": {"admin", "officer", "coordinator"}}
PDFS = {"body_attendance_pdf", "meeting_agenda_pdf", "meeting_minutes_pdf"}


@pytest.mark.parametrize(
    "persona", ["admin", "officer", "nurse", "coordinator", "volunteer", "pref", "outsider"]
)
def test_every_meeting_route_answers_each_role_as_the_table_says(
    bodies, personas, client_for, persona
):
    officer = personas["officer"]
    worlds = {}
    for side, body in (("north", bodies.north), ("south", bodies.asahi)):
        m = services.meeting_create(user=officer, body=body, held_on=DAY)
        d = services.decision_add(user=officer, meeting=m, text="相談する", owner="事務局")
        worlds[side] = {"body": [body.pk], "meeting": [m.pk], "decision": [m.pk, d.pk]}
    client = client_for(personas[persona])
    wrong = []
    for name, kind, need, method in ROUTES:
        for side, ids in worlds.items():
            if name in PDFS and side == "south":
                continue  # the prints are read like the pages; one side is enough
            allowed = persona in (READS if need == VIEW else RUNS[side])
            response = getattr(client, method)(reverse(f"councils:{name}", args=ids[kind]))
            ok = response.status_code in (200, 302)
            if ok != allowed or (not allowed and response.status_code != 403):
                wrong.append(f"{name} {side}: {response.status_code}")
    assert wrong == []


def test_the_meeting_list_links_each_meeting_and_runs_a_fixed_number_of_queries(
    bodies, personas, client_for, django_assert_max_num_queries
):
    for month in range(4, 10):
        m = services.meeting_create(user=None, body=bodies.north, held_on=dt.date(2019, month, 10))
        services.decision_add(user=None, meeting=m, text="相談する", owner="事務局")
    client = client_for(personas["nurse"])
    url = reverse("councils:meeting_list", args=[bodies.north.pk])
    with django_assert_max_num_queries(12):
        response = client.get(url)
    page = response.content.decode()
    assert page.count('href="/councils/meetings/') == 6
    assert reverse("councils:meeting_new", args=[bodies.north.pk]) in page  # the nurse runs it
    page = client_for(personas["coordinator"]).get(url).content.decode()
    assert reverse("councils:meeting_new", args=[bodies.north.pk]) not in page


def test_the_meeting_page_offers_changes_only_to_those_who_run_the_body(
    meeting, personas, client_for
):
    url = reverse("councils:meeting_detail", args=[meeting.pk])
    edit = reverse("councils:meeting_edit", args=[meeting.pk])
    assert edit in client_for(personas["nurse"]).get(url).content.decode()
    assert edit not in client_for(personas["coordinator"]).get(url).content.decode()


def test_a_scoped_user_cannot_change_a_meeting_of_another_area_through_the_service(
    meeting, personas
):
    with pytest.raises(PermissionDenied):
        services.decision_add(
            user=personas["coordinator"], meeting=meeting, text="x", owner="事務局"
        )
    with pytest.raises(PermissionDenied):
        services.meeting_create(user=personas["coordinator"], body=meeting.body, held_on=DAY)
    with pytest.raises(PermissionDenied):
        services.groupwork_save(user=personas["coordinator"], meeting=meeting, entries={})


# --- API --------------------------------------------------------------------------------------


def test_the_api_lists_meetings_paged_and_filtered(bodies, personas, client_for):
    for body, day in (
        (bodies.north, dt.date(2019, 4, 10)),
        (bodies.north, dt.date(2019, 6, 10)),
        (bodies.asahi, dt.date(2019, 5, 10)),
    ):
        services.meeting_create(user=None, body=body, held_on=day)
    client = client_for(personas["coordinator"])
    data = client.get("/api/councils/meetings").json()
    assert data["count"] == 3
    assert [m["held_on"] for m in data["items"]] == ["2019-06-10", "2019-05-10", "2019-04-10"]
    data = client.get(f"/api/councils/meetings?body_id={bodies.north.pk}&page_size=1&page=2").json()
    assert data["count"] == 2 and [m["held_on"] for m in data["items"]] == ["2019-04-10"]
    data = client.get("/api/councils/meetings?since=2019-05-01&until=2019-05-31").json()
    assert [m["body"] for m in data["items"]] == ["旭地区福祉ネットワーク会議"]
    assert client.get("/api/councils/meetings?page=9").json() == {
        "items": [],
        "count": 3,
        "next": None,
    }
    response = client.get("/api/councils/meetings?since=2019-06-01&until=2019-05-01")
    assert response.status_code == 200 and response.json() == {
        "items": [],
        "count": 0,
        "next": None,
    }
    assert client.get("/api/councils/meetings?since=0417-02-27").status_code == 422
    assert client.get("/api/councils/meetings?page_size=501").status_code == 422
    # Another municipality's staff see none of them; a volunteer may not read meetings.
    assert client_for(personas["outsider"]).get("/api/councils/meetings").json()["count"] == 0
    assert client_for(personas["volunteer"]).get("/api/councils/meetings").status_code == 403


def test_the_api_gives_one_meeting_with_attendance_decisions_and_group_work(
    bodies, meeting, town, personas, client_for
):
    services.attendance_set(
        user=None,
        meeting=meeting,
        membership_ids=[bodies.members["chair"].pk],
        guests=[("木村 さくら", "社会福祉協議会")],
    )
    services.decision_add(
        user=None, meeting=meeting, text="相談する", owner="事務局", due_on=dt.date(2019, 7, 1)
    )
    services.groupwork_save(user=None, meeting=meeting, entries={town.n1.pk: ("海\n山", "店")})
    url = f"/api/councils/meetings/{meeting.pk}"
    data = client_for(personas["pref"]).get(url)
    assert data.status_code == 403
    data = client_for(personas["coordinator"]).get(url).json()
    assert data["body"] == "北部地域ささえあい協議体" and data["attendee_count"] == 2
    assert [(a["name"], a["guest"]) for a in data["attendance"]] == [
        ("山田 太郎", False),
        ("木村 さくら", True),
    ]
    assert data["decisions"] == [
        {
            "id": Decision.objects.get().pk,
            "text": "相談する",
            "owner": "事務局",
            "due_on": "2019-07-01",
            "done_on": None,
        }
    ]
    assert data["open_decision_count"] == 1
    assert [(g["district"], g["good_points"], g["problems"]) for g in data["group_work"]] == [
        ("須佐", ["海", "山"], ["店"])
    ]
    assert data["group_work"][0]["applied_at"]
    outsider = client_for(personas["outsider"]).get(url)
    assert outsider.status_code == 404 and "見つかりません" in outsider.json()["detail"]
    assert (
        client_for(personas["officer"]).get("/api/councils/meetings/987654321").status_code == 404
    )


def test_the_api_documents_its_answers(client_for, personas):
    doc = client_for(personas["officer"]).get("/api/openapi.json").json()
    listing = doc["paths"]["/api/v1/councils/meetings"]["get"]
    detail = doc["paths"]["/api/v1/councils/meetings/{meeting_id}"]["get"]
    assert {"200", "400", "403", "422"} <= set(listing["responses"])
    assert {"200", "403", "404", "422"} <= set(detail["responses"])
    assert {p["name"] for p in listing["parameters"]} == {
        "body_id",
        "since",
        "until",
        "page",
        "page_size",
    }
    assert "decisions" in doc["components"]["schemas"]["MeetingDetailOut"]["properties"]


# --- demo -------------------------------------------------------------------------------------


def _fingerprint(body_ids):
    meetings = Meeting.objects.filter(body_id__in=body_ids).order_by("body__name", "held_on")
    return [
        (
            m.body.name,
            m.held_on,
            m.place,
            m.agenda,
            m.minutes,
            sorted(
                (a.membership.name if a.membership else a.guest_name)
                for a in m.attendance.select_related("membership")
            ),
            [(d.text, d.owner, d.due_on, d.done_on) for d in m.decisions.order_by("id")],
            [(w.district.code, w.good_points, w.problems) for w in m.group_work.order_by("id")],
        )
        for m in meetings
    ]


def test_the_demo_makes_two_years_of_meetings_and_a_second_run_adds_nothing(bodies, town):
    all_bodies = [bodies.north, bodies.susa, bodies.asahi, bodies.city]
    demo_meetings.build(town.municipality, 2018, all_bodies)
    counts = {b.name: Meeting.objects.filter(body=b).count() for b in all_bodies}
    # 第2層 every two months, 第3層 quarterly (須佐's body was founded in June 2018: its May
    # 2018 meeting would predate it), 第1層 twice a year.
    assert counts == {
        "北部地域ささえあい協議体": 12,
        "須佐地区ささえあい協議体": 7,
        "旭地区福祉ネットワーク会議": 8,
        "萩市地域ケア推進会議": 4,
    }
    held = Meeting.objects.values_list("held_on", flat=True)
    assert min(held) >= dt.date(2018, 4, 1) and max(held) <= dt.date(2020, 3, 31)
    assert all(m.minutes and m.agenda for m in Meeting.objects.all())
    assert Attendance.objects.filter(membership__isnull=False).exists()
    assert all(1 <= m.decisions.count() <= 2 for m in Meeting.objects.all())
    assert not Decision.objects.filter(owner="").exists()
    assert GroupWork.objects.filter(applied_at__isnull=True).count() == 0
    # The group work is on every district's sheet (the 第1層 body's reaches all four).
    for district in (town.n1, town.n2, town.s1, town.s2):
        profile = DistrictProfile.objects.get(district=district)
        assert profile.good_points and profile.problems
        lines = profile.good_points.splitlines()
        assert len(lines) == len(set(lines))
    before = _fingerprint([b.pk for b in all_bodies])
    sheets = list(
        DistrictProfile.objects.order_by("district_id").values_list("good_points", "problems")
    )

    demo_meetings.build(town.municipality, 2018, all_bodies)
    assert _fingerprint([b.pk for b in all_bodies]) == before
    assert (
        list(DistrictProfile.objects.order_by("district_id").values_list("good_points", "problems"))
        == sheets
    )

    # Deterministic: built again from nothing with the same seed, the same meetings.
    Meeting.objects.all().delete()
    demo_meetings.build(town.municipality, 2018, all_bodies)
    assert _fingerprint([b.pk for b in all_bodies]) == before
    Meeting.objects.all().delete()
    demo_meetings.build(town.municipality, 7, all_bodies)
    assert _fingerprint([b.pk for b in all_bodies]) != before
