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
        # hours of work (not 10^10: the runner then skips ~40 million blocks' tasks after
        # the cancel, which takes seconds by itself)
        plancast.run(runs=2 * 10**7, threads=2)
    raised = time.monotonic()
    timer.join()
    assert sent, "the run ended before the signal"
    assert raised - sent[0] < 1.5, "KeyboardInterrupt %.2f s after SIGINT" % (raised - sent[0])
    assert raised - start < 10
    # still usable, and with the same results as before
    assert plancast.run(runs=500).to_json() == plancast.run(runs=500).to_json()


class Stop(Exception):
    pass


def test_gil_released_and_progress_can_cancel():
    """A run on another thread for a second (its progress callable then raises, which
    cancels it): meanwhile this thread keeps running Python."""
    outcome = []

    def stop_after_a_second(done, total, start=time.monotonic()):
        if time.monotonic() - start > 1.0:
            raise Stop(done)

    def work():
        try:
            plancast.run(runs=2 * 10**7, threads=1, progress=stop_after_a_second)
        except Stop as e:
            outcome.append(e)

    t = threading.Thread(target=work)
    t.start()
    ticks = 0
    while t.is_alive():
        ticks += 1
        time.sleep(0.005)
    t.join()
    assert outcome and outcome[0].args[0] > 0, "the callable's exception did not come back"
    # ~200 ticks in a second; a GIL held by the run would allow a handful at most.
    assert ticks >= 40


def test_progress_callback_and_bar(capsys, monkeypatch):
    seen = []
    r = plancast.run(runs=20000, threads=1, progress=lambda d, t: seen.append((d, t)))
    assert seen and seen[-1] == (r.runs, r.runs)
    assert all(a[0] <= b[0] for a, b in zip(seen, seen[1:]))
    monkeypatch.setattr(plancast._progress.ProgressBar, "DELAY", 0.0)
    plancast.run(runs=20000, threads=1, progress=True)
    err = capsys.readouterr().err
    assert "runs" in err and "%" in err
    plancast.run(runs=20000, threads=1)
    assert capsys.readouterr().err == ""
