"""Composition root of the assistant: build every adapter once and wire them together."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.clients.escalation_http import HttpEscalationClient
from bot.clients.offline import OfflineBackend, OfflineEscalation
from bot.config import BotSettings
from bot.core.admission import SeparateGate
from bot.core.backend import BackendClient
from bot.core.conversation import Conversation
from bot.core.delivery import ChannelSender, Deliverer, TypingSender
from bot.core.escalation import EscalationClient
from bot.core.messages import InboundMessage, Reply
from bot.core.ports import (
    CodeQuotas,
    ConversationBusy,
    ConversationLocks,
    ConversationStore,
    LoggedMessage,
    MessageQuotas,
    MessageSignal,
    RateLimits,
    ReportQueue,
    SharedStateUnavailable,
    TicketRoutes,
    Transcripts,
    Translations,
    TurnGate,
    TurnObserver,
    WebSessions,
)
from bot.core.presence import Announcer, typing_note
from bot.core.results import TurnResult
from bot.core.route_table import read_route_table
from bot.core.routing import Bands, Router
from bot.core.vocabulary import use_vocabulary
from bot.i18n import Catalogs
from bot.intents.fallback import FallbackIntent
from bot.intents.handoff import HandoffFlow
from bot.intents.link_account import LinkAccountFlow
from bot.intents.registry import INTERRUPTS, default_handlers
from bot.knowledge.live import LiveKnowledge
from bot.knowledge.watch import watch_knowledge
from bot.nlu.model_store import ModelStore
from bot.notify.events import EventConsumer
from bot.notify.pushes import Pusher, log_pushed
from bot.notify.reports import ReportFiler
from bot.storage import schema
from bot.storage.engine import create_engine, ping
from bot.storage.locks import LocalLocks, RedisLocks
from bot.storage.outbox import SqlReportOutbox, SqlSettings, SqlTicketRoutes
from bot.storage.ratelimit import LimitsCounters
from bot.storage.redis_names import RedisNames
from bot.storage.retention import RetentionPurger
from bot.storage.sealing import Sealer, development_key
from bot.storage.signals import LocalSignal, RedisSignal
from bot.storage.sql import SqlConversationStore
from bot.storage.stats import delivery_samples
from bot.storage.web_sessions import SqlWebSessions
from bot.web.metrics import GaugeSource, PrometheusObserver
from common.network_waits import redis_connection_options
from common.timezone import utcnow

if TYPE_CHECKING:
    from redis.asyncio import Redis

logger = logging.getLogger(__name__)


@dataclass
class Runtime:
    """The assistant's wired components, shared by every channel adapter of one process.

    Adapters reach each other only through the ports typed here; `engine` stays for the
    composition root's own use (schema, inspection) and is closed with the runtime.
    """

    settings: BotSettings
    engine: AsyncEngine
    store: ConversationStore
    locks: ConversationLocks
    signal: MessageSignal
    knowledge: LiveKnowledge
    translations: Translations
    router: Router
    conversation: Conversation
    backend: BackendClient
    escalation: EscalationClient
    report_queue: ReportQueue
    web_sessions: WebSessions
    announcer: Announcer
    events: EventConsumer | None = None
    reports: ReportFiler | None = None
    senders: dict[str, ChannelSender] = field(default_factory=dict)
    background: list[Callable[[asyncio.Event], Coroutine[Any, Any, None]]] = field(
        default_factory=list
    )  # once per deployment: run where settings.run_background is on
    local: list[Callable[[asyncio.Event], Coroutine[Any, Any, None]]] = field(
        default_factory=list
    )  # in every process (the knowledge watcher refits this process's matcher)
    closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    checks: dict[str, Callable[[], Awaitable[object]]] = field(
        default_factory=dict
    )  # readiness: dependency name -> a call that raises when it is not usable
    gauges: list[GaugeSource] = field(default_factory=list)  # read at each metrics scrape
    clock: Callable[[], datetime] = utcnow  # the deliverer's "now" (tests advance their own)
    _stop: asyncio.Event | None = None
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.deliverer = Deliverer(self.store, self.senders, self.locks, clock=self.now)
        self.background.append(lambda stop: self.deliverer.run(stop))

    def now(self) -> datetime:
        """Return the current time by the runtime's clock."""
        return self.clock()

    def add_sender(self, sender: ChannelSender, *, pushes_only: bool = False) -> None:
        """Let a pushing channel (Telegram, WhatsApp) send this conversation's messages.

        With `pushes_only` it sends only what arrives later (the REST callback): the channel
        returns a turn's replies in its own response.
        """
        self.senders[sender.channel] = sender
        self.store.push_through(sender.channel, pushes_only=pushes_only)
        self.deliverer = Deliverer(self.store, self.senders, self.locks, clock=self.now)

    async def handle(self, message: InboundMessage) -> TurnResult:
        """Run a turn and send its replies on channels that push."""
        result = await self.conversation.handle(message)
        await self._deliver(message.conversation_id)
        return result

    async def push(self, conversation_id: str, replies: Sequence[Reply]) -> list[int]:
        """Deliver messages that are not an answer (agent replies, payment results)."""
        pushed = await log_pushed(self.store, conversation_id, replies)
        await self.after_push(conversation_id, pushed)
        return [message.seq for message in pushed]

    async def after_push(self, conversation_id: str,
                         messages: Sequence[LoggedMessage] = ()) -> None:
        """Wake open pages (handing them `messages`) and send on pushing channels."""
        await self.signal.publish(conversation_id, self.announcer.note(messages))
        await self._deliver(conversation_id)

    async def show_typing(self, conversation_id: str, name: str) -> None:
        """Show open pages and pushing channels that an agent is writing (a passing state)."""
        await self.signal.publish(conversation_id, typing_note(name))
        channel = conversation_id.partition(":")[0]
        sender = self.senders.get(channel)
        if isinstance(sender, TypingSender):
            session = await self.store.load_by_id(conversation_id)
            if session is not None:
                await sender.show_typing(session)

    async def _deliver(self, conversation_id: str) -> None:
        try:
            await self.deliverer.deliver(conversation_id)
        except SharedStateUnavailable:  # Redis down: the sweep sends them when it is back
            logger.warning("Immediate delivery skipped: Redis did not answer",
                           extra={"conversation_id": conversation_id})
        except ConversationBusy:  # a burst: deliveries already queued send these too
            logger.debug("Immediate delivery skipped: the conversation's queue is full",
                         extra={"conversation_id": conversation_id})
        except Exception:  # the sweep retries; the citizen's turn must not fail for this
            logger.exception(
                "Immediate delivery failed", extra={"conversation_id": conversation_id}
            )

    async def start(self) -> None:
        """Start this process's loops, and the deployment's background work where it runs."""
        self._stop = asyncio.Event()
        loops = [*self.local, *(self.background if self.settings.run_background else [])]
        self._tasks = [asyncio.create_task(loop(self._stop)) for loop in loops]
        if self.knowledge.matcher.restored:  # its first question would load them (0.1 s)
            self._tasks.append(asyncio.create_task(asyncio.to_thread(
                self.knowledge.matcher.warm)))
        if self.settings.run_background:
            logger.info("Background work runs in this process (%d loops)", len(self.background))

    async def close(self) -> None:
        """Stop background loops and release connections."""
        if self._stop is not None:
            self._stop.set()
            await asyncio.gather(*self._tasks, return_exceptions=True)
        for closer in reversed(self.closers):
            try:
                await closer()
            except Exception:  # one failing close (Redis gone) must not keep the rest open
                logger.exception("Closing %s failed", getattr(closer, "__qualname__", closer))


