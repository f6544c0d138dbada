"""The prefecture's demo: 熊本県 with its 45 real municipalities (codes and names from the
country's list; their figures synthetic), and its viewer ``kumamoto``. 山口県's viewer
``ken`` sees the demo town 萩市 as before.

Idempotent: a second ``chiiki demo`` adds nothing.
"""

from __future__ import annotations

from django.db import transaction

from chiiki.accounts.models import Role, User
from chiiki.accounts.services import user_create
from chiiki.areas.models import Municipality
from chiiki.prefecture import world

CODE = "43"  # 熊本県
LOGIN = "kumamoto"
DISPLAY_NAME = "熊本県 認知症・地域ケア推進課 松本"


@transaction.atomic
def build(municipality: Municipality, seed: int) -> None:
    from chiiki.web.demo import DEMO_PASSWORD

    built = world.build(CODE, seed)
    if not User.objects.filter(username=LOGIN).exists():
        user_create(
            username=LOGIN,
            password=DEMO_PASSWORD,
            role=Role.PREFECTURE,
            prefecture=built.prefecture,
            display_name=DISPLAY_NAME,
        )
