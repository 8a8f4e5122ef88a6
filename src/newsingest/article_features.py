"""What the dedup and stories stages need of each article, computed in the extraction worker beside it.

The run's own process decides and lands batches one after the other on one core; the signatures and
term weights of an article depend on that article alone, so they are computed where the article was
extracted, in parallel, and travel back with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from newsingest.dedup.signatures import SignatureSettings, TextSignature, compute_signatures
from newsingest.records import Article
from newsingest.stories.features import FeatureSettings, TermWeights, term_weights


@dataclass(frozen=True, slots=True)
class ArticleFeatures:
    signature: TextSignature  # for dedup
    terms: TermWeights  # for stories; packed, as it is cheap to unpickle and to land


@dataclass(frozen=True, slots=True)
class FeatureMaker:
    """Picklable, so an extraction worker (or a Dask worker) can run it on each article it extracts."""

    signature: SignatureSettings
    terms: FeatureSettings

    def __call__(self, article: Article) -> ArticleFeatures:
        (signature,) = compute_signatures([article.text], self.signature)
        return ArticleFeatures(signature, term_weights(article.title, article.text, self.terms))
