from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chiiki.settings")
application = get_wsgi_application()

from chiiki.web.staticfiles import warn_at_start  # noqa: E402  (after the apps are ready)

warn_at_start()
