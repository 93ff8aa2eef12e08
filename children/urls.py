from django.urls import path

from children import views

app_name = "children"

urlpatterns = [
    path("<int:pk>/", views.child_detail, name="detail"),
]
