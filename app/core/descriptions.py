"""The meta description of each page: what a search engine shows under the title.

The main public pages have their own, by endpoint; every other page gets DEFAULT. A page
about one thing (a proposal, a declaration) sets its own in the template's ``description``
block. ``%(municipality)s`` is the municipality's name.
"""

from __future__ import annotations

from flask import request
from flask_babel import lazy_gettext as _l

DEFAULT = _l(
    "Medvirke er %(municipality)s sin side for innbyggermedvirkning: innbyggerforslag, "
    "brukerpanel, serviceerklæringer, gylne serviceøyeblikk og Kommunekompasset."
)

BY_ENDPOINT = {
    "proposals.index": _l(
        "Innbyggerforslag i %(municipality)s: les forslagene, skriv under på dem du støtter, "
        "og følg dem fram til vedtak."
    ),
    "proposals.new": _l("Skriv et innbyggerforslag til %(municipality)s."),
    "panel.index": _l(
        "Brukerpanelet i %(municipality)s: svar anonymt på undersøkelser om kommunens "
        "tjenester og se resultatene."
    ),
    "declarations.index": _l(
        "Serviceerklæringene i %(municipality)s: hva tjenestene lover, om løftene holdes, "
        "og hvor du melder fra når de ikke blir det."
    ),
    "moments.index": _l(
        "Gylne serviceøyeblikk i %(municipality)s: månedens fortelling om ansatte som gjorde "
        "en forskjell."
    ),
    "moments.nominate": _l("Nominer en ansatt i %(municipality)s til et gyllent serviceøyeblikk."),
    "moments.reflection": _l("Ukas servicerefleksjon for de ansatte i %(municipality)s."),
    "compass.index": _l(
        "Kommunekompasset for %(municipality)s: poeng per evaluering og fokusområde, "
        "delstrategiene og tiltakene."
    ),
    "compass.area": _l(
        "Ett av Kommunekompassets fokusområder i %(municipality)s: poeng, indikatorer og tiltak."
    ),
    "compass.annual_report": _l("Kommunekompassets årsrapport for %(municipality)s."),
    "opendata.index": _l(
        "Åpne data fra %(municipality)s: forslag, undersøkelser, serviceerklæringer og "
        "Kommunekompasset som CSV og SQLite, til fri bruk."
    ),
    "api_docs.docs": _l("Dokumentasjon for det åpne API-et til Medvirke i %(municipality)s."),
    "core.accessibility": _l("Tilgjengelighetserklæring for Medvirke i %(municipality)s."),
    "core.privacy": _l(
        "Personvernerklæring for Medvirke i %(municipality)s: hva som lagres, hvorfor "
        "og hvor lenge."
    ),
    "auth.login": _l("Logg inn på Medvirke i %(municipality)s."),
    "auth.register": _l(
        "Registrer deg på Medvirke i %(municipality)s for å skrive og signere forslag og "
        "svare på undersøkelser."
    ),
    "auth.reset_request": _l("Få en lenke for å lage nytt passord til Medvirke."),
}


def page_description(municipality: str) -> str:
    """The description of the page being shown."""
    text = BY_ENDPOINT.get(request.endpoint or "", DEFAULT)
    return str(text) % {"municipality": municipality}
