"""A data file an organiser sends to the bot, for any channel: where it goes, checked, previewed,
then put in place on confirmation (and reloaded, with the change notices) or dropped.

The live file is never touched before the confirmation: the check reads the upload's bytes in
place of the file it would replace (`replaced`, bot/formats), exactly as a reload would read
them. A waiting upload is a hidden staged file next to its target (same filesystem, so putting it
in place is one atomic `os.replace`) plus an in-memory record, bounded and short-lived.
"""

from __future__ import annotations

import asyncio
import dataclasses
import glob
import hashlib
import logging
import os
import secrets
import shutil
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path, PurePath

from bot import texts
from bot.changes import ProgrammeDiff, programme_diff
from bot.document import DataError, megabytes  # megabytes: the same "5,87 MB" the limit says
from bot.fetch import is_url
from bot.formats import YAML_SUFFIXES, Source, detect_programme
from bot.formats.merging import local_source, programme_entry
from bot.model import Conference
from handlers.operations import Operations, ReloadResult

logger = logging.getLogger(__name__)

PENDING_LIMIT = 20  # uploads waiting for a confirmation; an older one is dropped
PENDING_SECONDS = 30 * 60  # how long a preview's buttons stay good
PREVIOUS_SUFFIX = ".poprzedni"  # the replaced version, kept next to the file
_STAGED = ".upload-"  # staged name: ".{target}.upload-{token}"
_CHUNK = 1 << 20


class Refused(Exception):
    """An upload that cannot go anywhere; `reason` says why, in Polish, to the organiser."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Refusal:
    reason: str


@dataclass(frozen=True, slots=True)
class Problems:
    name: str
    error: DataError


@dataclass(frozen=True, slots=True)
class Unchanged:
    name: str
    target: str


@dataclass(frozen=True, slots=True)
class Preview:
    token: str  # what the confirm and cancel buttons carry
    name: str  # the upload's own name, as sent (shown only, never a path)
    target: str  # the file it would replace, as organisers know it
    diff: ProgrammeDiff
    old: Conference
    new: Conference
    planned: int  # people who planned a moved or cancelled session: they will be told


Checked = Refusal | Problems | Unchanged | Preview


class Outcome(StrEnum):
    APPLIED = "applied"
    FAILED = "failed"  # the reload refused it after all: the previous file is back
    ALREADY = "already"  # a second tap
    GONE = "gone"  # unknown, expired or cancelled token
    CHANGED = "changed"  # the target changed on disk since the preview
    DROPPED = "dropped"  # cancelled now


@dataclass(frozen=True, slots=True)
class Result:
    outcome: Outcome
    name: str = ""
    target: str = ""
    previous: str | None = None  # where the replaced version is kept
    reload: ReloadResult | None = None
    problem: str | None = None  # a file operation that failed, said plainly


class _State(StrEnum):
    WAITING = "waiting"
    APPLYING = "applying"
    APPLIED = "applied"


@dataclass
class _Pending:
    token: str
    name: str
    path: Path  # as the loader names it (the key of `replaced`)
    real: Path  # where it really is (a symlink followed): the file that gets replaced
    staged: Path
    digest: str | None  # the target's content at the preview (None: there was no file)
    created: float
    shown: str
    state: _State = _State.WAITING


def file_digest(path: Path) -> str | None:
    """SHA-256 of the file's content, None when there is no such file."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as file:
            while chunk := file.read(_CHUNK):
                digest.update(chunk)
    except FileNotFoundError:
        return None
    return digest.hexdigest()


def upload_target(data_path: Path, name: str, body: bytes, max_bytes: int) -> Path:
    """The file an upload named `name` replaces: the YAML data file, or the programme export.

    `Refused` when there is none it may replace; `DataError` (the formats' own) when the upload is
    in no format the bot reads.
    """
    data_is_yaml = data_path.suffix.lower() in YAML_SUFFIXES
    if PurePath(name).suffix.lower() in YAML_SUFFIXES:
        if data_is_yaml:
            return data_path
        raise Refused(texts.UPLOAD_YAML_FOR_EXPORT.format(target=data_path.name))
    fmt = detect_programme(Source(body, name))
    wanted: object = None
    if data_is_yaml:
        entry = programme_entry(data_path, max_bytes) or {}
        source = entry.get("source")
        wanted = entry.get("format")
        if not isinstance(source, str) or not source.strip():
            raise Refused(texts.UPLOAD_NO_SOURCE.format(target=data_path.name))
        if is_url(source) or "://" in source:
            raise Refused(texts.UPLOAD_URL_SOURCE.format(url=source))
        target = local_source(data_path.parent, source)
    else:
        target = data_path
    suffix = target.suffix.lower()
    if PurePath(name).suffix.lower() != suffix and suffix not in fmt.suffixes and wanted != fmt.name:
        # Read under the target's name, the upload would be taken for another format.
        raise Refused(texts.UPLOAD_OTHER_FORMAT.format(target=shown_path(data_path, target), title=fmt.title))
    return target


