"""Business events leave the API as CloudWatch EMF lines on stdout."""
from __future__ import annotations

import json

from chalicelib.core.observability import metrics
from tests.factories import create_category, create_product


def test_creating_a_product_emits_one_emf_metric(gql, operator, merchant, capsys, monkeypatch):
    category = create_category(gql, operator)
    monkeypatch.setattr(metrics, "metadata_set", {})
    monkeypatch.delenv("POWERTOOLS_METRICS_DISABLED", raising=False)
    capsys.readouterr()
    create_product(gql, merchant, category)
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    assert len(lines) == 1
    assert lines[0]["ProductsCreated"] == [1.0] or lines[0]["ProductsCreated"] == 1.0
    assert lines[0]["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "Tuanstack"
