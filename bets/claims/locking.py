"""The one way to lock a claim's row."""

from collections.abc import Sequence

from bets.common import sql
from bets.common.errors import NotFound
from bets.models import Claim


def claim_lock(claim_id: int, *, columns: Sequence[str] = ()) -> Claim:
    """The claim's row, locked FOR UPDATE until the surrounding transaction ends.

    Call it inside `transaction.atomic`. Every write that depends on a claim's status,
    sequence numbers or frozen criteria takes this lock first, so two such writes on one
    claim run one after the other. `columns` loads only those (the rest load on access).
    Raises NotFound when there is no such claim.
    """
    claim = sql.select_one(Claim, "id = %s", [claim_id], columns=columns, locking="FOR UPDATE")
    if claim is None:
        raise NotFound("No such claim.")
    return claim
