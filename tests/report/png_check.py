#!/usr/bin/env python3
"""tests/report/png_check.py: is a PNG screenshot more than a blank page?

Decodes the PNG with the standard library only (zlib; 8-bit RGB or RGBA, as Chromium
writes them) and prints the share of pixels that are not near-white and the number of
distinct colours. Exits 0 when at least MIN_INK of the pixels are inked and there are at
least MIN_COLOURS colours, 1 otherwise (a blank or single-colour page), 2 on a bad file.

usage: png_check.py FILE.png [MIN_INK=0.02] [MIN_COLOURS=16]
"""
import struct
import sys
import zlib


def decode(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file")
    pos, idat, width = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or colour not in (2, 6) or interlace != 0:
                raise ValueError("unsupported PNG (depth %d, colour type %d)" % (depth, colour))
            bpp = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    if width is None:
        raise ValueError("no IHDR chunk")
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 0xFF
            elif f == 2:
                line[i] = (line[i] + b) & 0xFF
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 0xFF
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, rows


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    min_ink = float(sys.argv[2]) if len(sys.argv) > 2 else 0.02
    min_colours = int(sys.argv[3]) if len(sys.argv) > 3 else 16
    try:
        width, height, bpp, rows = decode(sys.argv[1])
    except (OSError, ValueError, zlib.error, struct.error) as e:
        print("png_check: %s: %s" % (sys.argv[1], e))
        return 2
    inked, colours, total = 0, set(), 0
    for row in rows[::2]:  # every other row and column: plenty for a verdict
        for x in range(0, width * bpp, 2 * bpp):
            r, g, b = row[x], row[x + 1], row[x + 2]
            total += 1
            if r < 235 or g < 235 or b < 235:
                inked += 1
            colours.add((r, g, b))
    ink = inked / max(1, total)
    print("png_check: %s: %dx%d, %.1f%% inked, %d colours"
          % (sys.argv[1], width, height, 100 * ink, len(colours)))
    return 0 if ink >= min_ink and len(colours) >= min_colours else 1


if __name__ == "__main__":
    sys.exit(main())
