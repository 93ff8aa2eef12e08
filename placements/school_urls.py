from django.urls import path

from placements import school_views

app_name = "school"

urlpatterns = [
    path("", school_views.request_list, name="requests"),
    path("requests/<int:pk>/<str:name>/", school_views.answer, name="answer"),
    # "done" is never a token: tokens from placements.links contain colons.
    path("reply/done/", school_views.reply_done, name="reply_done"),
    path("reply/<str:token>/", school_views.reply, name="reply"),
    path(
        "reply/<str:token>/<str:name>/",
        school_views.reply_answer,
        name="reply_answer",
    ),
]
