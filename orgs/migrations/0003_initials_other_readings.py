"""Organisations' pinyin initials also hold the other readings of characters that have several (长宁市委 →
"znsw cnsw …"), so that the picker finds 长宁市委 by cnsw. Recomputed in batches; names repeat, so each distinct
name is read once."""

from typing import Any

from django.db import migrations

from core import cn

BATCH = 2000


def fill(apps: Any, schema_editor: Any) -> None:
    Organization = apps.get_model("orgs", "Organization")
    readings: dict[str, str] = {}
    last = 0
    while True:
        rows = list(Organization.objects.filter(pk__gt=last).order_by("pk").only("pk", "name", "initials")[:BATCH])
        if not rows:
            return
        changed = []
        for org in rows:
            value = readings.get(org.name)
            if value is None:
                value = readings[org.name] = cn.pinyin_initials_readings(org.name)
            if org.initials != value:
                org.initials = value
                changed.append(org)
        Organization.objects.bulk_update(changed, ["initials"])
        last = rows[-1].pk


class Migration(migrations.Migration):
    dependencies = [("orgs", "0002_importjob")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
