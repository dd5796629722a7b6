"""``GET /api/v1/languages/``: the language list, for anyone logged in."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import serializers
from rest_framework.generics import ListAPIView

from core.models import Language
from core.selectors import language_list


class LanguageListApi(ListAPIView):
    """All languages, searchable with ``?q=``."""

    class OutputSerializer(serializers.ModelSerializer):
        class Meta:
            model = Language
            fields = ["code", "name_de", "name_en", "name_native", "rtl", "macrolanguage"]

    serializer_class = OutputSerializer

    def get_queryset(self) -> QuerySet[Language]:
        return language_list(search=self.request.query_params.get("q", "").strip()[:50])
