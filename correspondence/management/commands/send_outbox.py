"""Send the emails waiting in the outbox.

With --once it sends what is due and stops, for cron or `make demo`.
Without, it keeps going, waiting ONROLL_OUTBOX["poll_seconds"] between
rounds, until stopped with SIGTERM or Ctrl+C; a message it was sending when
stopped is sent again by the next worker once its lease runs out.
"""

import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from correspondence import outbox


class Command(BaseCommand):
    help = "Send the emails waiting in the outbox, once or in a loop."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--once", action="store_true", help="Send what is due, then stop."
        )

    def handle(self, *args, once: bool = False, **options) -> None:
        if once:
            if not self._round():
                self.stdout.write("Outbox: nothing due.")
            return
        stopping = []
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        try:
            while not stopping:
                self._round()
                time.sleep(settings.ONROLL_OUTBOX["poll_seconds"])
        except KeyboardInterrupt:
            pass

    def _round(self) -> bool:
        """Send what is due and print the outcomes; return whether any was due."""
        outcomes = outbox.deliver_due()
        if outcomes:
            summary = ", ".join(f"{n} {what}" for what, n in sorted(outcomes.items()))
            self.stdout.write(f"Outbox: {summary}.")
        return bool(outcomes)
