"""Run Metaculus' own scoring and aggregation code on numeric_cases.py; write the results.

Not part of the test suite, and not run with Crux's code: a scratch step, kept so the numbers
in metaculus_numeric.json can be made again.

    python tests/scoring/data/metaculus_run.py SRC OUT.json

SRC holds, copied verbatim from github.com/Metaculus/metaculus at the commit named in
METACULUS_COMMIT: scoring/score_math.py, scoring/constants.py, utils/the_math/{formulas,
measures,aggregations}.py, utils/typing.py, questions/{types,constants}.py and
questions/services/multiple_choice_handlers.py. It needs Python with numpy<2, scipy and
Django 5 (for TextChoices; no project, no database). Below are the minimal stand-ins for what
their functions take from the rest of their project: Question and Forecast (get_pmf and
get_prediction_values copied from their questions/models.py), a list-backed queryset, Score.
"""

from __future__ import annotations

import json
import math
import sys
import types
from datetime import UTC, datetime
from pathlib import Path

METACULUS_COMMIT = "100c4088f3d37ab0720d987ee70bc59e0514692e"

import django  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import models  # noqa: E402

settings.configure(USE_TZ=True)  # timezone.now() reads it; no apps, no database
django.setup()


def _module(name: str, **attrs: object) -> types.ModuleType:
    module = types.ModuleType(name)
    module.__dict__.update(attrs)
    sys.modules[name] = module
    return module


class QS(list):
    """The queryset methods evaluate_question and get_aggregation_history call."""

    def all(self):
        return self

    def exclude_non_primary_bots(self):
        return self

    def exclude_blacklisted_users(self):
        return self

    def exclude(self, **kwargs):
        return self

    def select_related(self, *args):
        return self

    def order_by(self, *args):
        return QS(sorted(self, key=lambda f: (f.start_time, f.author_id)))

    def filter(self, **kwargs):
        rows = self
        if "start_time__lte" in kwargs:
            rows = QS(f for f in rows if f.start_time <= kwargs["start_time__lte"])
        if "question_id" in kwargs:
            rows = QS(f for f in rows if f.question_id == kwargs["question_id"])
        return rows


class QuestionType(models.TextChoices):
    BINARY = "binary"
    MULTIPLE_CHOICE = "multiple_choice"
    NUMERIC = "numeric"
    DATE = "date"
    DISCRETE = "discrete"


class Question:
    QuestionType = QuestionType

    def __init__(self, **kwargs):
        self.__dict__.update(kwargs)
        self.include_bots_in_aggregates = False
        self.inbound_outcome_count = None

    def get_inbound_outcome_count(self):
        return self.inbound_outcome_count if self.inbound_outcome_count else 200


class _Manager:
    forecasts: QS = QS()

    def filter(self, **kwargs):
        return self.forecasts.filter(**kwargs)


class Forecast:
    objects = _Manager()

    def __init__(self, **kwargs):
        self.probability_yes = None
        self.probability_yes_per_category = None
        self.continuous_cdf = None
        self.__dict__.update(kwargs)

    # Copied from their questions/models.py Forecast.
    def get_prediction_values(self) -> list[float]:
        if self.probability_yes:
            return [1 - self.probability_yes, self.probability_yes]
        if self.probability_yes_per_category:
            return [
                float("nan") if v is None else v
                for v in self.probability_yes_per_category
            ]
        return self.continuous_cdf

    def get_pmf(self) -> list[float]:
        if self.probability_yes:
            return [1 - self.probability_yes, self.probability_yes]
        if self.probability_yes_per_category:
            return [
                float("nan") if v is None else v
                for v in self.probability_yes_per_category
            ]
        cdf = self.continuous_cdf
        pmf = [cdf[0]]
        for i in range(1, len(cdf)):
            pmf.append(cdf[i] - cdf[i - 1])
        pmf.append(1 - cdf[-1])
        return pmf


class AggregateForecast:
    def __init__(self, **kwargs):
        self.end_time = None
        self.__dict__.update(kwargs)


class Score:
    def __init__(self, **kwargs):
        self.user_id = kwargs.pop("user_id", None)
        self.__dict__.update(kwargs)


