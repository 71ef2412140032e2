#!/usr/bin/env bash
# themes.sh - the free-text classifiers (`involve themes`) on the labelled NEAS comments
# (../shared/data/feedback/neas_labelled_feedback.csv): training time, classifying rate on one
# core, and accuracy.
#
# In one run, so that every figure sees the same machine:
#   1. training on all 5,096 rows (3,890 usable comments) without tuning, then with thresholds
#      tuned by 5-fold cross-validation (tuning's time reported apart), each pinned to one core;
#   2. the baseline: the same comments read from CSV and cut into words and word pairs by
#      Python (csv, a regular expression, lower-casing), BENCH_THEMES_COPIES times over, on one
#      core: the least any classifier must do to see the text;
#   3. involve: `involve themes predict` of the same comments BENCH_THEMES_COPIES times over
#      (taskset -c 0), its classifying loop's time (features and scores; the command reports
#      it apart from reading the file) and its CPU time;
#   4. accuracy: `involve themes evaluate` on an 80/20 split with seed 2026, and over 5 folds.
# Appends a section to bench/RESULTS.md.  Not part of `make bench`: run it alone, e.g.
#   meson setup build-release -Dbuildtype=release -Dtests=disabled && ninja -C build-release
#   bench/themes.sh
#
# Environment: INVOLVE_BIN (default build-release/src/cli/involve), BENCH_THEMES_COPIES (30),
# BENCH_RESULTS (default bench/RESULTS.md; /dev/null records nothing), BENCH_NOTE.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=bench/lib.sh
. bench/lib.sh

data=$root/../shared/data/feedback/neas_labelled_feedback.csv
copies=${BENCH_THEMES_COPIES:-30}
SEED=2026

# The goals (issue 11): training under a second, 10,000 comments a second on one core,
# held-out micro F1 0.75 and macro F1 0.45.
GOAL_TRAIN_SECONDS=1
GOAL_RATE=10000
GOAL_MICRO=0.75
GOAL_MACRO=0.45

require python3 jq taskset
require_involve
[ -f "$data" ] || { echo "bench: $data is missing" >&2; exit 1; }

bench_begin themes
load_before=$(cut -d' ' -f1 /proc/loadavg)
one=(taskset -c 0)

# --- training ----------------------------------------------------------------------------------
# "Training took W s (CPU C s); tuning the thresholds (5 folds) W s more (CPU C s)."
"${one[@]}" "$involve" themes train --data "$data" --model "$tmp/plain.model" --tune-folds 0 \
	>"$tmp/train0.out"
"${one[@]}" "$involve" themes train --data "$data" --model "$tmp/tuned.model" >"$tmp/train5.out"
train_s=$(sed -n 's/^Training took \([0-9.]*\) s (CPU \([0-9.]*\) s).*/\1/p' "$tmp/train0.out")
train_cpu=$(sed -n 's/^Training took \([0-9.]*\) s (CPU \([0-9.]*\) s).*/\2/p' "$tmp/train0.out")
tune_s=$(sed -n 's/.*tuning the thresholds (5 folds) \([0-9.]*\) s more (CPU \([0-9.]*\) s).*/\1/p' \
	"$tmp/train5.out")
tune_cpu=$(sed -n 's/.*tuning the thresholds (5 folds) \([0-9.]*\) s more (CPU \([0-9.]*\) s).*/\2/p' \
	"$tmp/train5.out")
features=$(sed -n 's/.* \([0-9]*\) features\.$/\1/p' "$tmp/train0.out")
model_kib=$(($(stat -c %s "$tmp/tuned.model") / 1024))

# --- classifying: many copies of the comments --------------------------------------------------
python3 - "$data" "$tmp/many.csv" "$copies" <<'EOF'
import csv, sys
src, dst, copies = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(src, encoding='utf-8-sig', newline='') as f:
    rows = list(csv.reader(f))
h = rows[0]
i, t = h.index('Comment ID'), h.index('FFT answer')
with open(dst, 'w', encoding='utf-8', newline='') as f:
    w = csv.writer(f)
    w.writerow(['Comment ID', 'FFT answer'])
    for c in range(copies):
        for r in rows[1:]:
            w.writerow([f'{r[i]}-{c}', r[t]])
EOF
# Baseline: read the CSV and cut each usable comment into lower-cased words and word pairs.
base_s=$("${one[@]}" python3 - "$tmp/many.csv" <<'EOF'
import csv, re, sys, time
word = re.compile(r"\w+")
skip = {'', 'did not answer', 'nan', 'n/a', '-'}
start = time.process_time()
n = 0
with open(sys.argv[1], encoding='utf-8', newline='') as f:
    r = csv.reader(f)
    next(r)
    for _, text in r:
        if text.strip().lower() in skip:
            continue
        w = word.findall(text.lower())
        pairs = [a + ' ' + b for a, b in zip(w, w[1:])]
        n += 1
print(f'{time.process_time() - start:.3f} {n}')
EOF
)
read -r base_cpu base_n <<<"$base_s"
"${one[@]}" "$involve" themes predict --model "$tmp/tuned.model" --data "$tmp/many.csv" \
	--output "$tmp/predicted.csv" 2>"$tmp/predict.err"
