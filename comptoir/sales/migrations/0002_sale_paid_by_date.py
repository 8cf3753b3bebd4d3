from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("sales", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="sale",
            index=models.Index(
                condition=models.Q(status="paid"),
                fields=["organization", "sale_date"],
                name="sale_paid_by_date",
            ),
        ),
    ]
