from django.urls import path

from cme import views

app_name = "cme"

urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("refer/", views.refer, name="refer"),
    path("waiting/", views.waiting, name="waiting"),
    path("interim/", views.interim, name="interim"),
    path("deferred/", views.deferred, name="deferred"),
    path("deferred/new/", views.new_deferred_place, name="new_deferred_place"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/referral-pack/", views.pack, name="referral_pack"),
    path("<int:pk>/<str:name>/", views.action, name="action"),
]
