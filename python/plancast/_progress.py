"""The progress bar of progress=True: one line on standard error, redrawn in place at most
ten times a second, first drawn after a second (short runs show nothing), erased at the end."""

import time


class ProgressBar:
    DELAY = 1.0  # seconds before the bar first shows (as the CLI's)
    WIDTH = 30

    def __init__(self, stream):
        self._stream = stream
        self._start = time.monotonic()
        self._last = 0.0
        self._drawn = False

    def __call__(self, done, total):
        now = time.monotonic()
        if total <= 0 or now - self._start < self.DELAY or now - self._last < 0.1:
            return
        self._last = now
        share = min(1.0, done / total)
        filled = int(round(share * self.WIDTH))
        secs = now - self._start
        rate = done / secs if secs > 0 else 0.0
        left = " %ds left" % round((total - done) / rate) if rate > 0 and done < total else ""
        line = "[%s%s] %3d%%  %s/%s runs%s" % ("#" * filled, "-" * (self.WIDTH - filled),
                                               int(share * 100), format(done, ","),
                                               format(total, ","), left)
        self._stream.write("\r" + line.ljust(79)[:79])
        self._stream.flush()
        self._drawn = True

    def finish(self):
        if self._drawn:
            self._stream.write("\r" + " " * 79 + "\r")
            self._stream.flush()
            self._drawn = False
