from django.apps import AppConfig


class RemovalsConfig(AppConfig):
    name = "removals"
    verbose_name = "Removals from roll"

    def ready(self) -> None:
        from casework import exceptions
        from removals.exceptions import overdue_challenge_replies

        exceptions.register(
            "Removal challenges past their reply deadline", overdue_challenge_replies
        )
