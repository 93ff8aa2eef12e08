"""A system check that reports an invalid retention period as an error."""

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from privacy.retention import retention_years


@checks.register()
def check_retention_settings(app_configs, **kwargs) -> list[checks.CheckMessage]:
    try:
        retention_years()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="privacy.E001")]
    return []
