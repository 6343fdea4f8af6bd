from django.urls import path

from api.api import api

# Mounted at /api/v1/ by jiaoyuban/urls.py: docs at /api/v1/docs, the schema at /api/v1/openapi.json.
urlpatterns = [path("", api.urls)]
