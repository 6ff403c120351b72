#!/usr/bin/env bash
# Measures the preview on a data set: makes COUNT 12-megapixel JPEGs in class folders under /tmp (make-photo-folder.cs),
# runs the preview on it under /usr/bin/time -v (default options: a sample of 8, all four methods), prints the wall time
# and peak resident memory, and deletes the folder. docs/preview.md quotes its output.
#   bash samples/MixAug.Preview/tools/measure-dataset.sh [COUNT] [extra preview options...]
set -euo pipefail
cd "$(dirname "$0")/../../.."
count=${1:-3000}
shift || true
folder=$(mktemp -d /tmp/mixaug-photos-XXXXXX)
trap 'rm -rf "$folder"' EXIT

dotnet run --file samples/MixAug.Preview/tools/make-photo-folder.cs -- "$folder/data" "$count"
dotnet build -c Release -v q --nologo samples/MixAug.Preview >/dev/null
app=samples/MixAug.Preview/bin/Release/net10.0/MixAug.Preview

# Twice: the first run reads the sampled files from disk, the second from the page cache.
for run in cold warm; do
  /usr/bin/time -v "$app" --images "$folder/data" --out "$folder/preview.png" --html "$folder/gallery" "$@" 2>"$folder/time.txt" >"$folder/out.txt"
  wall=$(grep 'Elapsed (wall clock)' "$folder/time.txt" | awk '{print $NF}')
  rss=$(grep 'Maximum resident set size' "$folder/time.txt" | awk '{print $NF}')
  echo "$run: $(head -n 1 "$folder/out.txt"); wall ${wall}, peak RSS $((rss / 1024)) MiB"
done
