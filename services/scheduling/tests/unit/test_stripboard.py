"""`slate schedule stripboard`: proven-optimal talent scheduling, checked independently."""

from __future__ import annotations

import io
import itertools
import json
import random
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from slate_tools.cli import main

REPO_ROOT = Path(__file__).resolve().parents[4]
INSTANCES = REPO_ROOT / "bench/data/talent/instances.jsonl"


def paid_cost(scenes: list[dict[str, Any]], costs: list[int], order: list[int]) -> int:
    """Independent check: each actor is paid from their first scene's start to their last's end."""
    assert sorted(order) == list(range(len(scenes)))
    starts = list(itertools.accumulate((scenes[s]["duration"] for s in order), initial=0))
    total = 0
    for actor, cost in enumerate(costs):
        days = [
            (starts[i], starts[i + 1]) for i, s in enumerate(order) if actor in scenes[s]["actors"]
        ]
        if days:
            total += cost * (days[-1][1] - days[0][0])
    return total


def brute_force(scenes: list[dict[str, Any]], costs: list[int]) -> int:
    """Exhaustive minimum: every permutation for small n, every subset (Held-Karp) beyond."""
    n = len(scenes)
    if n <= 7:
        return min(paid_cost(scenes, costs, list(p)) for p in itertools.permutations(range(n)))
    casts = [set(s["actors"]) for s in scenes]
    best: dict[int, int] = {0: 0}
    for done in range(1 << n):
        if done not in best:
            continue
        shot = set().union(*(casts[s] for s in range(n) if done >> s & 1))
        for s in range(n):
            if done >> s & 1:
                continue
            left = set().union(*(casts[t] for t in range(n) if not done >> t & 1 and t != s))
            present = casts[s] | (shot & left)
            step = scenes[s]["duration"] * sum(costs[a] for a in present)
            nxt = done | 1 << s
            best[nxt] = min(best.get(nxt, step + best[done] + 1), best[done] + step)
    return best[(1 << n) - 1]


def run(
    payload: object, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[int, dict[str, Any]]:
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(payload)))
    code = main(["schedule", "stripboard", "-"])
    return code, json.loads(capsys.readouterr().out)


def load_instances() -> list[dict[str, Any]]:
    with INSTANCES.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@pytest.mark.parametrize("instance", load_instances(), ids=lambda d: d["name"])
def test_public_instance_is_solved_to_its_published_optimum(
    instance: dict[str, Any], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # a generous limit so a loaded CI machine still proves it; the bench records real times
    payload = {
        "scenes": instance["scenes"],
        "actor_costs": instance["actor_costs"],
        "time_limit_s": 120,
    }
    code, out = run(payload, capsys, monkeypatch)
    assert code == 0
    assert out["optimal"] is True
    assert out["cost"] == instance["optimum_total_cost"]
    assert out["lower_bound"] == out["cost"]
    assert paid_cost(instance["scenes"], instance["actor_costs"], out["order"]) == out["cost"]


def random_instances(max_scenes: int) -> st.SearchStrategy[dict[str, Any]]:
    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        n_actors = draw(st.integers(1, 6))
        n_scenes = draw(st.integers(1, max_scenes))
        scenes = [
            {
                "duration": draw(st.integers(1, 3)),
                "actors": sorted(draw(st.sets(st.integers(0, n_actors - 1), max_size=n_actors))),
            }
            for _ in range(n_scenes)
        ]
        costs = draw(st.lists(st.integers(0, 9), min_size=n_actors, max_size=n_actors))
        return {"scenes": scenes, "actor_costs": costs}

    return build()


@settings(max_examples=40, deadline=None)
@given(random_instances(12))
def test_random_instances_agree_with_brute_force(instance: dict[str, Any]) -> None:
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("sys.stdin", io.StringIO(json.dumps(instance)))
        mp.setattr("sys.stdout", out)
        assert main(["schedule", "stripboard", "-"]) == 0
    result = json.loads(out.getvalue())
    assert result["optimal"] is True
    assert paid_cost(instance["scenes"], instance["actor_costs"], result["order"]) == result["cost"]
    assert result["cost"] == brute_force(instance["scenes"], instance["actor_costs"])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1, (1 << 10) - 1), st.integers(1, 9)),
        min_size=1,
        max_size=6,
        unique_by=lambda sc: sc[0],
    )
)
def test_finishing_order_bound_is_the_cheapest_order(actors: list[tuple[int, int]]) -> None:
    """The subset DP equals the minimum over every finishing order of the started actors."""
    from scheduling.domain.stripboard.exact import IdleBound

    sets = [x for x, _ in actors]
    costs = [c for _, c in actors]
    best = min(
        sum(
            costs[i] * (_union(sets[j] for j in order[:k]) & ~sets[i]).bit_count()
            for k, i in enumerate(order)
        )
        for order in itertools.permutations(range(len(sets)))
    )
    assert IdleBound._bound(sets, costs) == best


