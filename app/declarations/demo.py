"""Røros demo service declarations: four services in bokmål and nynorsk, with measurable
promises, feedback and reports in every status (idempotent: a service that exists is kept)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa
from flask_login import AnonymousUserMixin

from app.auth.models import User
from app.core.dates import OSLO, today
from app.core.demo import SEEDERS
from app.core.models import Unit
from app.core.workdays import add_working_days, working_days_between
from app.declarations import queries, services
from app.declarations.models import Report, ReportStatus, Service, TargetUnit
from app.extensions import db

D, H = TargetUnit.working_days, TargetUnit.hours
CONTACT = {
    "nb": "Servicetorget i rådhuset tar imot deg på hverdager, eller send e-post til "
    "postmottak@roros.example.",
    "nn": "Servicetorget i rådhuset tek imot deg på kvardagar, eller send e-post til "
    "postmottak@roros.example.",
}

# slug: (name, unit, focus areas, {language: (sections, promises)})
DEMO = {
    "byggesak": ("Byggesak", "Plan, byggesak og oppmåling", [2, 5], {
        "nb": ({
            "about": "Byggesak behandler søknader om å bygge, rive og endre bruk etter plan- og "
                     "bygningsloven.",
            "audience": "Alle som skal bygge, rive eller endre noe på en eiendom i Røros "
                        "kommune, og fagfolk som søker på vegne av andre.",
            "expectations": "- Send en komplett søknad med tegninger og situasjonskart.\n"
                            "- Svar raskt hvis vi ber om flere opplysninger.",
            "price": "Gebyr etter kommunens gebyrregulativ for byggesaker.",
            "complaints": "Du kan klage på vedtaket innen tre uker etter at du fikk det. Klagen "
                          "sendes til kommunen, som sender den videre til Statsforvalteren hvis "
                          "vi ikke endrer vedtaket.",
        }, [
            ("Du får svar på søknaden innen 3 uker når søknaden er komplett.", 15, D),
            ("Vi bekrefter at vi har mottatt søknaden innen 2 virkedager.", 2, D),
            ("Du får veiledning før du søker, på telefon eller i møte.", None, None),
            ("Vi sier fra innen 5 virkedager hvis noe mangler i søknaden.", 5, D),
        ]),
        "nn": ({
            "about": "Byggjesak handsamar søknader om å byggje, rive og endre bruk etter plan- "
                     "og bygningslova.",
            "audience": "Alle som skal byggje, rive eller endre noko på ein eigedom i Røros "
                        "kommune, og fagfolk som søkjer på vegner av andre.",
            "expectations": "- Send ein komplett søknad med teikningar og situasjonskart.\n"
                            "- Svar raskt dersom vi ber om fleire opplysningar.",
            "price": "Gebyr etter gebyrregulativet til kommunen for byggjesaker.",
            "complaints": "Du kan klage på vedtaket innan tre veker etter at du fekk det. Klaga "
                          "vert send til kommunen, som sender ho vidare til Statsforvaltaren "
                          "dersom vi ikkje endrar vedtaket.",
        }, [
            ("Du får svar på søknaden innan 3 veker når søknaden er komplett.", 15, D),
            ("Vi stadfestar at vi har fått søknaden innan 2 verkedagar.", 2, D),
            ("Du får rettleiing før du søkjer, på telefon eller i møte.", None, None),
            ("Vi seier frå innan 5 verkedagar dersom noko manglar i søknaden.", 5, D),
        ]),
    }),
    "renovasjon": ("Renovasjon", "Renovasjon og miljø", [2, 8], {
        "nb": ({
            "about": "Renovasjon og miljø henter husholdningsavfall, papir og plast, og driver "
                     "gjenvinningsstasjonen.",
            "audience": "Alle husstander og fritidsboliger i kommunen.",
            "expectations": "- Sett dunken ut ved veien kvelden før tømmedagen.\n"
                            "- Sorter avfallet etter sorteringsguiden.\n"
                            "- Hold veien fram til dunken ryddet for snø.",
            "price": "Årlig renovasjonsgebyr etter kommunens gebyrregulativ.",
            "complaints": "Du kan klage på gebyret til kommunen innen tre uker.",
        }, [
            ("Vi tømmer avfallsdunkene dine på faste dager etter tømmekalenderen.", None, None),
            ("Glemmer vi å tømme, henter vi avfallet innen 2 virkedager etter at du har meldt "
             "fra.", 2, D),
            ("Du får svar på henvendelser om renovasjon innen 3 virkedager.", 3, D),
        ]),
        "nn": ({
            "about": "Renovasjon og miljø hentar hushaldsavfall, papir og plast, og driv "
                     "attvinningsstasjonen.",
            "audience": "Alle hushald og fritidsbustader i kommunen.",
            "expectations": "- Set dunken ut ved vegen kvelden før tømedagen.\n"
                            "- Sorter avfallet etter sorteringsrettleiaren.\n"
                            "- Hald vegen fram til dunken rydda for snø.",
            "price": "Årleg renovasjonsgebyr etter gebyrregulativet til kommunen.",
            "complaints": "Du kan klage på gebyret til kommunen innan tre veker.",
        }, [
            ("Vi tømer avfallsdunkane dine på faste dagar etter tømekalenderen.", None, None),
            ("Gløymer vi å tøme, hentar vi avfallet innan 2 verkedagar etter at du har meldt "
             "frå.", 2, D),
            ("Du får svar på førespurnader om renovasjon innan 3 verkedagar.", 3, D),
        ]),
    }),
    "hjemmetjenester": ("Hjemmetjenester", "Hjemmetjenesten", [2, 5], {
        "nb": ({
            "about": "Hjemmetjenesten gir hjemmesykepleie og praktisk bistand til deg som bor "
                     "hjemme.",
            "audience": "Innbyggere i alle aldre som trenger hjelp i hverdagen på grunn av "
                        "sykdom, skade eller alder.",
            "expectations": "- Gi oss opplysningene vi trenger for å vurdere behovet ditt.\n"
                            "- Si fra hvis du ikke er hjemme til avtalt tid.",
            "price": "Hjemmesykepleie er gratis. For praktisk bistand betaler du en egenandel "
                     "etter inntekt.",
            "complaints": "Du kan klage på vedtaket til kommunen innen fire uker. Klagen går "
                          "videre til Statsforvalteren hvis vi ikke gir deg medhold.",
        }, [
            ("Vi besøker deg innen 3 virkedager etter at vi har fått søknaden din.", 3, D),
            ("Du får skriftlig vedtak innen 10 virkedager.", 10, D),
            ("Vi kommer til avtalt tid, og ringer deg hvis vi blir mer enn en halvtime "
             "forsinket.", None, None),
            ("Ved akutt behov får du hjelp innen 24 timer.", 24, H),
        ]),
        "nn": ({
            "about": "Heimetenesta gjev heimesjukepleie og praktisk bistand til deg som bur "
                     "heime.",
            "audience": "Innbyggjarar i alle aldrar som treng hjelp i kvardagen på grunn av "
                        "sjukdom, skade eller alder.",
            "expectations": "- Gje oss opplysningane vi treng for å vurdere behovet ditt.\n"
                            "- Sei frå dersom du ikkje er heime til avtalt tid.",
            "price": "Heimesjukepleie er gratis. For praktisk bistand betaler du ein eigendel "
                     "etter inntekt.",
            "complaints": "Du kan klage på vedtaket til kommunen innan fire veker. Klaga går "
                          "vidare til Statsforvaltaren dersom vi ikkje gjev deg medhald.",
        }, [
            ("Vi besøkjer deg innan 3 verkedagar etter at vi har fått søknaden din.", 3, D),
            ("Du får skriftleg vedtak innan 10 verkedagar.", 10, D),
            ("Vi kjem til avtalt tid, og ringjer deg dersom vi blir meir enn ein halvtime "
             "forseinka.", None, None),
            ("Ved akutt behov får du hjelp innan 24 timar.", 24, H),
        ]),
    }),
    "barnehage": ("Barnehage", "Barnehagene", [2, 8], {
        "nb": ({
            "about": "Barnehagene i Røros gir barn et trygt og godt sted å leke og lære.",
            "audience": "Barn fra ett år til skolestart, og foreldrene deres.",
            "expectations": "- Gi beskjed når barnet er sykt eller har fri.\n"
                            "- Hent barnet før barnehagen stenger.",
            "price": "Foreldrebetaling etter den nasjonale maksprisen, med søskenmoderasjon og "
                     "redusert pris for familier med lav inntekt.",
            "complaints": "Du kan klage på vedtak om plass til kommunen innen tre uker.",
        }, [
            ("Du får svar på søknad om barnehageplass innen 4 uker etter søknadsfristen.", 20, D),
            ("Barnet ditt får en fast kontaktperson de første ukene.", None, None),
            ("Vi har foreldresamtale med deg minst to ganger i året.", None, None),
            ("Du får svar på spørsmål til barnehagen innen 2 virkedager.", 2, D),
        ]),
        "nn": ({
            "about": "Barnehagane i Røros gjev born ein trygg og god stad å leike og lære.",
            "audience": "Born frå eitt år til skulestart, og foreldra deira.",
            "expectations": "- Gje beskjed når barnet er sjukt eller har fri.\n"
                            "- Hent barnet før barnehagen stengjer.",
            "price": "Foreldrebetaling etter den nasjonale maksprisen, med søskenmoderasjon og "
                     "redusert pris for familiar med låg inntekt.",
            "complaints": "Du kan klage på vedtak om plass til kommunen innan tre veker.",
        }, [
            ("Du får svar på søknad om barnehageplass innan 4 veker etter søknadsfristen.", 20,
             D),
            ("Barnet ditt får ein fast kontaktperson dei første vekene.", None, None),
            ("Vi har foreldresamtale med deg minst to gonger i året.", None, None),
            ("Du får svar på spørsmål til barnehagen innan 2 verkedagar.", 2, D),
        ]),
    }),
}  # fmt: skip
#: The first bokmål version of byggesak, superseded by the one above (history and diff)
BYGGESAK_V1 = [
    ("Du får svar på søknaden innen 4 uker.", 20, D),
    ("Du får veiledning før du søker, på telefon eller i møte.", None, None),
]
#: (status, days ago it came in, days it took to answer or None)
REPORTS = [
    (ReportStatus.new, 1, None),
    (ReportStatus.new, 25, None),  # overdue
    (ReportStatus.acknowledged, 4, None),
    (ReportStatus.answered, 12, 2),
    (ReportStatus.answered, 40, 20),  # late
    (ReportStatus.closed, 60, 5),
]
REPORT_TEXTS = [
    "Jeg ventet mye lenger enn det som står i erklæringen, og fikk ingen beskjed underveis.",
    "Ingen kom til avtalt tid, og ingen ringte for å si fra.",
    "Jeg fikk ikke svar på e-posten min.",
]


def seed_declarations() -> Iterator[str]:
    owner = db.session.scalar(sa.select(User).where(User.email == "tjenesteleder@roros.example"))
    admin = db.session.scalar(sa.select(User).where(User.email == "admin@roros.example"))
    if owner is None or admin is None:
        return
    rng = random.Random(5025)  # noqa: S311 - demo data, the same every time
    for slug, (name, unit_name, areas, texts) in DEMO.items():
        if db.session.scalar(sa.select(Service.id).where(Service.slug == slug)):
            continue
        unit = db.session.scalar(sa.select(Unit).where(Unit.name == unit_name))
        if unit is None:
            continue
        service = services.create_service(admin, name=name, slug=slug, unit_id=unit.id,
                                          description=texts["nb"][0]["about"], focus_areas=areas,
                                          owner_ids=[owner.id])  # fmt: skip
        if slug == "byggesak":
            _publish(owner, admin, service, "nb", texts["nb"][0], BYGGESAK_V1, days_ago=400)
        for language, (sections, promises) in texts.items():
            _publish(owner, admin, service, language, sections, promises, days_ago=60)
        _feedback(service, rng)
        _reports(service, rng)
        yield f"Declarations: {name} (nb, nn; feedback and reports)."


def _publish(owner, admin, service, language, sections, promises, days_ago):  # type: ignore[no-untyped-def]
    draft = services.start_draft(owner, service, language)
    services.save_draft(owner, draft, {**sections, "contact": CONTACT[language]},
                        [services.PromiseInput(*p) for p in promises])  # fmt: skip
    services.publish(admin, draft, today() - timedelta(days=days_ago))


def _feedback(service: Service, rng: random.Random) -> None:
    visitor = AnonymousUserMixin()
    for promise_id, _label in queries.current_promise_choices(db.session, service.id):
        for _ in range(rng.randrange(4, 14)):
            services.give_feedback(visitor, service, promise_id, rng.random() < 0.8, None)


def _reports(service: Service, rng: random.Random) -> None:
    promises = [p for p, _label in queries.current_promise_choices(db.session, service.id)]
    for n, (status, age, took) in enumerate(REPORTS):
        received = today() - timedelta(days=age)
        created = datetime.combine(received, time(10), tzinfo=OSLO).astimezone(UTC)
        report = Report(
            service_id=service.id, promise_id=rng.choice(promises),
            description=REPORT_TEXTS[n % len(REPORT_TEXTS)], happened_on=received,
            reporter_name=f"Demo Innbygger {n + 1}", reporter_email=f"avvik{n + 1}@roros.example",
            status=status, created_at=created, due_on=add_working_days(received, 10),
        )  # fmt: skip
        if status != ReportStatus.new:
            report.acknowledged_at = created + timedelta(hours=3)
        if took is not None:
            answered = add_working_days(received, took)
            report.answered_at = datetime.combine(answered, time(14), tzinfo=OSLO).astimezone(UTC)
            report.answer = "Takk for at du sa fra. Vi har gått gjennom saken og beklager."
            report.answer_working_days = working_days_between(received, answered)
            report.answered_in_time = answered <= report.due_on
        if status == ReportStatus.closed:
            report.closed_at = report.answered_at
            report.reporter_name = report.reporter_email = None
        db.session.add(report)
    db.session.flush()
    services.recount_report_figures([service.id])  # backdated by hand, not through answering


SEEDERS.append(seed_declarations)
