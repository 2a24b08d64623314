from django.db import migrations

from doorbraak.assessments.catalogue import DEFAULT_DOMAINS


def load(apps, schema_editor):
    LifeDomain = apps.get_model("assessments", "LifeDomain")
    for position, (code, name, levels) in enumerate(DEFAULT_DOMAINS, start=1):
        LifeDomain.objects.update_or_create(
            municipality=None,
            code=code,
            defaults={
                "name": name,
                "position": position,
                **{f"level_{n}": text for n, text in enumerate(levels, start=1)},
            },
        )


def unload(apps, schema_editor):
    LifeDomain = apps.get_model("assessments", "LifeDomain")
    LifeDomain.objects.filter(municipality=None, code__in=[c for c, _n, _l in DEFAULT_DOMAINS]).delete()


class Migration(migrations.Migration):
    dependencies = [("assessments", "0002_initial")]

    operations = [migrations.RunPython(load, unload)]
