"""Ctrl-C: SIGINT during a long run raises KeyboardInterrupt within about a second (the
run's cancel flag stops the workers), and the module keeps working afterwards. The GIL is
released while a run works, and the progress callback sees the runs done."""

import os
import signal
import threading
import time

import pytest

import plancast


def test_sigint_stops_a_long_run():
    sent = []

    def interrupt():
        sent.append(time.monotonic())
        os.kill(os.getpid(), signal.SIGINT)

    timer = threading.Timer(1.0, interrupt)
    timer.start()
    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        plancast.run(runs=10**10, threads=2)  # hours of work
    raised = time.monotonic()
    timer.join()
    assert sent, "the run ended before the signal"
    assert raised - sent[0] < 1.5, "KeyboardInterrupt %.2f s after SIGINT" % (raised - sent[0])
    assert raised - start < 10
    # still usable, and with the same results as before
    assert plancast.run(runs=500).to_json() == plancast.run(runs=500).to_json()


def test_gil_released_during_a_run():
    done = threading.Event()
    ticks = []

    def work():
        plancast.run(runs=400000, threads=1)
        done.set()

    t = threading.Thread(target=work)
    t.start()
    while not done.is_set():
        ticks.append(time.monotonic())
        time.sleep(0.005)
    t.join()
    # Python kept running beside the run (a held GIL would leave one or two ticks).
    assert len(ticks) >= 10


def test_progress_callback_and_bar(capsys, monkeypatch):
    seen = []
    r = plancast.run(runs=300000, threads=1, progress=lambda d, t: seen.append((d, t)))
    assert seen and seen[-1] == (r.runs, r.runs)
    assert all(a[0] <= b[0] for a, b in zip(seen, seen[1:]))
    monkeypatch.setattr(plancast._progress.ProgressBar, "DELAY", 0.0)
    plancast.run(runs=300000, threads=1, progress=True)
    err = capsys.readouterr().err
    assert "runs" in err and "%" in err
    plancast.run(runs=300000, threads=1)
    assert capsys.readouterr().err == ""
