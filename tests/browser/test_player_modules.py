"""The web player's modules on their own, in the browser: the loop's order and boundaries, the
play queue's roll-up and its room for fourteen days, the back-off and the poll timing."""

from __future__ import annotations

import pytest

MODULES_PAGE = "<!doctype html><title>player modules</title>"


@pytest.fixture
def modules(browser, live_server: str):
    context = browser.new_context()
    page = context.new_page()
    # A bare page of the app's origin that may import the player's modules.
    page.route(
        f"{live_server}/player/modules-under-test",
        lambda route: route.fulfill(status=200, content_type="text/html", body=MODULES_PAGE),
    )
    page.goto(f"{live_server}/player/modules-under-test")
    yield page
    context.close()


def _item(n: int, seconds: int = 10) -> dict:
    return {
        "id": f"c/m{n}.v1.es",
        "message": f"m{n}",
        "url": f"/assets/{n}.png",
        "sha256": str(n),
        "duration_s": seconds,
    }


def _playlist(version: str, items: list, fallback: list, valid_until="2026-11-29T17:00:00Z"):
    return {
        "version": version,
        "items": items,
        "fallback": fallback,
        "valid_until": valid_until,
        "poll_after_s": 30,
    }


def test_the_loop_plays_in_order_and_changes_version_only_at_a_boundary(modules) -> None:
    first = _playlist("v1", [_item(1), _item(2), _item(3)], [_item(9)])
    second = _playlist("v2", [_item(4), _item(5)], [_item(9)])
    result = modules.evaluate(
        """async ([first, second]) => {
            const { Loop } = await import("/player/loop.js");
            const at = Date.parse("2026-11-28T17:00:00Z");
            const loop = new Loop();
            loop.offer(first);
            const seen = [loop.next(at).item.id, loop.next(at).item.id];
            loop.offer(second);  // arrives while m2 plays
            const stillFirst = loop.playlist.version;
            const peeked = loop.peek(at).id;
            seen.push(loop.next(at).item.id, loop.next(at).item.id, loop.next(at).item.id);
            const late = Date.parse("2026-11-29T17:00:00Z");  // valid_until reached
            const fallback = [loop.next(late).item.id, loop.next(late).item.id];
            loop.offer({ ...second });  // the same version again changes nothing
            return { seen, stillFirst, peeked, fallback, pending: loop.pending };
        }""",
        [first, second],
    )
    # The new version starts from its first item, at the boundary after m2.
    assert result["seen"] == ["c/m1.v1.es", "c/m2.v1.es", "c/m4.v1.es", "c/m5.v1.es", "c/m4.v1.es"]
    assert result["stillFirst"] == "v1" and result["peeked"] == "c/m4.v1.es"
    assert result["fallback"] == ["c/m9.v1.es", "c/m9.v1.es"]
    assert result["pending"] is None


def test_rolling_up_keeps_every_play_as_a_count(modules) -> None:
    result = modules.evaluate(
        """async () => {
            const { rollUp } = await import("/player/queue.js");
            const play = (item, at) => (
                { kind: "play", item_id: item, started_at: at, duration_s: 12 });
            const counts = rollUp([
                play("a", "2026-11-28T17:00:00.000Z"), play("a", "2026-11-28T17:59:48.000Z"),
                play("a", "2026-11-28T18:00:00.000Z"), play("b", "2026-11-28T17:10:00.000Z"),
            ]);
            const again = rollUp([...counts, play("a", "2026-11-28T17:30:00.000Z")]);
            const ids = new Set(again.map((c) => c.id));
            return { counts, again, ids: ids.size, kept: counts.every((c) => again.includes(c)) };
        }"""
    )
    by_key = {(c["item_id"], c["hour"]): c for c in result["counts"]}
    assert by_key[("a", "2026-11-28T17:00:00.000Z")]["plays"] == 2
    assert by_key[("a", "2026-11-28T17:00:00.000Z")]["seconds"] == 24
    assert by_key[("a", "2026-11-28T17:00:00.000Z")]["last"] == "2026-11-28T17:59:48.000Z"
    assert by_key[("a", "2026-11-28T18:00:00.000Z")]["plays"] == 1
    assert by_key[("b", "2026-11-28T17:00:00.000Z")]["plays"] == 1
    # Counts made before stay as they were (one may be on the server already); new plays make
    # new counts, each with an id of its own.
    assert sum(c["plays"] for c in result["again"]) == 5 and len(result["again"]) == 4
    assert result["kept"] and result["ids"] == 4


