"""Articles to N-Quads shards on a Dask cluster, for a store's own bulk loader.

Extraction and mapping are pure functions of one article, so a corpus splits into
partitions (groups of article files or JSONL shards) that any worker converts alone:
each partition becomes one ``part-NNNNN.nq`` file with one named graph per article (plus
its share of the entities graph, which partitions may repeat: a store's loader keeps one
copy), and ``vocabulary.nq`` carries the shared SKOS vocabulary graph. Loading every ``.nq`` file
of the output directory gives the same dataset as ``kg ingest`` of the same inputs::

    from dask.distributed import Client
    from kg.distributed import to_nquads

    with Client("tcp://scheduler:8786") as client:      # or Client(LocalCluster(...))
        report = to_nquads(["/shared/corpus"], "/shared/nq", partitions=64, client=client)
    # then: oxigraph load --location DB --file /shared/nq/*.nq   (or Virtuoso ld_dir)

Inputs and the output directory must be reachable by every worker under the same path
(a shared filesystem); the output may also be any fsspec URL the workers can write
(``s3://bucket/nq`` with s3fs installed). Without a client, the work runs on Dask's local
process scheduler. The command line: ``python -m kg.distributed INPUT... -o DIR``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .articles import ReadError, iter_files, read_paths

PART_NAME = "part-{:05d}.nq"
VOCABULARY_NAME = "vocabulary.nq"


@dataclass
class ShardReport:
    files: list[str] = field(default_factory=list)
    articles: int = 0
    facts: int = 0
    quads: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        rate = self.articles / self.seconds if self.seconds else 0.0
        return (f"{self.articles} articles, {self.facts} facts, {self.quads} quads in "
                f"{len(self.files)} files, {len(self.errors)} errors, {self.seconds:.1f} s "
                f"({rate:.0f} articles/s)")


def input_files(inputs: Iterable[str | Path]) -> list[str]:
    """Article files and JSONL shards, directories expanded, in a stable order."""
    out: list[str] = []
    for p in map(Path, inputs):
        out += [str(f) for f in iter_files(p)] if p.is_dir() else [str(p)]
    return out


def plan(files: Sequence[str], partitions: int) -> list[list[str]]:
    """Contiguous, nearly equal groups of files (empty groups dropped)."""
    n = max(1, min(partitions, len(files)))
    size, extra = divmod(len(files), n)
    groups, start = [], 0
    for i in range(n):
        end = start + size + (1 if i < extra else 0)
        groups.append(list(files[start:end]))
        start = end
    return [g for g in groups if g]


def _open(path: str):
    try:
        import fsspec
    except ImportError:  # plain local files
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return open(path, "wb")  # noqa: SIM115 - returned to a with statement
    return fsspec.open(path, "wb", auto_mkdir=True).open()


def convert_partition(files: list[str], output: str) -> dict[str, Any]:
    """One partition: read, extract and map each article, write its quads as N-Quads.

    Runs on a worker; the Extractor is built once per worker process and reused."""
    from .pipeline import process_article
    from .rdf import ENTITIES_GRAPH

    shared = f" <{ENTITIES_GRAPH.value}> .\n".encode()
    seen: set[bytes] = set()  # shared-graph lines already written by this partition
    counts: dict[str, Any] = {"file": output, "articles": 0, "facts": 0, "quads": 0,
                              "errors": []}
    with _open(output) as fh:
        for item in read_paths(files):
            done = item if isinstance(item, ReadError) else process_article(item)
            if isinstance(done, ReadError):
                counts["errors"].append(str(done))
                continue
            _, facts, data, _ = done
            lines = [line for line in dict.fromkeys(data.splitlines(keepends=True))
                     if not (line.endswith(shared) and line in seen)]
            seen.update(line for line in lines if line.endswith(shared))
            fh.write(b"".join(lines))
            counts["articles"] += 1
            counts["facts"] += len(facts)
            counts["quads"] += len(lines)
    return counts


def write_vocabulary(out_dir: str) -> int:
    from .rdf import vocabulary_quads

    quads = list(vocabulary_quads())
    with _open(f"{out_dir.rstrip('/')}/{VOCABULARY_NAME}") as fh:
        fh.write(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    return len(quads)


def to_nquads(inputs: Iterable[str | Path], out_dir: str | Path, *,
              partitions: int | None = None, client: Any = None) -> ShardReport:
    """Convert ``inputs`` (files, directories, JSONL shards) into N-Quads shards in
    ``out_dir``, one per partition, on ``client`` (a dask.distributed Client) or on
    Dask's local process scheduler."""
    import time

    import dask

    started = time.perf_counter()
    files = input_files(inputs)
    if partitions is None:
        workers = len(client.scheduler_info()["workers"]) if client is not None else 2
        partitions = max(1, 4 * workers)
    out = str(out_dir).rstrip("/")
    groups = plan(files, partitions)
    outputs = [f"{out}/{PART_NAME.format(i)}" for i in range(len(groups))]
    report = ShardReport()
    report.quads += write_vocabulary(out)
    report.files.append(f"{out}/{VOCABULARY_NAME}")
    if client is not None:
        futures = client.map(convert_partition, groups, outputs, pure=False)
        results = client.gather(futures)
    else:
        tasks = [dask.delayed(convert_partition, pure=False)(g, o)
                 for g, o in zip(groups, outputs, strict=True)]
        results = dask.compute(*tasks, scheduler="processes")
    for r in results:
        report.files.append(r["file"])
        report.articles += r["articles"]
        report.facts += r["facts"]
        report.quads += r["quads"]
        report.errors += r["errors"]
    report.seconds = time.perf_counter() - started
    return report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m kg.distributed",
                                 description="Articles to N-Quads shards on Dask.")
    ap.add_argument("inputs", nargs="+", help="article files, directories, JSONL shards")
    ap.add_argument("-o", "--output", required=True, help="output directory (or fsspec URL)")
    ap.add_argument("--partitions", type=int, help="number of shards (default 4 per worker)")
    ap.add_argument("--scheduler", help="scheduler address, e.g. tcp://10.0.0.5:8786 "
                                        "(default: a LocalCluster of --workers processes)")
    ap.add_argument("--workers", type=int, default=2, help="LocalCluster worker processes")
    args = ap.parse_args(argv)
    from dask.distributed import Client, LocalCluster

    if args.scheduler:
        client = Client(args.scheduler)
    else:
        client = Client(LocalCluster(n_workers=args.workers, threads_per_worker=1,
                                     processes=True, host="127.0.0.1", dashboard_address=None))
    with client:
        report = to_nquads(args.inputs, args.output, partitions=args.partitions, client=client)
    for err in report.errors:
        print(f"error: {err}", file=sys.stderr)
    print(report.summary(), file=sys.stderr)
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main())
