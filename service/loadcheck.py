"""``stratag bench-service``: a bounded loopback load check of the HTTP service.

Starts ``stratag serve`` (uvicorn) on 127.0.0.1 with a fresh data directory, uploads ``n`` distinct small PDFs
all at once, then checks that every document was stored exactly once and that uploading them all again is
recognised as duplicates. Reports requests/s and latency percentiles; it asserts nothing about speed.
"""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

_TOPICS = [
    "The city will insulate {n} school buildings, install heat pumps and rooftop solar panels, and cut the energy "
    "use of public buildings by a third, lowering carbon dioxide emissions from heating.",
    "A new tram line and {n} kilometres of protected cycle lanes will connect the housing estates with the centre; "
    "buses will run on electricity and park-and-ride sites will reduce car traffic.",
    "Vocational training, lifelong learning courses and career advice will help {n} unemployed adults return to "
    "work, together with support for start-ups and small businesses in the region.",
    "An electronic services portal will let residents file {n} kinds of requests online, follow council decisions "
    "and vote in the participatory budget; open data will be published every month.",
    "The municipality will plant {n} trees, restore river banks and wetlands, create green roofs and rain gardens, "
    "and protect urban biodiversity in parks against summer heat and drought.",
]


def tiny_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with a text layer (Helvetica, ASCII), written by hand: no PDF library needed."""
    def esc(s: str) -> str:
        return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    content = "BT /F1 11 Tf 50 790 Td 15 TL " + " ".join(f"({esc(line)}) Tj T*" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def sample_pdfs(n: int) -> list[bytes]:
    """``n`` distinct one-page English strategy excerpts."""
    pdfs = []
    for i in range(n):
        paragraph = _TOPICS[i % len(_TOPICS)].format(n=10 + i) + " " + _TOPICS[(i + 2) % len(_TOPICS)].format(n=3 * i + 7)
        words, lines, line = paragraph.split(), [], ""
        for w in words:
            if len(line) + len(w) > 85:
                lines.append(line)
                line = w
            else:
                line = f"{line} {w}".strip()
        lines.append(line)
        pdfs.append(tiny_pdf([f"Strategy excerpt number {i}"] + lines))
    return pdfs


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _percentiles(values: list[float]) -> dict:
    ordered = sorted(values)

    def pick(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)

    return {"p50": pick(0.5), "p90": pick(0.9), "p99": pick(0.99), "max": round(ordered[-1] * 1000, 1)}


def _burst(client, url: str, pdfs: list[bytes], concurrency: int) -> tuple[list[tuple[int, dict, float]], float]:
    start = threading.Barrier(min(concurrency, len(pdfs)))

    def one(i: int):
        if i < concurrency:
            start.wait()
        t0 = time.perf_counter()
        r = client.post(url, files={"file": (f"strategy-{i}.pdf", pdfs[i], "application/pdf")})
        return r.status_code, r.json(), time.perf_counter() - t0

    t0 = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(one, range(len(pdfs))))
    return results, time.perf_counter() - t0


def _wait_for_jobs(client, base: str, job_ids: list[str], timeout: float) -> dict:
    """Poll background jobs until all ended; their count, failures and the time it took."""
    t0 = time.perf_counter()
    pending, failed = set(job_ids), 0
    deadline = time.monotonic() + timeout
    while pending and time.monotonic() < deadline:
        for job_id in list(pending):
            status = client.get(f"{base}/api/v1/jobs/{job_id}").json()["status"]
            if status in ("done", "failed"):
                pending.discard(job_id)
                failed += status == "failed"
        time.sleep(0.2)
    return {"jobs": len(job_ids), "failed": failed, "unfinished": len(pending), "seconds": round(time.perf_counter() - t0, 1)}


def _wait_ready(client, base: str, proc, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with code {proc.returncode}")
        try:
            if client.get(base + "/api/v1/ready").status_code == 200:
                return
        except Exception:  # not listening yet
            pass
        time.sleep(0.2)
    raise RuntimeError("the server did not become ready in time")


def run_load_check(n: int = 50, concurrency: int = 50, model_dir: str | None = None, partner_method: str = "labels",
                   timeout: float = 300.0) -> dict:
    """Serve on a free loopback port, upload ``n`` distinct PDFs with ``concurrency`` clients, verify, report."""
    import httpx

    pdfs = sample_pdfs(n)
    expected = {hashlib.sha256(p).hexdigest() for p in pdfs}
    with tempfile.TemporaryDirectory(prefix="stratag-bench-") as tmp:
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "STRATAG_DATA_DIR": tmp, "STRATAG_PARTNER_METHOD": partner_method}
        env.pop("STRATAG_DATABASE_URL", None)
        env.pop("STRATAG_API_TOKEN", None)
        if model_dir:
            env["STRATAG_MODEL_DIR"] = str(Path(model_dir).resolve())
        proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "service.app:create_app", "--host", "127.0.0.1",
             "--port", str(port), "--log-level", "warning"],
            env=env, cwd=tmp,
        )
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        try:
            with httpx.Client(timeout=timeout, limits=limits) as client:
                _wait_ready(client, base, proc, timeout=120)
                first, wall = _burst(client, base + "/api/v1/documents", pdfs, concurrency)
                jobs = _wait_for_jobs(client, base, [b["job"]["id"] for _, b, _ in first if b.get("job")], timeout)
                listed = client.get(base + "/api/v1/documents", params={"limit": 500}).json()
                again, wall_again = _burst(client, base + "/api/v1/documents", pdfs, concurrency)
                total_after = client.get(base + "/api/v1/documents", params={"limit": 1}).json()["total"]
        finally:
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
    ids = [item["id"] for item in listed["items"]]
    return {
        "uploads": n,
        "concurrency": concurrency,
        "first_round": {
            "statuses": dict(Counter(s for s, _, _ in first)),
            "wall_s": round(wall, 2),
            "requests_per_s": round(n / wall, 1),
            "latency_ms": _percentiles([t for _, _, t in first]),
        },
        "background_jobs_after_first_round": jobs,
        "stored": listed["total"],
        "lost": len(expected - set(ids)),
        "duplicated": len(ids) - len(set(ids)),
        "unexpected": len(set(ids) - expected),
        "repeat_round": {
            "statuses": dict(Counter(s for s, _, _ in again)),
            "recognised_as_duplicates": sum(1 for _, body, _ in again if body.get("duplicate")),
            "wall_s": round(wall_again, 2),
            "requests_per_s": round(n / wall_again, 1),
            "latency_ms": _percentiles([t for _, _, t in again]),
        },
        "stored_after_repeat": total_after,
        "ok": listed["total"] == n and expected == set(ids) and total_after == n and not jobs["failed"] and not jobs["unfinished"],
    }
