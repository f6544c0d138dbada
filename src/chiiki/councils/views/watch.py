"""Pages of councils: watch-over networks (佐々町) and the daily huddle (川上村).

- ``watch_meeting``: the households a meeting discussed, and the form to record one;
- ``watch_case``: one household: passing it to the center, the center's follow-up;
- ``watch_open``: households passed to the center with no follow-up yet, by district;
- ``person_watch``: a resident's cases;
- ``huddle_person``: a resident's huddle log and the form to add a note;
- ``huddle_today``: one day's notes of a huddle.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.accounts.http import AuthedRequest
from chiiki.core.params import Params
from chiiki.councils.forms.watch import FollowupForm, HuddleNoteForm, PassForm, WatchCaseForm
from chiiki.councils.models import WatchCase
from chiiki.councils.selectors import watch as selectors
from chiiki.councils.services import watch as services
from chiiki.people.selectors import person_get_for_user, person_in_scope, person_pick_list

PICK_REFUSED = "住民を検索して選んでください（担当地区の人のみ）"


def _save(form: Form, save: Callable[[], Any]) -> Any:
    """Run the service; its refusals land on the form, field by field, in Japanese."""
    try:
        return save()
    except services.StaleError as exc:
        form.add_error(None, str(exc))
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc)
    return None


def _people(request: AuthedRequest, cap: Cap) -> tuple[str, list[Any]]:
    query = Params(request.GET).text("q")
    return query, person_pick_list(user=request.user, query=query, cap=cap)


# --- watch-over networks -------------------------------------------------------------------


@login_required
def watch_meeting(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    """The households discussed at a meeting (those of the user's areas), and a new one."""
    meeting = selectors.watch_meeting_get_for_user(user=request.user, meeting_id=meeting_id)
    query, people = _people(request, Cap.WATCH)
    if request.htmx and request.method == "GET":
        found: dict[str, Any] = {"people": people, "query": query}
        return render(request, "councils/watch/meeting.html#people", found)
    districts = selectors.watch_case_districts(user=request.user, body=meeting.body)
    form = WatchCaseForm(request.POST or None, districts=districts)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = None
        if data["person"]:
            try:
                person = person_in_scope(user=request.user, person_id=data["person"], cap=Cap.WATCH)
            except access.PermissionDenied:
                form.add_error("person", PICK_REFUSED)
        if not form.errors:
            district = {d.pk: d for d in districts}[data["district"]]
            case = _save(
                form,
                lambda: services.watch_case_create(
                    user=request.user,
                    meeting=meeting,
                    household=data["household"],
                    concern=data["concern"],
                    district=district,
                    person=person,
                    passed_on=data["passed_on"],
                ),
            )
            if case is not None:
                messages.success(request, f"「{case.household}」を記録しました")
                return redirect("councils:watch_meeting", meeting.pk)
    cases = selectors.watch_cases_of_meeting(user=request.user, meeting=meeting)
    context: dict[str, Any] = {
        "meeting": meeting,
        "cases": cases,
        "form": form,
        "people": people,
        "query": query,
        "can_record": bool(districts),
    }
    return render(request, "councils/watch/meeting.html", context, status=_status(form))


def _status(form: Form) -> int:
    return 409 if any(services.STALE in e for e in form.non_field_errors()) else 200


def _case_post(request: AuthedRequest, case: WatchCase) -> tuple[Form, bool]:
    """Pass the case to the center, or record the center's follow-up."""
    action = Params(request.POST).choice("action", ("pass", "followup"), default="pass")
    if action == "pass":
        form: Form = PassForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            done = _save(
                form,
                lambda: services.watch_case_pass(
                    user=request.user, case=case, on=data["passed_on"], version=data["version"]
                ),
            )
            return form, done is not None
        return form, False
    form = FollowupForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        done = _save(
            form,
            lambda: services.watch_case_followup(
                user=request.user,
                case=case,
                text=data["followup"],
                on=data["followup_on"],
                version=data["version"],
            ),
        )
        return form, done is not None
    return form, False


@login_required
def watch_case(request: AuthedRequest, case_id: int) -> HttpResponse:
    """One household: what worries the network, its passing to the center, the follow-up."""
    today = timezone.localdate()
    pass_form: Form = PassForm(initial={"passed_on": today})
    followup_form: Form = FollowupForm(initial={"followup_on": today})
    if request.method == "POST":
        case = selectors.watch_case_in_scope(user=request.user, case_id=case_id)
        form, done = _case_post(request, case)
        if done:
            messages.success(request, "記録しました（変更は監査ログに記録されます）")
            return redirect("councils:watch_case", case.pk)
        if isinstance(form, PassForm):
            pass_form = form
        else:
            followup_form = form
    case = selectors.watch_case_get_for_user(user=request.user, case_id=case_id)
    context = {
        "case": case,
        "pass_form": pass_form,
        "followup_form": followup_form,
        "can_followup": access.can(request.user, Cap.HUDDLE),
    }
    status = max(_status(pass_form), _status(followup_form))
    return render(request, "councils/watch/case.html", context, status=status)


@login_required
def watch_open(request: AuthedRequest) -> HttpResponse:
    """Households passed to the center that it has not reported back on yet."""
    params = Params(request.GET)
    district_id = params.id("district")
    page = selectors.watch_open_page_for_user(
        user=request.user, district_id=district_id, page=params.page()
    )
    context = {
        "page": page,
        "district_id": district_id,
        "districts": selectors.watch_districts_for_user(user=request.user),
        "meetings": selectors.watch_meetings_for_user(user=request.user),
        "query_string": urlencode({"district": district_id} if district_id else {}),
        "today": timezone.localdate(),
    }
    return render(request, "councils/watch/open.html", context)


@login_required
def person_watch(request: AuthedRequest, person_id: int) -> HttpResponse:
    """A resident's cases at the watch-over networks."""
    person = person_get_for_user(user=request.user, person_id=person_id, cap=Cap.WATCH)
    cases = selectors.watch_cases_of_person(user=request.user, person=person)
    return render(request, "councils/watch/person.html", {"person": person, "cases": cases})


# --- the daily huddle ----------------------------------------------------------------------


@login_required
def huddle_person(request: AuthedRequest, person_id: int) -> HttpResponse:
    """A resident's huddle log (health roles only), and the form to add a line."""
    person = person_get_for_user(user=request.user, person_id=person_id, cap=Cap.HUDDLE)
    today = timezone.localdate()
    bodies = selectors.huddle_bodies_for_person(user=request.user, person=person, on=today)
    form = HuddleNoteForm(request.POST or None, bodies=bodies, initial={"written_on": today})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        body = {b.pk: b for b in bodies}[data["body"]]
        note = _save(
            form,
            lambda: services.huddle_note_add(
                user=request.user,
                body=body,
                person=person,
                profession=data["profession"],
                text=data["text"],
                written_on=data["written_on"],
            ),
        )
        if note is not None:
            messages.success(request, "打ち合わせの記録を追加しました")
            return redirect("councils:huddle_person", person.pk)
    page = selectors.huddle_notes_of_person(
        user=request.user, person=person, page=Params(request.GET).page()
    )
    context = {"person": person, "page": page, "form": form, "bodies": bodies}
    return render(request, "councils/watch/huddle_person.html", context)


@login_required
def huddle_today(request: AuthedRequest, body_id: int) -> HttpResponse:
    """One day's notes of a huddle (today unless ``on`` is given), by resident."""
    body = selectors.huddle_body_get_for_user(user=request.user, body_id=body_id)
    params = Params(request.GET)
    today = timezone.localdate()
    on = params.date("on", default=today) or today
    query, people = _people(request, Cap.HUDDLE)
    if request.htmx and params.given("q"):
        found: dict[str, Any] = {"people": people, "query": query}
        return render(request, "councils/watch/huddle_today.html#people", found)
    notes = selectors.huddle_notes_of_day(user=request.user, body=body, on=on)
    before, after = selectors.huddle_days_around(user=request.user, body=body, on=on)
    context: dict[str, Any] = {
        "body": body,
        "on": on,
        "today": today,
        "notes": notes,
        "before": before,
        "after": after,
        "people": people,
        "query": query,
    }
    return render(request, "councils/watch/huddle_today.html", context)


urlpatterns = [
    path("watch/", watch_open, name="watch_open"),
    path("watch/meetings/<id:meeting_id>/", watch_meeting, name="watch_meeting"),
    path("watch/cases/<id:case_id>/", watch_case, name="watch_case"),
    path("watch/people/<id:person_id>/", person_watch, name="person_watch"),
    path("huddle/people/<id:person_id>/", huddle_person, name="huddle_person"),
    path("huddle/<id:body_id>/", huddle_today, name="huddle_today"),
]
