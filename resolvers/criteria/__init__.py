"""Criteria: turn measurements into yes / no / inconclusive.

Each criterion class has `validate(obj, path, check)`, `conditions_used(obj)` (JSON path and
name of every condition it refers to, so the registry can check they are defined) and
`decide(evidence) -> Decision`. Lookups that fail raise BadEvidence, which the registry turns
into an inconclusive verdict.
"""