def _union(sets: Any) -> int:
    out = 0
    for x in sets:
        out |= x
    return out


def meets(instance: dict[str, Any], order: list[int]) -> bool:
    """Independent check of pins, together-groups and unavailable days."""
    starts: dict[int, int] = {}
    day = 0
    for s in order:
        starts[s] = day
        day += instance["scenes"][s]["duration"]
    for pin in instance.get("pinned", []):
        if "position" in pin and order.index(pin["scene"]) != pin["position"]:
            return False
        if "day" in pin and starts[pin["scene"]] != pin["day"]:
            return False
    for group in instance.get("together", []):
        places = sorted(order.index(s) for s in group)
        if places[-1] - places[0] != len(group) - 1:
            return False
    for rule in instance.get("unavailable", []):
        for s, scene in enumerate(instance["scenes"]):
            if rule["actor"] in scene["actors"]:
                shot = range(starts[s], starts[s] + scene["duration"])
                if any(d in rule["days"] for d in shot):
                    return False
    return True


def constrained_optimum(instance: dict[str, Any]) -> int | None:
    n = len(instance["scenes"])
    costs = [
        paid_cost(instance["scenes"], instance["actor_costs"], list(p))
        for p in itertools.permutations(range(n))
        if meets(instance, list(p))
    ]
    return min(costs) if costs else None


def solve_cli(instance: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("sys.stdin", io.StringIO(json.dumps(instance)))
        mp.setattr("sys.stdout", out)
        code = main(["schedule", "stripboard", "-"])
    return code, json.loads(out.getvalue())


@st.composite
def constrained_instances(draw: st.DrawFn) -> dict[str, Any]:
    instance = draw(random_instances(6))
    n = len(instance["scenes"])
    n_actors = len(instance["actor_costs"])
    total_days = sum(s["duration"] for s in instance["scenes"])
    scenes = draw(st.permutations(range(n)))
    cut = draw(st.integers(0, n))
    pinned, rest = scenes[: min(cut, 2)], scenes[min(cut, 2) :]
    pins = []
    for s in pinned:
        if draw(st.booleans()):
            pins.append({"scene": s, "position": draw(st.integers(0, n - 1))})
        else:
            pins.append({"scene": s, "day": draw(st.integers(0, total_days - 1))})
    if pins:
        instance["pinned"] = pins
    group_size = draw(st.integers(0, len(rest)))
    if group_size > 1:
        instance["together"] = [sorted(rest[:group_size])]
    if draw(st.booleans()):
        instance["unavailable"] = [
            {
                "actor": draw(st.integers(0, n_actors - 1)),
                "days": draw(st.lists(st.integers(0, total_days - 1), max_size=3)),
            }
        ]
    return instance


@settings(max_examples=50, deadline=None)
@given(constrained_instances())
def test_side_constraints_are_met_at_least_cost(instance: dict[str, Any]) -> None:
    best = constrained_optimum(instance)
    code, out = solve_cli(instance)
    if best is None:
        assert code == 2
        assert out["errors"][0]["message"].startswith("no order")
        return
    assert code == 0
    assert meets(instance, out["order"])
    assert out["optimal"] is True
    assert out["cost"] == best
    assert paid_cost(instance["scenes"], instance["actor_costs"], out["order"]) == best


def test_pinned_first_scene_and_blocked_actor_move_the_schedule() -> None:
    instance = {
        "scenes": [
            {"duration": 1, "actors": [0, 1]},
            {"duration": 2, "actors": [1]},
            {"duration": 1, "actors": [0]},
            {"duration": 1, "actors": [2]},
        ],
        "actor_costs": [5, 3, 1],
        "pinned": [{"scene": 3, "position": 0}],
        "together": [[0, 2]],
        "unavailable": [{"actor": 1, "days": [4]}],
    }
    code, out = solve_cli(instance)
    assert code == 0
    assert out["order"][0] == 3
    assert meets(instance, out["order"])
    assert out["cost"] == constrained_optimum(instance)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (
            {"scenes": [{"duration": 1, "actors": [0, 3]}], "actor_costs": [1, 1]},
            "scenes[0].actors[1]",
        ),
        ({"scenes": [{"duration": -2, "actors": [0]}], "actor_costs": [1]}, "scenes[0].duration"),
        ({"scenes": [], "actor_costs": [1]}, "scenes"),
        ({"scenes": [{"duration": 1, "actors": [0]}], "actor_costs": [-1]}, "actor_costs[0]"),
        (
            {"scenes": [{"duration": 1, "actors": [0]}], "actor_costs": [1], "time_limit_s": 0},
            "time_limit_s",
        ),
        (
            {
                "scenes": [{"duration": 1, "actors": [0]}],
                "actor_costs": [1],
                "pinned": [{"scene": 4, "position": 0}],
            },
            "pinned[0].scene",
        ),
        (
            {
                "scenes": [{"duration": 1, "actors": [0]}],
                "actor_costs": [1],
                "unavailable": [{"actor": 2, "days": [0]}],
            },
            "unavailable[0].actor",
        ),
        ([1, 2], ""),
    ],
)
def test_invalid_input_names_the_field_and_exits_2(payload: object, field: str) -> None:
    code, out = solve_cli(payload)  # type: ignore[arg-type]
    assert code == 2
    assert field in [e["field"] for e in out["errors"]]


