from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "comptoir.members"
    label = "members"
