from django.apps import AppConfig


class OfficeConfig(AppConfig):
    name = "office"
    verbose_name = "办公室工作"
