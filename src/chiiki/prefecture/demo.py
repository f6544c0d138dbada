"""The prefecture's demo: 熊本県 with its 45 real municipalities (codes and names from the
country's list; their figures synthetic), its 平成29年度 dispatch log that adds up to the
guide's table, a year of team visits to every municipality, seminars, and its viewer
``kumamoto``. 山口県's viewer
``ken`` sees the demo town 萩市 as before.

Idempotent: a second ``chiiki demo`` adds nothing.
"""

from __future__ import annotations

from django.db import transaction

from chiiki.accounts.models import Role, User
from chiiki.accounts.services import user_create
from chiiki.areas.models import Municipality
from chiiki.prefecture import world
from chiiki.prefecture.models import Dispatch
from chiiki.prefecture.services import dispatch as dispatch_services
from chiiki.prefecture.services import support as support_services

CODE = "43"  # 熊本県
LOGIN = "kumamoto"
DISPLAY_NAME = "熊本県 認知症・地域ケア推進課 松本"


@transaction.atomic
def build(municipality: Municipality, seed: int) -> None:
    from chiiki.web.demo import DEMO_PASSWORD

    built = world.build(CODE, seed)
    if not Dispatch.objects.filter(prefecture=built.prefecture).exists():
        # 平成29年度: adds up exactly to the guide's table of 熊本県's dispatches.
        dispatch_services.demo_log(built.prefecture, built.municipalities)
    # The support team's visits (every municipality in 平成30年度) and seminars in the
    # guide's 高知県 layout: idempotent itself.
    support_services.demo_support(built.prefecture, built.municipalities, seed)
    if not User.objects.filter(username=LOGIN).exists():
        user_create(
            username=LOGIN,
            password=DEMO_PASSWORD,
            role=Role.PREFECTURE,
            prefecture=built.prefecture,
            display_name=DISPLAY_NAME,
        )
