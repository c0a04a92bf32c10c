"""The objects the route matrix (tests/test_route_matrix.py) requests pages about, made on
first use through the services, so each case builds only what its route needs."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cached_property

from flask_login import AnonymousUserMixin

from app.auth.models import User
from app.auth.sessions import start_session
from app.compass import services as compass
from app.core import dates
from app.core.models import Unit
from app.core.permissions import Role
from app.declarations import services as declarations
from app.declarations.models import DeclarationVersion
from app.extensions import db
from app.moments import services as moments
from app.panel import services as panel
from app.panel.models import Audience, QuestionKind
from app.proposals import services as proposals
from tests.conftest import PASSWORD
from tests.declarations.fixtures import PROMISES, SECTIONS
from tests.moments.fixtures import STORY, confirmation_link, path_of
from tests.proposals.fixtures import TEXT


class World:
    """One of each object a route is about; ``viewer`` is the user the case logs in as."""

    def __init__(self) -> None:
        self._n = 0

    def user(self, *roles: Role, confirmed: bool = True, **fields: object) -> User:
        from app.auth import services as auth

        self._n += 1
        user = auth.create_user(
            f"verden{self._n}@roros.example",
            f"Verden Bruker {self._n}",
            PASSWORD,
            roles=roles or (Role.resident,),
            confirmed=confirmed,
        )
        user.postal_code = "7374"
        for key, value in fields.items():
            setattr(user, key, value)
        db.session.commit()
        return user

    # --- people ----------------------------------------------------------------------

    @cached_property
    def admin(self) -> User:
        return self.user(Role.admin)

    @cached_property
    def committee(self) -> User:
        return self.user(Role.committee)

    @cached_property
    def author(self) -> User:
        """The author of the world's proposals (a resident)."""
        return self.user(Role.resident)

    @cached_property
    def signer(self) -> User:
        return self.user(Role.resident)

    @cached_property
    def owner(self) -> User:
        """The owner of the world's service."""
        return self.user(Role.service_owner)

    @cached_property
    def target(self) -> User:
        """A user the administrator acts on."""
        return self.user(Role.resident)

    # --- proposals -------------------------------------------------------------------

    def _proposal(self, **fields: object):  # type: ignore[no-untyped-def]
        return proposals.create_proposal(self.author, **{**TEXT, **fields})

    @cached_property
    def draft(self):  # type: ignore[no-untyped-def]
        made = self._proposal(title="Et utkast om lysløyper")
        db.session.commit()
        return made

    @cached_property
    def proposal(self):  # type: ignore[no-untyped-def]
        """Open, with one signature by ``signer`` and one comment."""
        made = self._proposal()
        proposals.open_proposal(self.author, made, dates.today() + timedelta(days=90))
        db.session.commit()
        proposals.sign(self.signer, made.id, made.version)
        db.session.commit()
        return made

    @cached_property
    def signature(self):  # type: ignore[no-untyped-def]
        from app.proposals.models import Signature

        proposal = self.proposal
        return db.session.query(Signature).filter_by(proposal_id=proposal.id).one()

    @cached_property
    def comment(self):  # type: ignore[no-untyped-def]
        made = proposals.add_comment(self.signer, self.proposal, "Godt forslag!")
        db.session.commit()
        return made

    @cached_property
    def submitted(self):  # type: ignore[no-untyped-def]
        made = self._proposal(title="Et innsendt forslag om bibliotek")
        proposals.open_proposal(self.author, made, dates.today() + timedelta(days=90))
        db.session.commit()
        proposals.sign(self.signer, made.id, made.version)
        proposals.submit(self.author, made)
        db.session.commit()
        return made

    @cached_property
    def submitted_signature(self):  # type: ignore[no-untyped-def]
        from app.proposals.models import Signature

        proposal = self.submitted
        return db.session.query(Signature).filter_by(proposal_id=proposal.id).one()

    # --- panel -----------------------------------------------------------------------

    def _survey(self, published: bool):  # type: ignore[no-untyped-def]
        s = panel.create_survey(
            self.admin,
            title="Innbyggerundersøkelse 2026",
            intro="Hei!",
            audience=Audience.residents,
            opens_on=dates.today(),
            closes_on=dates.today() + timedelta(days=14),
            results_public=True,
        )
        panel.add_question(
            self.admin,
            s,
            kind=QuestionKind.scale6,
            text="Hvor fornøyd er du?",
            dimension="Helhetsvurdering",
        )
        panel.add_question(
            self.admin,
            s,
            kind=QuestionKind.single,
            text="Hvor bor du?",
            options=["Sentrum", "Utenfor"],
        )
        if published:
            panel.publish(self.admin, s)
        db.session.commit()
        return s

    @cached_property
    def survey(self):  # type: ignore[no-untyped-def]
        """Published, open to everyone, results public."""
        return self._survey(True)

    @cached_property
    def closed_survey(self):  # type: ignore[no-untyped-def]
        """Closed, results public."""
        made = self._survey(True)
        panel.close_now(self.admin, made)
        db.session.commit()
        return made

    @cached_property
    def answered_survey(self):  # type: ignore[no-untyped-def]
        """Closed after twelve residents answered, six a 2 and six a 5: two cells of more
        than K each, so the scale question's chart is drawn (the disclosure rule holds back
        a distribution whose answers all fall in one cell)."""
        made = self._survey(True)
        scale, single = made.questions
        for i in range(12):
            answer = {scale.id: 2 if i % 2 else 5, single.id: 0}
            panel.submit_answers(self.user(Role.resident), made, answer)
        panel.close_now(self.admin, made)
        db.session.commit()
        return made

    @cached_property
    def volunteer_made(self) -> str:
        """Nothing to put in a path: a panel member, so that a lottery has someone to draw."""
        panel.join_panel(self.user(Role.resident), 1980, "Røros sentrum", [])
        db.session.commit()
        return ""

    @cached_property
    def survey_draft(self):  # type: ignore[no-untyped-def]
        return self._survey(False)

    @cached_property
    def question(self):  # type: ignore[no-untyped-def]
        return self.survey_draft.questions[1]

    @cached_property
    def followup(self):  # type: ignore[no-untyped-def]
        panel.add_followup(self.admin, self.survey, "Lengre åpningstider", "Biblioteket", None)
        db.session.commit()
        from app.panel.models import FollowUp

        return db.session.query(FollowUp).filter_by(survey_id=self.survey.id).one()

    @cached_property
    def subpanel(self):  # type: ignore[no-untyped-def]
        from app.panel.models import SubPanel

        made = SubPanel(name="Ungdomspanelet", size=0, seed=1, report=[])
        db.session.add(made)
        db.session.commit()
        return made

    # --- declarations ----------------------------------------------------------------

    @cached_property
    def unit(self) -> Unit:
        made = Unit(name="Plan, byggesak og oppmåling", contact_id=self.owner.id)
        db.session.add(made)
        db.session.commit()
        return made

    @cached_property
    def service(self):  # type: ignore[no-untyped-def]
        """Owned by ``owner``, with a published declaration."""
        made = declarations.create_service(
            self.admin,
            name="Byggesak",
            slug="byggesak",
            unit_id=self.unit.id,
            description="",
            focus_areas=[2, 5],
            owner_ids=[self.owner.id],
        )
        draft = declarations.start_draft(self.admin, made, "nb")
        declarations.save_draft(self.admin, draft, SECTIONS, PROMISES)
        declarations.publish(self.admin, draft, dates.today() - timedelta(days=1))
        db.session.commit()
        return made

    @cached_property
    def published(self) -> DeclarationVersion:
        return (
            db.session.query(DeclarationVersion)
            .filter_by(service_id=self.service.id, language="nb")
            .one()
        )

    @cached_property
    def newer(self) -> DeclarationVersion:
        """A second published version, for the diff."""
        self.published  # noqa: B018 - the first one
        made = declarations.start_draft(self.admin, self.service, "nb")
        declarations.save_draft(self.admin, made, {**SECTIONS, "price": "Gratis."}, PROMISES)
        declarations.publish(self.admin, made, dates.today())
        db.session.commit()
        return made

    @cached_property
    def promise_id(self) -> int:
        return self.published.promises[0].id

    @cached_property
    def version(self) -> DeclarationVersion:
        """A draft for the service, by its owner."""
        made = declarations.start_draft(self.owner, self.service, "en")
        declarations.save_draft(self.owner, made, SECTIONS, PROMISES)
        db.session.commit()
        return made

    @cached_property
    def submitted_version(self) -> DeclarationVersion:
        version = self.version
        declarations.submit_draft(self.owner, version)
        db.session.commit()
        return version

    @cached_property
    def report(self):  # type: ignore[no-untyped-def]
        made = declarations.report_broken_promise(
            AnonymousUserMixin(),
            self.service,
            self.promise_id,
            "Ingen svar på tre uker.",
            dates.today() - timedelta(days=1),
            "Per Melder",
            "melder@roros.example",
            "nb",
        )
        db.session.commit()
        return made

    # --- compass ---------------------------------------------------------------------

    @cached_property
    def evaluation(self):  # type: ignore[no-untyped-def]
        made = compass.save_evaluation(
            self.admin, None, year=2017, evaluator="KS-Konsulent", total=396, scores={2: 38, 5: 40}
        )
        db.session.commit()
        return made

    @cached_property
    def evaluation_made(self) -> str:
        """Nothing to put in a path: an evaluation, so that the charts have one."""
        self.evaluation  # noqa: B018
        return ""

    @cached_property
    def strategy(self):  # type: ignore[no-untyped-def]
        made = compass.save_strategy(
            self.admin, None, title="Servicekommunen Røros", description="", position=1
        )
        db.session.commit()
        return made

    @cached_property
    def measure(self):  # type: ignore[no-untyped-def]
        made = compass.save_measure(
            self.admin,
            None,
            strategy=self.strategy,
            title="Brukerpanel",
            description="",
            focus_areas=[2],
            owner="Servicetorget",
            due_on=date(2027, 12, 31),
        )
        db.session.commit()
        return made

    # --- moments ---------------------------------------------------------------------

    @cached_property
    def nomination(self):  # type: ignore[no-untyped-def]
        made = moments.nominate(
            AnonymousUserMixin(),
            unit_id=self.unit.id,
            employee_name="Siri Bakken",
            happened_on=dates.today() - timedelta(days=2),
            story=STORY,
            nominator_name="Nora Nominerer",
            nominator_email="nominerer@roros.example",
            may_contact=True,
            language="nb",
        )
        db.session.commit()
        token = path_of(confirmation_link("nominerer@roros.example")).rsplit("/", 1)[1]
        moments.confirm_nomination(token)
        db.session.commit()
        return made

    @cached_property
    def approved_nomination(self):  # type: ignore[no-untyped-def]
        moments.approve(self.committee, self.nomination, False)
        db.session.commit()
        return self.nomination

    @cached_property
    def this_month(self) -> int:
        return dates.today().month

    @cached_property
    def prompt(self):  # type: ignore[no-untyped-def]
        made = moments.publish_prompt(self.admin, dates.today(), "Hva lærte vi denne uka?")
        db.session.commit()
        return made

    # --- open data -------------------------------------------------------------------

    @cached_property
    def opendata_file(self) -> str:
        """The open-data export written where the app serves it from: its metadata file."""
        from flask import current_app

        from app.compass.export import METADATA_FILE, export_open_data

        export_open_data(current_app.config["OPENDATA_DIR"])
        return METADATA_FILE

    # --- accounts --------------------------------------------------------------------

    viewer: User | None = None

    @cached_property
    def own_session(self) -> int:
        """A second login session of the viewer's (one they may end)."""
        made = start_session(self.viewer or self.target, "Firefox")
        db.session.commit()
        return made.id

    @cached_property
    def inactive_user(self) -> User:
        return self.user(Role.resident, active=False)

    @cached_property
    def inactive_unit(self) -> Unit:
        made = Unit(name="Nedlagt kontor", active=False)
        db.session.add(made)
        db.session.commit()
        return made

    @cached_property
    def this_year(self) -> int:
        return dates.today().year
