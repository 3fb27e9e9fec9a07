"""Interface strings: literal ``_("…")`` calls are translated once, when a template is compiled."""

from __future__ import annotations

import gettext

import jinja2
import pytest

from minhbach.i18n import TranslatedConstants, direct_gettext

TEMPLATE = """\
<p title="{{ _('Tasks & plans') }}">{{ _("Tasks & plans") }}</p>
<p>{{ _("50%% done") }} {{ _("Lead")|upper }} {{ shout(_("Lead")) }} {{ _("Lead") ~ "!" }}</p>
<p>{{ _("%(count)s tasks", count=3) }} {{ gettext("Lead") }} {{ ns._("Lead") }}</p>
"""


class Catalogue(gettext.NullTranslations):
    """A catalogue that counts its look-ups and gives markup-looking translations."""

    strings = {"Tasks & plans": "Nhiệm vụ & kế hoạch <b>", "50%% done": "xong 50%%", "Lead": "Chủ trì",
               "%(count)s tasks": "%(count)s nhiệm vụ"}

    def __init__(self):
        super().__init__()
        self.calls = 0

    def gettext(self, message):
        self.calls += 1
        return self.strings.get(message, message)


def environment(catalogue: Catalogue, constants: bool, calls: list | None = None) -> jinja2.Environment:
    extensions = ["jinja2.ext.i18n"] + ([TranslatedConstants] if constants else [])
    env = jinja2.Environment(loader=jinja2.DictLoader({"page.html": TEMPLATE}), autoescape=True, extensions=extensions)
    env.install_gettext_translations(catalogue, newstyle=True)
    direct, ngettext = direct_gettext(catalogue)

    def gettext_(string, /, **variables):
        if calls is not None:
            calls.append(string)
        return direct(string, **variables)
    env.globals.update(_=gettext_, gettext=gettext_, ngettext=ngettext, shout=lambda text: text + "!",
                       ns={"_": lambda text: f"[{text}]"})
    return env


def test_compiled_translations_read_as_the_runtime_ones():
    with_constants = environment(Catalogue(), constants=True).get_template("page.html").render()
    at_runtime = environment(Catalogue(), constants=False).get_template("page.html").render()
    assert with_constants == at_runtime
    assert 'title="Nhiệm vụ &amp; kế hoạch &lt;b&gt;"' not in with_constants  # Markup, as gettext gives it
    assert "Nhiệm vụ & kế hoạch <b>" in with_constants and "xong 50%" in with_constants
    assert "CHỦ TRÌ" in with_constants and "Chủ trì!" in with_constants and "3 nhiệm vụ" in with_constants
    assert "[Lead]" in with_constants  # an attribute named _ is not the translation function


@pytest.mark.parametrize("constants", [True, False])
def test_pages_call_gettext_only_for_strings_with_variables(constants):
    calls: list[str] = []
    template = environment(Catalogue(), constants, calls).get_template("page.html")
    calls.clear()  # what compiling asked
    template.render()
    if constants:
        assert calls == ["%(count)s tasks"]
    else:
        assert len(calls) == 8


@pytest.mark.parametrize("translation", ["%(missing)s chủ trì", "50% xong"])
def test_a_translation_that_cannot_be_formatted_fails_as_it_did_before(translation):
    """A broken translation is not hidden by compiling: the page fails as it did before."""
    catalogue = Catalogue()
    catalogue.strings = {**Catalogue.strings, "Lead": translation}
    outcomes = []
    for constants in (True, False):
        try:
            outcomes.append(environment(catalogue, constants).get_template("page.html").render())
        except (KeyError, TypeError, ValueError) as error:
            outcomes.append(type(error))
    assert outcomes[0] == outcomes[1]
