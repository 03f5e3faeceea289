#!/usr/bin/env bash
# Dialogue checks (owner: dialogue):
#   1. rasa data validate — must be clean: it fails on any warning except the ones Rasa raises for every
#      form-driven bot (utter_ask_<slot> responses are used by the form, not by stories; utter_default and
#      utter_restart are used by the default fallback and restart actions);
#   2. rasa train into models/, skipped when nothing training reads changed since the last model (stamp
#      models/.inputs-<hash>; FORCE_TRAIN=1 retrains);
#   3. the action server (app venv) on a free port, and rasa test core on tests/stories with
#      --fail-on-prediction-errors against it; results in results/core.
# Usage: scripts/rasa_checks.sh            (from anywhere; paths are relative to the repository)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
RASA="${RASA:-.venv-rasa/bin/rasa}"
APP_PYTHON="${APP_PYTHON:-.venv/bin/python}"
DATA=(nlu_data dialogue)
COMMON=(--domain domain.yml --config config.yml)
export SQLALCHEMY_SILENCE_UBER_WARNING=1  # Rasa 3.6's own SQLAlchemy 1.4 deprecation banner, not our data

tmp="$(mktemp -d)"
action_pid=""
cleanup() {
    if [[ -n "$action_pid" ]] && kill -0 "$action_pid" 2>/dev/null; then
        kill "$action_pid" 2>/dev/null || true
        wait "$action_pid" 2>/dev/null || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

echo "== rasa data validate"
"$RASA" data validate --data "${DATA[@]}" "${COMMON[@]}" >"$tmp/validate.log" 2>&1 || {
    cat "$tmp/validate.log"
    echo "rasa data validate failed" >&2
    exit 1
}
allowed="The utterance '(utter_ask_[a-z_]+|utter_default|utter_restart)' is not used in any story or rule"
if grep -E "UserWarning|[[:space:]]WARNING[[:space:]]" "$tmp/validate.log" | grep -vE "$allowed" >"$tmp/warnings.log"; then
    cat "$tmp/warnings.log"
    echo "rasa data validate: warnings above must be fixed" >&2
    exit 1
fi
grep -E "rasa.validator" "$tmp/validate.log" | sed 's/^/   /'
echo "   clean (form ask responses aside)"

echo "== rasa train"
# Rasa 3.6 retrains this pipeline on every run even when nothing changed (its graph cache misses), so the
# script keeps its own stamp: a hash of everything training reads, next to the model it produced.
inputs_hash="$(find nlu_data dialogue domain.yml config.yml -type f -print0 | sort -z | xargs -0 sha256sum \
    | sha256sum | cut -c1-16)"
stamp="models/.inputs-$inputs_hash"
model=""
if [[ -z "${FORCE_TRAIN:-}" && -f "$stamp" ]]; then
    model="$(cat "$stamp")"
    [[ -f "$model" ]] || model=""
fi
if [[ -n "$model" ]]; then
    echo "   training data unchanged since $model: not retraining (FORCE_TRAIN=1 to force)"
else
    "$RASA" train --data "${DATA[@]}" "${COMMON[@]}" --out models >"$tmp/train.log" 2>&1 || {
        tail -n 40 "$tmp/train.log"
        echo "rasa train failed" >&2
        exit 1
    }
    grep -E "Your Rasa model|Nothing changed" "$tmp/train.log" || true
    model="$(ls -t models/*.tar.gz | head -n1)"
    echo "$model" >"$stamp"
fi
echo "   model: $model"

echo "== action server"
port="$("$APP_PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
"$APP_PYTHON" -m bot.action_server --actions actions -p "$port" >"$tmp/actions.log" 2>&1 &
action_pid=$!
for _ in $(seq 1 60); do
    if curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1; then
        break
    fi
    if ! kill -0 "$action_pid" 2>/dev/null; then
        cat "$tmp/actions.log"
        echo "action server died" >&2
        exit 1
    fi
    sleep 0.5
done
curl -fsS "http://127.0.0.1:$port/health" >/dev/null
echo "   listening on 127.0.0.1:$port (pid $action_pid)"
printf 'action_endpoint:\n  url: "http://127.0.0.1:%s/webhook"\n' "$port" >"$tmp/endpoints.yml"

echo "== rasa test core"
rm -rf results/core
"$RASA" test core --model "$model" --stories tests/stories --fail-on-prediction-errors \
    --endpoints "$tmp/endpoints.yml" --out results/core >"$tmp/test.log" 2>&1 || {
    tail -n 60 "$tmp/test.log"
    echo "rasa test core failed (see results/core)" >&2
    exit 1
}
grep -E "Finished collecting predictions|Correct:|Accuracy:|conversation" "$tmp/test.log" | sed 's/^.*INFO *//' | head -n 20
if [[ -s results/core/failed_test_stories.yml ]] && grep -q "story:" results/core/failed_test_stories.yml; then
    echo "failed test stories in results/core/failed_test_stories.yml" >&2
    exit 1
fi
echo "== all dialogue checks passed"
