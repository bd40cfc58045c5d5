"""Make the demo's bundled evaluation logs: demo/evals/gen{1,2,3}-{snap,cot,tools}.eval.

Real inspect_ai logs from scripted mockllm models (the same generator the resolver tests
use), so the worked examples in docs/resolver-specs.md decide the same way every time:

            snap  cot   tools
    gen1    0.40  0.50  0.60
    gen2    0.45  0.70  0.80
    gen3    0.50  0.90  0.95

Also copies the genuine lm-evaluation-harness results from tests/fixtures/lm_eval/results
into demo/evals/lm_eval/. Nothing is downloaded. Run from the repository root:

    .venv/bin/python demo/make_eval_logs.py
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "demo" / "evals"
PLANS = {("generate",): "snap", ("chain_of_thought", "generate"): "cot",
         ("use_tools", "generate"): "tools"}


def main() -> None:
    sys.path.insert(0, str(REPO))
    from inspect_ai.log import read_eval_log

    from tests.fixtures import inspect_logs

    started = time.perf_counter()
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.eval"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        for path in inspect_logs.generate_good_logs(Path(tmp)):
            log = read_eval_log(path, header_only=True)
            model = log.eval.model.split("/", 1)[1]
            condition = PLANS[tuple(step.solver for step in log.plan.steps)]
            shutil.copyfile(path, OUT / f"{model}-{condition}.eval")
    lm_eval = OUT / "lm_eval"
    lm_eval.mkdir(exist_ok=True)
    for name in ("gen1.json", "gen2.json", "gen3.json"):
        shutil.copyfile(REPO / "tests" / "fixtures" / "lm_eval" / "results" / name,
                        lm_eval / name)
    made = sorted(p.relative_to(REPO) for p in OUT.rglob("*") if p.is_file())
    print(f"wrote {len(made)} files in {time.perf_counter() - started:.1f} s:")
    for path in made:
        print(f"  {path}")


if __name__ == "__main__":
    main()
