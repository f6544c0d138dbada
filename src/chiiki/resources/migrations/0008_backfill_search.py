"""Fill the search columns of services stored before the search index took its present shape.

Services written since are indexed by ``services.service_reindex``; a database built earlier
(a demo from before 0004) has services with no folded name and no character index, which
no search would ever find.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


def forwards(apps: Any, schema_editor: Any) -> None:
    from chiiki.resources.services import chars_of, search_text_of

    service_model = apps.get_model("resources", "Service")
    chars_model = apps.get_model("resources", "SearchChars")
    indexed = set(chars_model.objects.values_list("service_id", flat=True))
    stale = service_model.objects.exclude(pk__in=indexed).select_related("organization", "district")
    for service in stale.iterator():
        places: list[str] = []
        for at in service.at_locations.select_related("location"):
            places += [at.location.name, at.location.address_1]
        if service.district_id:
            places.append(service.district.name)
        text, name = search_text_of(
            name=service.name,
            alternate_name=service.alternate_name,
            description=service.description,
            organization=service.organization.name,
            categories=[c for c in service.category_codes.split("|") if c],
            places=places,
        )
        service_model.objects.filter(pk=service.pk).update(search_text=text, name_folded=name)
        chars_model.objects.create(
            service=service, name_chars=chars_of(name), text_chars=chars_of(text)
        )


class Migration(migrations.Migration):
    dependencies = [("resources", "0007_longer_texts")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
