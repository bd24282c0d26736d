"""The one way to write the audit log."""

from django.contrib.contenttypes.models import ContentType

from .models import AuditEntry

# French labels of the audit actions, declared by each app in its AppConfig.ready().
ACTION_LABELS = {}
# Callables told the action of every entry written (e.g. the observatory's cache, which a
# write of tracking data makes stale), registered in an AppConfig.ready().
LISTENERS = []


def register_actions(labels):
    """Declare ``{action code: French label}`` for the audit log page and its filter."""
    ACTION_LABELS.update(labels)


def on_log(listener):
    """Call ``listener(action)`` after every entry is written."""
    if listener not in LISTENERS:
        LISTENERS.append(listener)


def action_label(action):
    return ACTION_LABELS.get(action, action)


def log(*, actor, action, obj=None, changes=None, object_repr=""):
    """Record ``actor`` doing ``action`` on ``obj`` (any model instance, or None)."""
    entry = AuditEntry(action=action, changes=changes or {})
    if actor is not None and getattr(actor, "is_authenticated", False):
        entry.actor = actor
        entry.actor_repr = actor.email
    elif isinstance(actor, str):
        entry.actor_repr = actor
    if obj is not None:
        entry.content_type = ContentType.objects.get_for_model(obj)
        entry.object_id = str(obj.pk)
        entry.object_repr = object_repr or str(obj)[:255]
    else:
        entry.object_repr = object_repr[:255]
    entry.save()
    for listener in LISTENERS:
        listener(action)
    return entry


def diff(instance, fields, new_values):
    """Return {field: [old, new]} for the fields whose value changes."""
    changes = {}
    for field in fields:
        old = getattr(instance, field)
        new = new_values.get(field, old)
        if old != new:
            changes[field] = [_plain(old), _plain(new)]
    return changes


def _plain(value):
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if hasattr(value, "pk"):
        return str(value)
    return str(value)
