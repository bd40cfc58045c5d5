"""The demo's content: participants, the showcase claims and the resolved history.

Kept apart from bets/demo.py (which only loads it) so the words can be edited without touching
the loading logic. Times are offsets from the moment the demo is loaded, so a fresh clone always
gets open claims with a future close and resolved claims with a past one.
"""

from dataclasses import dataclass, field

DEMO_TAG = "demo"
DEMO_PASSWORD = "crux-demo"  # noqa: S105 (demo participants only; printed in the README)
ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "crux-admin"  # noqa: S105 (local demo admin; printed by `make run`)

# username -> (display bio, skill): skill scales how well their resolved-claim forecasts track
# what happened, so the leaderboard and calibration pages show real differences.
PARTICIPANTS = {
    "ada": ("Skeptic of scaling stories; reads every eval's fine print.", 1.6),
    "ben": ("Bullish on reasoning models; updates fast.", 0.9),
    "chen": ("Interpretability researcher.", 1.3),
    "dana": ("Forecasts from base rates, rarely moves.", 0.6),
    "eli": ("Contrarian on purpose.", -0.2),
    "farah": ("Builds agents for a living.", 1.1),
}


@dataclass(frozen=True)
class ShowcaseClaim:
    title: str
    statement: str
    criteria: str
    fine_print: str
    tags: tuple[str, ...]
    close_in_days: int
    # (days before load, username, probability), in any order; loaded oldest first.
    forecasts: tuple[tuple[float, str, float], ...] = field(default=())


