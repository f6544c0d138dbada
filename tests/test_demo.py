"""The demo municipality: the guide's figures, and the same seed gives the same people."""

from chiiki.accounts.models import User
from chiiki.areas.selectors import municipality_overview
from chiiki.people.models import Person
from chiiki.web import demo


def _fingerprint(people):
    return [
        (
            p.family_name,
            p.given_name,
            p.family_kana,
            p.sex,
            p.birth_date,
            p.district.code,
            p.care_level,
            p.lives_alone,
            p.address,
        )
        for p in people
    ]


def test_the_demo_has_the_guides_figures_a_person_per_older_resident_and_a_login_per_role(db):
    municipality = demo.build(seed=2018)
    overview = municipality_overview(municipality=municipality)
    assert overview.summary.sentence() == (
        "総人口48,234人。うち、65歳以上高齢者人口19,977人(41.4%)、75歳以上高齢者人口10,766人(22.3%)"
    )
    assert Person.objects.count() == 19_977
    assert 10 <= municipality.districts.count() <= 15
    assert set(User.objects.values_list("role", flat=True)) == {
        "administrator",
        "municipal",
        "support_center",
        "coordinator",
        "volunteer",
        "prefecture",
    }
    # Same seed, same people; another seed, other people.
    stored = _fingerprint(Person.objects.select_related("district").order_by("id")[:200])
    assert _fingerprint(demo.make_people(municipality, 2018)[:200]) == stored
    assert _fingerprint(demo.make_people(municipality, 7)[:200]) != stored
    # Each person's age on the reference date is in their population cell's band.
    assert all(65 <= p.age_on(demo.DATE) for p in Person.objects.only("birth_date")[:2000])
