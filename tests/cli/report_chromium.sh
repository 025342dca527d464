#!/usr/bin/env bash
# `custclass report --html`: the report of a demo run with a previous run to compare with is
# self-contained (no URL, no script) and renders in a real browser: headless Chromium's DOM has
# every section and chart, and its screenshot is not blank.
# Usage: report_chromium.sh CUSTCLASS_BINARY PLUGIN_LIBRARY
set -euo pipefail
custclass=$1
export CUSTCLASS_PLUGIN=$2

fail() { echo "FAIL: $*" >&2; exit 1; }

command -v chromium > /dev/null ||
  fail "chromium is not installed; run scripts/install-deps.sh (as root) to install it"

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

"$custclass" demo --dir "$dir/demo" --customers 1500 > /dev/null
"$custclass" run -c "$dir/demo/custclass.yaml" --as-of 2026-06-30 > /dev/null
"$custclass" run -c "$dir/demo/custclass.yaml" --as-of 2026-11-30 > /dev/null
"$custclass" report -c "$dir/demo/custclass.yaml" --html "$dir/report.html"
[ -s "$dir/report.html" ] || fail "custclass report wrote no report"
echo "report: $(wc -c < "$dir/report.html") bytes"

# Self-contained: nothing to fetch, nothing to run.
for forbidden in "http://" "https://" "<script"; do
  if grep -q -i -F -- "$forbidden" "$dir/report.html"; then
    grep -n -o -i -F -- "$forbidden" "$dir/report.html" | head -5 >&2
    fail "the report contains \"$forbidden\""
  fi
done
echo "ok: no http://, https:// or <script in the report"

# Chromium keeps its profile, cache and crash database in the temp dir, never in the real home.
mkdir -p "$dir/home"
chromium_run() {
  HOME="$dir/home" XDG_CONFIG_HOME="$dir/home/.config" XDG_CACHE_HOME="$dir/home/.cache" \
    timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$dir/chromium-profile" --window-size=1280,4000 --virtual-time-budget=2000 \
    "$@" "file://$dir/report.html" 2>> "$dir/chromium.log"
}
chromium_run --dump-dom > "$dir/dom.html" ||
  { cat "$dir/chromium.log" >&2; fail "chromium --dump-dom failed or timed out"; }
chromium_run --screenshot="$dir/report.png" > /dev/null ||
  { cat "$dir/chromium.log" >&2; fail "chromium --screenshot failed or timed out"; }
[ -s "$dir/dom.html" ] || { cat "$dir/chromium.log" >&2; fail "chromium dumped an empty DOM"; }
[ -s "$dir/report.png" ] || { cat "$dir/chromium.log" >&2; fail "chromium wrote no screenshot"; }

# The rendered DOM has every section and each kind of chart.
for id in overview segment-sizes migration profiles concentration review privacy; do
  grep -q -F "<section id=\"$id\"" "$dir/dom.html" || fail "the rendered report has no section \"$id\""
done
echo "ok: the rendered DOM has the seven sections"
for needle in '<svg class="chart bar-chart"' '<svg class="chart heatmap"' \
              '<svg class="chart concentration-curve"' 'class="profile-card'; do
  n=$({ grep -o -F "$needle" "$dir/dom.html" || true; } | wc -l)
  [ "$n" -ge 1 ] || fail "the rendered report has no $needle"
  echo "ok: $n x $needle"
done

# The screenshot is not blank: decode the PNG (standard library only) and count its colours.
python3 - "$dir/report.png" <<'PY'
import struct, sys, zlib
from collections import Counter

def read_png(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise SystemExit("FAIL: the screenshot is not a PNG file")
    pos, idat, header = 8, [], None
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    if header is None:
        raise SystemExit("FAIL: the screenshot has no IHDR chunk")
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in (2, 6) or interlace != 0:
        raise SystemExit("FAIL: unsupported PNG (bit depth %d, colour type %d, interlace %d); "
                         "expected 8-bit RGB or RGBA" % (depth, colour, interlace))
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = width * bpp
    if len(raw) < height * (stride + 1):
        raise SystemExit("FAIL: the screenshot's image data is truncated")
    rows, previous, at = [], bytearray(stride), 0
    for _ in range(height):
        kind, line = raw[at], bytearray(raw[at + 1:at + 1 + stride])
        at += 1 + stride
        if kind == 1:    # Sub
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xFF
        elif kind == 2:  # Up
            for i in range(stride):
                line[i] = (line[i] + previous[i]) & 0xFF
        elif kind == 3:  # Average
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + previous[i]) >> 1)) & 0xFF
        elif kind == 4:  # Paeth
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = previous[i]
                c = previous[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        elif kind != 0:
            raise SystemExit("FAIL: bad PNG filter type %d" % kind)
        rows.append(bytes(line))
        previous = line
    return width, height, bpp, rows

width, height, bpp, rows = read_png(sys.argv[1])
colours = Counter()
for line in rows:
    for i in range(0, len(line), bpp):
        colours[line[i:i + 3]] += 1
common, count = colours.most_common(1)[0]
differing = 1 - count / (width * height)
print("screenshot %dx%d: %d distinct colours, %.1f%% of the pixels differ from the most common "
      "colour #%s" % (width, height, len(colours), 100 * differing, common.hex()))
if differing < 0.02 or len(colours) < 10:
    raise SystemExit("FAIL: the screenshot looks blank (need at least 2% of the pixels to differ "
                     "from the most common colour and at least 10 distinct colours)")
print("ok: the screenshot is not blank")
PY
echo "PASS: the HTML report is self-contained and renders in Chromium"