SHOWCASE = (
    ShowcaseClaim(
        title="The chain-of-thought advantage grows with every frontier model generation",
        statement=(
            "On a fixed benchmark, the gap between a model's accuracy when it reasons step by "
            "step (chain of thought) and its accuracy when it must answer immediately (snap "
            "judgment) is **larger for each new frontier model generation** than for the one "
            "before it."
        ),
        criteria=(
            "Benchmark: GPQA Diamond (198 questions), fixed prompts published with this claim.\n\n"
            "* *Snap*: the model must output only the answer letter, at most 5 output tokens, "
            "with any built-in reasoning mode switched off where the API allows it.\n"
            "* *Chain of thought*: the same question with \"think step by step, then give the "
            "letter\" and at least 4,000 output tokens.\n"
            "* The gap is chain-of-thought accuracy minus snap accuracy, each averaged over 5 "
            "epochs.\n\n"
            "Take the three most recent frontier generations of one lab (OpenAI, Anthropic or "
            "Google DeepMind), ordered by release date, released before the close time. "
            "Resolves **YES** if for at least one such lab the gap increases from each generation "
            "to the next and every increase exceeds the combined standard error of the two gaps. "
            "Resolves **NO** otherwise."
        ),
        fine_print=(
            "A *generation* is a model the lab itself presents as its new flagship; point "
            "releases (\"-0613\") do not count. If GPQA Diamond is retired or contaminated "
            "(the lab reports training on it), the moderators substitute MATH-500 and say so in a "
            "clarification before the close time."
        ),
        tags=("chain-of-thought", "evals", "scaling"),
        close_in_days=540,
        forecasts=(
            (40, "ben", 0.72), (38, "ada", 0.25), (35, "chen", 0.45), (30, "dana", 0.40),
            (22, "eli", 0.15), (20, "ben", 0.78), (12, "farah", 0.55), (9, "ada", 0.30),
            (3, "chen", 0.50),
        ),
    ),
    ShowcaseClaim(
        title="Context-hiding task decomposition helps about as much as chain of thought",
        statement=(
            "Splitting a task into sub-questions answered by **separate model calls that each see "
            "only the context their sub-question needs** (and none of the overall task) improves "
            "accuracy over answering directly by an amount comparable to what chain of thought "
            "gives on the same model and benchmark."
        ),
        criteria=(
            "For one current frontier model, on each of GPQA Diamond, MATH-500 and MuSiQue "
            "(answerable split), measure accuracy for: direct answer; chain of thought; and "
            "context-hiding decomposition (a planner call writes sub-questions; each worker "
            "call sees only its sub-question and the answers it depends on; a final call "
            "combines them; all calls use the same model).\n\n"
            "*Comparable* means the decomposition gain (decomposition minus direct) is at least "
            "half the chain-of-thought gain (chain of thought minus direct).\n\n"
            "Resolves **YES** if a public evaluation with released code shows a comparable gain "
            "on at least two of the three benchmarks before the close time; **NO** otherwise."
        ),
        fine_print=(
            "Worker calls may reason step by step themselves; what is hidden is the rest of the "
            "task, not the ability to think. The evaluation must report standard errors; a gain "
            "smaller than its standard error counts as zero."
        ),
        tags=("decomposition", "chain-of-thought", "evals"),
        close_in_days=420,
        forecasts=(
            (33, "chen", 0.50), (31, "ben", 0.35), (28, "ada", 0.20), (25, "farah", 0.62),
            (18, "dana", 0.30), (14, "eli", 0.70), (6, "farah", 0.58),
        ),
    ),
    ShowcaseClaim(
        title="End-to-end RL still yields human-comprehensible reasoning, plans and tools",
        statement=(
            "Models trained with large-scale end-to-end reinforcement learning on task success "
            "keep (a) writing reasoning steps that humans can follow, (b) breaking tasks down "
            "the way a person would recognise, and (c) acting through human tool interfaces "
            "(shell, editor, browser) rather than bespoke ones."
        ),
        criteria=(
            "At the close time, take the highest-scoring system on SWE-bench Verified whose "
            "developer states it was trained mainly with outcome-based RL. Sample 50 of its "
            "published trajectories at random. Three raters, each blind to the others:\n\n"
            "1. a reasoning step is *comprehensible* if a rater can say in one sentence what it "
            "does and why;\n"
            "2. a trajectory has a *recognisable decomposition* if a rater can list its sub-goals "
            "from the trajectory alone;\n"
            "3. *human tool interfaces* means every action is a shell command, file edit or "
            "browser action of the kind a developer would type.\n\n"
            "Resolves **YES** if, by majority of raters, at least 80% of steps are comprehensible, "
            "at least 80% of trajectories have a recognisable decomposition, and all actions use "
            "human tool interfaces. Resolves **NO** otherwise, and **NO** if no trajectories are "
            "published."
        ),
        fine_print=(
            "Summarised or hidden reasoning counts as not comprehensible: the claim is about "
            "what the model actually writes, not a summary produced for users."
        ),
        tags=("reinforcement-learning", "interpretability", "agents"),
        close_in_days=600,
        forecasts=(
            (44, "farah", 0.80), (41, "ada", 0.55), (37, "eli", 0.25), (29, "chen", 0.40),
            (21, "ben", 0.65), (15, "dana", 0.60), (8, "chen", 0.35), (2, "farah", 0.76),
        ),
    ),
    ShowcaseClaim(
        title="Chain of thought gets less faithful as models get more capable",
        statement=(
            "For questions of **fixed difficulty**, the chain of thought of more capable models "
            "reflects the reasons for their answers less often than that of less capable models."
        ),
        criteria=(
            "Faithfulness test (hint acknowledgement): each question of a fixed 500-question set "
            "drawn from MMLU-Pro is asked twice, once plainly and once with an inserted hint "
            "pointing to a specific option. Among questions whose answer changes to the hinted "
            "option, the chain of thought is *faithful* if it mentions relying on the hint.\n\n"
            "Take at least four models of one family, ordered by capability (their accuracy on "
            "the same set without hints). Resolves **YES** if a public evaluation before the "
            "close time finds the faithfulness rate falls with capability with Spearman rho at "
            "most -0.8 in at least one family; **NO** if every evaluated family has rho above "
            "-0.8."
        ),
        fine_print=(
            "The question set is fixed at open time, which is what keeps difficulty fixed. "
            "Families with fewer than 30 answer changes per model are excluded for lack of data."
        ),
        tags=("chain-of-thought", "faithfulness", "interpretability"),
        close_in_days=480,
        forecasts=(
            (42, "chen", 0.62), (39, "ada", 0.58), (36, "ben", 0.30), (27, "dana", 0.50),
            (19, "eli", 0.80), (11, "farah", 0.45), (4, "ben", 0.38),
        ),
    ),
    ShowcaseClaim(
        title="A poly(log 1/ε) algorithm separates PSD-completable matrices from impossible ones",
        statement=(
            "There is an algorithm that, given a partial symmetric matrix with rational entries "
            "and ε > 0, runs in time polynomial in the input size and **log(1/ε)** and "
            "distinguishes (i) matrices with **no** positive semidefinite completion from (ii) "
            "matrices with a completion whose smallest-to-largest eigenvalue ratio is **at "
            "least ε**. (Inputs in neither case may get either answer.)"
        ),
        criteria=(
            "This is an open prize problem. Resolves **YES** if, before the close time, the "
            "prize's sponsors accept a solution (an algorithm with a proof of correctness and "
            "running time). Resolves **NO** if no solution has been accepted by the close time, "
            "which is the prize's deadline."
        ),
        fine_print=(
            "Algorithms polynomial in 1/ε (for example via the ellipsoid method with rounding) "
            "do not count; neither do randomised algorithms that can err on case (i)."
        ),
        tags=("mathematics", "prize-problem"),
        close_in_days=365,
        forecasts=(
            (30, "ada", 0.10), (26, "chen", 0.18), (20, "ben", 0.25), (13, "dana", 0.08),
            (7, "eli", 0.35),
        ),
    ),
)

