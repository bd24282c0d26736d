"""Tracking data for the URL-by-role test (tests/test_url_roles.py): created on first use.

``tracking(world)`` gives organisation A's contract (its buyer's account is the reader's
organisation « Office HLM 93 »), lot, clause, company, participant, mission...;
``tracking(world, "org_b")`` the same for organisation B, for the cross-organisation cases.
"""

from .factories import OutcomeFactory, tracked_contract

# Who reads organisation A's contracts and figures: its facilitators, its regional
# coordinator, national administrators and the buyer's reader. Who writes: its facilitators.
CONTRACT_READERS = ["facilitateur", "coordinateur", "administrateur_national", "lecteur"]
FIGURE_READERS = ["facilitateur", "coordinateur", "administrateur_national"]
WRITERS = ["facilitateur"]
# Names and files of participants: the members of the owning organisation only.
PARTICIPANT_READERS = ["facilitateur"]


def tracking(world, organisation_attr="org_a"):
    key = f"tracking_{organisation_attr}"
    if key not in world.extra:
        organisation = getattr(world, organisation_attr)
        reader_org = world.users["lecteur"].active_memberships[0].organisation
        objects = tracked_contract(
            organisation, buyer_account=reader_org if organisation_attr == "org_a" else None
        )
        objects["outcome"] = OutcomeFactory(mission=objects["mission"])
        world.extra[key] = objects
    return world.extra[key]


def pk_of(name, organisation_attr="org_a", kwarg="pk"):
    """A kwargs callable for a URL taking the pk of one tracking object."""

    def kwargs(world):
        return {kwarg: tracking(world, organisation_attr)[name].pk}

    return kwargs
