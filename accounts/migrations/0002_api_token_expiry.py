import datetime as dt

from django.db import migrations, models
from django.db.models import F

import accounts.models


def expire_existing(apps: object, schema_editor: object) -> None:
    """Tokens issued before expiry existed never expired: each now expires 8 hours after it was created (most at
    once)."""
    ApiToken = apps.get_model("accounts", "ApiToken")  # type: ignore[attr-defined]
    ApiToken.objects.update(expires_at=F("created_at") + dt.timedelta(hours=8))


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(default=accounts.models.token_expiry, verbose_name="有效期至"),
        ),
        migrations.RunPython(expire_existing, migrations.RunPython.noop),
    ]
