"""Versions of the texts volunteers agree to, and messages shared by the web pages and the API.

Change a version whenever the text changes: the consent records keep the exact
version each person agreed to. The privacy notice's text is the template
``volunteers/privacy_notice_text.html``.
"""

from django.utils.translation import gettext_lazy as _

#: Version of the privacy notice shown at ``/privacy/`` and agreed to at registration.
PRIVACY_NOTICE_VERSION = "2026-11"

#: Version of the confidentiality and neutrality pledge (Verschwiegenheitserklärung).
PLEDGE_VERSION = "2026-01"

#: Title of the basic course for lay interpreters (24 lessons).
BASIC_COURSE_TITLE = "Basisqualifizierung Sprachmittlung"

#: Answer of a successful self-registration (web page and API).
REGISTERED_MESSAGE = _("Thank you! Please confirm your e-mail address with the link we sent you.")
#: A volunteer tried to change a field only coordinators may change.
SELF_EDIT_FORBIDDEN = _("You may change only your contact data, interests, languages and times.")
#: The center named at registration does not exist.
UNKNOWN_CENTER = _("Unknown center.")
