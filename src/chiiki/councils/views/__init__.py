"""Pages of councils, one module per part; each module has its own ``urlpatterns``."""
