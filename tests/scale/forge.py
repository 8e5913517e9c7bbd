#!/usr/bin/env python3
"""Forges a plancast shard file for the refusal tests: applies EDIT (Python statements on
`d`, the whole file, and `s`, its state) to a real shard IN, then recomputes its checksum as
plancast writes it (state_sha256: SHA-256 of the state's bytes, written last and compact),
or with --key K its HMAC (shard_hmac_sha256, engine/io/shard.cpp shard_mac), so that only
plancast's content checks can tell the forgery. --sorted: the checksum of format 2 (over
the state's key-sorted JSON text), to show what a plancast before issue 13 accepted. --raw writes the edited text without
recomputing anything. --dup-state KEY=JSON (--dup-head KEY=JSON) puts a first, innocent
occurrence of KEY at the start of the state (of the file): a parser where the last one wins
sees the edited value, which the checksum covers; a reader of the file sees JSON first.

    forge.py IN OUT [--key K] [--raw] [--sorted] [--dup-state KEY=JSON] [--dup-head KEY=JSON]
             [EDIT...]
"""
import argparse
import hashlib
import hmac
import json


SORTED = False


def canonical(x):
    return json.dumps(x, sort_keys=SORTED, separators=(",", ":"), ensure_ascii=False)


def mac_message(d):
    def field(name, v):
        b = v.encode()
        return name.encode() + b" " + str(len(b)).encode() + b"\n" + b + b"\n"

    return (b"plancast-shard-hmac\n" + field("job_hash", d["job_hash"]) +
            field("scenario", d["scenario"]) + field("scenario_file", d["scenario_file"]) +
            field("shard", "%d/%d" % (d["shard"], d["shards"])) +
            field("state", canonical(d["state"])))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("inp")
    ap.add_argument("out")
    ap.add_argument("--key")
    ap.add_argument("--raw", action="store_true")
    ap.add_argument("--sorted", action="store_true")
    ap.add_argument("--dup-state", action="append", default=[])
    ap.add_argument("--dup-head", action="append", default=[])
    ap.add_argument("edits", nargs="*")
    a = ap.parse_intermixed_args()
    global SORTED
    SORTED = a.sorted
    with open(a.inp, encoding="utf-8") as f:
        d = json.load(f)
    s = d["state"]
    for e in a.edits:
        exec(e, {"d": d, "s": s, "json": json})
    if not a.raw:
        d.pop("state_sha256", None)
        d.pop("shard_hmac_sha256", None)
        if a.key is not None:
            d["shard_hmac_sha256"] = hmac.new(a.key.encode(), mac_message(d),
                                              hashlib.sha256).hexdigest()
        else:
            d["state_sha256"] = hashlib.sha256(canonical(d["state"]).encode()).hexdigest()
        state = d.pop("state")
        d["state"] = state  # the state last, as plancast writes it
    text = json.dumps(d, separators=(",", ":"), ensure_ascii=False)
    for dup in a.dup_state:
        k, v = dup.split("=", 1)
        text = text.replace('"state":{', '"state":{"%s":%s,' % (k, v), 1)
    for dup in a.dup_head:
        k, v = dup.split("=", 1)
        text = '{"%s":%s,' % (k, v) + text[1:]
    with open(a.out, "w", encoding="utf-8") as f:
        f.write(text + "\n")


if __name__ == "__main__":
    main()
