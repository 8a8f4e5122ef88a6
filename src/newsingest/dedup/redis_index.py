"""The near-duplicate index and the dedup memory in Redis, shared by every process that decides duplicates.

- Band tables: datasketch's `MinHashLSH` on its Redis storage, one over full texts at `threshold`, one over
  leads at `lead_threshold`. datasketch lays out the bands of a threshold with the same `_optimal_param` as
  the in-process `BandIndex`, and both make two texts candidates when all values of a band are equal, so
  both find the same candidates.
- Signatures: one Redis hash, article id -> full and lead hash values (uint32) and shingle count, so any
  process can verify any candidate. Verification and choice are index.py's own functions: on the same
  input, the decisions are those of the in-process index.
- Memory (`ArticleMemory`): each article's cluster and the first article per canonical URL and per text
  hash, as Redis hashes; a match found in the shared index may be an article this process never saw.

Keys live under one namespace per signature scheme and thresholds (`newsingest:<scheme>:t<..>:l<..>`), so
a rededup with other parameters never mixes with the old index. One Redis database per warehouse.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping

import numpy as np
import redis
from datasketch import MinHashLSH

from newsingest.dedup.clusters import ArticleMemory, Deduplicator
from newsingest.dedup.index import LshSettings, Match, best_accepted, measure_stored
from newsingest.dedup.signatures import TextSignature


class RedisHash(MutableMapping[str, str]):
    """A Redis hash of strings as a mapping; `setdefault` is atomic, so the first writer of a key wins in
    every process, as it does in a dict within one."""

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

    def setdefault(self, field: str, default: str) -> str:
        if self.client.hsetnx(self.key, field, default):
            return default
        return self[field]

    def __delitem__(self, field: str) -> None:
        if not self.client.hdel(self.key, field):
            raise KeyError(field)

    def __iter__(self) -> Iterator[str]:
        return (field.decode() for field in self.client.hkeys(self.key))

    def __len__(self) -> int:
        return self.client.hlen(self.key)


def _encode(signature: TextSignature) -> bytes:
    values = [signature.minhash.hashvalues, signature.lead.hashvalues, [signature.shingle_count]]
    return np.concatenate(values).astype(np.uint32).tobytes()  # affine32 values are below 2**32


def _decode(data: bytes, num_perm: int) -> tuple[np.ndarray, np.ndarray, int]:
    values = np.frombuffer(data, dtype=np.uint32)
    return values[:num_perm], values[num_perm:2 * num_perm], int(values[2 * num_perm])


class RedisNearDuplicateIndex:
    """NearDuplicateIndex's interface (add, best_match, measure, len) over Redis."""

    def __init__(self, settings: LshSettings, client: redis.Redis, namespace: str):
        self.settings = settings
        self.client = client
        self.num_perm = settings.signature.num_perm
        self.signatures_key = f"{namespace}:signatures"
        # datasketch opens its own connections (a pool per band table) from these parameters.
        storage = client.connection_pool.connection_kwargs
        redis_params = {name: storage[name] for name in ("host", "port", "db", "username", "password", "path")
                        if storage.get(name) is not None}
        if "path" in redis_params:  # a unix socket
            redis_params["unix_socket_path"] = redis_params.pop("path")

        def lsh(threshold: float, name: str) -> MinHashLSH:
            config = {"type": "redis", "basename": f"{namespace}:{name}".encode(), "redis": redis_params}
            return MinHashLSH(threshold=threshold, num_perm=self.num_perm, storage_config=config, prepickle=False)

        self.similar = lsh(settings.threshold, "similar")
        self.leads = lsh(settings.lead_threshold, "leads")

    def __len__(self) -> int:
        return self.client.hlen(self.signatures_key)

    def _bands(self, signature: TextSignature) -> Iterator[tuple[MinHashLSH, list[bytes]]]:
        for lsh, minhash in ((self.similar, signature.minhash), (self.leads, signature.lead)):
            yield lsh, [lsh._H(minhash.hashvalues[start:end]) for start, end in lsh.hashranges]

    def add(self, article_id: str, signature: TextSignature) -> None:
        # The signature first: a process that finds the article among its candidates can then verify it.
        if not self.client.hsetnx(self.signatures_key, article_id, _encode(signature)):
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
        """MinHashLSH.query of both LSHs, in one round trip."""
        with self.client.pipeline(transaction=False) as pipe:
            for lsh, band_keys in self._bands(signature):
                for band_key, table in zip(band_keys, lsh.hashtables, strict=True):
                    pipe.smembers(table.redis_key(band_key))
            members = pipe.execute()
        return sorted({key.decode() for band in members for key in band})

    def _measure(self, signature: TextSignature, article_id: str, data: bytes) -> tuple[Match, float]:
        full, lead, shingle_count = _decode(data, self.num_perm)
        return measure_stored(signature, article_id, full, lead, shingle_count)

    def measure(self, signature: TextSignature, article_id: str) -> Match:
        return self._measure(signature, article_id, self.client.hget(self.signatures_key, article_id))[0]

    def best_match(self, signature: TextSignature) -> Match | None:
        """The most similar indexed article that is similar enough or contains/is contained; ties by id."""
        ids = self._candidates(signature)
        stored = self.client.hmget(self.signatures_key, ids) if ids else []
        return best_accepted(self.settings, (self._measure(signature, article_id, data)
                                             for article_id, data in zip(ids, stored, strict=True)))


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
