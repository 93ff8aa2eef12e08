from django.urls import path

from removals import school_views

app_name = "school_removals"

urlpatterns = [
    path("", school_views.removal_list, name="list"),
    path("new/", school_views.notify, name="notify"),
    path("<int:pk>/", school_views.detail, name="detail"),
    path("upload/", school_views.upload, name="upload"),
    path("upload/<int:pk>/", school_views.upload_preview, name="upload_preview"),
    path("arrivals/<int:pk>/", school_views.confirm_arrival, name="confirm_arrival"),
    path(
        "arrivals/<int:pk>/not-arrived/",
        school_views.report_not_arrived,
        name="report_not_arrived",
    ),
]
