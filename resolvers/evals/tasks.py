"""Build the inspect Task for a bundled task under a recipe (imports inspect_ai)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from resolvers import evals, recipes

if TYPE_CHECKING:
    from inspect_ai import Task
    from inspect_ai.model import Model


def build_task(name: str, recipe: str, *, data_dir: Path | None = None,
               model: Model | None = None, metadata: dict | None = None) -> Task:
    """One inspect Task: the task's dataset, the recipe's solvers, exact-match scoring.

    Its metadata names the recipe and the dataset's sha256, so every log says under which
    condition and on exactly which bytes it ran.
    """
    from inspect_ai import Task
    from inspect_ai.dataset import MemoryDataset, Sample
    from inspect_ai.scorer import match

    info = evals.task_info(name, data_dir)
    samples = [Sample(id=row["id"], input=row["input"], target=row["target"])
               for row in evals.rows(name, data_dir)]
    return Task(
        dataset=MemoryDataset(samples, name=name, location=f"crux:{name}"),
        solver=recipes.solvers(recipe),
        scorer=match(numeric=True),
        name=name,
        version=info.version,
        model=model,
        metadata={"crux_task": name, "crux_condition": recipe,
                  "crux_recipe": recipes.RECIPES[recipe],
                  "crux_dataset_sha256": info.dataset_sha256, **(metadata or {})},
    )
