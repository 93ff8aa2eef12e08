from django.db import migrations

from audit import triggers


def create_triggers_and_head(apps, schema_editor):
    triggers.create_triggers(schema_editor.connection)
    apps.get_model("audit", "AuditChainHead").objects.get_or_create(pk=1)


def drop_triggers(apps, schema_editor):
    triggers.drop_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(create_triggers_and_head, drop_triggers)]
