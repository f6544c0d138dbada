from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from chiiki.accounts import permissions


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The modules in the navigation bar, shown only to the users who may use them."""
    user = request.user
    if not user.is_authenticated:
        return {"nav": []}
    items: list[tuple[str, str, str]] = []
    if not permissions.can_use_volunteer_page(user):  # a volunteer's home is their own jobs
        items.append(("dashboard", _("地域の概況"), reverse("dashboard")))
    if permissions.can_view_people(user):
        items.append(("people", _("人"), reverse("people:list")))
    if permissions.can_view_survey_results(user):
        items.append(("surveys", _("ニーズ把握"), reverse("surveys:index")))
    items.append(("resources", _("地域資源"), reverse("resources:index")))
    if permissions.can_manage_mutualaid(user):
        items.append(("mutualaid", _("助け合い"), reverse("mutualaid:index")))
    elif permissions.can_use_volunteer_page(user):
        items.append(("mutualaid", _("わたしの活動"), reverse("mutualaid:my")))
    if permissions.can_import_population(user):
        items.append(("population", _("人口データ"), reverse("areas:population_import")))
    if permissions.can_view_audit(user):
        items.append(("audit", _("監査ログ"), reverse("accounts:audit")))
    current = request.resolver_match.url_name if request.resolver_match else ""
    namespace = request.resolver_match.namespace if request.resolver_match else ""
    return {"nav": items, "nav_current": namespace or current}
