"""Nothing a user gives the command line ends in a traceback or a destroyed file: damaged and
mistyped results files, missing datasets, bad options, output targets that are not ours,
interrupts and leftovers of killed runs (issue 12: items 1, 6, 7, 8, 9, 10)."""
import os
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import h5py
import numpy as np
import pytest

from fixture_file import write_results
from mentorsim_analysis import cli, load, report, supervise  # noqa: F401 (report: imported once
#                            here, so that the forked children of supervise() need not import it)
from mentorsim_analysis.io import AnalysisError
from mentorsim_analysis.output import clean_leftovers

ANALYSIS = Path(__file__).resolve().parents[1]
PREFIX = "mentorsim_analysis: "
FAST = ["--bootstrap", "100", "--dpi", "50"]


def _one_error_line(err: str, message: str = "") -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(PREFIX + "error: "), err
    assert message in lines[0], err
    assert "Traceback" not in err
    return lines[0]


def _nothing_written(out: Path) -> None:
    assert not out.exists() or out.is_symlink()
    leftovers = [p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.")]
    assert leftovers == []


# -- damaged files (item 6) -------------------------------------------------------------------
def _corrupt(data: bytes, seed: int, size: int = 16) -> bytes:
    """`size` random bytes at a random offset, both from `seed`."""
    rng = np.random.default_rng(seed)
    buf = bytearray(data)
    offset = int(rng.integers(0, len(buf) - size))
    buf[offset:offset + size] = rng.integers(0, 256, size, dtype=np.uint8).tobytes()
    return bytes(buf)


@pytest.fixture(scope="module")
def checksummed(tmp_path_factory):
    return write_results(tmp_path_factory.mktemp("sum") / "results.h5", checksum=True)


def test_checksum_failure_names_file_and_dataset(checksummed, tmp_path):
    path = tmp_path / "bad.h5"
    path.write_bytes(checksummed.read_bytes())
    with h5py.File(path, "r") as f:
        offset = f["outcomes/coverage"].id.get_chunk_info(0).byte_offset
    data = bytearray(path.read_bytes())
    data[offset] ^= 0xFF                           # one flipped byte in the data
    path.write_bytes(bytes(data))
    results = load(path)                           # the layout is intact
    with pytest.raises(AnalysisError) as error:
        results.outcomes
    message = str(error.value)
    assert message.startswith(f"{path}: cannot read /outcomes/coverage: checksum mismatch")
    assert "\n" not in message


def test_random_corruptions_never_raise_anything_but_one_line_errors(checksummed, tmp_path, capfd):
    """30 corruptions of 16 random bytes (seeds 0..29), each read in full by `check` under the
    supervising process: exit 0 (the bytes hit nothing that is read) or 2 with one line naming
    the file, never a traceback or a crash."""
    data = checksummed.read_bytes()
    codes = []
    for seed in range(30):
        path = tmp_path / f"c{seed}.h5"
        path.write_bytes(_corrupt(data, seed))
        code = supervise.supervise(["check", str(path)], timeout=120)
        out, err = capfd.readouterr()
        assert code in (0, 2), (seed, code, err)
        assert "Traceback" not in err and "HDF5-DIAG" not in err, (seed, err)
        if code == 2:
            line = _one_error_line(err)
            assert str(path) in line
        else:
            assert out.startswith(f"{path}: ok")
        codes.append(code)
    assert codes.count(2) >= 10          # most corruptions are detected (checksums, metadata)
    assert codes.count(0) >= 1           # and some hit bytes nothing reads (free space, padding)


def test_report_of_corrupted_files_fails_cleanly_or_succeeds(checksummed, tmp_path, capfd):
    data = checksummed.read_bytes()
    for seed in (3, 7):
        path = tmp_path / f"r{seed}.h5"
        path.write_bytes(_corrupt(data, 1000 + seed))
        out_dir = tmp_path / f"report{seed}"
        code = supervise.supervise(["report", str(path), "-o", str(out_dir), *FAST], timeout=300)
        _, err = capfd.readouterr()
        assert code in (0, 2) and "Traceback" not in err, err
        if code == 2:
            _one_error_line(err, str(path))
            _nothing_written(out_dir)
        else:
            assert (out_dir / "report.html").exists()


def test_a_crash_of_the_hdf5_library_becomes_one_line(tmp_path):
    """A variable-length string whose global-heap size is 2^64 − 1 makes HDF5 1.10 read past
    its buffer (a segmentation fault, also in h5dump): the supervising process reports it."""
    path = write_results(tmp_path / "crash.h5")
    data = bytearray(path.read_bytes())
    heap = data.find(b"GCOL")                # the global heap holding /codes strings
    assert heap > 0
    data[heap + 24:heap + 32] = b"\xff" * 8  # size of the heap's first object
    path.write_bytes(bytes(data))
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, "-m", "mentorsim_analysis", "report", str(path), "-o",
                          str(out)], cwd=ANALYSIS, capture_output=True, text=True, timeout=300)
    assert run.returncode == 2
    line = _one_error_line(run.stderr, f"{path}: /")
    assert "crashed" in line and "damaged" in line
    _nothing_written(out)


