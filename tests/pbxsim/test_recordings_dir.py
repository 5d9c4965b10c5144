"""A relative recordings folder is made absolute, as Asterisk's are, so the dialplan's
``${DIALER_RECDIR}/<id>.wav`` names the file where the engine looks for it (not ``dir/dir/<id>.wav``)."""

from pathlib import Path

from pbxsim.sim import PbxSim


def test_a_relative_recordings_folder_names_the_files_where_the_engine_looks(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    sim = PbxSim(recordings_dir="data/demo/asterisk-spool")
    folder = sim.pbx.config.recordings_dir
    assert folder == tmp_path / "data" / "demo" / "asterisk-spool"
    as_the_dialplan_writes_it = f"{folder}/abc.wav"  # ${DIALER_RECDIR}/${UNIQUEID}.wav
    expected = Path("data/demo/asterisk-spool/abc.wav").resolve()
    assert sim.pbx.recording_path(as_the_dialplan_writes_it) == expected
