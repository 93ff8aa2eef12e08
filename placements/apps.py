from django.apps import AppConfig


class PlacementsConfig(AppConfig):
    name = "placements"
    verbose_name = "Placement tracking"

    def ready(self) -> None:
        from casework import exceptions
        from placements.exceptions import overdue_placements

        exceptions.register("Placements past their deadline", overdue_placements)
