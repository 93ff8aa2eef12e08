"""Install the email templates Onroll ships (correspondence.shipped)."""

from django.db import migrations

from correspondence import shipped


def load(apps, schema_editor):
    shipped.install(
        apps.get_model("correspondence", "EmailTemplate"),
        apps.get_model("correspondence", "TemplateVersion"),
    )


def unload(apps, schema_editor):
    EmailTemplate = apps.get_model("correspondence", "EmailTemplate")
    TemplateVersion = apps.get_model("correspondence", "TemplateVersion")
    names = [name for name, *_ in shipped.TEMPLATES]
    TemplateVersion.objects.filter(template__name__in=names).delete()
    EmailTemplate.objects.filter(name__in=names).delete()


class Migration(migrations.Migration):
    dependencies = [("correspondence", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
