"""Patient education: topic pages (ko/en), symptom self-check, personalised statements.

Content is versioned data in ``education/content`` (Markdown pages with front matter, JSON for
the glossary, the self-check and the personalised statements); the web and CLI layers only
render what these functions return.
"""

from cdcare.education.personal import PersonalDataError, personal_statements
from cdcare.education.selfcheck import SelfCheckAnswerError, SelfCheckResult, evaluate
from cdcare.education.statements import Statement
from cdcare.education.topics import Topic, UnknownTopic, get_topic, glossary, list_topics

__all__ = [
    "PersonalDataError",
    "SelfCheckAnswerError",
    "SelfCheckResult",
    "Statement",
    "Topic",
    "UnknownTopic",
    "evaluate",
    "get_topic",
    "glossary",
    "list_topics",
    "personal_statements",
]
