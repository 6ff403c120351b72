#!/usr/bin/env bash
# Regenerates the pictures of the preview in docs/images from the app, with the commands the docs quote: one contact
# sheet per method (--seed 42 --size 128, the shipped images), one of --dense, and a screenshot of the HTML gallery in headless chromium
# (apt-get install chromium). Run from anywhere; it writes only docs/images/preview-*.png.
set -euo pipefail
cd "$(dirname "$0")/../../.."
dotnet build -c Release -v q --nologo samples/MixAug.Preview >/dev/null
app=samples/MixAug.Preview/bin/Release/net10.0/MixAug.Preview
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for method in mixup cutmix snapmix fmix saliencymix gridmix smoothmix resizemix guidedmix mosaic multicutmix; do
  "$app" --method "$method" --seed 42 --size 128 --out "docs/images/preview-$method.png" >/dev/null
done
"$app" --method fmix --spectrum reference --seed 42 --size 128 --out docs/images/preview-fmix-reference.png >/dev/null
# Dense targets: CutMix and MultiCutMix on the synthetic scenes, four tiles each.
"$app" --dense --method cutmix,multicutmix --count 4 --seed 42 --size 128 --out docs/images/preview-dense.png >/dev/null
# Transplantation needs label maps, so it is drawn on the scenes only.
"$app" --dense --method transplantation --count 4 --seed 42 --size 128 --out docs/images/preview-transplantation.png >/dev/null

# The gallery at 96-pixel samples, so a 1100 x 900 screenshot shows the legend and the first method's tiles.
"$app" --size 96 --count 6 --seed 3 --out "$work/p.png" --html "$work/gallery" >/dev/null
chromium --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$work/profile" --hide-scrollbars \
  --window-size=1100,900 --screenshot="$PWD/docs/images/preview-gallery.png" "file://$work/gallery/index.html" 2>/dev/null
file docs/images/preview-*.png