def sealing_keys(settings: BotSettings) -> list[str]:
    """Return the keys sealing session state: the operator's, or this installation's own."""
    if settings.secrets_key is not None:
        return [k.strip() for k in settings.secrets_key.get_secret_value().split(",") if k.strip()]
    return [development_key(settings.data_dir)]


def redis_names(settings: BotSettings) -> RedisNames:
    """Return the names of Redis keys and channels, hashed with a key from the sealing key."""
    return RedisNames(sealing_keys(settings)[0].encode())


def model_store(settings: BotSettings) -> ModelStore:
    """Return the folder of fitted models, signed with a key derived from the sealing key."""
    key = hashlib.sha256(b"msaidizi intent models\x00" + sealing_keys(settings)[0].encode())
    return ModelStore(settings.model_dir or settings.data_dir / "models", key.digest())


def bands_from(settings: BotSettings) -> Bands:
    """Return the configured confidence bands."""
    matching = settings.matching
    return Bands(answer=matching.answer, margin=matching.margin, suggest=matching.suggest)


def build_router(knowledge: LiveKnowledge, settings: BotSettings, backend: BackendClient,
                 reports: ReportQueue, escalation: EscalationClient,
                 routes: TicketRoutes, limits: RateLimits | None = None,
                 observer: TurnObserver | None = None,
                 transcripts: Transcripts | None = None) -> Router:
    """Build the router with every handler and the configured confidence bands."""
    fallback = FallbackIntent()
    handoff = HandoffFlow(escalation, routes, transcripts)
    quotas = CodeQuotas(settings.limits.codes_per_chat, settings.limits.codes_per_address)
    link_idle = {"webchat": timedelta(minutes=settings.web.link_idle_minutes)}
    handlers = default_handlers(knowledge, fallback, backend, reports, handoff, escalation,
                                settings.retention_days,
                                LinkAccountFlow(backend, settings.retention_days, limits, quotas,
                                                link_idle))
    return Router(handlers, fallback, bands_from(settings), INTERRUPTS, before=[handoff.attach],
                  observe=observer.decision if observer is not None else None,
                  table=read_route_table(knowledge.root / "routing.yaml"),
                  is_article=lambda intent: knowledge.article(intent, "en") is not None)