# -- wrong types, missing datasets (items 7, 8) -------------------------------------------------
def _rewrite(path: Path, name: str, data) -> None:
    with h5py.File(path, "a") as f:
        del f[name]
        f.create_dataset(name, data=data)


@pytest.mark.parametrize("name, data, message", [
    ("outcomes/coverage", np.array([["a", "b"]] * 3, dtype=object),
     "/outcomes/coverage holds text; expected numbers"),
    ("timeseries/satisfaction", np.zeros((3, 3, 384), dtype=complex),
     "/timeseries/satisfaction holds complex; expected numbers"),
    ("dyads/arm", np.full(18, 0.5), "/dyads/arm holds floating point; expected integers"),
    ("codes/arm", np.array([1, 2]), "/codes/arm holds integer; expected text"),
    ("outcomes/retention", np.full((3, 2), 1.7), "/outcomes/retention holds 1.7, outside its range [0, 1]"),
])
def test_wrong_types_and_values_exit_2(tmp_path, capsys, name, data, message):
    path = write_results(tmp_path / "typed.h5")
    _rewrite(path, name, data)
    out = tmp_path / "out"
    assert cli.main(["report", str(path), "-o", str(out), *FAST]) == 2
    _one_error_line(capsys.readouterr().err, message)
    _nothing_written(out)


def test_meta_of_the_wrong_type_exits_2(tmp_path, capsys):
    path = write_results(tmp_path / "meta.h5")
    with h5py.File(path, "a") as f:
        f["meta"].attrs["seed"] = "many"
    assert cli.main(["check", str(path)]) == 2
    _one_error_line(capsys.readouterr().err, "/meta attribute seed is 'many'; expected a "
                                             "non-negative integer")


def test_check_states_the_submodels_switched_off_and_refuses_a_malformed_list(tmp_path, capsys):
    path = write_results(tmp_path / "ablation.h5")
    with h5py.File(path, "a") as f:
        f["meta"].attrs["disabled_submodels"] = '["diffusion", "culture"]'
    assert cli.main(["check", str(path)]) == 0
    assert "ablation: submodels switched off (dynamics.disabled): diffusion, culture" in capsys.readouterr().out
    with h5py.File(path, "a") as f:
        f["meta"].attrs["disabled_submodels"] = "diffusion"
    assert cli.main(["check", str(path)]) == 2
    _one_error_line(capsys.readouterr().err, "/meta disabled_submodels is 'diffusion'; expected a JSON "
                                             "array of submodel names")
    out = tmp_path / "out"
    assert cli.main(["report", str(path), "-o", str(out), *FAST]) == 2
    _nothing_written(out)


@pytest.mark.parametrize("drop", ["outcomes/coverage", "timeseries/satisfaction",
                                  "outcomes/by_minority/retention", "dyads/quality"])
def test_missing_required_dataset_exits_2(tmp_path, capsys, drop):
    path = write_results(tmp_path / "broken.h5", drop=[drop])
    out = tmp_path / "out"
    assert cli.main(["report", str(path), "-o", str(out), *FAST]) == 2
    _one_error_line(capsys.readouterr().err,
                    f"missing dataset /{drop} (schema version 1 always writes it)")
    _nothing_written(out)


