"""Conditional display shared by meeting registrations and survey sections: an item (question
or section) with ``depends_on_id`` and ``depends_on_values`` applies when the earlier answer
it depends on is one of those values (case-insensitive). Answers are keyed by the string of
the question's primary key."""


def answer_strings(value):
    """An answer as the list of strings compared with ``depends_on_values``."""
    if value is None or value == "":
        return []
    if isinstance(value, bool):
        return ["oui" if value else "non"]
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [str(value)]


def condition_met(item, answers):
    """Does the answer to ``item.depends_on`` hold one of ``item.depends_on_values``?"""
    expected = {str(v).casefold() for v in item.depends_on_values}
    given = {v.casefold() for v in answer_strings(answers.get(str(item.depends_on_id)))}
    return bool(expected & given)
