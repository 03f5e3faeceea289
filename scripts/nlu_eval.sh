#!/usr/bin/env bash
# NLU evaluation (owner: NLU):
#   1. train an NLU-only model into models/nlu/ unless one already exists for this exact pipeline and data
#      (the model name carries a hash of config.yml's recipe/language/pipeline and of every file under
#      nlu_data/; FORCE_TRAIN=1 retrains anyway);
#   2. rasa test nlu on the held-out split tests/nlu/test_nlu.yml, reports in results/nlu/;
#   3. bench/nlu_report.py prints intent accuracy, intent macro-F1, entity micro/macro-F1 and exits non-zero
#      when intent accuracy < 0.80 or entity micro-F1 < 0.70 (override: MIN_INTENT_ACCURACY, MIN_ENTITY_F1).
# Usage: scripts/nlu_eval.sh            (from anywhere; paths are relative to the repository)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
RASA="${RASA:-.venv-rasa/bin/rasa}"
PYTHON="${PYTHON:-.venv-rasa/bin/python}"
MODELS_DIR="${NLU_MODELS_DIR:-models/nlu}"
RESULTS_DIR="${NLU_RESULTS_DIR:-results/nlu}"
TEST_DATA=tests/nlu/test_nlu.yml
export SQLALCHEMY_SILENCE_UBER_WARNING=1  # Rasa 3.6's own SQLAlchemy 1.4 banner

for f in "$RASA" "$PYTHON"; do
    [[ -x "$f" ]] || { echo "nlu_eval: $f not found (create the Rasa venv first: scripts/setup)" >&2; exit 2; }
done
[[ -f "$TEST_DATA" ]] || { echo "nlu_eval: $TEST_DATA missing" >&2; exit 2; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

fingerprint="$("$PYTHON" - <<'EOF'
import hashlib, json, pathlib, yaml
config = yaml.safe_load(pathlib.Path("config.yml").read_text(encoding="utf-8"))
digest = hashlib.sha256(json.dumps({k: config.get(k) for k in ("recipe", "language", "pipeline")},
                                   sort_keys=True, ensure_ascii=False).encode())
for path in sorted(p for p in pathlib.Path("nlu_data").rglob("*") if p.is_file()):
    digest.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
print(digest.hexdigest()[:12])
EOF
)"
model="$MODELS_DIR/nlu-$fingerprint.tar.gz"

if [[ -f "$model" && "${FORCE_TRAIN:-0}" != "1" ]]; then
    echo "== NLU model for this pipeline and data exists: $model"
else
    echo "== rasa train nlu → $model"
    mkdir -p "$MODELS_DIR"
    start=$SECONDS
    "$RASA" train nlu --config config.yml --nlu nlu_data --out "$MODELS_DIR" \
        --fixed-model-name "nlu-$fingerprint" >"$tmp/train.log" 2>&1 || {
        tail -n 40 "$tmp/train.log"
        echo "nlu_eval: rasa train nlu failed" >&2
        exit 1
    }
    if grep -qi "misaligned" "$tmp/train.log"; then
        grep -i "misaligned" "$tmp/train.log" | head -n 20
        echo "nlu_eval: entity annotations not aligned with Jieba tokens (fix nlu_data or nlu_data/jieba)" >&2
        exit 1
    fi
    echo "   trained in $((SECONDS - start)) s"
fi

echo "== rasa test nlu on $TEST_DATA → $RESULTS_DIR/"
rm -rf "$RESULTS_DIR"
"$RASA" test nlu --model "$model" --nlu "$TEST_DATA" --out "$RESULTS_DIR" --no-plot >"$tmp/test.log" 2>&1 || {
    tail -n 40 "$tmp/test.log"
    echo "nlu_eval: rasa test nlu failed" >&2
    exit 1
}

echo "== report"
"$PYTHON" bench/nlu_report.py "$RESULTS_DIR" \
    --min-intent-accuracy "${MIN_INTENT_ACCURACY:-0.80}" --min-entity-f1 "${MIN_ENTITY_F1:-0.70}"
