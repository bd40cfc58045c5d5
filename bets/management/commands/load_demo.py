"""`manage.py load_demo`: load the demo data once and make sure the demo admin exists."""

from django.core.management.base import BaseCommand

from bets.demo.data import ADMIN_PASSWORD, ADMIN_USERNAME
from bets.demo.loader import demo_load


class Command(BaseCommand):
    help = "Load Crux's demo claims, participants and forecasts (once; safe to repeat)."

    def handle(self, *args, **options):
        if demo_load():
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        else:
            self.stdout.write("Demo data already loaded; nothing to do.")
        self.stdout.write(f"Demo admin: {ADMIN_USERNAME} / {ADMIN_PASSWORD} (if unchanged).")
