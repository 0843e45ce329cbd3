"""Why a device could not be opened, in words a store's administrator can act on."""

from __future__ import annotations

import errno
import os
import pwd


def _account() -> str:
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        return str(os.getuid())


def open_failure(error: BaseException) -> str:
    """The reason behind an ``OSError`` (pyserial's ``SerialException`` is one) from opening
    a device: a device the lane's account may not open, or one that is not there, is said so
    (a kiosk's account has no shell to find out); anything else as the error says."""
    code = getattr(error, "errno", None)
    if code in (errno.EACCES, errno.EPERM):
        return (
            f"permission denied for the lane's account {_account()} "
            "(give it the device's group, e.g. dialout)"
        )
    if code in (errno.ENOENT, errno.ENODEV, errno.ENXIO):
        return "no such device here (it must be attached to the machine the lane runs on)"
    return str(error)
