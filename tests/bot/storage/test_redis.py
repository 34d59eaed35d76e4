"""Redis locks and signals that let several workers share conversations."""

from __future__ import annotations

import asyncio

import pytest

from bot.core.ports import ConversationBusy
from bot.storage.locks import LocalLocks, RedisLocks
from bot.storage.redis_names import RedisNames
from bot.storage.signals import LocalSignal, RedisSignal

pytestmark = pytest.mark.redis

NAMES = RedisNames(b"a test secret")


async def _exclusive(locks: LocalLocks | RedisLocks) -> list[str]:
    events: list[str] = []

    async def turn(name: str) -> None:
        async with locks.hold("c1"):
            events.append(f"{name}+")
            await asyncio.sleep(0.05)
            events.append(f"{name}-")

    await asyncio.gather(turn("a"), turn("b"), turn("c"))
    return events


def _never_overlap(events: list[str]) -> bool:
    return all(events[i][0] == events[i + 1][0] for i in range(0, len(events), 2))


async def test_local_locks_serialise_turns_of_one_conversation() -> None:
    assert _never_overlap(await _exclusive(LocalLocks()))


async def test_redis_locks_serialise_turns_across_clients(redis_client: object) -> None:
    from redis.asyncio import Redis

    assert isinstance(redis_client, Redis)
    assert _never_overlap(await _exclusive(RedisLocks(redis_client, NAMES)))


async def test_redis_locks_of_two_workers_serialise_a_conversation_across_them(
        redis_client: object) -> None:
    from redis.asyncio import Redis

    assert isinstance(redis_client, Redis)
    one, two = RedisLocks(redis_client, NAMES), RedisLocks(redis_client, NAMES)  # a worker each
    events: list[str] = []

    async def turn(locks: RedisLocks, name: str) -> None:
        async with locks.hold("c1"):
            events.append(f"{name}+")
            await asyncio.sleep(0.03)
            events.append(f"{name}-")

    await asyncio.gather(*(turn(one if i % 2 else two, f"{'ab'[i % 2]}{i}") for i in range(6)))
    pairs = [(events[i], events[i + 1]) for i in range(0, len(events), 2)]
    assert all(a == f"{b[:-1]}+" and b.endswith("-") for a, b in pairs), events


async def test_turns_queued_in_one_worker_wait_no_longer_than_the_turns_before_them(
        redis_client: object) -> None:
    """Queued turns of a conversation are woken when the one before ends, not on a poll."""
    import time

    from redis.asyncio import Redis

    assert isinstance(redis_client, Redis)
    locks = RedisLocks(redis_client, NAMES, poll=1.0)  # a slow poll would show in the total

    async def turn() -> None:
        async with locks.hold("c1"):
            await asyncio.sleep(0.02)

    started = time.perf_counter()
    await asyncio.gather(*(turn() for _ in range(5)))
    assert time.perf_counter() - started < 0.9


async def test_one_deadline_covers_the_queue_and_the_redis_lock(redis_client: object) -> None:
    """Behind a dead worker's lock, every queued turn gives up after `wait`, not n x `wait`."""
    import time

    from redis.asyncio import Redis

    assert isinstance(redis_client, Redis)
    await redis_client.set(NAMES.lock("c1"), "a dead worker", px=10_000)
    locks = RedisLocks(redis_client, NAMES, wait=0.3)

    async def turn() -> float:
        started = time.perf_counter()
        with pytest.raises(ConversationBusy) as busy:
            async with locks.hold("c1"):
                pass
        assert 9 <= busy.value.retry_after <= 10  # when the dead worker's lock expires
        return time.perf_counter() - started

    waited = await asyncio.gather(*(turn() for _ in range(5)))
    assert max(waited) < 0.6, waited
    await redis_client.delete(NAMES.lock("c1"))
    async with locks.hold("c1"):  # the local lock was released by every turn that gave up
        pass


async def _wakes(signal: LocalSignal | RedisSignal) -> None:
    async with signal.subscribe("c1") as subscription:
        assert not await subscription.wait(0.05)
        await signal.publish("c2")
        assert not await subscription.wait(0.1)
        await signal.publish("c1")
        assert await subscription.wait(2.0)
        assert subscription.take_notes() == []  # new messages carry no passing state
        assert subscription.take_news() and not subscription.take_news()
        await signal.publish("c1", "typing:Achieng")
        assert await subscription.wait(2.0)
        assert subscription.take_notes() == ["typing:Achieng"]
        assert not subscription.take_news()  # nothing new to read for a passing state
        assert subscription.take_notes() == []


