from __future__ import annotations

from pathlib import Path

from django.core.management import call_command


def test_collectstatic_with_the_production_manifest_storage_succeeds(
    settings, tmp_path: Path
) -> None:
    # Production serves hashed, compressed files (WhiteNoise); a file that references a missing
    # one (a source map, a font) would stop every deployment at collectstatic.
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

    call_command("collectstatic", interactive=False, verbosity=0)

    assert (tmp_path / "staticfiles.json").exists()
    assert len(list(tmp_path.glob("vendor/bootstrap/bootstrap.min.*.css"))) == 1
