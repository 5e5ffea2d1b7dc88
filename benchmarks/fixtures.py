"""Recorded-format venue frames for the hot-path benchmark, generated from a seed.

The frames are the bytes the venues send: a Kalshi ``orderbook_snapshot`` then
``orderbook_delta`` envelopes (``{"type","sid","seq","msg":{...}}``, NO side in NO price,
signed fractional ``delta_fp``), and a Polymarket ``book`` event then ``price_change`` events
whose ``price_changes[]`` carry the token and its complement, numbers as strings. Both books
follow one hidden mid that drifts a cent at a time (about once a minute at the default 20 ms
between frames, a busy pre-match market), so they never cross and the fair price moves the way
such a market does: quietly, with a rare step the shock detector may flag. About one Polymarket
update comes per ``poly_every`` Kalshi deltas. Everything is built before any timing starts.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field

import orjson

from touchline_bot.core import types, units
from touchline_bot.sim.kalshi import wire as kalshi_wire
from touchline_bot.sim.polymarket import wire as poly_wire

TICKER = "KXEPLGAME-26NOV28ARSCHE-ARS"
TOKEN = "71321045679252212594626385532706912750332728571942532289631379312455583992563"
OTHER_TOKEN = "52114319501245915516055106046884209969926127482827954674443846427813813222426"
CONDITION_ID = "0x5f65177b394277fd294cd75650044e32ba009a95022d88a0c1d565897d72f8f1"
KALSHI_SID = 1
TICK = units.ONE_CENT
KALSHI_DEPTH = 10
POLY_DEPTH = 5
MID_MOVE_EVERY = 3_000
"""On average, the hidden mid moves one cent once per this many frames (a minute of tape)."""


@dataclass(frozen=True, slots=True)
class Frame:
    """One frame as received: which venue, when (our clock) and its bytes."""

    venue: types.Venue
    ts_ms: int
    raw: bytes


@dataclass(slots=True)
class _Books:
    """The generator's own view of both books (YES mid; Kalshi NO bids in NO price)."""

    mid: int
    yes: dict[int, int] = field(default_factory=dict)
    no: dict[int, int] = field(default_factory=dict)
    bids: dict[int, int] = field(default_factory=dict)
    asks: dict[int, int] = field(default_factory=dict)
    seq: int = 0


def _dumps(doc: object) -> bytes:
    # orjson hands back its 4 KiB working buffer; an exact copy keeps the tape's RSS honest.
    return bytes(memoryview(orjson.dumps(doc)))


def _kalshi_frame(books: _Books, kind: str, msg: Mapping[str, object]) -> bytes:
    books.seq += 1
    return _dumps({"type": kind, "sid": KALSHI_SID, "seq": books.seq, "msg": msg})


def _kalshi_delta(books: _Books, side: str, price: int, delta: int, ts_ms: int) -> bytes:
    levels = books.yes if side == "yes" else books.no
    size = levels.get(price, 0) + delta
    if size > 0:
        levels[price] = size
    else:
        levels.pop(price, None)
    msg = {
        "market_ticker": TICKER,
        "market_id": "9b0f6e1e-7c1a-4d6b-9a51-2f3c4d5e6f70",
        "price_dollars": kalshi_wire.dollars(price),
        "delta_fp": kalshi_wire.count(delta),
        "side": side,
        "ts_ms": ts_ms,
        "ts": kalshi_wire.rfc3339(ts_ms),
    }
    return _kalshi_frame(books, "orderbook_delta", msg)


def _size(rng: random.Random) -> int:
    """A resting size in 1/100 contract, sometimes fractional."""
    return rng.randint(1, 200) * units.QTY_SCALE + rng.choice((0, 0, 0, 25, 50))


def _random_kalshi(books: _Books, rng: random.Random, ts_ms: int) -> bytes:
    side = rng.choice(("yes", "no"))
    top = books.mid - TICK if side == "yes" else units.ONE_DOLLAR - books.mid - TICK
    distance = min(KALSHI_DEPTH - 1, int(rng.expovariate(0.4)))
    price = top - TICK * distance
    resting = (books.yes if side == "yes" else books.no).get(price, 0)
    removes = resting > 0 and rng.random() < 0.45
    delta = -rng.randint(1, resting) if removes else _size(rng)
    return _kalshi_delta(books, side, price, delta, ts_ms)


def _poly_entries(books: _Books, side: str, price: int) -> list[dict[str, str]]:
    """The entry for our token and the mirrored one for its complement, as the venue sends."""
    size = (books.bids if side == "BUY" else books.asks).get(price, 0)
    best_bid = max(books.bids, default=None)
    best_ask = min(books.asks, default=None)
    other_side = "SELL" if side == "BUY" else "BUY"
    return [
        poly_wire.change_entry(
            asset_id=TOKEN,
            side=side,
            price=units.Price(price),
            size=units.Qty(size),
            best_bid=None if best_bid is None else units.Price(best_bid),
            best_ask=None if best_ask is None else units.Price(best_ask),
        ),
        poly_wire.change_entry(
            asset_id=OTHER_TOKEN,
            side=other_side,
            price=units.complement(price),
            size=units.Qty(size),
            best_bid=None if best_ask is None else units.complement(best_ask),
            best_ask=None if best_bid is None else units.complement(best_bid),
        ),
    ]


