"""The near-duplicate index and the dedup memory in Redis, shared by every process that decides duplicates.

- Band tables: datasketch's `MinHashLSH` on its Redis storage, over full texts, leads and character
  signatures, each given the band layout of the in-process `Bands` (`params`); both make two texts
  candidates when all values of a band are equal, so both find the same candidates.
- Signatures: one Redis hash, article id -> every stored value of its signature and its day, so any
  process can verify any candidate. Verification and choice are index.py's own `verify`: on the same
  input, the decisions are those of the in-process index.
- Memory (`ArticleMemory`): each article's cluster and the articles per canonical URL and per text
  hash, as Redis hashes; a match found in the shared index may be an article this process never saw.

Keys live under one namespace per signature scheme and thresholds (`newsingest:<scheme>:t<..>:l<..>`), so
a rededup with other parameters never mixes with the old index. One Redis database per warehouse.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass

import numpy as np
import redis
from datasketch import MinHashLSH

from newsingest.dedup.clusters import ArticleMemory, Deduplicator
from newsingest.dedup.index import Candidates, LshSettings, Match, Ragged, band_layout, measure_one, verify
from newsingest.dedup.signatures import SignatureSettings, TextSignature


# KEYS[1]: the hash; ARGV: field, id. Ids hold no space, so " id " in " ids " finds a whole id.
APPEND_ID = """
local ids = redis.call('HGET', KEYS[1], ARGV[1])
if not ids then
    redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
elseif not string.find(' ' .. ids .. ' ', ' ' .. ARGV[2] .. ' ', 1, true) then
    redis.call('HSET', KEYS[1], ARGV[1], ids .. ' ' .. ARGV[2])
end
"""


class RedisHash(MutableMapping[str, str]):
    """A Redis hash of strings as a mapping; `append` adds an id atomically, so ids keep the order in which
    the processes remembered them, as in a dict within one."""

    def __init__(self, client: redis.Redis, key: str):
        self.client = client
        self.key = key

    def __getitem__(self, field: str) -> str:
        value = self.client.hget(self.key, field)
        if value is None:
            raise KeyError(field)
        return value.decode()

    def get(self, field: str, default: str | None = None) -> str | None:
        value = self.client.hget(self.key, field)
        return default if value is None else value.decode()

    def __setitem__(self, field: str, value: str) -> None:
        self.client.hset(self.key, field, value)

    def append(self, field: str, article_id: str) -> None:
        """Add an id to the field's space-separated ids unless there: atomic, in one script run by Redis."""
        self.client.eval(APPEND_ID, 1, self.key, field, article_id)

    def __delitem__(self, field: str) -> None:
        if not self.client.hdel(self.key, field):
            raise KeyError(field)

    def __iter__(self) -> Iterator[str]:
        return (field.decode() for field in self.client.hkeys(self.key))

    def __len__(self) -> int:
        return self.client.hlen(self.key)


@dataclass(frozen=True, slots=True)
class Decoded:
    full: np.ndarray
    lead: np.ndarray
    chars: np.ndarray
    shingle_count: int
    char_count: int
    day: int
    sentences: np.ndarray
    facts: np.ndarray


def _encode(signature: TextSignature, day: int) -> bytes:
    counts = [signature.shingle_count, signature.char_count, day, len(signature.sentences), len(signature.facts)]
    values = [counts, signature.minhash.hashvalues, signature.lead.hashvalues, signature.chars.hashvalues]
    hashes = np.concatenate([signature.sentences, signature.facts]).astype("<u8")
    return np.concatenate(values).astype(np.int64).astype("<u4").tobytes() + hashes.tobytes()


def _decode(data: bytes, settings: SignatureSettings) -> Decoded:
    perm, char_perm = settings.num_perm, settings.char_perm
    head = 5 + 2 * perm + char_perm
    values = np.frombuffer(data, dtype="<u4", count=head)
    shingle_count, char_count, day, sentence_count, _ = values[:5].astype(np.int32).tolist()
    hashes = np.frombuffer(data, dtype="<u8", offset=4 * head)
    return Decoded(values[5:5 + perm], values[5 + perm:5 + 2 * perm], values[5 + 2 * perm:], shingle_count,
                   char_count, day, hashes[:sentence_count], hashes[sentence_count:])


