from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import PageNumberPagination, paginate

from chiiki.accounts import permissions
from chiiki.people import selectors
from chiiki.people.models import Person
from chiiki.people.schemas import PersonDetailOut, PersonOut

router = Router(tags=["people"])


def _out(p: Person, *, health: bool, detail: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": p.pk,
        "family_name": p.family_name,
        "given_name": p.given_name,
        "family_kana": p.family_kana,
        "given_kana": p.given_kana,
        "sex": p.sex,
        "birth_date": p.birth_date,
        "district_id": p.district_id,
        "district": p.district.name,
        "life_area": p.district.life_area.name,
        "lives_alone": p.lives_alone,
        "is_volunteer": getattr(p, "is_volunteer", False),
        "care_level": p.care_level if health else None,
        "insured_number": p.insured_number if health else None,
    }
    if detail:
        data |= {"address": p.address, "phone": p.phone}
    return data


@router.get("", response=list[PersonOut])
@paginate(PageNumberPagination, page_size=50)
def person_list(request: HttpRequest, q: str = "", district_id: int | None = None) -> Any:
    """People in the caller's areas; `q` matches name or kana ignoring width and kana."""
    from django.db.models import Exists, OuterRef

    from chiiki.people.models import Volunteer

    health = permissions.can_view_health(request.user)
    qs = selectors.person_list_for_user(
        user=request.user, query=q, district_id=district_id
    ).annotate(is_volunteer=Exists(Volunteer.objects.filter(person=OuterRef("pk"))))
    return _PersonPage(qs, health)


class _PersonPage:
    """A lazily sliced queryset mapped to dicts, so pagination counts and slices in SQL."""

    def __init__(self, qs: Any, health: bool) -> None:
        self.qs, self.health = qs, health

    def count(self) -> int:
        return int(self.qs.count())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[dict[str, Any]]:
        return [_out(p, health=self.health) for p in self.qs[key]]


@router.get("/{person_id}", response=PersonDetailOut)
def person_detail(request: HttpRequest, person_id: int) -> Any:
    person = selectors.person_get_for_user(
        user=request.user, person_id=person_id, request=request, channel="api"
    )
    data = _out(person, health=permissions.can_view_health(request.user), detail=True)
    data["is_volunteer"] = hasattr(person, "volunteer")
    return data