def _poly_frame(books: _Books, changes: list[tuple[str, int, int]], ts_ms: int) -> bytes:
    entries: list[dict[str, str]] = []
    for side, price, size in changes:
        levels = books.bids if side == "BUY" else books.asks
        if size > 0:
            levels[price] = size
        else:
            levels.pop(price, None)
        entries.extend(_poly_entries(books, side, price))
    event = poly_wire.price_change_event(market=CONDITION_ID, timestamp_ms=ts_ms, entries=entries)
    return _dumps(event)


def _random_poly(books: _Books, rng: random.Random, ts_ms: int) -> bytes:
    side = rng.choice(("BUY", "SELL"))
    distance = min(POLY_DEPTH - 1, int(rng.expovariate(0.5)))
    offset = TICK * (distance + 1)
    price = books.mid - offset if side == "BUY" else books.mid + offset
    size = 0 if rng.random() < 0.15 else _size(rng) * 10
    return _poly_frame(books, [(side, price, size)], ts_ms)


def _move_mid(books: _Books, rng: random.Random, ts_ms: int) -> list[Frame]:
    """Move the mid a cent (within 0.30..0.70) and remove the levels it now crosses."""
    step = TICK if rng.random() < 0.5 else -TICK
    if not 3_000 <= books.mid + step <= 7_000:
        step = -step
    books.mid += step
    if step > 0:
        crossed_kalshi = ("no", units.ONE_DOLLAR - books.mid, books.no)
        crossed_poly = ("SELL", books.mid)
    else:
        crossed_kalshi = ("yes", books.mid, books.yes)
        crossed_poly = ("BUY", books.mid)
    side, price, levels = crossed_kalshi
    frames = []
    if levels.get(price, 0) > 0:
        raw = _kalshi_delta(books, side, price, -levels[price], ts_ms)
        frames.append(Frame(types.Venue.KALSHI, ts_ms, raw))
    poly = _poly_frame(books, [(crossed_poly[0], crossed_poly[1], 0)], ts_ms)
    frames.append(Frame(types.Venue.POLYMARKET, ts_ms, poly))
    return frames


def _kalshi_levels(levels: dict[int, int]) -> list[list[str]]:
    return [[kalshi_wire.dollars(p), kalshi_wire.count(q)] for p, q in sorted(levels.items())]


def _poly_levels(levels: list[tuple[int, int]]) -> list[dict[str, str]]:
    return [{"price": poly_wire.price_text(p), "size": poly_wire.size_text(q)} for p, q in levels]


def _snapshots(books: _Books, rng: random.Random, ts_ms: int) -> list[Frame]:
    for k in range(1, KALSHI_DEPTH + 1):
        books.yes[books.mid - TICK * k] = _size(rng)
        books.no[units.ONE_DOLLAR - books.mid - TICK * k] = _size(rng)
    for k in range(1, POLY_DEPTH + 1):
        books.bids[books.mid - TICK * k] = _size(rng) * 10
        books.asks[books.mid + TICK * k] = _size(rng) * 10
    kalshi = {
        "market_ticker": TICKER,
        "yes_dollars_fp": _kalshi_levels(books.yes),
        "no_dollars_fp": _kalshi_levels(books.no),
    }
    poly = {
        "event_type": "book",
        "asset_id": TOKEN,
        "market": CONDITION_ID,
        "bids": _poly_levels(sorted(books.bids.items())),
        "asks": _poly_levels(sorted(books.asks.items(), reverse=True)),
        "timestamp": str(ts_ms),
        "hash": "0x0",
    }
    return [
        Frame(types.Venue.KALSHI, ts_ms, _kalshi_frame(books, "orderbook_snapshot", kalshi)),
        Frame(types.Venue.POLYMARKET, ts_ms, _dumps([poly])),
    ]


def generate(
    kalshi_deltas: int, *, seed: int, start_ms: int, step_ms: int = 20, poly_every: int = 10
) -> list[Frame]:
    """Both snapshots, then ``kalshi_deltas`` Kalshi deltas with Polymarket updates mixed in
    (about one per ``poly_every``); frame ``i`` is stamped ``start_ms + i * step_ms``."""
    rng = random.Random(seed)
    books = _Books(mid=5_000)
    frames = _snapshots(books, rng, start_ms)
    deltas = 0
    while deltas < kalshi_deltas:
        ts_ms = start_ms + len(frames) * step_ms
        if rng.random() < 1 / MID_MOVE_EVERY:
            moved = _move_mid(books, rng, ts_ms)
            frames.extend(moved)
            deltas += sum(f.venue is types.Venue.KALSHI for f in moved)
        elif rng.random() < 1 / poly_every:
            frames.append(Frame(types.Venue.POLYMARKET, ts_ms, _random_poly(books, rng, ts_ms)))
        else:
            frames.append(Frame(types.Venue.KALSHI, ts_ms, _random_kalshi(books, rng, ts_ms)))
            deltas += 1
    return frames
