"""The gallery's shared part is rendered once for logged-in readers too, and the committee's
changes show at once."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.core.permissions import Role
from app.extensions import cache, db
from tests.conftest import count_queries, login, submit


@pytest.fixture
def config_overrides():
    return {"PAGE_CACHE_SECONDS": 60}


def test_logged_in_readers_share_the_rendered_gallery(app, make_user, winner, approved):
    won = winner(citation="Første begrunnelse.")
    reader = login(app.test_client(), make_user(Role.resident))
    member = make_user(Role.committee)
    committee = login(app.test_client(), member)
    assert "Første begrunnelse." in reader.get("/moments/").get_data(as_text=True)
    year = f"/moments/{won.month.year}"
    assert "Første begrunnelse." in reader.get(year).get_data(as_text=True)

    with db.engine.begin() as conn:  # outside the app: nothing is cleared
        conn.execute(
            sa.text("UPDATE moment_winners SET citation = 'Endret utenom appen.' WHERE id = :id"),
            {"id": won.id},
        )
    page = committee.get("/moments/").get_data(as_text=True)
    assert "Første begrunnelse." in page  # the shared part, from the cache
    assert 'href="/moments/manage/"' in page  # the reader's own part, rendered for them
    assert 'href="/moments/manage/"' not in reader.get("/moments/").get_data(as_text=True)
    cached = count_queries(reader, "/moments/")

    # a change through the committee's pages shows at once
    other = approved()
    submit(committee, f"/moments/manage/nominations/{other.id}", {
        "employee_name": "", "story": "Ny fortelling.", "name_consent": "",
    })  # fmt: skip
    assert "Endret utenom appen." in reader.get("/moments/").get_data(as_text=True)
    assert "Endret utenom appen." in reader.get(year).get_data(as_text=True)
    cache.clear()
    assert count_queries(reader, "/moments/") == cached  # the warm-up filled it
    app.config["PAGE_CACHE_SECONDS"] = 0
    assert count_queries(reader, "/moments/") > cached