def test_missing_optional_part_is_a_warning_printed_and_written(tmp_path, capsys):
    path = write_results(tmp_path / "no_network.h5", drop=["network", "agents/final/role"])
    out = tmp_path / "out"
    assert cli.main(["report", str(path), "-o", str(out), *FAST]) == 0
    err = capsys.readouterr().err
    warnings = [line for line in err.splitlines() if line.startswith(PREFIX + "warning: ")]
    assert any("no /network/final: left out the network picture" in w for w in warnings)
    assert any("no /agents/final/role" in w for w in warnings)
    html = (out / "report.html").read_text()
    assert 'id="warnings"' in html and "no /network/final: left out" in html
    assert "no /agents/final/role" in (out / "report.md").read_text()


# -- options (item 9) -------------------------------------------------------------------------
@pytest.mark.parametrize("option, value, message", [
    ("--dpi", "0", "--dpi must be an integer from 50 to 1,200 (got 0)"),
    ("--dpi", "-300", "--dpi must be an integer from 50 to 1,200 (got -300)"),
    ("--dpi", "100000", "--dpi must be an integer from 50 to 1,200 (got 100000)"),
    ("--dpi", "3e2", "argument --dpi: invalid int value: '3e2'"),
    ("--bootstrap", "0", "--bootstrap must be an integer from 100 to 100,000"),
    ("--bootstrap", "1000000000", "--bootstrap must be an integer from 100 to 100,000"),
    ("--level", "1.5", "--level must be between 0.5 and 0.999 (got 1.5)"),
    ("--level", "nan", "--level must be between 0.5 and 0.999 (got nan)"),
    ("--seed", "-1", "--seed must be an integer from 0 to"),
    ("--network-sample", "0", "--network-sample must be an integer from 10 to 2,000"),
    ("--style", "wide", "argument --style: invalid choice: 'wide'"),
    ("--outcomes", ",", "--outcomes names nothing"),
    ("-o", "", "argument -o/--output: an empty output path"),
])
def test_bad_options_exit_2_before_anything_is_read(files, tmp_path, capsys, option, value,
                                                    message):
    out = tmp_path / "out"
    with pytest.raises(SystemExit) if "argument" in message else _no_exit():
        code = cli.main(["report", str(files["full"]), "-o", str(out), option, value])
        assert code == 2
    _one_error_line(capsys.readouterr().err, message)
    _nothing_written(out)


class _no_exit:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


# -- output targets (item 1) ------------------------------------------------------------------
def _refused(files, target: Path, capsys, message: str) -> None:
    assert cli.main(["report", str(files["minimal"]), "-o", str(target), *FAST]) == 3
    _one_error_line(capsys.readouterr().err, message)


def test_regular_file_fifo_socket_and_device_are_refused(files, tmp_path, capsys):
    plain = tmp_path / "notes.txt"
    plain.write_text("keep me")
    _refused(files, plain, capsys, "exists and is a regular file")
    assert plain.read_text() == "keep me"
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    _refused(files, fifo, capsys, "exists and is a FIFO (named pipe)")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    sock_path = tmp_path / "sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock_path))
    try:
        _refused(files, sock_path, capsys, "exists and is a socket")
        assert stat.S_ISSOCK(os.lstat(sock_path).st_mode)
    finally:
        server.close()
    device = tmp_path / "null"
    try:
        os.mknod(device, stat.S_IFCHR | 0o600, os.makedev(1, 3))
    except (PermissionError, OSError):
        device = None
    if device is not None:
        _refused(files, device, capsys, "exists and is a device")
        assert stat.S_ISCHR(os.lstat(device).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["notes.txt", "pipe", "sock"] + (["null"] if device is not None else []))


def test_symlinks(files, tmp_path, capsys):
    # A link to a directory is followed: the directory gets the report, the link stays a link.
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "latest"
    link.symlink_to(real)
    assert cli.main(["report", str(files["minimal"]), "-o", str(link), *FAST]) == 0
    capsys.readouterr()
    assert link.is_symlink() and (real / "report.html").exists()
    # Links to a file or to nothing are refused and left alone.
    target = tmp_path / "file.txt"
    target.write_text("x")
    to_file = tmp_path / "to_file"
    to_file.symlink_to(target)
    _refused(files, to_file, capsys, "is a symbolic link to")
    dangling = tmp_path / "dangling"
    dangling.symlink_to(tmp_path / "absent")
    _refused(files, dangling, capsys, "which does not exist")
    assert to_file.is_symlink() and dangling.is_symlink() and not (tmp_path / "absent").exists()


