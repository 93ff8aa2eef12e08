from django.apps import AppConfig


class ChildrenConfig(AppConfig):
    name = "children"
