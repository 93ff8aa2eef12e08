from django.apps import AppConfig


class RemovalsConfig(AppConfig):
    name = "removals"
    verbose_name = "Removals from roll"
