"""The speech's six ways of guiding (二.2); the office adds others on the methods page."""

from django.db import migrations

METHODS = ["个别访谈", "列席领导班子学习研讨", "列席调研成果交流会", "列席专题党课", "列席民主生活会", "调阅调研报告"]


def add_methods(apps, schema_editor):  # type: ignore[no-untyped-def]
    VisitMethod = apps.get_model("supervision", "VisitMethod")
    for order, name in enumerate(METHODS, start=1):
        VisitMethod.objects.get_or_create(name=name, defaults={"order": order})


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]

    operations = [migrations.RunPython(add_methods, migrations.RunPython.noop)]
