"""The content type ``breakthroughs.regulation`` becomes ``library.regulation``.

Permissions hang on the content type, so whoever could change the law library keeps that
right, and admin log entries keep pointing at their objects. A fresh database has no
content types yet at this point; they are created after migrating, under the new label.
"""

from typing import Any

from django.db import migrations


def _relabel(apps: Any, old: str, new: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    if content_type.objects.filter(app_label=new, model="regulation").exists():
        return
    content_type.objects.filter(app_label=old, model="regulation").update(app_label=new)


def forwards(apps: Any, schema_editor: Any) -> None:
    _relabel(apps, "breakthroughs", "library")


def backwards(apps: Any, schema_editor: Any) -> None:
    _relabel(apps, "library", "breakthroughs")


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
