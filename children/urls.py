from django.urls import path

from children import views

app_name = "children"

urlpatterns = [
    path("<int:pk>/", views.child_detail, name="detail"),
    path(
        "<int:pk>/vulnerabilities/new/",
        views.add_vulnerability,
        name="add_vulnerability",
    ),
    path(
        "<int:pk>/risk-assessments/new/",
        views.record_risk_assessment,
        name="record_risk_assessment",
    ),
]
