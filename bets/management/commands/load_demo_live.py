"""`manage.py load_demo_live --base-url URL`: register the demo model server as an endpoint
and start the live demo claim (CRUX_DEMO_MODEL=1 make run calls it)."""

from django.core.management.base import BaseCommand, CommandError

from bets.common.errors import ServiceError
from bets.demo.live import demo_live_load


class Command(BaseCommand):
    help = "Register the local demo model and start a live run of the demo claim."

    def add_arguments(self, parser):
        parser.add_argument("--base-url", required=True, help="e.g. http://127.0.0.1:8011/v1")

    def handle(self, *args, base_url, **options):
        try:
            claim = demo_live_load(base_url=base_url)
        except ServiceError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Live demo claim {claim.pk}: /claims/{claim.pk}/ (running now).")