def install_stand_ins(src: Path) -> None:
    sys.path.insert(0, str(src))
    for package in ("questions", "questions.services", "scoring", "utils", "utils.the_math",
                    "projects", "users"):
        _module(package, __path__=[str(src / package.replace(".", "/"))])
    _module("questions.models", Question=Question, Forecast=Forecast,
            AggregateForecast=AggregateForecast,
            QUESTION_CONTINUOUS_TYPES=[QuestionType.NUMERIC, QuestionType.DATE,
                                       QuestionType.DISCRETE])
    medals = types.SimpleNamespace(GOLD="gold", SILVER="silver", BRONZE="bronze")
    _module("scoring.models", Score=Score,
            LeaderboardEntry=types.SimpleNamespace(Medals=medals))
    _module("users.models", User=object)
    _module("projects.permissions", ObjectPermission=object)

    class _Span:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def set_data(self, *args):
            pass

    _module("sentry_sdk", trace=lambda f: f, start_span=lambda **kw: _Span())
    # Their multiple_choice_handlers imports Django REST framework for its serializer; only
    # get_all_options_from_history is needed, so that function's own source is loaded.
    import ast

    text = (src / "questions/services/multiple_choice_handlers.py").read_text()
    tree = ast.parse(text)
    wanted = [n for n in tree.body
              if isinstance(n, ast.FunctionDef) and n.name == "get_all_options_from_history"]
    handlers = _module("questions.services.multiple_choice_handlers")
    exec(compile(ast.Module(body=wanted, type_ignores=[]), "multiple_choice_handlers", "exec"),  # noqa: S102
         {"OptionsHistoryType": list}, handlers.__dict__)


def when(seconds: float | None) -> datetime | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, tz=UTC)


def run_case(case: dict) -> dict:
    from questions.types import AggregationMethod
    from scoring.constants import ScoreTypes
    from scoring.score_math import evaluate_question
    from utils.the_math.aggregations import get_aggregation_history

    kind = case["kind"]
    axis = case.get("axis", {})
    question = Question(
        id=1, type=kind, open_time=when(case["open_time"]),
        scheduled_close_time=when(case["close_time"]),
        actual_close_time=when(case["actual_close_time"]),
        range_min=axis.get("range_min"), range_max=axis.get("range_max"),
        zero_point=axis.get("zero_point"), open_lower_bound=axis.get("open_lower_bound"),
        open_upper_bound=axis.get("open_upper_bound"),
        options_history=[(when(t).isoformat(), o) for t, o in case.get("options_history", [])],
    )
    if kind == "date":
        question.range_min = float(axis["range_min"])
        question.range_max = float(axis["range_max"])
    forecasts = QS(
        Forecast(question_id=1, author_id=f["participant"], start_time=when(f["start"]),
                 end_time=when(f["end"]), continuous_cdf=f.get("cdf"),
                 probability_yes_per_category=f.get("probabilities"))
        for f in case["forecasts"]
    )
    question.user_forecasts = forecasts
    Forecast.objects.forecasts = forecasts
    results = []
    for resolution in case["resolutions"]:
        # Metaculus stores a resolution as text: repr gives back the exact float.
        text = resolution if isinstance(resolution, str) else repr(float(resolution))
        scores = evaluate_question(
            question, text,
            [ScoreTypes.BASELINE, ScoreTypes.PEER, ScoreTypes.SPOT_BASELINE, ScoreTypes.SPOT_PEER],
            spot_forecast_time=when(case["spot_time"]),
        )
        table: dict[str, dict[str, list[float]]] = {}
        for score in scores:
            table.setdefault(str(score.user_id), {})[str(score.score_type)] = [
                float(score.score), float(score.coverage)]
        results.append({"resolution": resolution, "scores": table})
    history = get_aggregation_history(
        question, [AggregationMethod.RECENCY_WEIGHTED], forecasts=forecasts.order_by(),
        minimize=False, include_stats=False, histogram=False,
    )[AggregationMethod.RECENCY_WEIGHTED]
    aggregates = [
        {"time": entry.start_time.timestamp(),
         "values": [None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)
                    for v in entry.forecast_values]}
        for entry in history
    ]
    return {**case, "results": results, "aggregates": aggregates}


def main() -> None:
    src, out = Path(sys.argv[1]), Path(sys.argv[2])
    install_stand_ins(src)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from numeric_cases import cases

    data = {"metaculus_commit": METACULUS_COMMIT, "cases": [run_case(c) for c in cases()]}
    out.write_text(json.dumps(data, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
