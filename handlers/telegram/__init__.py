"""The Telegram channel, on python-telegram-bot 22."""

import os

# PTB 22.2+ gives time periods (RetryAfter.retry_after, …) as timedeltas when opted in, and
# otherwise warns each time one is read — even inside its own RetryAfter constructor. Opt in.
os.environ.setdefault("PTB_TIMEDELTA", "true")
