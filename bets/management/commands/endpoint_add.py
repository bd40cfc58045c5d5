"""`manage.py endpoint_add NAME --base-url URL --model M [--model M ...] [--api-key-env VAR]
[--allow-private]`: register an OpenAI-compatible endpoint that live-run specs may name.

The key itself is never given here: --api-key-env names the environment variable that holds
it on the workers.
"""

from django.core.management.base import BaseCommand, CommandError

from bets.autoresolve.live.endpoints import endpoint_add
from bets.common.errors import ServiceError


class Command(BaseCommand):
    help = "Register a model endpoint (OpenAI-compatible chat completions) for live runs."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--base-url", required=True, help="e.g. https://host/v1")
        parser.add_argument("--model", action="append", required=True, dest="models",
                            help="A model it serves (repeat for several).")
        parser.add_argument("--api-key-env", default="",
                            help="Environment variable holding its API key.")
        parser.add_argument("--allow-private", action="store_true",
                            help="The server is on this host or network (skips the guard "
                                 "against private addresses).")

    def handle(self, *args, name, base_url, models, api_key_env, allow_private, **options):
        try:
            endpoint = endpoint_add(name=name, base_url=base_url, models=models,
                                    api_key_env=api_key_env, allow_private=allow_private)
        except ServiceError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Registered endpoint {endpoint.name} ({endpoint.base_url}) serving "
                          f"{', '.join(endpoint.served_models)}.")
