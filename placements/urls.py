from django.urls import path

from placements import views

app_name = "placements"

urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("check-off/", views.check_off, name="check_off"),
    path("applications/new/", views.new_application, name="new_application"),
    path("placements/<int:pk>/", views.detail, name="detail"),
    path("placements/<int:pk>/reply/", views.record_reply, name="record_reply"),
    path("placements/<int:pk>/<str:name>/", views.transition, name="transition"),
]
