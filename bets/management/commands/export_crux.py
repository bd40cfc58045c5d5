"""manage.py export_crux [--output FILE]: write every public claim as a crux-export document."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bets.interchange.services import export_document


class Command(BaseCommand):
    help = "Export participants, claims, forecasts and scores as crux-export JSON."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="file to write (default: standard output)")

    def handle(self, *args, **options):
        text = json.dumps(export_document(), indent=2, ensure_ascii=False) + "\n"
        output = options.get("output")
        if not output:
            self.stdout.write(text, ending="")
            return
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror or exc}") from None
        self.stderr.write(f"Wrote {output}.")
