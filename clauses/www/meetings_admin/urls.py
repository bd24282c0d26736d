app_name = "meetings_admin"

urlpatterns: list = []