def shown_path(data_path: Path, target: Path) -> str:
    """A target as organisers know it: relative to the data file's directory when inside it."""
    try:
        return str(target.relative_to(data_path.parent))
    except ValueError:
        return str(target)


def _named(error: DataError, data_path: Path, path: Path, name: str) -> DataError:
    """Problems named as the organiser knows the files: the upload by the name it was sent with
    (its bytes stood in for `path`), the others relative to the data file's directory."""

    def known(file: str) -> str:
        if file == str(path):
            return name[:60] or path.name
        return shown_path(data_path, Path(file)) if Path(file).is_absolute() else file

    return DataError([dataclasses.replace(issue, file=known(issue.file)) for issue in error.issues])


def _inside(data_path: Path, real: Path) -> bool:
    """A programme source may name any path; an upload may only replace one by the data file."""
    folders = {data_path.parent.resolve(), data_path.resolve().parent}
    return any(real == folder or folder in real.parents for folder in folders)


def _stage(staged: Path, body: bytes) -> None:
    with staged.open("xb") as file:  # "x": a name that exists is never overwritten
        file.write(body)
        file.flush()
        os.fsync(file.fileno())


def _swap_in(pending: _Pending) -> Path | None:
    """The previous version kept beside, then the staged file in its place at once."""
    previous = None
    if pending.real.exists():
        previous = pending.real.with_name(pending.real.name + PREVIOUS_SUFFIX)
        shutil.copy2(pending.real, previous)
    os.replace(pending.staged, pending.real)
    return previous


def _restore(pending: _Pending, previous: Path | None) -> None:
    """The previous version back (a copy, so it also stays kept beside), or no file as before."""
    if previous is None:
        pending.real.unlink(missing_ok=True)
        return
    back = pending.real.with_name(f".{pending.real.name}{_STAGED}{pending.token}-back")
    shutil.copy2(previous, back)
    os.replace(back, pending.real)


