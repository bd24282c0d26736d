app_name = "territories"

urlpatterns: list = []
