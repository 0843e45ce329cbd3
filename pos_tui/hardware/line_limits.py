"""The longest line a scanner or stripe reader may send (config `max_length`), kept apart from
the serial driver so the lane's keyboard wedge can use it without loading pyserial.

A barcode is far shorter (GS1-128 holds at most 48 data characters), ISO 7813 tracks 1 and 2
together about 120. Anything longer is a babbling port or the wrong device: dropped whole.
"""

from __future__ import annotations

SCAN_MAX_LENGTH = 128
SWIPE_MAX_LENGTH = 256
