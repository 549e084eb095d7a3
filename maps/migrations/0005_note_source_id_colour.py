from django.db import migrations, models


class Migration(migrations.Migration):
    """Board imports keep each sticky's board id (a re-import updates the note) and colour."""

    dependencies = [
        ("maps", "0004_membership_events"),
    ]

    operations = [
        migrations.AddField(
            model_name="note",
            name="source_id",
            field=models.CharField(blank=True, default="", max_length=100),
        ),
        migrations.AddField(
            model_name="note",
            name="colour",
            field=models.CharField(blank=True, default="", max_length=32),
        ),
    ]
