"""Browser check of the reports page: the server-drawn chart shows under the strict CSP."""

from __future__ import annotations

from typing import Any

import pytest

from deskline.analytics.services import stats_rebuild
from tests.e2e.conftest import desk_login, shot
from tests.e2e.test_journeys import _seed

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_supervisor_sees_the_flow_chart_and_its_table(live_server: Any, page: Any) -> None:
    _seed()
    stats_rebuild()  # what the event stream keeps current in a running installation
    base = live_server.url
    desk_login(page, base, "admin")
    page.click("nav >> text=Reports")
    page.click("nav.tabs >> text=Created and resolved")
    chart = page.locator("img.report-chart")
    chart.wait_for()
    drawn = "() => { const i = document.querySelector('img.report-chart');" \
            " return i.complete && i.naturalWidth > 0; }"  # fmt: skip
    for _ in range(100):  # wait_for_function would need 'unsafe-eval', which the CSP refuses
        if page.evaluate(drawn):
            break
        page.wait_for_timeout(100)
    assert page.evaluate(drawn)
    first_row = page.locator("table.report-table tbody tr").first.inner_text()
    assert "No data" not in first_row
    shot(page, "desk-report-flow-1280")
