"""The OpenAPI schema generates without a warning and validates, so the docs and the
fuzzing suite describe the API as it is."""

from __future__ import annotations

from pathlib import Path

import yaml
from django.core.management import call_command
from drf_spectacular.drainage import reset_generator_stats


def test_schema_generates_without_warnings_and_validates(tmp_path: Path):
    out = tmp_path / "schema.yml"
    reset_generator_stats()  # warnings of schemas generated earlier in this process

    # Raises SchemaGenerationError on any warning, SchemaValidationError on an invalid schema.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))

    schema = yaml.safe_load(out.read_text())
    assert schema["openapi"].startswith("3.")
    assert "/api/maps/{map_pk}/notes/" in schema["paths"]
    assert "/api/reports/{id}/decisions/" in schema["paths"]
