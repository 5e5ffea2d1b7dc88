"""Alerts: promtool accepts the rules, every alert has a firing and a silent unit test, and every
alert links to a written runbook section.

The unit tests' scrape-target labels (``job``, ``namespace``, ``pod`` ...) are not written in
``alerts_test.yaml``: it names them ``$BOT_JOB``, ``$BOT_TARGET`` (all of a target's labels as a
series selector) and so on, and they are filled in from the chart as ``helm template`` renders it
(``chart_targets``), so an alert whose selector drifts from what the chart produces fails here.
"""

from __future__ import annotations

import re
import shutil
import string
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.monitoring import chart_targets

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "helm" / "touchline" / "files" / "prometheus-rules.yaml"
TESTS = Path(__file__).with_name("alerts_test.yaml")
RUNBOOKS = ROOT / "docs" / "runbooks.md"


def _promtool() -> str:
    path = shutil.which("promtool")
    assert path, "promtool missing: run scripts/install-system-deps.sh (make test does)"
    return path


def _alerts() -> list[dict[str, object]]:
    groups = yaml.safe_load(RULES.read_text())["groups"]
    return [rule for group in groups for rule in group["rules"] if "alert" in rule]


def test_promtool_check_rules_passes() -> None:
    result = subprocess.run(
        [_promtool(), "check", "rules", str(RULES)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def target_placeholders(targets: dict[str, dict[str, str]]) -> dict[str, str]:
    """``BOT_JOB``, ``BOT_POD`` ... per label and ``BOT_TARGET`` (``job="…", …``) per component."""
    values: dict[str, str] = {}
    for component, labels in targets.items():
        prefix = component.upper()
        for label, value in labels.items():
            values[f"{prefix}_{label.upper()}"] = value
        values[f"{prefix}_TARGET"] = ", ".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    return values


def rendered_tests(directory: Path) -> Path:
    """``alerts_test.yaml`` with the chart's target labels filled in, next to the real rules."""
    text = string.Template(TESTS.read_text()).substitute(
        target_placeholders(chart_targets.targets())
    )
    document = yaml.safe_load(text)
    document["rule_files"] = [str(RULES)]
    path = directory / "alerts_test.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


def test_up_series_use_the_chart_labels_not_hand_written_ones() -> None:
    for series in re.findall(r"up\{[^}]*\}", TESTS.read_text()):
        assert series.startswith("up{$"), series
        assert "job=" not in series, series


def test_promtool_unit_tests_pass(tmp_path: Path) -> None:
    result = subprocess.run(
        [_promtool(), "test", "rules", str(rendered_tests(tmp_path))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _cases() -> dict[str, set[str]]:
    seen: dict[str, set[str]] = {}
    for case in yaml.safe_load(TESTS.read_text())["tests"]:
        for check in case.get("alert_rule_test", []):
            kind = "firing" if check.get("exp_alerts") else "silent"
            seen.setdefault(check["alertname"], set()).add(kind)
    return seen


@pytest.mark.parametrize("alert", _alerts(), ids=lambda a: str(a["alert"]))
def test_every_alert_has_a_firing_and_a_silent_test(alert: dict[str, object]) -> None:
    assert _cases().get(str(alert["alert"])) == {"firing", "silent"}


@pytest.mark.parametrize("alert", _alerts(), ids=lambda a: str(a["alert"]))
def test_every_alert_is_complete_and_has_a_runbook(alert: dict[str, object]) -> None:
    labels = alert["labels"]
    annotations = alert["annotations"]
    assert isinstance(labels, dict)
    assert isinstance(annotations, dict)
    assert labels["severity"] in {"warning", "critical"}
    assert "for" in alert, "every alert states how long its condition must hold"
    assert {"summary", "description", "runbook_url"} <= set(annotations)
    anchor = str(annotations["runbook_url"]).split("#", 1)[1]
    headings = {
        re.sub(r"[^a-z0-9-]", "", h.lower().replace(" ", "-"))
        for h in re.findall(r"^## (.+)$", RUNBOOKS.read_text(), re.M)
    }
    assert anchor in headings, f"docs/runbooks.md has no section for #{anchor}"


def _rendered_runbook_urls(*extra: str) -> list[str]:
    rule = next(d for d in chart_targets.rendered_chart(*extra) if d["kind"] == "PrometheusRule")
    return [
        r["annotations"]["runbook_url"]
        for group in rule["spec"]["groups"]
        for r in group["rules"]
        if "alert" in r
    ]


def test_the_chart_links_every_alert_to_its_section_of_the_repository_runbooks() -> None:
    urls = _rendered_runbook_urls()
    assert len(urls) == len(_alerts())
    sections = {
        re.sub(r"[^a-z0-9-]", "", h.lower().replace(" ", "-"))
        for h in re.findall(r"^## (.+)$", RUNBOOKS.read_text(), re.M)
    }
    for url in urls:
        path, _, anchor = url.partition("#")
        assert (ROOT / path) == RUNBOOKS, url
        assert anchor in sections, url


def test_a_runbook_base_url_prefixes_the_repository_path() -> None:
    base = "https://docs.example.test/touchline/"
    urls = _rendered_runbook_urls("--set", f"monitoring.runbookBaseUrl={base}")
    assert urls
    assert all(u.startswith(f"{base}docs/runbooks.md#") for u in urls), urls