@dataclass(frozen=True)
class Clients:
    """The backend and escalation ports as this process reaches them, and how to let go."""

    backend: BackendClient
    escalation: EscalationClient
    close: Callable[[], Awaitable[None]]
    online: bool = True  # False: no backend configured (no events to poll, no reports to file)
    ready: Callable[[], Awaitable[None]] | None = None  # raises when the backend is not ready

    @classmethod
    def http(cls, url: str, service_key: str, *, timeout: float = 5.0) -> Clients:
        """Reach the backend (and its ticket endpoints) over HTTP."""
        client = HttpEscalationClient(url, service_key, timeout=timeout)
        return cls(client, client, client.aclose, ready=client.ready)

    @classmethod
    def offline(cls) -> Clients:
        """Work without a backend: account actions and tickets say "unavailable"."""
        backend = OfflineBackend()
        return cls(backend, OfflineEscalation(), backend.aclose, online=False)


def build_clients(settings: BotSettings) -> Clients:
    """Return the clients over HTTP, or offline ones when no backend URL is set."""
    link = settings.backend_api
    if not link.url:
        logger.warning("No backend URL (MSAIDIZI_BACKEND_API__URL): account actions are off")
        return Clients.offline()
    return Clients.http(link.url, link.service_key.get_secret_value(),
                        timeout=link.timeout_seconds)


def redis_client(settings: BotSettings) -> Redis | None:
    """Return the worker's Redis client over a blocking pool, or None without Redis.

    redis-py's default pool raises MaxConnectionsError at its cap (100): 200 concurrent turns
    answered 500s. The blocking pool queues a command until a connection is free. Its
    connections have our network bounds whatever redis-py's version defaults to.
    """
    if not settings.redis_url:
        return None
    # imported only where a deployment uses Redis: 60 ms of every start without it
    from redis.asyncio import BlockingConnectionPool, Redis

    pool = BlockingConnectionPool.from_url(settings.redis_url,
                                           max_connections=settings.redis_max_connections,
                                           timeout=settings.redis_pool_wait,
                                           **redis_connection_options(settings.redis_url))
    return Redis.from_pool(pool)  # the client owns the pool: closing it closes the pool