@pytest.mark.parametrize("kind", ["indexeddb", "memory"])
def test_a_queue_short_of_storage_rolls_plays_up_instead_of_dropping_them(modules, kind) -> None:
    # The memory store stands in where a browser refuses IndexedDB: the same queue on it.
    result = modules.evaluate(
        """async (kind) => {
            const { MemoryStore, Store } = await import("/player/store.js");
            const { PlayQueue } = await import("/player/queue.js");
            const store = kind === "memory" ? new MemoryStore() : await Store.open("short");
            let full = false;  // the storage estimate says the disk is nearly full from play 40 on
            const queue = new PlayQueue(store, {
                estimate: async () => ({ usage: full ? 99 : 0, quota: 100 }), reserveBytes: 10,
            });
            for (let i = 0; i < 60; i++) {
                if (i === 40) full = true;
                const at = new Date(Date.UTC(2026, 10, 28, 17, 0, i * 12)).toISOString();
                const id = crypto.randomUUID();
                await queue.add({ id, item_id: "a", started_at: at, duration_s: 12 });
            }
            const singles = await store.oldest(Infinity, (r) => r.kind === "play");
            const { counts } = await queue.counts(Infinity);
            const batch = await queue.nextBatch(500);
            await queue.acknowledge(batch.keys);
            return { singles: singles.length, counted: counts.reduce((n, c) => n + c.plays, 0),
                     batch: batch.plays.length, left: await queue.length(), counts: counts.length };
        }""",
        kind,
    )
    assert result["singles"] < 60 and result["counted"] > 0
    assert result["singles"] + result["counted"] == 60
    # A batch is single plays only; once acknowledged, only the counts are left to send.
    assert result["batch"] == result["singles"] and result["left"] == result["counts"]


def test_the_queue_holds_fourteen_days_of_plays(modules) -> None:
    # A slide every 12 s for 14 days; the storage estimate says how much room that takes.
    result = modules.evaluate(
        """async () => {
            const { Store } = await import("/player/store.js");
            const { PlayQueue } = await import("/player/queue.js");
            const store = await Store.open("fourteen-days");
            const queue = new PlayQueue(store);
            const before = (await queue.storage()).usage;
            const plays = 14 * 24 * 3600 / 12;
            const start = Date.UTC(2026, 10, 28, 17);
            for (let done = 0; done < plays; done += 5000) {
                const chunk = [];
                for (let i = done; i < Math.min(plays, done + 5000); i++) {
                    chunk.push({ kind: "play", id: crypto.randomUUID(),
                        item_id: "peru-unido-contra-la-trata/recognise-the-signs.v1.es+en",
                        started_at: new Date(start + i * 12000).toISOString(), duration_s: 12 });
                }
                await store.addRecords(chunk);
            }
            const { usage, quota } = await queue.storage();
            const batch = await queue.nextBatch(500);
            return { plays, queued: await queue.length(), used: usage - before, quota,
                     first: batch.plays[0].started_at, batch: batch.plays.length };
        }"""
    )
    assert result["queued"] == result["plays"] == 100_800
    assert result["first"] == "2026-11-28T17:00:00.000Z" and result["batch"] == 500
    # Room to spare: the queue leaves more than its reserve free after fourteen days.
    assert result["quota"] - result["used"] > 8 * 1024 * 1024
    print(
        f"14 days of plays: {result['used'] / 1e6:.1f} MB of a {result['quota'] / 1e9:.1f} GB quota"
    )


def test_back_off_doubles_to_its_cap_with_jitter_and_polls_come_by_valid_until(modules) -> None:
    result = modules.evaluate(
        """async () => {
            const { Backoff } = await import("/player/backoff.js");
            const { Poller } = await import("/player/poller.js");
            const low = new Backoff({ random: () => 0 }), high = new Backoff({ random: () => 1 });
            const waits = [1, 2, 3, 4, 5, 6, 7, 8].map(() => [low.failed(), high.failed()]);
            low.succeeded();
            const now = Date.parse("2026-11-28T17:00:00Z");
            const soon = { poll_after_s: 30, valid_until: "2026-11-28T17:00:10Z" };
            const later = { poll_after_s: 30, valid_until: "2026-11-29T17:00:00Z" };
            const past = { poll_after_s: 30, valid_until: "2026-11-28T16:00:00Z" };
            return { waits, reset: low.failed(),
                     due: [Poller.due(soon, now), Poller.due(later, now), Poller.due(past, now)] };
        }"""
    )
    low = [w[0] for w in result["waits"]]
    high = [w[1] for w in result["waits"]]
    assert low[:4] == pytest.approx([4, 8, 16, 32]) and high[:2] == pytest.approx([6, 12])
    assert max(high) == pytest.approx(360) and max(low) == pytest.approx(240)
    assert result["reset"] == pytest.approx(4)
    assert result["due"] == [10, 30, 30]


