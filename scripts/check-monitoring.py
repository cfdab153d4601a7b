#!/usr/bin/env python3
"""Checks that the shipped alert rules and Grafana dashboard name only metrics the service exports.

The exported metrics are the `label:` of every swift-metrics Counter, Gauge, Timer, Recorder and
Meter made in Sources/ (a Timer is a Prometheus histogram: `_bucket`, `_sum`, `_count`); each
must also have a row in docs/operations.md's metrics table, so operators can look it up.

    scripts/check-monitoring.py              # checks deploy/prometheus/alerts.yml and deploy/grafana/*.json
    scripts/check-monitoring.py --self-test  # proves an unknown metric and an undocumented one are caught
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from planted import verdict

METRIC_CALL = re.compile(r"\b(Counter|Gauge|Timer|Recorder|Meter|FloatingPointCounter)\(\s*label:\s*\"([a-zA-Z_:][a-zA-Z0-9_:]*)\"")
# Prometheus' own series, present for every scrape target.
PROMETHEUS_SERIES = {"up", "scrape_duration_seconds", "scrape_samples_scraped"}
PROMQL_WORDS = {
    "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "offset", "bool",
    "sum", "min", "max", "avg", "count", "stddev", "stdvar", "topk", "bottomk", "quantile", "count_values", "group",
    "rate", "irate", "increase", "delta", "idelta", "deriv", "histogram_quantile", "abs", "absent", "ceil", "floor",
    "round", "clamp_min", "clamp_max", "label_replace", "label_join", "time", "vector", "scalar", "sort", "sort_desc",
    "avg_over_time", "max_over_time", "min_over_time", "sum_over_time", "count_over_time", "changes", "resets",
    "label_values", "inf", "nan", "le",
}


def exported_metrics(sources: Path) -> dict[str, str]:
    """Series name -> the metric label it comes from."""
    names: dict[str, str] = {}
    for path in sources.rglob("*.swift"):
        for kind, label in METRIC_CALL.findall(path.read_text(encoding="utf-8")):
            if kind in ("Timer", "Recorder"):
                for suffix in ("_bucket", "_sum", "_count"):
                    names[label + suffix] = label
            else:
                names[label] = label
    return names


def metric_names(expression: str) -> set[str]:
    """The metric names a PromQL expression selects (label matchers, strings and functions removed)."""
    text = re.sub(r"\{[^}]*\}", " ", expression)            # label matchers
    text = re.sub(r"\"[^\"]*\"|'[^']*'", " ", text)           # strings
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)
    text = re.sub(r"\[[^\]]*\]", " ", text)                    # range selectors
    text = re.sub(r"\$\{?[a-zA-Z_]+\}?", " ", text)            # Grafana variables
    names = set()
    for match in re.finditer(r"(?<![\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\()?", text):
        word, call = match.group(1), match.group(2)
        if call or word in PROMQL_WORDS or re.fullmatch(r"\d+[smhdwy]?", word):
            continue
        names.add(word)
    return names


def expressions(alerts: Path, dashboards: list[Path]) -> list[tuple[str, str]]:
    """(where, PromQL) for every rule and every dashboard target and templating query."""
    found = []
    rules = alerts.read_text(encoding="utf-8")
    # A folded `expr: >-` block runs until the next key at the rule's indentation.
    for match in re.finditer(r"^(\s*)expr:\s*(>-|\|)?\s*(.*?)(?=^\1[a-z_]+:|\Z)", rules, re.M | re.S):
        found.append((f"{alerts.name}", " ".join(match.group(3).split())))
    for dashboard in dashboards:
        data = json.loads(dashboard.read_text(encoding="utf-8"))
        for panel in data.get("panels", []):
            for target in panel.get("targets", []):
                found.append((f"{dashboard.name}: {panel.get('title')}", target["expr"]))
        for variable in data.get("templating", {}).get("list", []):
            if variable.get("type") == "query":
                # label_values(metric, label): only the first argument is a metric.
                query = re.sub(r"label_values\(\s*([^,]+),[^)]*\)", r"\1", variable["query"])
                found.append((f"{dashboard.name}: ${variable['name']}", query))
    return found


def check(root: Path) -> list[str]:
    exported = exported_metrics(root / "Sources")
    problems = []
    if not exported:
        problems.append("no metrics found in Sources/ (the label pattern no longer matches the code)")
    operations = (root / "docs" / "operations.md").read_text(encoding="utf-8")
    for label in sorted(set(exported.values())):
        if f"| `{label}` |" not in operations:
            problems.append(f"{label}: exported but has no row in docs/operations.md's metrics table")
    found = expressions(root / "deploy" / "prometheus" / "alerts.yml", sorted((root / "deploy" / "grafana").glob("*.json")))
    if not found:
        problems.append("no expressions found in the alert rules or dashboards")
    for where, expression in found:
        names = metric_names(expression)
        if not names:
            problems.append(f"{where}: selects no metric: {expression}")
        for name in sorted(names - set(exported) - PROMETHEUS_SERIES):
            problems.append(f"{where}: {name} is not a metric the service exports")
    return problems


def self_test() -> int:
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "Sources").mkdir()
        (root / "Sources" / "M.swift").write_text(
            'let a = Counter(label: "known_total", dimensions: [])\nlet b = Timer(label: "lat_seconds")\n'
            'let c = Gauge(label: "undocumented")\n')
        (root / "docs").mkdir()
        (root / "docs" / "operations.md").write_text("| `known_total` | counter |\n| `lat_seconds` | histogram |\n")
        (root / "deploy" / "prometheus").mkdir(parents=True)
        (root / "deploy" / "grafana").mkdir(parents=True)
        (root / "deploy" / "prometheus" / "alerts.yml").write_text(
            "groups:\n  - rules:\n      - alert: A\n        expr: >-\n          sum by (instance) (rate(known_total{x=\"y\"}[5m]))\n"
            "            > 3 * rate(typo_total[1h] offset 5m)\n        for: 1m\n")
        (root / "deploy" / "grafana" / "d.json").write_text(json.dumps({"panels": [{"title": "p", "targets": [
            {"expr": "histogram_quantile(0.99, sum by (le) (rate(lat_seconds_bucket[$__rate_interval])))"},
            {"expr": "rate(lat_seconds_histogram[5m])"}]}]}))
        problems = check(root)
    expected = [
        "undocumented: exported but has no row in docs/operations.md's metrics table",
        "alerts.yml: typo_total is not a metric the service exports",
        "d.json: p: lat_seconds_histogram is not a metric the service exports",
    ]
    return verdict(expected, problems, "monitoring check")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--self-test", action="store_true")
    if parser.parse_args().self_test:
        return self_test()
    root = Path(__file__).resolve().parent.parent
    problems = check(root)
    for line in problems:
        print(f"monitoring: {line}")
    if problems:
        return 1
    count = len(expressions(root / "deploy" / "prometheus" / "alerts.yml", list((root / "deploy" / "grafana").glob("*.json"))))
    print(f"monitoring check: {count} expressions, every metric exported and documented")
    return 0


if __name__ == "__main__":
    sys.exit(main())
