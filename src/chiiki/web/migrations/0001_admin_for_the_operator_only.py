"""Django's admin is the operator's alone: no login of a municipality or a prefecture keeps
staff or superuser rights (municipal administrators were once made superusers, which let
them see and change every municipality's users and residents).

A data migration of the web app, the shell that owns the admin site; the users stay in
accounts. Reversing it grants nothing back.
"""

from django.db import migrations
from django.db.models import Q


def clear_tenant_staff(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    User.objects.filter(Q(municipality__isnull=False) | Q(prefecture__isnull=False)).filter(
        Q(is_staff=True) | Q(is_superuser=True)
    ).update(is_staff=False, is_superuser=False)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_audit_municipality")]
    operations = [migrations.RunPython(clear_tenant_staff, migrations.RunPython.noop)]
