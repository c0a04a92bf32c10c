"""Translation catalogues: complete, not fuzzy, placeholders intact, and up to date."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ["nb", "nn", "en"]
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _catalogue(language: str):
    with open(ROOT / "translations" / language / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=language)


def _strings(message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple) else [message.string]


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_is_complete_and_not_fuzzy(language):
    catalogue = _catalogue(language)
    untranslated = [m.id for m in catalogue if m.id and not all(_strings(m))]
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    assert not untranslated, f"{language}: untranslated: {untranslated[:5]}"
    assert not fuzzy, f"{language}: fuzzy: {fuzzy[:5]}"
    assert len([m for m in catalogue if m.id]) > 100


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_survive_translation(language):
    for message in _catalogue(language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        expected = set(_PLACEHOLDER.findall(ids[-1]))
        for text in _strings(message):
            assert set(_PLACEHOLDER.findall(text)) == expected, (language, message.id)


def test_nynorsk_is_not_bokmal():
    """At least most translated messages differ from the Bokmål source."""
    catalogue = [m for m in _catalogue("nn") if m.id and isinstance(m.id, str)]
    same = [m.id for m in catalogue if m.string == m.id and len(m.id) > 25]
    assert len(same) < len(catalogue) * 0.05, same[:10]


def test_catalogues_hold_every_message_in_the_code(tmp_path):
    """Run the extraction; every message in the code must be in each catalogue."""
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [str(Path(sys.executable).with_name("pybabel")), "extract", "-F", "babel.cfg",
         "-k", "_l", "--no-location", "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    with open(pot, "rb") as f:
        extracted = {m.id for m in read_po(f) if m.id}
    for language in LANGUAGES:
        known = {m.id for m in _catalogue(language) if m.id}
        missing = extracted - known
        sample = sorted(map(str, missing))[:5]
        assert not missing, f"{language} lacks {sample}: run make translations-update"


def test_template_gettext_escapes_each_value_once(app):
    """Templates' _() and ngettext put values in escaped (a Markup value as it is), numbers
    as numbers, and leave a message without values unformatted."""
    from markupsafe import Markup

    with app.test_request_context():
        render = app.jinja_env.from_string
        assert render("{{ _('Hei %(name)s', name=who) }}").render(who="<b>&") == (
            "Hei &lt;b&gt;&amp;"
        )
        assert render("{{ _('Hei %(name)s', name=who) }}").render(who=Markup("<b>x</b>")) == (
            "Hei <b>x</b>"
        )
        assert render("{{ _('100 %') }}").render() == "100 %"
        page = render("{{ ngettext('%(num)d ting <i>%(x)s</i>', '%(num)d ting', n, x=x) }}")
        assert page.render(n=1, x="<") == "1 ting <i>&lt;</i>"
        assert page.render(n=2, x="<") == "2 ting"
        assert render("{{ _('%(share).1f av %(of)s', share=s, of=o) }}").render(s=0.5, o="'") == (
            "0.5 av &#39;"
        )
