"""The household keeps the classification of its latest assessment.

Lists read it from the household row instead of looking into the assessments, so
``households`` no longer imports ``assessments``. The column is filled once from the
assessments there are; from then on ``assessments.services.assessment_record`` keeps it.
"""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Household = apps.get_model("households", "Household")
    Assessment = apps.get_model("assessments", "Assessment")
    latest = Assessment.objects.filter(household=OuterRef("pk"), member__isnull=True).order_by(
        "-assessed_on", "-pk"
    )
    Household.objects.update(latest_classification=Subquery(latest.values("classification")[:1]))


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0006_text_limits"),
        ("assessments", "0005_text_limits"),
    ]

    operations = [
        migrations.AddField(
            model_name="household",
            name="latest_classification",
            field=models.CharField(
                blank=True,
                choices=[("groen", "Green"), ("oranje", "Orange"), ("rood", "Red")],
                editable=False,
                max_length=10,
                null=True,
                verbose_name="latest classification",
            ),
        ),
        # Reversing drops the column; the assessments it came from stay.
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