async def test_local_signal_wakes_subscriber() -> None:
    await _wakes(LocalSignal())


async def test_a_note_pushed_out_of_a_busy_pages_buffer_makes_it_read() -> None:
    # a push's note carries its messages; were it dropped behind passing states unread,
    # the page would never show the message
    signal = LocalSignal()
    async with signal.subscribe("c1") as subscription:
        await signal.publish("c1", "messages:...")
        for _ in range(7):
            await signal.publish("c1", "typing:Achieng")
        assert not subscription.take_news()  # all eight notes are still there
        await signal.publish("c1", "typing:Achieng")
        assert subscription.take_news()  # one was dropped: read what may be missing


async def test_redis_signal_wakes_subscriber(redis_client: object) -> None:
    from redis.asyncio import Redis

    assert isinstance(redis_client, Redis)
    await _wakes(RedisSignal(redis_client, NAMES))


async def test_a_thousand_listeners_share_one_redis_connection(redis_client: object) -> None:
    from contextlib import AsyncExitStack

    from redis.asyncio import Redis

    assert isinstance(redis_client, Redis)
    signal, publisher = RedisSignal(redis_client, NAMES), RedisSignal(redis_client, NAMES)
    before = await _clients(redis_client)
    try:
        async with AsyncExitStack() as pages:
            subscriptions = [await pages.enter_async_context(signal.subscribe(f"page-{i % 500}"))
                             for i in range(1000)]
            assert await _clients(redis_client) - before <= 2  # the pub/sub one (+ a command one)
            await publisher.publish("page-7")
            assert await subscriptions[7].wait(2.0) and await subscriptions[507].wait(2.0)
            assert not await subscriptions[8].wait(0.1)
        # the last page of a conversation leaves: unsubscribed (Redis applies it in its turn)
        for _ in range(40):
            if not await redis_client.pubsub_channels("msaidizi:conversation:*"):
                break
            await asyncio.sleep(0.05)
        assert await redis_client.pubsub_channels("msaidizi:conversation:*") == []
    finally:
        await signal.aclose()
        await publisher.aclose()


async def test_a_lost_redis_connection_wakes_listeners_and_resubscribes(
    redis_client: object,
) -> None:
    from redis.asyncio import Redis

    assert isinstance(redis_client, Redis)
    signal = RedisSignal(redis_client, NAMES, retry_seconds=0.05)
    try:
        async with signal.subscribe("c1") as subscription:
            for client in await redis_client.client_list(_type="pubsub"):
                await redis_client.client_kill_filter(_id=client["id"])
            assert await subscription.wait(2.0)  # woken to re-read what it may have missed
            for _ in range(40):  # resubscribed once the reader reconnects
                if await redis_client.pubsub_numsub(NAMES.channel("c1")) == [
                        (NAMES.channel("c1").encode(), 1)]:
                    break
                await asyncio.sleep(0.05)
            await RedisSignal(redis_client, NAMES).publish("c1")
            assert await subscription.wait(2.0)
    finally:
        await signal.aclose()


async def _clients(redis: object) -> int:
    from redis.asyncio import Redis

    assert isinstance(redis, Redis)
    return len(await redis.client_list())


async def _flood(locks: LocalLocks | RedisLocks) -> None:
    """Hold one turn, queue three, and check the fifth is refused at once."""
    release = asyncio.Event()
    ran: list[int] = []

    async def turn(number: int) -> None:
        async with locks.hold("c1"):
            ran.append(number)
            await release.wait()

    first = asyncio.create_task(turn(0))
    await asyncio.sleep(0.05)
    queued = [asyncio.create_task(turn(n)) for n in (1, 2, 3)]
    await asyncio.sleep(0.05)
    with pytest.raises(ConversationBusy) as refused:  # at once, not after the deadline
        await asyncio.wait_for(turn(4), 0.5)
    assert refused.value.retry_after == 1
    async with locks.hold("c2"):  # other conversations are not affected
        pass
    release.set()
    await asyncio.gather(first, *queued)
    assert ran == [0, 1, 2, 3]
    local = locks if isinstance(locks, LocalLocks) else locks._local
    assert not local._waiting  # nothing left counted