# "N comments classified in W s (CPU C s; ..."
read -r pred_n pred_s pred_cpu < <(sed -n \
	's/.*: \([0-9]*\) comments classified in \([0-9.]*\) s (CPU \([0-9.]*\) s;.*/\1 \2 \3/p' \
	"$tmp/predict.err")
rate() { awk -v n="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.0f\n", n / s; else print "-" }'; }
rate_wall=$(rate "$pred_n" "$pred_s")
rate_cpu=$(rate "$pred_n" "$pred_cpu")
base_rate=$(rate "$base_n" "$base_cpu")
[ "$pred_n" = "$base_n" ] || failures+=("involve classified $pred_n comments, the baseline read $base_n")

# --- accuracy ----------------------------------------------------------------------------------
"$involve" themes evaluate --data "$data" --split 0.8 --seed "$SEED" --json >"$tmp/split.json"
"$involve" themes evaluate --data "$data" --split 0.8 --seed "$SEED" --tune-folds 0 --json \
	>"$tmp/split0.json"
"$involve" themes evaluate --data "$data" --folds 5 --seed "$SEED" --json >"$tmp/folds.json"
fig() { jq -r "$2" "$1"; }
f3() { awk -v x="$1" 'BEGIN { printf "%.3f\n", x }'; }

load_after=$(cut -d' ' -f1 /proc/loadavg)
met() { awk -v a="$1" -v g="$2" -v op="$3" 'BEGIN {
	ok = (op == "<") ? a < g : a >= g; print ok ? "yes" : "**no**" }'; }

report=$tmp/report.md
{
	echo
	echo "### $(date -u '+%Y-%m-%d %H:%M UTC') — free-text themes (NEAS); nproc $(nproc)," \
		"$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"
	echo
	echo "| | seconds | CPU s | comments/s (CPU) | goal | met |"
	echo "|---|---:|---:|---:|---|---|"
	printf '| training, 3,890 comments, %s features | %s | %s | | < %s s | %s |\n' "$features" \
		"$train_s" "$train_cpu" "$GOAL_TRAIN_SECONDS" "$(met "$train_cpu" "$GOAL_TRAIN_SECONDS" '<')"
	printf '| tuning thresholds, 5 folds (apart) | %s | %s | | | |\n' "$tune_s" "$tune_cpu"
	printf '| baseline: Python reads and tokenises %s comments | | %s | %s | | |\n' "$base_n" \
		"$base_cpu" "$base_rate"
	printf '| involve classifies %s comments, one core | %s | %s | %s (%s elapsed) | ≥ %s/s | %s |\n' \
		"$pred_n" "$pred_s" "$pred_cpu" "$rate_cpu" "$rate_wall" "$GOAL_RATE" \
		"$(met "$rate_cpu" "$GOAL_RATE" '>=')"
	echo
	echo "| evaluation | micro P | micro R | micro F1 | macro F1 (themes) | sentiment acc. | MAE |"
	echo "|---|---:|---:|---:|---:|---:|---:|"
	for f in split split0 folds; do
		case $f in
		split) what="80/20, seed $SEED, tuned" ;;
		split0) what="80/20, seed $SEED, thresholds 0" ;;
		folds) what="5 folds, seed $SEED, tuned" ;;
		esac
		printf '| %s | %s | %s | %s | %s (%s) | %s | %s |\n' "$what" \
			"$(f3 "$(fig "$tmp/$f.json" .micro.precision)")" \
			"$(f3 "$(fig "$tmp/$f.json" .micro.recall)")" \
			"$(f3 "$(fig "$tmp/$f.json" .micro.f1)")" \
			"$(f3 "$(fig "$tmp/$f.json" .macro.f1)")" "$(fig "$tmp/$f.json" .macro.themes)" \
			"$(f3 "$(fig "$tmp/$f.json" .sentiment.accuracy)")" \
			"$(f3 "$(fig "$tmp/$f.json" .sentiment.mae)")"
	done
	echo
	echo "- Goals on the held-out fifth: micro F1 ≥ $GOAL_MICRO:" \
		"$(met "$(fig "$tmp/split.json" .micro.f1)" "$GOAL_MICRO" '>='); macro F1 ≥ $GOAL_MACRO:" \
		"$(met "$(fig "$tmp/split.json" .macro.f1)" "$GOAL_MACRO" '>=')."
	echo "- Model file: $model_kib KiB.  Classifying's rate is of the loop alone (features and" \
		"scores), not reading the CSV; the baseline's is Python's reading and tokenising, CPU time."
	echo "- Load average (1 min) before: $load_before, after: $load_after."
	report_problems
} >"$report"

report_append "$report"
[ "${#failures[@]}" -eq 0 ]