def _remove(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:  # a read-only folder: nothing more to do than say so in the log
        logger.warning("upload: staged file %s not removed: %s", path.name, exc.strerror)


def _sweep(folder: Path, name: str, older_than: float) -> None:
    """Staged files a restart left behind (their record was only in memory)."""
    for leftover in folder.glob(f".{glob.escape(name)}{_STAGED}*"):
        try:
            if leftover.stat().st_mtime < older_than:
                leftover.unlink()
        except OSError:
            continue


class Uploads:
    """Uploads waiting for a confirmation, and what checking and applying them does."""

    def __init__(
        self,
        operations: Operations,
        *,
        limit: int = PENDING_LIMIT,
        seconds: float = PENDING_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.operations = operations
        self.limit = limit
        self.seconds = seconds
        self.clock = clock
        self._pending: OrderedDict[str, _Pending] = OrderedDict()

    @property
    def max_bytes(self) -> int:
        return self.operations.data_max_bytes

    def size_refusal(self, size: int | None, channel_limit: int | None = None) -> Refusal | None:
        """Said before downloading: over the data limit (or the channel's), or a size not known."""
        limit = min(self.max_bytes, channel_limit) if channel_limit is not None else self.max_bytes
        if size is None:
            return Refusal(texts.UPLOAD_SIZE_UNKNOWN)
        if size > limit:
            return Refusal(
                texts.UPLOAD_TOO_BIG.format(size=megabytes(size), limit=megabytes(limit, exact=True))
            )
        return None

    async def check(self, name: str, body: bytes) -> Checked:
        """Where the upload would go, and what it would change; nothing changes yet."""
        self._expire()
        operations = self.operations
        data_path = operations.data_path
        refusal = self.size_refusal(len(body))
        if refusal is not None:
            return refusal
        try:
            path = await asyncio.to_thread(upload_target, data_path, name, body, self.max_bytes)
        except Refused as exc:
            return Refusal(exc.reason)
        except DataError as exc:
            return Problems(name, exc)
        shown = shown_path(data_path, path)
        real = path.resolve()
        if not _inside(data_path, real):
            return Refusal(texts.UPLOAD_OUTSIDE.format(target=shown))
        digest = await asyncio.to_thread(file_digest, real)
        if digest == hashlib.sha256(body).hexdigest():
            return Unchanged(name, shown)
        try:
            new = await operations.load(replaced={path: body})
        except DataError as exc:
            logger.info("upload refused: %d problems (for %s)", len(exc.issues), shown)
            return Problems(name, _named(exc, data_path, path, name))
        token = secrets.token_hex(8)
        staged = real.with_name(f".{real.name}{_STAGED}{token}")
        try:
            await asyncio.to_thread(_sweep, real.parent, real.name, self.clock() - self.seconds)
            await asyncio.to_thread(_stage, staged, body)
        except OSError as exc:
            _remove(staged)
            return Refusal(texts.UPLOAD_NOT_STAGED.format(target=shown, problem=exc.strerror or exc))
        old = operations.current().conference
        diff = await asyncio.to_thread(programme_diff, old, new)
        planned = await self._planned(diff)
        self._pending[token] = _Pending(token, name, path, real, staged, digest, self.clock(), shown)
        self._trim()
        logger.info("upload staged for %s: %d bytes, %d changes", shown, len(body), len(diff.changes))
        return Preview(token, name, shown, diff, old, new, planned)

    async def _planned(self, diff: ProgrammeDiff) -> int:
        """People a reload would tell: those who planned a session that moves or goes."""
        people: set[int] = set()
        for change in diff.changes:
            people.update(person.id for person in await self.operations.store.planned_by(change.before.id))
        return len(people)

    async def apply(self, token: str) -> Result:
        """Put a previewed upload in place and reload, once; a failed reload puts the old file back."""
        self._expire()
        pending = self._pending.get(token)
        if pending is None:
            return Result(Outcome.GONE)
        async with self.operations.exclusive():  # no reload reads the file while it is swapped
            if pending.state is not _State.WAITING or token not in self._pending:
                outcome = Outcome.ALREADY if pending.state is _State.APPLIED else Outcome.GONE
                return Result(outcome, pending.name, pending.shown)
            pending.state = _State.APPLYING
            try:
                return await self._apply(pending)
            finally:
                if pending.state is _State.APPLYING:  # refused or failed: it waits no more
                    self._forget(token)

    async def _apply(self, pending: _Pending) -> Result:
        name, shown = pending.name, pending.shown
        if await asyncio.to_thread(file_digest, pending.real) != pending.digest:
            logger.warning("upload for %s refused: the file changed since the preview", shown)
            return Result(Outcome.CHANGED, name, shown)
        try:
            previous = await asyncio.to_thread(_swap_in, pending)
        except OSError as exc:
            logger.warning("upload for %s not applied: %s", shown, exc.strerror)
            return Result(Outcome.FAILED, name, shown, problem=exc.strerror or str(exc))
        before = self.operations.current()
        try:
            reload = await self.operations.reload_held()
        except Exception:
            if self.operations.current() is before:  # not taken in: the file must not say otherwise
                await asyncio.to_thread(_restore, pending, previous)
            raise
        kept = previous.name if previous is not None else None
        if reload.error is not None:
            # Checked moments ago, yet refused now (the YAML beside it changed, its URL failed):
            # the file that worked goes back, so the next restart reads what the bot runs.
            await asyncio.to_thread(_restore, pending, previous)
            return Result(Outcome.FAILED, name, shown, kept, reload)
        pending.state = _State.APPLIED
        logger.info("upload applied to %s", shown)
        return Result(Outcome.APPLIED, name, shown, kept, reload)

    def drop(self, token: str) -> Result:
        """Cancel a waiting upload: its staged file goes, nothing else changes."""
        self._expire()
        pending = self._pending.get(token)
        if pending is None:
            return Result(Outcome.GONE)
        if pending.state is not _State.WAITING:
            outcome = Outcome.ALREADY if pending.state is _State.APPLIED else Outcome.GONE
            return Result(outcome, pending.name, pending.shown)
        self._forget(token)
        return Result(Outcome.DROPPED, pending.name, pending.shown)

    def is_waiting(self, token: str) -> bool:
        pending = self._pending.get(token)
        return pending is not None and pending.state is _State.WAITING

    def _forget(self, token: str) -> None:
        pending = self._pending.pop(token, None)
        if pending is not None and pending.state is not _State.APPLIED:
            _remove(pending.staged)

    def _expire(self) -> None:
        cutoff = self.clock() - self.seconds
        for token, pending in list(self._pending.items()):
            if pending.created < cutoff and pending.state is not _State.APPLYING:
                self._forget(token)

    def _trim(self) -> None:
        """The newest `limit` only; one being applied right now stays."""
        for token, pending in list(self._pending.items()):
            if len(self._pending) <= self.limit:
                break
            if pending.state is not _State.APPLYING:
                self._forget(token)