async def test_a_flood_on_one_conversation_is_refused_beyond_the_local_queue() -> None:
    await _flood(LocalLocks(max_waiting=3))


async def test_a_flood_on_one_conversation_is_refused_beyond_the_redis_queue(
    redis_client: object,
) -> None:
    from redis.asyncio import Redis

    assert isinstance(redis_client, Redis)
    await _flood(RedisLocks(redis_client, NAMES, max_waiting=3))


async def test_a_turns_own_timeout_is_not_taken_for_a_busy_conversation(
    redis_client: object,
) -> None:
    from redis.asyncio import Redis

    assert isinstance(redis_client, Redis)
    locks = RedisLocks(redis_client, NAMES)
    with pytest.raises(TimeoutError) as raised:
        async with locks.hold("c1"):
            raise TimeoutError("the backend did not answer")
    assert not isinstance(raised.value, ConversationBusy)
    assert await redis_client.exists(NAMES.lock("c1")) == 0  # released all the same


async def test_a_turn_is_let_in_and_out_in_one_round_trip_each(redis_client: object) -> None:
    """The lock and the quotas in one script, the release and the announcement in another."""
    from redis.asyncio import Redis

    from bot.core.ports import QuotaHit

    assert isinstance(redis_client, Redis)
    locks, signal = RedisLocks(redis_client, NAMES), RedisSignal(redis_client, NAMES)
    sent: list[str] = []
    execute = redis_client.execute_command

    async def counted(*args: object, **options: object) -> object:
        sent.append(str(args[0]))
        return await execute(*args, **options)

    hits = (QuotaHit("2/minute", "messages", "c1"),)
    async with signal.subscribe("c1") as listening:
        redis_client.execute_command = counted  # type: ignore[method-assign]
        async with locks.admit("c1", hits) as admission:
            assert admission.wait is None
            assert await execute("EXISTS", NAMES.lock("c1")) == 1
            admission.announce()
        assert sent == ["EVALSHA", "EVALSHA"]
        assert await listening.wait(2.0) and listening.take_news()
    redis_client.execute_command = execute  # type: ignore[method-assign]
    assert await redis_client.exists(NAMES.lock("c1")) == 0
    async with locks.admit("c1", hits) as second:
        assert second.wait is None
    async with locks.admit("c1", hits) as third:
        assert third.wait is not None  # let in (it is answered "slow down"), not counted
    await signal.aclose()


async def test_a_turn_waiting_for_another_worker_counts_its_quota_once(
        redis_client: object) -> None:
    from redis.asyncio import Redis

    from bot.core.ports import QuotaHit

    assert isinstance(redis_client, Redis)
    await redis_client.set(NAMES.lock("c1"), "another worker", px=300)
    async with RedisLocks(redis_client, NAMES, poll=0.01).admit(
            "c1", (QuotaHit("5/minute", "messages", "c1"),)) as admission:
        assert admission.wait is None
    [key] = await redis_client.keys("msaidizi:quota:*")
    assert await redis_client.hget(key, "c") == b"1"  # about 30 polls, one hit


async def test_a_lock_that_expired_meanwhile_is_not_taken_from_its_next_holder(
        redis_client: object, caplog: pytest.LogCaptureFixture) -> None:
    from redis.asyncio import Redis

    assert isinstance(redis_client, Redis)
    async with RedisLocks(redis_client, NAMES).hold("c1"):
        await redis_client.set(NAMES.lock("c1"), "the next holder")  # ours had expired
    assert await redis_client.get(NAMES.lock("c1")) == b"the next holder"
    assert "outlived its conversation lock" in caplog.text  # operators see it happened


async def test_a_turn_cancelled_while_taking_the_lock_leaves_it_free(
        redis_client: object) -> None:
    from redis.asyncio import Redis

    assert isinstance(redis_client, Redis)
    locks = RedisLocks(redis_client, NAMES)
    scripts = locks._scripts
    admit = scripts.admit

    async def taken_then_cancelled(*args: object, **options: object) -> object:
        await admit(*args, **options)  # type: ignore[arg-type]
        raise asyncio.CancelledError  # the answer never came back

    scripts.admit = taken_then_cancelled  # type: ignore[method-assign]
    with pytest.raises(asyncio.CancelledError):
        async with locks.hold("c1"):
            pass
    assert await redis_client.exists(NAMES.lock("c1")) == 0


