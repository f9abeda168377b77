"""Discord's size limits, each defined once: the core renders within them, the adapter fits into them.

From Discord's API reference (messages, embeds, application commands, message components).
"""

from typing import Final

#: Characters of a message's content.
MESSAGE_LIMIT: Final = 2000
#: An embed's title, description, field value and all its text together; fields per embed.
EMBED_TITLE_LIMIT: Final = 256
EMBED_DESCRIPTION_LIMIT: Final = 4096
EMBED_FIELD_VALUE_LIMIT: Final = 1024
EMBED_TOTAL_LIMIT: Final = 6000
EMBED_FIELDS_LIMIT: Final = 25
#: Autocomplete choices per response, and characters of a choice's name or value.
CHOICES_LIMIT: Final = 25
CHOICE_LIMIT: Final = 100
#: A component's custom id, a button's label, a link button's URL.
CUSTOM_ID_LIMIT: Final = 100
BUTTON_LABEL_LIMIT: Final = 80
LINK_URL_LIMIT: Final = 512
#: An attachment's description (its alt text).
ATTACHMENT_DESCRIPTION_LIMIT: Final = 1024
#: A modal's title and a text input's value.
MODAL_TITLE_LIMIT: Final = 45
TEXT_INPUT_LIMIT: Final = 4000
