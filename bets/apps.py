from django.apps import AppConfig


class BetsConfig(AppConfig):
    name = "bets"
    verbose_name = "Crux"

    def ready(self) -> None:
        from bets import signals  # noqa: F401  (grants the starting credits to new participants)
