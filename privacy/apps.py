from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = "Privacy: subject access and retention"

    def ready(self) -> None:
        from privacy import checks  # noqa: F401 (registers the system checks)