def test_directory_holding_the_input_is_refused(tmp_path, capsys):
    out = tmp_path / "report"
    out.mkdir()
    (out / ".mentorsim_analysis").write_text("")
    results = write_results(out / "results.h5", timeseries=False, agents=False, network=False,
                            dyads=False, outcomes=False)
    assert cli.main(["report", str(results), "-o", str(out), *FAST]) == 3
    _one_error_line(capsys.readouterr().err, "holds the input")
    assert results.exists()


def test_root_and_foreign_directories_are_refused(files, tmp_path, capsys):
    foreign = tmp_path / "thesis"
    foreign.mkdir()
    (foreign / "chapter.tex").write_text("keep me")
    _refused(files, foreign, capsys, "is not empty and was not written by mentorsim_analysis")
    assert (foreign / "chapter.tex").read_text() == "keep me"


# -- interrupts and leftovers (item 10) --------------------------------------------------------
def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_leftovers_of_dead_processes_are_removed_and_unknown_ones_reported(files, tmp_path,
                                                                            capsys):
    out = tmp_path / "out"
    dead = _dead_pid()
    stale = tmp_path / f".out.{dead}.abc123.tmp"
    stale.mkdir()
    (stale / ".mentorsim_analysis-staging").write_text("")
    alive = tmp_path / f".out.{os.getpid()}.zzz.tmp"       # this process: in use, kept
    alive.mkdir()
    (alive / ".mentorsim_analysis-staging").write_text("")
    old_style = tmp_path / ".out.k3j4h5.tmp"                 # no PID: cannot tell, reported
    old_style.mkdir()
    assert cli.main(["report", str(files["minimal"]), "-o", str(out), *FAST]) == 0
    err = capsys.readouterr().err
    assert not stale.exists() and alive.exists() and old_style.exists()
    assert f"removed {stale}, left by process {dead}, which no longer exists" in err
    assert f"{old_style}: looks like a leftover temporary directory" in err


def test_a_swap_killed_half_way_is_restored(tmp_path):
    target = tmp_path / "report"
    old = tmp_path / f".report.{_dead_pid()}.1a2b3c4d.old"
    old.mkdir()
    (old / ".mentorsim_analysis").write_text("")
    (old / "report.html").write_text("previous")
    messages = []
    clean_leftovers(target, messages.append)
    assert (target / "report.html").read_text() == "previous" and not old.exists()
    assert messages and messages[0].startswith(f"restored {target}")


def _start_report(results: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "mentorsim_analysis", "report", str(results),
                             "-o", str(out), "--bootstrap", "100000"], cwd=ANALYSIS,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def _wait_for_staging(out: Path, process: subprocess.Popen, limit: float = 120) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if any(p.name.startswith(f".{out.name}.") and p.name.endswith(".tmp")
               for p in out.parent.iterdir()):
            time.sleep(0.5)
            return
        assert process.poll() is None, process.communicate()
        time.sleep(0.05)
    raise AssertionError("the report never started writing")


@pytest.mark.parametrize("how, code", [("SIGINT to the group (Ctrl-C)", 130),
                                       ("SIGTERM to the process", 143)])
def test_interrupt_prints_one_line_and_cleans_up(files, tmp_path, how, code):
    out = tmp_path / "out"
    process = _start_report(files["full"], out)
    _wait_for_staging(out, process)
    if how.startswith("SIGINT"):
        os.killpg(process.pid, signal.SIGINT)
    else:
        process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=120)
    assert process.returncode == code, err
    line = _one_error_line(err.replace(f"{PREFIX}interrupted", f"{PREFIX}error: interrupted"))
    assert "nothing was written" in line
    _nothing_written(out)


def test_child_killed_by_sigkill_is_reported_and_its_staging_removed(files, tmp_path):
    out = tmp_path / "out"
    process = _start_report(files["full"], out)
    _wait_for_staging(out, process)
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
    assert len(children) == 1
    os.kill(int(children[0]), signal.SIGKILL)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 128 + signal.SIGKILL
    assert err.strip() == f"{PREFIX}stopped by SIGKILL; nothing was written"
    _nothing_written(out)
