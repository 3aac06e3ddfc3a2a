"""PTB's networking on aiohttp: the same Bot API calls, at a fraction of httpx's CPU per request.

python-telegram-bot lets any `BaseRequest` carry its calls. Measured against the fake Bot API on
2 cores (bench/bench_fanout.py): httpx costs ~1.2 ms of CPU per request in our process, aiohttp
~0.25 ms, and PTB itself ~0.14 ms — so with httpx one process cannot send much over 700 messages
a second, and a 10,000-person reminder at 1,000/s needs the lighter transport. Used for everything
the bot sends: the fan-out bot (reminders and announcements), the answers and the long poll.
"""

from __future__ import annotations

import json
import urllib.request

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

DEFAULT_TIMEOUT = 5.0
JSON = "application/json"


class AiohttpRequest(BaseRequest):
    """A `BaseRequest` on one `aiohttp.ClientSession`, created in `initialize` (inside the loop)."""

    def __init__(
        self,
        connection_pool_size: int = 8,
        read_timeout: float | None = DEFAULT_TIMEOUT,
        connect_timeout: float | None = DEFAULT_TIMEOUT,
        pool_timeout: float | None = 1.0,
        media_read_timeout: float | None = 20.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_read_timeout = media_read_timeout
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[str, str | None] = {}

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size, limit_per_host=self._pool_size)
            # Not trust_env: aiohttp would then look proxies up in a thread on every request
            # (measured: a fifth of the CPU per message). `_proxy` reads them once per host.
            self._session = aiohttp.ClientSession(connector=connector)

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data is not None and request_data.contains_files
        read = self._pick(read_timeout, self._media_read_timeout if files else self._read_timeout)
        connect = self._pick(connect_timeout, self._connect_timeout)
        pool = self._pick(pool_timeout, self._pool_timeout)
        # aiohttp's `connect` covers waiting for a pooled connection and opening one.
        acquire = None if pool is None or connect is None else pool + connect
        timeout = aiohttp.ClientTimeout(total=None, connect=acquire, sock_connect=connect, sock_read=read)
        try:
            data, content_type = self._body(request_data)
            headers = {"User-Agent": self.USER_AGENT}
            if content_type is not None:
                headers["Content-Type"] = content_type
            async with self._session.request(
                method, url, data=data, headers=headers, timeout=timeout, proxy=self._proxy(url)
            ) as response:
                return response.status, await response.read()
        except TimeoutError as err:  # aiohttp's timeouts are TimeoutErrors
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{err.__class__.__name__}: {err}") from err

    @staticmethod
    def _pick(value: ODVInput[float], default: float | None) -> float | None:
        return default if isinstance(value, DefaultValue) else value

    def _proxy(self, url: str) -> str | None:
        """HTTPS_PROXY / HTTP_PROXY unless NO_PROXY covers the host, as httpx honours them."""
        scheme, _, rest = url.partition("://")
        host = rest.split("/", 1)[0]
        if host not in self._proxies:
            proxy = urllib.request.getproxies().get(scheme)
            hostname = host.rsplit(":", 1)[0] if not host.endswith("]") else host
            self._proxies[host] = None if not proxy or urllib.request.proxy_bypass(hostname) else proxy
        return self._proxies[host]

    @staticmethod
    def _body(request_data: RequestData | None) -> tuple[aiohttp.FormData | bytes | None, str | None]:
        """A JSON body, or multipart when a file is uploaded (as PTB sends it).

        The Bot API takes application/json for every method without a file. PTB's own form
        encoding JSON-encodes each complex value and then percent-encodes it character by character
        in Python: for an answer with HTML and buttons that was a third of the bot's CPU per request.
        """
        if request_data is None:
            return None, None
        if not request_data.contains_files:
            return json.dumps(request_data.parameters, ensure_ascii=False).encode(), JSON
        parameters = request_data.json_parameters
        form = aiohttp.FormData()
        for name, value in parameters.items():
            form.add_field(name, value)
        for name, part in request_data.multipart_data.items():
            filename, content, mimetype = part[0], part[1], part[2] if len(part) > 2 else None
            form.add_field(name, content, filename=filename, content_type=mimetype)
        return form, None  # aiohttp sets the multipart content type with its boundary
