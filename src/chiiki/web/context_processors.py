from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from chiiki.accounts import access
from chiiki.accounts.access import Cap

# key, label, URL name, the capability that shows it (None: everyone logged in).
NAV: tuple[tuple[str, str, str, Cap | None], ...] = (
    ("dashboard", N_("地域の概況"), "dashboard", Cap.DASHBOARD_VIEW),
    ("people", N_("人"), "people:list", Cap.PEOPLE_LIST),
    ("surveys", N_("ニーズ把握"), "surveys:index", Cap.SURVEY_RESULTS),
    ("resources", N_("地域資源"), "resources:index", Cap.RESOURCES_VIEW),
    ("mutualaid", N_("助け合い"), "mutualaid:index", Cap.MUTUALAID_MANAGE),
    ("mutualaid", N_("わたしの活動"), "mutualaid:my", Cap.MUTUALAID_OWN_JOBS),
    ("councils", N_("協議体・地域課題"), "councils:index", Cap.COUNCILS_VIEW),
    ("casemeetings", N_("地域ケア会議"), "casemeetings:index", Cap.CASES_VIEW),
    ("indicators", N_("指標と計画"), "indicators:index", Cap.INDICATORS_VIEW),
    ("prefecture", N_("県の市町村支援"), "prefecture:index", Cap.PREFECTURE_VIEW),
    ("population", N_("人口データ"), "areas:population_import", Cap.POPULATION_IMPORT),
    ("staff", N_("職員"), "web:staff_list", Cap.USERS_MANAGE),
    ("audit", N_("監査ログ"), "accounts:audit", Cap.AUDIT_VIEW),
    ("scheduler", N_("定期処理"), "scheduler:jobs", Cap.JOBS_VIEW),
)


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The modules in the navigation bar, shown only to the users who may use them."""
    user = request.user
    if not user.is_authenticated:
        return {"nav": []}
    items = [
        (key, _(label), reverse(url))
        for key, label, url, cap in NAV
        if cap is None or access.can(user, cap)
    ]
    if access.can(user, Cap.MUTUALAID_OWN_JOBS):  # a volunteer's home is their own jobs
        items.sort(key=lambda item: item[0] != "mutualaid")
    current = request.resolver_match.url_name if request.resolver_match else ""
    namespace = request.resolver_match.namespace if request.resolver_match else ""
    return {"nav": items, "nav_current": namespace or current}
