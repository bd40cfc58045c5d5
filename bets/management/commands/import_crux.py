"""manage.py import_crux FILE: import a crux-export document (all or nothing)."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bets.interchange.services import InterchangeError, import_text


class Command(BaseCommand):
    help = "Import participants, claims and forecasts from a crux-export JSON file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="path of the crux-export JSON document ('-' for stdin)")

    def handle(self, *args, **options):
        text = self._read(options["file"])
        try:
            summary = import_text(text)
        except InterchangeError as exc:
            for line in exc.errors:
                self.stderr.write(f"error: {line}")
            raise CommandError("Nothing was imported.") from None
        self.stdout.write(
            "Imported {claims} claims, {forecasts} forecasts; created {participants_created} "
            "participants; scored {claims_scored} resolved claims ({scores} scores).".format(
                **summary
            )
        )

    def _read(self, name: str) -> bytes:
        if name == "-":
            return sys.stdin.buffer.read()
        path = Path(name)
        try:
            return path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {name}: {exc.strerror or exc}") from None
