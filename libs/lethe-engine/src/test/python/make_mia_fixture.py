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

Attack-feature case (other attacks than the loss; Song & Mittal, "Systematic Evaluation of Privacy
Risks of Machine Learning Models", USENIX Security 2021), drawn from its own random stream
(seed 20240602) so the cases above do not change:
  features_500     500 members vs 500 non-members, 10-class logits (4 decimals) and true labels;
                   members have a larger true-class margin, and a fifth of the non-members a
                   confidently wrong class (which confidence and entropy cannot tell from a member,
                   modified entropy can). For each feature (confidence = max softmax, entropy,
                   modified_entropy) it stores the per-sample values, computed from the softmax in
                   float64 with the formulas of Song & Mittal's code, and sklearn's split and mean
                   accuracies on sklearn's exact splits (the same splits for every feature).

Every case but features_500 also stores the logistic regression fitted on all its data, twice: "full_fit" is the
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
FEATURE_SEED = 20240602
N_CLASSES = 10
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


def softmax(logits):
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def neg_log(probs, small_value=1e-30):
    # As Song & Mittal's reference code (_log_value): -log, clipped away from 0.
    return -np.log(np.maximum(probs, small_value))


def attack_features(logits, labels):
    probs = softmax(logits)
    rows = np.arange(labels.size)
    confidence = probs.max(axis=1)
    entropy = np.sum(probs * neg_log(probs), axis=1)
    # Modified entropy: -(1 - F_y) log F_y - sum_{i != y} F_i log(1 - F_i).
    reverse = 1 - probs
    modified_probs = probs.copy()
    modified_probs[rows, labels] = reverse[rows, labels]
    modified_log = neg_log(reverse)
    modified_log[rows, labels] = neg_log(probs)[rows, labels]
    modified_entropy = np.sum(modified_probs * modified_log, axis=1)
    # Logit-scaled confidence of the true class (Carlini et al., LiRA): log F_y - log(1 - F_y),
    # in log space: (z_y - lse(z)) - (lse(z_{i != y}) - lse(z)) = z_y - lse(z_{i != y}).
    others = logits.astype(np.float64).copy()
    others[rows, labels] = -np.inf
    top = others.max(axis=1)
    lse_others = top + np.log(np.exp(others - top[:, None]).sum(axis=1))
    logit_confidence = logits[rows, labels] - lse_others
    return {"confidence": confidence, "entropy": entropy, "modified_entropy": modified_entropy,
            "logit_confidence": logit_confidence}


def class_logits(rng, n, margin_mean, margin_std, wrong_share):
    labels = rng.integers(0, N_CLASSES, n)
    logits = rng.normal(0.0, 1.0, (n, N_CLASSES))
    margins = rng.normal(margin_mean, margin_std, n)
    logits[np.arange(n), labels] += margins
    wrong = rng.random(n) < wrong_share
    shift = rng.integers(1, N_CLASSES, n)
    logits[np.arange(n)[wrong], ((labels + shift) % N_CLASSES)[wrong]] += rng.normal(6.0, 1.0, n)[wrong]
    return np.round(logits, 4), labels


def feature_case(name, description, rng, n):
    member_logits, member_labels = class_logits(rng, n, 6.0, 1.5, 0.0)
    non_member_logits, non_member_labels = class_logits(rng, n, 3.0, 2.0, 0.2)
    # Non-members first, then members, as in the MUFAC notebook.
    logits = np.concatenate([non_member_logits, member_logits])
    labels = np.concatenate([non_member_labels, member_labels])
    members = np.array([0] * n + [1] * n)
    out = {
        "case": name,
        "description": description,
        "sklearn_version": sklearn.__version__,
        "numpy_version": np.__version__,
        "n_splits": N_SPLITS,
        "test_size": TEST_SIZE,
        "random_state": RANDOM_STATE,
        "logits": logits.tolist(),
        "labels": labels.tolist(),
        "members": members.tolist(),
        "attacks": {},
    }
    for feature, values in attack_features(logits, labels).items():
        scores, splits = attack(values, members)
        out["attacks"][feature] = {
            "features": values.tolist(),
            "split_accuracies": scores.tolist(),
            "mean_accuracy": float(scores.mean()),
        }
        out["splits"] = splits  # the same for every feature: they depend on members only
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
    feature_cases = [
        feature_case("features_500", "500 vs 500, 10-class logits; members: true-class margin "
                     "N(6, 1.5); non-members: margin N(3, 2), a fifth also a wrong class +N(6, 1)",
                     np.random.default_rng(FEATURE_SEED), 500),
    ]
    os.makedirs(out_dir, exist_ok=True)
    for case in cases + feature_cases:
        path = os.path.join(out_dir, case["case"] + ".json")
        with open(path, "w") as f:
            json.dump(case, f, separators=(",", ":"))
            f.write("\n")
        if "attacks" in case:
            summary = " ".join("%s=%.6f" % (k, v["mean_accuracy"])
                               for k, v in case["attacks"].items())
        else:
            summary = "mean=%.6f coef=%.6f intercept=%.6f" % (
                case["mean_accuracy"], case["full_fit"]["coef"], case["full_fit"]["intercept"])
        print("%-16s %s  %s (%d bytes)" % (case["case"], summary, path, os.path.getsize(path)))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "src/test/resources/fixtures/mia")
