"""The reporter's receipt and answer over a real SMTP server (aiosmtpd on loopback)."""

from __future__ import annotations

import sqlalchemy as sa

from app.core.dates import today
from app.declarations.models import Report
from app.extensions import db
from tests.conftest import login, submit
from tests.core.test_mail import _text, config_overrides, smtp  # noqa: F401 - fixtures


def test_receipt_and_answer_arrive_in_the_reporters_language(app, smtp, service, publish, owner):  # noqa: F811
    promise = publish(service, "nn").promises[0]
    visitor = app.test_client()
    visitor.get("/language/nn")
    response = submit(visitor, f"/declarations/{service.slug}/report", {
        "r-promise_id": str(promise.id), "r-description": "Ingen ringde meg tilbake.",
        "r-happened_on": today().isoformat(), "r-name": "Nils", "r-email": "Nils@Roros.example",
    })  # fmt: skip
    assert response.status_code == 302
    report = db.session.scalar(sa.select(Report))
    receipt = next(m for m in smtp.messages if m["To"] == "nils@roros.example")
    assert report.reference in receipt["Subject"]
    assert receipt["Content-Language"] == "nn"
    body = _text(receipt)
    assert report.reference in body
    assert promise.text in body
    assert "Ingen ringde meg tilbake." not in body
    assert "Du får svar seinast" in body  # Nynorsk
    assert f"http://localhost/declarations/{service.slug}" in body
    owner_mail = next(m for m in smtp.messages if m["To"] == owner.email)
    assert f"http://localhost/declarations/manage/reports/{report.id}" in _text(owner_mail)

    o = login(app.test_client(), owner)
    submit(o, f"/declarations/manage/reports/{report.id}/answer",
           {"answer": "Vi beklagar.\nDu får ein ny time på torsdag."})  # fmt: skip
    answer = [m for m in smtp.messages if m["To"] == "nils@roros.example"][-1]
    assert answer["Content-Language"] == "nn"
    assert report.reference in answer["Subject"]
    assert "Du får ein ny time på torsdag." in _text(answer)
    html = next(p for p in answer.walk() if p.get_content_type() == "text/html")
    assert "Vi beklagar.<br>Du får ein ny time" in html.get_payload(decode=True).decode()
