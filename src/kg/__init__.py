"""kg: a knowledge graph of Vietnamese organisations and officials, built from news.

The library behind the ``kg`` command; every stage can be used on its own::

    from kg import read_path, Extractor, Mapper, Store, ingest, run_saved

    facts = [f for a in read_path("articles/") if not isinstance(a, ReadError)
             for f in Extractor().extract(a)]
    with Store.open("kg-data", write=True) as store:
        ingest(["articles/"], store)
    with Store.open("kg-data") as store:
        table = run_saved(store, "person-career", {"name": "pham duc tien"})
"""

__version__ = "0.1.0"

from .articles import Article, ReadError, read_path, read_paths  # noqa: E402
from .extract import Extractor, Fact, extract  # noqa: E402
from .pipeline import IngestReport, ingest, iter_facts  # noqa: E402
from .query import run, run_saved, saved_queries  # noqa: E402
from .rdf import Mapper  # noqa: E402
from .store import Store, StoreBusy, StoreError  # noqa: E402

__all__ = [
    "Article", "Extractor", "Fact", "IngestReport", "Mapper", "ReadError", "Store",
    "StoreBusy", "StoreError", "extract", "ingest", "iter_facts", "read_path", "read_paths",
    "run", "run_saved", "saved_queries",
]
