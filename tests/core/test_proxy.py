"""Behind a proxy (TRUSTED_PROXY_HOPS): rate limits count the client's address, HTTPS is
seen as HTTPS (so Flask-WTF's Referer check runs), and only trusted hosts are answered."""

from __future__ import annotations

import pytest

from tests.conftest import csrf_token, login
from tests.proposals.fixtures import sign_form


@pytest.fixture
def config_overrides():
    return {
        "TRUSTED_PROXY_HOPS": 1,
        "RATELIMIT_ENABLED": True,
        "LOGIN_RATE_LIMIT": "2 per minute",
        "TRUSTED_HOSTS": ["localhost"],
    }


def _log_in_from(app, address: str) -> int:  # type: ignore[no-untyped-def]
    client = app.test_client()
    token = csrf_token(client)
    form = {"csrf_token": token, "email": "ingen@roros.example", "password": "feil passord 123"}
    return client.post("/auth/login", data=form, headers={"X-Forwarded-For": address}).status_code


def test_limits_count_the_clients_address_not_the_proxys(app):
    assert [_log_in_from(app, "203.0.113.5") for _ in range(3)] == [200, 200, 429]
    assert _log_in_from(app, "198.51.100.7") == 200  # another resident behind the same proxy


@pytest.mark.parametrize(
    "config_overrides",
    [{"TRUSTED_PROXY_HOPS": 0, "RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "2 per minute"}],
)
def test_without_a_trusted_proxy_a_forged_forwarded_for_is_ignored(app):
    """With no proxy trusted the limiter counts the peer: a client that sends a new
    X-Forwarded-For with every attempt is still one client."""
    forged = [_log_in_from(app, f"203.0.113.{n}") for n in range(1, 4)]
    assert forged == [200, 200, 429]


def test_https_at_the_proxy_is_https_to_the_app(app, open_proposal, resident):
    proposal = open_proposal()
    client = login(app.test_client(), resident())
    form = sign_form(client, proposal.id)
    https = {"X-Forwarded-Proto": "https"}
    path = f"/proposals/{proposal.id}/sign"
    refused = client.post(path, data=form, headers=https)
    assert refused.status_code == 400  # no Referer: Flask-WTF's check over HTTPS ran
    foreign = {**https, "Referer": "https://evil.example/"}
    assert client.post(path, data=form, headers=foreign).status_code == 400
    ours = {**https, "Referer": f"https://localhost/proposals/{proposal.id}"}
    signed = client.post(path, data=form, headers=ours)
    assert signed.status_code == 302
    assert signed.location.endswith(f"/proposals/{proposal.id}#sign-heading")  # signed


def test_a_host_not_trusted_is_refused(app):
    answer = app.test_client().get("/", headers={"Host": "evil.example"})
    assert answer.status_code == 400
    assert app.test_client().get("/").status_code == 200


class TestWithoutATrustedProxy:
    @pytest.fixture
    def config_overrides(self):
        return {
            "TRUSTED_PROXY_HOPS": 0,
            "RATELIMIT_ENABLED": True,
            "LOGIN_RATE_LIMIT": "2 per minute",
        }

    def test_a_forwarded_address_is_not_believed(self, app):
        """Anyone can send X-Forwarded-For: without a proxy it would escape every limit."""
        statuses = [_log_in_from(app, f"203.0.113.{n}") for n in range(3)]
        assert statuses == [200, 200, 429]