# A claim whose forecasting closed just before the demo loads: beat's claims_close_due closes it
# on its first run, and it waits for an admin to resolve it.
AWAITING_RESOLUTION = ShowcaseClaim(
    title="An open-weights model tops the LMArena text leaderboard",
    statement=(
        "A model whose weights anyone can download ranks first (alone or tied) on the LMArena "
        "text leaderboard."
    ),
    criteria=(
        "Resolves **YES** if at any moment between the open and close times the LMArena text "
        "leaderboard (default view, style control on) shows an open-weights model at rank 1, "
        "as recorded by the Internet Archive. Resolves **NO** otherwise."
    ),
    fine_print="*Open-weights*: weights downloadable by anyone who accepts a licence.",
    tags=("open-weights", "leaderboards"),
    close_in_days=-1,
    forecasts=((50, "ben", 0.45), (44, "ada", 0.20), (30, "farah", 0.35), (10, "eli", 0.60)),
)

# Resolved history: (title, statement, outcome). These are illustrative demo claims (the fine
# print says so); they exist so the leaderboard and calibration pages have something to show.
RESOLVED = (
    ("A 7B open-weights model scores 70% or more on MMLU", "yes"),
    ("A frontier lab publishes a model's full chain of thought for its flagship model", "no"),
    ("SWE-bench Verified top score passes 60%", "yes"),
    ("A model solves a new Millennium-style open problem in mathematics", "no"),
    ("An AI system earns an IMO gold-medal score under contest conditions", "yes"),
    ("Context windows of 10 million tokens ship in a public API", "no"),
    ("A reasoning model beats the best human team at the ICPC World Finals problem set", "yes"),
    ("Median GPQA Diamond accuracy of the top five models exceeds 80%", "yes"),
    ("An agent completes a week-long software task unassisted in a public evaluation", "no"),
    ("A major lab reports chain-of-thought monitoring catching real misbehaviour in training",
     "yes"),
    ("Inference price per million tokens for GPT-4-level quality falls below $0.10", "yes"),
    ("A language model passes a pre-registered five-minute Turing test with 70% judges fooled",
     "no"),
)
RESOLVED_FINE_PRINT = (
    "Demo claim: its outcome is illustrative and was set when the demo data was loaded, so the "
    "leaderboard, scores and calibration pages have history to show."
)
