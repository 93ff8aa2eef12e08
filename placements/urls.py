from django.urls import path

from placements import views

app_name = "placements"

urlpatterns = [
    path("", views.worklist, name="worklist"),
]
