# SPDX-License-Identifier: GPL-2.0-or-later
"""Collects the failures of one test and prints its "ok NAME" / "FAIL NAME: ..." line."""


class Checks:
    def __init__(self):
        self.errs = []

    def eq(self, got, want, what):
        if got != want:
            self.errs.append(f"{what}: got {got!r}, want {want!r}")

    def true(self, cond, what):
        if not cond:
            self.errs.append(what)

    def guard(self, fn):
        """Runs fn; an exception becomes a failure of this test, not of the script."""
        try:
            fn()
        except Exception as e:
            self.errs.append(f"{type(e).__name__}: {e}")

    def report(self, name):
        if self.errs:
            print(f"FAIL {name}: " + "; ".join(self.errs[:4]))
        else:
            print(f"ok {name}")
