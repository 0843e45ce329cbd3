"""The one base of every refusal: a rule said no, and the person at the screen reads why.

Anything else that is raised is a bug. Screens show a ``Refused`` politely on their message
line and send every other exception to the app's error handler, which logs its traceback, so
a bug is never dressed up as a refusal and hidden. It lives in the engine, the lowest layer,
so the engine's own checks, storage (a constraint broken, ``pos_tui.storage.errors``) and the
services can all raise it.
"""

from __future__ import annotations


class Refused(Exception):
    """Something the user asked for that a rule refuses; ``str()`` (or ``message``, where a
    subclass keeps one) says why, in words fit for the screen."""
