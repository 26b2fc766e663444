"""Optional blend of the classifier with embedding similarity to each condition's text.

Why: a classifier fine-tuned on generated text can overfit the generator's phrasing; the
pretrained sentence embedding of the base model knows real paraphrases. Both are combined in
log space; the blend weight is chosen on the dev-wording set (never on the unseen-wording
test set) and kept only if it helps there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .evaluation import fit_temperature, softmax
from .predictor import combine_with_similarity, embed_texts

WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5)
SCALES = (10.0, 20.0, 40.0)


def condition_texts(c) -> list[str]:
    texts = [c.description, c.name, *c.aliases]
    for s in c.symptoms:
        texts.append(s.term)
        texts.extend(s.lay)
    return texts


@dataclass
class Blend:
    embedder: object
    tokenizer: object
    prototypes: np.ndarray
    weight: float
    scale: float
    temperature: float
    max_length: int
    cache: dict

    def sims(self, texts: list[str]) -> np.ndarray:
        key = tuple(texts)
        if key not in self.cache:
            self.cache[key] = embed_texts(self.embedder, self.tokenizer, texts, self.max_length) @ self.prototypes.T
        return self.cache[key]

    def apply(self, logits: np.ndarray, examples, temperature: float) -> np.ndarray:
        """Blended log-scores (divide by ``self.temperature`` for calibrated probabilities)."""
        return combine_with_similarity(logits / temperature, self.sims([e.text for e in examples]), self.weight, self.scale)

    def save(self, root: Path) -> dict:
        self.embedder.save_pretrained(root / "embedder")
        self.tokenizer.save_pretrained(root / "embedder")
        np.save(root / "prototypes.npy", self.prototypes.astype(np.float32))
        return {"weight": self.weight, "scale": self.scale, "temperature": self.temperature,
                "prototypes": "prototypes.npy", "embedder": "embedder", "chosen_on": "dev_wording"}


def _score(probs: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    top1 = float((probs.argmax(1) == y).mean())
    top3 = float((np.argsort(-probs, 1)[:, :3] == y[:, None]).any(1).mean())
    nll = float(-np.log(np.clip(probs[np.arange(len(y)), y], 1e-12, None)).mean())
    return top1, top3, -nll


def choose_blend(cfg, kb, conditions, tokenizer, logits_by_split, eval_sets, temperature, say) -> Blend | None:
    from transformers import AutoModel

    embedder = AutoModel.from_pretrained(cfg.model.base_model, local_files_only=True).eval()
    protos = []
    for c in conditions:
        e = embed_texts(embedder, tokenizer, condition_texts(c), cfg.model.max_length).mean(0)
        protos.append(e / np.linalg.norm(e))
    blend = Blend(embedder, tokenizer, np.stack(protos), 0.0, 20.0, 1.0, cfg.model.max_length, {})

    if cfg.embed_blend:  # fixed by the user
        blend.weight = float(cfg.embed_blend)
    else:
        lg, y = logits_by_split["dev_wording"]
        sims = blend.sims([e.text for e in eval_sets["dev_wording"]])
        results = []
        for w in WEIGHTS:
            for s in SCALES if w else (20.0,):
                p = softmax(combine_with_similarity(lg / temperature, sims, w, s))
                results.append((_score(p, y), w, s))
        base = next(r for r in results if r[1] == 0.0)
        best = max(results, key=lambda r: r[0])
        say(f"dev wording top-1/top-3: classifier {base[0][0]:.3f}/{base[0][1]:.3f}, "
            f"best blend (w={best[1]}, scale={best[2]}) {best[0][0]:.3f}/{best[0][1]:.3f}")
        if best[1] == 0.0 or best[0][:2] <= base[0][:2]:
            return None
        blend.weight, blend.scale = best[1], best[2]
    vl, vy = logits_by_split["validation"]
    blend.temperature = fit_temperature(blend.apply(vl, eval_sets["validation"], temperature), vy)
    return blend