async def _database_ready(engine: AsyncEngine, store: SqlConversationStore) -> None:
    """Raise unless both ways to the database answer: SQLAlchemy's and the turn's own pool."""
    await ping(engine)
    await store.ping()


def build_runtime(
    settings: BotSettings,
    *,
    migrate: bool = True,
    knowledge: LiveKnowledge | None = None,
    clients: Clients | None = None,
) -> Runtime:
    """Create the database schema if needed, load knowledge and catalogs, wire the core.

    `clients` replace those built from settings (tests point them at their own server).
    """
    if migrate:
        schema.upgrade(settings.bot_database_url)
    engine = create_engine(settings.bot_database_url)
    redis = redis_client(settings)
    names = redis_names(settings)
    shared_locks = (RedisLocks(redis, names, wait=settings.conversation_wait) if redis
                    else None)
    locks: ConversationLocks = shared_locks or LocalLocks()
    shared_signal = RedisSignal(redis, names) if redis else None
    signal: MessageSignal = shared_signal or LocalSignal()
    if knowledge is None:
        knowledge = LiveKnowledge(
            settings.knowledge_dir, suggest_threshold=settings.matching.suggest,
            models=model_store(settings),
        )
    if (words := knowledge.current.usable_vocabulary()) is not None:
        use_vocabulary(words)  # else the shipped knowledge/vocabulary.yaml
    translations = Catalogs(settings.locales_dir)
    sealer = Sealer(sealing_keys(settings))
    store = SqlConversationStore(engine, sealer=sealer, database_wait=settings.database_wait)
    counters: RateLimits = shared_locks.quotas if shared_locks else LimitsCounters()
    # Redis lets a turn in and out in one round trip each; one worker composes the ports
    gate: TurnGate = shared_locks or SeparateGate(locks, counters, signal)
    clients = clients or build_clients(settings)
    client, escalation = clients.backend, clients.escalation
    reports = SqlReportOutbox(engine, sealer)
    durable = SqlSettings(engine)
    routes = SqlTicketRoutes(durable)
    observer = PrometheusObserver()
    router = build_router(knowledge, settings, client, reports, escalation, routes, counters,
                          observer, transcripts=store)
    limits = settings.limits
    conversation = Conversation(
        store=store,
        gate=gate,
        router=router,
        nlu=knowledge,
        translations=translations,
        default_locale=settings.default_locale,
        quotas=MessageQuotas(limits.messages_per_chat, limits.messages_per_address),
        observer=observer,
    )
    runtime = Runtime(
        settings=settings,
        engine=engine,
        store=store,
        locks=locks,
        signal=signal,
        knowledge=knowledge,
        translations=translations,
        router=router,
        conversation=conversation,
        backend=client,
        escalation=escalation,
        report_queue=reports,
        web_sessions=SqlWebSessions(engine),
        announcer=Announcer.from_secret(sealing_keys(settings)[0]),
    )
    # closed in reverse: the shared pub/sub connection before the Redis client it came from
    runtime.closers += [engine.dispose, store.close, *([redis.aclose] if redis else []),
                        *([shared_signal.aclose] if shared_signal else []), clients.close]
    runtime.checks["database"] = partial(_database_ready, engine, store)
    runtime.gauges.append(partial(delivery_samples, engine))
    if redis is not None:
        runtime.checks["redis"] = redis.ping
    if clients.ready is not None:
        runtime.checks["backend"] = clients.ready
    if clients.online:
        pusher = Pusher(store, locks, translations, runtime.after_push)
        runtime.events = EventConsumer(client, pusher, durable, routes,
                                       indicate=runtime.show_typing, clock=runtime.now)
        runtime.reports = ReportFiler(client, reports, pusher)
        runtime.background += [runtime.events.run, runtime.reports.run]
    purger = RetentionPurger(engine, timedelta(days=settings.retention_days), sealer)
    runtime.background.append(purger.run)
    if settings.watch_knowledge:
        runtime.local.append(partial(watch_knowledge, knowledge))
    logger.info(
        "Assistant ready: %d articles, database %s",
        len(knowledge.article_ids()),
        engine.url.render_as_string(hide_password=True),
    )
    return runtime
