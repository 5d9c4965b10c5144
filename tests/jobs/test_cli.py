from dialer.cli import main
from dialer.jobs import catalog


def test_jobs_list_run_and_history_from_the_command_line(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("DIALER_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'jobs.db'}")
    monkeypatch.setenv("DIALER_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(catalog, "JOB_MODULES", ["tests.jobs.sample_jobs"])

    assert main(["jobs", "list"]) == 0
    listed = capsys.readouterr().out
    assert "write-marker" in listed and "01:30 UTC" in listed and "always-fail" in listed

    assert main(["jobs", "run", "write-marker", "--day", "2026-11-02"]) == 0
    assert "wrote marker-2026-11-02" in capsys.readouterr().out
    assert (tmp_path / "marker-2026-11-02").exists()

    assert main(["jobs", "run", "always-fail"]) == 1
    assert "SMTP server refused" in capsys.readouterr().out

    assert main(["jobs", "history"]) == 0
    history = capsys.readouterr().out.splitlines()
    assert "always-fail" in history[0] and "failed" in history[0]
    assert "2026-11-02" in history[1] and "done" in history[1]


def test_an_unknown_job_is_named_with_the_known_ones(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(catalog, "JOB_MODULES", ["tests.jobs.sample_jobs"])
    assert main(["jobs", "run", "nope"]) == 2
    err = capsys.readouterr().err
    assert "no job named 'nope'" in err and "write-marker" in err
