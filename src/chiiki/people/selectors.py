"""Reads for people: every list and record goes through the read door (scoped, audited)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL

from chiiki.accounts import access
from chiiki.accounts.access import Cap
from chiiki.core.text import fold
from chiiki.people.models import CareCertification, NamePrefix, Person, Volunteer

if TYPE_CHECKING:
    from chiiki.accounts.models import User
    from chiiki.areas.models import Municipality

PAGE_SIZE = 50
REFUSED = "この人の記録を閲覧する権限がありません"
TRIGRAM_MIN = 3  # the trigram indexes find nothing in a term shorter than this
PREFIX_MAX = 3  # the longest prefix NamePrefix holds; a longer term is checked on its rows
LIST_KEY = ("family_kana", "given_kana", "id")  # the list's order, and its cursor's key
PREFIX_KEY = ("family_kana", "given_kana", "person_id")  # the same order on NamePrefix
DRIVER_CAP = 1000  # a term's prefix rows counted up to here to pick the one to read from


def _phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _inner_ids(term: str) -> Any:
    """The ids of people with ``term`` (three characters or more) inside a name, not at its
    start: SQLite's FTS5 trigram table, or PostgreSQL's pg_trgm index on ``inner_text``."""
    if connection.vendor == "sqlite":
        return RawSQL(
            "SELECT rowid FROM people_person_inner WHERE people_person_inner MATCH %s",
            [_phrase(term)],
        )
    return Person.objects.filter(inner_text__contains=term).values("id")


def _inside_somewhere(term: str) -> bool:
    """Is ``term`` inside anyone's name at all? Mostly not (さとう is at the start of names),
    and then the query leaves the trigram index out."""
    if len(term) < TRIGRAM_MIN:
        return False
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM people_person_inner WHERE people_person_inner MATCH %s LIMIT 1",
                [_phrase(term)],
            )
            return cursor.fetchone() is not None
    return Person.objects.filter(inner_text__contains=term).exists()


def _starts_on_person(term: str) -> Q:
    """A name of the person starts with ``term`` (what a NamePrefix row says), read from
    the person's own keys: for the few rows found through the trigram index."""
    if len(term) == 1:  # one character: the start of the family name or kana
        return (
            Q(name_key__startswith=term)
            | Q(kana_key__startswith=term)
            | Q(given_key=term)
            | Q(given_kana_key=term)
        )
    return (
        Q(name_key__startswith=term)
        | Q(given_key__startswith=term)
        | Q(kana_key__startswith=term)
        | Q(given_kana_key__startswith=term)
    )


def _on_prefix_row(term: str, inside: set[str]) -> Q:
    """``term`` matches the person of a NamePrefix row (another word of the query)."""
    if len(term) == 1:
        return Q(person_id__in=NamePrefix.objects.filter(prefix=term).values("person_id"))
    starts = Q(tokens__contains=" " + term)
    return starts | Q(person_id__in=_inner_ids(term)) if term in inside else starts


def _on_person(term: str, inside: set[str]) -> Q:
    starts = _starts_on_person(term)
    return starts | Q(pk__in=_inner_ids(term)) if term in inside else starts


def _prefix_rows(term: str) -> QuerySet[NamePrefix]:
    """The NamePrefix rows of the people with a name that starts with ``term``."""
    rows = NamePrefix.objects.filter(prefix=term[:PREFIX_MAX])
    return rows.filter(tokens__contains=" " + term) if len(term) > PREFIX_MAX else rows


def _driver(terms: list[str]) -> str:
    """The word to read from: the one with the fewest prefix rows (counted up to
    DRIVER_CAP), the first among equals (a family name, as people type it)."""
    if len(terms) == 1:
        return terms[0]

    def rows(term: str) -> int:
        return _prefix_rows(term).order_by()[: DRIVER_CAP + 1].count()

    counts = [rows(t) for t in terms]
    return terms[counts.index(min(counts))]


def search_paths(
    terms: list[str], *, district_id: int | None = None, include_moved: bool = False
) -> list[access.Path[Any]]:
    """The ways the people matching every folded term are found, each in the list's order
    and none sharing a person (``access.read_keyset_page`` merges them).

    A term of one or two characters matches the start of a name (佐藤, さと, 花子; one
    character: a family name or kana, 林, さ); of three or more, anywhere in one (さとう,
    佐藤花子, ｻﾄｳ). The word read from (``_driver``) is looked up in NamePrefix, whose rows
    are in the list's order (the first page of 15,000 佐藤 costs what one of ten does); a
    word longer than its prefixes, and the other words, are checked on its rows. For a word
    of three characters or more, the people that have it inside a name but at the start of
    none come second, through the trigram index (few, sorted).
    """
    driver = _driver(terms)
    others = [t for t in terms if t is not driver]
    inside = {t for t in terms if _inside_somewhere(t)}
    rows = _prefix_rows(driver)
    for term in others:
        rows = rows.filter(_on_prefix_row(term, inside))
    base = Person.objects.all() if include_moved else Person.objects.current()
    if not include_moved:
        rows = rows.filter(moved_out_on__isnull=True)
    if district_id is not None:
        rows, base = rows.filter(district_id=district_id), base.filter(district_id=district_id)
    paths: list[access.Path[Any]] = [access.Path(rows, PREFIX_KEY)]
    if driver in inside:
        within = base.filter(pk__in=_inner_ids(driver)).exclude(_starts_on_person(driver))
        for term in others:
            within = within.filter(_on_person(term, inside))
        paths.append(access.Path(within, LIST_KEY))
    return paths


