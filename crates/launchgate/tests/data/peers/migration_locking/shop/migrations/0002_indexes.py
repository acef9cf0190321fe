from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("shop", "0001_initial")]

    operations = [
        migrations.AddIndex(  # expect: DAT-009
            model_name="order",
            index=models.Index(fields=["status"], name="order_status_idx"),
        ),
        AddIndexConcurrently(  # ok: DAT-009
            model_name="order",
            index=models.Index(fields=["total"], name="order_total_idx"),
        ),
        migrations.AddField(  # ok: DAT-009
            model_name="order",
            name="note",
            field=models.TextField(null=True),
        ),
    ]
