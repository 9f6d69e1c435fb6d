"""Seeded random talent-scheduling instances, for tests and benchmarks.

The class is the one the published random benchmarks draw from (Cheng, Diamond & Lin 1993;
Garcia de la Banda, Stuckey & Chu 2011): every scene lasts 1 to 4 days and needs between one
actor and half of the cast, chosen uniformly; each actor costs 1 to 100 a day. Unlike the film
instances, few scenes share a cast and few actors appear once, so the reductions of reduce.py
leave almost every scene in the search.
"""

from __future__ import annotations

import random

from scheduling.domain.stripboard.model import Instance, Scene

MIN_ACTORS = 8
MAX_ACTORS = 14


def random_instance(seed: int, n_scenes: int, n_actors: int | None = None) -> Instance:
    """The instance numbered `seed` with `n_scenes` scenes; 8 to 14 actors unless given.

    The same (seed, n_scenes, n_actors) always gives the same instance, on any platform.
    """
    if n_scenes < 1:
        raise ValueError("n_scenes must be at least 1")
    rng = random.Random(f"stripboard-random:{n_scenes}:{seed}:{n_actors}")
    m = rng.randint(MIN_ACTORS, MAX_ACTORS) if n_actors is None else n_actors
    if m < 1:
        raise ValueError("n_actors must be at least 1")
    scenes = tuple(
        Scene(
            rng.randint(1, 4), tuple(sorted(rng.sample(range(m), rng.randint(1, max(1, m // 2)))))
        )
        for _ in range(n_scenes)
    )
    costs = tuple(rng.randint(1, 100) for _ in range(m))
    return Instance(scenes, costs)
