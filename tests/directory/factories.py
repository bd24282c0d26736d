import factory
from django.utils import timezone

from clauses.directory.enums import ActorFamily, StructureSource, Visibility
from clauses.directory.models import Contact, Structure
from tests.factories import DepartementFactory


class StructureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Structure
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Structure numéro {n}")
    family = ActorFamily.FACILITATOR
    departement = factory.SubFactory(DepartementFactory)
    region = factory.SelfAttribute("departement.region")
    description = "Accompagne les acheteurs et les entreprises dans la clause sociale."
    source = StructureSource.SELF
    is_published = True


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    structure = factory.SubFactory(StructureFactory)
    first_name = factory.Sequence(lambda n: f"Prénom{n}")
    last_name = factory.Sequence(lambda n: f"Nom{n}")
    function = "Chargée de mission clauses"
    email = factory.Sequence(lambda n: f"contact{n}@example.org")
    visibility = Visibility.PUBLIC
    consent_at = factory.LazyFunction(timezone.now)

    class Params:
        participants = factory.Trait(visibility=Visibility.PARTICIPANTS)
        nobody = factory.Trait(visibility=Visibility.NOBODY)
