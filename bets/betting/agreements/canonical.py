"""The agreement document: RFC 8785 canonical JSON, so the bytes both parties sign are the same
on every machine and its sha256 is its identity.

Format `crux-agreement`, version 1. The claim's statement, criteria and fine print are copied
in, with the sha256 of its resolver spec, so the terms stay fixed when the claim is later
clarified. Amounts are integers (money is never a float)."""

import hashlib
from collections.abc import Mapping
from typing import Any

import rfc8785

FORMAT = "crux-agreement"
NAMESPACE_PREFIX = "crux-agreement-v1"
VERSION = 1
DEFAULT_FALLBACK = "whoever the two parties pick within 30 days"
AMENDMENT_RULE = (
    "An amendment is a new agreement that both parties sign; it names this agreement's "
    "sha256 in `amends`. This agreement stays as signed until the amendment binds."
)
ARBITER_POWERS = {
    "disputes": "only disputes about the resolution and the payment",
    "disputes_and_void": "disputes about the resolution and the payment, and voiding",
}


def canonical_bytes(document: Mapping[str, Any]) -> bytes:
    """The exact bytes that are signed: RFC 8785 (sorted keys, no spaces, UTF-8)."""
    return rfc8785.dumps(dict(document))


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def spec_sha256(spec: Any) -> str | None:
    """The sha256 of a resolver spec's canonical JSON, or None when the claim has no spec."""
    if spec is None:
        return None
    return sha256_hex(rfc8785.dumps(spec))


def side_against(side: str) -> str:
    return "no" if side == "yes" else "yes"


def odds_text(proposer_stake: Mapping[str, Any], counterparty_stake: Mapping[str, Any]) -> str:
    """The odds as the stakes set them, when both are in one unit ("300:100"); otherwise
    the parties' own words are needed, and the stakes stand as written."""
    if proposer_stake["unit"] == counterparty_stake["unit"]:
        return f"{proposer_stake['amount']}:{counterparty_stake['amount']}"
    return "as the stakes read"


def build_document(
    *,
    namespace: str,
    claim: Mapping[str, Any],
    proposer: str,
    counterparty: str,
    drafted_by: str,
    drafted_at: str,
    side: str,
    stake: Mapping[str, Any],
    counterparty_stake: Mapping[str, Any],
    odds: str,
    prepayment: str,
    arbiter: str | None,
    fallback_arbiter: str,
    arbiter_may_decide: str,
    call_off: list[str],
    payment_days: int,
    supersedes: str | None,
    amends: str | None,
) -> dict[str, Any]:
    """The agreement as a JSON object (every key always present, so two drafts differ only
    where their terms do)."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "namespace": namespace,
        "claim": dict(claim),
        "parties": [
            {"role": "proposer", "username": proposer, "side": side, "stake": dict(stake)},
            {"role": "counterparty", "username": counterparty, "side": side_against(side),
             "stake": dict(counterparty_stake)},
        ],
        "odds": odds or odds_text(stake, counterparty_stake),
        "prepayment": prepayment,
        "arbiter": {
            "username": arbiter,
            "fallback": fallback_arbiter or DEFAULT_FALLBACK,
            "may_decide": arbiter_may_decide,
            "may_decide_text": ARBITER_POWERS[arbiter_may_decide],
        },
        "call_off": list(call_off),
        "payment": {
            "deadline_days_after_resolution": payment_days,
            "loser_pays_winner": True,
        },
        "amendment_rule": AMENDMENT_RULE,
        "supersedes": supersedes,
        "amends": amends,
        "drafted_by": drafted_by,
        "drafted_at": drafted_at,
    }
