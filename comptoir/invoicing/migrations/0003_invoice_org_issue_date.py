from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("invoicing", "0002_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="invoice",
            index=models.Index(
                fields=[
                    "organization",
                    "-issue_date",
                    "-issued_at",
                    "-id",
                    "kind",
                    "total_excl",
                    "total_vat",
                    "total_incl",
                ],
                name="invoice_org_issue_date",
            ),
        ),
    ]
