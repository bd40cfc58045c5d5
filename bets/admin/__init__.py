"""The admin site, one module per domain. Moderation, resolution and hiding actions call
services; every table is read-only here (endpoints excepted, through their checks).

Importing this package registers every module's tables (Django's autodiscovery imports
`bets.admin`)."""

from bets.admin import autoresolve, betting, claims, conversation  # noqa: F401
