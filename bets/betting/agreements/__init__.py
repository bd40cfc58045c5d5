"""Bets as signed agreements: exact terms as canonical JSON, signed by both parties with their
own SSH keys, binding once both signatures over the same sha256 verify (docs/agreements.md)."""
