"""flask users …, flask demo seed."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app import create_app
from app.auth import services
from app.auth.models import User
from app.core.demo import DEMO_UNITS, DEMO_USERS
from app.core.models import MunicipalitySettings, Unit
from app.core.permissions import Role
from app.extensions import db
from config import ProductionConfig, TestConfig


def test_users_create_grant_revoke(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["users", "create", "leder@roros.example", "--name", "Lea Leder",
              "--role", "committee", "--role", "admin", "--password", "staff-password-1"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    user = services.find_user_by_email("leder@roros.example")
    assert user.is_confirmed
    assert user.role_set == {Role.committee, Role.admin}
    assert services.authenticate("leder@roros.example", "staff-password-1") == user

    assert runner.invoke(args=["users", "grant", "leder@roros.example", "resident"]).exit_code == 0
    assert runner.invoke(args=["users", "revoke", "leder@roros.example", "admin"]).exit_code == 0
    db.session.expire_all()
    assert services.find_user_by_email("leder@roros.example").role_set == {
        Role.committee,
        Role.resident,
    }


def test_users_create_refuses_bad_input(app):
    runner = app.test_cli_runner()
    short = runner.invoke(args=["users", "create", "a@roros.example", "--name", "A",
                                "--password", "kort"])  # fmt: skip
    assert short.exit_code != 0
    assert "at least 10" in short.output
    bad_role = runner.invoke(args=["users", "create", "a@roros.example", "--name", "A",
                                   "--role", "king", "--password", "langt passord 1"])  # fmt: skip
    assert bad_role.exit_code != 0
    unknown = runner.invoke(args=["users", "grant", "nobody@roros.example", "admin"])
    assert unknown.exit_code != 0
    assert "No account" in unknown.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_demo_seed_is_idempotent(app):
    db.session.execute(sa.delete(MunicipalitySettings))
    db.session.commit()
    runner = app.test_cli_runner()
    for _ in range(2):
        result = runner.invoke(args=["demo", "seed"])
        assert result.exit_code == 0, result.output
    settings = db.session.scalars(sa.select(MunicipalitySettings)).all()
    assert len(settings) == 1
    assert (settings[0].name, settings[0].number, settings[0].population) == (
        "Røros kommune",
        "5025",
        5681,
    )
    from app.panel.demo import VOLUNTEERS
    from app.panel.models import Answer, FollowUp, Survey
    from app.proposals.models import Proposal, ProposalState

    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == len(DEMO_USERS) + (
        VOLUNTEERS
    )
    states = set(db.session.scalars(sa.select(Proposal.state)))
    assert states == set(ProposalState) - {ProposalState.draft}  # every public state
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Survey)) == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Answer)) > 60
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FollowUp)) == 2
    for email, _name, password, roles, _postal in DEMO_USERS:
        user = services.authenticate(email, password)
        assert user is not None
        assert user.role_set == set(roles)
        assert user.is_confirmed
    held = {role for *_, roles, _ in DEMO_USERS for role in roles}
    assert held == set(Role)  # one demo account per role
    units = db.session.scalars(sa.select(Unit)).all()
    assert sorted(u.name for u in units) == sorted(DEMO_UNITS)  # seeded once, not twice
    contact = services.find_user_by_email("tjenesteleder@roros.example")
    assert {u.contact_id for u in units} == {contact.id}


def test_demo_seed_refused_in_production(config_class):
    class Prod(ProductionConfig):
        SECRET_KEY = "p" * 40
        SITE_URL = "https://medvirke.roros.example"
        TRUSTED_HOSTS = ["medvirke.roros.example"]
        SQLALCHEMY_DATABASE_URI = config_class.SQLALCHEMY_DATABASE_URI

    prod = create_app(Prod)
    result = prod.test_cli_runner().invoke(args=["demo", "seed"])
    with prod.app_context():
        db.engine.dispose()
    assert result.exit_code != 0
    assert "refused" in result.output


@pytest.mark.parametrize("population", [0, -5])
def test_population_must_be_positive_in_the_database(app, population):
    settings = db.session.scalar(sa.select(MunicipalitySettings))
    settings.population = population
    with pytest.raises(sa.exc.IntegrityError, match="ck_municipality_settings_population_positive"):
        db.session.flush()
    db.session.rollback()


def test_mail_send_delivers_pending_rows(app):
    from app.core.mail import queue_mail
    from app.core.models import MailStatus, OutboxMail

    user = services.create_user("post@roros.example", "Post", "langt passord 1")
    queue_mail(user.email, "confirm_email", "en", user=user, link="http://x/c", hours=48)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    assert "Sent 1" in result.output
    db.session.expire_all()
    mail = db.session.scalar(sa.select(OutboxMail))
    assert mail.status == MailStatus.sent
    assert mail.subject == "Confirm your email address"


def test_cli_role_changes_are_audited(app):
    from app.core.models import AuditEntry

    runner = app.test_cli_runner()
    runner.invoke(args=["users", "create", "cli@roros.example", "--name", "C",
                        "--password", "langt passord 1"])  # fmt: skip
    runner.invoke(args=["users", "grant", "cli@roros.example", "committee"])
    runner.invoke(args=["users", "revoke", "cli@roros.example", "committee"])
    actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["user.created", "user.role_granted", "user.role_revoked"]


def test_db_backup_copies_sqlite_online_and_the_copy_restores(app, make_user, tmp_path):
    """One host's nightly backup: `flask db backup PATH` while the app holds the database
    open; an app started on the copy reads what was written before it."""
    if db.engine.dialect.name != "sqlite":
        result = app.test_cli_runner().invoke(args=["db", "backup", str(tmp_path / "x.db")])
        assert result.exit_code != 0
        assert "pg_dump" in result.output
        return
    user = make_user(email="kopi@roros.example", name="Kari Kopi")
    db.session.commit()
    target = tmp_path / "backups" / "medvirke-2026-12-04.sqlite3"
    target.parent.mkdir()

    result = app.test_cli_runner().invoke(args=["db", "backup", str(target)])

    assert result.exit_code == 0, result.output
    assert "integrity ok" in result.output
    assert not list(target.parent.glob(".*partial"))

    class RestoredConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{target}"

    restored = create_app(RestoredConfig)
    with restored.app_context():
        try:
            copy = db.session.scalar(sa.select(User).where(User.email == "kopi@roros.example"))
            assert (copy.id, copy.name) == (user.id, "Kari Kopi")
            assert db.session.scalar(sa.select(sa.func.count()).select_from(MunicipalitySettings))
        finally:
            db.session.remove()
            db.engine.dispose()


def test_db_backup_refuses_a_path_it_cannot_write(app, tmp_path):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the SQLite backup; PostgreSQL is refused (test above)")
    result = app.test_cli_runner().invoke(args=["db", "backup", str(tmp_path / "no" / "x.db")])
    assert result.exit_code == 1
    assert "No folder" in result.output
    assert not (tmp_path / "no").exists()


def test_cli_audit_rows_name_each_role_and_who_ran_it(app, monkeypatch):
    """Every role given from the command line is a user.role_granted row (the audit page's
    "role" filter finds it), named after the system account; never the password."""
    import getpass

    from app.core.models import AuditEntry

    monkeypatch.setattr(getpass, "getuser", lambda: "drift")
    runner = app.test_cli_runner()
    runner.invoke(
        args=[
            "users",
            "create",
            "sjef@roros.example",
            "--name",
            "Sjef",
            "--role",
            "admin",
            "--role",
            "committee",
            "--role",
            "admin",
            "--password",
            "langt passord 1",
        ]
    )
    runner.invoke(args=["users", "grant", "sjef@roros.example", "service_owner"])
    runner.invoke(args=["users", "grant", "sjef@roros.example", "service_owner"])  # held
    runner.invoke(args=["users", "revoke", "sjef@roros.example", "admin"])
    entries = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)).all()
    user = services.find_user_by_email("sjef@roros.example")
    assert [(e.action, e.details.get("role")) for e in entries] == [
        ("user.created", None),
        ("user.role_granted", "admin"),
        ("user.role_granted", "committee"),
        ("user.role_granted", "service_owner"),
        ("user.role_revoked", "admin"),
    ]
    assert {(e.actor_id, e.actor_label, e.target_id) for e in entries} == {
        (None, "cli:drift", str(user.id))
    }
    assert all(e.details["via"] == "cli" for e in entries)
    assert "langt passord" not in repr([(e.details, e.actor_label) for e in entries])


def test_cli_audit_without_a_system_account_name(app, monkeypatch):
    import getpass

    from app.core.models import AuditEntry

    def no_name() -> str:
        raise OSError("no user name for this uid")

    monkeypatch.setattr(getpass, "getuser", no_name)
    runner = app.test_cli_runner()
    runner.invoke(
        args=["users", "create", "x@roros.example", "--name", "X", "--password", "langt passord 1"]
    )
    assert runner.invoke(args=["users", "grant", "x@roros.example", "committee"]).exit_code == 0
    labels = db.session.scalars(sa.select(AuditEntry.actor_label)).all()
    assert labels == ["cli", "cli"]
