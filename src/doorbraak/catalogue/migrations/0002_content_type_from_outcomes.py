"""The content type ``outcomes.costitem`` becomes ``catalogue.costitem``.

Permissions hang on the content type, so groups and users that could change the cost
catalogue keep that right (``catalogue.change_costitem`` is the same row as before), and
admin log entries keep pointing at their objects. A fresh database has no content types
yet at this point; they are created after migrating, under the new label.
"""

from typing import Any

from django.db import migrations


def _relabel(apps: Any, old: str, new: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    before = content_type.objects.filter(app_label=old, model="costitem").first()
    if before is None:
        return  # a fresh database: the content type is created after migrating
    # Migrating step by step, Django may already have created an empty content type under
    # the new label (with unassigned permissions): the one with the history wins.
    content_type.objects.filter(app_label=new, model="costitem").delete()
    before.app_label = new
    before.save(update_fields=["app_label"])


def forwards(apps: Any, schema_editor: Any) -> None:
    _relabel(apps, "outcomes", "catalogue")


def backwards(apps: Any, schema_editor: Any) -> None:
    _relabel(apps, "catalogue", "outcomes")


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
