from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0002_indexes")]

    operations = [
        migrations.RemoveIndex(model_name="order", name="order_status_idx"),  # expect: DAT-009
        migrations.AddConstraint(  # expect: DAT-009
            model_name="order",
            constraint=models.CheckConstraint(check=models.Q(total__gt=0), name="order_total_positive"),
        ),
        migrations.AddField(  # ok: DAT-009
            model_name="order",
            name="region",
            field=models.CharField(max_length=8, default="eu"),
        ),
    ]
