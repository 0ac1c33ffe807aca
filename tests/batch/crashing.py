"""A worker factory whose Matcher kills its own process on a marked file (a native crash, an
out-of-memory kill): the batch must replace the worker and record the file as failed."""

from __future__ import annotations

import os
from typing import Any

from matcher.options import MatchOptions
from matcher.pipeline import Matcher

MARKER = b"CRASH-THE-WORKER"


class CrashingMatcher(Matcher):
    def match(self, resume: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(resume, bytes) and MARKER in resume:
            os._exit(3)  # no exception, no reply: the process is just gone
        return super().match(resume, *args, **kwargs)


def crashing_matcher(options: MatchOptions) -> Matcher:
    matcher = Matcher.default(options)
    matcher.__class__ = CrashingMatcher
    return matcher
