from django.apps import AppConfig


class OnrollConfig(AppConfig):
    name = "onroll"

    def ready(self) -> None:
        from onroll import checks  # noqa: F401 (registers the system checks)