def test_unparseable_json_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("{not json"))
    assert main(["schedule", "stripboard", "-"]) == 2
    assert "invalid JSON" in json.loads(capsys.readouterr().out)["errors"][0]["message"]


def test_time_limit_returns_best_order_with_valid_lower_bound() -> None:
    data = next(d for d in load_instances() if d["name"] == "film116")
    payload = {"scenes": data["scenes"], "actor_costs": data["actor_costs"], "time_limit_s": 0.05}
    code, out = solve_cli(payload)
    assert code == 0
    assert paid_cost(data["scenes"], data["actor_costs"], out["order"]) == out["cost"]
    assert out["lower_bound"] <= data["optimum_total_cost"] <= out["cost"]
    if not out["optimal"]:
        assert out["lower_bound"] < out["cost"]


def test_cli_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps({"scenes": [{"duration": 2, "actors": [0]}], "actor_costs": [3]}))
    assert main(["schedule", "stripboard", str(path)]) == 0


def test_large_instance_beyond_the_exact_search_returns_a_valid_order_in_time() -> None:
    rng = random.Random(7)
    scenes = [
        {"duration": rng.randint(1, 3), "actors": rng.sample(range(15), rng.randint(1, 5))}
        for _ in range(80)
    ]
    costs = [rng.randint(1, 20) for _ in range(15)]
    started = time.monotonic()
    code, out = solve_cli({"scenes": scenes, "actor_costs": costs, "time_limit_s": 1.0})
    assert time.monotonic() - started < 3.0
    assert code == 0
    assert out["optimal"] is False
    assert paid_cost(scenes, costs, out["order"]) == out["cost"]
    fixed = sum(s["duration"] * sum(costs[a] for a in s["actors"]) for s in scenes)
    assert fixed <= out["lower_bound"] < out["cost"]


def test_console_script_solves_from_stdin() -> None:
    data = next(d for d in load_instances() if d["name"] == "film10")
    payload = json.dumps({"scenes": data["scenes"], "actor_costs": data["actor_costs"]})
    done = subprocess.run(
        [str(REPO_ROOT / ".venv/bin/slate"), "schedule", "stripboard", "-"],
        input=payload,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert set(out) >= {"order", "cost", "optimal", "lower_bound"}
    assert out["cost"] == data["optimum_total_cost"]
    assert out["optimal"] is True