def _terms(query: str) -> list[str]:
    return [t for t in (fold(w) for w in query.split()) if t]


def _listed(district_id: int | None, include_moved: bool) -> QuerySet[Person]:
    base = Person.objects.all() if include_moved else Person.objects.current()
    if district_id is not None:
        base = base.filter(district_id=district_id)
    return base.select_related("district", "district__life_area").annotate(
        is_volunteer=Exists(Volunteer.objects.filter(person=OuterRef("pk")))
    )


def _note(query: str, include_moved: bool) -> dict[str, Any] | None:
    note: dict[str, Any] = {"q": query} if query else {}
    if include_moved:
        note["moved"] = True
    return note or None


def person_list_for_user(
    *,
    user: User,
    query: str = "",
    district_id: int | None = None,
    after: int | None = None,
    before: int | None = None,
    size: int = PAGE_SIZE,
    include_moved: bool = False,
    params: tuple[str, str] = ("after", "before"),
) -> access.KeysetPage[Person]:
    """One page of the people the user may see, in kana order, matching every word of a
    name or kana query in any width or kana (``search_paths``), walked by a cursor (the id
    of the row the page starts after or ends before); people marked moved out only with
    ``include_moved``. The count is exact up to 1,000. The page is one audited list read."""
    terms = _terms(query)
    return access.read_keyset_page(
        user,
        Cap.PEOPLE_LIST,
        _listed(district_id, include_moved),
        key=LIST_KEY,
        through=search_paths(terms, district_id=district_id, include_moved=include_moved)
        if terms
        else None,
        after=after,
        before=before,
        size=size,
        what="人の一覧",
        note=_note(query, include_moved),
        params=params,
    )


def person_page_for_user(
    *,
    user: User,
    query: str = "",
    district_id: int | None = None,
    page: int = 1,
    size: int = PAGE_SIZE,
    include_moved: bool = False,
) -> access.KeysetPage[Person]:
    """A numbered page of the same list, counted exactly (the API's ``page``, kept for the
    tools that use it): an OFFSET, so a page deep in a large list costs more than by
    cursor. A page past the end shows the last one. Audited like every list read."""
    terms = _terms(query)
    return access.read_keyset_page(
        user,
        Cap.PEOPLE_LIST,
        _listed(district_id, include_moved),
        key=LIST_KEY,
        through=search_paths(terms, district_id=district_id, include_moved=include_moved)
        if terms
        else None,
        offset=(page - 1) * size,
        size=size,
        what="人の一覧",
        note=_note(query, include_moved),
        count_cap=None,
    )


def person_pick_list(*, user: User, query: str, cap: Cap, limit: int = 30) -> list[Person]:
    """A short list of people to pick from (the counter's search, a help request's
    resident), for a capability that works on people: the first ``limit`` matches in kana
    order, people moved out left out; the names shown are audited."""
    terms = _terms(query)
    if not terms:
        return []
    page = access.read_keyset_page(
        user,
        cap,
        _listed(None, False),
        key=LIST_KEY,
        through=search_paths(terms),
        size=limit,
        what="人の検索",
        note={"q": query},
        counted=False,
    )
    return page.rows


def person_get_for_user(*, user: User, person_id: int, cap: Cap = Cap.PEOPLE_VIEW) -> Person:
    """Open one record: refused alike when missing or outside the user's areas; audited."""
    qs = Person.objects.select_related("district", "district__life_area", "municipality")
    return access.read_one(user, cap, qs, person_id, refuse=REFUSED)


def person_in_scope(*, user: User, person_id: int, cap: Cap) -> Person:
    """A person within reach, for a partial update of a page whose opening was audited (the
    answer names nobody the page did not)."""
    qs = Person.objects.select_related("district", "municipality")
    return access.read_one(user, cap, qs, person_id, refuse=REFUSED, audit_read=False)


def is_volunteer(person: Person) -> bool:
    return Volunteer.objects.filter(person=person).exists()


def register_counts(*, municipality: Municipality) -> dict[str, int]:
    """How many of the municipality's people came from the register, and how many of them
    are marked moved out: counts only, for the import page."""
    from_register = Person.objects.filter(municipality=municipality, register_number__isnull=False)
    return {
        "register": from_register.count(),
        "moved_out": from_register.filter(moved_out_on__isnull=False).count(),
        "by_hand": Person.objects.filter(
            municipality=municipality, register_number__isnull=True
        ).count(),
    }


def care_certification_list_for_person(
    *, user: User, person: Person
) -> QuerySet[CareCertification]:
    """A person's care certification periods, latest first (health data: shown on the
    person's page, whose opening is audited)."""
    return access.visible(
        user,
        Cap.HEALTH_VIEW,
        CareCertification.objects.filter(person=person).order_by("-valid_from"),
        "健康情報を閲覧する権限がありません",
    )
