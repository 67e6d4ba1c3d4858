#!/usr/bin/env python3
"""Cross-check fixtures for io.lethe.engine.metrics (SklearnAgreementTest).

Runs the MUFAC / DLFD membership-inference attack with scikit-learn on synthetic per-sample
losses and writes what sklearn computed, so the Java implementation can be checked against it:

    attack_model = LogisticRegression()            # L2, C=1.0, lbfgs
    cv = StratifiedShuffleSplit(n_splits=10, test_size=0.1, random_state=0)
    scores = cross_val_score(attack_model, losses.reshape(-1, 1), members, cv=cv,
                             scoring="accuracy")

Replay cases (losses, labels, sklearn's exact split indices and per-split accuracies):
  overlap_300      300 members vs 300 non-members, overlapping gamma losses (members lower)
  small_gap_1000   1000 vs 1000, gamma losses with a small gap
  identical_500    500 vs 500, identically distributed losses
  separable_300    300 vs 300, perfectly separable losses
Own-splits case (too large to store split indices; losses stored as a histogram of values
rounded to 0.001, and sklearn was run on exactly those rounded values):
  large_50000      50000 vs 50000 with a small gap; Java draws its own splits and must land
                   within 0.01 of sklearn's mean (the split noise of the mean is about 0.002)

Every case also stores the logistic regression fitted on all its data, twice: "full_fit" is the
same objective solved to tight tolerance (solver="newton-cg", tol=1e-10), the reference optimum
for the Java Newton solver; "full_fit_lbfgs_default" is the default LogisticRegression() (lbfgs,
which stops on a relative objective decrease of ~1e-9 and so is only accurate to ~1e-6 relative),
i.e. what cross_val_score fits.

Regenerate (Debian's python3-sklearn; the pyenv python3 may lack sklearn):
    cd libs/lethe-engine
    /usr/bin/python3 src/test/python/make_mia_fixture.py src/test/resources/fixtures/mia
Generated with numpy seed 20240601; the output is deterministic for a given numpy/sklearn.
"""
import json
import os
import sys
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedShuffleSplit, cross_val_score

SEED = 20240601
N_SPLITS = 10
TEST_SIZE = 0.1
RANDOM_STATE = 0


def fit(losses, members, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = LogisticRegression(**options)
        model.fit(losses.reshape(-1, 1), members)
    return {"coef": float(model.coef_[0][0]), "intercept": float(model.intercept_[0])}


def attack(losses, members):
    cv = StratifiedShuffleSplit(n_splits=N_SPLITS, test_size=TEST_SIZE, random_state=RANDOM_STATE)
    scores = cross_val_score(LogisticRegression(), losses.reshape(-1, 1), members, cv=cv,
                             scoring="accuracy")
    splits = [{"train": tr.tolist(), "test": te.tolist()}
              for tr, te in cv.split(losses.reshape(-1, 1), members)]
    return scores, splits


def common(name, description, losses, members):
    scores, splits = attack(losses, members)
    return {
        "case": name,
        "description": description,
        "sklearn_version": sklearn.__version__,
        "numpy_version": np.__version__,
        "n_splits": N_SPLITS,
        "test_size": TEST_SIZE,
        "random_state": RANDOM_STATE,
        "split_accuracies": scores.tolist(),
        "mean_accuracy": float(scores.mean()),
        "full_fit": fit(losses, members, solver="newton-cg", tol=1e-10, max_iter=1000),
        "full_fit_lbfgs_default": fit(losses, members),
    }, splits


def replay_case(name, description, member_losses, non_member_losses):
    # Non-members first, then members, as in the MUFAC notebook.
    losses = np.round(np.concatenate([non_member_losses, member_losses]), 6)
    members = np.array([0] * len(non_member_losses) + [1] * len(member_losses))
    out, splits = common(name, description, losses, members)
    out["losses"] = losses.tolist()
    out["members"] = members.tolist()
    out["splits"] = splits
    return out


def histogram(values_milli):
    values, counts = np.unique(values_milli, return_counts=True)
    return {"values_milli": values.tolist(), "counts": counts.tolist()}


def histogram_case(name, description, member_losses, non_member_losses):
    member_milli = np.round(member_losses * 1000).astype(np.int64)
    non_member_milli = np.round(non_member_losses * 1000).astype(np.int64)
    losses = np.concatenate([non_member_milli, member_milli]) / 1000.0
    members = np.array([0] * len(non_member_milli) + [1] * len(member_milli))
    out, _ = common(name, description, losses, members)
    out["member_histogram"] = histogram(member_milli)
    out["non_member_histogram"] = histogram(non_member_milli)
    return out


def main(out_dir):
    rng = np.random.default_rng(SEED)
    cases = [
        replay_case("overlap_300", "300 vs 300, gamma(2, 0.3) members vs gamma(2, 0.45)",
                    rng.gamma(2.0, 0.3, 300), rng.gamma(2.0, 0.45, 300)),
        replay_case("small_gap_1000", "1000 vs 1000, gamma(2, 0.40) members vs gamma(2, 0.45)",
                    rng.gamma(2.0, 0.40, 1000), rng.gamma(2.0, 0.45, 1000)),
        replay_case("identical_500", "500 vs 500, both gamma(2, 0.4)",
                    rng.gamma(2.0, 0.4, 500), rng.gamma(2.0, 0.4, 500)),
        replay_case("separable_300", "300 vs 300, uniform(0, 0.5) members vs uniform(1, 2)",
                    rng.uniform(0.0, 0.5, 300), rng.uniform(1.0, 2.0, 300)),
        histogram_case("large_50000", "50000 vs 50000, gamma(2, 0.40) members vs gamma(2, 0.45)",
                       rng.gamma(2.0, 0.40, 50000), rng.gamma(2.0, 0.45, 50000)),
    ]
    os.makedirs(out_dir, exist_ok=True)
    for case in cases:
        path = os.path.join(out_dir, case["case"] + ".json")
        with open(path, "w") as f:
            json.dump(case, f, separators=(",", ":"))
            f.write("\n")
        print("%-16s mean=%.6f coef=%.6f intercept=%.6f  %s (%d bytes)" % (
            case["case"], case["mean_accuracy"], case["full_fit"]["coef"],
            case["full_fit"]["intercept"], path, os.path.getsize(path)))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "src/test/resources/fixtures/mia")
