from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "comptoir.organizations"
    label = "organizations"
