"""Same seed, same bytes; another seed, another city."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from openhhs.cli import app
from openhhs.synth import generate


def snapshot(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    generate(people=800, seed=5, out=tmp_path / "a")
    generate(people=800, seed=5, out=tmp_path / "b")
    a, b = snapshot(tmp_path / "a"), snapshot(tmp_path / "b")
    assert a.keys() == b.keys() and len(a) >= 20
    assert [k for k in a if a[k] != b[k]] == []


def test_another_seed_gives_another_city(tmp_path: Path) -> None:
    generate(people=800, seed=5, out=tmp_path / "a")
    generate(people=800, seed=6, out=tmp_path / "b")
    a, b = snapshot(tmp_path / "a"), snapshot(tmp_path / "b")
    assert a["ground_truth.csv"] != b["ground_truth.csv"]


def test_rerun_into_the_same_folder_leaves_nothing_stale(tmp_path: Path) -> None:
    generate(people=600, seed=2, out=tmp_path)
    (tmp_path / "hra" / "stale.csv").write_text("x\n")
    first = snapshot(tmp_path)
    generate(people=600, seed=2, out=tmp_path)
    again = snapshot(tmp_path)
    assert "hra/stale.csv" not in again
    first.pop("hra/stale.csv")
    assert first == again


def test_cli_writes_a_city_and_reports_bad_input(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["synth", "--people", "300", "--seed", "4", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "manifest.json").exists() and "300 people" in result.output
    bad = runner.invoke(app, ["synth", "--people", "0", "--out", str(tmp_path / "x")])
    assert bad.exit_code == 2
    assert "Traceback" not in bad.output


def test_bytes_do_not_depend_on_the_process_hash_seed(tmp_path: Path) -> None:
    """Set iteration order changes with PYTHONHASHSEED; the files must not."""
    import os
    import subprocess
    import sys

    generate(people=400, seed=9, out=tmp_path / "here")
    code = "import sys; from pathlib import Path; from openhhs.synth import generate; " \
        "generate(400, 9, Path(sys.argv[1]))"  # fmt: skip
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", code, str(tmp_path / "there")], check=True, env=env)
    assert snapshot(tmp_path / "here") == snapshot(tmp_path / "there")


def test_never_deletes_folders_it_did_not_write(tmp_path: Path) -> None:
    from openhhs.errors import InvalidInput

    (tmp_path / "doc").mkdir()
    (tmp_path / "doc" / "notes.txt").write_text("mine\n")
    with pytest.raises(InvalidInput):
        generate(people=50, seed=1, out=tmp_path)
    assert (tmp_path / "doc" / "notes.txt").read_text() == "mine\n"
    (tmp_path / "a_file").write_text("x")
    with pytest.raises(InvalidInput):
        generate(people=50, seed=1, out=tmp_path / "a_file")


def test_an_interrupted_run_can_be_rerun(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from openhhs.synth import writer

    def boom(*_args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(writer, "write_zip", boom)
    with pytest.raises(RuntimeError):
        generate(people=80, seed=1, out=tmp_path)
    assert (tmp_path / "hra").is_dir()
    monkeypatch.undo()
    manifest = generate(people=80, seed=1, out=tmp_path)
    assert manifest.records and (tmp_path / "dhs" / "hmis_export.zip").exists()


def test_loading_an_incomplete_city_is_a_clear_error(tmp_path: Path) -> None:
    from openhhs.errors import InvalidInput
    from openhhs.synth import Manifest

    with pytest.raises(InvalidInput):
        Manifest.load(tmp_path)
    (tmp_path / "manifest.json").write_text('{"generator": "openhhs.synth/1", "status": "writing"}')
    with pytest.raises(InvalidInput, match="incomplete"):
        Manifest.load(tmp_path)


@pytest.mark.parametrize("people", [1, 5, 17])
def test_tiny_cities_still_write_every_file(tmp_path: Path, people: int) -> None:
    manifest = generate(people=people, seed=people, out=tmp_path, extract=2)
    assert (tmp_path / "dhs" / "hmis_export.zip").exists()
    assert all((tmp_path / rel).exists() for rel in manifest.files)
    assert (tmp_path / "changes.csv").read_text().startswith("source,file,record_id,change")
