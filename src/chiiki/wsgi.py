from __future__ import annotations

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chiiki.settings")
application = get_wsgi_application()

from chiiki.web.staticfiles import warn_at_start  # noqa: E402  (after the apps are ready)

warn_at_start()

# What the server loaded to start (Django, the apps, their libraries: some 130,000 objects)
# lives as long as the process. Frozen, a full collection no longer walks it: on a small
# server that walk took over 100 ms, and it fell on whichever request was running.
gc.collect()
gc.freeze()
