"""Spec builders shared by the resolver tests: the claims they resolve read like claims."""

from __future__ import annotations

from pathlib import Path

from resolvers import LogCache, RunContext

GENERATIONS = ["mockllm/gen1", "mockllm/gen2", "mockllm/gen3"]
CONDITIONS = {
    "snap": {"solvers": ["generate"]},
    "cot": {"solvers_include": "chain_of_thought"},
    "tools": {"solvers_include": "use_tools"},
}


def inspect_source(pattern: str = "*.eval", **extra) -> dict:
    return {"kind": "inspect_logs", "location": {"data": pattern}, "task": "arith",
            "dataset": "arith-20", "conditions": CONDITIONS, **extra}


def _models(models: list[str] | None) -> list[str]:
    return GENERATIONS if models is None else models


def spec(criterion: dict, source: dict | None = None) -> dict:
    return {"source": source or inspect_source(), "criterion": criterion}


def context(data_dir: Path | None = None, **kwargs) -> RunContext:
    kwargs.setdefault("cache", LogCache())
    return RunContext(data_dir=data_dir, **kwargs)


def threshold(model="mockllm/gen3", condition="cot", at_least=0.85, **extra) -> dict:
    return {"kind": "threshold", "model": model, "condition": condition,
            "metric": "accuracy", "at_least": at_least, **extra}


def gap(model="mockllm/gen3", min_gap=0.1, a="cot", b="snap", **extra) -> dict:
    return {"kind": "gap", "model": model, "a": a, "b": b, "metric": "accuracy",
            "min_gap": min_gap, **extra}


def widening(models=None, **extra) -> dict:
    return {"kind": "widening_gap", "models": _models(models), "a": "cot", "b": "snap",
            "metric": "accuracy", **extra}


def ordering(order=("tools", "cot", "snap"), models=None, **extra) -> dict:
    return {"kind": "ordering", "models": _models(models), "order": list(order),
            "metric": "accuracy", **extra}


def at_least_k(k=2, at_least=0.7, condition="cot", models=None, **extra) -> dict:
    return {"kind": "at_least_k", "models": _models(models), "k": k,
            "condition": condition, "metric": "accuracy", "at_least": at_least, **extra}


def best_model(at_least=0.5, condition="snap", models=None, **extra) -> dict:
    return {"kind": "best_model", "models": _models(models), "condition": condition,
            "metric": "accuracy", "at_least": at_least, **extra}
