from dialer.cli import main


def test_db_upgrade_then_current_report_the_same_revision(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("DIALER_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}")
    assert main(["db", "current"]) == 0
    assert "empty database" in capsys.readouterr().out
    assert main(["db", "upgrade"]) == 0
    upgraded = capsys.readouterr().out.split()[-1]
    assert main(["db", "current"]) == 0
    assert capsys.readouterr().out.strip() == upgraded
