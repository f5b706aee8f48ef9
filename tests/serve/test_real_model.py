"""`marsad serve` over the samples and the test pages with the default encoder (USE multilingual): the real pipeline, end to end."""

from __future__ import annotations

import pytest

from marsad.engine import Engine
from marsad.settings import Settings
from tests.serve.conftest import REUTERS, UNRELATED, WASHINGTON, serve_samples


@pytest.mark.integration
def test_samples_served_with_the_default_encoder():
    engine = Engine(Settings())
    assert engine.settings.encoder == "use"
    served = serve_samples(engine)
    client = served.client
    story = client.get(f"/api/articles/{REUTERS}").json()["story_id"]
    members = {member["id"] for member in client.get(f"/api/stories/{story}").json()["members"]}
    assert {WASHINGTON, REUTERS} <= members and UNRELATED not in members
    same = client.get("/api/compare", params={"a": WASHINGTON, "b": REUTERS}).json()
    different = client.get("/api/compare", params={"a": WASHINGTON, "b": UNRELATED}).json()
    assert same["scores"]["overall"] < different["scores"]["overall"]
    rewritten = client.get("/api/compare", params={"a": REUTERS, "b": served.conflicting}).json()
    assert rewritten["evidence"]["aligned"]  # the model finds the sentence both tell
    assert any(conflict["slot"] == "hour" for conflict in rewritten["evidence"]["conflicts"])
    page = client.get("/compare", params={"a": REUTERS, "b": served.conflicting}).text
    assert page.count('class="sentence aligned"') >= 2 and '<mark class="conflict"' in page
