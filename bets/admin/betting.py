"""Admin for the ledger, offers and bets: read only (ledger rows are append-only)."""

from django.contrib import admin

from bets.admin.base import ReadOnlyAdmin
from bets.models import Account, Bet, LedgerEntry, LedgerTransaction, Offer


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["id", "transaction", "account", "amount"]
    list_select_related = ["transaction", "account"]


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "idempotency_key", "claim", "created_at"]
    list_filter = ["kind"]
    search_fields = ["idempotency_key"]


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "user", "balance"]
    list_filter = ["kind"]


@admin.register(Offer)
class OfferAdmin(ReadOnlyAdmin):
    list_display = ["id", "claim", "offerer", "side", "probability", "max_stake", "status"]
    list_filter = ["status"]


@admin.register(Bet)
class BetAdmin(ReadOnlyAdmin):
    list_display = ["id", "claim", "offerer", "taker", "offerer_stake", "taker_stake", "status"]
    list_filter = ["status"]