def test_pictures_are_kept_by_their_hash_and_the_unused_removed(modules) -> None:
    result = modules.evaluate(
        """async () => {
            const { keepPictures, PICTURES } = await import("/player/pictures.js");
            const hex = async (text) => {
                const bytes = new TextEncoder().encode(text);
                const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
                return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
            };
            const served = { "/assets/a.png": "picture a", "/assets/b.png": "picture b",
                             "/assets/c.png": "picture c" };
            const fetched = [];
            const realFetch = window.fetch;
            window.fetch = async (url) => {  // the server, as the player sees it
                fetched.push(url);
                return new Response(served[url] ?? "", { status: url in served ? 200 : 404 });
            };
            const item = async (url, bytes) => ({ url, sha256: await hex(bytes ?? served[url]) });
            const playlist = async (...items) => (
                { items: await Promise.all(items), fallback: [] });
            try {
                const cache = await caches.open(PICTURES);
                const first = await playlist(item("/assets/a.png"), item("/assets/b.png"));
                const kept = await keepPictures(first);
                // A picture whose bytes are not what its hash says is not kept, and while the new
                // playlist is incomplete nothing of the old one is removed.
                const broken = await playlist(item("/assets/c.png", "other bytes"));
                const refused = await keepPictures(broken, [first]);
                const paths = async () => (await cache.keys()).map((r) => new URL(r.url).pathname);
                const afterRefusal = (await paths()).sort();
                const second = await playlist(item("/assets/b.png"), item("/assets/c.png"));
                const fetchedBefore = fetched.length;
                const done = await keepPictures(second);
                const again = fetched.slice(fetchedBefore);
                const left = (await paths()).sort();
                return { kept, refused, afterRefusal, done, again, left };
            } finally {
                window.fetch = realFetch;
            }
        }"""
    )
    assert result["kept"] is True
    assert result["refused"] is False
    assert result["afterRefusal"] == ["/assets/a.png", "/assets/b.png"]
    assert result["done"] is True and result["again"] == ["/assets/c.png"]  # b was kept already
    assert result["left"] == ["/assets/b.png", "/assets/c.png"]  # a, no longer used, is gone


def test_the_reporter_sends_plays_then_counts_and_keeps_what_was_not_acknowledged(
    modules,
) -> None:
    result = modules.evaluate(
        """async () => {
            const { MemoryStore } = await import("/player/store.js");
            const { PlayQueue } = await import("/player/queue.js");
            const { Reporter } = await import("/player/reporter.js");
            const store = new MemoryStore();
            const estimate = async () => ({ usage: 0, quota: 1e9 });
            const queue = new PlayQueue(store, { estimate });
            const play = (n) => ({ kind: "play", id: `p${n}`, item_id: "a",
                                   started_at: `2026-11-28T17:00:0${n}.000Z`, duration_s: 1 });
            await store.addRecords([
                { kind: "count", id: "c1", item_id: "a", hour: "2026-11-27T10:00:00.000Z",
                  plays: 5, seconds: 60, first: "2026-11-27T10:00:00.000Z",
                  last: "2026-11-27T10:50:00.000Z" },
                play(1), play(2), play(3),
            ]);
            const calls = [];
            let answer = { status: 429, headers: new Headers({ "Retry-After": "7" }) };
            const api = {
                plays: async (plays) => {
                    calls.push(["plays", plays.map((p) => p.id)]);
                    return answer;
                },
                playCounts: async (counts) => {
                    calls.push(["counts", counts.map((c) => c.id), "kind" in counts[0]]);
                    return answer;
                },
            };
            const reporter = new Reporter({ api, queue });
            await reporter.send();  // the server is busy: nothing leaves the queue
            const kept = await queue.length();
            answer = { status: 200, headers: new Headers() };
            await reporter.send();
            clearTimeout(reporter.timer);
            return { calls, kept, left: await queue.length() };
        }"""
    )
    assert result["kept"] == 4 and result["left"] == 0
    assert result["calls"] == [
        ["plays", ["p1", "p2", "p3"]],
        ["plays", ["p1", "p2", "p3"]],
        ["counts", ["c1"], False],
    ]
