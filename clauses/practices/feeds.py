from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed

from .models import Practice


class NewPracticesFeed(Feed):
    """Atom feed of the newest published sheets."""

    feed_type = Atom1Feed
    title = "Nouvelles fiches du recueil des bonnes pratiques de la clause sociale"
    subtitle = "Les dernières pratiques publiées sur la plateforme de la clause sociale."
    link = reverse_lazy("practices:list")

    def items(self):
        return Practice.objects.published().order_by("-published_at", "-pk")[:30]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.pitch

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return item.theme_labels()