def _candidates(ids: list[str], decoded: list[Decoded]) -> Candidates:
    def stack(name: str) -> np.ndarray:
        return np.array([getattr(d, name) for d in decoded])

    return Candidates(ids, stack("full"), stack("lead"), stack("shingle_count"), stack("chars"),
                      stack("char_count"), stack("day"), Ragged.of([d.sentences for d in decoded]),
                      [d.facts for d in decoded])


class RedisNearDuplicateIndex:
    """NearDuplicateIndex's interface (add, best_match, measure, len) over Redis."""

    def __init__(self, settings: LshSettings, client: redis.Redis, namespace: str):
        self.settings = settings
        self.client = client
        self.signatures_key = f"{namespace}:signatures"
        # datasketch opens its own connections (a pool per band table) from these parameters.
        storage = client.connection_pool.connection_kwargs
        redis_params = {name: storage[name] for name in ("host", "port", "db", "username", "password", "path")
                        if storage.get(name) is not None}
        if "path" in redis_params:  # a unix socket
            redis_params["unix_socket_path"] = redis_params.pop("path")

        def lsh(threshold: float, num_perm: int, name: str) -> MinHashLSH:
            config = {"type": "redis", "basename": f"{namespace}:{name}".encode(), "redis": redis_params}
            return MinHashLSH(num_perm=num_perm, params=band_layout(threshold, num_perm, settings.recall),
                              storage_config=config, prepickle=False)

        signature = settings.signature
        self.similar = lsh(settings.threshold, signature.num_perm, "similar")
        self.leads = lsh(settings.lead_threshold, signature.num_perm, "leads")
        self.chars = lsh(settings.char_threshold, signature.char_perm, "chars")

    def __len__(self) -> int:
        return self.client.hlen(self.signatures_key)

    def _bands(self, signature: TextSignature) -> Iterator[tuple[MinHashLSH, list[bytes]]]:
        for lsh, minhash in ((self.similar, signature.minhash), (self.leads, signature.lead),
                             (self.chars, signature.chars)):
            yield lsh, [lsh._H(minhash.hashvalues[start:end]) for start, end in lsh.hashranges]

    def add(self, article_id: str, signature: TextSignature, day: int) -> None:
        # The signature first: a process that finds the article among its candidates can then verify it.
        if not self.client.hsetnx(self.signatures_key, article_id, _encode(signature, day)):
            return  # indexed already, by this process or another
        key = article_id.encode()
        # What MinHashLSH.insert writes, through datasketch's own storage objects (same keys, readable by a
        # plain MinHashLSH on this Redis), but in one round trip instead of one per band table and command:
        # 112 round trips per article took 37 s for the 337 labelled articles.
        with self.client.pipeline(transaction=True) as pipe:
            for lsh, band_keys in self._bands(signature):
                lsh.keys._insert(pipe, key, *band_keys)
                for band_key, table in zip(band_keys, lsh.hashtables, strict=True):
                    table._insert(pipe, band_key, key)
            pipe.execute()

    def _candidates(self, signature: TextSignature) -> list[str]:
        """MinHashLSH.query of the three LSHs, in one round trip."""
        with self.client.pipeline(transaction=False) as pipe:
            for lsh, band_keys in self._bands(signature):
                for band_key, table in zip(band_keys, lsh.hashtables, strict=True):
                    pipe.smembers(table.redis_key(band_key))
            members = pipe.execute()
        return sorted({key.decode() for band in members for key in band})

    def _stored(self, ids: list[str]) -> Candidates:
        stored = self.client.hmget(self.signatures_key, ids) if ids else []
        return _candidates(ids, [_decode(data, self.settings.signature) for data in stored])

    def measure(self, signature: TextSignature, article_id: str) -> Match:
        return measure_one(signature, self._stored([article_id]))

    def day_of(self, article_id: str) -> int:
        return int(self._stored([article_id]).days[0])

    def best_match(self, signature: TextSignature, day: int) -> Match | None:
        """The most similar indexed article that verify accepts; ties by id."""
        return verify(self.settings, signature, day, self._stored(self._candidates(signature)))


def redis_deduplicator(url: str, settings: LshSettings, namespace: str) -> Deduplicator:
    """A Deduplicator whose index and memory are in the Redis at `url` (redis://host:port/db)."""
    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.RedisError as exc:
        raise ConnectionError(f"cannot use the Redis dedup index at {url}: {exc}") from exc
    memory = ArticleMemory(*(RedisHash(client, f"{namespace}:{name}")
                             for name in ("cluster_of", "by_url", "by_text_hash")))
    return Deduplicator(settings, index=RedisNearDuplicateIndex(settings, client, namespace), memory=memory)
