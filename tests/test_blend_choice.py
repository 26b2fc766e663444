"""How the embedding blend's weight is chosen on dev wording (training/blend.py)."""

import numpy as np

from training.blend import _hits, pick_lightest_within_one_se


def test_hits_count_top1_and_top3_together():
    probs = np.array([[0.6, 0.3, 0.1, 0.0], [0.1, 0.2, 0.3, 0.4], [0.4, 0.3, 0.2, 0.1]])
    y = np.array([0, 1, 3])
    # text 1: top-1 and top-3; text 2: top-3 only (rank 3); text 3: neither (rank 4)
    assert _hits(probs, y).tolist() == [2.0, 1.0, 0.0]


def test_a_blend_one_text_better_is_a_tie_and_the_lighter_one_wins():
    rng = np.random.default_rng(0)
    light = rng.integers(0, 3, 400).astype(float)
    heavy = light.copy()
    heavy[np.flatnonzero(heavy < 2)[0]] += 1  # one text better
    assert pick_lightest_within_one_se({0.5: light, 1.5: heavy}, weight_of=lambda w: w) == 0.5


def test_a_clearly_better_heavier_blend_is_chosen():
    light = np.r_[np.ones(200), np.zeros(200)]
    heavy = np.r_[np.full(200, 2.0), np.ones(200)]  # better on every text
    assert pick_lightest_within_one_se({0.5: light, 1.5: heavy}, weight_of=lambda w: w) == 1.5


def test_the_best_is_kept_when_nothing_else_ties():
    best = np.full(50, 2.0)
    worse = np.zeros(50)
    assert pick_lightest_within_one_se({3.0: best, 0.25: worse}, weight_of=lambda w: w) == 3.0
