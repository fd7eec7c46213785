"""The HTML report: self-contained, and rendered by a real headless chromium (screenshot + DOM assertions)."""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from verify_helpers import rendered, without

from byoc_iam.report.verify_html import render_html
from byoc_iam.verify import verify_role

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    if os.environ.get("CI") == "true":
        pytest.fail("chromium is required in CI (.ci/run installs it)")
    pytest.skip("chromium is not installed (apt-get install chromium)")


def _report_html() -> str:
    spec = rendered()
    broken = without(spec, inline_policies={k: v for k, v in spec.inline_policies.items() if k != "ClusterAutoscaler"})
    return render_html(verify_role(broken, ["snapshots"]))


def test_html_is_self_contained() -> None:
    html = _report_html()
    assert html.startswith("<!DOCTYPE html>") and "<style>" in html
    assert not re.search(r"<script|<link|<img|<iframe|src=|url\(|@import", html, re.I)
    assert not re.search(r'href="(?!#)', html), "only in-page links"


@pytest.mark.browser
def test_html_renders_in_headless_chromium(tmp_path: Path) -> None:
    chromium = _chromium()
    page = tmp_path / "report.html"
    page.write_text(_report_html(), encoding="utf-8")
    shot = tmp_path / "report.png"
    profile = tmp_path / "profile"
    common = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}"]
    subprocess.run(
        [*common, f"--screenshot={shot}", "--window-size=1280,2000", page.as_uri()],
        check=True,
        capture_output=True,
        timeout=120,
    )
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (1280, 2000)
    assert len(png) > 50_000, "a blank page compresses to a few KB"

    dom = subprocess.run(
        [*common, "--dump-dom", page.as_uri()], check=True, capture_output=True, text=True, timeout=120
    ).stdout
    # the matrix: one row per component, the broken one marked failed
    rows = re.findall(r'<tr class="(passed|failed)" data-component="([a-z0-9-]+)">', dom)
    assert len(rows) == 7
    assert ("failed", "cluster-autoscaler") in rows and ("passed", "aws-load-balancer-controller") in rows
    # the verdict first, in words a reviewer signs, naming what fails
    assert re.search(r'<body>\s*<header>\s*<h1>[^\n]*</h1>\s*<div id="verdict" class="banner fails"', dom)
    why = r'<div class="word">Fails</div><div class="why">6 required calls denied \(Cluster Autoscaler\)'
    assert re.search(why, dom)
    # findings before the component chart and tables; one bar per component, the broken one red
    assert dom.index('data-finding="') < dom.index('id="chart"') < dom.index('id="matrix"')
    bars = re.findall(r'<div class="bar" data-component="([a-z0-9-]+)"[^>]*>(.*?)</div>', dom)
    assert len(bars) == 7
    assert "seg-failed" in dict(bars)["cluster-autoscaler"] and "seg-failed" not in dict(bars)["worker-node"]
    # failing calls with the reason; each call with its deciding statement
    failing = dom[dom.index('<table id="failing">') :]
    failing = failing[: failing.index("</table>")]
    assert "autoscaling:SetDesiredCapacity" in failing and "no statement grants this action" in failing
    create_volume = re.search(r'<tr class="passed" data-call="create-volume">.*?</tr>', dom, re.S)
    assert create_volume and "inline:AmazonEBSCSIDriver" in create_volume.group(0)
    # trust results and findings
    assert len(re.findall(r'data-check="', dom)) == 75  # 15 checks of principals, 60 negative variations
    # placeholder trust: the IRSA rows say NOT LINKED, never PASS
    assert dom.count(">PASS<") == 72 and dom.count(">NOT LINKED<") == 3
    assert 'data-finding="shared-node-irsa-role"' in dom and "hop limit of 1" in dom
    assert 'data-finding="placeholder-trust-not-linked"' in dom
