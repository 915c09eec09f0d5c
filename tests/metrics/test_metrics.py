"""Metrics: registry contract and values checked by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bakeoff import metrics
from bakeoff.exceptions import UnknownNameError

SHIPPED = [
    "accuracy",
    "balanced_accuracy",
    "f1_macro",
    "log_loss",
    "mae",
    "r2",
    "rmse",
    "roc_auc_ovr",
]


def test_the_shipped_metrics_are_registered_with_a_direction() -> None:
    names = [m.name for m in metrics.list_metrics()]
    assert set(SHIPPED) <= set(names) and names == sorted(names)
    for name in SHIPPED:
        metric = metrics.get(name)
        assert metric.direction in ("maximize", "minimize") and callable(metric)
    assert metrics.get("log_loss").direction == "minimize" and metrics.get("log_loss").needs_proba


def test_unknown_metric_suggests() -> None:
    with pytest.raises(UnknownNameError, match="Did you mean 'rmse'"):
        metrics.get("rmsee")


def test_classification_values_by_hand() -> None:
    y_true = np.array(["a", "a", "a", "b", "b", "c"])
    y_pred = np.array(["a", "a", "b", "b", "c", "c"])
    assert metrics.get("accuracy")(y_true, y_pred) == pytest.approx(4 / 6)
    # recalls: a 2/3, b 1/2, c 1/1
    assert metrics.get("balanced_accuracy")(y_true, y_pred) == pytest.approx(
        (2 / 3 + 1 / 2 + 1) / 3
    )
    # F1 per class: a 2*1*(2/3)/(1+2/3)=0.8, b 2*(1/2)(1/2)/1=0.5, c 2*(1/2)*1/(3/2)=2/3
    assert metrics.get("f1_macro")(y_true, y_pred) == pytest.approx((0.8 + 0.5 + 2 / 3) / 3)


def test_binary_auc_is_the_mann_whitney_probability() -> None:
    y = np.array([0, 0, 0, 1, 1])
    p1 = np.array([0.1, 0.4, 0.35, 0.8, 0.3])
    proba = np.column_stack([1 - p1, p1])
    # Pairs (positive, negative) ranked correctly: 0.8 beats all 3, 0.3 beats only 0.1.
    expected = (3 + 1) / 6
    assert metrics.get("roc_auc_ovr")(y, y, proba, labels=[0, 1]) == pytest.approx(expected)


def test_log_loss_by_hand() -> None:
    y = np.array(["x", "y"])
    proba = np.array([[0.8, 0.2], [0.4, 0.6]])
    expected = -(math.log(0.8) + math.log(0.6)) / 2
    assert metrics.get("log_loss")(y, y, proba, labels=["x", "y"]) == pytest.approx(expected)


def test_regression_values_by_hand() -> None:
    y = np.array([1.0, 2.0, 3.0, 4.0])
    pred = np.array([1.5, 2.0, 2.0, 5.0])
    assert metrics.get("mae")(y, pred) == pytest.approx((0.5 + 0 + 1 + 1) / 4)
    assert metrics.get("rmse")(y, pred) == pytest.approx(math.sqrt((0.25 + 0 + 1 + 1) / 4))
    # R2 = 1 - SSres/SStot, SStot = 5
    assert metrics.get("r2")(y, pred) == pytest.approx(1 - 2.25 / 5)


def test_probability_metric_without_probabilities_says_so() -> None:
    with pytest.raises(ValueError, match="needs class probabilities"):
        metrics.get("roc_auc_ovr")([0, 1], [0, 1])


def test_a_user_metric_joins_the_registry() -> None:
    @metrics.register_metric("test_error_rate", direction="minimize", replace=True)
    def error_rate(y_true, y_pred, y_proba, labels):
        """Share of wrong predictions."""
        return float((y_true != y_pred).mean())

    metric = metrics.get("test_error_rate")
    assert metric([1, 2, 3, 4], [1, 2, 0, 0]) == 0.5
    assert metric.description == "Share of wrong predictions."
    assert metric.better(0.1, 0.2) and not metric.better(0.3, 0.2)
