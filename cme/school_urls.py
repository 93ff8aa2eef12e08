from django.urls import path

from cme import school_views

app_name = "school_cme"

urlpatterns = [
    path("", school_views.confirmations, name="confirmations"),
    path("absence-return/", school_views.absence_return, name="absence_return"),
    path("<int:pk>/confirm/", school_views.confirm, name="confirm"),
]
