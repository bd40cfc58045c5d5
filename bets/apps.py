from django.apps import AppConfig


class BetsConfig(AppConfig):
    name = "bets"
    verbose_name = "Crux"

    def ready(self) -> None:
        from bets import signals  # noqa: F401  (grants the starting credits to new participants)
        from bets.autoresolve.live.runs import install_environment

        install_environment()  # live-run specs validate against the registered endpoints
