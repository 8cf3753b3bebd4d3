from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "comptoir.alerts"
    label = "alerts"