async def test_turns_are_let_in_after_redis_forgot_the_scripts(redis_client: object) -> None:
    """A Redis restart or failover loses loaded scripts: they are loaded again, not failed."""
    from redis.asyncio import Redis

    from bot.core.ports import QuotaHit

    assert isinstance(redis_client, Redis)
    locks = RedisLocks(redis_client, NAMES)
    async with locks.admit("c1", (QuotaHit("5/minute", "messages", "c1"),)):
        pass
    await redis_client.script_flush()
    async with locks.admit("c1", (QuotaHit("5/minute", "messages", "c1"),)) as admission:
        await redis_client.script_flush()  # and again before the release
        admission.announce()
    assert await redis_client.exists(NAMES.lock("c1")) == 0


async def test_redis_names_no_phone_number_and_need_the_secret_to_be_found(
        redis_client: object) -> None:
    """Keys and channels show a keyed hash: MONITOR or PUBSUB CHANNELS cannot read a number."""
    from redis.asyncio import Redis

    from bot.core.ports import QuotaHit

    assert isinstance(redis_client, Redis)
    phone = "whatsapp:254712345678"
    locks, signal = RedisLocks(redis_client, NAMES), RedisSignal(redis_client, NAMES)
    hits = (QuotaHit("5/minute", "messages", phone),
            QuotaHit("9/minute", "messages-address", "203.0.113.9"))
    async with signal.subscribe(phone), locks.admit(phone, hits):
        names = [k.decode() for k in await redis_client.keys("*")]
        names += [c.decode() for c in await redis_client.pubsub_channels("msaidizi:*")]
    await signal.aclose()
    assert len(names) == 5 and not any("2547" in n or "203.0.113" in n for n in names)
    assert NAMES.lock(phone) in names
    assert RedisNames(b"another secret").lock(phone) not in names


async def test_redis_down_refuses_the_message_with_a_clear_reason(redis_client: object) -> None:
    """Nothing is taken, and the channels answer a translated 503 (bot/web/busy.py)."""
    from redis.asyncio import Redis

    from bot.core.ports import SharedStateUnavailable

    assert isinstance(redis_client, Redis)
    down = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    with pytest.raises(SharedStateUnavailable) as refused:
        async with RedisLocks(down, NAMES).hold("c1"):
            pytest.fail("no turn may run without its lock")
    assert refused.value.retry_after >= 1
    await down.aclose()


async def test_redis_gone_silent_refuses_the_message_within_the_command_timeout(
        redis_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A partition, not a refusal: the worker's client gives up instead of holding the turn."""
    import time
    from urllib.parse import urlsplit

    from bot.app import redis_client
    from bot.config import BotSettings
    from bot.core.ports import SharedStateUnavailable
    from common import network_waits
    from tests.helpers.stalling_proxy import StallingProxy

    monkeypatch.setattr(network_waits, "REDIS_COMMAND_TIMEOUT", 0.5)
    parts = urlsplit(redis_url)
    async with StallingProxy(parts.hostname or "127.0.0.1", parts.port or 6379).running() as proxy:
        settings = BotSettings(_env_file=None,  # type: ignore[call-arg]
                               redis_url=f"redis://127.0.0.1:{proxy.port}{parts.path}")
        client = redis_client(settings)
        assert client is not None
        locks = RedisLocks(client, NAMES)
        async with locks.hold("c1"):
            pass
        proxy.stall()
        started = time.monotonic()
        with pytest.raises(SharedStateUnavailable):
            async with locks.hold("c1"):
                pytest.fail("no turn may run without its lock")
        assert time.monotonic() - started < 3  # redis-py's retries reconnect, refused at once
        await client.aclose()


async def test_an_operator_can_switch_a_quota_off_with_zero(redis_client: object) -> None:
    from redis.asyncio import Redis

    from bot.core.ports import QuotaHit

    assert isinstance(redis_client, Redis)
    locks = RedisLocks(redis_client, NAMES)
    for _ in range(3):
        async with locks.admit("c1", (QuotaHit("0/hour", "code-requests", "c1"),)) as admission:
            assert admission.wait is not None and admission.wait >= 3600 - 1
