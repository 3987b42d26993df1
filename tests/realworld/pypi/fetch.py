"""Download pinned sdists from PyPI's simple index (JSON form, PEP 691), verify their sha256.

    python3 fetch.py DEST "name==version sha256" ...

The file is fetched directly: nothing is built, so an sdist whose build requirements do not
resolve (pretix's) downloads like any other. Already-downloaded files that match are kept, so a
second run is offline.
"""

import hashlib
import json
import pathlib
import sys
import time
import urllib.request

INDEX = "https://pypi.org/simple/{}/"


def sha256(path: pathlib.Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def get(url: str, accept: str | None = None) -> bytes:
    headers = {"Accept": accept} if accept else {}
    for attempt in range(4):
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=120) as r:
                return r.read()
        except OSError as e:  # URLError and timeouts: the registry is the only network CI has
            if attempt == 3:
                raise
            print(f"retrying {url}: {e}", file=sys.stderr)
            time.sleep(2 * (attempt + 1))
    raise AssertionError("unreachable")


def fetch(dest: pathlib.Path, spec: str, digest: str) -> pathlib.Path:
    name, version = spec.split("==")
    normalized = name.replace("_", "-").lower()
    filename = f"{name.replace('-', '_')}-{version}.tar.gz"
    out = dest / filename
    if out.exists() and sha256(out) == digest:
        return out
    index = json.loads(get(INDEX.format(normalized), "application/vnd.pypi.simple.v1+json"))
    wanted = {filename.lower(), f"{name}-{version}.tar.gz".lower()}
    entry = next((f for f in index["files"] if f["filename"].lower() in wanted), None)
    if entry is None:
        sys.exit(f"error: no sdist {filename} for {spec} on PyPI")
    data = get(entry["url"])
    if hashlib.sha256(data).hexdigest() != digest:
        sys.exit(f"error: {entry['filename']} does not match its pin")
    tmp = out.with_suffix(".part")
    tmp.write_bytes(data)
    tmp.replace(out)
    return out


def main() -> None:
    dest = pathlib.Path(sys.argv[1])
    dest.mkdir(parents=True, exist_ok=True)
    for pin in sys.argv[2:]:
        spec, digest = pin.split()
        print(fetch(dest, spec, digest).name)


if __name__ == "__main__":
    main()
