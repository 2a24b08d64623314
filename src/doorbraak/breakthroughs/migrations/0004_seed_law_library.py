"""Seed the national law library; reversing deletes exactly the national citations added."""

from typing import Any

from django.apps.registry import Apps
from django.db import migrations

from doorbraak.library.seed import NATIONAL_ARTICLES


def load(apps: Apps, schema_editor: Any) -> None:
    Regulation = apps.get_model("breakthroughs", "Regulation")
    for article in NATIONAL_ARTICLES:
        Regulation.objects.update_or_create(
            municipality=None,
            citation=article.citation,
            defaults={
                "law": article.law,
                "article": article.article,
                "kind": article.kind,
                "description": article.description,
                "deviation": article.deviation,
                "url": article.url,
            },
        )


def unload(apps: Apps, schema_editor: Any) -> None:
    Regulation = apps.get_model("breakthroughs", "Regulation")
    Regulation.objects.filter(
        municipality=None, citation__in=[a.citation for a in NATIONAL_ARTICLES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("breakthroughs", "0003_accountable_records_append_only")]

    operations = [migrations.RunPython(load, unload)]
