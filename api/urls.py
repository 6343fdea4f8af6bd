from django.urls import path

from api.api import api
from api.errors import chinese_405

# Mounted at /api/v1/ by jiaoyuban/urls.py: docs at /api/v1/docs, the schema at /api/v1/openapi.json.
# Every view answers a method it does not take (405) in Chinese, like the API's other refusals.
_patterns, _app, _namespace = api.urls
urlpatterns = [path("", (chinese_405(_patterns), _app, _namespace))]
