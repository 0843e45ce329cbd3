"""The lane's devices: opened after the first frame, their events routed to the checkout, and
keyboard-wedge scanners and magstripe readers told from typing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events

from pos_tui.app_parts.base import log
from pos_tui.app_parts.notices import NoticesOnLine
from pos_tui.screens.sign_in import SignInScreen

if TYPE_CHECKING:
    from pos_tui.services.runtime.lane_devices import DeviceAction
    from pos_tui.widgets.device_bridge import DeviceBridge


class DeviceHooks(NoticesOnLine):
    """On mount the ``[devices.*]`` of the settings are opened (``device_bridge``): driver
    events reach :meth:`card_read`, :meth:`scan` and ``device_notice`` (call them from other
    threads with ``app.call_from_thread``), receipts print through a ``PrintWorker`` (unless
    ``printing`` was set before), the pole display follows the sale (``pole``), and
    keyboard-wedge scanners and magstripe readers are told from typing (``on_event``)."""

    # How often the print worker retries receipts held up by a printer problem.
    PRINT_RETRY_SECONDS = 30.0

    def _open_devices(self) -> None:
        """Build the devices from `[devices.*]` (a bad section disables that device, with a
        notice: the lane still works from the keyboard) and start them off the UI thread; the
        print worker and the drawer follow at the first sign-in (``_start_workers``)."""
        from pos_tui.widgets.device_bridge import DeviceBridge, KeyWedge

        try:
            bridge = DeviceBridge(self, self.settings)
        except Exception as exc:  # never: LaneDevices collects errors; but never crash the lane
            log.exception("devices not opened")
            self.device_notice(f"Devices not opened: {exc}", error=True)
            return
        self.device_bridge = bridge
        self._pole = bridge.pole
        for notice in bridge.lane.errors:
            self.device_notice(notice, error=True)
        self.wedge = KeyWedge(
            self,
            bridge.lane.wedge,
            forward=self._forward_key,
            act=self._device_action,
            watching=self._wedge_watching,
            in_entry=self._entry_focused,
        )
        bridge.start()
        if self.employee is not None:  # signed in before the devices were open
            self._start_workers()

    def _start_workers(self) -> None:
        """The print worker and the cash drawer's thread, at the first sign-in (called by
        ``signed_in``): nothing prints and no drawer opens before someone is signed in, and the
        sign-in screen waits without their database work and memory (~5 MB: the jobs and the
        openings a stopped lane left are recovered here, late copies then print). Once."""
        bridge = self.device_bridge
        if bridge is None or bridge.drawer is not None:
            return
        if self.printing is None:
            self.printing = bridge.print_worker(self.backend, self.PRINT_RETRY_SECONDS)
            self._own_printing = True
            self.printing.start()
        bridge.start_drawer(self.backend)

    def _wedge_watching(self) -> bool:
        """Keyboard wedges are watched once someone is signed in, except on a screen that wants
        scans typed into its fields (class attribute ``WEDGE_TYPES = True``, e.g. a barcode
        field in the back office). The sign-in screen is watched for card swipes only (see
        ``_entry_focused``): a swipe there must never become an employee number, nor reach
        the audit log as one."""
        screen = self.screen
        if isinstance(screen, SignInScreen):
            return True
        return self.employee is not None and not getattr(screen, "WEDGE_TYPES", False)

    def _entry_focused(self) -> bool:
        """Whether scans are typing here (the checkout's entry takes codes itself, the sign-in
        screen takes employee badges): then only magstripe track data is taken."""
        if isinstance(self.screen, SignInScreen):
            return True
        focused = self.focused
        return focused is not None and focused.id == "entry" and self._checkout_on_top() is not None

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            if self.wedge is not None and await self.wedge.take(event):
                return
            if self._held_for_screen(event):
                return
            self._key_arrived()
        await super().on_event(event)

    def _key_arrived(self) -> None:
        """A key: the top lane screen's last message is stale (screens/lane.py)."""
        stale = getattr(self.screen_stack[-1], "key_arrived", None) if self.screen_stack else None
        if callable(stale):
            stale()
        self._notice_key_arrived()

    async def _forward_key(self, event: events.Key) -> None:
        """Keys the wedge held as typing go on from here."""
        if not self._held_for_screen(event):
            await super().on_event(event)

    def _held_for_screen(self, event: events.Key) -> bool:
        """A screen still opening holds the keys typed ahead (screens/typeahead.py)."""
        stack = self.screen_stack
        hold = getattr(stack[-1], "hold_key", None) if stack else None
        return bool(hold(event)) if callable(hold) else False

    async def deliver_key(self, event: events.Key) -> None:
        """A key a screen held while it opened, routed now that its field has the focus."""
        await super().on_event(event)

    def on_device_bridge_action(self, message: DeviceBridge.Action) -> None:
        self._device_action(message.action)

    def _device_action(self, action: DeviceAction) -> None:
        try:
            if action.kind == "card":
                self.card_read(action.text)
            elif action.kind == "scan":
                self.scan(action.text)
            elif action.kind == "notice":
                self.device_notice(action.text, error=action.error, title=action.title)
            elif action.kind == "waiting":
                self.show_print_waiting(int(action.text))
        except Exception as exc:  # a device must never take the lane down
            log.exception("device action failed: %r", action)
            self.device_notice(f"Device event not handled: {exc}", error=True)

    def _close_devices(self) -> None:
        if self.sync_bridge is not None:
            self.sync_bridge.stop()
        if self._own_printing and self.printing is not None:
            try:
                self.printing.stop()
            except Exception:
                log.exception("stopping the print worker failed")
        if self.device_bridge is not None:
            self.device_bridge.stop()

    # -- device hooks ----------------------------------------------------------------------------
    def card_read(self, card_number: str) -> None:
        """A loyalty card was read: the checkout attaches its customer, or offers to link an
        unknown card. Ignored (with a notice) while locked or in another step."""
        from pos_tui.hardware.events import mask_card
        from pos_tui.screens.card_prompt import CardPromptScreen
        from pos_tui.screens.lane import LaneScreen

        if isinstance(self.screen, CardPromptScreen):
            self.screen.card_read(card_number)
            return
        checkout = self._checkout_on_top()
        if checkout is None:
            shown = mask_card(card_number)
            self.say(f"Card {shown} read: finish the current step first", title="Card")
            return
        checkout.post_message(LaneScreen.CardRead(card_number))

    def scan(self, code: str) -> None:
        """A scanner read a barcode: the checkout adds the item."""
        from pos_tui.screens.lane import LaneScreen

        checkout = self._checkout_on_top()
        if checkout is None:
            self.say(f"Scanned {code}: not added, finish the current step first", title="Scanner")
            return
        checkout.post_message(LaneScreen.Scanned(code))
