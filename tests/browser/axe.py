"""axe-core in the browser tests: the npm package (package.json pins it; `npm ci` installs it),
injected by Playwright into the page under test.

The script is evaluated through the DevTools protocol (``page.evaluate``), which the page's
Content-Security-Policy does not apply to, so the pages are checked with their real CSP on.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0/2.1/2.2 A and AA, plus axe's best practices; the test fails on serious or critical only.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
FAIL_IMPACTS = ("serious", "critical")

_RUN = """async (tags) => {
  const r = await window.axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 4).map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').split('\\n').slice(0, 2).join(' '))}));
}"""


def axe_source() -> str:
    if not AXE_JS.exists():
        pytest.fail(f"axe-core is not installed ({AXE_JS} is missing): run `npm ci` at the repository root "
                    "(scripts/test.sh does it; it needs Node.js and npm)")
    return AXE_JS.read_text(encoding="utf-8")


def violations(page) -> list[dict]:
    """Every axe violation on the page as it is now (all impacts)."""
    if not page.evaluate("() => !!window.axe"):
        page.evaluate(axe_source() + "\n;0")
    return page.evaluate(_RUN, TAGS)


def serious(page) -> list[dict]:
    return [v for v in violations(page) if v["impact"] in FAIL_IMPACTS]


def describe(found: list[dict]) -> str:
    return json.dumps(found, indent=1)[:4000]


def overflow(page) -> int:
    """How many CSS pixels the page is wider than the window (0: it fits)."""
    return page.evaluate("() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth)")
