from django.apps import AppConfig
from django.db.models.signals import post_save


def _give_default_checklist(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from cme.enquiries import create_default_kinds

        create_default_kinds(instance)


class CmeConfig(AppConfig):
    name = "cme"
    verbose_name = "Children missing education"

    def ready(self) -> None:
        from casework import exceptions
        from cme.exceptions import long_waits, overdue_reviews

        exceptions.register("CME reviews overdue", overdue_reviews)
        exceptions.register("Children waiting too long for a place", long_waits)
        post_save.connect(
            _give_default_checklist,
            sender="schools.Authority",
            dispatch_uid="cme_default_checklist",
        )
