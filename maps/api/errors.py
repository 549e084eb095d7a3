from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from maps.services.imports import ImportRejected
from maps.services.notes import BulkRejected


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's handler, plus the services' Django ValidationErrors as 400 answers."""
    if isinstance(exc, ImportRejected):
        return Response(
            {
                "detail": _("The file was not imported; nothing was stored."),
                "errors": [row.as_dict() for row in exc.rows],
            },
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, BulkRejected):
        return Response(exc.errors, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(detail=as_serializer_error(exc))
    return drf_exception_handler(exc, context)
